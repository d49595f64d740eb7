"""A reporting round on the Belgian plan, through the services: opening, reporting, review, the
conflict of two editors, bad input, and the record kept of every change."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from naptrack.audit.models import AuditEvent
from naptrack.core.markdown import render
from naptrack.plans.models import Responsibility
from naptrack.portal import publishing
from naptrack.reporting import services
from naptrack.reporting.models import Contribution, Evidence, Measurement, Round

from .conftest import contribution_of
from .portal_data import as_numbers


def by_sex_instrument(contribution):
    return next(i for i in contribution.action.instruments.all() if i.by_sex)


def state_of(contribution) -> tuple:
    contribution.refresh_from_db()
    figures = sorted(
        (m.instrument_id, m.text, m.women, m.men, m.other, m.value, m.unit, m.note)
        for m in contribution.measurements.all()
    )
    return (
        contribution.version,
        contribution.status,
        contribution.narrative,
        contribution.visibility,
        contribution.countries,
        figures,
    )


def test_opening_creates_exactly_the_pairs_the_plan_lists(open_round, plan):
    pairs = set(Responsibility.objects.filter(action__plan=plan).values_list("action_id", "department_id"))
    created = set(Contribution.objects.filter(round=open_round).values_list("action_id", "department_id"))
    assert created == pairs
    assert len(created) == 195
    line_14a = Contribution.objects.filter(round=open_round, action__code="14.a")
    assert line_14a.count() == 6
    # One empty answer per monitoring instrument: 20.e and 25.d have none.
    assert Measurement.objects.filter(contribution__round=open_round, contribution__action__code="20.e").count() == 0
    assert all(c.state == "draft" and c.version == 1 for c in Contribution.objects.filter(round=open_round))
    event = AuditEvent.objects.get(action="reporting.round.opened")
    assert event.data["contributions"] == 195


def test_opening_mails_each_focal_point_their_lines_and_the_deadline(
    annual_round, coordinator, focal_defence, focal_justice, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.round_open(actor=coordinator, round=annual_round)
    assert sorted(m.to[0] for m in mailoutbox) == ["focal-defence@example.org", "focal-justice@example.org"]
    defence = next(m for m in mailoutbox if m.to == ["focal-defence@example.org"])
    n_defence = Responsibility.objects.filter(department__code="defence").count()
    assert defence.body.count("(Defence)") == n_defence
    assert "(Justice)" not in defence.body
    assert "January 31, 2015" in defence.body or "31" in defence.subject


def test_a_round_cannot_be_opened_twice(open_round, coordinator):
    with pytest.raises(services.WorkflowError, match="already open"):
        services.round_open(actor=coordinator, round=open_round)
    assert Contribution.objects.filter(round=open_round).count() == 195


def test_a_second_round_of_the_same_kind_and_year_is_refused(annual_round, coordinator, plan):
    with pytest.raises(ValidationError) as info:
        services.round_create(actor=coordinator, plan=plan, kind="annual", year=2014, deadline=dt.date(2015, 2, 1))
    assert "year" in info.value.message_dict
    assert Round.objects.count() == 1


def test_round_life_cycle_with_reopening(open_round, coordinator):
    round_ = services.round_close(actor=coordinator, round=open_round)
    with pytest.raises(ValidationError):
        services.round_reopen(actor=coordinator, round=round_, reason=" ")
    round_ = services.round_reopen(actor=coordinator, round=round_, reason="Justice asked for a week more.")
    assert round_.state == "open"
    assert AuditEvent.objects.get(action="reporting.round.reopened").data["reason"] == "Justice asked for a week more."
    with pytest.raises(services.WorkflowError):
        publishing.round_publish(actor=coordinator, round=round_)
    round_ = publishing.round_publish(actor=coordinator, round=services.round_close(actor=coordinator, round=round_))
    assert round_.state == "published" and round_.published_at is not None
    assert round_.history.count() >= 5


def test_the_whole_cycle_on_line_21(open_round, plan, coordinator, mailoutbox, django_capture_on_commit_callbacks):
    from naptrack.accounts.services import user_create

    focal = user_create(
        actor="tests",
        username="focal-fa",
        role="focal-point",
        password="x" * 12,
        department_code="foreign-affairs",
        email="fa@example.org",
        check_password=False,
    )
    contribution = contribution_of(open_round, "21", "foreign-affairs")
    instrument = by_sex_instrument(contribution)
    contribution = services.contribution_save(
        actor=focal,
        contribution=contribution,
        version=1,
        data={
            "status": "continuous",
            "narrative": "Belgium funded **two** projects.",
            "countries": ["cd", "ML"],
            "measurements": [{"instrument": instrument.pk, "women": 12, "men": 4, "other": "0", "note": "Estimates."}],
        },
    )
    measurement = contribution.measurements.get(instrument=instrument)
    assert (measurement.women, measurement.men, measurement.other) == (12, 4, 0)
    assert measurement.total == 16
    assert measurement.share_of_women == pytest.approx(0.75)
    assert contribution.countries == ["CD", "ML"]
    contribution = services.contribution_submit(actor=focal, contribution=contribution)
    assert (contribution.state, contribution.submitted_by) == ("submitted", focal)
    with django_capture_on_commit_callbacks(execute=True):
        contribution = services.contribution_return(
            actor=coordinator, contribution=contribution, note="Please split by country."
        )
    assert contribution.review_note == "Please split by country."
    assert [m.to for m in mailoutbox] == [["fa@example.org"]]
    assert "Please split by country." in mailoutbox[0].body
    contribution = services.contribution_save(
        actor=focal,
        contribution=contribution,
        version=contribution.version,
        data={"narrative": "Belgium funded two projects: one in DRC, one in Mali."},
    )
    contribution = services.contribution_submit(actor=focal, contribution=contribution)
    contribution = services.contribution_approve(actor=coordinator, contribution=contribution)
    assert (contribution.state, contribution.approved_by) == ("approved", coordinator)
    actions = list(
        AuditEvent.objects.filter(target_id=str(contribution.pk), target_type="reporting.contribution")
        .order_by("occurred_at", "id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "reporting.contribution.saved",
        "reporting.contribution.submitted",
        "reporting.contribution.returned",
        "reporting.contribution.saved",
        "reporting.contribution.submitted",
        "reporting.contribution.approved",
    ]
    saved = AuditEvent.objects.filter(action="reporting.contribution.saved").order_by("id").first()
    assert saved.actor == focal
    assert saved.data["after"]["narrative"] == "Belgium funded **two** projects."
    assert saved.data["before"]["narrative"] == ""
    assert contribution.history.count() == 6
    assert measurement.history.count() == 1


def test_derived_totals_with_a_given_total(open_round, coordinator):
    contribution = contribution_of(open_round, "21", "foreign-affairs")
    instrument = by_sex_instrument(contribution)
    contribution = services.contribution_save(
        actor=coordinator,
        contribution=contribution,
        version=1,
        data={"measurements": [{"instrument": instrument.pk, "women": 3, "men": 5, "value": 10}]},
    )
    measurement = contribution.measurements.get(instrument=instrument)
    assert measurement.total == 10, "two people whose sex was not recorded"
    assert measurement.share_of_women == pytest.approx(0.3)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"women": -1}, "women", "Enter zero or more."),
        ({"men": 2.5}, "men", "whole number"),
        ({"other": "many"}, "other", "Enter a whole number."),
        ({"women": 5, "men": 5, "value": 9}, "value", "smaller than women, men and other together (10)"),
        ({"value": "7.5", "women": 1}, "value", "whole number"),
    ],
)
def test_bad_figures_are_refused_naming_the_field_and_nothing_is_saved(open_round, coordinator, data, field, message):
    contribution = contribution_of(open_round, "21", "foreign-affairs")
    instrument = by_sex_instrument(contribution)
    before = state_of(contribution)
    with pytest.raises(ValidationError) as info:
        services.contribution_save(
            actor=coordinator,
            contribution=contribution,
            version=1,
            data={
                "narrative": "This text must not be saved either.",
                "measurements": [{"instrument": instrument.pk, **data}],
            },
        )
    errors = info.value.message_dict
    assert list(errors) == [f"measurements.{instrument.pk}.{field}"]
    assert message in errors[f"measurements.{instrument.pk}.{field}"][0]
    assert state_of(contribution) == before


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"countries": ["AF", "XX"]}, "countries"),
        ({"status": "finished"}, "status"),
        ({"visibility": "secret"}, "visibility"),
        ({"narrative": "x" * 20_001}, "narrative"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_bad_fields_are_refused_and_nothing_is_saved(open_round, coordinator, data, field):
    contribution = contribution_of(open_round, "14.a", "defence")
    before = state_of(contribution)
    with pytest.raises(ValidationError) as info:
        services.contribution_save(
            actor=coordinator, contribution=contribution, version=1, data={"status": "completed", **data}
        )
    assert list(info.value.message_dict) == [field]
    assert state_of(contribution) == before


def test_figures_only_where_the_instrument_asks_for_them(open_round, coordinator):
    contribution = contribution_of(open_round, "14.a", "defence")
    qualitative = contribution.action.instruments.first()
    with pytest.raises(ValidationError) as info:
        services.contribution_save(
            actor=coordinator,
            contribution=contribution,
            version=1,
            data={"measurements": [{"instrument": qualitative.pk, "women": 1, "value": 3}]},
        )
    assert set(info.value.message_dict) == {
        f"measurements.{qualitative.pk}.women",
        f"measurements.{qualitative.pk}.value",
    }
    other_line = contribution_of(open_round, "1.a", "defence").action.instruments.first()
    with pytest.raises(ValidationError) as info:
        services.contribution_save(
            actor=coordinator,
            contribution=contribution,
            version=1,
            data={"measurements": [{"instrument": other_line.pk, "text": "x"}]},
        )
    assert list(info.value.message_dict) == ["measurements.0.instrument"]


def test_two_editors_the_second_save_is_a_conflict_that_says_what_changed(open_round, focal_defence, coordinator):
    first = contribution_of(open_round, "14.a", "defence")
    second = contribution_of(open_round, "14.a", "defence")
    services.contribution_save(
        actor=focal_defence,
        contribution=first,
        version=1,
        data={"narrative": "Training for 40 officers.", "status": "in-progress"},
    )
    with pytest.raises(services.ContributionConflict) as info:
        services.contribution_save(
            actor=coordinator, contribution=second, version=1, data={"narrative": "Something else entirely."}
        )
    changes = {c.field: (c.before, c.after, c.by) for c in info.value.changes}
    assert changes == {
        "narrative": ("", "Training for 40 officers.", "focal-defence"),
        "status": ("", "in-progress", "focal-defence"),
    }
    assert info.value.current.version == 2
    assert state_of(second)[2] == "Training for 40 officers."
    # Saving again on the version the conflict reported is a deliberate overwrite.
    services.contribution_save(
        actor=coordinator, contribution=second, version=2, data={"narrative": "Something else entirely."}
    )
    assert state_of(second)[:3] == (3, "in-progress", "Something else entirely.")


def test_wrong_transitions_are_refused(open_round, focal_defence, coordinator):
    contribution = contribution_of(open_round, "14.a", "defence")
    with pytest.raises(ValidationError, match="Nothing to submit"):
        services.contribution_submit(actor=focal_defence, contribution=contribution)
    with pytest.raises(services.WorkflowError):
        services.contribution_approve(actor=coordinator, contribution=contribution)
    with pytest.raises(services.WorkflowError):
        services.contribution_reopen(actor=coordinator, contribution=contribution, reason="x")
    contribution = services.contribution_submit(
        actor=focal_defence,
        contribution=services.contribution_save(
            actor=focal_defence, contribution=contribution, version=1, data={"status": "completed"}
        ),
    )
    with pytest.raises(services.WorkflowError):
        services.contribution_submit(actor=focal_defence, contribution=contribution)
    with pytest.raises(ValidationError):
        services.contribution_return(actor=coordinator, contribution=contribution, note="")
    contribution.refresh_from_db()
    assert contribution.state == "submitted"


def test_baseline_entered_by_the_coordinator_on_behalf_of_a_department(plan, coordinator):
    baseline = services.round_create(
        actor=coordinator, plan=plan, kind="baseline", year=2012, deadline=dt.date(2013, 6, 30)
    )
    baseline = services.round_open(actor=coordinator, round=baseline)
    contribution = contribution_of(baseline, "6.a", "defence")
    saved = services.contribution_save(
        actor=coordinator,
        contribution=contribution,
        version=1,
        data={"status": "continuous", "narrative": "Gender module in basic training."},
    )
    assert saved.on_behalf is True
    event = AuditEvent.objects.get(action="reporting.contribution.saved")
    assert event.data["on_behalf"] is True


def test_evidence_files_are_checked(open_round, focal_defence):
    contribution = contribution_of(open_round, "14.a", "defence")
    pdf = SimpleUploadedFile("report.pdf", b"%PDF-1.7\n...", content_type="application/pdf")
    evidence = services.evidence_add(actor=focal_defence, contribution=contribution, title="Annual report", upload=pdf)
    assert evidence.size == len(b"%PDF-1.7\n...") and evidence.content_type == "application/pdf"
    link = services.evidence_add(actor=focal_defence, contribution=contribution, title="", url="https://example.org/x")
    assert link.title == "https://example.org/x"
    bad = [
        ("file", SimpleUploadedFile("virus.exe", b"MZ...")),
        ("file", SimpleUploadedFile("fake.pdf", b"<html>not a pdf</html>")),
        ("file", SimpleUploadedFile("huge.pdf", b"%PDF-" + b"0" * (services.EVIDENCE_MAX_BYTES + 1))),
    ]
    for field, upload in bad:
        with pytest.raises(ValidationError) as info:
            services.evidence_add(actor=focal_defence, contribution=contribution, title="", upload=upload)
        assert list(info.value.message_dict) == [field]
    with pytest.raises(ValidationError) as info:
        services.evidence_add(actor=focal_defence, contribution=contribution, title="", url="javascript:alert(1)")
    assert list(info.value.message_dict) == ["url"]
    assert Evidence.objects.filter(contribution=contribution).count() == 2
    services.evidence_remove(actor=focal_defence, evidence=link)
    assert Evidence.objects.filter(contribution=contribution).count() == 1


def test_narratives_are_sanitised_markdown():
    html = render("**Done**<script>alert(1)</script> [link](javascript:alert(1)) [ok](https://example.org)")
    assert "<strong>Done</strong>" in html
    assert "<script" not in html and "javascript:" not in html
    assert 'href="https://example.org"' in html


def test_synthesis_keeps_versions(open_round, coordinator):
    action = contribution_of(open_round, "14.a", "defence").action
    first = services.synthesis_save(actor=coordinator, round=open_round, action=action, text="Draft.", version=None)
    second = services.synthesis_save(
        actor=coordinator, round=open_round, action=action, text="Final.", version=first.version
    )
    assert second.version == first.version + 1
    with pytest.raises(services.WorkflowError):
        services.synthesis_save(
            actor=coordinator, round=open_round, action=action, text="Stale.", version=first.version
        )
    assert second.history.count() == 2


def test_decimal_values_for_other_quantitative_instruments(open_round, coordinator, plan):
    as_numbers(plan, "16.a")
    contribution = (
        Contribution.objects.filter(
            round=open_round, action__instruments__kind="quantitative", action__instruments__by_sex=False
        )
        .with_detail()
        .first()
    )
    instrument = next(i for i in contribution.action.instruments.all() if i.kind == "quantitative" and not i.by_sex)
    saved = services.contribution_save(
        actor=coordinator,
        contribution=contribution,
        version=1,
        data={"measurements": [{"instrument": instrument.pk, "value": "12.5", "unit": "%"}]},
    )
    measurement = saved.measurements.get(instrument=instrument)
    assert (measurement.value, measurement.unit) == (Decimal("12.5000"), "%")
