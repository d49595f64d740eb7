"""Nothing of another department's unpublished work reaches a focal point.

In the open 2014 round on the real plan, Defence holds a draft (with figures, an uploaded evidence
file and a link), a submitted contribution, one returned with the coordinator's note, one approved
but internal, and one approved and public that kept the note it was once returned with and has
its own evidence; the closed 2012 baseline holds a submitted Defence contribution on the same line
as Justice. Every one of those carries a word and figures found nowhere else (only the approved,
public one's narrative is not secret). Then the focal point of Justice fetches every page it can
reach from its home and the rounds list, and what no page links to: every contribution's page,
evidence file, history and line review, the report to parliament (final and draft, HTML, PDF and
DOCX), the department workbooks and the staff API. The secret is nowhere, while Justice's own
work and Defence's approved, public narrative are there.
"""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from naptrack.plans.models import Action
from naptrack.reporting import services
from naptrack.reporting.models import Contribution, Evidence, Round

from .conftest import contribution_of, logged_in
from .portal_data import new_round
from .test_never_leaks import text_of

pytestmark = pytest.mark.django_db

SECRET = "Quasimodium"
FIGURES = (9770123, 9770124, 9770125)
SHARED = "Defence shared its approved work on line 16.a."  # approved and public: Justice may read it
JUSTICE_OWN = "Justice's own draft on line 14.a."
PDF = b"%PDF-1.4\n% " + SECRET.encode() + b"\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
# Only the pages of reporting rounds and the staff API: the public pages show published data only,
# which tests/test_never_leaks.py crawls.
STAFF_PATHS = ("/work/", "/rounds/", "/contributions/", "/api/v1/rounds/", "/api/v1/contributions/")


def _save(contribution: Contribution, actor, **data) -> Contribution:
    return services.contribution_save(actor=actor, contribution=contribution, version=contribution.version, data=data)


def _secret_answers(contribution: Contribution) -> list[dict]:
    rows = []
    for instrument in contribution.action.instruments.all():
        if instrument.by_sex:
            rows.append({"instrument": instrument.pk, "women": FIGURES[0], "men": FIGURES[1], "note": f"{SECRET}."})
        else:
            rows.append({"instrument": instrument.pk, "text": f"{SECRET} answer.", "note": f"{SECRET} note."})
    return rows


def _secret(round_: Round, code: str, actor, **data) -> Contribution:
    c = contribution_of(round_, code, "defence")
    return _save(
        c,
        actor,
        status="in-progress",
        narrative=data.pop("narrative", f"{SECRET} narrative."),
        countries=["ML"],
        measurements=_secret_answers(c),
        **data,
    )


def _evidence(contribution: Contribution, actor) -> None:
    upload = SimpleUploadedFile(f"{SECRET.lower()}.pdf", PDF, content_type="application/pdf")
    services.evidence_add(actor=actor, contribution=contribution, title=f"{SECRET} file", upload=upload)
    services.evidence_add(
        actor=actor, contribution=contribution, title=f"{SECRET} link", url=f"https://mil.be/{SECRET.lower()}"
    )


def _seed(
    plan, open_round: Round, coordinator, focal_defence, focal_justice, baseline: Round | None = None
) -> dict[str, Contribution]:
    submit = services.contribution_submit
    draft = _secret(open_round, "23.a", focal_defence)
    _evidence(draft, focal_defence)

    submitted = submit(actor=focal_defence, contribution=_secret(open_round, "14.a", focal_defence))

    returned = submit(actor=focal_defence, contribution=_secret(open_round, "6.d", focal_defence))
    returned = services.contribution_return(actor=coordinator, contribution=returned, note=f"{SECRET} review note.")

    internal = submit(
        actor=focal_defence, contribution=_secret(open_round, "7.c", focal_defence, visibility="internal")
    )
    internal = services.contribution_approve(actor=coordinator, contribution=internal)

    # Approved and public, after a return whose note it keeps; its evidence stays Defence's.
    shared = _save(contribution_of(open_round, "16.a", "defence"), focal_defence, status="completed", narrative=SHARED)
    _evidence(shared, focal_defence)
    shared = services.contribution_return(
        actor=coordinator, contribution=submit(actor=focal_defence, contribution=shared), note=f"{SECRET} old note."
    )
    shared = services.contribution_approve(
        actor=coordinator, contribution=submit(actor=focal_defence, contribution=shared)
    )

    own = _save(contribution_of(open_round, "14.a", "justice"), focal_justice, narrative=JUSTICE_OWN)
    services.evidence_add(actor=focal_justice, contribution=own, title="Justice's evidence", url="https://just.be/e")

    baseline = baseline or new_round(plan, coordinator, "baseline", 2012)
    earlier = submit(actor=focal_defence, contribution=_secret(baseline, "14.a", focal_defence))
    services.round_close(actor=coordinator, round=baseline)
    assert shared.state == "approved" and shared.review_note and shared.evidence.count() == 2
    return {
        "draft": draft,
        "submitted": submitted,
        "returned": returned,
        "internal": internal,
        "shared": shared,
        "own": own,
        "earlier": earlier,
        "baseline": baseline,
    }


def _staff_links(url: str, page: str) -> list[str]:
    found = []
    for href in re.findall(r'href="([^"]+)"', page):
        target = urldefrag(urljoin(url, href.replace("&amp;", "&")))[0]
        parts = urlsplit(target)
        if not parts.netloc and parts.path.startswith(STAFF_PATHS):
            found.append(target)
    return found


def _crawl(client: Client, starts: list[str], depth: int, statuses: dict[str, int]) -> dict[str, str]:
    seen: dict[str, str] = {}
    queue = deque((url, depth) for url in starts)
    while queue:
        url, left = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        statuses[url] = response.status_code
        if url.startswith("/work/evidence/") and response.status_code == 200:
            # An evidence file as uploaded (the test's is no real PDF): its bytes, not its layout.
            seen[url] = b"".join(response.streaming_content).decode("utf-8", "replace")
        else:
            seen[url] = text_of(url, response)
        if response.status_code == 200 and left and "html" in response.get("Content-Type", ""):
            queue.extend((link, left - 1) for link in _staff_links(url, response.content.decode()) if link not in seen)
    return seen


def _leaks(texts: dict[str, str]) -> dict[str, list[str]]:
    tokens = [SECRET, SECRET.lower()]
    for n in FIGURES:
        tokens += [
            str(n),
            f"{n:,}",
            f"{n:,}".replace(",", " "),
            f"{n:,}".replace(",", "\u202f"),
            f"{n:,}".replace(",", "."),
        ]
    found = {}
    for url, text in texts.items():
        hits = [t for t in tokens if t in text]
        if hits:
            found[url] = hits
    return found


def test_nothing_of_defences_unpublished_work_reaches_the_focal_point_of_justice(
    plan, open_round, coordinator, focal_defence, focal_justice, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    seeded = _seed(plan, open_round, coordinator, focal_defence, focal_justice)
    rounds = [open_round, seeded["baseline"]]
    justice = logged_in(focal_justice)
    statuses: dict[str, int] = {}

    texts = _crawl(justice, ["/work/", "/rounds/"], 4, statuses)
    # What no page may link to for Justice: every contribution, evidence, history and line of both
    # rounds, the reports, the workbooks and the API.
    defence = Contribution.objects.filter(round__in=rounds, department__code="defence")
    extra = []
    for c in Contribution.objects.filter(round__in=rounds).select_related("action"):
        extra += [f"/work/contributions/{c.pk}/", f"/contributions/{c.pk}/history/"]
    extra += [f"/work/evidence/{e.pk}/" for e in Evidence.objects.all()]
    extra += [f"/api/v1/contributions/{c.pk}/" for c in defence]
    for round_ in rounds:
        codes = Action.objects.filter(plan=plan, contributions__round=round_).values_list("code", flat=True)
        extra += [f"/rounds/{round_.pk}/lines/{code}/" for code in sorted(set(codes))]
        extra += [f"/rounds/{round_.pk}/lines/{code}/history/" for code in ("14.a", "16.a", "23.a")]
        extra += [
            f"/rounds/{round_.pk}/contributions/?page_size=200",
            f"/rounds/{round_.pk}/contributions/?department=defence",
            f"/api/v1/rounds/{round_.pk}/",
            f"/api/v1/rounds/{round_.pk}/contributions/?page_size=200",
            f"/api/v1/rounds/{round_.pk}/contributions/?department=defence&page_size=200",
            f"/work/rounds/{round_.pk}/workbook/?department=defence",
        ]
    extra += [f"/rounds/{open_round.pk}/report.{fmt}?lang=en" for fmt in ("html", "docx", "pdf")]
    extra += [f"/rounds/{open_round.pk}/report.{fmt}?lang=en&draft=1" for fmt in ("html", "docx", "pdf")]
    extra += [
        "/api/v1/rounds/",
        "/audit/",
        "/audit/events.csv",
        f"/work/rounds/{open_round.pk}/workbook/?department=justice",
    ]
    texts.update(_crawl(justice, extra, 0, statuses))
    # PDF and Word files are built by a job (POST), and downloaded from its page.
    for fmt in ("docx", "pdf"):
        for query in ("lang=en", "lang=en&draft=1"):
            built = justice.post(f"/rounds/{open_round.pk}/report.{fmt}?{query}")
            statuses[f"POST report.{fmt}?{query}"] = built.status_code
            if built.status_code == 302:
                texts[f"{built['Location']}file/"] = text_of(fmt, justice.get(f"{built['Location']}file/"))

    assert _leaks(texts) == {}

    # The crawl reached what Justice may read, so its silence on the rest means something.
    assert len(texts) > 700 and sum(status == 200 for status in statuses.values()) > 250
    own = seeded["own"]
    assert JUSTICE_OWN in texts[f"/work/contributions/{own.pk}/"]
    assert "https://just.be/e" in texts[f"/work/contributions/{own.pk}/"], "its own evidence"
    line_14a = texts[f"/rounds/{open_round.pk}/lines/14.a/"]
    assert JUSTICE_OWN in line_14a and "Not yet approved." in line_14a
    line_16a = texts[f"/rounds/{open_round.pk}/lines/16.a/"]
    assert SHARED in line_16a, "another department's approved, public work is shared"
    assert "mil.be" not in line_16a, "without its evidence"
    assert "Approved for internal use" in texts[f"/rounds/{open_round.pk}/lines/7.c/"]
    assert SHARED in texts[f"/work/contributions/{seeded['shared'].pk}/"]
    assert SHARED in texts[f"/rounds/{open_round.pk}/report.html?lang=en"]
    workbook = texts[f"/work/rounds/{open_round.pk}/workbook/?department=justice"]
    assert JUSTICE_OWN in workbook
    listed = texts[f"/api/v1/rounds/{open_round.pk}/contributions/?page_size=200"]
    assert SHARED in listed and JUSTICE_OWN in listed

    # And what it may not read is refused, not merely empty.
    for name in ("draft", "submitted", "returned", "internal", "earlier"):
        c = seeded[name]
        assert statuses[f"/work/contributions/{c.pk}/"] == 403, name
        assert statuses[f"/api/v1/contributions/{c.pk}/"] == 403, name
    for e in Evidence.objects.filter(contribution__department__code="defence"):
        if e.file:
            assert statuses[f"/work/evidence/{e.pk}/"] == 403, "the cross-department evidence download refused"
    assert statuses[f"/contributions/{seeded['shared'].pk}/history/"] == 403
    assert statuses[f"/rounds/{open_round.pk}/report.pdf?lang=en&draft=1"] == 403
    assert statuses["POST report.pdf?lang=en&draft=1"] == statuses["POST report.docx?lang=en&draft=1"] == 403
    assert statuses["POST report.pdf?lang=en"] == statuses["POST report.docx?lang=en"] == 302
    built = [text for url, text in texts.items() if url.startswith("/jobs/")]
    assert len(built) == 2 and all(SHARED in text for text in built), "the files hold the shared work"
    assert statuses[f"/work/rounds/{open_round.pk}/workbook/?department=defence"] == 403
    assert statuses["/audit/events.csv"] == 403


def test_readers_keep_reading_everything(plan, open_round, coordinator, focal_defence, focal_justice, reader):
    seeded = _seed(plan, open_round, coordinator, focal_defence, focal_justice)
    client = logged_in(reader)
    line = client.get(f"/rounds/{open_round.pk}/lines/14.a/").content.decode()
    assert f"{SECRET} narrative." in line and "Not yet approved." not in line
    assert f"{SECRET} review note." in client.get(f"/rounds/{open_round.pk}/lines/6.d/").content.decode()
    evidence = Evidence.objects.get(contribution=seeded["draft"], url="")
    assert client.get(f"/work/evidence/{evidence.pk}/").status_code == 200
    assert client.get(f"/api/v1/contributions/{seeded['shared'].pk}/").json()["review_note"] == f"{SECRET} old note."
    draft = client.get(f"/rounds/{open_round.pk}/report.html?lang=en&draft=1")
    assert draft.status_code == 200 and SECRET in draft.content.decode()
    assert "draft=1" in client.get(f"/rounds/{open_round.pk}/").content.decode()


@pytest.mark.parametrize(
    ("url", "queries"),
    # The line and the round's pages each ask whether the plan has targets (reporting/targets_shown.py);
    # the history's and the draft report's permissions, asked of the round, cost no model-permission reads.
    [("/rounds/{pk}/lines/14.a/", 17), ("/rounds/{pk}/contributions/", 9), ("/rounds/{pk}/", 13)],
)
def test_a_focal_points_view_of_the_round_makes_a_fixed_number_of_queries(
    plan, open_round, coordinator, focal_defence, focal_justice, django_assert_num_queries, url, queries
):
    justice = logged_in(focal_justice)
    url = url.format(pk=open_round.pk)
    baseline = new_round(plan, coordinator, "baseline", 2012)  # an earlier round, empty yet
    with django_assert_num_queries(queries):
        assert justice.get(url).status_code == 200
    # Withheld, shared without evidence, its own: the same queries.
    _seed(plan, open_round, coordinator, focal_defence, focal_justice, baseline)
    with django_assert_num_queries(queries):
        assert justice.get(url).status_code == 200
