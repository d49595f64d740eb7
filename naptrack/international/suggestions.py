"""Links between a framework's questions and the plans' monitoring instruments, suggested by text
similarity for the coordinator to confirm.

Questions arrive in the body's language (English, French, Dutch) and the plans are written in
one or more of them, so every instrument is compared in each language it has text in, and the best
language counts. The score mixes two measures: a weighted word overlap (rare words, such as
"peacekeeping" or "CEDAW", count more than "women", which every line shares) and rapidfuzz's
token set ratio, which forgives word order and small spelling differences. Words are cut to a
five-letter stem so that "training" meets "trained" and "formation" meets "formations"; an
acronym in capitals ("UN Women") stays a word even where it spells a stopword. Given the kind of
answer a question wants, instruments of a fitting nature (counted by sex for figures by sex,
quantitative for a number, qualitative for a text) move up among those whose texts are close.
`bench/mapping_precision.py` measures the suggestions against a labelled set from the Belgian plan.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from rapidfuzz import fuzz

from naptrack.plans.models import Instrument

LANGUAGES = ("en", "fr", "nl", "de")
STEM = 5

# Words too common to tell two texts apart, in the plans' languages.
_STOPWORD_TEXT = """
a an and are as at be by for from has have how in into is it its of on or that the their this to was
were what which who will with within number numbers per any all other such been being also more
au aux avec ce ces dans de des du elle en est et il ils la le les leur leurs ou par pas pour que qui sa
se ses son sur un une nombre
aan als bij dat de die door een en er het in is met naar of om op te van voor wat welke zijn ze aantal
der die und zu mit fur von im ist
"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def _words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    words = []
    for word in re.findall(r"[A-Za-z0-9]+", text):
        # An acronym in capitals is a name ("UN Women", "EU"), even where its letters spell a
        # stopword of another language ("un" in French).
        acronym = len(word) > 1 and word.isupper()
        word = word.lower()
        if acronym or (word not in _STOPWORDS and len(word) > 1):
            words.append(word[:STEM])
    return words


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
        documents: list[set[str]] = []
        for instrument in instruments:
            texts = []
            for lang in LANGUAGES:
                own = getattr(instrument, f"text_{lang}", None)
                line = getattr(instrument.action, f"text_{lang}", None)
                if own or line:
                    # The instrument's own words twice: it is what is measured; the line says why.
                    texts.append(_words(own or "") * 2 + _words(line or ""))
            if not texts:
                texts.append(_words(instrument.text) * 2 + _words(instrument.action.text))
            self.candidates.append(_Candidate(instrument, texts))
            documents.append({w for words in texts for w in words})
        n = max(len(documents), 1)
        frequency = Counter(w for words in documents for w in words)
        self.idf = {w: math.log(1 + n / df) for w, df in frequency.items()}
        self.default_idf = math.log(1 + n)

    def _overlap(self, question: list[str], words: list[str]) -> float:
        if not question or not words:
            return 0.0
        present = Counter(words)
        wanted = set(question)
        got = sum(self.idf.get(w, self.default_idf) * min(1 + math.log(present[w]), 2) for w in wanted if w in present)
        best = sum(self.idf.get(w, self.default_idf) * 2 for w in wanted)
        return got / best if best else 0.0

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
        question = _words(text)
        joined = " ".join(question)
        scored = []
        for candidate in self.candidates:
            if candidate.instrument.pk in exclude:
                continue
            best = 0.0
            for words in candidate.texts:
                overlap = self._overlap(question, words)
                ratio = fuzz.token_set_ratio(joined, " ".join(words)) / 100
                best = max(best, 0.7 * overlap + 0.3 * ratio)
            scored.append(Suggestion(candidate.instrument, round(min(best * _fit(kind, candidate.instrument), 1.0), 3)))
        scored.sort(key=lambda s: (-s.score, s.instrument.pk))
        return [s for s in scored[:top] if s.score > 0]


def suggester_for_plans(plans=None) -> Suggester:
    """Over every instrument of the plans given (every plan when None), in one query."""
    instruments = Instrument.objects.select_related("action__plan").order_by("action__plan_id", "pk")
    if plans is not None:
        instruments = instruments.filter(action__plan__in=plans)
    return Suggester(list(instruments))
