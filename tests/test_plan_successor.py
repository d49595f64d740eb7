"""The next plan drafted from the Belgian plan 2013-2016: everything in force carried over with a
link from each new line to the line it continues, no targets; clear refusals; only a coordinator
drafts and adopts; a draft opens no round; the command line."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from naptrack.audit.models import AuditEvent
from naptrack.cli.main import main as cli_main
from naptrack.plans.models import Action, Instrument, LineLink, Note, Plan, Responsibility, Target, TranslationState
from naptrack.plans.successors import plan_adopt, plan_successor
from naptrack.reporting.services import round_create
from tests.conftest import BE

pytestmark = pytest.mark.django_db

NEXT = "be-nap-2017-2021"


def successor(plan, actor, **kwargs):
    values = {"slug": NEXT, "title": "Third NAP 1325 (2017-2021)", "period_start": 2017, "period_end": 2021}
    return plan_successor(actor=actor, plan=plan, **{**values, **kwargs})


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli_main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_successor_carries_every_line_instrument_and_department_over_as_a_draft(plan, coordinator):
    Target.objects.create(
        instrument=Instrument.objects.get(action__plan=plan, action__code="21", position=2), year=2016, value=0.3
    )
    new = successor(plan, coordinator)

    assert new.state == Plan.State.DRAFT and not new.is_adopted
    assert (new.country, new.languages, new.focus_countries, new.currency) == (
        plan.country,
        plan.languages,
        plan.focus_countries,
        plan.currency,
    )
    assert new.title == "Third NAP 1325 (2017-2021)" and new.period == "2017-2021"
    for name in ("objectives", "goals", "actions", "plan_departments"):
        assert getattr(new, name).count() == getattr(plan, name).count() > 0, name
    assert Instrument.objects.filter(action__plan=new).count() == Instrument.objects.filter(action__plan=plan).count()
    assert Note.objects.filter(action__plan=new).count() == Note.objects.filter(action__plan=plan).count() > 0
    assert (
        Responsibility.objects.filter(action__plan=new).count()
        == Responsibility.objects.filter(action__plan=plan).count()
    )
    assert not Target.objects.filter(instrument__action__plan=new).exists(), "the new plan sets its own targets"

    old_line = Action.objects.get(plan=plan, code="33")
    new_line = Action.objects.get(plan=new, code="33")
    assert new_line.text_en == old_line.text_en
    assert [(r.department.code, r.is_coordinator) for r in new_line.responsibilities.order_by("position")] == [
        (r.department.code, r.is_coordinator) for r in old_line.responsibilities.order_by("position")
    ]
    by_sex = Instrument.objects.get(action=new_line.goal.actions.get(code="33"), position=1)
    assert by_sex.kind == Instrument.objects.get(action=old_line, position=1).kind

    # Every new line continues the line it was copied from, and only that one.
    links = LineLink.objects.filter(line__plan=new)
    assert links.count() == plan.actions.count()
    assert set(links.values_list("line__code", "continues__code", "continues__plan", "source")) == {
        (a.code, a.code, plan.pk, LineLink.Source.SUCCESSOR) for a in plan.actions.all()
    }
    assert links.first().history.count() == 1, "links keep their history"

    event = AuditEvent.objects.get(action="plans.plan.succeeded")
    assert event.actor == coordinator
    assert event.data["follows"] == BE and event.data["lines"] == plan.actions.count() == event.data["links"]


def test_translations_and_their_states_come_along(plan, coordinator):
    line = Action.objects.get(plan=plan, code="1.a")
    line.text_fr = "Appliquer en Belgique les conventions internationales."
    line.save()
    TranslationState.objects.create(kind="action", object_id=line.pk, field="text", language="fr", state="official")
    new = successor(plan, coordinator)
    copied = Action.objects.get(plan=new, code="1.a")
    assert copied.text_fr == line.text_fr
    assert (
        TranslationState.objects.get(kind="action", object_id=copied.pk, field="text", language="fr").state
        == "official"
    )


def test_a_retired_line_stays_behind(plan, coordinator):
    from naptrack.plans.models import PlanVersion

    version = PlanVersion.objects.create(plan=plan, number=2, effective_from=dt.date(2015, 1, 1), reason="done")
    Action.objects.filter(plan=plan, code="4.f").update(retired_in=version)
    Instrument.objects.filter(action__plan=plan, action__code="21", position=1).update(retired_in=version)
    new = successor(plan, coordinator)
    assert not new.actions.filter(code="4.f").exists()
    assert new.actions.count() == plan.actions.count() - 1
    kept = Instrument.objects.filter(action__plan=new, action__code="21").order_by("position")
    old = Instrument.objects.filter(action__plan=plan, action__code="21", retired_in__isnull=True).order_by("position")
    assert [i.text for i in kept] == [i.text for i in old]
    assert [i.position for i in kept] == list(range(1, len(old) + 1)), "positions closed up"


@pytest.mark.parametrize(
    ("kwargs", "field", "words"),
    [
        ({"slug": BE}, "slug", "exists already"),
        ({"slug": "Not A Slug"}, "slug", "lower-case letters"),
        ({"slug": "import"}, "slug", "lower-case letters"),
        ({"period_start": 2021, "period_end": 2017}, "period", "ends before it starts"),
        ({"period_start": 2013, "period_end": 2017}, "period", "starts after 2013"),
        ({"period_start": 2010, "period_end": 2012}, "period", "starts after 2013"),
        ({"title": "  "}, "title", "title"),
    ],
)
def test_a_bad_successor_is_refused_with_a_reason_and_writes_nothing(plan, coordinator, kwargs, field, words):
    before = (Plan.objects.count(), Action.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as refused:
        successor(plan, coordinator, **kwargs)
    assert words in " ".join(refused.value.message_dict[field])
    assert (Plan.objects.count(), Action.objects.count(), AuditEvent.objects.count()) == before


def test_a_draft_has_no_successor_until_adopted(plan, coordinator):
    draft = successor(plan, coordinator)
    with pytest.raises(ValidationError) as refused:
        plan_successor(
            actor=coordinator, plan=draft, slug="be-nap-2022-2026", title="Fourth", period_start=2022, period_end=2026
        )
    assert "is a draft" in refused.value.message_dict["plan"][0]


def test_only_a_coordinator_drafts_and_adopts(plan, coordinator, focal_defence, reader):
    for person in (focal_defence, reader):
        with pytest.raises(PermissionDenied):
            successor(plan, person)
    draft = successor(plan, coordinator)
    for person in (focal_defence, reader):
        with pytest.raises(PermissionDenied):
            plan_adopt(actor=person, plan=draft)
    assert Plan.objects.get(pk=draft.pk).state == Plan.State.DRAFT


def test_adopting_makes_the_draft_public_and_lets_rounds_open(plan, coordinator):
    draft = successor(plan, coordinator)
    with pytest.raises(ValidationError) as refused:
        round_create(actor=coordinator, plan=draft, kind="annual", year=2017, deadline=dt.date(2018, 1, 31))
    assert "adopt it before opening a round" in refused.value.message_dict["plan"][0]
    assert not draft.rounds.exists()
    assert Plan.objects.current() == plan, "a draft is no one's current plan"
    assert list(Plan.objects.adopted()) == [plan]

    plan_adopt(actor=coordinator, plan=draft)
    draft.refresh_from_db()
    assert draft.is_adopted
    assert Plan.objects.current() == draft
    assert AuditEvent.objects.filter(action="plans.plan.adopted", target_id=str(draft.pk)).count() == 1
    assert round_create(actor=coordinator, plan=draft, kind="annual", year=2017, deadline=dt.date(2018, 1, 31))
    with pytest.raises(ValidationError, match="adopted already"):
        plan_adopt(actor=coordinator, plan=draft)


def test_successor_and_adopt_from_the_command_line(plan, capsys):
    code, out, err = run(
        capsys, "plan", "successor", BE, "--slug", NEXT, "--title", "Third NAP", "--period", "2017-2021"
    )
    assert (code, err) == (0, "")
    lines = plan.actions.count()
    assert f"draft plan {NEXT} (2017-2021) made from {BE}" in out
    assert f"{lines} lines of action" in out and f"{lines} lines linked" in out and "no targets" in out
    assert Plan.objects.get(slug=NEXT).state == "draft"

    code, out, err = run(capsys, "plan", "successor", BE, "--slug", NEXT, "--title", "Again", "--period", "2017-2021")
    assert code == 1 and err == f"naptrack: slug: A plan {NEXT} exists already: choose another slug.\n"
    code, out, err = run(capsys, "plan", "successor", BE, "--slug", "x-1", "--title", "T", "--period", "2012-2014")
    assert code == 1 and "starts after 2013" in err
    code, out, err = run(capsys, "plan", "successor", "nope", "--slug", "x-1", "--title", "T", "--period", "2017-2021")
    assert code == 1 and "no plan 'nope'" in err

    code, out, err = run(capsys, "plan", "adopt", NEXT)
    assert (code, out) == (0, f"plan {NEXT} adopted: public from now on\n")
    code, out, err = run(capsys, "plan", "adopt", NEXT)
    assert code == 1 and "adopted already" in err


def test_the_successor_help_says_targets_are_not_copied(capsys):
    with pytest.raises(SystemExit):
        cli_main(["plan", "successor", "--help"])
    assert "targets are NOT copied" in capsys.readouterr().out


def test_the_successor_takes_a_bounded_number_of_queries(plan, coordinator, django_assert_max_num_queries):
    # One statement per kind of row and its history, a few more where SQLite splits a long
    # insert, and the search index of the draft (ready for its adoption).
    with django_assert_max_num_queries(50):
        successor(plan, coordinator)
