"""The focal points' screens: their home, the edit form of a contribution, evidence.

On the real plan, in the 2014 annual round opened for every responsible department. Line 23.a
("Encourage applications by Belgian women for peace missions") is Defence's alone and has one
monitoring instrument reported by sex; 16.a is Defence's with two instruments (ratios, asked as shares;
set to numbers not by sex where a test needs them).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from naptrack.accounts.models import Role, User
from naptrack.plans.models import Responsibility
from naptrack.reporting import services
from naptrack.reporting.models import Contribution, Evidence, Measurement
from tests.conftest import _user, contribution_of, logged_in
from tests.portal_data import as_numbers, as_text, publish

HOME = "/work/"
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    # Evidence files go to the data directory; each test gets its own.
    settings.MEDIA_ROOT = tmp_path / "uploads"


def edit_url(contribution: Contribution) -> str:
    return reverse("reporting:contribution-edit", args=[contribution.pk])


def submit_url(contribution: Contribution) -> str:
    return reverse("reporting:contribution-submit", args=[contribution.pk])


def html_of(response) -> str:
    return response.content.decode()


def form_data(response, **changes) -> dict:
    """What the browser would post from the page in `response`, with `changes` typed in.
    Measurement inputs are named m-<instrument id>-<field>; pass them as changes by that name."""
    form = response.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if name == "countries":
            data[name] = list(value or [])
        elif value is not None:
            data[name] = value
    data.update(changes)
    return data


def instrument_field(contribution: Contribution, name: str, position: int = 1) -> str:
    instrument = contribution.action.instruments.get(position=position)
    return f"m-{instrument.pk}-{name}"


def refreshed(contribution: Contribution) -> Contribution:
    return Contribution.objects.with_detail().get(pk=contribution.pk)


def measurement(contribution: Contribution, position: int = 1) -> Measurement:
    return Measurement.objects.get(contribution=contribution, instrument__position=position)


def input_value(html: str, name: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', html)
    if match is None:
        return None
    value = re.search(r'value="([^"]*)"', match.group(0))
    return value.group(1) if value else ""


def assert_error_next_to(html: str, field_id: str) -> None:
    """The error sits under the input, the input points to it and is marked invalid, and the
    summary at the top links to the input."""
    assert f'id="{field_id}_error"' in html, f"no error under {field_id}"
    tag = re.search(rf'<(input|textarea|select)[^>]*id="{re.escape(field_id)}"[^>]*>', html)
    assert tag is not None, f"no input {field_id}"
    assert f"{field_id}_error" in tag.group(0) and "aria-describedby" in tag.group(0)
    assert "is-invalid" in tag.group(0)
    summary = re.search(r'<div class="alert alert-danger error-summary" role="alert".*?</div>', html, re.S)
    assert summary is not None, "no error summary"
    assert f'href="#{field_id}"' in summary.group(0)


# --- the focal point's home -----------------------------------------------------------------------


def test_home_lists_exactly_their_departments_contributions(open_round, focal_defence_client, plan):
    expected = Responsibility.objects.filter(action__plan=plan, department__code="defence")
    codes = set(expected.values_list("action__code", flat=True))
    html = html_of(focal_defence_client.get(HOME))

    rows = re.findall(
        r'<tr class="contribution" data-state="(\w+)">\s*<th scope="row"><a href="[^"]+">([^<]+)</a>', html
    )
    assert len(rows) == expected.count() == 37
    assert {code for _state, code in rows} == codes
    assert "23.a" in codes and "14.c" not in codes, "14.c is Justice's alone"
    assert '<td class="text-end count-draft">37</td>' in html
    assert '<td class="text-end count-submitted">0</td>' in html
    assert "37 contributions, by state" in html
    for number in range(1, 7):
        assert f"Objective {number}." in html


def test_home_counts_follow_the_states(open_round, focal_defence, focal_defence_client):
    c = contribution_of(open_round, "23.a", "defence")
    services.contribution_save(actor=focal_defence, contribution=c, version=1, data={"status": "in-progress"})
    services.contribution_submit(actor=focal_defence, contribution=c)
    html = html_of(focal_defence_client.get(HOME))
    assert '<td class="text-end count-draft">36</td>' in html
    assert '<td class="text-end count-submitted">1</td>' in html
    assert "36 contributions still to hand in." in html
    assert re.search(rf'data-state="submitted">\s*<th scope="row"><a href="/work/contributions/{c.pk}/">23\.a', html)


def test_home_of_a_unit_parent_includes_its_units(open_round, plan):
    focal_interior = _user("focal-interior", "focal-point", "interior")
    html = html_of(logged_in(focal_interior).get(HOME))
    expected = Responsibility.objects.filter(action__plan=plan, department__code__startswith="interior").count()
    assert html.count('<tr class="contribution"') == expected
    assert "Federal Police" in html, "the department column appears when units report too"


def test_home_query_count_is_pinned_and_does_not_grow_with_a_second_open_round(
    open_round, coordinator, focal_defence_client, django_assert_num_queries
):
    # Ten for reporting's work list (the counts per round, the rounds, the departments, a page of
    # each round's contributions, what needs attention: both rounds are overdue), one for the
    # sections apps above add (international's targeted questions).
    with django_assert_num_queries(11):
        first = html_of(focal_defence_client.get(HOME))
    assert first.count('<tr class="contribution"') == 37

    second = services.round_create(
        actor=coordinator, plan=open_round.plan, kind="annual", year=2015, deadline=dt.date(2016, 1, 31)
    )
    services.round_open(actor=coordinator, round=second)
    with django_assert_num_queries(11):
        both = html_of(focal_defence_client.get(HOME))
    assert both.count('<tr class="contribution"') == 74
    assert "Annual report 2014" in both and "Annual report 2015" in both


def test_home_shows_each_open_round_a_page_at_a_time(
    open_round, coordinator, focal_defence_client, monkeypatch, django_assert_num_queries
):
    from naptrack.reporting.views import focal

    monkeypatch.setattr(focal, "WORK_PAGE", 20)
    second = services.round_create(
        actor=coordinator, plan=open_round.plan, kind="annual", year=2015, deadline=dt.date(2016, 1, 31)
    )
    services.round_open(actor=coordinator, round=second)
    with django_assert_num_queries(11):
        html = html_of(focal_defence_client.get(HOME))
    # Each round a section of its first 20 contributions (of 37), with its own pages.
    assert html.count('<tr class="contribution"') == 40
    for round_ in (open_round, second):
        section = html[html.index(f'id="round-{round_.pk}"') :]
        assert f'href="?page-{round_.pk}=2#round-{round_.pk}"' in section.split("</section>")[0]
        assert "37 contributions, by state" in section.split("</section>")[0]
    later = html_of(focal_defence_client.get(f"{HOME}?page-{second.pk}=2"))
    first_section = later[later.index(f'id="round-{open_round.pk}"') :].split("</section>")[0]
    second_section = later[later.index(f'id="round-{second.pk}"') :].split("</section>")[0]
    assert first_section.count('<tr class="contribution"') == 20
    assert second_section.count('<tr class="contribution"') == 17
    # The last lines of the plan are on the second page, in plan order.
    codes = re.findall(r'<th scope="row"><a href="/work/contributions/\d+/">([^<]+)</a>', second_section)
    assert codes == sorted(codes, key=lambda c: [int(p) if p.isdigit() else p for p in re.split(r"[.]", c)])


def test_home_shows_the_deadline_and_days_left_or_overdue(open_round, coordinator, focal_defence_client):
    html = html_of(focal_defence_client.get(HOME))
    overdue = (timezone.localdate() - dt.date(2015, 1, 31)).days
    assert f"overdue by {overdue} days" in html
    assert 'class="text-danger overdue"' in html

    services.round_update(actor=coordinator, round=open_round, deadline=timezone.localdate() + dt.timedelta(days=10))
    html = html_of(focal_defence_client.get(HOME))
    assert "10 days left" in html and "overdue" not in html


def test_home_explains_state_and_status_beside_the_lists(open_round, focal_defence_client):
    from tests.test_coordination_screens import STATE_HELP, STATUS_HELP

    html = html_of(focal_defence_client.get(HOME))
    assert STATE_HELP in html and STATUS_HELP in html


def test_home_without_an_open_round_says_so(annual_round, focal_defence_client):
    html = html_of(focal_defence_client.get(HOME))
    assert "No reporting round is open" in html
    assert '<tr class="contribution"' not in html


def returned(round_, coordinator, focal_defence, code: str, note: str) -> Contribution:
    """Defence's contribution on line `code`, submitted and returned with `note`."""
    c = contribution_of(round_, code, "defence")
    c = services.contribution_save(actor=focal_defence, contribution=c, version=c.version, data={"narrative": "Done."})
    services.contribution_submit(actor=focal_defence, contribution=c)
    return services.contribution_return(actor=coordinator, contribution=c, note=note)


def attention_of(html: str) -> str:
    start = html.index('aria-labelledby="attention-title"')
    return html[start : html.index("</section>", start)]


def test_home_puts_returned_contributions_first_with_the_reviewers_note(
    open_round, coordinator, focal_defence, focal_defence_client
):
    c = returned(open_round, coordinator, focal_defence, "23.a", "Give the number of women deployed.")
    html = html_of(focal_defence_client.get(HOME))
    # Before the sections and the 37-row list, not among them.
    assert html.index("Needs your attention") < html.index(f'id="round-{open_round.pk}"')
    block = attention_of(html)
    assert "1 contribution returned for revision" in block
    assert f'<a class="fw-semibold" href="{edit_url(c)}">Line 23.a</a>' in block
    assert "Give the number of women deployed." in block
    assert "Returned for revision on " in block


def test_home_names_the_drafts_of_a_round_due_soon_and_how_many_days_remain(
    open_round, coordinator, focal_defence_client
):
    services.round_update(actor=coordinator, round=open_round, deadline=timezone.localdate() + dt.timedelta(days=5))
    block = attention_of(html_of(focal_defence_client.get(HOME)))
    assert "5 days left" in block and "37 drafts not yet submitted:" in block
    assert len(re.findall(r'<li class="list-inline-item"><a href="/work/contributions/\d+/">', block)) == 20
    assert f'href="#round-{open_round.pk}">and 17 more in the list below</a>' in block
    assert "returned for revision" not in block

    services.round_update(actor=coordinator, round=open_round, deadline=timezone.localdate() + dt.timedelta(days=15))
    block = attention_of(html_of(focal_defence_client.get(HOME)))
    assert "Nothing needs your attention" in block and "drafts not yet submitted" not in block


def test_home_attention_query_count_does_not_grow_with_returned_contributions(
    open_round, coordinator, focal_defence, focal_defence_client, django_assert_num_queries
):
    returned(open_round, coordinator, focal_defence, "23.a", "First note.")
    with django_assert_num_queries(11):
        focal_defence_client.get(HOME)
    for code in ("1.a", "14.a", "16.a"):
        returned(open_round, coordinator, focal_defence, code, f"Note on {code}.")
    with django_assert_num_queries(11):
        block = attention_of(html_of(focal_defence_client.get(HOME)))
    assert "4 contributions returned for revision" in block and "Note on 16.a." in block


def test_home_renders_the_rounds_instructions_as_markdown(open_round, coordinator, focal_defence_client):
    intro = "Report on **2014**.\n\n> Count the *women* in R&D."
    services.round_update(actor=coordinator, round=open_round, intro={"en": intro})
    html = html_of(focal_defence_client.get(HOME))
    assert "<strong>2014</strong>" in html and "**2014**" not in html
    assert "<blockquote>\n<p>Count the <em>women</em> in R&amp;D.</p>\n</blockquote>" in html


def test_home_after_publication_links_to_what_the_department_published(
    open_round, coordinator, focal_defence, focal_defence_client, monkeypatch
):
    c = contribution_of(open_round, "23.a", "defence")
    c = services.contribution_save(actor=focal_defence, contribution=c, version=c.version, data={"narrative": "Done."})
    services.contribution_submit(actor=focal_defence, contribution=c)
    services.contribution_approve(actor=coordinator, contribution=c)
    publish(open_round, coordinator, monkeypatch)
    html = html_of(focal_defence_client.get(HOME))
    assert "No reporting round is open" in html and "Needs your attention" not in html
    assert "The last round you reported in, Annual report 2014, is published:" in html
    department_page = reverse("department-detail", args=[open_round.plan.slug, "defence"])
    assert f'href="{department_page}"' in html
    assert focal_defence_client.get(department_page).status_code == 200
    assert f'href="{reverse("publications:round-report", args=[open_round.pk, "html"])}"' in html


def test_home_requires_login(anonymous):
    response = anonymous.get(HOME)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/work/"


@pytest.mark.parametrize("persona", ["coordinator", "reader"])
def test_coordinators_and_readers_are_pointed_to_the_rounds(open_round, request, persona):
    client = logged_in(request.getfixturevalue(persona))
    response = client.get(HOME)
    assert response.status_code == 200
    html = html_of(response)
    assert f'href="{reverse("reporting:round-list")}"' in html
    assert '<tr class="contribution"' not in html


def test_explanation_page_query_count_is_pinned(open_round, coordinator_client, django_assert_num_queries):
    with django_assert_num_queries(3):
        assert coordinator_client.get(HOME).status_code == 200


def test_focal_point_without_department_gets_an_explanation_not_an_error(open_round):
    from django.contrib.auth.models import Group

    lost = User.objects.create_user("lost", password="correct horse battery staple")
    lost.groups.add(Group.objects.get(name=Role.FOCAL_POINT))
    response = logged_in(lost).get(HOME)
    assert response.status_code == 200
    assert "not linked to a department" in html_of(response)


# --- the edit form --------------------------------------------------------------------------------


def test_edit_form_shows_the_line_the_scale_and_one_block_per_instrument(open_round, focal_defence_client):
    c = contribution_of(open_round, "23.a", "defence")
    html = html_of(focal_defence_client.get(edit_url(c)))
    assert "Encourage applications by Belgian women for peace missions." in html
    assert "Ensure increased women&#x27;s representation within peace missions" in html
    assert "Changes in percentage of Belgian women in peace missions." in html
    for value, label in Contribution.Status.choices:
        assert f'name="status" value="{value}"' in html
        assert f">{label.capitalize()}</label>" in html
    assert "A recurring activity, carried out again in the period." in html
    assert "internal content never reaches the portal, open data or a published report" in html
    assert "At most 20,000 characters." in html
    for name in ("women", "men", "other", "value", "note"):
        assert f'name="{instrument_field(c, name)}"' in html
    assert f'name="{instrument_field(c, "unit")}"' not in html, "a by-sex instrument counts people"
    assert 'name="version" value="1"' in html
    # The plan's focus countries come first, as checkboxes; the others follow in a list.
    tags = html[html.index('id="countries-help"') :]
    tags = tags[: tags.index("</select>")]
    assert tags.index('value="AF" id="id_countries_focus_AF"') < tags.index('<option value="AX">')
    assert '<option value="AF"' not in tags


def test_edit_form_lays_out_quantitative_and_qualitative_instruments(open_round, focal_defence_client):
    as_numbers(open_round.plan, "16.a")
    as_text(open_round.plan, "7.c")
    quantitative = contribution_of(open_round, "16.a", "defence")
    html = html_of(focal_defence_client.get(edit_url(quantitative)))
    for position in (1, 2):
        assert f'name="{instrument_field(quantitative, "value", position)}"' in html
        assert f'name="{instrument_field(quantitative, "unit", position)}"' in html
        assert f'name="{instrument_field(quantitative, "women", position)}"' not in html
    qualitative = contribution_of(open_round, "7.c", "defence")
    html = html_of(focal_defence_client.get(edit_url(qualitative)))
    assert html.count('data-kind="qualitative"') == 3
    assert f'<textarea name="{instrument_field(qualitative, "text", 3)}"' in html


def test_edit_form_query_count_is_pinned_and_does_not_grow_with_instruments_or_evidence(
    open_round, focal_defence, focal_defence_client, django_assert_num_queries
):
    one = contribution_of(open_round, "6.d", "defence")
    three = contribution_of(open_round, "7.c", "defence")
    # 9 (measurements and their countries), and 1 for the plan's events with civil society, which any
    # contribution may cite.
    with django_assert_num_queries(10):
        focal_defence_client.get(edit_url(one))
    for n in range(4):
        services.evidence_add(actor=focal_defence, contribution=three, title=f"Report {n}", url=f"https://mil.be/{n}")
    with django_assert_num_queries(10):
        html = html_of(focal_defence_client.get(edit_url(three)))
    assert html.count("https://mil.be/") == 4


def test_write_endpoints_query_counts_are_pinned(open_round, focal_defence_client, django_assert_num_queries):
    # The counts include the services' own work (locks, history, audit) on 23.a, one instrument.
    c = contribution_of(open_round, "23.a", "defence")
    women = instrument_field(c, "women")
    data = form_data(focal_defence_client.get(edit_url(c)), **{women: "1"})
    with django_assert_num_queries(20):
        saved = focal_defence_client.post(edit_url(c), data)
    assert saved.status_code == 302
    data = form_data(focal_defence_client.get(edit_url(c)), **{women: "2"})
    with django_assert_num_queries(27):
        submitted = focal_defence_client.post(submit_url(c), data)
    assert submitted.status_code == 302

    other = contribution_of(open_round, "16.a", "defence")
    # Here and on removing, its own department is recognised without reading the department's
    # units (reporting/rules.py); the form shown again reads the measurements' countries.
    with django_assert_num_queries(13):
        added = upload(focal_defence_client, other)
    assert added.status_code == 302
    evidence = Evidence.objects.get(contribution=other)
    with django_assert_num_queries(9):
        removed = focal_defence_client.post(reverse("reporting:evidence-remove", args=[evidence.pk]))
    assert removed.status_code == 302


def test_save_draft_stores_figures_by_sex_and_shows_total_and_share(open_round, focal_defence, focal_defence_client):
    c = contribution_of(open_round, "23.a", "defence")
    page = focal_defence_client.get(edit_url(c))
    data = form_data(
        page,
        status="in-progress",
        narrative="Two information sessions for **female** soldiers.",
        countries=["ML", "BE"],
        **{instrument_field(c, "women"): "7", instrument_field(c, "men"): "30"},
    )
    response = focal_defence_client.post(edit_url(c), data)
    assert response.status_code == 302 and response["Location"] == edit_url(c)

    saved = refreshed(c)
    assert saved.version == 2 and saved.state == "draft"
    assert saved.status == "in-progress" and saved.countries == ["ML", "BE"]
    assert saved.updated_by == focal_defence and not saved.on_behalf
    m = measurement(c)
    assert (m.women, m.men, m.other, m.value) == (7, 30, None, None)

    html = html_of(focal_defence_client.get(edit_url(c)))
    assert "Draft saved." in html and "(version 2)" not in html
    assert ">Version<" not in html  # an internal number: only the edit-conflict view names it
    assert "total 37" in html and "share of women 18.9%" in html
    assert input_value(html, instrument_field(c, "women")) == "7"
    assert 'name="version" value="2"' in html


def test_a_given_total_counts_those_not_recorded_by_sex(open_round, focal_defence_client):
    c = contribution_of(open_round, "23.a", "defence")
    data = form_data(
        focal_defence_client.get(edit_url(c)),
        **{instrument_field(c, "women"): "10", instrument_field(c, "men"): "20", instrument_field(c, "value"): "40"},
    )
    focal_defence_client.post(edit_url(c), data)
    assert measurement(c).value == 40
    html = html_of(focal_defence_client.get(edit_url(c)))
    assert "total 40" in html and "share of women 25.0%" in html


def test_saving_nothing_new_keeps_the_version(open_round, focal_defence_client):
    c = contribution_of(open_round, "23.a", "defence")
    focal_defence_client.post(edit_url(c), form_data(focal_defence_client.get(edit_url(c))))
    assert refreshed(c).version == 1
    assert "Nothing changed" in html_of(focal_defence_client.get(edit_url(c)))


def test_submit_saves_first_then_submits(open_round, focal_defence, focal_defence_client):
    c = contribution_of(open_round, "23.a", "defence")
    data = form_data(
        focal_defence_client.get(edit_url(c)),
        status="completed",
        **{instrument_field(c, "women"): "12", instrument_field(c, "men"): "88"},
    )
    response = focal_defence_client.post(submit_url(c), data)
    assert response.status_code == 302

    saved = refreshed(c)
    assert saved.state == "submitted" and saved.status == "completed"
    assert saved.submitted_by == focal_defence and saved.submitted_at is not None
    assert saved.version == 3, "one version for the save, one for the submission"
    assert measurement(c).women == 12

    html = html_of(focal_defence_client.get(edit_url(c)))
    assert "state-submitted" in html and ">Submitted</span>" in html
    assert "waits for the coordinator&#x27;s review" in html
    assert 'class="contribution-form"' not in html, "a submitted contribution is read-only"
    assert "focal-defence, " in html, "who submitted it"


def test_submitting_an_empty_contribution_says_what_is_missing(open_round, focal_defence_client):
    c = contribution_of(open_round, "23.a", "defence")
    response = focal_defence_client.post(submit_url(c), form_data(focal_defence_client.get(edit_url(c))))
    assert response.status_code == 200
    assert "Nothing to submit yet" in html_of(response)
    assert refreshed(c).state == "draft"


def test_returned_note_is_shown_and_the_contribution_can_be_resubmitted(
    open_round, coordinator, focal_defence, focal_defence_client
):
    c = contribution_of(open_round, "23.a", "defence")
    c = services.contribution_save(actor=focal_defence, contribution=c, version=1, data={"status": "in-progress"})
    c = services.contribution_submit(actor=focal_defence, contribution=c)
    services.contribution_return(actor=coordinator, contribution=c, note="Please give the figures for 2014, not 2013.")

    page = focal_defence_client.get(edit_url(c))
    html = html_of(page)
    note = re.search(r'<section class="alert alert-warning review-note".*?</section>', html, re.S)
    assert note is not None and "Please give the figures for 2014, not 2013." in note.group(0)
    assert "Returned for revision" in note.group(0) and "coordinator" in note.group(0)
    assert html.index("review-note") < html.index('class="contribution-form"'), "the note comes before the form"

    data = form_data(page, **{instrument_field(c, "women"): "3", instrument_field(c, "men"): "41"})
    focal_defence_client.post(submit_url(c), data)
    again = refreshed(c)
    assert again.state == "submitted" and measurement(c).men == 41


BAD_INPUT = [
    pytest.param("women", "-3", "Enter zero or more.", id="negative count"),
    pytest.param("men", "2.5", "people are counted without fractions", id="fractional count"),
    pytest.param("value", "8", "is smaller than women, men and other together", id="total below parts"),
]


@pytest.mark.parametrize(("field", "typed", "message"), BAD_INPUT)
def test_bad_figures_are_shown_next_to_the_input_and_nothing_is_saved(
    open_round, focal_defence_client, field, typed, message
):
    c = contribution_of(open_round, "23.a", "defence")
    figures = {instrument_field(c, "women"): "5", instrument_field(c, "men"): "5", instrument_field(c, field): typed}
    data = form_data(focal_defence_client.get(edit_url(c)), narrative="Kept only if all is right.", **figures)
    response = focal_defence_client.post(edit_url(c), data)
    assert response.status_code == 200
    html = html_of(response)
    assert message in html
    assert_error_next_to(html, f"id_{instrument_field(c, field)}")
    assert input_value(html, instrument_field(c, field)) == typed, "what was typed stays in the input"
    assert "Kept only if all is right.</textarea>" in html

    unchanged = refreshed(c)
    assert unchanged.version == 1 and unchanged.narrative == ""
    assert measurement(c).is_empty


def test_unknown_country_is_refused_next_to_the_list(open_round, focal_defence_client):
    c = contribution_of(open_round, "23.a", "defence")
    response = focal_defence_client.post(
        edit_url(c), form_data(focal_defence_client.get(edit_url(c)), countries=["ML", "XX"])
    )
    html = html_of(response)
    assert "Unknown country code(s): XX." in html
    assert_error_next_to(html, "id_countries")
    assert '<option value="XX" selected>XX</option>' in html, "the unknown code stays visible"
    assert 'value="ML" id="id_countries_focus_ML" checked' in html
    assert refreshed(c).countries == [] and refreshed(c).version == 1


def test_narrative_over_the_limit_is_refused(open_round, focal_defence_client, settings):
    c = contribution_of(open_round, "23.a", "defence")
    too_long = "x" * (settings.NAPTRACK_NARRATIVE_MAX + 1)
    response = focal_defence_client.post(
        edit_url(c), form_data(focal_defence_client.get(edit_url(c)), narrative=too_long)
    )
    html = html_of(response)
    assert "Keep the narrative under" in html
    assert_error_next_to(html, "id_narrative")
    assert too_long in html, "the text is kept for the person to shorten"
    assert refreshed(c).narrative == ""


# --- conflicts ------------------------------------------------------------------------------------


def test_a_conflicting_save_keeps_what_was_typed_and_shows_what_changed(open_round, focal_defence_client):
    c = contribution_of(open_round, "23.a", "defence")
    colleague = logged_in(_user("focal-defence-2", "focal-point", "defence"))
    women, men = instrument_field(c, "women"), instrument_field(c, "men")

    mine = focal_defence_client.get(edit_url(c))
    theirs = colleague.get(edit_url(c))
    colleague.post(edit_url(c), form_data(theirs, narrative="Colleague's text.", **{women: "4"}))
    assert refreshed(c).version == 2

    response = focal_defence_client.post(
        edit_url(c), form_data(mine, narrative="My own text.", status="completed", **{women: "9", men: "11"})
    )
    assert response.status_code == 409
    html = html_of(response)
    assert "Someone else saved this contribution while you were editing it" in html
    assert "(version 2)" in html, "the conflict view names the version saved now, the one place it does"
    # Everything typed is still in the inputs.
    assert "My own text.</textarea>" in html
    assert input_value(html, women) == "9" and input_value(html, men) == "11"
    assert 'value="completed" id="id_status_2" aria-describedby="id_status_2_definition" checked' in html
    # The list of changes: label, their entry against what is saved, who and when.
    table = re.search(r'<div class="alert alert-warning conflict".*?</table>', html, re.S).group(0)
    narrative_row = re.search(r"<tr>\s*<th scope=\"row\"><a[^>]*>Narrative</a></th>.*?</tr>", table, re.S).group(0)
    assert "My own text." in narrative_row and "Colleague&#x27;s text." in narrative_row
    assert "focal-defence-2" in narrative_row
    assert re.search(r"Women</a></th>\s*<td class=\"yours\">9</td>\s*<td class=\"saved\">4</td>", table)
    # The hidden version is now the saved one: saving again overwrites, deliberately.
    assert 'name="version" value="2"' in html
    kept = refreshed(c)
    assert kept.narrative == "Colleague's text." and measurement(c).women == 4

    again = focal_defence_client.post(edit_url(c), form_data(response, narrative="My own text."))
    assert again.status_code == 302
    final = refreshed(c)
    assert final.version == 3 and final.narrative == "My own text." and measurement(c).women == 9


# --- who may do what ------------------------------------------------------------------------------


def test_focal_point_of_justice_cannot_read_edit_or_submit_defence_draft(open_round, focal_defence, focal_justice):
    c = contribution_of(open_round, "23.a", "defence")
    services.contribution_save(actor=focal_defence, contribution=c, version=1, data={"narrative": "Defence's own."})
    justice = logged_in(focal_justice)

    page = justice.get(edit_url(c))
    assert page.status_code == 403, "another department's draft is not theirs to read"
    assert "Defence's own." not in html_of(page)

    women = instrument_field(c, "women")
    data = {"version": "2", "narrative": "Justice was here.", "visibility": "public", women: "1"}
    refused = justice.post(edit_url(c), data)
    assert refused.status_code == 403
    assert "Defence's own." not in html_of(refused)
    assert justice.post(submit_url(c), data).status_code == 403
    upload = SimpleUploadedFile("x.pdf", PDF, content_type="application/pdf")
    assert justice.post(reverse("reporting:evidence-add", args=[c.pk]), {"evidence-file": upload}).status_code == 403

    unchanged = refreshed(c)
    assert (unchanged.version, unchanged.state, unchanged.narrative) == (2, "draft", "Defence's own.")
    assert measurement(c).women is None and not unchanged.evidence.exists()


def test_focal_point_of_justice_reads_an_approved_defence_contribution_read_only(
    open_round, coordinator, focal_defence, focal_justice
):
    c = contribution_of(open_round, "23.a", "defence")
    c = services.contribution_save(actor=focal_defence, contribution=c, version=1, data={"narrative": "Defence's own."})
    services.contribution_approve(
        actor=coordinator, contribution=services.contribution_submit(actor=focal_defence, contribution=c)
    )
    html = html_of(logged_in(focal_justice).get(edit_url(c)))
    assert "Read-only." in html and "belongs to Defence" in html
    assert 'class="contribution-form"' not in html and "Save draft" not in html
    assert "<p>Defence's own.</p>" in html, "read-only narratives are rendered from Markdown"


def test_entries_typed_while_a_colleague_submits_are_shown_back(open_round, focal_defence_client):
    c = contribution_of(open_round, "23.a", "defence")
    colleague = _user("focal-defence-2", "focal-point", "defence")
    page = focal_defence_client.get(edit_url(c))
    c2 = services.contribution_save(actor=colleague, contribution=c, version=1, data={"status": "completed"})
    services.contribution_submit(actor=colleague, contribution=c2)

    response = focal_defence_client.post(edit_url(c), form_data(page, narrative="Forty officers trained in Mali."))
    assert response.status_code == 403
    html = html_of(response)
    assert "Your entries, not saved" in html and "Forty officers trained in Mali." in html
    assert refreshed(c).narrative == ""


def test_reader_sees_a_contribution_read_only(open_round, reader):
    c = contribution_of(open_round, "23.a", "defence")
    html = html_of(logged_in(reader).get(edit_url(c)))
    assert "read-only access" in html and 'class="contribution-form"' not in html


def test_anyone_without_a_role_may_not_see_a_contribution(open_round, anonymous):
    c = contribution_of(open_round, "23.a", "defence")
    outsider = User.objects.create_user("outsider", password="correct horse battery staple")
    assert logged_in(outsider).get(edit_url(c)).status_code == 403
    response = anonymous.get(edit_url(c))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_read_only_markdown_is_sanitised(open_round, focal_defence, reader):
    c = contribution_of(open_round, "23.a", "defence")
    narrative = "Trained **40** officers.\n\n<script>alert(1)</script>"
    services.contribution_save(actor=focal_defence, contribution=c, version=1, data={"narrative": narrative})
    html = html_of(logged_in(reader).get(edit_url(c)))
    assert "Trained <strong>40</strong> officers." in html
    assert "<script>alert(1)</script>" not in html


def test_coordinator_enters_data_on_the_departments_behalf(open_round, coordinator_client, focal_defence_client):
    c = contribution_of(open_round, "23.a", "defence")
    page = coordinator_client.get(edit_url(c))
    html = html_of(page)
    assert "You are entering this contribution on behalf of Defence" in html
    assert 'class="contribution-form"' in html

    coordinator_client.post(edit_url(c), form_data(page, **{instrument_field(c, "women"): "2"}))
    saved = refreshed(c)
    assert saved.on_behalf and saved.updated_by.username == "coordinator"
    assert measurement(c).women == 2

    html = html_of(focal_defence_client.get(edit_url(c)))
    assert "entered by the coordinator" in html
    assert "on behalf of Defence" not in html, "the focal point enters for their own department"


def test_nothing_can_be_changed_once_the_round_is_closed(open_round, coordinator, focal_defence_client):
    c = contribution_of(open_round, "23.a", "defence")
    services.round_close(actor=coordinator, round=open_round)
    html = html_of(focal_defence_client.get(edit_url(c)))
    assert "The round is closed" in html and 'class="contribution-form"' not in html
    response = focal_defence_client.post(edit_url(c), {"version": "1", "narrative": "Late.", "visibility": "public"})
    assert response.status_code == 403 and refreshed(c).narrative == ""


# --- evidence -------------------------------------------------------------------------------------


def upload(focal_defence_client, c, name="training-2014.pdf", content=PDF, title="Training report"):
    return focal_defence_client.post(
        reverse("reporting:evidence-add", args=[c.pk]),
        {"evidence-title": title, "evidence-file": SimpleUploadedFile(name, content)},
    )


def test_evidence_upload_download_and_remove(
    open_round, focal_defence_client, focal_justice, reader, anonymous, settings, django_capture_on_commit_callbacks
):
    c = contribution_of(open_round, "23.a", "defence")
    response = upload(focal_defence_client, c)
    assert response.status_code == 302
    evidence = Evidence.objects.get(contribution=c)
    stored = settings.MEDIA_ROOT / evidence.file.name
    assert stored.read_bytes() == PDF
    assert str(stored).startswith(str(settings.MEDIA_ROOT))

    download = reverse("reporting:evidence-download", args=[evidence.pk])
    html = html_of(focal_defence_client.get(edit_url(c)))
    assert f'href="{download}"' in html and "Training report" in html

    response = focal_defence_client.get(download)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert "training-2014" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF

    # The department and the oversight roles may read it; another department, anonymous and
    # someone without a role may not.
    assert logged_in(reader).get(download).status_code == 200
    assert logged_in(focal_justice).get(download).status_code == 403
    assert anonymous.get(download)["Location"].startswith("/accounts/login/")
    outsider = User.objects.create_user("outsider", password="correct horse battery staple")
    assert logged_in(outsider).get(download).status_code == 403

    # Only who may change the contribution removes evidence.
    remove = reverse("reporting:evidence-remove", args=[evidence.pk])
    assert logged_in(focal_justice).post(remove).status_code == 403
    assert logged_in(reader).post(remove).status_code == 403
    assert Evidence.objects.filter(pk=evidence.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert focal_defence_client.post(remove).status_code == 302
    assert not Evidence.objects.filter(pk=evidence.pk).exists()
    assert not stored.exists()
    assert focal_defence_client.get(download).status_code == 404


def test_evidence_download_query_count_is_pinned(open_round, focal_defence_client, django_assert_num_queries):
    c = contribution_of(open_round, "23.a", "defence")
    upload(focal_defence_client, c)
    evidence = Evidence.objects.get(contribution=c)
    with django_assert_num_queries(4):
        response = focal_defence_client.get(reverse("reporting:evidence-download", args=[evidence.pk]))
    assert response.status_code == 200


def test_evidence_link_is_listed(open_round, focal_defence_client):
    c = contribution_of(open_round, "23.a", "defence")
    focal_defence_client.post(
        reverse("reporting:evidence-add", args=[c.pk]),
        {"evidence-title": "Press release", "evidence-url": "https://www.mil.be/en/article/women"},
    )
    html = html_of(focal_defence_client.get(edit_url(c)))
    assert '<a href="https://www.mil.be/en/article/women" rel="noopener noreferrer nofollow">Press release</a>' in html


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        pytest.param("run-me.exe", b"MZ\x90\x00", "Accepted files:", id="disallowed type"),
        pytest.param("fake.pdf", b"not a pdf at all", "is not a .pdf file", id="content not matching"),
        pytest.param("big.pdf", PDF + b"0" * 2048, "larger than", id="oversize"),
    ],
)
def test_refused_files_are_explained_next_to_the_input(
    open_round, focal_defence_client, monkeypatch, name, content, message
):
    monkeypatch.setattr("naptrack.reporting.services.evidence.EVIDENCE_MAX_BYTES", 1024)
    c = contribution_of(open_round, "23.a", "defence")
    response = upload(focal_defence_client, c, name=name, content=content)
    assert response.status_code == 200
    html = html_of(response)
    assert message in html
    assert_error_next_to(html, "id_evidence-file")
    assert not Evidence.objects.filter(contribution=c).exists()


# --- languages ------------------------------------------------------------------------------------


def test_french_pages_render(open_round, focal_defence_client):
    c = contribution_of(open_round, "23.a", "defence")
    home = focal_defence_client.get("/fr/work/")
    assert home.status_code == 200
    html = html_of(home)
    assert '<html lang="fr">' in html and "Ligne d'action" in html and "Objectif 1" in html
    assert f'href="/fr/work/contributions/{c.pk}/"' in html

    page = focal_defence_client.get(f"/fr/work/contributions/{c.pk}/")
    assert page.status_code == 200
    html = html_of(page)
    assert '<html lang="fr">' in html
    assert ">Allemagne</option>" in html, "country names in the reader's language"
    assert "20\u202f000" in html or "20 000" in html or "20\xa0000" in html, "numbers in French"
