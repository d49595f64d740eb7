"""Search across a plan and its published contributions.

The index is a table of documents (SearchDocument), one per objective, goal, line of action and
published contribution in each interface language, rebuilt by `search_reindex(plan)` when a plan
is loaded or a round published. Only what Contribution.objects.public() returns is indexed, and
a search checks it again, so that nothing unpublished can turn up even in a stale index.

On SQLite an FTS5 table mirrors the documents' words, each prefixed with its plan and language so
that a search ranks among its plan's documents alone (migrations 0002 and 0004: triggers keep it
in step; portal.search_engines); on PostgreSQL each document's vector is stored in a generated
column, in the text-search configuration of its language, with a GIN index per language
(migration 0003). Both match every word given, each also as the start of a longer word, and mark
the matches with <mark> in the title and in a snippet of the text.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_countries import countries as all_countries

from naptrack.core.markdown import render
from naptrack.plans.models import Action, Department, Goal, Instrument, Note, Objective, Plan, Responsibility
from naptrack.portal import caching
from naptrack.portal import search_engines as engines
from naptrack.portal.models import SearchDocument
from naptrack.portal.search_engines import START, STOP
from naptrack.reporting.models import Contribution, Measurement, Round

LANGUAGES = tuple(settings.UI_LANGUAGES)
SOURCE = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
PER_PAGE = 20
MAX_TERMS = 10
# --- indexing -------------------------------------------------------------------------------------


def _plain(markdown_text: str) -> str:
    return html.unescape(strip_tags(render(markdown_text))).strip()


def _bar(values) -> str:
    values = [v for v in values if v]
    return f"|{'|'.join(dict.fromkeys(values))}|" if values else ""


def _text(row: dict, name: str, lang: str) -> str:
    """A translated field in `lang`, else in the plan's own language (as the pages show it)."""
    return row.get(f"{name}_{lang}") or row.get(f"{name}_{SOURCE}") or ""


def _fields(name: str) -> list[str]:
    return [f"{name}_{lang}" for lang in dict.fromkeys((SOURCE, *LANGUAGES))]


COLUMNS = (
    "plan_id",
    "lang",
    "kind",
    "position",
    "objective_number",
    "goal_number",
    "action_code",
    "round_id",
    "contribution_id",
    "departments",
    "countries",
    "title",
    "context",
    "body",
    "scoped_title",
    "scoped_body",
)
# What a document's row holds where it says nothing (other columns: NULL).
DEFAULTS = dict.fromkeys(("action_code", "departments", "countries", "context", "scoped_title", "scoped_body"), "")


@dataclass
class _Source:
    """A plan's content and published contributions as plain rows: reindexing reads them once
    for every language, in a few queries and without building model instances."""

    objectives: list[dict]
    goals: dict[int, list[dict]]
    actions: dict[int, list[dict]]
    instruments: dict[int, list[dict]]
    notes: dict[int, list[dict]]
    responsible: dict[int, list[int]]
    departments: dict[int, dict]
    rounds: dict[int, Round]
    contributions: list[dict]
    answers: dict[int, list[str]]
    # A narrative as plain text, rendered once for every language (rendering the Markdown was
    # most of a reindex's time when each language rendered it again).
    narratives: dict[int, str] = field(default_factory=dict)


def _grouped(rows, key: str) -> dict[int, list[dict]]:
    grouped: dict[int, list[dict]] = {}
    for row in rows:
        grouped.setdefault(row[key], []).append(row)
    return grouped


def _source(plan: Plan) -> _Source:
    public = Contribution.objects.public().filter(round__plan=plan)
    answers: dict[int, list[str]] = {}
    for contribution_id, text, note in Measurement.objects.filter(contribution__in=public).values_list(
        "contribution_id", "text", "note"
    ):
        answers.setdefault(contribution_id, []).extend((text, note))
    responsible: dict[int, list[int]] = {}
    for action_id, department_id in (
        Responsibility.objects.filter(action__plan=plan).order_by("position").values_list("action_id", "department_id")
    ):
        responsible.setdefault(action_id, []).append(department_id)
    return _Source(
        objectives=list(
            Objective.objects.filter(plan=plan)
            .order_by("number")
            .values("pk", "number", *_fields("title"), *_fields("intro"))
        ),
        goals=_grouped(
            Goal.objects.filter(plan=plan).order_by("number").values("objective_id", "pk", "number", *_fields("text")),
            "objective_id",
        ),
        actions=_grouped(
            Action.objects.filter(plan=plan).order_by("position").values("goal_id", "pk", "code", *_fields("text")),
            "goal_id",
        ),
        instruments=_grouped(
            Instrument.objects.filter(action__plan=plan).order_by("position").values("action_id", *_fields("text")),
            "action_id",
        ),
        notes=_grouped(
            Note.objects.filter(action__plan=plan).order_by("position").values("action_id", *_fields("text")),
            "action_id",
        ),
        responsible=responsible,
        departments={d["pk"]: d for d in Department.objects.values("pk", "code", "parent_id", *_fields("name"))},
        rounds={r.pk: r for r in Round.objects.filter(plan=plan, state=Round.State.PUBLISHED)},
        contributions=list(
            public.order_by("pk").values(
                "pk", "round_id", "action_id", "department_id", "narrative", "status", "countries", "correction_note"
            )
        ),
        answers=answers,
    )


def _rows(plan: Plan, source: _Source, lang: str):
    """The documents of one language, as rows of COLUMNS."""
    scoped_words = connection.vendor == "sqlite"  # what its FTS5 table ranks (search_engines)

    def family(department_id: int) -> list[str]:
        # A unit's documents are found under its department too, as the department's page lists them.
        department = source.departments[department_id]
        parent = source.departments.get(department["parent_id"])
        return [department["code"], parent["code"] if parent else ""]

    def row(kind: str, position: int, title: str, body: str, **values) -> tuple:
        values = {
            "plan_id": plan.pk,
            "lang": lang,
            "kind": kind,
            "position": position,
            "title": title,
            "body": body,
            **values,
        }
        if scoped_words:
            values["scoped_title"] = engines.scoped(title, plan.pk, lang)
            values["scoped_body"] = engines.scoped(body, plan.pk, lang)
        return tuple(values.get(column, DEFAULTS.get(column)) for column in COLUMNS)

    position = 0
    where: dict[int, tuple[int, int, str, int]] = {}  # action id -> objective, goal, code, position
    for objective in source.objectives:
        number = objective["number"]
        position += 1
        title = _("Objective %(number)s. %(title)s") % {"number": number, "title": _text(objective, "title", lang)}
        yield row("objective", position, title, _text(objective, "intro", lang), objective_number=number)
        for goal in source.goals.get(objective["pk"], []):
            position += 1
            yield row(
                "goal",
                position,
                _("Goal %(number)s") % {"number": goal["number"]},
                _text(goal, "text", lang),
                objective_number=number,
                goal_number=goal["number"],
            )
            for action in source.actions.get(goal["pk"], []):
                position += 1
                where[action["pk"]] = (number, goal["number"], action["code"], position)
                parts = [_text(action, "text", lang)]
                parts += [_text(i, "text", lang) for i in source.instruments.get(action["pk"], [])]
                parts += [_text(n, "text", lang) for n in source.notes.get(action["pk"], [])]
                departments = [code for d in source.responsible.get(action["pk"], []) for code in family(d)]
                yield row(
                    "action",
                    position,
                    _("Line of action %(code)s") % {"code": action["code"]},
                    "\n".join(p for p in parts if p),
                    objective_number=number,
                    goal_number=goal["number"],
                    action_code=action["code"],
                    departments=_bar(departments),
                )
    statuses = {s.value: str(s.label) for s in Contribution.Status}
    labels = {pk: str(r) for pk, r in source.rounds.items()}
    names: dict[str, str] = {}  # country code -> its name in this language

    def name(code: str) -> str:
        if code not in names:
            names[code] = str(all_countries.name(code) or code)
        return names[code]

    for c in source.contributions:
        objective_number, goal_number, code, order = where[c["action_id"]]
        countries = c["countries"] or []
        if c["narrative"] and c["pk"] not in source.narratives:
            source.narratives[c["pk"]] = _plain(c["narrative"])
        parts = [source.narratives[c["pk"]]] if c["narrative"] else []
        parts += source.answers.get(c["pk"], [])
        parts.append(", ".join(name(code) for code in countries))
        parts.append(statuses.get(c["status"], ""))
        parts.append(c["correction_note"])  # a corrected contribution's public note
        department = source.departments[c["department_id"]]
        yield row(
            "contribution",
            1_000_000 + order,
            _("Line of action %(code)s: %(department)s")
            % {"code": code, "department": _text(department, "name", lang)},
            " · ".join(p for p in parts if p),
            objective_number=objective_number,
            goal_number=goal_number,
            action_code=code,
            round_id=c["round_id"],
            contribution_id=c["pk"],
            departments=_bar(family(c["department_id"])),
            countries=_bar(countries),
            context=labels.get(c["round_id"], ""),
        )


def search_reindex(plan: Plan) -> int:
    """Rebuild a plan's search documents: its content in every interface language, and its
    published contributions. Called by the services that change either (plan_load,
    naptrack.portal.publishing), inside their transaction, and by the re-index job. Returns the
    number of documents."""
    table = connection.ops.quote_name(SearchDocument._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in COLUMNS)
    placeholders = ", ".join(["%s"] * len(COLUMNS))
    with transaction.atomic(), connection.cursor() as cursor:
        # The plan's row locked before its content is read: two re-indexes of one plan (a job
        # and a publication) take turns, and the second reads what the first committed. Read
        # before the lock, a re-index could write back a plan without the round just published,
        # or, on PostgreSQL, both could insert their documents.
        Plan.objects.select_for_update().filter(pk=plan.pk).values_list("pk", flat=True).first()
        source = _source(plan)
        rows: list[tuple] = []
        for lang in LANGUAGES:
            with override(lang):
                rows.extend(_rows(plan, source, lang))
        SearchDocument.objects.filter(plan=plan).delete()
        # One statement for all the rows: publishing runs this inside its transaction, which on
        # SQLite holds the write lock for everyone.
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)
    # This process's public pages show the change at once (other processes within seconds).
    caching.forget()
    transaction.on_commit(caching.forget)
    return len(rows)


# --- searching ------------------------------------------------------------------------------------


@dataclass
class Hit:
    kind: str
    title: SafeString
    context: str
    snippet: SafeString
    url: str
    action_code: str = ""


@dataclass
class Results:
    query: str
    hits: list[Hit] = field(default_factory=list)
    count: int = 0
    page: int = 1
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.count / self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def first(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.count else 0

    @property
    def last(self) -> int:
        return min(self.count, self.page * self.per_page)


def terms(query: str) -> list[str]:
    """The words of a query: letters and digits only, so that no query syntax gets through."""
    return [t for t in re.findall(r"\w+", query or "") if t.strip("_")][:MAX_TERMS]


def marked(text: str) -> SafeString:
    """Escape the text, then turn the match markers into <mark> elements."""
    return mark_safe(escape(text or "").replace(START, "<mark>").replace(STOP, "</mark>"))


def _documents_for(
    plan: Plan, lang: str, objective: int | None, department: str, country: str, round_id: int | None
) -> QuerySet[SearchDocument]:
    docs = SearchDocument.objects.filter(plan=plan, lang=lang)
    if objective:
        docs = docs.filter(objective_number=objective)
    if department:
        docs = docs.filter(departments__contains=f"|{department}|")
    if country:
        docs = docs.filter(countries__contains=f"|{country}|")
    if round_id:
        docs = docs.filter(round_id=round_id)
    # Checked again at query time: a contribution document counts only while it is published.
    # Among the plan's contributions only: the whole installation's published ones were a hash
    # of a hundred thousand rows built for every query.
    public = Contribution.objects.public().filter(round__plan=plan).values("pk")
    return docs.filter(Q(contribution__isnull=True) | Q(contribution__in=public))


def search(
    plan: Plan,
    query: str,
    *,
    lang: str,
    objective: int | None = None,
    department: str = "",
    country: str = "",
    round_id: int | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> Results:
    """One page of results, best first: two queries (the count and the page)."""
    results = Results(query=query, page=max(1, page), per_page=per_page)
    words = terms(query)
    if not words:
        return results
    docs = _documents_for(plan, lang, objective, department, country, round_id)
    postgres = connection.vendor == "postgresql"
    rows = (
        engines.postgres_page(docs, words, lang, results)
        if postgres
        else engines.sqlite_page(docs, words, results, plan, lang)
    )
    results.hits = [_hit(plan, row) for row in rows]
    return results


def _hit(plan: Plan, row: dict) -> Hit:
    kind = row["kind"]
    if kind in (SearchDocument.Kind.OBJECTIVE, SearchDocument.Kind.GOAL):
        url = reverse("objective-detail", args=[plan.slug, row["objective_number"]])
        if kind == SearchDocument.Kind.GOAL:
            url += f"#goal-{row['goal_number']}"
    else:
        url = reverse("action-detail", args=[plan.slug, row["action_code"]])
        if kind == SearchDocument.Kind.CONTRIBUTION:
            url += f"#contribution-{row['contribution_id']}"
    snippet = row["snippet"] or ""
    return Hit(
        kind=kind,
        title=marked(row["title"]),
        context=row["context"] or "",
        snippet=marked(snippet),
        url=url,
        action_code=row["action_code"] or "",
    )


def plans_changed(plan_ids: list[int], *, after_commit: bool = False) -> None:
    """Rebuild the index of plans whose content changed (it follows naptrack.plans.changes)."""
    caching.forget()

    def reindex() -> None:
        for plan in Plan.objects.filter(pk__in=plan_ids):
            search_reindex(plan)

    if not plan_ids:
        return
    if after_commit:
        transaction.on_commit(reindex)
    else:
        reindex()
