"""Lines followed from the Belgian plan 2013-2016 to its successor: the draft edited by loading a
changed file (a line split in two, two merged into one, one reworded, one dropped, one added), the
links set to match, the comparison of the pair (service, command line in text and CSV), links
proposed by text similarity for a next plan imported from a reworded document, and who may
change links."""

from __future__ import annotations

import copy
import csv
import io
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from naptrack.audit.models import AuditEvent
from naptrack.cli.main import main as cli_main
from naptrack.plans.lineage import (
    compare,
    line_link_remove,
    line_link_set,
    lineage_confirm,
    lineage_of,
    lineage_propose,
)
from naptrack.plans.models import Action, LineLink, Plan
from naptrack.plans.services import plan_load
from naptrack.plans.successors import plan_successor
from tests.conftest import BE

pytestmark = pytest.mark.django_db

NEXT = "be-nap-2017-2021"
SPLIT_FIRST = "Include respect for health and sexual and reproductive rights in humanitarian aid programmes."
SPLIT_SECOND = "Include respect for sexual and reproductive rights in reconstruction programmes."
MERGED = (
    "Financially support the International Criminal Court trust fund for victims and initiatives which "
    "facilitate access to justice of women and girls."
)
REWORDED = "Apply in Belgium the international conventions that protect the rights of women and girls."
ADDED = "Support women human rights defenders in the focus countries."


def _goal(document: dict, number: int) -> dict:
    return next(g for o in document["objectives"] for g in o["goals"] if g["number"] == number)


def _line(goal: dict, code: str) -> dict:
    return next(a for a in goal["actions"] if a["code"] == code)


def edited(be_document: dict) -> dict:
    """The draft's file as the coordinator changed it: 2.a split into 2.a and 2.d, 3.a and 3.b
    merged into 3.a, 1.a reworded, 1.d added, 4.f dropped."""
    doc = copy.deepcopy(be_document)
    doc.update(slug=NEXT, title="Third NAP", period={"start": 2017, "end": 2021})
    one, two, three, four = (_goal(doc, n) for n in (1, 2, 3, 4))
    _line(one, "1.a")["text"] = REWORDED
    one["actions"].append({**copy.deepcopy(_line(one, "1.c")), "code": "1.d", "text": ADDED})
    split = _line(two, "2.a")
    split["text"] = SPLIT_FIRST
    two["actions"].append({**copy.deepcopy(split), "code": "2.d", "text": SPLIT_SECOND})
    _line(three, "3.a")["text"] = MERGED
    three["actions"].remove(_line(three, "3.b"))
    four["actions"].remove(_line(four, "4.f"))
    return doc


@pytest.fixture
def pair(plan, coordinator, be_document):
    return successor_pair(plan, coordinator, be_document)


def successor_pair(plan, coordinator, be_document) -> tuple[Plan, Plan]:
    """The Belgian plan and its successor, edited, its links set to match."""
    draft = plan_successor(
        actor=coordinator, plan=plan, slug=NEXT, title="Third NAP", period_start=2017, period_end=2021
    )
    plan_load(actor=coordinator, document=edited(be_document))
    draft.refresh_from_db()
    assert draft.state == Plan.State.DRAFT, "loading a file edits the draft in place"
    old = {a.code: a for a in Action.objects.filter(plan=plan).select_related("plan")}
    new = {a.code: a for a in Action.objects.filter(plan=draft).select_related("plan")}
    line_link_set(actor=coordinator, line=new["2.d"], continues=[old["2.a"]])
    line_link_set(actor=coordinator, line=new["3.a"], continues=[old["3.a"], old["3.b"]])
    return plan, draft


def test_a_split_and_a_merge_are_links(pair):
    plan, draft = pair
    links = set(LineLink.objects.filter(line__plan=draft).values_list("line__code", "continues__code"))
    assert {("2.a", "2.a"), ("2.d", "2.a")} <= links, "2.a split into two"
    assert {("3.a", "3.a"), ("3.a", "3.b")} <= links, "3.a and 3.b merged"
    assert not any(new == "1.d" for new, _old in links), "a new line continues nothing"
    assert not any(old == "4.f" for _new, old in links), "a dropped line goes on in none"
    assert len(links) == plan.actions.count() - 1 + 1 + 1 - 1  # all but 4.f, plus the split and the merge
    assert AuditEvent.objects.filter(action="plans.linelink.edited").count() == 2


def test_the_comparison_classifies_every_line(pair, django_assert_num_queries):
    plan, draft = pair
    with django_assert_num_queries(4):
        comparison = compare(plan, draft)
    lines = plan.actions.count()
    assert comparison.counts == {
        "kept": lines - 5,  # 1.a, 2.a, 3.a, 3.b and 4.f are not kept as they were
        "changed": 4,  # 1.a reworded, 2.a and 2.d split, 3.a merged
        "new": 1,
        "dropped": 1,
        "merges": 1,
        "splits": 1,
    }
    rows = {r.line.code: r for s in comparison.sections for r in s.rows}
    assert rows["1.a"].status == "changed" and [o.code for o in rows["1.a"].continues] == ["1.a"]
    assert rows["1.d"].status == "new" and rows["1.d"].continues == []
    assert rows["2.d"].split and [a.code for a in rows["2.d"].split_into] == ["2.a", "2.d"]
    assert rows["3.a"].merge and [o.code for o in rows["3.a"].continues] == ["3.a", "3.b"]
    assert rows["33"].status == "kept"
    assert [r.continues[0].code for r in comparison.dropped] == ["4.f"]
    assert [s.objective.number for s in comparison.sections] == [1, 2, 3, 4, 5, 6]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli_main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_plan_compare_in_text_and_csv(pair, capsys):
    plan, _draft = pair
    kept = plan.actions.count() - 5
    code, out, err = run(capsys, "plan", "compare", BE, NEXT)
    assert (code, err) == (0, "")
    assert f"{kept} kept, 4 changed, 1 new, 1 dropped; 1 split(s), 1 merge(s)" in out
    assert re.search(r"^3\.a +changed +<- 3\.a, 3\.b +merge$", out, re.M)
    assert re.search(r"^2\.d +changed +<- 2\.a +split$", out, re.M)
    assert re.search(r"^1\.d +new +<- -$", out, re.M)
    assert re.search(r"^Dropped:\n4\.f ", out, re.M)

    code, out, err = run(capsys, "plan", "compare", BE, NEXT, "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert sum(r["status"] == "kept" for r in rows) == kept
    assert [(r["new_line"], r["old_line"], r["merge"]) for r in rows if r["new_line"] == "3.a"] == [
        ("3.a", "3.a", "yes"),
        ("3.a", "3.b", "yes"),
    ]
    assert [r["old_line"] for r in rows if r["status"] == "dropped"] == ["4.f"]
    assert next(r for r in rows if r["new_line"] == "1.d")["new_text"] == ADDED

    code, out, err = run(capsys, "plan", "compare", BE, "nope")
    assert code == 1 and "no plan 'nope'" in err


def test_links_go_only_to_earlier_plans(pair, coordinator):
    plan, draft = pair
    old_line = Action.objects.select_related("plan").get(plan=plan, code="5.a")
    new_line = Action.objects.select_related("plan").get(plan=draft, code="5.a")
    with pytest.raises(ValidationError, match="earlier plan"):
        line_link_set(actor=coordinator, line=old_line, continues=[new_line])
    with pytest.raises(ValidationError, match="earlier plan"):
        line_link_set(actor=coordinator, line=new_line, continues=[Action.objects.get(plan=draft, code="5.b")])
    assert list(LineLink.objects.filter(line=old_line)) == []


def test_links_are_set_and_removed_with_their_history(pair, coordinator):
    plan, draft = pair
    new_line = Action.objects.select_related("plan").get(plan=draft, code="1.d")
    old = Action.objects.select_related("plan").get(plan=plan, code="1.c")
    line_link_set(actor=coordinator, line=new_line, continues=[old])
    link = LineLink.objects.get(line=new_line)
    assert link.source == "manual"
    line_link_remove(actor=coordinator, line=new_line, continues=old)
    assert not LineLink.objects.filter(line=new_line).exists()
    assert [h.history_type for h in LineLink.history.filter(id=link.pk).order_by("history_date")] == ["+", "-"]
    assert AuditEvent.objects.filter(action="plans.linelink.deleted").get().actor == coordinator
    with pytest.raises(ValidationError, match="does not continue"):
        line_link_remove(actor=coordinator, line=new_line, continues=old)
    # An empty list makes the line new.
    line_link_set(actor=coordinator, line=Action.objects.get(plan=draft, code="3.a"), continues=[])
    assert not LineLink.objects.filter(line__plan=draft, line__code="3.a").exists()


def test_only_a_coordinator_changes_links(pair, focal_defence, reader):
    plan, draft = pair
    new_line = Action.objects.select_related("plan").get(plan=draft, code="1.d")
    old = Action.objects.select_related("plan").get(plan=plan, code="1.c")
    for person in (focal_defence, reader):
        with pytest.raises(PermissionDenied):
            line_link_set(actor=person, line=new_line, continues=[old])
        with pytest.raises(PermissionDenied):
            line_link_remove(actor=person, line=Action.objects.get(plan=draft, code="5.a"), continues=old)
        with pytest.raises(PermissionDenied):
            lineage_confirm(actor=person, new_plan=draft, pairs=[(new_line.pk, old.pk)])
    assert not LineLink.objects.filter(line=new_line).exists()


def test_a_line_knows_its_lineage_and_drafts_stay_hidden(pair):
    plan, draft = pair
    old = Action.objects.get(plan=plan, code="2.a")
    assert lineage_of(old).following == [], "the successor is a draft"
    assert [a.code for a in lineage_of(old, drafts=True).following] == ["2.a", "2.d"]
    merged = Action.objects.get(plan=draft, code="3.a")
    assert [a.code for a in lineage_of(merged).previous] == ["3.a", "3.b"]


# --- proposals --------------------------------------------------------------------------------

SYNONYMS = {
    "Support": "Back",
    "support": "back",
    "Encourage": "Promote",
    "Integrate": "Include",
    "personnel": "staff",
    "training": "courses",
    "Continue": "Keep",
    "Develop": "Draw up",
    "women": "women and girls",
    "countries": "states",
    "Ensure": "Make sure",
}


def reworded(text: str, n: int) -> str:
    """A line as the next plan's own document words it: synonyms, a word dropped, and now and
    then the sentence's halves swapped or a clause added."""
    for word, other in SYNONYMS.items():
        text = re.sub(rf"\b{word}\b", other, text)
    words = text.rstrip(".").split()
    if len(words) > 6:
        del words[len(words) // 2]
    if n % 3 == 0 and len(words) > 4:
        half = len(words) // 2
        words = words[half:] + words[:half]
    if n % 4 == 0:
        words += ["in", "cooperation", "with", "civil", "society"]
    return " ".join(words) + "."


NEW_LINE = "Publish a yearly cyber-security audit of the ministries' e-mail servers."


def test_proposals_recover_the_links_of_a_next_plan_imported_from_its_own_document(
    plan, coordinator, be_document, django_assert_num_queries
):
    doc = copy.deepcopy(be_document)
    doc.update(slug="be-nap-2017-2021-document", title="Third NAP", period={"start": 2017, "end": 2021})
    n = 0
    for objective in doc["objectives"]:
        for goal in objective["goals"]:
            for line in goal["actions"]:
                line["text"] = reworded(line["text"], n)
                n += 1
    # Two lines the old plan had nothing like.
    goal = _goal(doc, 37)
    for code, text in (("37.x", "Fund shelters for survivors of trafficking at the borders."), ("37.y", NEW_LINE)):
        goal["actions"].append({**copy.deepcopy(goal["actions"][0]), "code": code, "text": text})
    new = plan_load(actor=coordinator, document=doc).plan
    with django_assert_num_queries(2):
        proposals = lineage_propose(plan, new)
    truth = {(a.pk, b.pk) for a, b in _same_code(plan, new)}
    assert not [p for p in proposals if p.line.code in ("37.x", "37.y")], "a new line is proposed nothing"
    proposed = {(p.line.pk, p.continues.pk) for p in proposals}
    best = {}
    for p in proposals:
        best.setdefault(p.line.pk, p.continues.pk)
    right = sum((line, old) in truth for line, old in best.items())
    share_right = right / len(truth)
    precision = len(proposed & truth) / len(proposed)
    print(f"proposals: {right}/{len(truth)} lines' best proposal right ({share_right:.1%}), precision {precision:.1%}")
    assert share_right >= 0.98
    assert precision >= 0.95

    made = lineage_confirm(actor=coordinator, new_plan=new, pairs=sorted(proposed))
    assert made == len(proposed) == LineLink.objects.filter(line__plan=new, source="confirmed").count()
    assert lineage_confirm(actor=coordinator, new_plan=new, pairs=sorted(proposed)) == 0, "confirming twice adds none"


def test_confirming_is_all_or_nothing(plan, coordinator, be_document):
    draft = plan_successor(
        actor=coordinator, plan=plan, slug=NEXT, title="Third NAP", period_start=2017, period_end=2021
    )
    LineLink.objects.filter(line__plan=draft).delete()
    good = [(a.pk, b.pk) for a, b in _same_code(plan, draft)][:3]
    backwards = (Action.objects.get(plan=plan, code="1.a").pk, Action.objects.get(plan=draft, code="1.a").pk)
    with pytest.raises(ValidationError):
        lineage_confirm(actor=coordinator, new_plan=draft, pairs=[*good, backwards])
    assert not LineLink.objects.filter(line__plan=draft).exists()


def _same_code(old: Plan, new: Plan) -> list[tuple[Action, Action]]:
    olds = {a.code: a for a in Action.objects.filter(plan=old)}
    return [(a, olds[a.code]) for a in Action.objects.filter(plan=new).order_by("pk") if a.code in olds]


def test_plan_link_proposes_then_confirms_from_the_command_line(plan, coordinator, capsys):
    draft = plan_successor(
        actor=coordinator, plan=plan, slug=NEXT, title="Third NAP", period_start=2017, period_end=2021
    )
    LineLink.objects.filter(line__plan=draft).delete()
    code, out, err = run(capsys, "plan", "link", NEXT, "--propose", BE)
    assert code == 0
    assert re.search(r"^21 <- 21 1\.00$", out, re.M), "a line copied word for word is its own best match"
    assert "link(s) proposed" in err and not LineLink.objects.filter(line__plan=draft).exists()

    code, out, err = run(capsys, "plan", "link", NEXT, "--propose", BE, "--confirm")
    assert code == 0 and "link(s) saved" in err
    links = LineLink.objects.filter(line__plan=draft)
    assert links.filter(source="confirmed", line__code="21", continues__code="21").exists()
    assert links.count() == len(out.splitlines())

    code, out, err = run(capsys, "plan", "link", BE, "--propose", NEXT)
    assert code == 1 and "is not earlier than" in err


def test_a_drafts_consultation_stays_internal_until_the_plan_is_adopted(plan, coordinator, anonymous):
    import datetime as dt

    from naptrack.civilsociety import services as civil
    from naptrack.plans.models import Department
    from naptrack.plans.successors import plan_adopt

    draft = plan_successor(
        actor=coordinator, plan=plan, slug=NEXT, title="SECRET DRAFT TITLE", period_start=2017, period_end=2021
    )
    event = civil.event_create(
        actor=coordinator,
        plan=draft,
        kind="other",
        title="Drafting consultation",
        date=dt.date(2016, 11, 20),
        organiser=Department.objects.get(code="foreign-affairs"),
        public=True,
    )
    civil.recommendation_add(
        actor=coordinator,
        event=event,
        text="SECRET RECOMMENDATION",
        actions=[Action.objects.get(plan=draft, code="1.a")],
    )
    for url in (
        f"/consultations/{event.pk}/",
        "/recommendations/",
        "/api/v1/public/events/",
        "/open-data/recommendations.csv",
    ):
        response = anonymous.get(url)
        assert b"SECRET" not in response.content and NEXT.encode() not in response.content, url
    plan_adopt(actor=coordinator, plan=draft)
    assert b"SECRET RECOMMENDATION" in anonymous.get("/recommendations/").content


def test_an_old_line_split_and_merged_counts_as_one_split(plan, coordinator):
    draft = plan_successor(actor=coordinator, plan=plan, slug=NEXT, title="Third", period_start=2017, period_end=2021)
    old = {a.code: a for a in Action.objects.filter(plan=plan)}
    new = {a.code: a for a in Action.objects.filter(plan=draft)}
    line_link_set(actor=coordinator, line=new["1.a"], continues=[old["1.a"], old["1.b"]])
    line_link_set(actor=coordinator, line=new["1.b"], continues=[old["1.a"]])
    counts = compare(plan, draft).counts
    assert (counts["splits"], counts["merges"]) == (1, 1)


def test_a_slug_with_a_trailing_newline_is_refused(plan, coordinator):
    with pytest.raises(ValidationError):
        plan_successor(actor=coordinator, plan=plan, slug=NEXT + "\n", title="T", period_start=2017, period_end=2021)
    assert not Plan.objects.filter(slug__startswith=NEXT).exists()
