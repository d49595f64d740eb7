"""Suggested links between a questionnaire's questions and the plan's monitoring instruments, on
the real Belgian plan: the obvious instrument comes first for clear questions, the kind of answer
a question wants favours instruments of that nature, and acronyms count."""

from __future__ import annotations

import pytest

from naptrack.international.suggestions import suggester_for_plans
from naptrack.plans.models import Instrument

pytestmark = pytest.mark.django_db


def _instrument(plan, code: str, position: int) -> Instrument:
    return Instrument.objects.get(action__plan=plan, action__code=code, position=position)


@pytest.fixture
def suggester(plan):
    return suggester_for_plans([plan])


@pytest.mark.parametrize(
    ("question", "kind", "line", "position"),
    [
        ("Has the State submitted its periodic report to the CEDAW Committee?", "yes-no", "1.a", 1),
        ("Proportion of women and men among diplomats, soldiers and police officers.", "by-sex", "21", 2),
        ("Number of complaints of sexual violence in the armed forces and of prosecutions.", "number", "16.a", 1),
    ],
)
def test_a_clear_question_gets_its_instrument_first(plan, suggester, question, kind, line, position):
    expected = _instrument(plan, line, position)
    assert suggester.suggest(question, top=3, kind=kind)[0].instrument == expected
    assert suggester.suggest(question, top=3)[0].instrument == expected, "the kind is optional"


def test_figures_by_sex_favour_an_instrument_counted_by_sex(plan, suggester):
    question = "Hoeveel kwetsbare vluchtelingen werden hervestigd in België? Geef cijfers voor vrouwen en mannen."
    resettled = _instrument(plan, "13.c", 1)
    assert suggester.suggest(question, top=1, kind="by-sex")[0].instrument == resettled


def test_an_acronym_is_a_word_even_when_it_spells_a_stopword(plan, suggester):
    found = [s.instrument for s in suggester.suggest("What support has been given to UN Women?", top=3)]
    assert _instrument(plan, "4.d", 1) in found


def test_excluded_instruments_are_not_suggested(plan, suggester):
    cedaw = _instrument(plan, "1.a", 1)
    found = suggester.suggest("Periodic reporting to the CEDAW Committee", top=3, exclude={cedaw.pk})
    assert cedaw not in [s.instrument for s in found]
    assert all(0 < s.score <= 1 for s in found)
