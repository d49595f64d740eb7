"""The report's annexes, as the coordinator chose them for the round (ReportTexts.annexes; all of
them when nothing was chosen): each is built from its source, and one whose source has no data is
left out rather than printed empty. Numbered in print order among those kept."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from naptrack.core.markdown import plain as markdown_plain
from naptrack.plans.models import Department, Instrument
from naptrack.publications.content.countries import country_name
from naptrack.publications.content.formatting import number, percent, round_label
from naptrack.publications.content.loading import Source
from naptrack.publications.content.tree import (
    ANNEXES,
    DASH,
    Annex,
    AnnexTable,
    DepartmentRef,
    Figures,
    Line,
    StatusDefinition,
    Text,
)
from naptrack.reporting.models import Contribution, Measurement, Round


def annex_titles() -> dict[str, str]:
    return {
        "departments": _("Departments and abbreviations"),
        "statuses": _("Status scale"),
        "previous-answers": _("Answers of the previous round"),
        "baseline": _("Baseline values"),
        "international": _("International requests answered in the year"),
        "civil-society": _("Consultations and assessments of civil society"),
        "method": _("How this report was produced"),
    }


def chosen(source: Source) -> list[str]:
    if source.texts is None:
        return list(ANNEXES)
    wanted = set(source.texts.annexes or [])
    return [key for key in ANNEXES if key in wanted]


def numbered(number: int, text: Text) -> Text:
    """ "3. <instrument's text>" in a table cell, still known as English when it falls back (the
    writers tag its language)."""
    return Text(f"{number}. {text.text}", fallback=text.fallback)


def by_sex_head() -> list[str]:
    return [_("Women"), _("Men"), _("Other or not recorded"), _("Total"), _("Share of women")]


def by_sex_cells(figures: Figures) -> list[str]:
    return [
        number(figures.women),
        number(figures.men),
        number(figures.other),
        number(figures.total),
        percent(figures.share),
    ]


def build_annexes(
    source: Source,
    *,
    lines: list[Line],
    departments: list[DepartmentRef],
    statuses: list[StatusDefinition],
    method: list[str],
    dept: Callable[[Department], DepartmentRef],
    figures_of: Callable[[Measurement, Instrument], Figures | None],
) -> list[Annex]:
    titles = annex_titles()
    makers: dict[str, Callable[[Annex], bool]] = {
        "departments": lambda annex: _departments(annex, departments),
        "statuses": lambda annex: _statuses(annex, statuses),
        "previous-answers": lambda annex: _previous_answers(annex, lines),
        "baseline": lambda annex: _baseline(annex, source, dept, figures_of),
        "international": lambda annex: _international(annex, source),
        "civil-society": lambda annex: _civil_society(annex, source),
        "method": lambda annex: _method(annex, method),
    }
    annexes: list[Annex] = []
    for key in chosen(source):
        annex = Annex(key=key, number=0, anchor=f"annex-{key}", title="")
        if not makers[key](annex):
            continue  # no data: left out, not printed empty
        annex.number = len(annexes) + 1
        annex.title = _("Annex %(number)s. %(title)s") % {"number": annex.number, "title": titles[key]}
        annexes.append(annex)
    return annexes


def _departments(annex: Annex, departments: list[DepartmentRef]) -> bool:
    annex.tables.append(
        AnnexTable(
            _("The departments responsible for the plan's lines of action"),
            [_("Abbreviation"), _("Department"), _("Part of")],
            [[ref.abbreviation or DASH, ref.name, ref.parent or DASH] for ref in departments],
        )
    )
    return bool(departments)


def _statuses(annex: Annex, statuses: list[StatusDefinition]) -> bool:
    annex.paragraphs.append(
        _("Each department gives the state of implementation of each of its lines of action on this scale.")
    )
    annex.definitions = [(s.label, s.definition) for s in statuses]
    annex.paragraphs.append(
        _(
            "Comparing with the previous round, a line moved forward when its status went up this order: not "
            "started, in progress, completed or continuous (completed and continuous rank the same); it went back "
            "when its status went down. Not applicable, no status given and no report are outside the order: "
            "they are not compared."
        )
    )
    return bool(statuses)


def _previous_answers(annex: Annex, lines: list[Line]) -> bool:
    rows = []
    label = ""
    for line in lines:
        label = label or line.previous_label
        for p in line.previous:
            what = _("Narrative") if p.instrument == 0 else numbered(p.instrument, p.instrument_text)
            # A table cell shows no formatting: a narrative's Markdown marks would print as they are.
            rows.append([line.code, p.department.name, what, markdown_plain(p.text) if p.markdown else p.text])
    if not rows:
        return False
    annex.paragraphs.append(
        _("What the departments wrote in the previous round, %(round)s, line by line.") % {"round": label}
    )
    annex.tables.append(
        AnnexTable(
            _("Qualitative answers of %(round)s") % {"round": label},
            [_("Line of action"), _("Department"), _("Answer to"), _("Answer")],
            rows,
        )
    )
    return True


def _baseline(
    annex: Annex,
    source: Source,
    dept: Callable[[Department], DepartmentRef],
    figures_of: Callable[[Measurement, Instrument], Figures | None],
) -> bool:
    baseline = next((r for r in source.earlier if r.kind == Round.Kind.BASELINE), None)
    if baseline is None:
        return False
    contributions = {c.pk: c for c in source.contributions if c.round_id == baseline.pk}
    by_sex: list[list[str]] = []
    values: list[list[str]] = []
    order = {a.pk: n for n, a in enumerate(source.actions)}
    instruments = {i.pk: i for rows in source.instruments.values() for i in rows}
    codes = {a.pk: a.code for a in source.actions}
    found: list[tuple[tuple[int, int, str], Instrument, Contribution, Figures]] = []
    for c in contributions.values():
        for m in source.measurements.get(c.pk, []):
            instrument = instruments.get(m.instrument_id)
            if instrument is None:
                continue
            figures = figures_of(m, instrument)
            if figures is None or figures.empty:
                continue
            found.append(((order.get(c.action_id, 0), instrument.position, c.department.code), instrument, c, figures))
    for _key, instrument, c, figures in sorted(found, key=lambda f: f[0]):
        head = [codes.get(c.action_id, ""), str(instrument.position), dept(c.department).name]
        if instrument.by_sex:
            by_sex.append([*head, *by_sex_cells(figures)])
        else:
            values.append([*head, number(figures.value), figures.unit])
    if not (by_sex or values):
        return False
    label = round_label(baseline)
    annex.paragraphs.append(
        _("The figures the departments gave for the baseline, %(round)s, against which the plan's progress is read.")
        % {"round": label}
    )
    first = [_("Line of action"), _("Instrument"), _("Department")]
    if by_sex:
        annex.tables.append(
            AnnexTable(_("Baseline figures by sex, %(round)s") % {"round": label}, [*first, *by_sex_head()], by_sex)
        )
    if values:
        annex.tables.append(
            AnnexTable(_("Baseline values, %(round)s") % {"round": label}, [*first, _("Value"), _("Unit")], values)
        )
    return True


def _international(annex: Annex, source: Source) -> bool:
    if not source.requests:
        return False
    rows = []
    for r in source.requests:
        framework = r.framework
        name = f"{framework.name} {framework.version}".strip()
        period = str(r.period_start) if r.period_start == r.period_end else f"{r.period_start}\u2013{r.period_end}"
        sent = date_format(r.last_sent, "DATE_FORMAT") if getattr(r, "last_sent", None) else DASH
        rows.append([name, framework.get_body_display(), r.reference or DASH, period, sent])
    annex.paragraphs.append(
        _("Requests of international bodies whose answers, drawn from this monitoring, were sent in %(year)s.")
        % {"year": source.round.year}
    )
    annex.tables.append(
        AnnexTable(
            _("International requests answered in %(year)s") % {"year": source.round.year},
            [_("Question set"), _("Body"), _("Reference"), _("Years covered"), _("Sent on")],
            rows,
        )
    )
    return True


def _civil_society(annex: Annex, source: Source) -> bool:
    if not (source.events or source.assessments):
        return False
    if source.events:
        annex.tables.append(
            AnnexTable(
                _("Consultations with civil society in %(year)s") % {"year": source.round.year},
                [_("Date"), _("Event"), _("Kind"), _("Participants")],
                [
                    [
                        date_format(e.date, "DATE_FORMAT"),
                        e.title,
                        capfirst(e.get_kind_display()),
                        number(e.participants),
                    ]
                    for e in source.events
                ],
            )
        )
    if source.assessments:
        statuses = {s.value: capfirst(str(s.label)) for s in Contribution.Status}
        rows = []
        for a in source.assessments:
            if a.action_id:
                subject = _("Line of action %(code)s") % {"code": a.action.code}
            elif a.objective_id:
                subject = _("Objective %(number)s") % {"number": a.objective.number}
            else:
                subject = DASH
            where = ", ".join(country_name(code) for code in (a.countries or []))
            rows.append([a.organisation.name, subject, statuses.get(a.status, DASH), where or DASH])
        annex.tables.append(
            AnnexTable(
                _("Assessments by civil society published for this round"),
                [_("Organisation"), _("Assessed"), _("Status"), _("Countries")],
                rows,
            )
        )
    return True


def _method(annex: Annex, method: list[str]) -> bool:
    annex.paragraphs.extend(method)
    return bool(method)
