"""Open data: each published round's contributions and measurements as CSV, XLSX and JSON, one
row per contribution and monitoring instrument, and a ZIP of everything with the plan, the data
dictionary and the licence.

Rows come only from Contribution.objects.public(). Labels (statuses, kinds, names of objectives,
lines, departments and countries) are in the language of the address the file is downloaded
from (/fr/open-data/... in French), codes beside them in every language.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from naptrack.core.spreadsheets import csv_safe, xlsx_append
from naptrack.plans import exports
from naptrack.plans.models import Plan
from naptrack.portal.opendata_rows import published_on, round_rows
from naptrack.portal.queries import published_rounds, round_key
from naptrack.publications.content import round_label, translated
from naptrack.reporting.models import Round

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

FORMAT = "naptrack-round-data/1"
LICENCE = "CC-BY-4.0"
LICENCE_NAME = "Creative Commons Attribution 4.0 International (CC BY 4.0)"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
LICENCE_LEGALCODE = "https://creativecommons.org/licenses/by/4.0/legalcode"
ROUND_FORMATS = ("csv", "xlsx", "json")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # integer, number, text, boolean, date
    description: Any  # lazy text


def _c(name: str, type_: str, description) -> Column:
    return Column(name, type_, description)


COLUMNS = [
    _c("plan", "text", gettext_lazy("The plan's identifier (slug).")),
    _c("round_id", "integer", gettext_lazy("The reporting round's identifier, as in the API.")),
    _c("round_kind", "text", gettext_lazy("Code of the kind of round: baseline, annual, mid-term or final.")),
    _c("round_kind_label", "text", gettext_lazy("The kind of round, in words.")),
    _c("round_year", "integer", gettext_lazy("The year the round reports on.")),
    _c("round_published", "date", gettext_lazy("The day the round was published (YYYY-MM-DD).")),
    _c("objective_number", "integer", gettext_lazy("Number of the plan's objective.")),
    _c("objective_title", "text", gettext_lazy("Title of the objective.")),
    _c("goal_number", "integer", gettext_lazy("Number of the goal (numbered across the whole plan).")),
    _c("goal_text", "text", gettext_lazy("Text of the goal.")),
    _c("action_code", "text", gettext_lazy("Code of the line of action (14.a, or 9 for a goal's single line).")),
    _c("action_text", "text", gettext_lazy("Text of the line of action.")),
    _c("department_code", "text", gettext_lazy("Code of the reporting department or unit.")),
    _c("department_name", "text", gettext_lazy("Name of the reporting department or unit.")),
    _c("department_parent_code", "text", gettext_lazy("For a unit, the code of its department; else empty.")),
    _c("contribution_id", "integer", gettext_lazy("The contribution's identifier, as in the API.")),
    _c(
        "status",
        "text",
        gettext_lazy(
            "Code of the state of implementation the department reported: not-started, in-progress, completed, "
            "continuous, not-applicable; empty when none was given."
        ),
    ),
    _c("status_label", "text", gettext_lazy("The state of implementation, in words.")),
    _c("narrative", "text", gettext_lazy("What the department reported on the line of action (Markdown).")),
    _c(
        "countries",
        "text",
        gettext_lazy("ISO 3166-1 alpha-2 codes of the countries the contribution concerns, separated by ';'."),
    ),
    _c("country_names", "text", gettext_lazy("Names of those countries, separated by ';'.")),
    _c(
        "instrument_id",
        "integer",
        gettext_lazy("The monitoring instrument's identifier; empty for a line without instrument."),
    ),
    _c("instrument_number", "integer", gettext_lazy("Number of the monitoring instrument within its line of action.")),
    _c("instrument_text", "text", gettext_lazy("Text of the monitoring instrument.")),
    _c("instrument_kind", "text", gettext_lazy("Code of the instrument's kind: qualitative or quantitative.")),
    _c("instrument_kind_label", "text", gettext_lazy("The instrument's kind, in words.")),
    _c("by_sex", "boolean", gettext_lazy("Whether figures are reported for women and men separately.")),
    _c("answer", "text", gettext_lazy("The department's answer to the instrument, in words.")),
    _c("women", "integer", gettext_lazy("Number of women (instruments by sex).")),
    _c("men", "integer", gettext_lazy("Number of men (instruments by sex).")),
    _c("other", "integer", gettext_lazy("Number of people of another or unrecorded sex (instruments by sex).")),
    _c(
        "total",
        "number",
        gettext_lazy("Total of people: the total the department gave, else women + men + other (instruments by sex)."),
    ),
    _c("share_of_women", "number", gettext_lazy("Women divided by the total, between 0 and 1 (instruments by sex).")),
    _c("value", "number", gettext_lazy("The figure reported (quantitative instruments not by sex).")),
    _c("unit", "text", gettext_lazy("The unit of the figure (%, ratio, EUR, ...).")),
    _c("note", "text", gettext_lazy("The department's note on its answer.")),
    # Added later: at the end, so that readers of the earlier files find every column in its place.
    _c(
        "correction_note",
        "text",
        gettext_lazy("The coordinator's public note on a correction made after publication; else empty."),
    ),
    _c("corrected_on", "date", gettext_lazy("The day of that correction (YYYY-MM-DD); else empty.")),
]
NAMES = [c.name for c in COLUMNS]
DICTIONARY_COLUMNS = ["column", "type", "description"]


def file_stem(round_: Round) -> str:
    return f"{round_.kind}-{round_.year}"


def find_round(plan: Plan, stem: str) -> Round | None:
    kind, _sep, year = stem.rpartition("-")
    if not year.isdigit() or kind not in Round.Kind.values:
        return None
    return published_rounds(plan).filter(kind=kind, year=int(year)).select_related("plan").first()


# --- writers --------------------------------------------------------------------------------------


def _records(rows: Iterable[dict[str, Any]], columns: list[str], cell: Callable[[Any], Any]) -> Iterator[list[Any]]:
    """Each row's values in the columns' order, as `cell` writes a value in one format. JSON needs
    none: its rows are the dicts themselves."""
    for row in rows:
        yield [cell(row.get(name)) for name in columns]


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    # Narratives and answers are people's text: one beginning with "=" must not run as a formula.
    return csv_safe(value)


def _xlsx_cell(value: Any) -> Any:
    return None if value == "" else value


def _dictionary() -> list[dict[str, Any]]:
    """The data dictionary's rows, for dictionary.csv and the workbooks' second sheet."""
    return [{"column": c.name, "type": c.type, "description": str(c.description)} for c in COLUMNS]


def to_csv(rows: list[dict[str, Any]], columns: list[str] = NAMES) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(_records(rows, columns, _csv_cell))
    return out.getvalue().encode("utf-8")


def to_json(plan: Plan, round_: Round, rows: list[dict[str, Any]]) -> bytes:
    document = {
        "format": FORMAT,
        "plan": plan.slug,
        "round": {
            "id": round_.pk,
            "kind": round_.kind,
            "year": round_.year,
            "label": str(round_),
            "published": published_on(round_),
        },
        "licence": {"id": LICENCE, "name": LICENCE_NAME, "url": LICENCE_URL},
        "columns": NAMES,
        "rows": rows,
    }
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _sheet(sheet: Worksheet, head: list[str], records: Iterable[list[Any]]) -> None:
    from openpyxl.styles import Font

    xlsx_append(sheet, head)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for values in records:
        # Text as string cells: a narrative beginning with "=" stays text, never a formula.
        xlsx_append(sheet, values)


def to_xlsx(round_: Round, rows: list[dict[str, Any]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    sheet = wb.active
    sheet.title = _("Contributions")[:31]
    _sheet(sheet, NAMES, _records(rows, NAMES, _xlsx_cell))
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    dictionary = wb.create_sheet(_("Dictionary")[:31])
    _sheet(dictionary, [_("Column"), _("Type"), _("Meaning")], _records(_dictionary(), DICTIONARY_COLUMNS, _xlsx_cell))
    dictionary.append([])
    xlsx_append(dictionary, [_("Licence"), LICENCE_NAME, LICENCE_URL])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def round_file(plan: Plan, round_: Round, fmt: str) -> bytes:
    rows = round_rows(plan, [round_])[round_.pk]
    if fmt == "csv":
        return to_csv(rows)
    if fmt == "json":
        return to_json(plan, round_, rows)
    return to_xlsx(round_, rows)


def dictionary_csv() -> bytes:
    return to_csv(_dictionary(), DICTIONARY_COLUMNS)


def licence_text(plan: Plan) -> str:
    return "\n".join(
        [
            _("The open data of %(plan)s is published under the licence %(licence)s.")
            % {"plan": translated(plan, "title", (get_language() or "en")[:2]).text, "licence": LICENCE_NAME},
            "",
            _("You may share and adapt it for any purpose, even commercially, provided you give appropriate credit."),
            _("Licence: %(url)s") % {"url": LICENCE_URL},
            _("Legal code: %(url)s") % {"url": LICENCE_LEGALCODE},
            "",
        ]
    )


def plan_zip(plan: Plan) -> bytes:
    """Everything published about a plan: the plan (naptrack-plan/1 JSON, CSV, XLSX), every
    published round's data in CSV, XLSX and JSON, its figures by country, the data dictionary and
    the licence, and once published the plan's targets. A fixed number of queries, whatever the
    number of rounds."""
    rounds = sorted(published_rounds(plan), key=round_key)
    rows = round_rows(plan, rounds)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        folder = f"{plan.slug}-open-data"
        archive.writestr(f"{folder}/LICENCE.txt", licence_text(plan))
        archive.writestr(f"{folder}/dictionary.csv", dictionary_csv())
        archive.writestr(f"{folder}/plan.json", exports.plan_json(plan, public=True))
        archive.writestr(f"{folder}/plan.csv", exports.plan_csv(plan))
        archive.writestr(f"{folder}/plan.xlsx", exports.plan_xlsx(plan, public=True))
        # Imported here: portal.figures describes its columns with this module's Column.
        from naptrack.portal.figures import figures_file, records

        figures = records(plan)
        for fmt in ("csv", "json"):
            archive.writestr(f"{folder}/figures.{fmt}", figures_file(fmt, figures))
        if plan.targets_published_at is not None:
            # Imported here for the same reason as portal.figures.
            from naptrack.portal import targets

            target_rows = targets.records(plan)
            for fmt in ("csv", "json"):
                archive.writestr(f"{folder}/targets.{fmt}", targets.targets_file(fmt, target_rows))
        # Imported here for the same reason as portal.figures: the plan's published evaluations.
        from naptrack.portal import evaluations

        evaluation_rows = evaluations.records(plan)
        if evaluation_rows:
            for fmt in ("csv", "json"):
                archive.writestr(f"{folder}/evaluations.{fmt}", evaluations.evaluations_file(fmt, evaluation_rows))
        for round_ in rounds:
            stem = f"{folder}/rounds/{file_stem(round_)}"
            archive.writestr(f"{stem}.csv", to_csv(rows[round_.pk]))
            archive.writestr(f"{stem}.xlsx", to_xlsx(round_, rows[round_.pk]))
            archive.writestr(f"{stem}.json", to_json(plan, round_, rows[round_.pk]))
        readme = [
            _("Open data of %(plan)s") % {"plan": translated(plan, "title", (get_language() or "en")[:2]).text},
            "",
            _("plan.json: the plan in the naptrack-plan/1 format; plan.csv and plan.xlsx: the plan as a table."),
            _("rounds/: per published reporting round, one row per contribution and monitoring instrument."),
            _("dictionary.csv: what each column of the round files means."),
            _("figures.csv, figures.json: one row per figure and per country, amounts with their currency."),
            *(
                [_("targets.csv, targets.json: one row per target of the plan and published round.")]
                if plan.targets_published_at is not None
                else []
            ),
            *(
                [_("evaluations.csv, evaluations.json: the plan's published evaluations, one row per entry.")]
                if evaluation_rows
                else []
            ),
            _("Rounds: %(rounds)s") % {"rounds": ", ".join(round_label(r) for r in rounds) or "-"},
            "",
        ]
        archive.writestr(f"{folder}/README.txt", "\n".join(readme))
    return out.getvalue()


def _table_json(format_name: str, names: list[str], rows: list[dict[str, Any]]) -> bytes:
    document = {
        "format": format_name,
        "licence": {"id": LICENCE, "name": LICENCE_NAME, "url": LICENCE_URL},
        "language": (get_language() or "en").split("-")[0],
        "columns": names,
        "rows": rows,
    }
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _table_xlsx(title: str, columns: list[Column], rows: list[dict[str, Any]]) -> bytes:
    from openpyxl import Workbook

    names = [c.name for c in columns]
    wb = Workbook()
    sheet = wb.active
    sheet.title = title[:31]
    # Text as string cells (core/spreadsheets.py): people's text beginning with "=" stays text.
    _sheet(sheet, names, _records(rows, names, _xlsx_cell))
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    dictionary = wb.create_sheet(_("Dictionary")[:31])
    described = [{"column": c.name, "type": c.type, "description": str(c.description)} for c in columns]
    _sheet(dictionary, [_("Column"), _("Type"), _("Meaning")], _records(described, DICTIONARY_COLUMNS, _xlsx_cell))
    dictionary.append([])
    xlsx_append(dictionary, [_("Licence"), LICENCE_NAME, LICENCE_URL])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def table_file(fmt: str, *, format_name: str, title: str, columns: list[Column], rows: list[dict[str, Any]]) -> bytes:
    """One table of published data (answer packs, assessments, recommendations, transmissions) as
    CSV, JSON or XLSX, each with its licence and, in XLSX, a sheet describing its columns. People's
    text is neutralised cell by cell as in the round files."""
    names = [c.name for c in columns]
    if fmt == "csv":
        return to_csv(rows, names)
    if fmt == "json":
        return _table_json(format_name, names, rows)
    return _table_xlsx(title, columns, rows)
