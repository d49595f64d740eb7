"""The next plan drafted from the last one, and a draft adopted.

`plan_successor` copies an adopted plan into a new draft plan: its objectives, goals, lines,
instruments, notes, responsible departments and the plan's departments, with every translation
and the state of each translation; lines and instruments the old plan retired stay behind. Targets
are not copied: the new plan sets its own for its own period. Each new line continues the line
it was copied from (a LineLink of source "successor"), so that a commitment can be followed from
one plan to the next; the coordinator then edits the draft freely (plan load of a changed file
edits it in place: a draft has no rounds) and links lines split or merged in the meantime
(plans/lineage.py). A draft is internal: the public sees it once `plan_adopt` adopts it.

Rows are inserted in bulk, one statement per kind of row, in one transaction, with their history.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from naptrack.audit.services import audit_record
from naptrack.core.services import author, require, user_or_none
from naptrack.plans import changes, interchange
from naptrack.plans.models import (
    Action,
    Goal,
    Instrument,
    LineLink,
    Note,
    Objective,
    Plan,
    PlanDepartment,
    Responsibility,
    TranslationState,
)

LANGUAGES = tuple(settings.MODELTRANSLATION_LANGUAGES)
# /plans/import/ is the page that imports a plan: a plan slugged "import" would have no pages.
RESERVED_SLUGS = frozenset({"import"})


@dataclass
class SuccessorCounts:
    objectives: int = 0
    goals: int = 0
    lines: int = 0
    instruments: int = 0
    notes: int = 0
    links: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def _texts(obj: models.Model, *names: str) -> dict[str, Any]:
    """Every language's column of each translatable text of `obj`."""
    return {f"{name}_{lang}": getattr(obj, f"{name}_{lang}") for name in names for lang in LANGUAGES}


def _check(plan: Plan, slug: str, title: str, period_start: Any, period_end: Any) -> None:
    errors: dict[str, list[str]] = {}
    if not plan.is_adopted:
        errors["plan"] = [_("%(slug)s is a draft: adopt it before drafting its successor.") % {"slug": plan.slug}]
    if not isinstance(slug, str) or not interchange.SLUG_RE.fullmatch(slug) or slug in RESERVED_SLUGS:
        errors["slug"] = [_("Give a slug of lower-case letters, digits and single hyphens, e.g. be-nap-2017-2021.")]
    elif len(slug) > Plan._meta.get_field("slug").max_length:
        errors["slug"] = [_("A slug has at most 100 characters.")]
    elif Plan.objects.filter(slug=slug).exists():
        errors["slug"] = [_("A plan %(slug)s exists already: choose another slug.") % {"slug": slug}]
    if not isinstance(title, str) or not title.strip():
        errors["title"] = [_("Give the new plan's title.")]
    elif len(title) > Plan._meta.get_field("title").max_length:
        errors["title"] = [_("A title has at most 300 characters.")]
    if not isinstance(period_start, int) or not isinstance(period_end, int):
        errors["period"] = [_("Give the new plan's period as two years, e.g. 2017-2021.")]
    elif period_end < period_start:
        errors["period"] = [_("The period ends before it starts.")]
    elif period_start <= plan.period_start:
        errors["period"] = [
            _("The next plan starts after %(year)s, the first year of the plan it follows.")
            % {"year": plan.period_start}
        ]
    elif period_end > 9999:
        errors["period"] = [_("Give years of four digits.")]
    if errors:
        raise ValidationError(errors)


def plan_successor(*, actor: Any, plan: Plan, slug: str, title: str, period_start: int, period_end: int) -> Plan:
    """A draft plan `slug` carrying over everything of `plan` in force but its targets, each
    new line linked to the line it continues."""
    require(actor, "plans.create_successor")
    _check(plan, slug, title, period_start, period_end)
    by = user_or_none(actor)
    counts = SuccessorCounts()
    with transaction.atomic():
        new = Plan(
            slug=slug,
            title_en=title.strip(),
            country=plan.country,
            period_start=period_start,
            period_end=period_end,
            languages=list(plan.languages),
            focus_countries=list(plan.focus_countries),
            currency=plan.currency,
            state=Plan.State.DRAFT,
        )
        author(new, actor).save()
        PlanDepartment.objects.bulk_create(
            PlanDepartment(plan=new, department_id=d.department_id, position=d.position)
            for d in plan.plan_departments.order_by("position")
        )
        ids: dict[str, dict[int, int]] = {"plan": {plan.pk: new.pk}}

        old_objectives = list(plan.objectives.order_by("number"))
        objectives = bulk_create_with_history(
            [Objective(plan=new, number=o.number, **_texts(o, "title", "intro")) for o in old_objectives],
            Objective,
            default_user=by,
        )
        ids["objective"] = {o.pk: n.pk for o, n in zip(old_objectives, objectives, strict=True)}

        old_goals = list(plan.goals.order_by("number"))
        goals = bulk_create_with_history(
            [
                Goal(plan=new, objective_id=ids["objective"][g.objective_id], number=g.number, **_texts(g, "text"))
                for g in old_goals
            ],
            Goal,
            default_user=by,
        )
        ids["goal"] = {g.pk: n.pk for g, n in zip(old_goals, goals, strict=True)}

        old_lines = list(plan.actions.filter(retired_in__isnull=True).order_by("goal__number", "position"))
        # Positions closed up within each goal, where a retired line leaves a gap.
        positions: dict[int, int] = {}
        lines = []
        for a in old_lines:
            positions[a.goal_id] = positions.get(a.goal_id, 0) + 1
            lines.append(
                Action(
                    plan=new,
                    goal_id=ids["goal"][a.goal_id],
                    code=a.code,
                    position=positions[a.goal_id],
                    **_texts(a, "text"),
                )
            )
        lines = bulk_create_with_history(lines, Action, default_user=by)
        ids["action"] = {a.pk: n.pk for a, n in zip(old_lines, lines, strict=True)}

        old_instruments = list(
            Instrument.objects.filter(action__in=old_lines, retired_in__isnull=True).order_by("action_id", "position")
        )
        positions = {}
        instruments = []
        for i in old_instruments:
            positions[i.action_id] = positions.get(i.action_id, 0) + 1
            instruments.append(
                Instrument(
                    action_id=ids["action"][i.action_id],
                    position=positions[i.action_id],
                    kind=i.kind,
                    by_sex=i.by_sex,
                    **_texts(i, "text", "unit"),
                )
            )
        instruments = bulk_create_with_history(instruments, Instrument, default_user=by)
        ids["instrument"] = {i.pk: n.pk for i, n in zip(old_instruments, instruments, strict=True)}

        old_notes = list(Note.objects.filter(action__in=old_lines).order_by("action_id", "position"))
        notes = bulk_create_with_history(
            [Note(action_id=ids["action"][n.action_id], position=n.position, **_texts(n, "text")) for n in old_notes],
            Note,
            default_user=by,
        )
        ids["note"] = {n.pk: c.pk for n, c in zip(old_notes, notes, strict=True)}

        Responsibility.objects.bulk_create(
            Responsibility(
                action_id=ids["action"][r.action_id],
                department_id=r.department_id,
                position=r.position,
                is_coordinator=r.is_coordinator,
            )
            for r in Responsibility.objects.filter(action__in=old_lines).order_by("action_id", "position")
        )
        links = bulk_create_with_history(
            [
                LineLink(line_id=new_id, continues_id=old_id, source=LineLink.Source.SUCCESSOR)
                for old_id, new_id in ids["action"].items()
            ],
            LineLink,
            default_user=by,
        )
        _copy_translation_states(ids)
        counts = SuccessorCounts(
            objectives=len(objectives),
            goals=len(goals),
            lines=len(lines),
            instruments=len(instruments),
            notes=len(notes),
            links=len(links),
        )
        audit_record(
            actor=actor,
            action="plans.plan.succeeded",
            target=new,
            data={"slug": new.slug, "follows": plan.slug, "period": new.period, **counts.as_dict()},
        )
        # The search index of the draft is ready when it is adopted; until then no public page
        # names the plan, so nothing reaches it.
        changes.plans_changed([new.pk])
    new.counts = counts  # type: ignore[attr-defined]
    return new


def _copy_translation_states(ids: dict[str, dict[int, int]]) -> None:
    """Each copied text keeps the state of its translations (official or draft); the plan's
    title is new, and so are its translations' states."""
    kinds = ("objective", "goal", "action", "note", "instrument")
    wanted = models.Q(pk__in=[])
    for kind in kinds:
        wanted |= models.Q(kind=kind, object_id__in=list(ids[kind]))
    copied = [
        TranslationState(
            kind=state.kind,
            object_id=ids[state.kind][state.object_id],
            field=state.field,
            language=state.language,
            state=state.state,
        )
        for state in TranslationState.objects.filter(wanted)
    ]
    bulk_create_with_history(copied, TranslationState)


@transaction.atomic
def plan_adopt(*, actor: Any, plan: Plan) -> Plan:
    """The draft becomes the adopted plan: public from now on, and rounds may open under it."""
    require(actor, "plans.adopt_plan")
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.is_adopted:
        raise ValidationError({"plan": [_("%(slug)s is adopted already.") % {"slug": plan.slug}]})
    if not plan.actions.exists():
        raise ValidationError(
            {"plan": [_("%(slug)s has no line of action: there is nothing to adopt.") % {"slug": plan.slug}]}
        )
    plan.state = Plan.State.ADOPTED
    author(plan, actor).save(update_fields=["state", "updated_at"])
    audit_record(actor=actor, action="plans.plan.adopted", target=plan, data={"slug": plan.slug})
    # Public pages and the search index show the plan from now on.
    changes.plans_changed([plan.pk], after_commit=True)
    return plan
