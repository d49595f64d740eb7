"""The public's figures and their totals, for the portal's pages, open data and the API: the
flat rows of naptrack.reporting.totals drawn from published contributions only
(Contribution.objects.public()), with what each reader needs beside them (the round's kind, the
plan, the line of action).

Amounts are totalled per currency, never across currencies (totals.totals does so); this module
only groups the rows and writes them out. A fixed number of queries whatever the data.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, DecimalField, F, Q, QuerySet, Sum, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy
from django_countries import countries as all_countries
from modeltranslation.utils import build_localized_fieldname, get_language

from naptrack.core.numbers import json_number
from naptrack.plans.models import Action, Plan
from naptrack.portal.opendata import Column
from naptrack.reporting import totals
from naptrack.reporting.models import Contribution, CountryFigure, Measurement, Round
from naptrack.reporting.queries import public_lookups
from naptrack.reporting.totals import FigureRow, Totals

FORMAT = "naptrack-figures/1"
FORMATS = ("csv", "xlsx", "json")
GROUPS = ("year", "objective", "department", "country", "action")
KINDS = ("by-sex", "count", "money", "share", "quantitative")


@dataclass
class Figure:
    """A figure row with its context: the round it was reported in, its plan and line."""

    row: FigureRow
    round: Round
    plan_slug: str
    action: Action


@dataclass
class Figures:
    """The published figures of a scope (a plan, an objective), in the order of totals.measurements_in."""

    items: list[Figure] = field(default_factory=list)

    @property
    def rows(self) -> list[FigureRow]:
        return [f.row for f in self.items]


def published(contributions: QuerySet[Contribution], plans: dict[int, str] | None = None) -> Figures:
    """The figures of the public part of `contributions`: two queries (three with `plans` None and
    the plan slugs wanted: the caller passes {plan id: slug} when it knows them)."""
    return _figures(totals.measurements_in(contributions.public()), plans)


def _listed(contributions: QuerySet[Contribution], plans: dict[int, str]) -> Figures:
    """`published` for one plan's contributions, read by their ids first (three queries; see
    totals.measurements_of)."""
    return _figures(totals.measurements_of(_ids(contributions)), plans)


def _figures(measurements: Iterable[Measurement], plans: dict[int, str] | None) -> Figures:
    items = []
    for m in measurements:
        c = m.contribution
        slug = (plans or {}).get(c.round.plan_id, "")
        for row in totals.figure_rows([m]):
            items.append(Figure(row=row, round=c.round, plan_slug=slug, action=c.action))
    return Figures(items)


def of_plan(plan: Plan, **filters: Any) -> Figures:
    """A plan's figures; `filters` on its contributions (round__year, department__code, ...)."""
    return _listed(Contribution.objects.filter(round__plan=plan, **filters), {plan.pk: plan.slug})


def of_objective(plan: Plan, number: int) -> Figures:
    return of_plan(plan, action__goal__objective__number=number)


def of_every_plan() -> Figures:
    plans = dict(Plan.objects.values_list("pk", "slug"))
    return published(Contribution.objects.all(), plans)


class FigurePages:
    """A plan's figures as a sequence that Django's Paginator pages without building them all:
    its length and each measurement's place come from one light query (the measurements' ids and
    number of rows, in the order of totals.measurements_in, then by id), and a slice builds the
    figures of the measurements it covers only (two queries: totals.measurements_listed). `kind`
    and `country` keep the rows of that kind or of that country's parts, as the API filters."""

    def __init__(self, plan: Plan, *, kind: str = "", country: str = "", **filters: Any) -> None:
        self.plan, self.kind, self.country = plan, kind, country
        wanted = _of_public(plan, **filters) & Q(instrument__kind__in=KINDS)
        if kind == "by-sex":
            wanted &= Q(instrument__by_sex=True)
        elif kind:
            wanted &= Q(instrument__kind=kind, instrument__by_sex=False)
        filled = Q()
        for name in ("value", "women", "men", "other", "numerator", "denominator"):
            filled |= Q(**{f"{name}__isnull": False})
        parts = Count("countries", filter=Q(countries__country=country)) if country else Count("countries")
        counted = (
            Measurement.objects.filter(wanted & filled)
            .annotate(parts=parts)
            .order_by(
                "contribution__round__year",
                "contribution__action__goal__number",
                "contribution__action__position",
                "pk",
            )
            .values_list("pk", "parts")
        )
        # Each measurement's rows: its whole and its parts (only the parts of `country` if given).
        self.spans = [(pk, n if country else n + 1) for pk, n in counted]
        self.total = sum(n for _pk, n in self.spans)

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, window: slice) -> list[Figure]:
        start, stop, _step = window.indices(self.total)
        wanted, first, offset = [], None, 0
        for pk, n in self.spans:
            if offset + n > start and offset < stop and n:
                first = offset if first is None else first
                wanted.append(pk)
            offset += n
        if not wanted:
            return []
        order = {pk: i for i, pk in enumerate(wanted)}
        measurements = sorted(totals.measurements_listed(wanted), key=lambda m: order[m.pk])
        items = [
            f
            for f in _figures(measurements, {self.plan.pk: self.plan.slug}).items
            if (not self.kind or f.row.kind == self.kind) and (not self.country or f.row.country == self.country)
        ]
        return items[start - first : stop - first]


# --- totals summed by the database ---------------------------------------------------------------

# Where each key of totals.by is read, from a measurement.
SUM_KEYS = {
    "year": "contribution__round__year",
    "objective": "contribution__action__goal__objective__number",
    "department": "contribution__department__code",
    "action": "contribution__action__code",
}


def public_ids(plan: Plan, **filters: Any) -> list[int]:
    """The ids of a plan's public contributions; `filters` as of_plan's (one query)."""
    return _ids(Contribution.objects.filter(round__plan=plan, **filters))


def _ids(contributions: QuerySet[Contribution]) -> list[int]:
    # Unordered: the ids are a set to the queries that take them, and a contribution's default
    # ordering joined five tables to the read (PostgreSQL, a plan's history: 6.1 -> 1 ms).
    return list(contributions.public().order_by().values_list("pk", flat=True))


def _of_public(plan: Plan, prefix: str = "", **filters: Any) -> Q:
    """The measurements (at `prefix`: "measurement__" from a country's part) of a plan's public
    contributions, `filters` on those: joined to them rather than by a list of their ids read
    first, one query less, and both databases' planners start from the plan's published rounds
    (the API's figures at 100 x 10 on PostgreSQL: 20 -> 15 ms)."""
    at = f"{prefix}contribution__"
    # A filter on a condition of what is public is a TypeError here (a keyword twice), never a
    # condition replaced.
    return Q(**public_lookups(at), **{f"{at}round__plan": plan}, **{f"{at}{name}": v for name, v in filters.items()})


def summed(plan: Plan, key: str, ids: list[int] | None = None) -> list[FigureRow]:
    """totals.by(of_plan(plan).rows, key) without building every figure: the database sums the
    figures that totals.totals would add together (same key, kind, unit, currency, channel and
    marker), and each sum comes back as one FigureRow carrying only what totals.by and
    totals.totals read (the other fields empty). One query, rows as many as the groups;
    `ids` (public_ids) restricts it to some of the plan's contributions, read once by the caller."""
    parts = key == "country"
    m = "measurement__" if parts else ""
    scope = _of_public(plan, m) if ids is None else Q(**{f"{m}contribution_id__among": ids})
    # The figures figure_rows keeps (a measurement with something in it, its parts only then) of
    # the kinds totals.totals sums: people by sex, counts and amounts.
    measurements = scope & (
        Q(**{f"{m}instrument__by_sex": True}) | Q(**{f"{m}instrument__kind__in": ("count", "money")})
    )
    filled = Q()
    for name in ("value", "women", "men", "other", "numerator", "denominator"):
        filled |= Q(**{f"{m}{name}__isnull": False})
    people = Case(
        When(value__isnull=False, then=F("value")),
        When(
            Q(women__isnull=False) | Q(men__isnull=False) | Q(other__isnull=False),
            then=Coalesce("women", 0) + Coalesce("men", 0) + Coalesce("other", 0),
        ),
        default=None,
        output_field=DecimalField(max_digits=20, decimal_places=4),
    )
    groups = (
        (CountryFigure.objects if parts else Measurement.objects)
        .filter(measurements & filled)
        .values(
            group=F("country") if parts else F(SUM_KEYS[key]),
            by_sex=F(f"{m}instrument__by_sex"),
            kind=F(f"{m}instrument__kind"),
            unit_given=F(f"{m}unit"),
            # The instrument's unit as Python reads it (modeltranslation: the active language's,
            # else English's), not the untranslated column, which may hold another text.
            unit_shown=F(f"{m}instrument__{build_localized_fieldname('unit', get_language())}"),
            unit_en=F(f"{m}instrument__unit_en"),
            currency_given=F(f"{m}currency"),
            channel_given=F(f"{m}channel"),
            marker_given=F(f"{m}marker"),
        )
        .annotate(women_sum=Sum("women"), men_sum=Sum("men"), other_sum=Sum("other"), value_sum=Sum("value"))
        .annotate(people_sum=Sum(people))
        .order_by()
    )
    rows = []
    for g in groups:
        kind = "by-sex" if g["by_sex"] else g["kind"]
        where = {"year": 0, "objective": 0, "action": "", "department": "", "country": ""}
        where[key] = g["group"]
        rows.append(
            FigureRow(
                **where,
                round_id=0,
                action_id=0,
                department_id=0,
                instrument_id=0,
                instrument_position=0,
                kind=kind,
                unit=g["unit_given"] or g["unit_shown"] or g["unit_en"] or "",
                women=g["women_sum"],
                men=g["men_sum"],
                other=g["other_sum"],
                value=g["people_sum"] if kind == "by-sex" else g["value_sum"],
                currency=g["currency_given"] if kind == "money" else "",
                marker=g["marker_given"] if kind == "money" else None,
                channel=g["channel_given"] if kind == "money" else "",
            )
        )
    return rows


def countries_in(ids: list[int]) -> list[str]:
    """countries_with_figures(of the figures of contributions `ids`) without building them: the
    countries of the parts figure_rows keeps (of a measurement with something in it, of the kinds
    it reads). One query, a row per country."""
    filled = Q()
    for name in ("value", "women", "men", "other", "numerator", "denominator"):
        filled |= Q(**{f"measurement__{name}__isnull": False})
    found = (
        CountryFigure.objects.filter(
            filled,
            measurement__contribution_id__among=ids,
            measurement__instrument__kind__in=("count", "money", "share", "quantitative"),
        )
        .values_list("country", flat=True)
        .distinct()
        .order_by()
    )
    return sorted(set(found), key=lambda c: str(all_countries.name(c)))


# --- totals for the pages -------------------------------------------------------------------------


@dataclass
class YearTotals:
    year: int
    totals: Totals


def yearly(rows: Iterable[FigureRow]) -> list[YearTotals]:
    """Totals per year of `rows`, which the caller picks as all wholes or all one country's parts
    (summing a whole and its parts would count twice)."""
    groups: dict[int, list[FigureRow]] = defaultdict(list)
    for r in rows:
        groups[r.year].append(r)
    return [YearTotals(year, totals.totals(groups[year])) for year in sorted(groups)]


def countries_with_figures(rows: Iterable[FigureRow]) -> list[str]:
    return sorted({r.country for r in rows if r.country}, key=lambda c: str(all_countries.name(c)))


def lines_of_country(figures: Figures, country: str) -> list[Action]:
    """The lines of action with figures for `country`, in plan order."""
    lines: dict[int, Action] = {}
    for f in figures.items:
        if f.row.country == country:
            lines.setdefault(f.action.pk, f.action)
    return sorted(lines.values(), key=lambda a: (a.goal.number, a.position))


# --- one row per figure and country: open data and the API ----------------------------------------

COLUMNS = [
    Column("plan", "text", gettext_lazy("The plan's identifier (slug).")),
    Column("round_id", "integer", gettext_lazy("The reporting round's identifier, as in the API.")),
    Column("year", "integer", gettext_lazy("The year the round reports on.")),
    Column("round_kind", "text", gettext_lazy("Code of the kind of round: baseline, annual, mid-term or final.")),
    Column("objective", "integer", gettext_lazy("Number of the plan's objective.")),
    Column("action_code", "text", gettext_lazy("Code of the line of action.")),
    Column("department", "text", gettext_lazy("Code of the reporting department or unit.")),
    Column("instrument_number", "integer", gettext_lazy("Number of the monitoring instrument within its line.")),
    Column(
        "kind",
        "text",
        gettext_lazy(
            "Kind of figure: by-sex (people counted by sex), count, money, share (a percentage) or quantitative "
            "(a number with its unit)."
        ),
    ),
    Column("unit", "text", gettext_lazy("What is counted or measured (people trained, trainings, ...).")),
    Column(
        "country",
        "text",
        gettext_lazy(
            "ISO 3166-1 alpha-2 code of the country this part of the figure concerns; empty for the whole figure. "
            "Sum the whole figures, or the parts of one country, never both."
        ),
    ),
    Column("women", "integer", gettext_lazy("Number of women (figures by sex).")),
    Column("men", "integer", gettext_lazy("Number of men (figures by sex).")),
    Column("other", "integer", gettext_lazy("Number of people of another or unrecorded sex (figures by sex).")),
    Column(
        "value",
        "number",
        gettext_lazy(
            "The figure: the amount of money (in the currency of the currency column), the count, the number, or "
            "for figures by sex the total of people given; empty for shares (see percentage)."
        ),
    ),
    Column(
        "currency",
        "text",
        gettext_lazy("ISO 4217 code of the amount's currency (money only). Never add amounts in different currencies."),
    ),
    Column(
        "gender_marker",
        "integer",
        gettext_lazy(
            "OECD-DAC gender equality policy marker of the amount: 0 not targeted, 1 significant, 2 principal; "
            "empty when not given (money only)."
        ),
    ),
    Column(
        "channel",
        "text",
        gettext_lazy("Funding channel: bilateral, multilateral, civil-society or other; empty when not given."),
    ),
    Column("numerator", "number", gettext_lazy("The share's numerator, when given (shares only).")),
    Column("denominator", "number", gettext_lazy("The share's denominator, when given (shares only).")),
    Column("percentage", "number", gettext_lazy("The share as a percentage between 0 and 100 (shares only).")),
]
NAMES = [c.name for c in COLUMNS]


def as_text(value: Decimal | None) -> str | None:
    """A decimal as the API writes it: a string, without trailing zeros, never a float."""
    if value is None:
        return None
    value = value.normalize()
    return str(int(value)) if value == value.to_integral_value() else format(value, "f")


def record(figure: Figure, *, decimals: Callable[[Decimal | None], Any] = json_number) -> dict[str, Any]:
    """One row of open data (numbers as numbers) or of the API (`decimals=as_text`)."""
    r = figure.row
    share = r.kind == "share"
    return {
        "plan": figure.plan_slug,
        "round_id": r.round_id,
        "year": r.year,
        "round_kind": figure.round.kind,
        "objective": r.objective,
        "action_code": r.action,
        "department": r.department,
        "instrument_number": r.instrument_position,
        "kind": r.kind,
        "unit": r.unit,
        "country": r.country,
        "women": r.women,
        "men": r.men,
        "other": r.other,
        "value": None if share else decimals(r.value),
        "currency": r.currency,
        "gender_marker": r.marker,
        "channel": r.channel,
        "numerator": decimals(r.numerator),
        "denominator": decimals(r.denominator),
        "percentage": decimals(r.value) if share else None,
    }


def records(plan: Plan | None = None) -> list[dict[str, Any]]:
    """Every plan's published figures (or one plan's) as open data rows."""
    return [record(f) for f in (of_plan(plan) if plan is not None else of_every_plan()).items]


def figures_file(fmt: str, rows: list[dict[str, Any]] | None = None) -> bytes:
    """Figures as CSV, XLSX or JSON with the licence and column sheet: `rows` (from `records`),
    every plan's by default."""
    from django.utils.translation import gettext as _

    from naptrack.portal.opendata import table_file

    rows = records() if rows is None else rows
    return table_file(fmt, format_name=FORMAT, title=_("Figures"), columns=COLUMNS, rows=rows)
