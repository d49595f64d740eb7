"""A small hand-made report that the round importer's tests know the reading of exactly, and
documents that are no report at all, shared by tests/test_round_import.py and
tests/test_round_import_cli.py (the bench's documents are tests/round_import_data.py's)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from naptrack.reporting.models import Contribution, Measurement, Round
from tests.round_import_data import _bench

# The small report whose reading the tests know exactly: a row per case the importer must
# tell apart. The plan's line 3.a without its number; 5.b answered by two departments in one row;
# the Office for Foreigners as a unit of Interior; a French status; a status not on the scale; a row
# continued by the next; figures in the text and in the Women and Men columns; a department the
# plan does not make responsible for 3.c.
SMALL_HEADER = ["Code", "Line of action", "Department", "Status", "Report", "Women", "Men"]
SMALL_ROWS = [
    ["1.a", "", "Justice", "Completed", "Justice ratified the Istanbul convention.", "", ""],
    [
        "",
        "Financially support the International Criminal Court trust fund for victims.",
        "Justice",
        "In progress",
        "Justice paid its share to the trust fund.",
        "",
        "",
    ],
    ["5.b", "", "Development Cooperation / Defence", "Continuous", "Both wrote the gender strategy together.", "", ""],
    ["13.a", "", "Interior - Office for Foreigners", "Réalisé", "The Office trained its asylum officers.", "", ""],
    ["7.a", "", "Defence", "Top priority", "Defence named gender experts.", "", ""],
    ["7.b", "", "Defence", "Ongoing", "Defence trained gender advisers.", "", ""],
    ["", "", "", "", "They went to Mali in the autumn.", "", ""],
    ["23.a", "", "MoD", "Done", "Defence deployed 12 women and 30 men to peace missions.", "", ""],
    ["21", "", "Federal Police", "In progress", "A recruitment campaign for women.", "25", "75"],
    ["3.c", "", "Defence", "Completed", "Defence called on all countries to ratify.", "", ""],
]
# (line, department): (status, text, figures, row) as the import must make them.
SMALL_EXPECTED = {
    ("1.a", "justice"): ("completed", "Justice ratified the Istanbul convention.", [], 2),
    ("3.a", "justice"): ("in-progress", "Justice paid its share to the trust fund.", [], 3),
    ("5.b", "development"): ("continuous", "Both wrote the gender strategy together.", [], 4),
    ("5.b", "defence"): ("continuous", "Both wrote the gender strategy together.", [], 4),
    ("13.a", "interior-office-for-foreigners"): ("completed", "The Office trained its asylum officers.", [], 5),
    ("7.a", "defence"): ("", "Defence named gender experts.", [], 6),
    ("7.b", "defence"): ("in-progress", "Defence trained gender advisers.\n\nThey went to Mali in the autumn.", [], 7),
    ("23.a", "defence"): (
        "completed",
        "Defence deployed 12 women and 30 men to peace missions.",
        [{"instrument": 1, "women": 12, "men": 30}],
        9,
    ),
    ("21", "interior-federal-police"): (
        "in-progress",
        "A recruitment campaign for women.",
        [{"instrument": 2, "women": 25, "men": 75}],
        10,
    ),
}


def write_small(folder: Path, name: str = "small.csv", rows: list[list[str]] | None = None) -> Path:
    """The small report as a CSV file, or tab-separated text when `name` ends in .txt."""
    path = Path(folder) / name
    table = [SMALL_HEADER, *(SMALL_ROWS if rows is None else rows)]
    if path.suffix == ".txt":
        path.write_text("".join("\t".join(row) + "\n" for row in table), encoding="utf-8")
    else:
        with path.open("w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows(table)
    return path


def counts() -> tuple[int, int, int]:
    return Round.objects.count(), Contribution.objects.count(), Measurement.objects.count()


def _plan_docx(be_document) -> bytes:
    return _bench("make_fixtures").render_docx(be_document, "docx-merged")


def _unrelated_docx() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("Who sits where")
    table = document.add_table(rows=2, cols=3)
    for row, texts in zip(table.rows, (["Name", "Phone", "Room"], ["Jan", "1234", "4.01"]), strict=True):
        for cell, text in zip(row.cells, texts, strict=True):
            cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


BAD_DOCUMENTS = {
    "plan.docx": ("plan", "holds no report matrix"),
    "seating.docx": ("unrelated", "holds no report matrix"),
    "prose.txt": (
        b"In 2012 the departments trained diplomats.\nThey funded projects in Kinshasa.\n",
        "holds no report matrix",
    ),
    "empty.csv": (b"", "holds no report matrix"),
    "empty.docx": (b"", "is not a readable Word document"),
    "broken.pdf": (b"%PDF-1.4 not really", "is not a readable PDF"),
    "broken.xlsx": (b"PK\x03\x04 not really", "is not a readable Excel workbook"),
    "report.doc": (b"an old Word file", "cannot read .doc"),
}


def write_bad(folder: Path, name: str, be_document) -> tuple[Path, str]:
    data, says = BAD_DOCUMENTS[name]
    if data == "plan":
        data = _plan_docx(be_document)
    elif data == "unrelated":
        data = _unrelated_docx()
    path = Path(folder) / name
    path.write_bytes(data)
    return path, says
