"""The intermediate matrix every reader produces and structure.py turns into a plan.

A reader (txt, docx, pdf) knows its format and nothing of plans: it emits, in document order,
headings, paragraphs of prose, footnotes, table headers and table rows (each cell a list of
paragraphs), every item with the place it came from, so that a person can find it in the file.
What it had to drop or guess is a Check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Kinds of check, each something a person should look at in the source before loading.
CODE_INFERRED = "code-inferred"  # a line's number was lost or garbled; it was taken from the sequence
NOISE_DROPPED = "noise-dropped"  # page numbers, stray characters, duplicated fragments
DEPARTMENT_UNMATCHED = "department-unmatched"  # a department name that is not a known department
DEPARTMENT_FUZZY = "department-fuzzy"  # a department name read as the known name it nearly spells
ROW_UNPLACED = "row-unplaced"  # a row that could not be attached to a line of action
ROW_SPLIT = "row-split"  # two lines of action printed in one row, split at a sentence
FOOTNOTE = "footnote"  # a footnote with no mark, or a mark with no footnote
METADATA_GUESSED = "metadata-guessed"  # country, period, languages or focus countries read from the text
STRUCTURE = "structure"  # objectives, goals or codes that had to be made up

CHECK_KINDS = (
    CODE_INFERRED,
    NOISE_DROPPED,
    DEPARTMENT_UNMATCHED,
    DEPARTMENT_FUZZY,
    ROW_UNPLACED,
    ROW_SPLIT,
    FOOTNOTE,
    METADATA_GUESSED,
    STRUCTURE,
)


@dataclass(frozen=True)
class Check:
    kind: str
    location: str
    message: str
    # What the check is about, when it names one thing: the department name that matched nothing.
    subject: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "location": self.location, "message": self.message}

    def __str__(self) -> str:
        return f"{self.location}: {self.message} [{self.kind}]"


@dataclass
class Heading:
    """A heading that may name an objective ("OBJECTIVE 2. Gender mainstreaming")."""

    text: str
    location: str


@dataclass
class Prose:
    """A paragraph outside the tables (introductions, running text)."""

    text: str
    location: str


@dataclass
class Footnote:
    number: int
    text: str
    location: str


@dataclass
class TableHeader:
    """The start of a matrix (or its header repeated on a new page): column index -> field."""

    columns: dict[int, str]
    location: str


@dataclass
class Row:
    """A row of a matrix: field -> the paragraphs of its cell.

    `wrapped` says the row may be a fragment of a row broken by the layout (a line of extracted
    text, the part of a table row on the next page); `short_by` counts cells the reader knows
    are missing from the row (a text line with fewer columns than the header).
    """

    cells: dict[str, list[str]]
    location: str
    wrapped: bool = False
    short_by: int = 0
    # Fields whose cell continues the one above (merged over rows), where the reader can tell.
    merged: set[str] = field(default_factory=set)

    def text(self, field_name: str) -> str:
        return " ".join(p for p in self.cells.get(field_name, []) if p)

    def is_empty(self) -> bool:
        return not any(p.strip() for paragraphs in self.cells.values() for p in paragraphs)


Block = Heading | Prose | Footnote | TableHeader | Row


@dataclass
class Matrix:
    blocks: list[Block] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    # The opening text of the document (title page), where the plan states its period or country.
    front_text: str = ""

    def check(self, kind: str, location: str, message: str) -> None:
        self.checks.append(Check(kind, location, message))

    @property
    def has_table(self) -> bool:
        return any(isinstance(b, TableHeader) for b in self.blocks) and any(isinstance(b, Row) for b in self.blocks)


class DocumentImportError(Exception):
    """The file holds no plan matrix that can be read; the message says what was expected."""


# Footnote marks, as readers normalise them: runs of superscript digits.
SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_TO_SUPERSCRIPT = str.maketrans("0123456789", SUPERSCRIPT_DIGITS)
_FROM_SUPERSCRIPT = str.maketrans(SUPERSCRIPT_DIGITS, "0123456789")
MARK_RE = re.compile(f"[{SUPERSCRIPT_DIGITS}]+")


def superscript(number: int | str) -> str:
    return str(number).translate(_TO_SUPERSCRIPT)


def from_superscript(text: str) -> str:
    return text.translate(_FROM_SUPERSCRIPT)
