"""Creating a round from a past report's document: the history an installation starts with.

round_import makes the round of the given kind and year as opening it would (one contribution per
line of action and responsible department, an empty answer per instrument), fills the
contributions the document gives on the departments' behalf, each marked with the file and the
row it came from, approves them and closes the round. Lines the document does not mention stay
empty and read "No report received". Nothing is sent to anyone. Publishing (the report to
parliament, the search) is portal.publishing's: round_import_published there does both at once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError, Q
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from naptrack.audit.services import audit_record
from naptrack.core.services import user_or_none
from naptrack.plans import versions
from naptrack.plans.models import Instrument, Plan
from naptrack.reporting.importing import RoundProposal
from naptrack.reporting.importing.asked import Asked, asked_in
from naptrack.reporting.models import Contribution, Evidence, Measurement, Round, Synthesis
from naptrack.reporting.services.common import COUNT_MAX, _now, _require, narrative_max

IMPORTED_FROM_MAX = 300


def round_import_problems(
    *, plan: Plan, kind: str, year: int, proposal: RoundProposal, replace: bool, asked: Asked | None = None
) -> list[str]:
    """Why the proposal cannot be imported as asked, in words a coordinator can act on; empty
    when it can. The preview shows these before anything is confirmed."""
    problems: list[str] = []
    if not plan.is_adopted:
        problems.append(_("%(slug)s is a draft: adopt it before importing its rounds.") % {"slug": plan.slug})
    if kind not in Round.Kind.values:
        problems.append(_("Choose one of: %(kinds)s.") % {"kinds": ", ".join(Round.Kind.values)})
    low, high = plan.period_start - 5, plan.period_end + 5
    if not isinstance(year, int) or not low <= year <= high:
        problems.append(_("The year covered must lie between %(low)s and %(high)s.") % {"low": low, "high": high})
    unknown = sorted({c.subject for c in proposal.unknown_departments})
    if unknown:
        problems.append(
            _(
                "The document names departments the plan does not have: %(names)s. Correct the document, or add "
                "them to the plan, then import again."
            )
            % {"names": ", ".join(f"\u201c{n}\u201d" for n in unknown)}
        )
    if not proposal.contributions:
        problems.append(_("Nothing in the document could be placed on the plan's lines and departments."))
    limit = narrative_max()
    for c in proposal.contributions:
        if len(c.text) > limit:
            problems.append(
                _("%(source)s: the text is %(length)s characters long; at most %(max)s are allowed.")
                % {"source": c.source, "length": len(c.text), "max": limit}
            )
    if isinstance(year, int):
        problems += _stale(asked or asked_in(plan, year), year, proposal)
    existing = Round.objects.filter(plan=plan, kind=kind, year=year).first()
    if existing is not None:
        problems += _replace_problems(existing, replace)
    return problems


def _stale(asked: Asked, year: int, proposal: RoundProposal) -> list[str]:
    """Contributions the plan of that year no longer has: the plan was amended, or another year
    chosen, since the document was read."""
    codes = {a.pk: a.code for a in asked.actions}
    pairs = {(codes[r.action_id], r.department.code) for r in asked.responsibilities if r.action_id in codes}
    gone = [c for c in proposal.contributions if (c.line, c.department) not in pairs]
    if not gone:
        return []
    listed = ", ".join(f"{c.line} ({c.department})" for c in gone[:10]) + (" …" if len(gone) > 10 else "")
    return [
        _(
            "The plan for %(year)s has no such line or responsibility: %(pairs)s. It changed since the document "
            "was read: read the document again."
        )
        % {"year": year, "pairs": listed}
    ]


def _replace_problems(existing: Round, replace: bool) -> list[str]:
    if not replace:
        return [
            _(
                "This plan already has a round of this kind (%(kind)s) for %(year)s. Import with Replace "
                "(--replace on the command line) to replace it, if no department has reported in it."
            )
            % {"kind": existing.get_kind_display(), "year": existing.year}
        ]
    if existing.state == Round.State.PUBLISHED:
        return [_("The existing round is published: its report is public and it cannot be replaced.")]
    if departmental_input(existing):
        return [_("Departments have reported in the existing round: it cannot be replaced.")]
    return []


def departmental_input(round_: Round) -> bool:
    """Whether anyone but an import wrote in the round: a contribution saved, submitted or
    reviewed that no import filled; an imported one changed since (saved again, reopened); any
    evidence; a synthesis."""
    contributions = Contribution.objects.filter(round=round_)
    own = Q(imported_from="") & (Q(updated_by__isnull=False) | ~Q(state=Contribution.State.DRAFT) | ~Q(narrative=""))
    changed = ~Q(imported_from="") & (Q(version__gt=1) | ~Q(state=Contribution.State.APPROVED))
    return (
        contributions.filter(own | changed).exists()
        or Evidence.objects.filter(contribution__round=round_).exists()
        or Synthesis.objects.filter(round=round_).exists()
    )


@transaction.atomic
def round_import(
    *,
    actor: Any,
    plan: Plan,
    kind: str,
    year: int,
    proposal: RoundProposal,
    replace: bool = False,
) -> Round:
    """The round the report document gives, closed, its contributions approved; ValidationError
    listing every problem, and nothing written, when it cannot be."""
    _require(actor, "reporting.manage_round")
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    problems = round_import_problems(plan=plan, kind=kind, year=year, proposal=proposal, replace=replace)
    if problems:
        raise ValidationError(problems)
    replaced = Round.objects.filter(plan=plan, kind=kind, year=year).first()
    if replaced is not None:
        replaced_id = replaced.pk
        try:
            with transaction.atomic():
                replaced.delete()
        except ProtectedError:
            # Assessments by civil society, a transmission to an organisation: kept, and so the round.
            raise ValidationError(
                [_("Other records (assessments, transmissions) refer to the existing round: it cannot be replaced.")]
            ) from None
    now = _now()
    versions.in_force(plan)  # version 1, for a plan never versioned
    asked = asked_in(plan, year)
    round_ = Round.objects.create(
        plan=plan,
        kind=kind,
        year=year,
        deadline=dt.date.today(),
        state=Round.State.CLOSED,
        opened_at=now,
        closed_at=now,
        plan_version=asked.version,
    )
    filled = _contributions(actor, round_, proposal, asked, now)
    audit_record(
        actor=actor,
        action="reporting.round.imported",
        target=round_,
        data={
            "plan": plan.slug,
            "kind": kind,
            "year": year,
            "file": proposal.name,
            "contributions": round_.contributions.count(),
            "filled": filled,
            "checks": len(proposal.checks),
            **({"replaced": replaced_id} if replaced is not None else {}),
        },
    )
    return round_


def _contributions(actor: Any, round_: Round, proposal: RoundProposal, asked: Asked, now: dt.datetime) -> int:
    """One contribution per line and responsible department the round's version asked for, as
    opening it would make, filled where the document gives one; an answer per instrument."""
    codes = {a.pk: a.code for a in asked.actions}
    department_codes = {r.department_id: r.department.code for r in asked.responsibilities}
    given = {(c.line, c.department): c for c in proposal.contributions}
    person = user_or_none(actor)
    rows = []
    for r in asked.responsibilities:
        if r.action_id not in codes:
            continue
        c = Contribution(round=round_, action_id=r.action_id, department_id=r.department_id)
        proposed = given.get((codes[r.action_id], department_codes[r.department_id]))
        if proposed is not None:
            c.status, c.narrative, c.on_behalf = proposed.status, proposed.text, True
            c.state = Contribution.State.APPROVED
            c.submitted_at = c.approved_at = now
            c.submitted_by = c.approved_by = c.updated_by = person
            c.imported_from = f"{proposal.name}, {proposed.source}"[:IMPORTED_FROM_MAX]
        rows.append(c)
    created = bulk_create_with_history(rows, Contribution, default_user=person, default_change_reason="import")
    if any(c.pk is None for c in created):  # databases that return no ids on bulk insert
        created = list(Contribution.objects.filter(round=round_))
    instruments: dict[int, list[Instrument]] = {}
    for instrument in asked.instruments:
        instruments.setdefault(instrument.action_id, []).append(instrument)
    measurements = []
    filled = 0
    for c in created:
        proposed = given.get((codes[c.action_id], department_codes[c.department_id]))
        filled += proposed is not None
        figures = {f["instrument"]: f for f in (proposed.figures if proposed else [])}
        for instrument in instruments.get(c.action_id, []):
            m = Measurement(contribution_id=c.pk, instrument_id=instrument.pk)
            f = figures.get(instrument.position)
            if f is not None and instrument.by_sex:
                m.women, m.men = _count(f.get("women")), _count(f.get("men"))
            measurements.append(m)
    bulk_create_with_history(measurements, Measurement, default_user=person, default_change_reason="import")
    return filled


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and 0 <= value < COUNT_MAX else None
