"""A question set read from the user's own CSV or XLSX file.

The file has a header row naming its columns in English, French or Dutch (code, text, group,
kind, in any order) and a row per question. Every problem is reported with its row, and a file
with any problem is refused whole: nothing is loaded from half a file.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from naptrack.plans.importing.headers import normalise

MAX_BYTES = 5 * 1024 * 1024
MAX_QUESTIONS = 2000

CODE, TEXT, GROUP, KIND = "code", "text", "group", "kind"

_HEADERS: dict[str, tuple[str, ...]] = {
    CODE: (
        "code",
        "no",
        "n",
        "n o",
        "nr",
        "number",
        "numero",
        "nummer",
        "ref",
        "reference",
        "referentie",
        "id",
        "indicator code",
        "code indicateur",
        "indicatorcode",
    ),
    TEXT: (
        "text",
        "question",
        "questions",
        "indicator",
        "indicators",
        "texte",
        "intitule",
        "indicateur",
        "indicateurs",
        "libelle",
        "tekst",
        "vraag",
        "vragen",
        "indicatoren",
        "omschrijving",
    ),
    GROUP: (
        "group",
        "pillar",
        "chapter",
        "section",
        "area",
        "groupe",
        "pilier",
        "chapitre",
        "rubrique",
        "domaine",
        "groep",
        "pijler",
        "hoofdstuk",
        "rubriek",
        "domein",
    ),
    KIND: (
        "kind",
        "type",
        "answer type",
        "kind of answer",
        "format",
        "type de reponse",
        "nature",
        "soort",
        "antwoordtype",
        "type antwoord",
        "soort antwoord",
    ),
}

# Answer kinds as people write them, after normalise(); the values are Question.Kind's.
_KINDS: dict[str, str] = {}
for _kind, _words in {
    "text": ("text", "texte", "tekst", "narrative", "qualitative", "qualitatif", "kwalitatief", "free text"),
    "number": (
        "number",
        "numeric",
        "count",
        "nombre",
        "numerique",
        "chiffre",
        "getal",
        "aantal",
        "numeriek",
        "quantitative",
        "quantitatif",
        "kwantitatief",
    ),
    "by-sex": (
        "by sex",
        "by sex figures",
        "figures by sex",
        "sex disaggregated",
        "par sexe",
        "ventile par sexe",
        "per geslacht",
        "naar geslacht",
        "women men",
        "femmes hommes",
        "vrouwen mannen",
    ),
    "yes-no": ("yes no", "yes", "boolean", "oui non", "ja nee", "y n"),
}.items():
    for _word in _words:
        _KINDS[_word] = _kind


class FrameworkFileError(Exception):
    """The file as a whole cannot be read (type, size, encoding, no header row)."""


@dataclass
class QuestionRow:
    row: int
    code: str
    text: str
    group: str
    kind: str


@dataclass
class FrameworkFile:
    name: str
    questions: list[QuestionRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _header(text: str) -> str | None:
    norm = normalise(text or "")
    for name, phrases in _HEADERS.items():
        if norm in phrases:
            return name
    return None


def read_framework_file(path: str | Path, *, name: str | None = None) -> FrameworkFile:
    """The questions of a CSV or XLSX file, and every problem found, each naming its row."""
    path = Path(path)
    name = name or path.name
    if path.stat().st_size > MAX_BYTES:
        raise FrameworkFileError(
            _("%(name)s is larger than %(mb)s MB.") % {"name": name, "mb": MAX_BYTES // (1024 * 1024)}
        )
    suffix = Path(name).suffix.lower()
    if suffix == ".xlsx":
        rows = _xlsx_rows(path, name)
    elif suffix in (".csv", ".txt"):
        rows = _csv_rows(path, name)
    else:
        raise FrameworkFileError(_("%(name)s is neither a CSV nor an XLSX file.") % {"name": name})
    return parse_rows(rows, name=name)


def _csv_rows(path: Path, name: str) -> list[list[str]]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes nearly anything; kept for clarity
        raise FrameworkFileError(_("%(name)s is not a text file in UTF-8.") % {"name": name})
    if "\x00" in text:
        raise FrameworkFileError(_("%(name)s is not a text file in UTF-8.") % {"name": name})
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [list(row) for row in csv.reader(io.StringIO(text), dialect)]


def _xlsx_rows(path: Path, name: str) -> list[list[str]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    from naptrack.core import ooxml

    try:
        ooxml.check(path, kind="xlsx", name=name)
        wb = load_workbook(str(path), read_only=True, data_only=True)
    except ooxml.PackageRefused as refused:
        raise FrameworkFileError(str(refused)) from None
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError, SyntaxError):
        raise FrameworkFileError(_("%(name)s is not a readable Excel workbook (.xlsx).") % {"name": name}) from None
    try:
        ws = next((s for s in wb.worksheets if s.sheet_state == "visible"), None)
        if ws is None:
            return []
        return [
            ["" if v is None else str(v) for v in values]
            for values in ws.iter_rows(values_only=True, max_row=MAX_QUESTIONS + 50, max_col=30)
        ]
    except SyntaxError:
        raise FrameworkFileError(_("%(name)s is damaged: a sheet's XML cannot be read.") % {"name": name}) from None
    finally:
        wb.close()


def parse_rows(rows: list[list[str]], *, name: str) -> FrameworkFile:
    out = FrameworkFile(name)
    rows = [[(cell or "").strip() for cell in row] for row in rows]
    start = next((i for i, row in enumerate(rows) if any(row)), None)
    if start is None:
        raise FrameworkFileError(_("%(name)s is empty: it holds no header row and no question.") % {"name": name})
    columns: dict[str, int] = {}
    for index, cell in enumerate(rows[start]):
        found = _header(cell)
        if found and found not in columns:
            columns[found] = index
    missing = [label for key, label in ((CODE, _("code")), (TEXT, _("text"))) if key not in columns]
    if missing:
        raise FrameworkFileError(
            _(
                "%(name)s: the header row (row %(row)s) has no %(columns)s column. Name the columns "
                "code, text, group and kind (or code, question, groupe, type; code, vraag, groep, soort)."
            )
            % {"name": name, "row": start + 1, "columns": _(" and ").join(missing)}
        )
    seen: dict[str, int] = {}
    for number, row in enumerate(rows[start + 1 :], start=start + 2):
        if not any(row):
            continue

        def cell(key: str, row: list[str] = row) -> str:
            index = columns.get(key)
            return row[index] if index is not None and index < len(row) else ""

        code, text, group, kind_text = cell(CODE), cell(TEXT), cell(GROUP), cell(KIND)
        if not code:
            out.problems.append(_("Row %(row)s: the question has no code.") % {"row": number})
            continue
        if len(code) > 40:
            out.problems.append(
                _("Row %(row)s: the code %(code)s is longer than 40 characters.")
                % {"row": number, "code": code[:40] + "…"}
            )
            continue
        if code in seen:
            out.problems.append(
                _("Row %(row)s: the code %(code)s is already used on row %(first)s; each question needs its own code.")
                % {"row": number, "code": code, "first": seen[code]}
            )
            continue
        seen[code] = number
        if not text:
            out.problems.append(_("Row %(row)s: question %(code)s has no text.") % {"row": number, "code": code})
            continue
        kind = _KINDS.get(normalise(kind_text)) if kind_text else "text"
        if kind is None:
            out.problems.append(
                _("Row %(row)s: the kind %(kind)s is not one of text, number, by sex, yes/no.")
                % {"row": number, "kind": kind_text}
            )
            continue
        out.questions.append(QuestionRow(number, code, text, group[:200], kind))
    if not out.questions and not out.problems:
        out.problems.append(_("%(name)s holds a header row but no question.") % {"name": name})
    if len(out.questions) > MAX_QUESTIONS:
        out.problems.append(_("%(name)s holds more than %(max)s questions.") % {"name": name, "max": MAX_QUESTIONS})
    return out
