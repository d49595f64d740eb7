"""The totals of the figures in the report: money per currency (never summed across currencies)
with its funding channels and the share marked on the OECD-DAC gender equality policy marker,
people counted by sex and counts, per unit; for the round's year, earlier years beside it, and
each focus country's part.

The sums are naptrack.reporting.totals' on the rows the report's source read (Source.figures):
no query here. Every number is written in the report's language, so the writers only lay out
tables of text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.utils.translation import gettext as _

from naptrack.publications.content.formatting import number, percent, round_label, translated
from naptrack.publications.content.loading import Source
from naptrack.publications.content.tree import SOURCE_LANGUAGE, FigureTable, FigureTotals, Text
from naptrack.reporting import totals as t
from naptrack.reporting.models import Measurement

Unit = Callable[[str], Text]


def _units(source: Source, lang: str) -> Unit:
    """A unit as the rows hold it (the instrument's, in the source language, or the one a
    department gave) in the report's language: the plan's translation when there is one."""
    known: dict[str, Text] = {}
    for instruments in source.instruments.values():
        for i in instruments:
            unit = getattr(i, f"unit_{SOURCE_LANGUAGE}", None) or ""
            if unit and unit not in known:
                known[unit] = translated(i, "unit", lang)
    return lambda unit: known.get(unit) or Text(unit)


def _channels(money: Iterable[t.MoneyTotal]) -> list[tuple[str, str]]:
    """The funding channels any of the currencies has, in the model's order, "not given" last."""
    used = {channel for m in money for channel, amount in m.by_channel.items() if amount}
    columns = [(c.value, str(c.label)) for c in Measurement.Channel if c.value in used]
    if "" in used:
        columns.append(("", _("channel not given")))
    return columns


def _money_table(caption: str, money: list[t.MoneyTotal]) -> FigureTable:
    channels = _channels(money)
    head = [
        _("Currency"),
        _("Amount"),
        *(_("of which %(channel)s") % {"channel": label} for _key, label in channels),
        _("Marked 1 or 2 on the gender marker"),
        _("Share marked 1 or 2"),
    ]
    rows: list[list[str | Text]] = [
        [
            m.currency,
            number(m.amount),
            *(number(m.by_channel.get(key)) for key, _label in channels),
            number(m.marked),
            percent(m.marked_share),
        ]
        for m in money
    ]
    return FigureTable(caption, head, rows)


def _people_head() -> list[str]:
    return [_("Women"), _("Men"), _("Other or not recorded"), _("Total"), _("Share of women")]


def _people_cells(p: t.PeopleTotal) -> list[str | Text]:
    return [number(p.women), number(p.men), number(p.other), number(p.total), percent(p.share_of_women)]


def _tables(totals: t.Totals, unit: Unit, what: str) -> list[FigureTable]:
    """The money, people and counts tables of one set of totals; `what` ends the captions
    ("in 2015", "in Mali in 2015")."""
    tables = []
    if totals.money:
        tables.append(_money_table(_("Money reported %(what)s, by currency") % {"what": what}, totals.money))
    if totals.people:
        tables.append(
            FigureTable(
                _("People counted by sex %(what)s") % {"what": what},
                [_("Unit"), *_people_head()],
                [[unit(p.unit), *_people_cells(p)] for p in totals.people],
            )
        )
    if totals.counts:
        tables.append(
            FigureTable(
                _("Counts reported %(what)s") % {"what": what},
                [_("Unit"), _("Number")],
                [[unit(c.unit), number(c.value)] for c in totals.counts],
            )
        )
    return tables


def _history(source: Source, unit: Unit) -> list[FigureTable]:
    """Each year's totals beside this year's, when an earlier round the report shows has figures."""
    rounds = [*source.earlier, source.round]
    grouped = t.by(source.figures, "round_id")
    if not any(r.pk in grouped for r in source.earlier):
        return []
    years = [(round_label(r), grouped[r.pk]) for r in rounds if r.pk in grouped]
    tables = []
    money = [[label, m.currency, number(m.amount), percent(m.marked_share)] for label, y in years for m in y.money]
    if money:
        head = [_("Year"), _("Currency"), _("Amount"), _("Share marked 1 or 2")]
        tables.append(FigureTable(_("Money by year and currency"), head, money, labels=2))
    people = [[label, unit(p.unit), *_people_cells(p)] for label, y in years for p in y.people]
    if people:
        tables.append(
            FigureTable(_("People counted by sex, by year"), [_("Year"), _("Unit"), *_people_head()], people, labels=2)
        )
    counts = [[label, unit(c.unit), number(c.value)] for label, y in years for c in y.counts]
    if counts:
        tables.append(FigureTable(_("Counts by year"), [_("Year"), _("Unit"), _("Number")], counts, labels=2))
    return tables


def _this_round(source: Source) -> list[t.FigureRow]:
    return [r for r in source.figures if r.round_id == source.round.pk]


def build_figures(source: Source, lang: str) -> FigureTotals:
    """The report's totals, at the end of its summary."""
    year = round_label(source.round)
    unit = _units(source, lang)
    if source.draft:
        scope = _(
            "Totals of the figures in this draft's approved contributions for %(year)s, internal ones included; "
            "a contribution is counted once it is approved."
        )
    else:
        scope = _("Totals of the figures in the approved contributions published in this report for %(year)s.")
    method = _(
        "Amounts are added up per currency, never converted from one into another. The share marked is the part "
        "of the amount marked 1 (significant) or 2 (principal objective) on the OECD-DAC gender equality policy "
        "marker."
    )
    tables = _tables(t.totals(t.wholes(_this_round(source))), unit, _("in %(year)s") % {"year": year})
    tables += _history(source, unit)
    return FigureTotals(
        anchor="figures",
        title=_("Figures in %(year)s") % {"year": year},
        intro=f"{scope % {'year': year}} {method}",
        tables=tables,
        none="" if tables else _("No figures were reported for %(year)s.") % {"year": year},
    )


def country_figures(source: Source, lang: str, code: str, name: str) -> FigureTotals:
    """A focus country's part of the round's figures, from the breakdowns by country."""
    year = round_label(source.round)
    what = _("in %(country)s in %(year)s") % {"country": name, "year": year}
    tables = _tables(t.totals(t.of_country(_this_round(source), code)), _units(source, lang), what)
    return FigureTotals(
        anchor=f"country-{code.lower()}-figures",
        title=_("Figures %(what)s") % {"what": what},
        intro=_("The part of the departments' figures they attributed to %(country)s.") % {"country": name},
        tables=tables,
        none="" if tables else _("No figures reported %(what)s.") % {"what": what},
    )
