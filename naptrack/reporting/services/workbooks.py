"""Department workbooks in and out: export one department's contributions, import them back.

The import is all or nothing: every cell is checked first, with the same rules as the edit form
(services.contribution_validate), and one error anywhere means nothing is written; every error
names its sheet, row, column and reason. Then, in one transaction, each contribution the person
changed is saved through services.contribution_save, except those that were submitted or approved
(skipped, with a note) and those changed in naptrack since the export (a conflict: never
overwritten). One audit event records the import. A dry run says all this and writes nothing.

The coordinator's workbook of a whole round (department None) holds every department's
contributions with a column Department: the same checks, one transaction for every department,
each contribution saved on its department's behalf, as the coordinator's entry for a department is.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from naptrack.accounts.rules import department_ids
from naptrack.audit.services import audit_record
from naptrack.core.roles import is_coordinator, is_focal_point
from naptrack.reporting import workbook
from naptrack.reporting.models import Contribution, Round
from naptrack.reporting.queries import instruments_asked
from naptrack.reporting.services.common import ContributionConflict, WorkflowError
from naptrack.reporting.services.contributions import contribution_save, contribution_validate
from naptrack.reporting.workbook import (
    BREAKDOWN,
    BY_COUNTRY,
    CONTRIBUTION_FIELDS,
    CellError,
    ChangeSet,
    Row,
    WorkbookRefused,
)

OUTCOMES = ("new", "changed", "unchanged", "conflict", "skipped")

__all__ = [
    "OUTCOMES",
    "RowOutcome",
    "WorkbookInvalid",
    "WorkbookRefused",
    "WorkbookResult",
    "may_exchange_round_workbook",
    "may_exchange_workbook",
    "workbook_export",
    "workbook_import",
]


class WorkbookInvalid(Exception):
    """Cells hold errors: nothing was written. `errors` names each cell and the reason."""

    def __init__(self, errors: list[CellError]):
        self.errors = errors
        super().__init__(
            _("%(n)s error(s) in the workbook; nothing was imported.") % {"n": len(errors)}
            + "".join(f"\n{error}" for error in errors[:20])
        )


@dataclass
class RowOutcome:
    """What importing does to one row of the sheet."""

    row: int
    code: str
    instrument: str
    outcome: str  # one of OUTCOMES
    note: str = ""
    # (column header, before, after) for each value that differs from what naptrack holds.
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    # The row's department, named in a whole round's workbook (the preview groups by it).
    department: Any = None


@dataclass
class WorkbookResult:
    round: Round
    department: Any  # None: the whole round
    file_name: str
    dry_run: bool
    rows: list[RowOutcome]
    saved: int = 0  # contributions saved

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(OUTCOMES, 0)
        for row in self.rows:
            counts[row.outcome] += 1
        return counts

    @property
    def to_write(self) -> int:
        return sum(1 for row in self.rows if row.outcome in ("new", "changed"))


def may_exchange_workbook(actor: Any, department) -> bool:
    """Coordinators (and the installation itself) for any department; a focal point for their own
    department and its units."""
    if getattr(actor, "is_authenticated", False):
        # The predicates themselves: has_perm would also ask Django's model permissions (2 queries).
        return bool(is_coordinator(actor) or (is_focal_point(actor) and department.pk in department_ids(actor)))
    # The installation acting from its command line (accounts.system.SystemActor) may; nobody anonymous.
    return bool(getattr(actor, "has_perm", None) and actor.has_perm("reporting.manage_round"))


def may_exchange_round_workbook(actor: Any) -> bool:
    """The whole round's workbook: the coordinator (who manages rounds) and the installation."""
    if getattr(actor, "is_authenticated", False):
        return bool(is_coordinator(actor))
    return bool(getattr(actor, "has_perm", None) and actor.has_perm("reporting.manage_round"))


def _require(actor: Any, department) -> None:
    if department is None:
        if not may_exchange_round_workbook(actor):
            raise PermissionDenied(_("Only the coordinator may exchange the workbook of a whole round."))
        return
    if not may_exchange_workbook(actor, department):
        raise PermissionDenied(
            _("You may exchange workbooks only for your own department (%(department)s is not).")
            % {"department": department.name}
        )


def workbook_export(*, actor: Any, round: Round, department, language: str | None = None) -> bytes:
    """One department's workbook of the round, or with `department` None the whole round's."""
    _require(actor, department)
    if round.state == Round.State.DRAFT:
        raise WorkflowError(_("The round is still a draft: there is nothing to report yet."))
    return workbook.build(round=round, department=department, user=actor, language=language)


def _display(name: str, value: str) -> str:
    if not value:
        return "—"
    if name in ("status", "visibility", "channel", "yes"):
        return workbook.choice_label(name, value)
    if name == "countries":
        return ", ".join(value.split(","))
    if name == BREAKDOWN:
        # "AF: value=10 | CD: value=5" with the columns' headers in the person's language.
        headers = dict(workbook._country_columns())
        for key in ("women", "men", "other", "value", "numerator", "denominator"):
            value = value.replace(f"{key}=", f"{headers[key]} ")
        return value.replace(" | ", "; ")
    return value


def _conflict_note(c: Contribution, exported: int) -> str:
    who = c.updated_by.get_username() if c.updated_by else _("someone")
    return _(
        "Changed in naptrack since the export (version %(then)s then, %(now)s now, last by %(who)s): not "
        "overwritten. Download the workbook again to see the current answers."
    ) % {"then": exported, "now": c.version, "who": who}


def _skipped_note(c: Contribution) -> str:
    if c.state == Contribution.State.APPROVED:
        return _("Approved: not changed. The coordinator can reopen it if it needs a change.")
    if c.state == Contribution.State.SUBMITTED:
        return _("Submitted and waiting for review: not changed. The coordinator can return it for revision.")
    return _("You may not change this contribution now: not changed.")


def _map_errors(error: ValidationError, rows: list[Row], changes: ChangeSet) -> None:
    """The service's error keys ("narrative", "measurements.12.women", "measurements.12.countries.0.
    country", "__all__") as cells: a country's row on the sheet of figures by country."""
    by_instrument = {row.instrument_id: row for row in rows if row.instrument_id is not None}
    first = next((row for row in rows if row.first), rows[0])
    messages = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    for key, texts in messages.items():
        at, column, sheet = first.row, "", workbook.CONTRIBUTIONS
        if key in CONTRIBUTION_FIELDS:
            column = key
        elif key.startswith("measurements."):
            parts = key.split(".")
            row = by_instrument.get(int(parts[1])) if len(parts) > 2 and parts[1].isdigit() else None
            if row is not None and parts[2] != "countries":
                at, column = row.row, parts[2]
            elif row is not None and len(parts) > 3 and parts[3].isdigit() and int(parts[3]) < len(row.country_rows):
                at, column, sheet = row.country_rows[int(parts[3])], parts[4] if len(parts) > 4 else "", BY_COUNTRY
            elif row is not None and row.country_rows:
                # The breakdown as a whole (its sum above a total): its first row.
                at, sheet = row.country_rows[0], BY_COUNTRY
            elif row is not None:
                at = row.row
        for text in texts:
            changes.error(at, column, text, sheet=sheet)


@dataclass
class _Plan:
    contribution: Contribution
    rows: list[Row]
    differing: list[Row]
    before: dict[int, dict[str, str]]
    decision: str  # "apply", "conflict", "skipped", "unchanged"
    note: str = ""


def workbook_import(
    *, actor: Any, round: Round, department, changes: ChangeSet, dry_run: bool = False
) -> WorkbookResult:
    """Import a parsed workbook (workbook.parse) into the round for the department, or with
    `department` None the whole round's workbook for every department at once.

    Raises WorkbookRefused (another round or department), PermissionDenied, WorkflowError (the
    round is not open) or WorkbookInvalid (errors in cells); in each case nothing is written."""
    if changes.round_id != round.pk:
        raise WorkbookRefused(
            _("This workbook is for another reporting round (%(theirs)s), not for %(round)s: nothing was imported.")
            % {"theirs": _round_name(changes.round_id), "round": round}
        )
    if changes.whole_round != (department is None):
        raise WorkbookRefused(
            _(
                "This is the workbook of a whole round, with every department's rows: the coordinator imports it "
                "from the round's dashboard. Nothing was imported."
            )
            if changes.whole_round
            else _(
                "This is the workbook of one department (%(theirs)s), not of the whole round: import it as that "
                "department's workbook. Nothing was imported."
            )
            % {"theirs": changes.department_code}
        )
    if department is not None and changes.department_code != department.code:
        raise WorkbookRefused(
            _("This workbook is for another department (%(theirs)s), not for %(department)s: nothing was imported.")
            % {"theirs": changes.department_code, "department": department.name}
        )
    _require(actor, department)
    if round.state != Round.State.OPEN:
        raise WorkflowError(
            _("The round is %(state)s: a workbook can be imported only while it is open.")
            % {"state": round.get_state_display()}
        )

    contributions = {c.pk: c for c in workbook.contributions_for(round, department)}
    grouped: dict[int, list[Row]] = defaultdict(list)
    for row in changes.rows:
        if row.contribution_id not in contributions:
            if row.touched:
                changes.error(row.row, "", _("This line of action is no longer one of the department's in the round."))
            continue
        grouped[row.contribution_id].append(row)

    plans = [_plan(contributions[cid], rows, changes) for cid, rows in grouped.items()]
    if changes.errors:
        raise WorkbookInvalid(sorted(changes.errors, key=lambda e: (e.sheet, e.row, e.column)))

    saved = 0
    if not dry_run:
        with transaction.atomic():
            current = Round.objects.select_for_update().get(pk=round.pk)
            if current.state != Round.State.OPEN:
                raise WorkflowError(
                    _("The round is %(state)s: a workbook can be imported only while it is open.")
                    % {"state": current.get_state_display()}
                )
            for plan in plans:
                if plan.decision == "apply":
                    saved += _apply(actor, plan, changes)
            if changes.errors:
                raise WorkbookInvalid(sorted(changes.errors, key=lambda e: (e.sheet, e.row, e.column)))
            result = _result(round, department, changes, plans, dry_run, saved)
            audit_record(
                actor=actor,
                action="reporting.workbook.imported",
                target=round,
                data={
                    "file": changes.file_name,
                    "department": changes.department_code,
                    **({"departments_saved": _saved_departments(plans)} if department is None else {}),
                    "exported_by": changes.exported_by,
                    "exported_at": changes.exported_at,
                    "rows": len(changes.rows),
                    "counts": result.counts,
                    "contributions_saved": saved,
                },
            )
            return result
    return _result(round, department, changes, plans, dry_run, saved)


def _saved_departments(plans: list[_Plan]) -> list[str]:
    return sorted({plan.contribution.department.code for plan in plans if plan.decision == "apply"})


def _header(headers: dict[str, str], name: str) -> str:
    return _("Figures by country") if name == BREAKDOWN else headers.get(name, name)


def _round_name(round_id: int) -> str:
    other = Round.objects.filter(pk=round_id).first()
    return str(other) if other is not None else _("round %(id)s") % {"id": round_id}


def _plan(c: Contribution, rows: list[Row], changes: ChangeSet) -> _Plan:
    measurements = {m.instrument_id: m for m in c.measurements.all()}
    before = {row.row: workbook.canonical(c, measurements.get(row.instrument_id), row.fields) for row in rows}
    differing = [row for row in rows if row.touched and row.values != before[row.row]]
    if not differing:
        return _Plan(c, rows, [], before, "unchanged")
    try:
        contribution_validate(contribution=c, data=workbook.payload(differing, before))
    except ValidationError as error:
        _map_errors(error, rows, changes)
    exported = changes.versions.get(c.pk, c.version)
    if not c.is_editable_state:
        return _Plan(c, rows, differing, before, "skipped", _skipped_note(c))
    if exported != c.version:
        return _Plan(c, rows, differing, before, "conflict", _conflict_note(c, exported))
    return _Plan(c, rows, differing, before, "apply")


def _apply(actor: Any, plan: _Plan, changes: ChangeSet) -> int:
    c = plan.contribution
    try:
        contribution_save(
            actor=actor,
            contribution=c,
            version=changes.versions[c.pk],
            data=workbook.payload(plan.differing, plan.before),
        )
    except ContributionConflict as conflict:
        # Saved by someone else between the check and now.
        plan.decision, plan.note = "conflict", _conflict_note(conflict.current, changes.versions[c.pk])
        return 0
    except PermissionDenied:
        plan.decision, plan.note = "skipped", _skipped_note(Contribution.objects.get(pk=c.pk))
        return 0
    except ValidationError as error:
        _map_errors(error, plan.rows, changes)
        return 0
    return 1


def _result(round_: Round, department, changes: ChangeSet, plans: list[_Plan], dry_run: bool, saved: int):
    outcomes: list[RowOutcome] = []
    headers = changes.headers
    for plan in plans:
        c = plan.contribution
        instruments = {i.pk: i for i in instruments_asked(c)}
        differing = {row.row for row in plan.differing}
        for row in plan.rows:
            instrument = instruments.get(row.instrument_id)
            outcome = RowOutcome(row.row, c.action.code, instrument.text if instrument else "", "unchanged")
            if department is None:
                outcome.department = c.department
            if row.row in differing:
                before = plan.before[row.row]
                outcome.changes = [
                    (_header(headers, name), _display(name, before[name]), _display(name, row.values[name]))
                    for name in row.fields
                    if before[name] != row.values[name]
                ]
                if plan.decision == "apply":
                    outcome.outcome = "new" if workbook.is_blank(before) else "changed"
                else:
                    outcome.outcome, outcome.note = plan.decision, plan.note
            outcomes.append(outcome)
    outcomes.sort(key=lambda o: o.row)
    return WorkbookResult(round_, department, changes.file_name, dry_run, outcomes, saved)
