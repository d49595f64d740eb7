"""The totals parliament and the UN ask for, computed from approved answers: money by year,
currency and channel with the share marked on the OECD-DAC gender equality policy marker; people
counted by sex; counts by unit; per line, objective, department, country and year.

Every reader (the portal, the report to parliament, open data, the API) starts from the same flat
rows (`figure_rows`): one per measurement (`country` empty: the whole figure) and one per row of
its breakdown by country. Totals then sum rows of one kind of figure only: amounts per currency
(never across currencies), people per unit, counts per unit. A share or a free number is never
summed; a share's parts are (numerator and denominator of the same instrument).

Two queries whatever the size: the measurements with their context, then their countries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Q, QuerySet

from naptrack.reporting.models import Contribution, Measurement

SUMMED_KINDS = ("by-sex", "count", "money", "share")
MARKED = (1, 2)


@dataclass(frozen=True)
class FigureRow:
    """One figure: a measurement's whole (country "") or its part for one country."""

    year: int
    round_id: int
    objective: int
    action: str
    action_id: int
    department: str
    department_id: int
    instrument_id: int
    instrument_position: int
    kind: str  # "by-sex", "count", "money", "share", "quantitative"
    unit: str
    country: str
    women: int | None = None
    men: int | None = None
    other: int | None = None
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    currency: str = ""
    marker: int | None = None
    channel: str = ""

    @property
    def people(self) -> int | Decimal | None:
        """A count by sex's whole: the total given, else the sum of the parts."""
        if self.value is not None:
            return self.value
        parts = [n for n in (self.women, self.men, self.other) if n is not None]
        return sum(parts) if parts else None


def measurements_in(contributions: QuerySet[Contribution]) -> QuerySet[Measurement]:
    """The approved numeric answers of `contributions` (already scoped by the caller: a plan, the
    public, a department), with what the rows need, countries prefetched."""
    return _with_context(
        Measurement.objects.filter(contribution__in=contributions.filter(state=Contribution.State.APPROVED))
    )


def measurements_of(contribution_ids: list[int]) -> QuerySet[Measurement]:
    """measurements_in for contributions the caller listed by id, approved (one plan's: a list
    of some thousands at most). The subquery of measurements_in joined to the context makes more
    tables than PostgreSQL's join_collapse_limit (8): it keeps the written join order and scans
    every plan's measurements; a list of ids (one parameter: core/lookups.py) lets it start from the
    contributions' index."""
    return _with_context(Measurement.objects.filter(contribution_id__among=contribution_ids))


def measurements_listed(measurement_ids: list[int]) -> QuerySet[Measurement]:
    """The measurements named (a page of them), with what their figure rows read and no more:
    the texts of the line, goal, objective, instrument and round in four languages were most of
    what the joined rows brought back and made into objects (the API's figures, a page of twenty:
    about a third of the request)."""
    return _with_context(Measurement.objects.filter(pk__in=measurement_ids)).only(*LISTED)


# What figure_rows and the API's figure records read of a measurement and its context.
LISTED = (
    *("contribution", "instrument", "unit", "currency", "marker", "channel"),
    *("women", "men", "other", "value", "numerator", "denominator"),
    *("instrument__by_sex", "instrument__kind", "instrument__position", "instrument__unit"),
    *(f"instrument__unit_{code}" for code in settings.MODELTRANSLATION_LANGUAGES),
    *("contribution__round", "contribution__action", "contribution__department"),
    *("contribution__round__year", "contribution__round__kind", "contribution__round__plan"),
    *("contribution__action__code", "contribution__action__goal", "contribution__department__code"),
    *("contribution__action__goal__objective", "contribution__action__goal__objective__number"),
)


def _with_context(measurements: QuerySet[Measurement]) -> QuerySet[Measurement]:
    return (
        measurements.filter(Q(instrument__kind__in=("count", "money", "share", "quantitative")))
        .select_related(
            "instrument",
            "contribution__round",
            "contribution__department",
            "contribution__action__goal__objective",
        )
        .prefetch_related("countries")
        # The id last: rows of one line (its departments, its instruments) come in the same order
        # in every file built from them (a plan's figures.csv and its archive's, on PostgreSQL too).
        .order_by(
            "contribution__round__year", "contribution__action__goal__number", "contribution__action__position", "pk"
        )
    )


def figure_rows(measurements: Iterable[Measurement]) -> list[FigureRow]:
    rows: list[FigureRow] = []
    for m in measurements:
        instrument, c = m.instrument, m.contribution
        kind = "by-sex" if instrument.by_sex else instrument.kind
        common = {
            "year": c.round.year,
            "round_id": c.round_id,
            "objective": c.action.goal.objective.number,
            "action": c.action.code,
            "action_id": c.action_id,
            "department": c.department.code,
            "department_id": c.department_id,
            "instrument_id": instrument.pk,
            "instrument_position": instrument.position,
            "kind": kind,
            "unit": m.unit or instrument.unit,
            "currency": m.currency if kind == "money" else "",
            "marker": m.marker if kind == "money" else None,
            "channel": m.channel if kind == "money" else "",
        }
        whole = FigureRow(
            **common,
            country="",
            women=m.women,
            men=m.men,
            other=m.other,
            value=m.value,
            numerator=m.numerator,
            denominator=m.denominator,
        )
        if whole.value is None and all(v is None for v in (m.women, m.men, m.other, m.numerator, m.denominator)):
            continue
        rows.append(whole)
        for part in m.countries.all():
            rows.append(
                FigureRow(
                    **common,
                    country=part.country,
                    women=part.women,
                    men=part.men,
                    other=part.other,
                    value=part.value,
                    numerator=part.numerator,
                    denominator=part.denominator,
                )
            )
    return rows


@dataclass
class MoneyTotal:
    currency: str
    amount: Decimal = Decimal(0)
    marked: Decimal = Decimal(0)  # of which marked 1 or 2 on the gender marker
    by_channel: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    by_marker: dict[int | None, Decimal] = field(default_factory=lambda: defaultdict(Decimal))

    @property
    def marked_share(self) -> float | None:
        return float(self.marked / self.amount) if self.amount else None


@dataclass
class PeopleTotal:
    unit: str
    women: int = 0
    men: int = 0
    other: int = 0
    total: Decimal = Decimal(0)

    @property
    def share_of_women(self) -> float | None:
        return float(self.women) / float(self.total) if self.total else None


@dataclass
class CountTotal:
    unit: str
    value: Decimal = Decimal(0)


@dataclass
class Totals:
    """The totals of a set of figure rows, each list in a stable order."""

    money: list[MoneyTotal]
    people: list[PeopleTotal]
    counts: list[CountTotal]

    @property
    def is_empty(self) -> bool:
        return not (self.money or self.people or self.counts)


def totals(rows: Iterable[FigureRow]) -> Totals:
    """Sum `rows` (all whole figures, or all one country's parts: the caller picks, summing a
    whole and its parts would count twice)."""
    money: dict[str, MoneyTotal] = {}
    people: dict[str, PeopleTotal] = {}
    counts: dict[str, CountTotal] = {}
    for r in rows:
        if r.kind == "money" and r.value is not None and r.currency:
            t = money.setdefault(r.currency, MoneyTotal(r.currency))
            t.amount += r.value
            t.by_channel[r.channel] += r.value
            t.by_marker[r.marker] += r.value
            if r.marker in MARKED:
                t.marked += r.value
        elif r.kind == "by-sex" and r.people is not None:
            p = people.setdefault(r.unit, PeopleTotal(r.unit))
            p.women += r.women or 0
            p.men += r.men or 0
            p.other += r.other or 0
            p.total += Decimal(r.people)
        elif r.kind == "count" and r.value is not None:
            c = counts.setdefault(r.unit, CountTotal(r.unit))
            c.value += r.value
    return Totals(
        money=sorted(money.values(), key=lambda t: t.currency),
        people=sorted(people.values(), key=lambda t: t.unit),
        counts=sorted(counts.values(), key=lambda t: t.unit),
    )


def wholes(rows: Iterable[FigureRow]) -> list[FigureRow]:
    return [r for r in rows if not r.country]


def of_country(rows: Iterable[FigureRow], country: str) -> list[FigureRow]:
    return [r for r in rows if r.country == country]


def by(rows: Iterable[FigureRow], key: str) -> dict[object, Totals]:
    """Totals of the whole figures grouped by `key` (year, objective, action, department), or,
    for key "country", of the countries' parts by country; keys in sorted order."""
    groups: dict[object, list[FigureRow]] = defaultdict(list)
    for r in rows:
        if key == "country":
            if r.country:
                groups[r.country].append(r)
        elif not r.country:
            groups[getattr(r, key)].append(r)
    return {k: totals(groups[k]) for k in sorted(groups, key=str)}


def by_year(rows: Iterable[FigureRow]) -> dict[int, Totals]:
    return by(rows, "year")  # type: ignore[return-value]
