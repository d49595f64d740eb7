"""Links between a framework's questions and the plans' monitoring instruments, suggested by text
similarity for the coordinator to confirm.

Questions arrive in the body's language (English, French, Dutch) and the plans are written in
one or more of them, so every instrument is compared in each language it has text in, and the best
language counts, by the similarity of core/similarity.py (weighted word overlap and token set
ratio, on stemmed words). Given the kind of answer a question wants, instruments of a fitting
nature (counted by sex for figures by sex, quantitative for a number, qualitative for a text) move
up among those whose texts are close.
`bench/mapping_precision.py` measures the suggestions against a labelled set from the Belgian plan.
"""

from __future__ import annotations

from dataclasses import dataclass

from naptrack.core.similarity import LANGUAGES, Weights, words
from naptrack.plans.models import Instrument

# How well an instrument's nature fits the kind of answer a question wants (Question.Kind):
# figures by sex come from instruments counted by sex, a number from a quantitative one, and a
# text or a yes/no rather from a qualitative one. A factor on the text score, so that it only
# reorders instruments whose texts are close.
FIT = 0.15


def _fit(kind: str | None, instrument: Instrument) -> float:
    quantitative = instrument.kind == Instrument.Kind.QUANTITATIVE
    if kind == "by-sex":
        return 1 + FIT if instrument.by_sex else (1.0 if quantitative else 1 - FIT)
    if kind == "number":
        return 1 + FIT if quantitative else 1.0
    if kind in ("text", "yes-no"):
        return 1 - FIT if quantitative else 1.0
    return 1.0


@dataclass(frozen=True)
class Suggestion:
    instrument: Instrument
    score: float


@dataclass
class _Candidate:
    instrument: Instrument
    texts: list[list[str]]  # per language: the instrument's words, then its line's


class Suggester:
    """Built once over every instrument of the plans given; answers many questions."""

    def __init__(self, instruments: list[Instrument]):
        self.candidates: list[_Candidate] = []
        for instrument in instruments:
            texts = []
            for lang in LANGUAGES:
                own = getattr(instrument, f"text_{lang}", None)
                line = getattr(instrument.action, f"text_{lang}", None)
                if own or line:
                    # The instrument's own words twice: it is what is measured; the line says why.
                    texts.append(words(own or "") * 2 + words(line or ""))
            if not texts:
                texts.append(words(instrument.text) * 2 + words(instrument.action.text))
            self.candidates.append(_Candidate(instrument, texts))
        self.weights = Weights(c.texts for c in self.candidates)

    def suggest(
        self,
        text: str,
        *,
        top: int = 3,
        exclude: set[int] | frozenset[int] = frozenset(),
        kind: str | None = None,
    ) -> list[Suggestion]:
        """The `top` instruments closest to the question's text; `kind`, the kind of answer the
        question wants (text, number, by-sex, yes-no), favours instruments of a fitting nature."""
        question = words(text)
        scored = []
        for candidate in self.candidates:
            if candidate.instrument.pk in exclude:
                continue
            best = self.weights.score(question, candidate.texts)
            scored.append(Suggestion(candidate.instrument, round(min(best * _fit(kind, candidate.instrument), 1.0), 3)))
        scored.sort(key=lambda s: (-s.score, s.instrument.pk))
        return [s for s in scored[:top] if s.score > 0]


def suggester_for_plans(plans=None) -> Suggester:
    """Over every instrument of the plans given (every plan when None), in one query."""
    instruments = Instrument.objects.select_related("action__plan").order_by("action__plan_id", "pk")
    if plans is not None:
        instruments = instruments.filter(action__plan__in=plans)
    return Suggester(list(instruments))
