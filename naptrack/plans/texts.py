"""A plan's translatable texts, each with a stable key, its English source, its translations and
their states; and the share translated per language (the coordinator's coverage screen).

Keys name a text by what the plan calls it, never by database id, so that a file given to
translators stays valid across installations and reloads of the plan:

    plan:title                      department:<code>:name, department:<code>:abbreviation
    objective:<n>:title             objective:<n>:intro
    goal:<n>:text                   action:<code>:text
    note:<code>:<n>:text            instrument:<code>:<n>:text   (n: position within the line)

Reads here make the same number of queries whatever the size of the plan.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _

from naptrack.plans.interchange import DRAFT, OFFICIAL, SOURCE, TARGETS
from naptrack.plans.models import (
    Action,
    Department,
    Goal,
    Instrument,
    Note,
    Objective,
    Plan,
    PlanDepartment,
    TranslationState,
)

MISSING = "missing"
Kind = TranslationState.Kind


@dataclass
class PlanText:
    key: str
    kind: str
    obj: models.Model
    field: str
    source: str
    translations: dict[str, str] = field(default_factory=dict)
    states: dict[str, str] = field(default_factory=dict)

    def translation(self, lang: str) -> str:
        return self.translations.get(lang, "")

    def state(self, lang: str) -> str:
        if not self.translations.get(lang):
            return MISSING
        return self.states.get(lang, DRAFT)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.source)

    @property
    def max_length(self) -> int | None:
        return self.obj._meta.get_field(f"{self.field}_{SOURCE}").max_length


def state_label(state: str) -> str:
    """A state as people read it: official, draft or missing, in their language."""
    if state == MISSING:
        return _("missing")
    return str(TranslationState.State(state).label)


def fingerprint(source: str) -> str:
    """What a translation file keeps of the source it was made from: a changed source is told
    from an unchanged one at import, whatever a translation tool does to the source's text."""
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]


def plan_state_conditions(plan: Plan) -> list[Q]:
    """The translation states of a plan's texts, a condition per kind (subqueries, not id lists:
    each kind's ids read first, then probes of the states' unique index, core/lookups.py)."""
    return [
        Q(kind=Kind.PLAN, object_id=plan.pk),
        Q(
            kind=Kind.DEPARTMENT,
            object_id__among_ids_of=PlanDepartment.objects.filter(plan=plan).values("department_id"),
        ),
        Q(kind=Kind.OBJECTIVE, object_id__among_ids_of=Objective.objects.filter(plan=plan).values("pk")),
        Q(kind=Kind.GOAL, object_id__among_ids_of=Goal.objects.filter(plan=plan).values("pk")),
        Q(kind=Kind.ACTION, object_id__among_ids_of=Action.objects.filter(plan=plan).values("pk")),
        Q(kind=Kind.NOTE, object_id__among_ids_of=Note.objects.filter(action__plan=plan).values("pk")),
        Q(kind=Kind.INSTRUMENT, object_id__among_ids_of=Instrument.objects.filter(action__plan=plan).values("pk")),
    ]


StateMap = dict[tuple[str, int, str], dict[str, str]]


def plan_states(plan: Plan, *, language: str | None = None) -> StateMap:
    """(kind, object id, field) -> {language: state}, in one query."""
    # One branch per kind joined by UNION ALL rather than one OR of them: each branch reads the
    # unique index (kind, object_id, ...), where the OR made PostgreSQL scan the states of every
    # plan of the installation.
    branches = []
    for condition in plan_state_conditions(plan):
        rows = TranslationState.objects.filter(condition)
        if language:
            rows = rows.filter(language=language)
        branches.append(rows.order_by().values_list("kind", "object_id", "field", "language", "state"))
    rows = branches[0].union(*branches[1:], all=True)
    states: StateMap = {}
    for kind, object_id, name, lang, state in rows:
        states.setdefault((kind, object_id, name), {})[lang] = state
    return states


def _text(key: str, kind: str, obj: models.Model, name: str, states: StateMap) -> PlanText:
    translations = {lang: value for lang in TARGETS if (value := getattr(obj, f"{name}_{lang}", None))}
    return PlanText(
        key=key,
        kind=kind,
        obj=obj,
        field=name,
        source=getattr(obj, f"{name}_{SOURCE}") or "",
        translations=translations,
        states=states.get((kind, obj.pk, name), {}),
    )


def plan_texts(plan: Plan, *, language: str | None = None) -> list[PlanText]:
    """Every translatable text of the plan that has a source, in the plan's order."""
    states = plan_states(plan, language=language)
    links = PlanDepartment.objects.filter(plan=plan).select_related("department").order_by("position")
    texts = [_text("plan:title", Kind.PLAN, plan, "title", states)]
    for link in links:
        department: Department = link.department
        for name in ("name", "abbreviation"):
            texts.append(_text(f"department:{department.code}:{name}", Kind.DEPARTMENT, department, name, states))
    for objective in Objective.objects.filter(plan=plan).with_texts():
        for name in ("title", "intro"):
            texts.append(_text(f"objective:{objective.number}:{name}", Kind.OBJECTIVE, objective, name, states))
        for goal in objective.tree_goals:
            texts.append(_text(f"goal:{goal.number}:text", Kind.GOAL, goal, "text", states))
            for action in goal.tree_actions:
                texts.append(_text(f"action:{action.code}:text", Kind.ACTION, action, "text", states))
                for note in action.tree_notes:
                    key = f"note:{action.code}:{note.position}:text"
                    texts.append(_text(key, Kind.NOTE, note, "text", states))
                for instrument in action.tree_instruments:
                    key = f"instrument:{action.code}:{instrument.position}:text"
                    texts.append(_text(key, Kind.INSTRUMENT, instrument, "text", states))
    # An empty introduction or abbreviation is nothing to translate.
    return [text for text in texts if text.source]


@dataclass
class Coverage:
    language: str
    total: int
    official: int
    draft: int
    missing: list[PlanText]

    @property
    def translated(self) -> int:
        return self.official + self.draft

    @property
    def share(self) -> int:
        """Whole per cent translated, rounded down: 100 only when nothing is missing."""
        return self.translated * 100 // self.total if self.total else 100


def coverage(texts: list[PlanText], language: str) -> Coverage:
    states = [text.state(language) for text in texts]
    return Coverage(
        language=language,
        total=len(texts),
        official=states.count(OFFICIAL),
        draft=states.count(DRAFT),
        missing=[text for text, state in zip(texts, states, strict=True) if state == MISSING],
    )
