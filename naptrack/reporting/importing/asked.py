"""What a past round asked for: the plan as it stood in the year the report covers.

A report on 2012 answers the plan of 2012, not the plan amended since: its lines, their texts,
instruments and departments are those of the version in force at the end of that year (the first
version for a year before it). The import places the report's rows on those, and the round it
makes follows that version, as a round opened then would have.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from naptrack.plans import versions
from naptrack.plans.models import (
    Action,
    Department,
    Instrument,
    Plan,
    PlanDepartment,
    PlanVersion,
    Responsibility,
)


@dataclass
class Asked:
    version: PlanVersion | None  # None: a plan never versioned (version 1 is made on import)
    actions: list[Action]
    instruments: list[Instrument]
    responsibilities: list[Responsibility]
    departments: list[Department]  # the plan's, with their units and parents


def version_of_year(plan: Plan, year: int | None, every: list[PlanVersion] | None = None) -> PlanVersion | None:
    """The version in force on the last day of `year` (the latest without a year); None when
    the plan has none yet."""
    chosen = None
    for version in every if every is not None else PlanVersion.objects.filter(plan=plan).order_by("number"):
        if chosen is None or year is None or version.effective_from <= dt.date(year, 12, 31):
            chosen = version
    return chosen


def asked_in(plan: Plan, year: int | None) -> Asked:
    """Six queries, whatever the plan's size."""
    every = list(PlanVersion.objects.filter(plan=plan).order_by("number"))
    version = version_of_year(plan, year, every)
    newest = every[-1].pk if every else None
    plan_departments = [
        pd.department for pd in PlanDepartment.objects.filter(plan=plan).select_related("department__parent")
    ]
    by_id = {d.pk: d for d in plan_departments}
    structure = versions.as_of(
        version if version is not None and version.pk != newest else None,
        # Neither objectives nor goals are placed on: only lines, instruments and departments.
        objectives=[],
        goals=[],
        actions=Action.objects.filter(plan=plan).select_related("goal"),
        instruments=Instrument.objects.filter(action__plan=plan),
        responsibilities=Responsibility.objects.filter(action__plan=plan).select_related("department"),
        departments=by_id,
        focus_countries=plan.focus_countries,
    )
    named = {r.department_id for r in structure.responsibilities} | set(by_id)
    # The plan's departments, their units and their parents: the names a report may use.
    parents = Department.objects.filter(pk__in=named).values("parent_id")
    departments = list(
        Department.objects.filter(Q(pk__in=named) | Q(parent_id__in=named) | Q(pk__in=parents))
        .select_related("parent")
        .order_by("pk")
    )
    return Asked(version, structure.actions, structure.instruments, structure.responsibilities, departments)
