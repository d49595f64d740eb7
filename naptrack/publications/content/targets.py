"""Progress toward the plan's targets in the report: a table of every target (baseline, the latest
value up to the round's year, the milestone of that year, the target, the status with its rule)
and the share of targets on track per objective and per department.

Every value and status is naptrack.reporting.progress's, read once when the report's source is
loaded; here it is only written in the report's language.

progress() counts every approved contribution up to the round's year. The published report may
show only approved, public contributions not withdrawn, of this round and of the published
earlier rounds. `hidden_targets` finds, in one query, the targets whose progress also counts a
contribution the published report does not show; their row says so instead of its values, and
they count in no share, so that nothing unpublished leaks through a number.
(progress(public_only=True) is no fit: it drops the round being published, which is only
closed while its report is built.)
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from naptrack.plans.models import Department, Instrument, Target
from naptrack.publications.content.formatting import number, percent, translated
from naptrack.publications.content.tree import DASH, SOURCE_LANGUAGE, DepartmentRef, FigureTable, TargetProgress, Text
from naptrack.reporting.models import Contribution, Round
from naptrack.reporting.progress import (
    ACHIEVED,
    BEHIND,
    NO_DATA,
    ON_TRACK,
    RULES,
    STATUS_LABELS,
    Progress,
    shares_on_track,
)

STATUS_ORDER = (ACHIEVED, ON_TRACK, BEHIND, NO_DATA)


def hidden_targets(items: list[Progress], round_: Round, shown_rounds: list[int]) -> set[int]:
    """The targets (ids) whose progress counts an approved contribution the published report does
    not show: internal, withdrawn, or of a round it does not show. One query."""
    if not items:
        return set()
    numeric = [p.target.instrument_id for p in items if not p.target.text]
    text_lines = [p.target.instrument.action_id for p in items if p.target.text]
    unshown = (
        Contribution.objects.filter(
            round__plan_id=round_.plan_id, round__year__lte=round_.year, state=Contribution.State.APPROVED
        )
        .filter(
            Q(visibility=Contribution.Visibility.INTERNAL)
            | Q(withdrawn_at__isnull=False)
            | ~Q(round_id__in=[round_.pk, *shown_rounds])
        )
        .filter(Q(measurements__instrument_id__in=numeric) | Q(action_id__in=text_lines))
        .values_list("action_id", "measurements__instrument_id")
        .distinct()
    )
    lines, instruments = set(), set()
    for action_id, instrument_id in unshown:
        lines.add(action_id)
        instruments.add(instrument_id)
    return {
        p.target.pk
        for p in items
        if (p.target.text and p.target.instrument.action_id in lines)
        or (not p.target.text and p.target.instrument_id in instruments)
    }


def _value(value: Decimal | None, instrument: Instrument, currency: str) -> str:
    """A target's value as the report writes it: shares of women and shares as percentages."""
    if value is None:
        return DASH
    if instrument.by_sex:
        return percent(value)
    if instrument.kind == Instrument.Kind.SHARE:
        return percent(value / 100)
    if instrument.kind == Instrument.Kind.MONEY:
        return f"{number(value)} {currency}"
    return number(value)


def _dated(text: str, year: int | None) -> str:
    return _("%(value)s (%(year)s)") % {"value": text, "year": year} if year is not None else text


def _row(p: Progress, lang: str, currency: str, hidden: bool) -> list[str | Text]:
    target: Target = p.target
    instrument = target.instrument
    text = translated(instrument, "text", lang)
    what = Text(f"{instrument.position}. {text.text}", fallback=text.fallback)
    if target.text:
        goal: str | Text = Text(
            _dated(target.text, target.year), fallback=lang != SOURCE_LANGUAGE and bool(target.text)
        )
    else:
        goal = _dated(_value(target.value, instrument, currency), target.year)
    if hidden:
        return [instrument.action.code, what, DASH, DASH, DASH, goal, _("not shown (see the note)")]
    baseline = _dated(_value(p.baseline[1], instrument, currency), p.baseline[0]) if p.baseline else DASH
    if target.text:
        latest = DASH
    else:
        latest = _value(p.latest, instrument, currency)
        if p.latest is not None and p.latest_year != p.year:
            latest = _dated(latest, p.latest_year)
    milestone = _value(p.milestone, instrument, currency)
    return [instrument.action.code, what, baseline, latest, milestone, goal, str(STATUS_LABELS[p.status])]


def _shares_table(caption: str, head: str, counts: dict[object, tuple[int, int]], label: Callable) -> FigureTable:
    rows: list[list[str | Text]] = [
        [label(key), number(on_track), number(total), percent(on_track / total if total else None)]
        for key, (on_track, total) in counts.items()
    ]
    return FigureTable(caption, [head, _("On track or achieved"), _("Targets"), _("Share on track")], rows)


def build_targets(
    items: list[Progress],
    hidden: set[int],
    lang: str,
    year: int,
    currency: str,
    draft: bool,
    dept: Callable[[Department], DepartmentRef],
) -> TargetProgress | None:
    """The section, or None when the plan states no target."""
    if not items:
        return None
    table = FigureTable(
        _("Targets and progress in %(year)s") % {"year": year},
        [
            _("Line of action"),
            _("Instrument"),
            _("Baseline"),
            _("Latest value up to %(year)s") % {"year": year},
            _("Milestone for %(year)s") % {"year": year},
            _("Target (year)"),
            _("Status"),
        ],
        [_row(p, lang, currency, p.target.pk in hidden) for p in items],
        labels=2,
    )
    table.notes = [f"{capfirst(str(STATUS_LABELS[s]))}: {RULES[s]}" for s in STATUS_ORDER]
    table.notes.append(
        _(
            "Shares of women are the number of women as a percentage of the people counted; a value of an "
            "earlier year carries its year in brackets."
        )
    )
    if hidden:
        table.notes.append(
            _(
                "Not shown: the progress toward this target also counts contributions that this report does not "
                "publish (internal, withdrawn, or of a round not published), so neither its values nor its status "
                "are given, and it counts in no share below."
            )
        )
    shown = [p for p in items if p.target.pk not in hidden]
    objectives = shares_on_track(shown, "objective")
    names: dict[str, str] = {}
    for p in shown:
        for r in p.target.instrument.action.responsibilities.all():
            ref = dept(r.department)
            names[r.department.code] = ref.abbreviation or ref.name.text
    tables = [table]
    if objectives:
        tables.append(
            _shares_table(
                _("Targets on track or achieved, by objective"),
                _("Objective"),
                objectives,
                lambda n: _("Objective %(number)s") % {"number": n},
            )
        )
    departments = shares_on_track(shown, "department")
    if departments:
        tables.append(
            _shares_table(
                _("Targets on track or achieved, by department"),
                _("Department"),
                departments,
                lambda code: names.get(code, code),
            )
        )
    if draft:
        scope = _("Progress counts the approved contributions up to %(year)s, internal ones included.")
    else:
        scope = _("Progress counts the approved contributions up to %(year)s that are published.")
    intro = _(
        "For each monitoring instrument with a target: its baseline, its latest value up to %(year)s, the "
        "milestone set for %(year)s, the target and its year, and whether the plan is on track. A target "
        "counts for every department of its line of action."
    )
    return TargetProgress(
        anchor="targets",
        title=_("Progress toward the targets"),
        intro=f"{intro % {'year': year}} {scope % {'year': year}}",
        tables=tables,
    )
