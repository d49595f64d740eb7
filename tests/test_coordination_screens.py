"""The coordinator's screens (readers and focal points read them without buttons): rounds, the
dashboard, reminders, round transitions, the line review with its synthesis and earlier rounds,
review decisions and history. On the real plan, with the personas."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db.models import Count, Q
from django.utils import timezone

from naptrack.accounts.services import user_create
from naptrack.audit.models import AuditEvent
from naptrack.jobs.models import Job
from naptrack.plans.models import Objective, Plan, Responsibility
from naptrack.reporting import services
from naptrack.reporting.models import Contribution, Reminder, Round, Synthesis
from tests.conftest import contribution_of, logged_in
from tests.job_results import job_of, keep_jobs_queued

STATES = ("draft", "submitted", "returned", "approved")


# --- helpers --------------------------------------------------------------------------------------


def get(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def flashed(client, response) -> list[str]:
    """The messages shown on the page the action redirected to (showing them uses them up)."""
    assert response.status_code == 302, response.status_code
    return [str(m) for m in client.get(response["Location"]).context["messages"]]


def between(html: str, start: str, end: str) -> str:
    """The part of the page from the element with `start` to the next `end`."""
    i = html.index(start)
    return html[i : html.index(end, i)]


def card(html: str, contribution: Contribution) -> str:
    return between(html, f'id="contribution-{contribution.pk}"', "</section>")


def save(actor, contribution: Contribution, **data) -> Contribution:
    contribution.refresh_from_db()
    return services.contribution_save(actor=actor, contribution=contribution, version=contribution.version, data=data)


def submit(actor, contribution: Contribution, **data) -> Contribution:
    save(actor, contribution, **(data or {"narrative": "Done as planned."}))
    contribution.refresh_from_db()
    return services.contribution_submit(actor=actor, contribution=contribution)


def approve(coordinator, contribution: Contribution) -> Contribution:
    contribution.refresh_from_db()
    return services.contribution_approve(actor=coordinator, contribution=contribution)


def persona(username: str, role: str, department: str | None = None):
    return user_create(
        actor="tests",
        username=username,
        role=role,
        password="correct horse battery staple",
        department_code=department,
        email=f"{username}@example.org",
        check_password=False,
    )


def dashboard(round_: Round) -> str:
    return f"/rounds/{round_.pk}/"


def line(round_: Round, code: str) -> str:
    return f"/rounds/{round_.pk}/lines/{code}/"


def post_forms(html: str) -> list[str]:
    """The actions of the page's POST forms, less the logout button every page has and the form
    that builds the report for download (a reading, open to all staff: tests/test_report_jobs.py)."""
    actions = re.findall(r'<form method="post" action="([^"]*)"', html)
    return [a for a in actions if "logout" not in a and not re.search(r"/report\.pdf$", a)]


@pytest.fixture
def reader_client(reader):
    return logged_in(reader)


@pytest.fixture
def baseline_round(plan, coordinator, open_round):
    """The 2012 baseline (annex 3 of the plan), opened after the 2014 round exists."""
    round_ = services.round_create(
        actor=coordinator, plan=plan, kind="baseline", year=2012, deadline=dt.date(2013, 3, 1)
    )
    return services.round_open(actor=coordinator, round=round_)


# --- who may see what -----------------------------------------------------------------------------


def screens(round_: Round, contribution: Contribution) -> list[str]:
    return [
        "/rounds/",
        "/rounds/new/",
        dashboard(round_),
        f"/rounds/{round_.pk}/edit/",
        f"/rounds/{round_.pk}/contributions/",
        line(round_, "14.a"),
        line(round_, "14.a") + "history/",
        f"/contributions/{contribution.pk}/history/",
    ]


def test_anonymous_is_sent_to_log_in_from_every_screen(open_round, anonymous):
    contribution = contribution_of(open_round, "14.a", "defence")
    for url in screens(open_round, contribution):
        response = anonymous.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next="), url
    response = anonymous.post(f"/contributions/{contribution.pk}/review/approve/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    contribution.refresh_from_db()
    assert contribution.state == "draft"


def test_focal_point_gets_403_on_every_coordinator_action(open_round, coordinator, focal_defence, focal_defence_client):
    contribution = submit(focal_defence, contribution_of(open_round, "14.a", "defence"))
    pk = open_round.pk
    refused = [
        ("get", "/rounds/new/", {}),
        (
            "post",
            "/rounds/new/",
            {"plan": open_round.plan_id, "kind": "annual", "year": 2015, "deadline": "2016-01-31"},
        ),
        ("get", f"/rounds/{pk}/edit/", {}),
        ("post", f"/rounds/{pk}/edit/", {"deadline": "2030-01-01"}),
        ("post", f"/rounds/{pk}/state/close/", {}),
        ("post", f"/rounds/{pk}/remind/defence/", {}),
        ("post", f"/contributions/{contribution.pk}/review/approve/", {}),
        ("post", f"/contributions/{contribution.pk}/review/return/", {"note": "Mine now"}),
        ("post", line(open_round, "14.a"), {"text": "My synthesis", "version": 0}),
        ("get", f"/contributions/{contribution.pk}/history/", {}),
        ("get", line(open_round, "14.a") + "history/", {}),
    ]
    for method, url, data in refused:
        assert getattr(focal_defence_client, method)(url, data).status_code == 403, (method, url)
    open_round.refresh_from_db()
    contribution.refresh_from_db()
    assert (open_round.state, open_round.deadline, contribution.state) == ("open", dt.date(2015, 1, 31), "submitted")
    assert not Synthesis.objects.exists()
    assert Round.objects.count() == 1


def test_focal_point_sees_the_round_and_the_line_read_only(open_round, focal_defence, focal_defence_client):
    contribution = submit(focal_defence, contribution_of(open_round, "14.a", "defence"))
    for url in ("/rounds/", dashboard(open_round), f"/rounds/{open_round.pk}/contributions/"):
        html = get(focal_defence_client, url)
        assert post_forms(html) == [], url
        assert "New round" not in html
    html = get(focal_defence_client, line(open_round, "14.a"))
    assert post_forms(html) == []
    assert "Approve" not in html and "Return for revision" not in html and "Save the synthesis" not in html
    assert "History of this line" not in html
    # Their own department's draft is editable from here; Justice's is not theirs.
    justice = contribution_of(open_round, "14.a", "justice")
    assert f"/work/contributions/{justice.pk}/" not in html
    assert f"/work/contributions/{contribution.pk}/" not in html, "a submitted contribution is no longer editable"
    draft = contribution_of(open_round, "1.a", "defence")
    assert f"/work/contributions/{draft.pk}/" in get(focal_defence_client, line(open_round, "1.a"))


def test_reader_sees_everything_without_buttons(open_round, focal_defence, coordinator, reader_client):
    contribution = submit(focal_defence, contribution_of(open_round, "14.a", "defence"))
    services.synthesis_save(actor=coordinator, round=open_round, action=contribution.action, text="All six.", version=0)
    for url in screens(open_round, contribution):
        if url.endswith(("/new/", "/edit/")):
            assert reader_client.get(url).status_code == 403
            continue
        html = get(reader_client, url)
        assert post_forms(html) == [], url
    html = get(reader_client, line(open_round, "14.a"))
    assert "Done as planned." in html and "All six." in html
    assert "<textarea" not in html
    assert f"/contributions/{contribution.pk}/history/" in html


# --- round list and creation ----------------------------------------------------------------------


def test_round_list_shows_each_round_with_its_counts_per_state(open_round, coordinator, focal_defence, focal_justice):
    approve(coordinator, submit(focal_defence, contribution_of(open_round, "14.a", "defence")))
    submit(focal_defence, contribution_of(open_round, "1.a", "defence"))
    submit(focal_justice, contribution_of(open_round, "1.a", "justice"))
    html = get(logged_in(coordinator), "/rounds/")
    row = between(html, f'href="/rounds/{open_round.pk}/"', "</tr>")
    assert "Annual report" in row and "2014" in row and "Open" in row
    numbers = [int(n) for n in re.findall(r'<td class="text-end">(\d+)</td>', row)]
    assert numbers == [192, 2, 0, 1, 195]  # draft, submitted, returned, approved, total
    assert "Second National Action Plan" in html, "rounds are grouped under their plan"


def test_round_list_query_count_does_not_grow_with_more_rounds(
    open_round, plan, coordinator, django_assert_num_queries
):
    client = logged_in(coordinator)
    # The plans with rounds, the page's plan's rounds, their counts per state; no plan list for
    # the new round's form (a page of its own).
    with django_assert_num_queries(6):
        get(client, "/rounds/")
    for year in (2013, 2015):
        services.round_open(
            actor=coordinator,
            round=services.round_create(
                actor=coordinator, plan=plan, kind="annual", year=year, deadline=dt.date.today()
            ),
        )
    with django_assert_num_queries(6):
        html = get(client, "/rounds/")
    assert html.count("<tr>") == 1 + 3


def test_round_list_shows_one_plan_a_page(open_round, plan, coordinator):
    older = Plan.objects.create(
        slug="be-nap-2009-2012", title="First National Action Plan", period_start=2009, period_end=2012, state="adopted"
    )
    services.round_create(actor=coordinator, plan=older, kind="final", year=2012, deadline=dt.date(2013, 3, 1))
    client = logged_in(coordinator)
    first, second = get(client, "/rounds/"), get(client, "/rounds/?page=2")
    # The newest plan first, each with its own rounds only, and the pager between them.
    assert "Second National Action Plan" in first and "First National Action Plan" not in first
    assert first.count("<tr>") == 1 + 1 and "plan 1 of 2" in first and 'rel="next" href="?page=2"' in first
    assert "First National Action Plan" in second and "Second National Action Plan" not in second
    assert second.count("<tr>") == 1 + 1 and "Final review" in second and 'rel="prev"' in second
    assert "plan 2 of 2" in get(client, f"/rounds/?plan={older.slug}")
    assert "plan 1 of 2" in get(client, "/rounds/?plan=no-such-plan")


def test_coordinator_creates_a_round_from_the_list(plan, coordinator):
    client = logged_in(coordinator)
    html = get(client, "/rounds/")
    assert '<a class="btn btn-primary" href="/rounds/new/">New round</a>' in html and 'for="id_deadline"' not in html
    html = get(client, "/rounds/new/")
    assert 'action="/rounds/new/"' in html and 'for="id_deadline"' in html
    # The only plan chosen, and the first year of its period (no round yet).
    assert f'<option value="{plan.pk}" selected>' in html
    assert 'name="year" value="2013"' in html
    response = client.post(
        "/rounds/new/",
        {"plan": plan.pk, "kind": "annual", "year": 2015, "deadline": "2016-01-31", "intro": "Report on *2015*."},
    )
    round_ = Round.objects.get(plan=plan, kind="annual", year=2015)
    assert response.status_code == 302 and response["Location"] == dashboard(round_)
    assert (round_.state, round_.deadline, round_.intro_en) == ("draft", dt.date(2016, 1, 31), "Report on *2015*.")
    assert AuditEvent.objects.filter(action="reporting.round.created", target_id=str(round_.pk)).exists()
    assert "Report on <em>2015</em>." in get(client, dashboard(round_))


def test_a_new_round_proposes_the_year_after_the_latest_within_the_plans_period(annual_round, coordinator):
    client = logged_in(coordinator)
    assert 'name="year" value="2015"' in get(client, "/rounds/new/")  # after 2014's round
    services.round_create(
        actor=coordinator, plan=annual_round.plan, kind="annual", year=2016, deadline=dt.date(2017, 1, 31)
    )
    # The plan's last year has its round: no year is proposed (a second 2016 would be refused).
    year_input = re.search(r'<input[^>]*name="year"[^>]*>', get(client, "/rounds/new/")).group(0)
    assert "value=" not in year_input


def test_round_creation_shows_the_services_errors_on_their_fields(annual_round, coordinator):
    client = logged_in(coordinator)
    data = {"plan": annual_round.plan_id, "kind": "annual", "year": 2014, "deadline": "2015-01-31"}
    response = client.post("/rounds/new/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'aria-describedby="id_year_helptext id_year_error"' in html
    assert "This plan already has a round of this kind (annual report) for 2014." in between(
        html, 'id="id_year_error"', "</div>"
    )
    response = client.post("/rounds/new/", {**data, "year": 1990})
    assert "The year covered must lie between 2008 and 2021." in response.content.decode()
    response = client.post("/rounds/new/", {**data, "year": 2015, "deadline": "someday"})
    assert 'id="id_deadline_error"' in response.content.decode()
    assert Round.objects.count() == 1


# --- the dashboard --------------------------------------------------------------------------------


@pytest.fixture
def busy_round(open_round, coordinator, focal_defence, focal_justice):
    """The open round with some of everything: submitted, returned and approved contributions."""
    for code in ("14.a", "1.a", "23.a"):
        submit(focal_defence, contribution_of(open_round, code, "defence"))
    approve(coordinator, contribution_of(open_round, "14.a", "defence"))
    returned = submit(focal_justice, contribution_of(open_round, "14.a", "justice"))
    services.contribution_return(actor=coordinator, contribution=returned, note="Add the figures.")
    submit(focal_justice, contribution_of(open_round, "1.a", "justice"))
    return open_round


def test_dashboard_completeness_equals_the_database(busy_round, plan, coordinator):
    response = logged_in(coordinator).get(dashboard(busy_round))
    html = response.content.decode()
    counts = {s: Count("pk", filter=Q(state=s)) for s in STATES}

    expected = {
        row["department__code"]: [row[s] for s in STATES] + [row["total"]]
        for row in Contribution.objects.filter(round=busy_round)
        .values("department__code")
        .annotate(total=Count("pk"), **counts)
    }
    for code, numbers in expected.items():
        row = between(html, f'id="department-{code}"', "</tr>")
        assert [int(n) for n in re.findall(r'<td class="text-end">(\d+)</td>', row)] == numbers, code
    defence = between(html, 'id="department-defence"', "</tr>")
    assert int(re.findall(r'<td class="text-end">(\d+)</td>', defence)[-1]) == (
        Responsibility.objects.filter(action__plan=plan, department__code="defence").count()
    )
    assert expected["defence"][:4] == [expected["defence"][4] - 3, 2, 0, 1]
    assert expected["justice"][1:4] == [1, 1, 0]

    by_objective = {row.subject.number: [*row.cells, row.total] for row in response.context["objective_rows"]}
    for objective in Objective.objects.filter(plan=plan):
        rows = Contribution.objects.filter(round=busy_round, action__goal__objective=objective)
        assert by_objective[objective.number] == [rows.filter(state=s).count() for s in STATES] + [rows.count()]
    footer = between(html, "<tfoot>", "</tfoot>")
    assert [int(n) for n in re.findall(r'<td class="text-end">(\d+)</td>', footer)] == [190, 3, 1, 1, 195]
    assert "<caption>Contributions of each department, by state</caption>" in html
    assert '<th scope="col">Department</th>' in html


def test_dashboard_query_count_is_fixed_and_does_not_grow_with_a_second_round(
    busy_round, plan, coordinator, reader, focal_defence, django_assert_num_queries
):
    coordinator_client, reader_client = logged_in(coordinator), logged_in(reader)
    # 11, plus civil society's box: its counts by state and line 35's three figures, plus the
    # plan's targets (none: progress asks once).
    with django_assert_num_queries(16):
        get(coordinator_client, dashboard(busy_round))
    with django_assert_num_queries(16):
        get(reader_client, dashboard(busy_round))
    second = services.round_open(
        actor=coordinator,
        round=services.round_create(
            actor=coordinator, plan=plan, kind="annual", year=2015, deadline=dt.date(2016, 1, 31)
        ),
    )
    for code in ("6.b", "7.b", "10.a", "10.b"):
        submit(focal_defence, contribution_of(busy_round, code, "defence"))
        submit(focal_defence, contribution_of(second, code, "defence"))
    with django_assert_num_queries(16):
        html = get(coordinator_client, dashboard(busy_round))
    assert html.count("/lines/10.a/#contribution-") == 1, "the review queue lists the new submissions"
    with django_assert_num_queries(16):
        get(coordinator_client, dashboard(second))
    with django_assert_num_queries(16):
        get(reader_client, dashboard(second))


def test_dashboard_shows_the_deadline_overdue_items_and_the_review_queue(busy_round, coordinator):
    client = logged_in(coordinator)
    html = get(client, dashboard(busy_round))
    assert "Overdue" in html, "the 2014 round's deadline (31 January 2015) has passed"
    overdue = between(html, 'id="overdue"', "</section>")
    missing = Contribution.objects.filter(round=busy_round).missing().count()
    assert f"{missing} contributions are still draft or returned after the deadline" in overdue
    justice_14a = contribution_of(busy_round, "14.a", "justice")
    assert f"/lines/14.a/#contribution-{justice_14a.pk}" in overdue, "returned counts as missing"
    defence_23a = contribution_of(busy_round, "23.a", "defence")
    assert f"#contribution-{defence_23a.pk}" not in overdue, "submitted is not missing"

    queue = between(html, 'id="queue"', "</section>")
    submitted = Contribution.objects.filter(round=busy_round, state="submitted")
    assert "3 submitted contributions" in queue
    for c in submitted:
        assert f'href="/rounds/{busy_round.pk}/lines/{c.action.code}/#contribution-{c.pk}"' in queue

    services.round_update(actor=coordinator, round=busy_round, deadline=timezone.localdate() + dt.timedelta(days=10))
    html = get(client, dashboard(busy_round))
    assert "10 days left" in html and 'id="overdue"' not in html


def test_reminder_mails_each_focal_point_only_their_missing_items_once_a_day(
    busy_round, coordinator, focal_defence, mailoutbox
):
    mailoutbox.clear()
    client = logged_in(coordinator)
    html = get(client, dashboard(busy_round))
    assert f'action="/rounds/{busy_round.pk}/remind/defence/"' in html
    # The e-mails go out from a job (reporting/jobs.py), run at once here, whose page says so.
    job = job_of(client.post(f"/rounds/{busy_round.pk}/remind/defence/"))
    assert (job.state, job.key, job.result_note) == (
        "succeeded",
        f"round-remind:{busy_round.pk}:defence",
        "Reminder sent to focal-defence (Defence).",
    )
    assert job.result_url == f"/rounds/{busy_round.pk}/#completeness-departments"
    assert "Reminder sent to focal-defence (Defence)." in get(client, f"/jobs/{job.pk}/")
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["focal-defence@example.org"]
    missing = Contribution.objects.filter(round=busy_round, department__code="defence").missing()
    for c in missing:
        assert f"- {c.action.code} (Defence)" in mail.body
    for code in ("14.a", "1.a", "23.a"):  # submitted or approved: not missing
        assert f"- {code} (Defence)" not in mail.body
    assert "(Justice)" not in mail.body
    assert "Reminded today: focal-defence" in get(client, dashboard(busy_round))

    response = client.post(f"/rounds/{busy_round.pk}/remind/defence/")
    assert len(mailoutbox) == 1, "a second click the same day sends nothing"
    assert flashed(client, response) == [
        "The focal points of Defence were already reminded today: no second e-mail sent."
    ]
    assert Reminder.objects.filter(user=focal_defence, round=busy_round).count() == 1


def test_reminder_for_a_department_without_focal_point_says_so(open_round, coordinator, mailoutbox):
    mailoutbox.clear()
    client = logged_in(coordinator)
    response = client.post(f"/rounds/{open_round.pk}/remind/equality/")
    equality = "Institute for the Equality of Women and Men"
    assert flashed(client, response) == [
        f"No focal point with an e-mail address reports for {equality}: nobody to remind."
    ]
    assert mailoutbox == []


def test_reminder_of_a_department_covers_its_units(open_round, coordinator, mailoutbox):
    interior = persona("focal-interior", "focal-point", "interior")
    mailoutbox.clear()
    client = logged_in(coordinator)
    job = job_of(client.post(f"/rounds/{open_round.pk}/remind/interior/"))
    assert job.result_note == "Reminder sent to focal-interior (Interior)."
    assert [m.to for m in mailoutbox] == [[interior.email]]
    assert "(Federal Police)" in mailoutbox[0].body and "(Interior)" in mailoutbox[0].body


def test_round_transitions_through_the_dashboard(annual_round, coordinator, focal_defence, focal_justice, mailoutbox):
    client = logged_in(coordinator)
    url = f"/rounds/{annual_round.pk}/state/"
    html = get(client, dashboard(annual_round))
    # The dashboard leads to a page that says what opening will do; only that page's form does it.
    assert post_forms(html) == [] and f'<a class="btn btn-primary" href="{url}open/">Open the round…</a>' in html
    confirm = get(client, url + "open/")
    assert post_forms(confirm) == [url + "open/"]
    assert "<li>195 contributions will be created, one per line of action and responsible department.</li>" in confirm
    assert (
        "<li>2 focal points will be e-mailed the lines they report on and the deadline, 31 January 2015.</li>"
        in confirm
    )
    assert Contribution.objects.filter(round=annual_round).count() == 0 and mailoutbox == [], "a look changes nothing"

    response = client.post(url + "open/")
    assert flashed(client, response) == ["The round is now open."]
    assert Contribution.objects.filter(round=annual_round).count() == 195
    # Closing, the upload of the whole round's workbook, then a reminder per department.
    confirm = get(client, url + "close/")
    assert (
        post_forms(confirm) == [url + "close/"] and "195 contributions are not submitted (draft or returned)" in confirm
    )
    assert "will appear as “No report received”" in confirm
    assert post_forms(get(client, dashboard(annual_round))) == [
        f"/rounds/{annual_round.pk}/workbook/upload/",
    ] + [
        f"/rounds/{annual_round.pk}/remind/{code}/"
        for code in (
            "foreign-affairs",
            "development",
            "defence",
            "interior",
            "interior-federal-police",
            "interior-cgrs",
            "interior-office-for-foreigners",
            "interior-fedasil",
            "justice",
            "equality",
        )
    ]

    client.post(url + "close/")
    html = get(client, dashboard(annual_round))
    assert post_forms(html) == [] and f'href="{url}reopen/"' in html and f'href="{url}publish/"' in html
    confirm = get(client, url + "reopen/")
    assert post_forms(confirm) == [url + "reopen/"]
    assert '<label class="form-label" for="reopen-reason">Reason for reopening</label>' in confirm
    confirm = get(client, url + "publish/")
    assert post_forms(confirm) == [url + "publish/"] and "It cannot be undone." in confirm
    assert "0 approved contributions go into the report to parliament" in confirm
    assert "195 contributions are not approved: they are not published and read “No report received”." in confirm
    # A transition the round's state does not allow leads back, saying why.
    response = client.get(url + "open/")
    assert flashed(client, response) == ["The round is closed: this cannot be done now."]

    response = client.post(url + "reopen/", {"reason": "  "})
    # Back on the page with the reason's field, to give one.
    assert response["Location"] == url + "reopen/"
    assert flashed(client, response) == ["Say why the round is reopened."]
    annual_round.refresh_from_db()
    assert annual_round.state == "closed"

    response = client.post(url + "reopen/", {"reason": "Justice asked for a week more."})
    assert flashed(client, response) == ["The round is now open."]
    event = AuditEvent.objects.filter(action="reporting.round.reopened").get()
    assert event.data["reason"] == "Justice asked for a week more."

    assert flashed(client, client.post(url + "close/")) == ["The round is now closed."]
    # Publishing is a background job (run at once here): the coordinator follows it on its page.
    response = client.post(url + "publish/")
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    page = get(client, response["Location"])
    assert "Done" in page and f"Round {annual_round} is published" in page
    assert f'href="{dashboard(annual_round)}"' in page
    annual_round.refresh_from_db()
    assert annual_round.state == "published" and annual_round.published_at is not None
    # Nothing moves a published round on; only its report's transmission to parliament is recorded.
    assert post_forms(get(client, dashboard(annual_round))) == [f"/rounds/{annual_round.pk}/report/transmissions/"]


def test_publishing_an_open_round_is_refused_with_a_message(open_round, coordinator):
    before = AuditEvent.objects.count()
    client = logged_in(coordinator)
    response = client.post(f"/rounds/{open_round.pk}/state/publish/")
    assert response.status_code == 302 and response["Location"] == dashboard(open_round)
    assert flashed(client, response) == ["The round is open: this cannot be done now."]
    open_round.refresh_from_db()
    assert open_round.state == "open" and open_round.published_at is None
    assert AuditEvent.objects.count() == before
    assert client.post(f"/rounds/{open_round.pk}/state/explode/").status_code == 404
    # A GET only shows what closing would do; other methods are refused.
    assert client.get(f"/rounds/{open_round.pk}/state/close/").status_code == 200
    open_round.refresh_from_db()
    assert open_round.state == "open"
    assert client.put(f"/rounds/{open_round.pk}/state/close/").status_code == 405


def test_round_edit_changes_the_deadline_and_the_introduction_in_four_languages(annual_round, coordinator):
    client = logged_in(coordinator)
    html = get(client, f"/rounds/{annual_round.pk}/edit/")
    for code in ("en", "fr", "nl", "de"):
        assert f'name="intro_{code}"' in html and f'for="id_intro_{code}"' in html
    response = client.post(
        f"/rounds/{annual_round.pk}/edit/",
        {
            "deadline": "2015-02-28",
            "intro_en": "Report on 2014.",
            "intro_fr": "Rapport sur 2014.",
            "intro_nl": "Verslag over 2014.",
            "intro_de": "Bericht über 2014.",
        },
    )
    assert response.status_code == 302
    annual_round.refresh_from_db()
    assert annual_round.intro_de == "Bericht über 2014."
    assert annual_round.deadline == dt.date(2015, 2, 28)
    assert (annual_round.intro_en, annual_round.intro_fr, annual_round.intro_nl) == (
        "Report on 2014.",
        "Rapport sur 2014.",
        "Verslag over 2014.",
    )
    assert "Rapport sur 2014." in get(client, f"/fr/rounds/{annual_round.pk}/")
    assert "Verslag over 2014." in get(client, f"/nl/rounds/{annual_round.pk}/")
    assert "Bericht über 2014." in get(client, f"/de/rounds/{annual_round.pk}/")
    response = client.post(f"/rounds/{annual_round.pk}/edit/", {"deadline": "not a date"})
    assert response.status_code == 400 and 'id="id_deadline_error"' in response.content.decode()


# --- the list of contributions --------------------------------------------------------------------


def test_contributions_list_filters_by_department_state_and_objective(busy_round, coordinator):
    client = logged_in(coordinator)
    url = f"/rounds/{busy_round.pk}/contributions/"
    html = get(client, url)
    assert "195 contributions, 1 to 50 shown" in html
    rows = re.findall(r'<th scope="row"><a href="[^"]*#contribution-(\d+)">([^<]+)</a>', html)
    assert len(rows) == 50 and rows[0][1] == "1.a"
    assert 'href="?page=4"' in html
    assert len(re.findall(r"#contribution-\d+", get(client, url + "?page=4"))) == 45

    html = get(client, url + "?department=defence")
    defence = Contribution.objects.filter(round=busy_round, department__code="defence").count()
    assert f"{defence} contributions, 1 to {defence} shown" in html

    html = get(client, url + "?department=defence&state=submitted")
    assert re.findall(r'#contribution-\d+">([^<]+)</a>', html) == ["1.a", "23.a"], "in plan order"

    html = get(client, url + "?objective=3")
    n = Contribution.objects.filter(round=busy_round, action__goal__objective__number=3).count()
    assert f"{n} contributions, 1 to {n} shown" in html
    codes = set(re.findall(r'#contribution-\d+">([^<]+)</a>', html))
    assert codes == set(
        Contribution.objects.filter(round=busy_round, action__goal__objective__number=3).values_list(
            "action__code", flat=True
        )
    )
    html = get(client, url + "?state=draft&page=2")
    assert "190 contributions, 51 to 100 shown" in html
    assert 'href="?state=draft&amp;page=1"' in html, "pages keep the filters"
    assert 'id="id_department"' in html and 'for="id_department"' in html

    assert "No contribution matches" in get(client, url + "?department=justice&state=approved")
    assert client.get(url + "?state=lost").status_code == 400


STATE_HELP = "State: where the contribution is in the review (draft, submitted, returned for revision, approved)."
STATUS_HELP = (
    "Status: how far the line of action has got, as the department reports it "
    "(not started, in progress, completed, continuous, not applicable)."
)


def test_contributions_list_explains_state_and_status_above_the_table(open_round, coordinator):
    html = get(logged_in(coordinator), f"/rounds/{open_round.pk}/contributions/")
    assert STATE_HELP in html and STATUS_HELP in html
    # Tied to the table, so that a screen reader reads it with the table's description.
    assert 'id="state-status-help"' in html and 'aria-describedby="state-status-help"' in html


def test_contributions_list_query_count_is_fixed(busy_round, plan, coordinator, django_assert_num_queries):
    client = logged_in(coordinator)
    url = f"/rounds/{busy_round.pk}/contributions/"
    with django_assert_num_queries(8):
        get(client, url)
    with django_assert_num_queries(8):
        get(client, url + "?department=defence&state=draft&objective=2&page=1")
    services.round_open(
        actor=coordinator,
        round=services.round_create(
            actor=coordinator, plan=plan, kind="annual", year=2015, deadline=dt.date(2016, 1, 31)
        ),
    )
    with django_assert_num_queries(8):
        get(client, url + "?page=3")


# --- the line review ------------------------------------------------------------------------------


def test_line_review_shows_every_department_side_by_side(open_round, coordinator, focal_defence, focal_justice):
    defence = contribution_of(open_round, "14.a", "defence")
    first = defence.action.instruments.all()[0]
    services.evidence_add(actor=focal_defence, contribution=defence, title="Speech", url="https://example.org/speech")
    submit(
        focal_defence,
        defence,
        status="in-progress",
        narrative="Raised **1325** at the *UN*.",
        countries=["ML", "CD"],
        measurements=[{"instrument": first.pk, "text": "Three interventions.", "note": "Closed sessions."}],
    )
    html = get(logged_in(coordinator), line(open_round, "14.a"))
    assert "<h1>Line of action 14.a" in html
    assert "Interventions carried out." in html and "Support and adoption of resolutions." in html
    cards = re.findall(r'<section class="card h-100 contribution" id="contribution-(\d+)"', html)
    expected = Contribution.objects.filter(round=open_round, action__code="14.a")
    assert sorted(map(int, cards)) == sorted(expected.values_list("pk", flat=True))
    assert len(cards) == 6
    names = re.findall(r'<h3 class="h5 card-title" id="contribution-\d+-title">([^<]+)</h3>', html)
    assert names == [
        "Foreign Affairs",
        "Development Cooperation",
        "Defence",
        "Interior",
        "Justice",
        "Institute for the Equality of Women and Men",
    ]

    defence_card = card(html, defence)
    assert "Submitted" in defence_card and "In progress" in defence_card
    assert "Raised <strong>1325</strong> at the <em>UN</em>." in defence_card
    assert "Three interventions." in defence_card and "Closed sessions." in defence_card
    assert "Mali, Democratic Republic of the Congo" in defence_card
    assert 'href="https://example.org/speech"' in defence_card
    assert "focal-defence" in defence_card, "who submitted"
    assert f'action="/contributions/{defence.pk}/review/approve/"' in defence_card
    assert f'<label class="form-label small" for="note-{defence.pk}">' in defence_card
    assert f'href="/work/contributions/{defence.pk}/"' not in defence_card, "submitted: not editable"
    justice_card = card(html, contribution_of(open_round, "14.a", "justice"))
    assert "/review/" not in justice_card, "a draft has nothing to review"
    assert "Enter on the department" in justice_card
    assert f'href="/contributions/{defence.pk}/history/"' in defence_card
    assert f'href="/rounds/{open_round.pk}/lines/14.a/history/"' in html


def test_line_review_shows_figures_by_sex(open_round, focal_defence, coordinator):
    defence = contribution_of(open_round, "23.a", "defence")
    instrument = defence.action.instruments.get()
    assert instrument.by_sex
    submit(focal_defence, defence, measurements=[{"instrument": instrument.pk, "women": 12, "men": 36, "other": 2}])
    html = card(get(logged_in(coordinator), line(open_round, "23.a")), defence)
    figures = between(html, '<table class="table table-sm w-auto small mb-1 figures">', "</table>")
    assert '<th scope="col">Women</th>' in figures
    assert re.findall(r"<td>([^<]+)</td>", figures) == ["12", "36", "2", "50", "24.0%"]


def test_line_review_query_count_is_fixed(
    baseline_round, open_round, plan, coordinator, focal_defence, django_assert_num_queries
):
    client = logged_in(coordinator)
    # 15 for reporting's review (the next contribution waiting for review among them; this round's
    # contributions and the earlier rounds' read at once, the plan's versions in one query), one
    # for the questions of international reporting the line answers, one for the answers' figures
    # by country, one for whether the line has targets.
    with django_assert_num_queries(18):
        get(client, line(open_round, "14.a"))
    midterm = services.round_open(
        actor=coordinator,
        round=services.round_create(
            actor=coordinator, plan=plan, kind="mid-term", year=2013, deadline=dt.date(2014, 6, 1)
        ),
    )
    submit(focal_defence, contribution_of(midterm, "14.a", "defence"))
    submit(focal_defence, contribution_of(open_round, "14.a", "defence"))
    submit(focal_defence, contribution_of(open_round, "23.a", "defence"))
    with django_assert_num_queries(18):
        html = get(client, line(open_round, "14.a"))
    # The round before in full, the baseline as a link to its own review of the line.
    assert html.count('class="col earlier-round"') == 1 and f'id="earlier-{midterm.pk}"' in html
    older = between(html, 'class="mt-3 older-rounds"', "</p>")
    assert f'href="/rounds/{baseline_round.pk}/lines/14.a/"' in older and f"/rounds/{midterm.pk}/" not in older


def test_coordinator_saves_the_synthesis(open_round, coordinator):
    client = logged_in(coordinator)
    html = get(client, line(open_round, "14.a"))
    assert '<input type="hidden" name="version" value="0"' in html
    response = client.post(line(open_round, "14.a"), {"text": "Six departments **acted**.", "version": "0"})
    assert response.status_code == 302 and response["Location"].endswith("/lines/14.a/#synthesis")
    synthesis = Synthesis.objects.get(round=open_round, action__code="14.a")
    assert (synthesis.text, synthesis.version, synthesis.updated_by) == ("Six departments **acted**.", 1, coordinator)
    html = get(client, line(open_round, "14.a"))
    assert "Six departments **acted**.</textarea>" in html
    assert '<input type="hidden" name="version" value="1"' in html
    # Readers see it rendered.
    assert "Six departments <strong>acted</strong>." in get(
        logged_in(persona("reader2", "reader")), line(open_round, "14.a")
    )


def test_stale_synthesis_keeps_the_typed_text_and_says_so(open_round, coordinator):
    client = logged_in(coordinator)
    action = contribution_of(open_round, "14.a", "defence").action
    services.synthesis_save(actor=coordinator, round=open_round, action=action, text="First words.", version=0)
    services.synthesis_save(actor=coordinator, round=open_round, action=action, text="Colleague's words.", version=1)

    response = client.post(line(open_round, "14.a"), {"text": "My careful words.", "version": "1"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "The synthesis was changed by someone else since you opened it" in html
    assert "My careful words.</textarea>" in html, "what was typed is kept"
    assert "Colleague's words." in between(html, 'class="bg-body p-2 border mb-2 saved-synthesis"', "</div>")
    assert '<input type="hidden" name="version" value="2"' in html
    assert Synthesis.objects.get().text == "Colleague's words."

    response = client.post(line(open_round, "14.a"), {"text": "My careful words.", "version": "2"})
    assert response.status_code == 302
    assert Synthesis.objects.get().text == "My careful words."


def test_return_with_a_note_approve_and_reopen_through_the_line_review(
    open_round, coordinator, focal_defence, mailoutbox, django_capture_on_commit_callbacks
):
    client = logged_in(coordinator)
    contribution = submit(focal_defence, contribution_of(open_round, "14.a", "defence"))
    review = f"/contributions/{contribution.pk}/review/"

    response = client.post(review + "return/", {"note": " ", "version": contribution.version})
    assert flashed(client, response) == ["Tell the department what to revise."]
    contribution.refresh_from_db()
    assert contribution.state == "submitted"

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(review + "return/", {"note": "Name the resolutions.", "version": contribution.version})
    # Nothing else waits for review: back to the queue, which says so.
    assert response["Location"] == f"{dashboard(open_round)}#queue"
    assert flashed(client, response) == ["Returned to Defence with your note."]
    contribution.refresh_from_db()
    assert (contribution.state, contribution.review_note, contribution.returned_by) == (
        "returned",
        "Name the resolutions.",
        coordinator,
    )
    assert [m.to for m in mailoutbox] == [["focal-defence@example.org"]]
    assert "Name the resolutions." in card(get(client, line(open_round, "14.a")), contribution)

    submit(focal_defence, contribution, narrative="Resolutions 2106 and 2122.")
    contribution.refresh_from_db()
    response = client.post(review + "approve/", {"version": contribution.version})
    assert flashed(client, response) == ["The contribution of Defence is approved."]
    contribution.refresh_from_db()
    assert (contribution.state, contribution.approved_by) == ("approved", coordinator)

    html = card(get(client, line(open_round, "14.a")), contribution)
    assert "/review/approve/" not in html and f'for="reason-{contribution.pk}">Reason for reopening</label>' in html
    response = client.post(review + "reopen/", {"reason": ""})
    assert flashed(client, response) == ["Say why the contribution is reopened."]
    response = client.post(review + "reopen/", {"reason": "Figures were wrong.", "version": contribution.version})
    assert flashed(client, response) == ["The contribution of Defence is reopened and back with the department."]
    contribution.refresh_from_db()
    assert (contribution.state, contribution.review_note, contribution.approved_at) == (
        "returned",
        "Figures were wrong.",
        None,
    )
    assert [e.action for e in AuditEvent.objects.for_target(contribution)][:3] == [
        "reporting.contribution.reopened",
        "reporting.contribution.approved",
        "reporting.contribution.submitted",
    ]


def review_queue(html: str) -> str:
    return between(html, '<nav class="review-queue', "</nav>")


def test_line_review_links_the_next_contribution_waiting_in_the_queues_order(
    open_round, coordinator, focal_defence, reader
):
    client = logged_in(coordinator)
    waiting = {code: submit(focal_defence, contribution_of(open_round, code, "defence")) for code in ("1.a", "23.a")}
    # After the line, in the dashboard queue's (the plan's) order, and round to its start again.
    nav = review_queue(get(client, line(open_round, "14.a")))
    assert f'href="{line(open_round, "23.a")}#contribution-{waiting["23.a"].pk}"' in nav
    assert "Next waiting for review: line 23.a, Defence" in nav
    assert f'href="{dashboard(open_round)}#queue"' in nav
    assert f'#contribution-{waiting["1.a"].pk}"' in review_queue(get(client, line(open_round, "23.a")))
    # The line's own contributions are on its page: the next is another line's.
    assert "line 23.a" in review_queue(get(client, line(open_round, "1.a")))

    approve(coordinator, waiting["23.a"])
    nav = review_queue(get(client, line(open_round, "1.a")))
    assert "No other contribution is waiting for review in this round." in nav and "Next waiting" not in nav
    # Only the coordinator reviews; readers read the line without the queue.
    assert 'class="review-queue' not in get(logged_in(reader), line(open_round, "1.a"))


def test_a_decision_leads_to_the_next_contribution_waiting_then_to_the_empty_queue(
    open_round, coordinator, focal_defence, focal_justice
):
    client = logged_in(coordinator)
    defence = submit(focal_defence, contribution_of(open_round, "14.a", "defence"))
    justice = submit(focal_justice, contribution_of(open_round, "14.a", "justice"))
    later = submit(focal_defence, contribution_of(open_round, "23.a", "defence"))

    response = client.post(f"/contributions/{defence.pk}/review/approve/", {"version": defence.version})
    assert response["Location"] == f"{line(open_round, '14.a')}#contribution-{justice.pk}", "the same line first"
    assert flashed(client, response) == ["The contribution of Defence is approved."]
    response = client.post(f"/contributions/{justice.pk}/review/return/", {"note": "Which year?"})
    assert response["Location"] == f"{line(open_round, '23.a')}#contribution-{later.pk}"
    response = client.post(f"/contributions/{later.pk}/review/approve/")
    assert response["Location"] == f"{dashboard(open_round)}#queue"
    assert "No contribution is waiting for review." in get(client, dashboard(open_round))
    # A decision refused stays with the contribution, to read it again.
    response = client.post(f"/contributions/{later.pk}/review/approve/")
    assert response["Location"] == f"{line(open_round, '23.a')}#contribution-{later.pk}"


def test_a_review_decision_keeps_the_focal_points_last_save(open_round, coordinator, focal_defence):
    # The focal point saved at 8:37; the coordinator's approval, later, must not become the time
    # of "last saved by focal-defence".
    contribution = save(focal_defence, contribution_of(open_round, "14.a", "defence"), narrative="Done as planned.")
    saved_at = timezone.make_aware(dt.datetime(2026, 12, 5, 8, 37))
    Contribution.objects.filter(pk=contribution.pk).update(updated_at=saved_at)
    contribution.refresh_from_db()
    services.contribution_submit(actor=focal_defence, contribution=contribution)
    client = logged_in(coordinator)
    client.post(f"/contributions/{contribution.pk}/review/approve/")
    contribution.refresh_from_db()
    assert contribution.state == "approved" and contribution.approved_at > saved_at
    assert (contribution.updated_at, contribution.updated_by) == (saved_at, focal_defence)
    html = card(get(client, line(open_round, "14.a")), contribution)
    assert re.search(r'>Last saved</dt><dd class="col-7 last-saved">[^<]*8:37[^<]* · focal-defence</dd>', html)


def test_focal_point_cannot_approve(open_round, focal_defence, focal_defence_client):
    contribution = submit(focal_defence, contribution_of(open_round, "14.a", "defence"))
    for decision in ("approve", "return", "reopen"):
        response = focal_defence_client.post(f"/contributions/{contribution.pk}/review/{decision}/", {"note": "x"})
        assert response.status_code == 403, decision
    contribution.refresh_from_db()
    assert contribution.state == "submitted" and contribution.approved_by is None


def test_coordinator_is_told_when_the_state_forbids_a_decision(open_round, coordinator, focal_defence):
    client = logged_in(coordinator)
    draft = contribution_of(open_round, "14.a", "defence")
    response = client.post(f"/contributions/{draft.pk}/review/approve/")
    assert flashed(client, response) == ["The contribution is draft: this cannot be done now."]
    submitted = submit(focal_defence, contribution_of(open_round, "1.a", "defence"))
    stale = submitted.version - 1
    response = client.post(f"/contributions/{submitted.pk}/review/approve/", {"version": stale})
    assert flashed(client, response) == [
        "The contribution of Defence changed since you opened the page; read it again before deciding."
    ]
    submitted.refresh_from_db()
    assert submitted.state == "submitted"
    assert client.post(f"/contributions/{submitted.pk}/review/ignore/").status_code == 404
    assert client.post(f"/contributions/{submitted.pk}/review/approve/", {"version": "x"}).status_code == 400


def test_earlier_round_column_shows_the_baseline_answer(
    baseline_round, open_round, coordinator, focal_defence, focal_justice
):
    old = contribution_of(baseline_round, "14.a", "defence")
    approve(coordinator, submit(focal_defence, old, narrative="In **2012** Defence trained 40 officers."))
    submit(focal_justice, contribution_of(baseline_round, "14.a", "justice"), narrative="Justice draft answer.")
    services.synthesis_save(
        actor=coordinator, round=baseline_round, action=old.action, text="The baseline synthesis.", version=0
    )
    html = get(logged_in(coordinator), line(open_round, "14.a"))
    column = between(html, f'id="earlier-{baseline_round.pk}"', "</section>")
    assert f'<a href="/rounds/{baseline_round.pk}/lines/14.a/">Baseline 2012</a>' in column
    assert "The baseline synthesis." in column
    assert "In <strong>2012</strong> Defence trained 40 officers." in column
    assert re.search(r"Defence <span class=\"badge state state-approved [^\"]*\">Approved</span>", column)
    assert re.search(r"Justice <span class=\"badge state state-submitted [^\"]*\">Submitted</span>", column)
    assert "No earlier round" in get(logged_in(coordinator), line(baseline_round, "14.a"))


# --- history --------------------------------------------------------------------------------------


def test_contribution_history_shows_each_change_field_by_field(open_round, coordinator, focal_defence, reader):
    contribution = contribution_of(open_round, "14.a", "defence")
    first = contribution.action.instruments.all()[0]
    save(coordinator, contribution, narrative="Entered by the institute.")
    save(
        focal_defence,
        contribution,
        narrative="Our own words.",
        status="completed",
        measurements=[{"instrument": first.pk, "text": "Two interventions."}],
    )
    contribution.refresh_from_db()
    services.contribution_submit(actor=focal_defence, contribution=contribution)
    contribution.refresh_from_db()
    services.contribution_return(actor=coordinator, contribution=contribution, note="Which resolutions?")

    html = get(logged_in(reader), f"/contributions/{contribution.pk}/history/")
    entries = re.findall(r'<li class="border-bottom py-2 history-entry history-(\w+)">(.*?)</li>', html, re.S)
    assert len(entries) >= 8
    narrative = next(e for kind, e in entries if kind == "change" and "Our own words." in e)
    assert "focal-defence" in narrative
    assert re.search(
        r"<th scope=\"row\">Narrative</th>\s*<td[^>]*>Entered by the institute.</td>\s*<td[^>]*>Our own words.</td>",
        narrative,
    )
    assert re.search(r"<th scope=\"row\">Status</th>\s*<td[^>]*>—</td>\s*<td[^>]*>completed</td>", narrative)
    answer = next(e for kind, e in entries if "Answer to “Interventions carried out.”" in e)
    assert re.search(r"<th scope=\"row\">Answer</th>\s*<td[^>]*>—</td>\s*<td[^>]*>Two interventions.</td>", answer)
    returned = next(e for kind, e in entries if kind == "event" and "Returned for revision" in e)
    assert "coordinator" in returned and "Which resolutions?" in returned
    on_behalf = [e for kind, e in entries if kind == "event" and "on the department" in e]
    assert len(on_behalf) == 1, "the coordinator's save is marked as made on the department's behalf"
    # Newest first: the return, then the submission, ..., the coordinator's first save last of the saves.
    assert [kind for kind, _e in entries[:2]] == ["event", "change"], "newest first: the return"
    assert "Which resolutions?" in entries[0][1] and "Which resolutions?" in entries[1][1]
    first_save = r"<td[^>]*>—</td>\s*<td[^>]*>Entered by the institute.</td>"
    order = [n for n, (_kind, e) in enumerate(entries) if re.search(first_save, e) or "Our own words.</td>" in e]
    assert len(order) == 2 and "Our own words.</td>" in entries[order[0]][1], "newest first"


def test_line_history_lists_all_contributions_and_the_synthesis_newest_first(
    open_round, coordinator, focal_defence, focal_justice
):
    action = contribution_of(open_round, "14.a", "defence").action
    save(focal_justice, contribution_of(open_round, "14.a", "justice"), narrative="Justice first.")
    services.synthesis_save(actor=coordinator, round=open_round, action=action, text="Synthesis draft.", version=0)
    save(focal_defence, contribution_of(open_round, "14.a", "defence"), narrative="Defence last.")
    save(focal_defence, contribution_of(open_round, "1.a", "defence"), narrative="Another line.")
    html = get(logged_in(coordinator), line(open_round, "14.a") + "history/")
    assert "<h1>History of line 14.a</h1>" in html
    assert html.index("Defence last.") < html.index("Synthesis draft.") < html.index("Justice first.")
    assert '<span class="subject">Justice</span>' in html and '<span class="subject">Synthesis</span>' in html
    assert "Another line." not in html


def test_history_pages_make_a_fixed_number_of_queries(
    open_round, coordinator, focal_defence, focal_justice, django_assert_num_queries
):
    client = logged_in(coordinator)
    contribution = contribution_of(open_round, "14.a", "defence")
    save(focal_defence, contribution, narrative="One.")
    # The contribution's page reads its answers' figures by country too (one query).
    with django_assert_num_queries(11):
        get(client, f"/contributions/{contribution.pk}/history/")
    with django_assert_num_queries(12):
        get(client, line(open_round, "14.a") + "history/")
    first = contribution.action.instruments.all()[0]
    for n in range(6):
        save(
            focal_defence,
            contribution,
            narrative=f"Version {n}",
            measurements=[{"instrument": first.pk, "text": str(n)}],
        )
        save(focal_justice, contribution_of(open_round, "14.a", "justice"), narrative=f"Justice {n}")
        services.synthesis_save(
            actor=coordinator, round=open_round, action=first.action, text=f"Synthesis {n}", version=None
        )
    with django_assert_num_queries(11):
        get(client, f"/contributions/{contribution.pk}/history/")
    with django_assert_num_queries(12):
        html = get(client, line(open_round, "14.a") + "history/")
    assert "Justice 5" in html and "Synthesis 5" in html and "Version 5" in html


def test_dashboard_offers_the_report_and_the_workbooks(open_round, coordinator_client, reader):
    from django.urls import reverse as url_for

    from .conftest import logged_in

    url = url_for("reporting:round-dashboard", args=[open_round.pk])
    html = coordinator_client.get(url).content.decode()
    for lang in ("en", "fr", "nl"):
        for fmt in ("html", "pdf", "docx"):
            assert f"/rounds/{open_round.pk}/report.{fmt}?lang={lang}" in html
    assert f"/rounds/{open_round.pk}/report.pdf?lang=fr&amp;draft=1" in html
    assert 'name="department"' in html and "Department workbooks" in html
    reader_html = logged_in(reader).get(url).content.decode()
    assert f"/rounds/{open_round.pk}/report.pdf?lang=en" in reader_html, "readers download the report too"
    assert "Department workbooks" not in reader_html


def test_a_reminder_job_checks_again_and_a_closed_round_refuses_it(
    busy_round, coordinator, mailoutbox, settings, django_assert_num_queries
):
    from naptrack.jobs.services import job_run

    mailoutbox.clear()
    keep_jobs_queued(settings)
    client = logged_in(coordinator)
    client.post(f"/rounds/{busy_round.pk}/remind/justice/")  # warm the caches the pin does not count
    # The session, the person, the round, the person's roles, the department and its units, the
    # reminders due (reminded today, the missing items, their departments' parents, the focal
    # points, the units), then the job queued (the same job looked for, the job and its queue
    # entry written in a savepoint, the job read back).
    with django_assert_num_queries(18):
        response = client.post(f"/rounds/{busy_round.pk}/remind/defence/")
    job = job_of(response)
    assert job_of(client.post(f"/rounds/{busy_round.pk}/remind/defence/")).pk == job.pk, "a second press"
    assert mailoutbox == [] and job.state == "queued"
    services.round_close(actor=coordinator, round=busy_round)
    job = job_run(job.pk)
    assert (job.state, job.attempts, job.error) == ("failed", 1, "Reminders go out only while the round is open.")
    assert "Reminders go out only while the round is open." in get(client, f"/jobs/{job.pk}/")
    assert mailoutbox == []


def test_the_confirmation_pages_cost_the_same_queries_whatever_the_round(
    open_round, coordinator, focal_defence, reader, django_assert_num_queries
):
    client = logged_in(coordinator)
    url = f"/rounds/{open_round.pk}/state/close/"
    get(client, url)
    # The session, the person, their roles, the round, its contributions counted by state; the
    # header's and breadcrumb's own.
    with django_assert_num_queries(5):
        get(client, url)
    for user in (focal_defence, reader):
        assert logged_in(user).get(url).status_code == 403
    services.round_close(actor=coordinator, round=open_round)
    publish = f"/rounds/{open_round.pk}/state/publish/"
    get(client, publish)
    with django_assert_num_queries(6):  # and the approved public ones counted
        html = get(client, publish)
    assert "It cannot be undone." in html
