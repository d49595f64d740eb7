"""The report's country chapters: a chapter per focus country of the plan holding every shown
contribution of the round tagged with that country (in the final report: approved and public), in
the plan's order, with its figures, and the totals of the round's figures broken down to that
country (content/figures.py); then the other countries tagged, grouped in one chapter."""

from __future__ import annotations

from collections.abc import Callable

from django_countries import countries as all_countries

from naptrack.plans.models import Department, Instrument
from naptrack.publications.content.figures import country_figures
from naptrack.publications.content.formatting import translated
from naptrack.publications.content.loading import Source, is_shown
from naptrack.publications.content.tree import (
    Countries,
    CountryChapter,
    CountryEntry,
    CountryFigure,
    DepartmentRef,
    Figures,
)
from naptrack.reporting.models import Contribution, Measurement


def country_name(code: str) -> str:
    """The country's name in the active language (the code itself for an unknown one)."""
    return str(all_countries.name(code) or code)


def build_countries(
    source: Source,
    lang: str,
    dept: Callable[[Department], DepartmentRef],
    status_labels: dict[str, str],
    figures_of: Callable[[Measurement, Instrument], Figures | None],
    marks_of: Callable[[Contribution, bool], tuple[str, ...]],
) -> Countries:
    round_, draft = source.round, source.draft
    focus = [c.upper() for c in (round_.plan.focus_countries or [])]
    chapters: dict[str, CountryChapter] = {
        code: CountryChapter(code, country_name(code), f"country-{code.lower()}") for code in focus
    }
    current = {
        (c.action_id, c.department_id): c
        for c in source.contributions
        if c.round_id == round_.pk and is_shown(c, draft)
    }
    # The plan's order: lines as loaded, departments as the line lists them.
    for a in source.actions:
        instruments = {i.pk: i for i in source.instruments.get(a.pk, [])}
        for r in source.responsibilities.get(a.pk, []):
            c = current.get((a.pk, r.department_id))
            if c is None or not c.countries:
                continue
            entry = CountryEntry(
                line_code=a.code,
                line_anchor=f"line-{a.code}",
                line_text=translated(a, "text", lang),
                department=dept(c.department),
                status_label=status_labels.get(c.status, ""),
                narrative=c.narrative,
                marks=marks_of(c, draft),
            )
            for m in source.measurements.get(c.pk, []):
                instrument = instruments.get(m.instrument_id)
                if instrument is None:
                    continue
                figures = figures_of(m, instrument)
                if figures is not None and not figures.empty:
                    entry.figures.append(
                        CountryFigure(
                            instrument.position, translated(instrument, "text", lang), instrument.by_sex, figures
                        )
                    )
            entry.figures.sort(key=lambda f: f.instrument)
            seen: set[str] = set()
            for code in c.countries:
                code = code.upper()
                if code in seen:
                    continue
                seen.add(code)
                chapter = chapters.setdefault(code, CountryChapter(code, country_name(code), f"country-{code.lower()}"))
                chapter.entries.append(entry)
    for code in focus:
        chapters[code].totals = country_figures(source, lang, code, chapters[code].name)
    others = sorted((ch for code, ch in chapters.items() if code not in focus), key=lambda ch: ch.name)
    return Countries(focus=[chapters[code] for code in focus], others=others)
