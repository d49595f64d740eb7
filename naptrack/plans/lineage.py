"""The lineage of lines from one plan to the next: links set by the coordinator, links proposed
by text similarity, and the comparison of two plans that the command line, the portal and the API
all show.

A line of a later plan continues one line of an earlier plan, or several (merged), and several
lines may continue one (split); a line without a link is new, an old line that no line of the
next plan continues is dropped. Links go only from a line to a line of an earlier, different plan.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from naptrack.audit.services import audit_record
from naptrack.core.services import author, require
from naptrack.core.similarity import LANGUAGES, Weights, words
from naptrack.plans.models import Action, LineLink, Objective, Plan

# A proposal below this score is not worth a person's look; measured on the Belgian plan against
# a reworded next plan (tests/test_plan_lineage.py). Scores are relative to the line's own text:
# 1 for the same words.
THRESHOLD = 0.6
# Other old lines as close as the best (within this margin) are proposed too: a merge.
MARGIN = 0.12
MOST = 3

KEPT, CHANGED, NEW, DROPPED = "kept", "changed", "new", "dropped"
STATUS_LABELS = {
    KEPT: gettext_lazy("kept"),
    CHANGED: gettext_lazy("changed"),
    NEW: gettext_lazy("new"),
    DROPPED: gettext_lazy("dropped"),
}


def _earlier(old: Plan, new: Plan) -> bool:
    return old.pk != new.pk and (old.period_start, old.period_end) < (new.period_start, new.period_end)


def _check_links(line: Action, continues: Iterable[Action]) -> None:
    problems = []
    for old in continues:
        if not _earlier(old.plan, line.plan):
            problems.append(
                _(
                    "Line %(old)s of %(plan)s is not of an earlier plan than %(new)s: "
                    "a line continues lines of earlier plans only."
                )
                % {"old": old.code, "plan": old.plan.slug, "new": line.plan.slug}
            )
    if problems:
        raise ValidationError({"continues": problems})


def line_link_set(
    *, actor: Any, line: Action, continues: list[Action], source: str = LineLink.Source.MANUAL
) -> list[LineLink]:
    """Say which lines of earlier plans `line` continues, all of them: links not named go, an
    empty list makes the line new."""
    require(actor, "plans.change_lineage", line.plan)
    if source not in LineLink.Source.values:
        raise ValidationError(
            {"source": [_("Choose one of: %(sources)s.") % {"sources": ", ".join(LineLink.Source.values)}]}
        )
    continues = list({a.pk: a for a in continues}.values())
    _check_links(line, continues)
    with transaction.atomic():
        current = {link.continues_id: link for link in LineLink.objects.select_for_update().filter(line=line)}
        before = sorted(current)
        wanted = {a.pk for a in continues}
        for pk, link in current.items():
            if pk not in wanted:
                author(link, actor).delete()
        for old in continues:
            if old.pk not in current:
                author(LineLink(line=line, continues=old, source=source), actor).save()
        audit_record(
            actor=actor,
            action="plans.linelink.edited",
            target=line,
            data={
                "plan": line.plan.slug,
                "line": line.code,
                "before": before,
                "after": sorted(wanted),
                "source": source,
            },
        )
    return list(LineLink.objects.filter(line=line).select_related("continues__plan"))


@transaction.atomic
def line_link_remove(*, actor: Any, line: Action, continues: Action) -> None:
    """`line` no longer continues `continues`."""
    require(actor, "plans.change_lineage", line.plan)
    link = LineLink.objects.select_for_update().filter(line=line, continues=continues).first()
    if link is None:
        raise ValidationError(
            {
                "continues": [
                    _("Line %(new)s does not continue line %(old)s.") % {"new": line.code, "old": continues.code}
                ]
            }
        )
    author(link, actor).delete()
    audit_record(
        actor=actor,
        action="plans.linelink.deleted",
        target=line,
        data={
            "plan": line.plan.slug,
            "line": line.code,
            "continues": continues.pk,
            "continues_plan": continues.plan.slug,
        },
    )


# --- proposals by text similarity -----------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    line: Action
    continues: Action
    score: float


def _texts(line: Action) -> list[list[str]]:
    texts = [words(t) for lang in LANGUAGES if (t := getattr(line, f"text_{lang}", None))]
    return texts or [words(line.text)]


def lineage_propose(old_plan: Plan, new_plan: Plan, *, threshold: float = THRESHOLD) -> list[Proposal]:
    """For each line of `new_plan`, the line(s) of `old_plan` it most likely continues, by the
    similarity of their texts in every language they share: the best above the threshold, and
    the others as close as it (a merge). Two queries."""
    old_lines = list(
        Action.objects.filter(plan=old_plan, retired_in__isnull=True).select_related("plan").in_plan_order()
    )
    new_lines = list(Action.objects.filter(plan=new_plan).select_related("plan").in_plan_order())
    old_texts = [_texts(a) for a in old_lines]
    weights = Weights(old_texts)
    proposals = []
    for line in new_lines:
        scored = []
        for query in _texts(line):
            # What the line's own words would score: the similarity says how near the old line
            # comes to that, so that the same text scores 1 however long or common its words.
            itself = weights.score(query, [query]) or 1.0
            for old, texts in zip(old_lines, old_texts, strict=True):
                scored.append((min(weights.score(query, texts) / itself, 1.0), old))
        best: dict[int, tuple[float, Action]] = {}
        for score, old in scored:
            if score > best.get(old.pk, (0.0, old))[0]:
                best[old.pk] = (score, old)
        ranked = sorted(best.values(), key=lambda s: (-s[0], s[1].pk))
        if not ranked or ranked[0][0] < threshold:
            continue
        top = ranked[0][0]
        for score, old in ranked[:MOST]:
            if score >= threshold and score >= top - MARGIN:
                proposals.append(Proposal(line, old, round(score, 3)))
    return proposals


def lineage_confirm(*, actor: Any, new_plan: Plan, pairs: list[tuple[int, int]]) -> int:
    """Confirm proposed links, (new line id, old line id) each: all or none. Returns the number
    of links made (a link that exists already is left as it is)."""
    require(actor, "plans.change_lineage", new_plan)
    line_ids = {a for a, _b in pairs}
    old_ids = {b for _a, b in pairs}
    lines = {a.pk: a for a in Action.objects.filter(pk__in=line_ids, plan=new_plan).select_related("plan")}
    olds = {a.pk: a for a in Action.objects.filter(pk__in=old_ids).select_related("plan")}
    problems = []
    for a, b in pairs:
        if a not in lines or b not in olds:
            problems.append(_("A proposal names a line that is not there any more: propose again."))
        elif not _earlier(olds[b].plan, new_plan):
            problems.append(_("Line %(old)s is not of an earlier plan.") % {"old": olds[b].code})
    if problems:
        raise ValidationError({"links": sorted(set(problems))})
    with transaction.atomic():
        existing = set(LineLink.objects.filter(line__plan=new_plan).values_list("line_id", "continues_id"))
        made = 0
        for a, b in dict.fromkeys(pairs):
            if (a, b) not in existing:
                author(LineLink(line=lines[a], continues=olds[b], source=LineLink.Source.CONFIRMED), actor).save()
                made += 1
        audit_record(
            actor=actor,
            action="plans.linelink.created",
            target=new_plan,
            data={"plan": new_plan.slug, "confirmed": made, "pairs": [list(p) for p in pairs]},
        )
    return made


# --- comparison -----------------------------------------------------------------------------------


def _same(a: str, b: str) -> bool:
    return re.sub(r"\s+", " ", a or "").strip() == re.sub(r"\s+", " ", b or "").strip()


@dataclass
class Row:
    """A line of the new plan, or a dropped line of the old one, and how it relates."""

    status: str
    line: Action | None  # of the new plan; None when dropped
    continues: list[Action] = field(default_factory=list)  # of the old plan (the dropped line itself)
    merge: bool = False  # continues several old lines
    split: bool = False  # an old line it continues goes on in several new lines
    split_into: list[Action] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


@dataclass
class Section:
    objective: Objective
    rows: list[Row]


@dataclass
class Comparison:
    old: Plan
    new: Plan
    sections: list[Section]
    dropped: list[Row]
    split: set[int] = field(default_factory=set)  # the old lines several new lines continue

    @property
    def counts(self) -> dict[str, int]:
        rows = [r for s in self.sections for r in s.rows]
        counted = {status: sum(r.status == status for r in rows) for status in (KEPT, CHANGED, NEW)}
        counted[DROPPED] = len(self.dropped)
        counted["merges"] = sum(r.merge for r in rows)
        counted["splits"] = len(self.split)
        return counted


def compare(old: Plan, new: Plan) -> Comparison:
    """The lines of `new` by objective, each kept (linked, same text), changed (linked, text
    differs) or new (no link to `old`), and the lines of `old` that no line of `new` continues
    (dropped), with splits and merges marked. Four queries."""
    new_lines = list(Action.objects.filter(plan=new).select_related("goal").in_plan_order())
    old_lines = list(Action.objects.filter(plan=old).select_related("goal__objective").in_plan_order())
    objectives = list(Objective.objects.filter(plan=new).order_by("number"))
    links = list(LineLink.objects.filter(line__plan=new, continues__plan=old).values_list("line_id", "continues_id"))
    olds = {a.pk: a for a in old_lines}
    news = {a.pk: a for a in new_lines}
    continues: dict[int, list[Action]] = defaultdict(list)
    continued_by: dict[int, list[Action]] = defaultdict(list)
    for line_id, old_id in links:
        continues[line_id].append(olds[old_id])
        continued_by[old_id].append(news[line_id])
    by_objective: dict[int, list[Row]] = defaultdict(list)
    for line in new_lines:
        before = sorted(continues.get(line.pk, []), key=lambda a: (a.goal.number, a.position))
        if not before:
            status = NEW
        elif all(_same(line.text_en or line.text, o.text_en or o.text) for o in before):
            status = KEPT
        else:
            status = CHANGED
        split_into = next((continued_by[o.pk] for o in before if len(continued_by[o.pk]) > 1), [])
        by_objective[line.goal.objective_id].append(
            Row(status, line, before, merge=len(before) > 1, split=bool(split_into), split_into=split_into)
        )
    dropped = [Row(DROPPED, None, [o]) for o in old_lines if o.pk not in continued_by]
    sections = [Section(o, by_objective.get(o.pk, [])) for o in objectives]
    split = {pk for pk, lines in continued_by.items() if len(lines) > 1}
    return Comparison(old, new, sections, dropped, split)


def comparison_rows(comparison: Comparison) -> list[list[str]]:
    """The comparison as a table: one row per line (and per old line a line continues)."""
    rows = [["objective", "status", "new_line", "new_text", "old_line", "old_text", "merge", "split"]]
    for section in comparison.sections:
        for row in section.rows:
            line = row.line
            assert line is not None
            for old in row.continues or [None]:
                rows.append(
                    [
                        str(section.objective.number),
                        row.status,
                        line.code,
                        line.text,
                        old.code if old else "",
                        old.text if old else "",
                        "yes" if row.merge else "",
                        "yes" if row.split else "",
                    ]
                )
    for row in comparison.dropped:
        old = row.continues[0]
        rows.append(["", DROPPED, "", "", old.code, old.text, "", ""])
    return rows


# --- a line's lineage -----------------------------------------------------------------------------


@dataclass
class Lineage:
    previous: list[Action]
    following: list[Action]


def lineage_of(line: Action, *, drafts: bool = False) -> Lineage:
    """The lines `line` continues and those continuing it, of plans the reader may see (adopted
    ones, and drafts when `drafts`). One query."""
    previous, following = [], []
    links = LineLink.objects.filter(models.Q(line=line) | models.Q(continues=line))
    for link in links.select_related("line__plan", "continues__plan"):
        other = link.continues if link.line_id == line.pk else link.line
        if drafts or other.plan.is_adopted:
            (previous if link.line_id == line.pk else following).append(other)
    order = lambda a: (a.plan.period_start, a.plan.slug, a.code)  # noqa: E731
    return Lineage(sorted(previous, key=order), sorted(following, key=order))
