"""How faithfully the plan spreadsheet importer reads the Belgian NAP 2013-2016 laid out in the ways
real plan matrices are: the bundled plan written as seven workbooks and CSV files that differ from
each other in their columns and cells, each imported with the real importer and compared field by
field with the plan (bench/import_accuracy.py's count: goal texts, line texts, instruments,
departments).

    python bench/spreadsheet_layouts.py [--keep DIR] [--verbose]

The layouts (LAYOUTS), and what sets each apart:
  separate-numbers  title rows above the header; objective number and title, goal number and text,
                    line number in columns of their own; values repeated on every row; departments
                    separated by semicolons, a unit as "Interior-Federal Police".
  text-then-number  columns in another order, each text before its number ("Goal", "Goal nr");
                    objective and goal cells merged over their lines, the objective's number joined
                    to its title ("1. Title"); instruments as bullets in one cell; departments one
                    per line, a unit as "Interior (Federal Police)".
  joined-goals      objectives as rows across the table ("Objective 1 - Title"); the goal's number
                    joined to its text ("Goal 12: text") on its first row only; one instrument per
                    row under its line; departments separated by commas, a unit as
                    "Interior - Federal Police" with an en dash; a blank row between goals.
  csv-french        CSV with semicolons and French headers; the departments' French official names,
                    some holding commas, separated by commas, units alone; instruments as dashes.
  csv-dutch         CSV with commas and Dutch headers; goals as "12. text"; one instrument per row,
                    the line's number repeated on each; departments by abbreviation, one per line.
  merged-rows       title rows merged across the sheet; a line's number, text and departments merged
                    over its instrument rows, the objective, goal number and goal text over their
                    lines; "Goal" heading the numbers and "Goal description" the texts; a unit as
                    "Interior/Federal Police".
  two-row-header    the header over two rows: "Objective", "Goal" and "Line of action" each merged
                    over "No." and "Text" below, the other headers merged down both rows; the
                    departments as "A, B and C", a unit as "Federal Police (Interior)".

Prints the share of fields right for each layout; asserts nothing (tests/test_plan_spreadsheet_layouts.py does).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from import_accuracy import BUNDLED, compare, run_import, setup_django  # noqa: E402

LAYOUTS = {
    "separate-numbers": "title rows; number and text of objectives and goals in columns of their own; repeated values",
    "text-then-number": "text before number; merged objective and goal cells; bullets; units in brackets",
    "joined-goals": "objective rows; 'Goal 12: text' once; an instrument per row; commas; en dash; blank rows",
    "csv-french": "CSV (;), French headers and department names holding commas, units alone, dashes",
    "csv-dutch": "CSV (,), Dutch headers, '12. text' goals, an instrument per row, abbreviations",
    "merged-rows": "title rows; cells merged over instrument rows and lines; 'Goal' over numbers; Parent/Unit",
    "two-row-header": "header over two rows ('Goal' over 'No.' and 'Text'); 'A, B and C'; 'Unit (Parent)'",
}
SUFFIX = {"csv-french": ".csv", "csv-dutch": ".csv"}


def _text(value: str | dict | None, language: str = "en") -> str:
    return (value.get(language) or value.get("en") if isinstance(value, dict) else value) or ""


def _lines(document: dict) -> Iterator[tuple[dict, dict, dict]]:
    for objective in document["objectives"]:
        for goal in objective["goals"]:
            for action in goal["actions"]:
                yield objective, goal, action


def _department_names(document: dict, unit: Callable[[str, str], str], *, field: str = "name", language: str = "en"):
    """A label per department code: a unit written by `unit(parent, unit)`."""
    by_code = {d["code"]: d for d in document["departments"]}
    labels = {}
    for d in document["departments"]:
        own = _text(d.get(field), language) or _text(d["name"], language)
        parent = by_code.get(d["parent"]) if d["parent"] else None
        labels[d["code"]] = unit(_text(parent.get(field), language) or _text(parent["name"]), own) if parent else own
    return labels


def _departments(action: dict, labels: dict[str, str], coordination: str = "coordination") -> list[str]:
    return [labels[c] + (f" ({coordination})" if action.get("coordinator") == c else "") for c in action["departments"]]


def _instruments(action: dict) -> list[str]:
    return [_text(i["text"]) for i in action["instruments"]]


# --- the layouts ----------------------------------------------------------------------------------


def _separate_numbers(document: dict) -> list[list]:
    labels = _department_names(document, lambda parent, unit: f"{parent}-{unit}")
    rows: list[list] = [[document["title"] if isinstance(document["title"], str) else _text(document["title"])]]
    rows += [[f"{document['country']} {document['period']['start']}-{document['period']['end']}"], []]
    rows.append(["Objective no.", "Objective", "Goal no.", "Goal", "Line no.", "Line of action",
                 "Monitoring instruments", "Departments"])  # fmt: skip
    for objective, goal, action in _lines(document):
        rows.append(
            [
                objective["number"],
                _text(objective["title"]),
                goal["number"],
                _text(goal["text"]),
                action["code"],
                _text(action["text"]),
                "\n".join(_instruments(action)),
                "; ".join(_departments(action, labels)),
            ]
        )
    return rows


def _text_then_number(document: dict, ws) -> None:
    labels = _department_names(document, lambda parent, unit: f"{parent} ({unit})")
    ws.append(["Line of action", "Code", "Goal", "Goal nr", "Objective", "Responsible", "Indicators"])
    spans: dict[int, list[int]] = {3: [], 4: [], 5: []}  # column -> first rows of merged runs
    previous: dict[int, object] = {}
    for objective, goal, action in _lines(document):
        row = ws.max_row + 1
        values = {
            3: _text(goal["text"]),
            4: goal["number"],
            5: f"{objective['number']}. {_text(objective['title'])}",
        }
        ws.append(
            [
                _text(action["text"]),
                action["code"],
                *(values[c] for c in (3, 4, 5)),
                "\n".join(_departments(action, labels)),
                "\n".join(f"\u2022 {i}" for i in _instruments(action)),
            ]
        )
        for column, value in values.items():
            key = (value, objective["number"]) if column != 5 else value
            if previous.get(column) != key:
                spans[column].append(row)
                previous[column] = key
    last = ws.max_row
    for column, starts in spans.items():
        for first, end in zip(starts, [*starts[1:], last + 1], strict=True):
            if end - 1 > first:
                for r in range(first + 1, end):
                    ws.cell(r, column).value = None
                ws.merge_cells(start_row=first, start_column=column, end_row=end - 1, end_column=column)


def _joined_goals(document: dict, ws) -> None:
    labels = _department_names(document, lambda parent, unit: f"{parent} \u2013 {unit}")
    ws.append(["No.", "Goal", "Line of action", "Monitoring instrument", "Responsible departments"])
    for objective in document["objectives"]:
        ws.append([f"Objective {objective['number']} - {_text(objective['title'])}"])
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=5)
        for goal in objective["goals"]:
            for position, action in enumerate(goal["actions"]):
                instruments = _instruments(action) or [""]
                first = f"Goal {goal['number']}: {_text(goal['text'])}" if position == 0 else None
                ws.append([action["code"], first, _text(action["text"]), instruments[0],
                           ", ".join(_departments(action, labels))])  # fmt: skip
                for instrument in instruments[1:]:
                    ws.append([None, None, None, instrument, None])
            ws.append([])


def _csv_french(document: dict) -> list[list]:
    labels = _department_names(document, lambda parent, unit: unit, language="fr")
    rows: list[list] = [["Plan d'action national"], []]
    rows.append(["N° objectif", "Objectif", "But", "N° du but", "N°", "Ligne d'action", "Indicateurs",
                 "Départements responsables"])  # fmt: skip
    for objective, goal, action in _lines(document):
        rows.append(
            [
                objective["number"],
                _text(objective["title"]),
                _text(goal["text"]),
                goal["number"],
                action["code"],
                _text(action["text"]),
                "\n".join(f"- {i}" for i in _instruments(action)),
                ", ".join(_departments(action, labels, "coordination")),
            ]
        )
    return rows


def _csv_dutch(document: dict) -> list[list]:
    labels = _department_names(document, lambda parent, unit: unit, field="abbreviation")
    rows: list[list] = [
        ["Nr.", "Doelstelling", "Doel", "Actielijn", "Monitoringinstrumenten", "Bevoegde departementen"]
    ]
    for objective, goal, action in _lines(document):
        instruments = _instruments(action) or [""]
        for n, instrument in enumerate(instruments):
            rows.append(
                [
                    action["code"],
                    f"Objective {objective['number']}: {_text(objective['title'])}",
                    f"{goal['number']}. {_text(goal['text'])}",
                    _text(action["text"]) if n == 0 else "",
                    instrument,
                    "\n".join(_departments(action, labels, "coördinatie")) if n == 0 else "",
                ]
            )
        rows.append([])
    return rows


def _merged_rows(document: dict, ws) -> None:
    labels = _department_names(document, lambda parent, unit: f"{parent}/{unit}")
    ws.append([document["title"] if isinstance(document["title"], str) else _text(document["title"])])
    ws.merge_cells("A1:G1")
    ws.append(["Monitoring matrix"])
    ws.merge_cells("A2:G2")
    ws.append([])
    # "Goal" heads the goal's number, "Goal description" its text: told apart by what they hold.
    ws.append(["No.", "Objective", "Goal", "Goal description", "Action", "Instruments", "Departments"])
    runs: dict[int, list[tuple[object, int]]] = {2: [], 3: [], 4: []}
    for objective, goal, action in _lines(document):
        instruments = _instruments(action) or [""]
        first = ws.max_row + 1
        for n, instrument in enumerate(instruments):
            ws.append(
                [
                    action["code"] if n == 0 else None,
                    _text(objective["title"]),
                    goal["number"],
                    _text(goal["text"]),
                    _text(action["text"]) if n == 0 else None,
                    instrument,
                    "; ".join(_departments(action, labels)) if n == 0 else None,
                ]
            )
        last = ws.max_row
        for column in (1, 5, 7):
            if last > first:
                ws.merge_cells(start_row=first, start_column=column, end_row=last, end_column=column)
        for column, key in ((2, objective["number"]), (3, goal["number"]), (4, goal["number"])):
            if not runs[column] or runs[column][-1][0] != key:
                runs[column].append((key, first))
    end = ws.max_row + 1
    for column, starts in runs.items():
        rows = [first for _, first in starts]
        for first, stop in zip(rows, [*rows[1:], end], strict=True):
            if stop - 1 > first:
                for r in range(first + 1, stop):
                    ws.cell(r, column).value = None
                ws.merge_cells(start_row=first, start_column=column, end_row=stop - 1, end_column=column)


def _two_row_header(document: dict, ws) -> None:
    labels = _department_names(document, lambda parent, unit: f"{unit} ({parent})")
    ws.append([_text(document["title"])])
    ws.append(["Objective", None, "Goal", None, "Line of action", None, "Monitoring instruments", "Departments"])
    ws.append(["No.", "Text", "No.", "Text", "No.", "Text", None, None])
    for first, last in (("A2", "B2"), ("C2", "D2"), ("E2", "F2"), ("G2", "G3"), ("H2", "H3")):
        ws.merge_cells(f"{first}:{last}")
    for objective, goal, action in _lines(document):
        names = _departments(action, labels)
        listed = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)
        ws.append(
            [
                objective["number"],
                _text(objective["title"]),
                goal["number"],
                _text(goal["text"]),
                action["code"],
                _text(action["text"]),
                "\n".join(_instruments(action)),
                listed,
            ]
        )


def render(document: dict, layout: str) -> bytes:
    """The plan as a spreadsheet in `layout` (a key of LAYOUTS): XLSX or CSV bytes (SUFFIX)."""
    if layout == "csv-french":
        return _csv(_csv_french(document), ";")
    if layout == "csv-dutch":
        return _csv(_csv_dutch(document), ",")
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Matrix"
    if layout == "separate-numbers":
        for row in _separate_numbers(document):
            ws.append(row)
    elif layout == "text-then-number":
        _text_then_number(document, ws)
    elif layout == "joined-goals":
        _joined_goals(document, ws)
    elif layout == "merged-rows":
        _merged_rows(document, ws)
    elif layout == "two-row-header":
        _two_row_header(document, ws)
    else:
        raise ValueError(f"no layout {layout!r}: one of {', '.join(LAYOUTS)}")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _csv(rows: list[list], delimiter: str) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def write(document: dict, layout: str, directory: Path) -> Path:
    path = directory / f"be-nap-{layout}{SUFFIX.get(layout, '.xlsx')}"
    path.write_bytes(render(document, layout))
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", metavar="DIR", help="write the spreadsheets and the imported JSON to DIR")
    parser.add_argument("--verbose", action="store_true", help="list the fields read wrong")
    args = parser.parse_args(argv)
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="naptrack-layouts-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    setup_django(str(work / "data"))
    expected = json.loads(BUNDLED.read_text(encoding="utf-8"))
    print("Spreadsheet layouts against naptrack/data/plans/be-nap-2013-2016.json (fields right / fields)")
    for layout, description in LAYOUTS.items():
        path = write(expected, layout, work)
        document, checks, seconds = run_import(path, expected)
        acc = compare(expected, document)
        print(f"  {layout} ({description}): {acc.summary()}; {len(checks)} checks; {seconds:.2f} s")
        if args.verbose:
            for what in acc.wrong:
                print(f"      wrong: {what}")
        if args.keep:
            (work / f"{path.stem}.imported.json").write_text(json.dumps(document, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
