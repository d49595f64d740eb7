"""Nothing unpublished leaks.

On the real plan, a published round holds public approved contributions beside an internal one,
a submitted one, a returned one and a draft; a second round is closed but not published, its
contributions approved and public. Each of those unpublished contributions carries words and
figures found nowhere else. Then, as an anonymous visitor, every public page reachable from the
home pages in English and French (and Dutch, two links deep) is fetched (links followed, downloads opened: CSV, JSON,
XLSX, the ZIP and what it holds, the published reports in PDF and DOCX, the SVG charts inside the
pages), as are the public API endpoints for every round and the search for every secret word:
none of those words or figures appears anywhere, while the published content does.

Answer packs to international requests too: an internal pack's answers, its reference, the reply
to a targeted question and the person handling it never show, nor does a published pack's
unapproved targeted reply or its handler, while the published pack's answers do.

Civil society too: an organisation's draft, submitted, returned and rejected assessments (and the
moderator's notes on them, and a file of one), a consultation event kept internal with its minutes
and recommendations, a listing of the expertise network without consent and one whose consent was
withdrawn, and a listed person's e-mail address never show, while the accepted assessment and the
public event do. And a civil-society account, crawling everything it can reach from the home
page, its own home and the portal, finds none of those words, nor another organisation's draft,
nor a department's draft or internal contribution.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import re
import zipfile
from collections import deque
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.test import Client

from naptrack.civilsociety import services as civil
from naptrack.civilsociety.models import Assessment, EventFile
from naptrack.international import services as intl
from naptrack.plans.models import Action, Instrument
from naptrack.reporting import services as reporting
from naptrack.reporting.models import Contribution, Round

from .civil_society_data import member, organisations
from .civil_society_public_data import PDF, assess, event, listing, recommend
from .conftest import BE, logged_in
from .portal_data import FA_2014, as_numbers, fill, new_round, publish

pytestmark = pytest.mark.django_db

# Words and figures of what must never be public, each found nowhere else.
INTERNAL = "Zebulonite"  # approved but internal, in the published round
SUBMITTED = "Xanthippeum"  # submitted, never approved
RETURNED = "Vortigernal"  # returned for revision
DRAFT = "Wolframious"  # never submitted
UNPUBLISHED = "Umbrielian"  # approved and public, in a round not published
# Answer packs: what only the coordinator and the departments may read.
PACK_INTERNAL = "Yarrowmoorish"  # the coordinator's answer in an internal pack
PACK_REFERENCE = "Nimbostratix"  # an internal pack's reference
PACK_REPLY = "Kestrelwyndic"  # a department's approved reply, in an internal pack
PACK_UNAPPROVED = "Thistlewhorl"  # a reply submitted, not approved, in a published pack
PACK_HANDLER = "quillfeatherby"  # who handles both packs
PACK_PUBLISHED = "Halcyonberry answer of the published pack."
# Civil society: what only the organisation that wrote it and the coordinator may read.
CS_DRAFT = "Gryphonwald"  # an organisation's draft assessment
CS_SUBMITTED = "Pelicanthus"  # submitted, not yet moderated
CS_RETURNED = "Marzipanic"  # returned for revision
CS_REJECTED = "Obsidianth"  # rejected
CS_NOTE = "Quibblesome"  # the moderator's notes on the returned and rejected ones
CS_FILE = "Cardamomish"  # a file of the submitted assessment
CS_EVENT = "Rhubarbazine"  # a consultation event kept internal, its minutes' title
CS_RECOMMENDATION = "Tamarindole"  # that event's recommendations, response and follow-up
CS_UNCONSENTED = "Umberwick"  # a listing of the network without consent
CS_WITHDRAWN = "Vellichorian"  # a listing whose consent was withdrawn
CS_EMAIL = "wyvernmail"  # a listed person's e-mail address (wyvernmail@example.org)
CS_PUBLISHED = "Amaranthine assessment by the NGO, accepted for publication."
CS_PUBLIC_EVENT = "Bellwether mid-term consultation"
SECRET_WORDS = [INTERNAL, SUBMITTED, RETURNED, DRAFT, UNPUBLISHED]
SECRET_WORDS += [PACK_INTERNAL, PACK_REFERENCE, PACK_REPLY, PACK_UNAPPROVED, PACK_HANDLER]
SECRET_WORDS += [CS_DRAFT, CS_SUBMITTED, CS_RETURNED, CS_REJECTED, CS_NOTE, CS_FILE, CS_EVENT, CS_RECOMMENDATION]
SECRET_WORDS += [CS_UNCONSENTED, CS_WITHDRAWN, CS_EMAIL]
# The next plan, a draft: only the coordinator sees it until it is adopted.
DRAFT_PLAN = "Jacarandish"  # its title and one of its lines
DRAFT_SLUG = "be-nap-2017-2021"
SECRET_WORDS += [DRAFT_PLAN, DRAFT_SLUG]
# Evaluations: an unpublished evaluation's every text, and one published then withdrawn.
EVAL_DRAFT = "Quaggamire"  # in the summary, an assessment, a finding, a recommendation, the response
EVAL_WITHDRAWN = "Rhodolithic"
EVAL_PUBLISHED = "Sapphirine survey"  # a published evaluation's finding: it must show
SECRET_WORDS += [EVAL_DRAFT, EVAL_WITHDRAWN]
SECRET_FIGURES = {
    INTERNAL: (7770101, 7770102, 7770103),
    SUBMITTED: (7770201, 7770202, 7770203),
    RETURNED: (7770301, 7770302, 7770303),
    DRAFT: (7770401, 7770402, 7770403),
    UNPUBLISHED: (7770501, 7770502, 7770503),
}
# Tagged only on unpublished contributions: its name must not show either.
SECRET_COUNTRY = ("SO", "Somalia")


def _secret(word: str) -> dict:
    women, men, value = SECRET_FIGURES[word]
    return (
        {
            "status": "completed",
            "narrative": f"{word} narrative: what was done, not for the public.",
            "countries": [SECRET_COUNTRY[0], "AF"],
        },
        {"women": women, "men": men, "text": f"{word} answer", "note": f"{word} note"},
        value,
    )


def _seed_targets(plan, coordinator) -> None:
    """Targets on the instruments the secrets answer (line 21's diplomats by sex, 16.a's number),
    published: the Targets page, its files and the API read the published figures only."""
    from naptrack.plans.models import Target
    from naptrack.portal.targets import plan_targets_publish

    diplomats = Instrument.objects.get(action__plan=plan, action__code="21", position=2)
    Target.objects.create(instrument=diplomats, year=2016, value="0.5")
    ratio = Instrument.objects.get(action__plan=plan, action__code="16.a", position=1)
    Target.objects.create(instrument=ratio, year=2016, value=10, baseline_year=2012, baseline_value=5)
    plan_targets_publish(actor=coordinator, plan=plan)


def _seed_draft_plan(plan, coordinator) -> None:
    """The Belgian plan's successor, drafted (every line linked to the line it continues), a
    secret in its title and in a line it rewords."""
    from naptrack.plans.successors import plan_successor

    draft = plan_successor(
        actor=coordinator, plan=plan, slug=DRAFT_SLUG, title=f"{DRAFT_PLAN} plan", period_start=2017, period_end=2021
    )
    Action.objects.filter(plan=draft, code="21").update(text_en=f"{DRAFT_PLAN} diplomats")


def _draft_plan_urls() -> list[str]:
    """Where the draft would be if it leaked: its pages, files, comparison and API answers."""
    plan = f"/plans/{DRAFT_SLUG}"
    urls = [f"{plan}/", f"{plan}/lines/21/", f"{plan}/objectives/1/", f"{plan}/departments/", f"{plan}/search/"]
    urls += [f"{plan}/compared-with/{BE}/", f"/plans/{DRAFT_SLUG}.json", f"/open-data/{DRAFT_SLUG}.zip"]
    urls += [f"/api/v1/plans/{DRAFT_SLUG}/", f"/api/v1/public/plans/{DRAFT_SLUG}/lineage/"]
    urls += [f"/api/v1/public/plans/{DRAFT_SLUG}/compared-with/{BE}/", f"/api/v1/public/plans/{DRAFT_SLUG}/figures/"]
    return urls


def _seed(plan, coordinator, focal_defence, focal_justice):
    as_numbers(plan, "16.a")
    _seed_targets(plan, coordinator)
    published = new_round(plan, coordinator, "annual", 2014)
    reporting.round_update(actor=coordinator, round=published, intro={"en": "The report on 2014."})
    fill(
        published,
        "21",
        "foreign-affairs",
        coordinator,
        coordinator,
        status="continuous",
        narrative=FA_2014,
        countries=["AF"],
        answers={2: {"women": 30, "men": 40}},
    )
    fill(
        published,
        "1.a",
        "justice",
        focal_justice,
        coordinator,
        status="completed",
        narrative="Justice reported to the CEDAW committee.",
        answers={1: {"text": "Report submitted."}},
    )

    contribution, answer, value = _secret(INTERNAL)
    fill(
        published,
        "21",
        "development",
        coordinator,
        coordinator,
        visibility="internal",
        **contribution,
        answers={2: answer},
    )
    fill(
        published,
        "16.a",
        "defence",
        focal_defence,
        coordinator,
        visibility="internal",
        narrative=f"{INTERNAL} figures.",
        answers={1: {"value": str(value), "unit": "ratio", "note": INTERNAL}},
    )

    contribution, answer, value = _secret(SUBMITTED)
    fill(
        published,
        "21",
        "interior-federal-police",
        coordinator,
        coordinator,
        then="submitted",
        **contribution,
        answers={2: answer},
    )

    contribution, answer, value = _secret(RETURNED)
    returned = fill(
        published, "21", "defence", focal_defence, coordinator, then="submitted", **contribution, answers={2: answer}
    )
    reporting.contribution_return(actor=coordinator, contribution=returned, note="Please add the sources.")

    contribution, answer, value = _secret(DRAFT)
    fill(published, "23.a", "defence", focal_defence, coordinator, then="draft", **contribution, answers={1: answer})
    fill(
        published,
        "13.a",
        "interior-cgrs",
        coordinator,
        coordinator,
        then="draft",
        narrative=f"{DRAFT} asylum figures.",
        answers={1: {"women": value, "men": value + 1}},
    )
    published = publish(published, coordinator)  # with its report to parliament, PDF and DOCX

    hidden = new_round(plan, coordinator, "annual", 2015)
    reporting.round_update(actor=coordinator, round=hidden, intro={"en": f"{UNPUBLISHED} introduction."})
    contribution, answer, value = _secret(UNPUBLISHED)
    fill(hidden, "21", "foreign-affairs", coordinator, coordinator, **contribution, answers={2: answer})
    fill(
        hidden,
        "16.a",
        "defence",
        focal_defence,
        coordinator,
        narrative=f"{UNPUBLISHED} ratio.",
        answers={1: {"value": str(value), "unit": "ratio"}},
    )
    line_21 = Action.objects.get(plan=plan, code="21")
    reporting.synthesis_save(
        actor=coordinator, round=hidden, action=line_21, text=f"{UNPUBLISHED} synthesis.", version=None
    )
    hidden = reporting.round_close(actor=coordinator, round=hidden)
    return published, hidden


def _seed_packs(plan, coordinator, focal_defence):
    """Two answer packs for 2014 from one UN question set linked to line 21's diplomats by sex:
    an internal one, with a reply to a targeted question, and a published one."""
    from naptrack.accounts.services import user_create

    handler = user_create(
        actor="tests", username=PACK_HANDLER, role="coordinator", password="x" * 20, check_password=False
    )
    framework = intl.framework_create(actor=coordinator, body="un", name="WPS questionnaire", version="2015")
    diplomats = intl.question_add(
        actor=coordinator, framework=framework, code="Q1", text="How many women diplomats?", kind="by-sex"
    )
    intl.question_add(actor=coordinator, framework=framework, code="Q2", text="What did the plan fund?")
    line_21 = Action.objects.get(plan=plan, code="21")
    intl.mapping_add(
        actor=coordinator, question=diplomats, instrument=Instrument.objects.get(action=line_21, position=2)
    )
    due = dt.date.today() + dt.timedelta(days=30)

    def pack(reference: str):
        return intl.request_create(
            actor=coordinator, framework=framework, period_start=2014, due_on=due, reference=reference, handler=handler
        )

    def reply(request, text: str, approve: bool) -> None:
        answer = request.answers.get(question__code="Q2")
        targeted = intl.targeted_question_ask(
            actor=coordinator, answer=answer, department=focal_defence.department, due_on=due
        )
        targeted = intl.targeted_question_save(
            actor=focal_defence, targeted=targeted, version=targeted.version, data={"reply": text}
        )
        targeted = intl.targeted_question_submit(actor=focal_defence, targeted=targeted)
        if approve:
            intl.targeted_question_approve(actor=coordinator, targeted=targeted)

    internal = pack(PACK_REFERENCE)
    answer = internal.answers.get(question__code="Q1")
    intl.answer_save(
        actor=coordinator, answer=answer, version=answer.version, data={"text": f"{PACK_INTERNAL} answer."}
    )
    reply(internal, f"{PACK_REPLY} reply.", approve=True)

    published = pack("UN-2015-1")
    answer = published.answers.get(question__code="Q1")
    intl.answer_save(actor=coordinator, answer=answer, version=answer.version, data={"text": PACK_PUBLISHED})
    reply(published, f"{PACK_UNAPPROVED} reply.", approve=False)
    published = intl.request_set_visibility(actor=coordinator, request=published, public=True)
    return internal, published


def _seed_evaluations(plan, coordinator) -> dict:
    """A published evaluation beside an unpublished one and one published then withdrawn, each
    with a summary, an assessment, a finding, a recommendation and the government's response."""
    from naptrack.evaluations import services as evaluations

    out = {}
    for key, word in (("published", EVAL_PUBLISHED), ("draft", EVAL_DRAFT), ("withdrawn", EVAL_WITHDRAWN)):
        evaluation = evaluations.evaluation_create(
            actor=coordinator,
            plan=plan,
            kind="final",
            evaluator_kind="external",
            evaluator_name=f"{word} evaluator",
            summary=f"{word} summary.",
        )
        line_21 = Action.objects.get(plan=plan, code="21")
        evaluations.assessments_set(
            actor=coordinator, evaluation=evaluation, lines={line_21.pk: ("completed", f"{word} assessment")}
        )
        evaluations.finding_add(actor=coordinator, evaluation=evaluation, text=f"{word} finding")
        recommendation = evaluations.recommendation_add(
            actor=coordinator, evaluation=evaluation, text=f"{word} recommendation", actions=[line_21]
        )
        evaluations.response_set(
            actor=coordinator, recommendation=recommendation, response="accepted", text=f"{word} response"
        )
        evaluations.evaluation_response_set(actor=coordinator, evaluation=evaluation, text=f"{word} overall response")
        if key != "draft":
            evaluations.evaluation_publish(actor=coordinator, evaluation=evaluation)
        if key == "withdrawn":
            evaluations.evaluation_withdraw(actor=coordinator, evaluation=evaluation)
        out[key] = evaluation
    return out


def _seed_civil_society(plan, coordinator):
    """In an open round, the NGO's assessments of line 21 in every state (one accepted, the others
    each with a secret word), a public event and an internal one with minutes and recommendations,
    and the network's listings: one consenting (with a secret e-mail address), one never
    consenting, one whose consent was withdrawn. Returns the Kivu member, whose organisation wrote
    none of the secrets, with the objects the tests look for."""
    ngo, kivu = organisations(coordinator)
    ngo_member = member(coordinator, ngo, "writer@vrouwenvoorvrede.example")
    kivu_member = member(coordinator, kivu, "reader@kivu.example")
    round_ = new_round(plan, coordinator, "annual", 2016)

    def secret(word: str, then: str, **kwargs):
        return assess(
            ngo_member,
            round_,
            "21",
            f"{word} assessment, not for the public.",
            then=then,
            coordinator=coordinator,
            countries=[SECRET_COUNTRY[0]],
            **kwargs,
        )

    accepted = assess(ngo_member, round_, "21", CS_PUBLISHED, coordinator=coordinator, evidence={"Public survey": PDF})
    secret(CS_DRAFT, "draft")
    submitted = secret(CS_SUBMITTED, "submitted", evidence={f"{CS_FILE} notes": PDF})
    secret(CS_RETURNED, "returned", note=f"{CS_NOTE}: name the courts.")
    secret(CS_REJECTED, "rejected", note=f"{CS_NOTE}: off topic.")

    public = event(coordinator, plan, CS_PUBLIC_EVENT, attending=[ngo], minutes=PDF)
    recommend(coordinator, public, "Publish the figures of line 21 every year.", ["21"], response="accepted")
    hidden = event(
        coordinator, plan, f"{CS_EVENT} preparatory meeting", public=False, minutes=PDF, summary=f"{CS_EVENT} summary."
    )
    recommend(
        coordinator,
        hidden,
        f"{CS_RECOMMENDATION} recommendation.",
        ["21", "17.a"],
        response="partly",
        reason=f"{CS_RECOMMENDATION} reason.",
        follow_up=f"{CS_RECOMMENDATION} follow-up.",
    )

    listing(coordinator, "Consenting Expert", email=f"{CS_EMAIL}@example.org", countries=["CD"])
    listing(coordinator, f"{CS_UNCONSENTED} Expert", email="umber@example.org", consent=False)
    withdrawn = listing(coordinator, f"{CS_WITHDRAWN} Expert", countries=["CD"])
    civil.expert_consent_withdraw(actor=coordinator, expert=withdrawn)
    return {
        "kivu_member": kivu_member,
        "accepted": accepted,
        "submitted": submitted,
        "public_event": public,
        "hidden_event": hidden,
    }


def _civil_society_extra(seeded: dict) -> list[str]:
    """What no public page links to: the internal event, its files and API entry, the files and
    API entries of every assessment, the directory searched for every secret listing."""
    hidden = seeded["hidden_event"]
    extra = [f"/consultations/{hidden.pk}/", f"/api/v1/public/events/{hidden.pk}/"]
    extra += [f"/consultations/files/{f.pk}/" for f in EventFile.objects.filter(event=hidden)]
    for a in Assessment.objects.all():
        extra.append(f"/api/v1/public/assessments/{a.pk}/")
        extra += [f"/assessments/evidence/{e.pk}/" for e in a.evidence.all()]
    extra += ["/api/v1/public/assessments/?page_size=200", "/api/v1/public/events/?page_size=200"]
    extra += [f"/network/?q={word}" for word in (CS_UNCONSENTED, CS_WITHDRAWN, CS_EMAIL)]
    extra += [f"/recommendations/?line={code}" for code in ("21", "17.a")]
    extra += [f"/open-data/{name}.{fmt}" for name in ("assessments", "recommendations") for fmt in ("csv", "xlsx")]
    return extra


# --- reading what a response holds -------------------------------------------------------------


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def _zip_text(data: bytes) -> str:
    """Every member's text; members that are archives themselves (XLSX, DOCX) opened in turn."""
    parts = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            member = archive.read(name)
            if member[:4] == b"PK\x03\x04":
                parts.append(_zip_text(member))
            elif member[:5] == b"%PDF-":
                parts.append(_pdf_text(member))
            else:
                parts.append(member.decode("utf-8", "replace"))
    return "\n".join(parts)


def _svg_texts(page: str) -> str:
    """The charts' SVG, which pages carry as data: URIs (their marks have ARIA labels with data)."""
    return "\n".join(
        base64.b64decode(data).decode("utf-8", "replace")
        for data in re.findall(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", page)
    )


def text_of(url: str, response) -> str:
    data = b"".join(response.streaming_content) if response.streaming else response.content
    if data[:4] == b"PK\x03\x04":
        return _zip_text(data)
    if data[:5] == b"%PDF-":
        return _pdf_text(data)
    text = data.decode("utf-8", "replace")
    if "html" not in response.get("Content-Type", ""):
        return text
    if "/search/" in url or "/network/" in url:
        # The title, the search form and the links to this page in other languages repeat what
        # was asked (of the search, of the network's directory): only the answer counts.
        text = re.sub(r"<title>.*?</title>", "", text, flags=re.S)
        text = re.sub(r'(value|href)="[^"]*"', "", text)
    return html.unescape(text) + "\n" + _svg_texts(text)


LANGUAGE = re.compile(r"^/(fr|nl|de)/")


def _language(url: str) -> str:
    match = LANGUAGE.match(url)
    return match.group(1) if match else ""


def links(url: str, page: str) -> list[str]:
    """Links to public pages in the page's own language (each language is crawled from its home)."""
    found = []
    for href in re.findall(r'href="([^"]+)"', page):
        target = urldefrag(urljoin(url, html.unescape(href)))[0]
        parts = urlsplit(target)
        if parts.netloc or not parts.path.startswith("/") or parts.path.startswith(("/static/", "/admin/")):
            continue
        if _language(target) != _language(url):
            continue
        # The published reports are the same files whatever the language of the page linking them.
        found.append(LANGUAGE.sub("/", target) if "/reports/" in target else target)
    return found


def crawl(client: Client, starts: list[tuple[str, int]], statuses: dict[str, int]) -> dict[str, str]:
    """Every page reachable from the starts (url, depth) by following links, as text (error pages
    included: they must not leak either)."""
    seen: dict[str, str] = {}
    queue = deque(starts)
    while queue:
        url, depth = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        statuses[url] = response.status_code
        seen[url] = text_of(url, response)
        if response.status_code == 200 and depth and "html" in response.get("Content-Type", ""):
            queue.extend((link, depth - 1) for link in links(url, response.content.decode()) if link not in seen)
    return seen


def leaks(texts: dict[str, str]) -> dict[str, list[str]]:
    tokens = [*SECRET_WORDS, SECRET_COUNTRY[1]]
    for figures in SECRET_FIGURES.values():
        for n in figures:
            tokens += [
                str(n),
                f"{n:,}",
                f"{n:,}".replace(",", " "),
                f"{n:,}".replace(",", "\u202f"),
                f"{n:,}".replace(",", "."),
            ]
    found: dict[str, list[str]] = {}
    for url, text in texts.items():
        hits = [t for t in tokens if t in text]
        if hits:
            found[url] = hits
    return found


# --- the test ----------------------------------------------------------------------------------


def test_nothing_unpublished_appears_in_any_public_page_file_api_answer_or_search_result(
    plan, coordinator, focal_defence, focal_justice, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    published, hidden = _seed(plan, coordinator, focal_defence, focal_justice)
    internal_pack, published_pack = _seed_packs(plan, coordinator, focal_defence)
    seeded = _seed_civil_society(plan, coordinator)
    _seed_draft_plan(plan, coordinator)
    evaluations = _seed_evaluations(plan, coordinator)
    assert PACK_REPLY in internal_pack.answers.get(question__code="Q2").text, "the reply reached the internal pack"
    assert Round.objects.get(pk=published.pk).state == "published"
    states = set(Contribution.objects.filter(round=published).values_list("state", "visibility"))
    assert {("approved", "internal"), ("submitted", "public"), ("returned", "public"), ("draft", "public")} <= states

    anonymous = Client()
    statuses: dict[str, int] = {}
    # Every page and download reachable from the home pages: in English and French throughout, in
    # Dutch two links deep (the same data, other labels).
    texts = crawl(anonymous, [("/", 99), ("/fr/", 99), ("/nl/", 2)], statuses)
    # What no page links to: the comparison of every instrument the secrets answer, the secret
    # country's page, every round in the API and in open data, the search for every secret.
    instruments = Instrument.objects.filter(action__plan=plan, action__code__in=["21", "16.a", "23.a", "13.a"])
    extra = [f"/plans/{BE}/compare/?instrument={pk}" for pk in instruments.values_list("pk", flat=True)]
    extra += [f"/plans/{BE}/countries/{SECRET_COUNTRY[0].lower()}/"]
    for round_ in (published, hidden):
        extra += [
            f"/api/v1/public/rounds/{round_.pk}/",
            f"/api/v1/public/rounds/{round_.pk}/contributions/?page_size=200",
            f"/api/v1/public/rounds/?plan={BE}&year={round_.year}",
            f"/open-data/{BE}/annual-{round_.year}.csv",
            f"/plans/{BE}/search/?q=women&round={round_.pk}",
        ]
    extra.append("/api/v1/public/rounds/?page_size=200")
    # The plan's figures and their totals in the API, every grouping; the figures in open data.
    extra.append(f"/api/v1/public/plans/{BE}/figures/?page_size=200")
    extra += [f"/api/v1/public/plans/{BE}/totals/?by={key}" for key in ("year", "objective", "department")]
    extra += [f"/api/v1/public/plans/{BE}/totals/?by={key}" for key in ("country", "action")]
    extra += [f"/open-data/figures.{fmt}" for fmt in ("csv", "xlsx", "json")]
    # The plan's targets at every round, published or not, in the page, open data and the API.
    for round_ in (published, hidden):
        extra += [f"/plans/{BE}/targets/?round={round_.pk}", f"/api/v1/public/plans/{BE}/targets/?round={round_.pk}"]
    extra += [f"/api/v1/public/plans/{BE}/targets/"] + [f"/open-data/{BE}/targets.{fmt}" for fmt in ("csv", "xlsx")]
    # The internal pack's page and files, in every language; the answers in open data.
    for prefix in ("", "/fr", "/nl"):
        extra.append(f"{prefix}/answers/{internal_pack.pk}/")
        extra += [
            f"{prefix}/answers/{internal_pack.pk}/answers-{lang}.{fmt}"
            for lang in ("en", "fr")
            for fmt in ["docx", "xlsx", "csv"]
        ]
        extra += [f"{prefix}/open-data/answers.{fmt}" for fmt in ("csv", "xlsx", "json")]
    extra += _civil_society_extra(seeded)
    extra += [*_draft_plan_urls(), "/api/v1/plans/", f"/api/v1/public/plans/{BE}/lineage/", f"/search/?q={DRAFT_PLAN}"]
    # The unpublished and the withdrawn evaluations' pages and reports; evaluations in open data and the API.
    for key in ("draft", "withdrawn"):
        base = f"/plans/{BE}/evaluations/{evaluations[key].pk}/"
        extra += [base, f"/fr{base}"] + [
            f"{base}report-{lang}.{fmt}" for lang in ("en", "nl") for fmt in ("html", "pdf", "docx")
        ]
    extra += [f"/open-data/evaluations.{fmt}" for fmt in ("csv", "xlsx", "json")]
    extra += [f"/api/v1/public/plans/{BE}/evaluations/"]
    for word in [*SECRET_WORDS, SECRET_COUNTRY[1], str(SECRET_FIGURES[INTERNAL][0]), "narrative", "answer"]:
        for prefix in ("", "/fr", "/nl"):
            extra.append(f"{prefix}/plans/{BE}/search/?q={word}")
            extra.append(f"{prefix}/plans/{BE}/search/?q={word}&country={SECRET_COUNTRY[0]}")
    texts.update(crawl(anonymous, [(url, 0) for url in extra], statuses))

    assert leaks(texts) == {}
    for url in _draft_plan_urls():
        assert statuses[url] == 404, url

    # The crawl saw the published content, so its silence on the rest means something.
    assert len(texts) > 250
    reports = [url for url in texts if url.startswith("/reports/")]
    assert len(reports) == 6, "the published report in three languages, PDF and DOCX"
    assert all("seventy diplomats" in " ".join(texts[url].split()) for url in reports)
    for url in (
        f"/plans/{BE}/lines/21/",
        f"/open-data/{BE}/annual-2014.csv",
        f"/open-data/{BE}.zip",
        f"/api/v1/public/rounds/{published.pk}/contributions/?page_size=200",
    ):
        assert FA_2014 in texts[url], url
    # The published figures are there (line 21's 30 women, 40 men), the secret ones are not (above).
    assert '"women":30,"men":40' in texts[f"/api/v1/public/plans/{BE}/figures/?page_size=200"]
    assert ",30,40," in texts["/open-data/figures.csv"]
    # The Targets page was reached from the plan's page: line 21's published share of women shows.
    assert "42.9% women" in texts[f"/plans/{BE}/targets/"]
    assert f"/fr/plans/{BE}/targets/" in texts and f"/open-data/{BE}/targets.json" in texts
    for url in (f"/plans/{BE}/targets/?round={hidden.pk}", f"/api/v1/public/plans/{BE}/targets/?round={hidden.pk}"):
        assert statuses[url] == 404, url
    assert "<mark>seventy</mark>" in crawl(anonymous, [(f"/plans/{BE}/search/?q=seventy", 0)], {}).popitem()[1]
    for url in (f"/api/v1/public/rounds/{hidden.pk}/", f"/open-data/{BE}/annual-2015.csv"):
        assert statuses[url] == 404, url
    # The published pack was reached from the navigation, its files too; the internal one is a 404.
    for url in (
        f"/answers/{published_pack.pk}/",
        f"/fr/answers/{published_pack.pk}/",
        f"/answers/{published_pack.pk}/answers-en.docx",
        f"/answers/{published_pack.pk}/answers-nl.xlsx",
        f"/fr/answers/{published_pack.pk}/answers-fr.csv",
        "/open-data/answers.csv",
        "/fr/open-data/answers.xlsx",
    ):
        assert PACK_PUBLISHED in texts[url], url
    assert statuses[f"/answers/{internal_pack.pk}/"] == 404
    assert statuses[f"/answers/{internal_pack.pk}/answers-en.docx"] == 404
    assert statuses[f"/plans/{BE}/countries/so/"] == 404
    # Civil society's published record was reached from the navigation and the line's page, in
    # its files and the API; what is not public is a 404.
    for url in (
        f"/plans/{BE}/lines/21/",
        f"/fr/plans/{BE}/lines/21/",
        "/open-data/assessments.csv",
        "/open-data/assessments.json",
        "/api/v1/public/assessments/?page_size=200",
    ):
        assert CS_PUBLISHED in texts[url], url
    public_event = seeded["public_event"]
    for url in (
        "/consultations/",
        f"/consultations/{public_event.pk}/",
        "/fr/consultations/",
        "/open-data/recommendations.csv",
        "/api/v1/public/events/?page_size=200",
    ):
        assert CS_PUBLIC_EVENT in texts[url], url
    assert "Consenting Expert" in texts["/network/"]
    assert statuses[f"/consultations/{seeded['hidden_event'].pk}/"] == 404
    submitted_file = seeded["submitted"].evidence.get()
    assert statuses[f"/assessments/evidence/{submitted_file.pk}/"] == 404
    accepted_file = seeded["accepted"].evidence.get()
    assert statuses[f"/assessments/evidence/{accepted_file.pk}/"] == 200
    # The published evaluation was reached from the plan's page, its report too; the others are 404s.
    shown = f"/plans/{BE}/evaluations/{evaluations['published'].pk}/"
    for url in (shown, f"/fr{shown}", f"{shown}report-en.html", f"/open-data/{BE}.zip", "/open-data/evaluations.csv"):
        assert EVAL_PUBLISHED in " ".join(texts[url].split()), url
    assert "Sapphirine" in texts[f"{shown}report-fr.pdf"] and "Sapphirine" in texts[f"{shown}report-nl.docx"]
    assert EVAL_PUBLISHED in texts[f"/api/v1/public/plans/{BE}/evaluations/"]
    for key in ("draft", "withdrawn"):
        assert statuses[f"/plans/{BE}/evaluations/{evaluations[key].pk}/"] == 404
        assert statuses[f"/plans/{BE}/evaluations/{evaluations[key].pk}/report-en.pdf"] == 404


def _member_urls(seeded: dict) -> list[str]:
    """The screens of civil society's and the departments' that a member might try by address:
    another organisation's assessments and files, the coordinator's queue, the internal event."""
    from django.urls import NoReverseMatch, reverse

    hidden, submitted = seeded["hidden_event"], seeded["submitted"]
    wanted = [
        ("civilsociety:queue", []),
        ("civilsociety:events", []),
        ("civilsociety:experts", []),
        ("civilsociety:organisations", []),
        ("civilsociety:event", [hidden.pk]),
        ("reporting:round-list", []),
        ("round-import", []),
        ("reporting:my-contributions", []),
        ("audit:event-list", []),
    ]
    wanted += [("civilsociety:assessment", [a.pk]) for a in Assessment.objects.exclude(state="accepted")]
    wanted += [("civilsociety:moderate", [submitted.pk])]
    wanted += [("civilsociety:evidence-download", [e.pk]) for e in submitted.evidence.all()]
    wanted += [("civilsociety:event-file", [f.pk]) for f in EventFile.objects.filter(event=hidden)]
    urls = []
    for name, args in wanted:
        try:
            urls.append(reverse(name, args=args))
        except NoReverseMatch:
            continue  # a screen another part of the issue has not added yet
    return urls


def test_a_civil_society_account_reaches_no_internal_word(
    plan, coordinator, focal_defence, focal_justice, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    _seed(plan, coordinator, focal_defence, focal_justice)
    _seed_packs(plan, coordinator, focal_defence)
    seeded = _seed_civil_society(plan, coordinator)
    kivu = seeded["kivu_member"]
    assert kivu.role == "civil-society" and kivu.membership.organisation.name == "Femmes Solidaires du Kivu"
    client = logged_in(kivu)
    statuses: dict[str, int] = {}
    # Everything reachable from the home page, the member's own home and the portal's civil-society
    # pages, then what no page links to.
    starts = [("/", 99), ("/civil-society/", 99), ("/consultations/", 99), ("/network/", 99)]
    texts = crawl(client, starts, statuses)
    extra = _civil_society_extra(seeded) + _member_urls(seeded)
    extra += [f"/plans/{BE}/search/?q={word}" for word in SECRET_WORDS]
    texts.update(crawl(client, [(url, 0) for url in extra], statuses))
    # Logged in the whole way: no page sent the member back to the login form.
    assert any("Log out (" in text for text in texts.values())

    # The member's own forms offer every country of the world (the countries of a listing, of an
    # assessment): a list of all countries names no content, unlike the search's filter, which
    # offers the countries content is tagged with and stays in.
    every_country = re.compile(r"<select\b(?:(?!</select>).)*?Zimbabwe(?:(?!</select>).)*?</select>", re.S)
    assert leaks({url: every_country.sub("", text) for url, text in texts.items()}) == {}

    assert len(texts) > 150
    assert statuses["/civil-society/"] == 200
    assert CS_PUBLISHED in texts[f"/plans/{BE}/lines/21/"]
    assert FA_2014 in texts[f"/plans/{BE}/lines/21/"]
