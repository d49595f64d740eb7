"""The rows of the open-data round files (portal/opendata.py): one per published contribution and
monitoring instrument of its line, with the line's texts as the round's plan version worded them."""

from __future__ import annotations

import copy
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language
from django_countries import countries as all_countries

from naptrack.plans import versions
from naptrack.plans.models import Action, Department, Instrument, Plan, PlanVersion
from naptrack.publications.content import translated
from naptrack.reporting.models import Contribution, Measurement, Round


def _number(value: Decimal | int | float | None) -> int | float | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        value = value.normalize()
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def published_on(round_: Round) -> str | None:
    return round_.published_at.date().isoformat() if round_.published_at else None


def _round_part(round_: Round) -> dict[str, Any]:
    return {
        "plan": round_.plan.slug,
        "round_id": round_.pk,
        "round_kind": round_.kind,
        "round_kind_label": capfirst(round_.get_kind_display()),
        "round_year": round_.year,
        "round_published": published_on(round_),
    }


def _line_part(action: Action, version: PlanVersion | None, lang: str) -> dict[str, Any]:
    """A line's columns as `version` worded it (as in force without one), put on copies: the
    plan's objects are shared by every round's rows."""
    goal, objective = action.goal, action.goal.objective
    if version is not None:
        action, goal, objective = (versions.put_texts(copy.copy(o), version) for o in (action, goal, objective))
    return {
        "objective_number": objective.number,
        "objective_title": translated(objective, "title", lang).text,
        "goal_number": goal.number,
        "goal_text": translated(goal, "text", lang).text,
        "action_code": action.code,
        "action_text": translated(action, "text", lang).text,
    }


def _department_part(department: Department, lang: str) -> dict[str, Any]:
    return {
        "department_code": department.code,
        "department_name": translated(department, "name", lang).text,
        "department_parent_code": department.parent.code if department.parent_id else "",
    }


def _contribution_part(c: Contribution, status_labels: dict[str, str], names: dict[str, str]) -> dict[str, Any]:
    """`names`: the countries' names found so far, by code (added to here)."""
    for code in c.countries:
        if code not in names:
            names[code] = str(all_countries.name(code) or code)
    return {
        "contribution_id": c.pk,
        "status": c.status,
        "status_label": status_labels.get(c.status, ""),
        "narrative": c.narrative,
        "countries": ";".join(c.countries),
        "country_names": ";".join(names[code] for code in c.countries),
    }


EMPTY_ANSWER = dict.fromkeys(
    (
        "instrument_id",
        "instrument_number",
        "instrument_text",
        "instrument_kind",
        "instrument_kind_label",
        "by_sex",
        "women",
        "men",
        "other",
        "total",
        "share_of_women",
        "value",
    )
) | {"answer": "", "unit": "", "note": ""}


def _correction(c: Contribution) -> dict[str, Any]:
    """Withdrawn contributions are not in the files at all (Contribution.objects.public())."""
    corrected = timezone.localdate(c.corrected_at).isoformat() if c.corrected_at else None
    return {"correction_note": c.correction_note if corrected else "", "corrected_on": corrected}


def _instrument_part(instrument: Instrument, lang: str) -> dict[str, Any]:
    return {
        **EMPTY_ANSWER,
        "instrument_id": instrument.pk,
        "instrument_number": instrument.position,
        "instrument_text": translated(instrument, "text", lang).text,
        "instrument_kind": instrument.kind,
        "instrument_kind_label": str(instrument.get_kind_display()),
        "by_sex": instrument.by_sex,
    }


def _answer(instrument: Instrument, m: Measurement | None, part: dict[str, Any]) -> dict[str, Any]:
    """The answer's columns; `part`, the instrument's (_instrument_part)."""
    if m is None:
        return part
    row = dict(part)
    m.instrument = instrument
    row.update(answer=m.text, unit=m.unit, note=m.note)
    if instrument.kind == Instrument.Kind.QUANTITATIVE:
        if instrument.by_sex:
            row.update(
                women=m.women,
                men=m.men,
                other=m.other,
                total=_number(m.total),
                share_of_women=round(m.share_of_women, 6) if m.share_of_women is not None else None,
            )
        else:
            row["value"] = _number(m.value)
    return row


# What the rows read of a contribution: its line, department and round come from the plan's
# own objects, read once, rather than a copy of each joined to every one of its rows.
_CONTRIBUTION_COLUMNS = (
    "round_id",
    "action_id",
    "department_id",
    "status",
    "narrative",
    "countries",
    "corrected_at",
    "correction_note",
)


def round_rows(plan: Plan, rounds: list[Round]) -> dict[int, list[dict[str, Any]]]:
    """Per round, its rows in plan order: every published contribution once per instrument of its
    line (a line without instrument gives one row). Six queries at most, whatever the number of rounds.

    What a row repeats (its round's, line's, department's and instrument's columns) is made once
    and copied: a round of two hundred contributions made each label again for each of its rows."""
    lang = (get_language() or "en").split("-")[0]
    ids = [r.pk for r in rounds]
    by_id = {r.pk: r for r in rounds}
    for round_ in rounds:
        round_.plan = plan  # the rounds are the plan's: no query for each
    contributions = list(
        Contribution.objects.public()
        .filter(round_id__in=ids)
        .only(*_CONTRIBUTION_COLUMNS)
        .order_by("round_id", "action__goal__number", "action__position", "department__code")
    )
    actions = {a.pk: a for a in Action.objects.filter(plan=plan).select_related("goal__objective")}
    departments = Department.objects.select_related("parent").in_bulk({c.department_id for c in contributions})
    # By the ids read rather than a subquery, which PostgreSQL ran as a scan of every plan's
    # measurements; unordered (a dict), where Measurement's default order joins up to the plan.
    answers: dict[tuple[int, int], Measurement] = {
        (m.contribution_id, m.instrument_id): m
        for m in Measurement.objects.filter(contribution_id__in=[c.pk for c in contributions]).order_by()
    }
    instruments: dict[int, list[Instrument]] = defaultdict(list)
    for i in Instrument.objects.filter(action__plan=plan).order_by("action_id", "position"):
        instruments[i.action_id].append(i)
    # A round opened before the plan's latest amendment shows the lines and instruments of its
    # version (plans/versions.py); the others, those in force.
    plan_versions = list(PlanVersion.objects.filter(plan=plan))
    by_pk = {v.pk: v for v in plan_versions}
    old = versions.superseded([by_pk.get(r.plan_version_id) for r in rounds], plan_versions)
    status_labels = {value: str(label) for value, label in Contribution.Status.choices}
    country_names: dict[str, str] = {}
    round_parts = {r.pk: _round_part(r) for r in rounds}
    department_parts = {pk: _department_part(d, lang) for pk, d in departments.items()}
    line_parts: dict[tuple[int, int], dict[str, Any]] = {}
    asked: dict[tuple[int, int], list[tuple[Instrument, dict[str, Any]]]] = {}
    rows: dict[int, list[dict[str, Any]]] = {pk: [] for pk in ids}
    for c in contributions:
        round_ = by_id[c.round_id]
        version = by_pk[round_.plan_version_id] if round_.plan_version_id in old else None
        key = (version.pk if version else 0, c.action_id)
        if key not in line_parts:
            line_parts[key] = _line_part(actions[c.action_id], version, lang)
            line = versions.asked(instruments.get(c.action_id, []), round_.plan_version_id, version)
            asked[key] = [(i, _instrument_part(i, lang)) for i in line]
        base = {
            **round_parts[c.round_id],
            **line_parts[key],
            **department_parts[c.department_id],
            **_contribution_part(c, status_labels, country_names),
        }
        tail = _correction(c)
        for instrument, part in asked[key] or [(None, EMPTY_ANSWER)]:
            answer = part if instrument is None else _answer(instrument, answers.get((c.pk, instrument.pk)), part)
            rows[c.round_id].append({**base, **answer, **tail})
    return rows
