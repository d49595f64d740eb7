"""Reading a plan's matrix from a spreadsheet: an Excel workbook (.xlsx) or a CSV file.

New plans (the next NAP, another country's) often arrive as a matrix in a spreadsheet: title rows,
then a header row naming the columns (in English, French or Dutch, in any order: headers.py; the
numbers of objectives and goals in columns of their own or joined to their texts: columns.py),
then a row per line of action, or several rows per line (one per monitoring instrument). A cell
merged over several rows, or left blank under a value, inherits the value above it: a blank number
carries on the line above, a blank goal keeps the goal, a blank departments cell on a new line
takes the departments of the line above (and says so); a value repeated on each row of a line is
said once. Monitoring instruments are split at line breaks and bullets, departments at line
breaks, semicolons and commas, and matched to the known departments (departments.py).
A "Kind" column says what answer each instrument asks for and a "Unit" column what its figures
count (kinds.py), a line per instrument of the cell beside it, or one for them all. An indicator
annex's "Baseline", "Target", "Target year", milestone and "Direction" columns (targets.py) state
each instrument's baseline, target, milestones and direction, a line per instrument.

The reader gathers the rows of each line into one row of the intermediate matrix (model.py), so
that structure.py builds the plan as it does from documents. A workbook written by
`naptrack plan export --format xlsx` also carries the plan's data in a hidden sheet (exports.py:
PLAN_DATA_SHEET); what the matrix cannot show (introductions, notes, kinds of instruments, the
department tree, focus countries) is taken from it, the matrix staying the source of everything
it shows, so that a person may edit the matrix to prepare the next plan.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from naptrack.plans.importing import columns, targets
from naptrack.plans.importing.assemble import objective_heading
from naptrack.plans.importing.completing import complete_from_plan_data
from naptrack.plans.importing.departments import KnownDepartment
from naptrack.plans.importing.finishing import as_known, plan_from_matrix
from naptrack.plans.importing.headers import (
    ACTION,
    CODE,
    DEPARTMENTS,
    GOAL,
    INSTRUMENTS,
    OBJECTIVE,
)
from naptrack.plans.importing.kinds import KIND, UNIT, UNIT_MAX, kind_columns, kind_of_word
from naptrack.plans.importing.model import (
    DEPARTMENT_UNMATCHED,
    METADATA_GUESSED,
    STRUCTURE,
    Check,
    DocumentImportError,
    Heading,
    Matrix,
    Prose,
    Row,
    TableHeader,
)
from naptrack.plans.importing.structure import Built
from naptrack.plans.importing.text import fold
from naptrack.plans.importing.xlsx import MAX_BYTES, PLAN_DATA_SHEET, Cell, Sheet, Spreadsheet, load_xlsx, text_of
from naptrack.plans.interchange import source_of

SUFFIXES = (".xlsx", ".csv")
_SEPARATOR_LINE = re.compile(r"^\ufeff?sep=([,;\t|])[ \t]*\r?\n", re.IGNORECASE)


def load_csv(path: str | Path) -> Spreadsheet:
    from naptrack.plans.importing.txt import decode

    raw = Path(path).read_bytes()
    if len(raw) > MAX_BYTES:
        raise DocumentImportError(f"{Path(path).name} is larger than {MAX_BYTES // (1024 * 1024)} MB")
    text = decode(raw)
    first, options = 1, {}
    said = _SEPARATOR_LINE.match(text)
    dialect: Any = csv.excel
    if said:
        # Excel's "sep=;" first line says the separator, and is no row of the matrix.
        text, first, options = text[said.end() :], 2, {"delimiter": said.group(1)}
    else:
        with contextlib.suppress(csv.Error):  # a single column, or nothing to tell: commas
            dialect = csv.Sniffer().sniff(text[:20000], delimiters=",;\t|")
    rows = []
    # A cell may be as long as the file allows (the reader's default stops at 128 KB).
    csv.field_size_limit(max(csv.field_size_limit(), MAX_BYTES))
    try:
        for n, record in enumerate(csv.reader(io.StringIO(text, newline=""), dialect, **options), start=first):
            cells = [Cell(text_of(v), "own" if text_of(v) else "") for v in record]
            rows.append((n, cells, False))
    except csv.Error as exc:
        raise DocumentImportError(f"{Path(path).name} is not a readable CSV file ({exc})") from None
    return Spreadsheet([Sheet(Path(path).name, rows)])


def load(path: str | Path) -> Spreadsheet:
    suffix = Path(path).suffix.lower()
    if suffix == ".xlsx":
        return load_xlsx(path)
    if suffix == ".csv":
        return load_csv(path)
    raise DocumentImportError(f"cannot read {suffix or 'a file without extension'} as a spreadsheet")


# --- from rows to the matrix ----------------------------------------------------------------------


@dataclass
class _Line:
    """The rows of one line of action, gathered."""

    location: str
    cells: dict[str, list[str]] = field(default_factory=dict)
    code: str = ""
    action: str = ""

    def add(self, name: str, paragraphs: list[str]) -> None:
        target = self.cells.setdefault(name, [])
        for paragraph in paragraphs:
            # A value repeated on every row of its line is the same value, not a second one.
            if paragraph not in target:
                target.append(paragraph)


@dataclass
class _Said:
    """What the kind, unit and target columns say of one instrument of a row."""

    code: str
    action: str
    text: str
    cells: dict[str | targets.Column, str]
    location: str

    @property
    def word(self) -> str:
        return self.cells.get(KIND, "")

    @property
    def unit(self) -> str:
        return self.cells.get(UNIT, "")


class _Reader:
    def __init__(self) -> None:
        self.matrix = Matrix()
        self.front: list[str] = []
        self.columns: dict[int, str] | None = None
        self.kind_columns: dict[int, str | targets.Column] = {}
        self.said: list[_Said] = []
        self.pending: _Line | None = None
        self.previous_departments: list[str] = []
        self.body: list[str] = []

    def flush(self) -> None:
        line = self.pending
        if line is None:
            return
        self.pending = None
        if DEPARTMENTS in self.columns.values() and not line.cells.get(DEPARTMENTS) and self.previous_departments:
            line.cells[DEPARTMENTS] = list(self.previous_departments)
            what = f"line {line.code}" if line.code else "the line"
            self.matrix.check(
                STRUCTURE,
                line.location,
                f"the departments cell of {what} is empty: the departments of the line above were taken",
            )
        if line.cells.get(DEPARTMENTS):
            self.previous_departments = list(line.cells[DEPARTMENTS])
        self.matrix.blocks.append(Row(dict(line.cells), line.location))

    def sheet(self, sheet: Sheet) -> None:
        second = -1  # the second row of a two-row header, read with the first
        for position, (number, cells, across) in enumerate(sheet.rows):
            texts = [c.text if c.origin == "own" else "" for c in cells]
            if not any(c.text for c in cells) or position == second:
                continue
            location = f"{sheet.name}, row {number}"
            if {"line_of_action", "instrument_number", "goal_text"} <= set(texts):
                # naptrack's own CSV export: one row per instrument, departments by code. Its JSON
                # export is the exact interchange; its XLSX export is the matrix this reader reads.
                raise DocumentImportError(
                    f"{sheet.name} is naptrack's CSV export of a plan (one row per instrument), not a matrix: "
                    "load the JSON export with 'naptrack plan load', or import the XLSX export"
                )
            below = sheet.rows[position + 1 :]
            combined = columns.two_row_header(texts, below[0][1]) if below else None
            if combined is not None:
                texts, second, below = combined, position + 1, below[1:]
            header = columns.header_row(texts)
            if header:
                header = columns.by_content(header, texts, below)
                self.flush()
                self.columns = header
                kinds = kind_columns(texts, header)
                self.kind_columns = {**kinds, **targets.target_columns(texts, {**header, **kinds})}
                self.matrix.blocks.append(TableHeader(header, location))
                continue
            own = [t for t in texts if t]
            if self.columns is None:
                self.front += own
                self.matrix.blocks.append(Prose(" ".join(own), location))
                continue
            if across or (own and len(set(own)) == 1 and objective_heading(own[0]) and len(own) <= 2):
                # A cell across the row, or an objective named alone on its row: a heading.
                self.flush()
                self.matrix.blocks.append(Heading(" ".join(own[0].split()), location))
                continue
            self.row(cells, location)
        self.flush()

    def row(self, cells: list[Cell], location: str) -> None:
        assert self.columns is not None
        values: dict[str, Cell] = {}
        for index, name in self.columns.items():
            values[name] = cells[index] if index < len(cells) else Cell("")
        columns.number_lines(values)
        code, action, objective = values.get(CODE), values.get(ACTION), values.get(OBJECTIVE)
        pending = self.pending
        starts = pending is None
        if code is not None and code.origin == "own" and (pending is None or fold(code.text) != fold(pending.code)):
            starts = True
        elif (code is None or not code.text) and action is not None and action.origin == "own":
            starts = pending is None or fold(action.text) != fold(pending.action)
        if objective is not None and objective.origin == "own" and pending is not None:
            previous = " ".join(pending.cells.get(OBJECTIVE, []))
            starts = starts or fold(objective.text) != fold(previous)
        if starts:
            self.flush()
            pending = self.pending = _Line(location)
            if code is not None:
                pending.code = code.text
        assert pending is not None
        for name, cell in values.items():
            if not cell.text:
                continue
            # A cell merged from above on the row of a new line: the value is this line's too
            # (departments, instruments shared by lines), but the goal and the objective carry
            # on by themselves (structure.py keeps them for the lines below).
            if cell.origin == "above" and (not starts or name in (GOAL, OBJECTIVE, CODE)):
                continue
            paragraphs = columns.paragraphs(name, cell.text)
            pending.add(name, paragraphs)
            if name == ACTION and not pending.action:
                pending.action = cell.text
            if name in (GOAL, ACTION, INSTRUMENTS):
                self.body += paragraphs
        instruments = values.get(INSTRUMENTS)
        if self.kind_columns and instruments is not None and instruments.origin == "own" and instruments.text:
            self.kinds_of(pending, instruments.text, cells, location)

    def kinds_of(self, line: _Line, text: str, cells: list[Cell], location: str) -> None:
        """Pair the instruments of a row's cell with the lines of its kind, unit and target cells
        (a cell merged over several rows says the kind of each of them). One line says the kind,
        unit, years or direction of every instrument of the cell, never the figure of each."""
        texts = [t.replace(columns.JOINER, "") for t in columns.paragraphs(INSTRUMENTS, text)]
        said: dict[str | targets.Column, list[str]] = {}
        for index, name in self.kind_columns.items():
            cell = cells[index] if index < len(cells) else Cell("")
            lines = [line.strip() for line in cell.text.split("\n")]
            while lines and not lines[-1]:
                lines.pop()
            # A blank line says nothing of its instrument when the lines pair one to one.
            said[name] = lines if len(lines) == len(texts) else [line for line in lines if line]
        for name, lines in said.items():
            figure = isinstance(name, targets.Column) and name.name in targets.FIGURES
            if len(lines) not in ((0, len(texts)) if figure else (0, 1, len(texts))):
                self.matrix.check(
                    STRUCTURE,
                    location,
                    f"the {name} cell has {len(lines)} lines for {len(texts)} instruments: it is not used",
                )
                said[name] = []
        for n, instrument in enumerate(texts):
            cells = {name: _nth(lines, n) for name, lines in said.items()}
            cells = {name: text for name, text in cells.items() if text}
            if cells:
                self.said.append(_Said(line.code, line.action, instrument, cells, location))


def _nth(lines: list[str], n: int) -> str:
    if not lines:
        return ""
    return lines[0] if len(lines) == 1 else lines[n]


def read_spreadsheet(path: str | Path) -> Matrix:
    """The intermediate matrix of a spreadsheet, for structure.build."""
    return _read(load(path))[0]


def _read(spreadsheet: Spreadsheet) -> tuple[Matrix, str, list[_Said]]:
    reader = _Reader()
    for sheet in spreadsheet.sheets:
        reader.sheet(sheet)
    reader.matrix.front_text = "\n".join(reader.front[:40])
    return reader.matrix, "\n".join(reader.body), reader.said


# --- the plan -------------------------------------------------------------------------------------


def import_plan_spreadsheet(
    path: str | Path,
    *,
    slug: str,
    title: str,
    known_departments: Iterable[KnownDepartment | dict],
    country: str | None = None,
    period: tuple[int, int] | None = None,
    languages: list[str] | None = None,
    focus_countries: list[str] | None = None,
) -> tuple[dict, list[Check]]:
    """Read the plan in a spreadsheet: (naptrack-plan/1 document, checks), as import_plan_document."""
    spreadsheet = load(path)
    matrix, body, kinds = _read(spreadsheet)
    data = spreadsheet.plan_data
    known = as_known(known_departments)
    checks: list[Check] = []
    if data is not None:
        country = country or data["country"]
        period = period or (data["period"]["start"], data["period"]["end"])
        languages = languages or data["languages"]
        focus_countries = data["focus_countries"] if focus_countries is None else focus_countries
        checks.append(
            Check(
                METADATA_GUESSED,
                PLAN_DATA_SHEET,
                "country, period, languages, focus countries, departments, introductions, notes and kinds of "
                f"instruments taken from the sheet {PLAN_DATA_SHEET!r} of the workbook",
            )
        )
    matcher_known = known + [
        d for d in as_known((data or {}).get("departments", [])) if d.code not in {k.code for k in known}
    ]

    def finish_built(built: Built) -> list[Check]:
        document = built.document
        finished = checks + [_unjoin(c) for c in built.checks]
        _finish(document)
        if data is not None:
            complete_from_plan_data(document, data)
        # After the plan data: the matrix wins where it says anything.
        located: dict[tuple[int, int, int, int], tuple[str, str]] = {}
        finished += _apply_kinds(document, kinds, located)
        finished += targets.drop_misfits(document, located, elsewhere=PLAN_DATA_SHEET)
        # A department the plan data names but the installation does not know is created only on request.
        known_codes = {d.code for d in known}
        reported = {c.subject for c in finished if c.kind == DEPARTMENT_UNMATCHED}
        for department in document["departments"]:
            name = source_of(department["name"])
            if department["code"] not in known_codes and name not in reported:
                finished.append(
                    Check(
                        DEPARTMENT_UNMATCHED,
                        PLAN_DATA_SHEET,
                        f"{name!r} is not a known department; it would be created as {department['code']!r}",
                        subject=name,
                    )
                )
        return finished

    return plan_from_matrix(
        matrix,
        name=Path(path).name,
        slug=slug,
        title=title,
        known_departments=matcher_known,
        body_text=body,
        country=country,
        period=period,
        languages=languages,
        focus_countries=focus_countries,
        not_said=lambda missing: f"the spreadsheet does not say {' or '.join(missing)}: give it as an option",
        incomplete="the plan read from the spreadsheet is not complete: ",
        finish=finish_built,
    )


def _unjoin(check: Check) -> Check:
    if columns.JOINER not in check.message:
        return check
    return Check(check.kind, check.location, check.message.replace(columns.JOINER, ""), check.subject)


def _finish(document: dict) -> None:
    """Take out the joiners that kept each instrument whole."""
    for objective in document["objectives"]:
        for goal in objective["goals"]:
            for action in goal["actions"]:
                for instrument in action["instruments"]:
                    instrument["text"] = instrument["text"].replace(columns.JOINER, "")


def _apply_kinds(
    document: dict, kinds: list[_Said], located: dict[tuple[int, int, int, int], tuple[str, str]]
) -> list[Check]:
    """Set each instrument's kind and unit, then its target, as the kind, unit and target columns
    say, matching the instrument by its text within its line (by the line's number, else its
    text); an instrument whose line cannot be told apart takes what the columns say of its text,
    if they agree. `located` receives the place of each instrument given a target, and its row."""
    if not kinds:
        return []
    period = (document["period"]["start"], document["period"]["end"])
    by_code: dict[tuple[str, str], _Said] = {}
    by_action: dict[tuple[str, str], _Said] = {}
    by_text: dict[str, list[_Said]] = {}
    for said in kinds:
        if said.code:
            by_code.setdefault((fold(said.code), fold(said.text)), said)
        by_action.setdefault((fold(said.action), fold(said.text)), said)
        by_text.setdefault(fold(said.text), []).append(said)
    checks: list[Check] = []
    for o, objective in enumerate(document["objectives"]):
        for g, goal in enumerate(objective["goals"]):
            for a, action in enumerate(goal["actions"]):
                for n, instrument in enumerate(action["instruments"]):
                    text = fold(source_of(instrument["text"]))
                    said = by_code.get((fold(action["code"]), text)) or by_action.get(
                        (fold(source_of(action["text"])), text)
                    )
                    if said is None:
                        same = {tuple(sorted(map(str, k.cells.items()))) for k in by_text.get(text, [])}
                        said = by_text[text][0] if len(same) == 1 else None
                    if said is None:
                        continue
                    checks += _set_kind(instrument, said, action["code"])
                    stated = {c: t for c, t in said.cells.items() if isinstance(c, targets.Column)}
                    if stated:
                        checks += targets.read_target(
                            instrument, stated, code=action["code"], location=said.location, period=period
                        )
                        located[(o, g, a, n)] = (action["code"], said.location)
    return checks


def _set_kind(instrument: dict, said: _Said, code: str) -> list[Check]:
    checks = []
    if said.word:
        kind = kind_of_word(said.word)
        if kind is None:
            checks.append(
                Check(
                    STRUCTURE,
                    said.location,
                    f"line {code}: {said.word!r} is not a kind of answer (text, number, by sex, count, money, share, "
                    f"yes/no): the instrument is {instrument['kind']}",
                )
            )
        else:
            by_sex = kind[1] or (kind[0] == "quantitative" and instrument.get("by_sex") is True)
            instrument["kind"] = kind[0]
            if by_sex:
                instrument["by_sex"] = True
            else:
                instrument.pop("by_sex", None)
    if said.unit and len(said.unit) > UNIT_MAX:
        checks.append(
            Check(STRUCTURE, said.location, f"line {code}: the unit is longer than {UNIT_MAX} characters: not used")
        )
    elif said.unit:
        instrument["unit"] = said.unit
    return checks
