"""Department workbooks: one department's contributions in a round as an Excel file to fill in
offline, and the reading of a filled-in one back into a change set.

    data = build(round=..., department=..., user=..., language="fr")   # bytes of an .xlsx
    changes = parse(data, file_name="defence.xlsx")                     # a ChangeSet, or WorkbookRefused

The sheet "Contributions" has a row per line of action and monitoring instrument, the sheet
"Figures by country" a row per instrument with figures and country; a hidden sheet
holds the round, the department, the version of every contribution and a digest of every row as
exported, signed with the installation's secret key, so that a workbook for another round or
department, or one whose hidden sheet was edited, is refused. The digests tell the rows a person
changed from those they left alone: only the former can change anything, or conflict with a change
made in naptrack since the export.

Nothing here writes to the database: services.workbooks.workbook_import applies a change set.
Values are compared in a canonical text form (canonical()), the same for what is exported from the
database and what is read from a cell, so that an untouched row always reads as unchanged.

The coordinator's workbook of a whole round (build(department=None)) is the same workbook with
every department's rows and a column Department on both sheets of rows; its hidden sheet names the
round and ALL_DEPARTMENTS and signs each row's department, so that reading refuses a row moved to
another department.

Modules: layout (sheets and columns), values (canonical values, digests, labels), writing (build),
instructions (the sheet of instructions), reading (parse), cells (a cell's canonical value),
changes (the change set and the service's payload) and by_country (the sheet of figures by
country, both ways).
"""

from naptrack.reporting.workbook.changes import CellError, ChangeSet, Row, WorkbookRefused, payload
from naptrack.reporting.workbook.layout import (
    ALL_DEPARTMENTS,
    BREAKDOWN,
    BY_COUNTRY,
    CONTRIBUTION_FIELDS,
    CONTRIBUTIONS,
    EDITABLE,
    FORMAT,
    HIDDEN,
    LISTS,
    META,
    fields_of,
)

# Private, yet read by the tests to find a column by its header, as the reader does.
from naptrack.reporting.workbook.layout import _columns as _columns
from naptrack.reporting.workbook.layout import _country_columns as _country_columns
from naptrack.reporting.workbook.reading import MAX_BYTES, parse
from naptrack.reporting.workbook.values import (
    canonical,
    choice_label,
    clean_text,
    decimal_text,
    digest,
    is_blank,
    kind_label,
)
from naptrack.reporting.workbook.writing import build, contributions_for

__all__ = [
    "ALL_DEPARTMENTS",
    "BREAKDOWN",
    "BY_COUNTRY",
    "CONTRIBUTIONS",
    "CONTRIBUTION_FIELDS",
    "EDITABLE",
    "FORMAT",
    "HIDDEN",
    "LISTS",
    "MAX_BYTES",
    "META",
    "CellError",
    "ChangeSet",
    "Row",
    "WorkbookRefused",
    "build",
    "canonical",
    "choice_label",
    "clean_text",
    "contributions_for",
    "decimal_text",
    "digest",
    "fields_of",
    "is_blank",
    "kind_label",
    "parse",
    "payload",
]
