"""A plan's targets in public: the coordinator publishing them, the public Targets page, the open
data table and the API's rows.

Every figure comes from naptrack.reporting.progress.progress at a published round with
public_only=True: approved, public answers of published rounds, never an internal answer or what
an unpublished round says (of a later year or of the same one). Nothing of it shows while the
plan's targets are not published (Plan.targets_published_at), except to the coordinator, as a
preview. Publishing lives here, above reporting, since the page it opens reads the reports'
progress and the page cache must hear of it (caching.forget).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from naptrack.audit.services import audit_record
from naptrack.core.numbers import json_number
from naptrack.plans.models import Objective, Plan, Target
from naptrack.portal.caching import forget
from naptrack.portal.opendata import Column, table_file
from naptrack.portal.queries import published_rounds, round_key
from naptrack.publications.content import number, percent, translated
from naptrack.reporting.models import Round
from naptrack.reporting.progress import STATUS_LABELS, Progress, progress, progress_rounds, shares_on_track

PERMISSION = "plans.publish_targets"
PUBLISHED, WITHDRAWN = "plans.targets.published", "plans.targets.withdrawn"
PUBLIC_ACTIONS = (PUBLISHED, WITHDRAWN)
FORMAT = "naptrack-targets/1"
FORMATS = ("csv", "xlsx", "json")
DASH = "\u2013"


# --- publishing -----------------------------------------------------------------------------------


def _require(actor) -> None:
    if not getattr(actor, "has_perm", None) or not actor.has_perm(PERMISSION):
        raise PermissionDenied(_("You may not do this."))


def _set_published(*, actor, plan: Plan, public: bool) -> Plan:
    _require(actor)
    with transaction.atomic():
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        if (plan.targets_published_at is not None) == public:
            return plan  # a second click: nothing changes, nothing to record
        plan.targets_published_at = timezone.now() if public else None
        plan.save(update_fields=["targets_published_at"])
        n = Target.objects.filter(instrument__action__plan=plan).count()
        audit_record(actor=actor, action=PUBLISHED if public else WITHDRAWN, target=plan, data={"targets": n})
    # This process's page cache reads the public stamp again at once; the others within seconds.
    forget()
    return plan


def plan_targets_publish(*, actor, plan: Plan) -> Plan:
    """Make the plan's targets and the progress toward them public: its Targets page, open data
    and the API."""
    return _set_published(actor=actor, plan=plan, public=True)


def plan_targets_withdraw(*, actor, plan: Plan) -> Plan:
    return _set_published(actor=actor, plan=plan, public=False)


def can_publish(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_perm(PERMISSION))


# --- the public page ------------------------------------------------------------------------------


@dataclass
class ObjectiveShare:
    objective: Objective
    on_track: int
    total: int

    @property
    def share(self) -> float:
        return self.on_track / self.total if self.total else 0.0


@dataclass
class TargetsView:
    """What the Targets page shows at one published round (`round` None: none is published)."""

    rounds: list[Round]
    round: Round | None
    items: list[Progress] = field(default_factory=list)
    shares: list[ObjectiveShare] = field(default_factory=list)


def published_plan_rounds(plan: Plan) -> list[Round]:
    """The plan's published rounds, the latest first."""
    rounds = sorted(published_rounds(plan), key=round_key, reverse=True)
    for r in rounds:
        r.plan = plan
    return rounds


def at_round(plan: Plan, round_id: int | None) -> TargetsView | None:
    """The targets at the published round `round_id` (the latest when None); None when that round
    is not one of the plan's published ones. Eight queries (progress() seven)."""
    rounds = published_plan_rounds(plan)
    if round_id is None:
        chosen = rounds[0] if rounds else None
    else:
        chosen = next((r for r in rounds if r.pk == round_id), None)
        if chosen is None:
            return None
    if chosen is None:
        return TargetsView(rounds=rounds, round=None)
    items = progress(plan, chosen, public_only=True)
    objectives = {
        p.target.instrument.action.goal.objective.number: p.target.instrument.action.goal.objective for p in items
    }
    shares = [
        ObjectiveShare(objectives[key], on, total) for key, (on, total) in shares_on_track(items, "objective").items()
    ]
    shares.sort(key=lambda s: s.objective.number)
    return TargetsView(rounds=rounds, round=chosen, items=items, shares=shares)


def value_text(target: Target, value: Decimal | None, currency: str) -> str:
    """A baseline, milestone, target or latest value as the page's language writes it: a share of
    women as a percentage, a share as a percentage, an amount with its currency, else the number
    with the instrument's unit."""
    if value is None:
        return DASH
    instrument = target.instrument
    if instrument.by_sex:
        return _("%(share)s women") % {"share": percent(float(value))}
    if instrument.kind == "share":
        return percent(float(value) / 100)
    if instrument.kind == "money":
        return f"{number(value)} {currency}"
    return f"{number(value)} {instrument.unit or ''}".strip()


def status_label(status: str) -> str:
    return capfirst(str(STATUS_LABELS[status]))


# --- open data and the API ------------------------------------------------------------------------


def _c(name: str, type_: str, description) -> Column:
    return Column(name, type_, description)


COLUMNS = [
    _c("plan", "text", gettext_lazy("The plan's identifier (slug).")),
    _c("round_id", "integer", gettext_lazy("The published round the progress is assessed at, as in the API.")),
    _c("round_kind", "text", gettext_lazy("Code of the kind of round: baseline, annual, mid-term or final.")),
    _c("round_year", "integer", gettext_lazy("The year the round reports on: progress up to that year.")),
    _c("objective_number", "integer", gettext_lazy("Number of the plan's objective.")),
    _c("action_code", "text", gettext_lazy("Code of the line of action.")),
    _c("instrument_number", "integer", gettext_lazy("Number of the monitoring instrument within its line (from 1).")),
    _c("instrument_text", "text", gettext_lazy("Text of the monitoring instrument.")),
    _c("instrument_kind", "text", gettext_lazy("Code of the instrument's kind of answer.")),
    _c("by_sex", "boolean", gettext_lazy("Whether the instrument counts people by sex (values are shares of women).")),
    _c("unit", "text", gettext_lazy("The unit of the values (for an amount, its currency).")),
    _c("baseline_year", "integer", gettext_lazy("The baseline's year: the target's own, else the baseline round's.")),
    _c(
        "baseline_value",
        "number",
        gettext_lazy(
            "The baseline's value. Values of an instrument counted by sex are shares of women between 0 and 1; of a "
            "share, percentages between 0 and 100; of an amount, in the plan's currency."
        ),
    ),
    _c("milestone", "number", gettext_lazy("The milestone set for the round's year, if any (as baseline_value).")),
    _c("target_year", "integer", gettext_lazy("The year by which the target should be reached.")),
    _c("target_value", "number", gettext_lazy("The target's value (as baseline_value); empty for a target in words.")),
    _c("target_text", "text", gettext_lazy("A target in words (text instruments), read on the plan's status scale.")),
    _c("direction", "text", gettext_lazy("What counts as progress: up or down.")),
    _c("source", "text", gettext_lazy("Where the target comes from: plan, agreement or amendment.")),
    _c("latest_year", "integer", gettext_lazy("The year of the latest published value, up to the round's year.")),
    _c("latest_value", "number", gettext_lazy("The latest published value (summed across departments).")),
    _c("status", "text", gettext_lazy("Code of the status: on-track, behind, achieved or no-data.")),
    _c("status_label", "text", gettext_lazy("The status, in words.")),
    _c("status_rule", "text", gettext_lazy("The rule the status follows, in words.")),
]
NAMES = [c.name for c in COLUMNS]


def record(
    plan: Plan, round_: Round, p: Progress, *, decimals: Callable[[Decimal | None], Any] = json_number
) -> dict[str, Any]:
    """One target at one published round, as open data and the API write it (`decimals` says how
    a decimal is written: a JSON number, or a string for the API)."""
    target, lang = p.target, (get_language() or "en").split("-")[0]
    instrument = target.instrument
    action = instrument.action
    unit = plan.currency if instrument.kind == "money" else ("%" if instrument.kind == "share" else instrument.unit)
    return {
        "plan": plan.slug,
        "round_id": round_.pk,
        "round_kind": round_.kind,
        "round_year": round_.year,
        "objective_number": action.goal.objective.number,
        "action_code": action.code,
        "instrument_number": instrument.position,
        "instrument_text": translated(instrument, "text", lang).text,
        "instrument_kind": instrument.kind,
        "by_sex": instrument.by_sex,
        "unit": "" if instrument.by_sex else (unit or ""),
        "baseline_year": p.baseline[0] if p.baseline else None,
        "baseline_value": decimals(p.baseline[1] if p.baseline else None),
        "milestone": decimals(p.milestone),
        "target_year": target.year,
        "target_value": decimals(target.value),
        "target_text": target.text,
        "direction": "" if target.text else target.direction,
        "source": target.source,
        "latest_year": p.latest_year,
        "latest_value": decimals(p.latest),
        "status": p.status,
        "status_label": status_label(p.status),
        "status_rule": p.rule,
    }


def records(plan: Plan, *, decimals: Callable[[Decimal | None], Any] = json_number) -> list[dict[str, Any]]:
    """Every target at every published round of the plan, the earliest round first; nothing while
    the targets are not published. progress()'s queries once for all the rounds, one more for them."""
    if plan.targets_published_at is None:
        return []
    rounds = list(reversed(published_plan_rounds(plan)))
    assessed = progress_rounds(plan, rounds, public_only=True)
    return [record(plan, round_, p, decimals=decimals) for round_ in rounds for p in assessed[round_.pk]]


def targets_file(fmt: str, rows: list[dict[str, Any]]) -> bytes:
    return table_file(fmt, format_name=FORMAT, title=_("Targets"), columns=COLUMNS, rows=rows)
