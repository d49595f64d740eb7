"""An answer drafted from what departments reported: the approved, public contributions of the
lines and instruments a question is linked to, in the rounds whose year the request covers, and
the approved replies to the targeted questions put about it.

Only approved and public content is drafted, so that a draft never carries an internal item into
a pack that may be published; approved internal contributions are counted beside the draft, for
the coordinator to consult on the line's page. Figures are summed by sex across departments, each
department's share shown; amounts of money per currency and counts per unit, apart; shares, free
numbers and yes/no answers are quoted as said; narratives are quoted with their department and line.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from naptrack.core.numbers import json_number
from naptrack.international.models import Answer, Mapping, Question, Request, TargetedQuestion
from naptrack.reporting.models import Contribution, Measurement

QUOTE_MAX = 1500


def _contributions(request: Request, action_ids: set[int]) -> list[Contribution]:
    contributions = Contribution.objects.filter(
        action_id__in=action_ids,
        round__year__gte=request.period_start,
        round__year__lte=request.period_end,
        state="approved",
        withdrawn_at__isnull=True,
    )
    if request.visibility == Request.Visibility.PUBLIC:
        # A published pack is public as it is redrafted: it may draw only on published rounds, as
        # it had to when it was published (services.requests._check_rounds_published).
        contributions = contributions.filter(round__state="published")
    return list(
        contributions.select_related("action", "department", "round")
        .prefetch_related(Prefetch("measurements", queryset=Measurement.objects.select_related("instrument")))
        .order_by(
            "round__year",
            "action__goal__objective__number",
            "action__goal__number",
            "action__position",
            "department__code",
        )
    )


def draft_answers(request: Request, answers: list[Answer]) -> None:
    """Fill each answer's draft (and, where the coordinator has not edited it, its final text and
    figures) from the data. A constant number of queries, whatever the number of questions."""
    question_ids = [a.question_id for a in answers]
    mappings = list(Mapping.objects.filter(question_id__in=question_ids).select_related("instrument").order_by("pk"))
    by_question: dict[int, list[Mapping]] = defaultdict(list)
    for mapping in mappings:
        by_question[mapping.question_id].append(mapping)
    action_ids = {m.action_id or m.instrument.action_id for m in mappings}
    contributions = _contributions(request, action_ids) if action_ids else []
    replies: dict[int, list[TargetedQuestion]] = defaultdict(list)
    for reply in TargetedQuestion.objects.filter(answer__in=answers, state="approved").select_related("department"):
        replies[reply.answer_id].append(reply)
    for answer in answers:
        answer.draft = _draft(answer.question, by_question[answer.question_id], contributions, replies[answer.pk])
        answer.flagged = not answer.draft["sources"]
        if not answer.edited:
            _follow_draft(answer)


def _draft(
    question: Question, mappings: list[Mapping], contributions: list[Contribution], replies: list[TargetedQuestion]
) -> dict[str, Any]:
    lines = {m.action_id for m in mappings if m.action_id}
    instruments = {m.instrument_id for m in mappings if m.instrument_id}
    instrument_lines = {m.instrument.action_id for m in mappings if m.instrument_id}
    figures: dict[str, dict[str, Any]] = {}
    money: dict[str, dict[str, Decimal]] = {}
    counts: dict[str, Decimal] = {}
    quotes: list[dict[str, str]] = []
    sources: list[dict[str, str]] = []
    countries: set[str] = set()
    internal = 0
    for contribution in contributions:
        if contribution.action_id not in lines and contribution.action_id not in instrument_lines:
            continue
        if contribution.visibility != "public":
            internal += 1
            continue
        department = contribution.department
        used = contribution.action_id in lines and bool(contribution.narrative.strip())
        answers = []
        for measurement in contribution.measurements.all():
            if measurement.instrument_id not in instruments or measurement.is_empty:
                continue
            used = True
            said = _said(measurement)
            if said:
                answers.append(_quote(contribution, said))
            _add_figures(figures, money, counts, department.code, str(department), measurement)
        # The narrative is the department's own account of what the figures measure.
        if used and contribution.narrative.strip():
            quotes.append(_quote(contribution, contribution.narrative))
        quotes.extend(answers)
        if used:
            countries.update(contribution.countries or [])
            source = {
                "line": contribution.action.code,
                "department": str(department),
                "round": str(contribution.round),
                "round_id": contribution.round_id,
            }
            if source not in sources:
                sources.append(source)
    for reply in replies:
        name = str(reply.department)
        if reply.reply.strip():
            quotes.append(
                {
                    "department": name,
                    "line": "",
                    "round": _("reply to a targeted question"),
                    "text": reply.reply.strip()[:QUOTE_MAX],
                }
            )
        if any(v is not None for v in (reply.women, reply.men, reply.other, reply.value)):
            _add(
                figures,
                reply.department.code,
                name,
                reply.women,
                reply.men,
                reply.other,
                reply.value if reply.value is not None else None,
            )
        sources.append({"line": "", "department": name, "round": _("reply to a targeted question")})
    return {
        "figures": _totals(figures),
        "by_department": list(figures.values()),
        # Amounts per currency, never added across currencies nor to the people counted.
        "money": [
            {
                "currency": currency,
                "amount": json_number(t["amount"]),
                "marked": round(float(t["marked"] / t["amount"]), 4) if t["amount"] else None,
            }
            for currency, t in sorted(money.items())
        ],
        "counts": [{"unit": unit, "value": json_number(value)} for unit, value in sorted(counts.items())],
        "quotes": quotes,
        "countries": sorted(countries),
        "sources": sources,
        "internal": internal,
    }


def _quote(contribution: Contribution, text: str) -> dict[str, str]:
    return {
        "department": str(contribution.department),
        "line": contribution.action.code,
        "round": str(contribution.round),
        "text": text.strip()[:QUOTE_MAX],
    }


def _said(measurement: Measurement) -> str:
    """The answer's text, led by its figure where the figure is a statement rather than a number
    to add up: a share, a yes or a no."""
    text = measurement.text.strip()
    kind = measurement.instrument.kind
    lead = ""
    if kind == "quantitative" and not measurement.instrument.by_sex and measurement.value is not None:
        # A free number (a ratio, a change in percentage) is said, never added to anything.
        unit = measurement.unit or measurement.instrument.unit
        lead = f"{json_number(measurement.value)} {unit}".strip() + "."
    elif kind == "yes-no" and measurement.yes is not None:
        lead = _("Yes.") if measurement.yes else _("No.")
    elif kind == "share" and measurement.value is not None:
        lead = _("%(percent)s %%.") % {"percent": json_number(measurement.value.quantize(Decimal("0.1")))}
        if measurement.numerator is not None and measurement.denominator is not None:
            lead = _("%(percent)s %% (%(numerator)s of %(denominator)s).") % {
                "percent": json_number(measurement.value.quantize(Decimal("0.1"))),
                "numerator": json_number(measurement.numerator),
                "denominator": json_number(measurement.denominator),
            }
    return f"{lead} {text}".strip()


def _add_figures(figures: dict, money: dict, counts: dict, code: str, name: str, measurement: Measurement) -> None:
    kind = measurement.instrument.kind
    if measurement.instrument.by_sex:
        total = measurement.total
        _add(figures, code, name, measurement.women, measurement.men, measurement.other, total)
    elif kind == "money" and measurement.value is not None and measurement.currency:
        t = money.setdefault(measurement.currency, {"amount": Decimal(0), "marked": Decimal(0)})
        t["amount"] += measurement.value
        if measurement.marker in (1, 2):
            t["marked"] += measurement.value
    elif kind == "count" and measurement.value is not None:
        # A count of something (trainings, projects) is summed with counts of the same unit,
        # never with the people counted by sex.
        unit = measurement.unit or measurement.instrument.unit
        counts[unit] = counts.get(unit, Decimal(0)) + measurement.value


def _add(figures: dict, code: str, name: str, women, men, other, total) -> None:
    row = figures.setdefault(code, {"department": name, "women": None, "men": None, "other": None, "total": None})
    for key, value in (("women", women), ("men", men), ("other", other), ("total", total)):
        if value is not None:
            row[key] = json_number((row[key] or 0) + value)
    if total is None and any(v is not None for v in (women, men, other)):
        row["total"] = json_number((row["total"] or 0) + sum(v or 0 for v in (women, men, other)))


def _totals(figures: dict) -> dict[str, Any]:
    totals: dict[str, Any] = {"women": None, "men": None, "other": None, "total": None}
    for row in figures.values():
        for key in totals:
            if row[key] is not None:
                totals[key] = json_number((totals[key] or 0) + row[key])
    for row in figures.values():
        row["share"] = round(row["total"] / totals["total"], 4) if row["total"] and totals["total"] else None
    return totals


def draft_text(draft: dict[str, Any]) -> str:
    """The draft's quotes as the first version of the final answer, each with its department."""
    parts = []
    for quote in draft.get("quotes", []):
        where = f"{quote['department']}, {quote['line']}" if quote["line"] else quote["department"]
        parts.append(f"{quote['text']} ({where})")
    return "\n\n".join(parts)


def _follow_draft(answer: Answer) -> None:
    figures = answer.draft["figures"]
    answer.text = draft_text(answer.draft)
    answer.women, answer.men, answer.other = figures["women"], figures["men"], figures["other"]
    answer.total = Decimal(str(figures["total"])) if figures["total"] is not None else None


def lines_answering(action) -> Q:
    """The questions linked to a line of action, directly or through one of its instruments."""
    return Q(mappings__action=action) | Q(mappings__instrument__action=action)
