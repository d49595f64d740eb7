"""Rows of a reader's matrix assembled into lines of action.

A numbered row starts a line; an unnumbered one, or one whose number cannot follow the previous
line's (a page number, a garbled stray), continues it cell by cell until its sentences end.
Headings ("OBJECTIVE 2. ...") or an objective column open objectives, and the paragraphs after
an objective's heading are its introduction. Whatever is dropped or inferred is a Check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext

from naptrack.plans.importing import codes as codes_
from naptrack.plans.importing.codes import Code, code_text, goal_key, parse_code
from naptrack.plans.importing.departments import Mention
from naptrack.plans.importing.headers import (
    ACTION,
    CODE,
    DEPARTMENTS,
    GOAL,
    GOAL_NUMBER,
    INSTRUMENTS,
    OBJECTIVE,
    OBJECTIVE_NUMBER,
)
from naptrack.plans.importing.model import (
    CODE_INFERRED,
    NOISE_DROPPED,
    Check,
    Footnote,
    Heading,
    Matrix,
    Prose,
    Row,
    TableHeader,
)
from naptrack.plans.importing.text import (
    clean,
    extract_marks,
    fold,
    is_complete,
    is_garbled_copy,
    join_fragments,
    letters,
    starts_continuation,
)

_OBJECTIVE_RE = re.compile(
    r"^\s*(?:strategic\s+|specific\s+)?(?:objective|objectif(?:\s+strat[ée]gique)?|strategische\s+doelstelling|"
    r"doelstelling|pillar|pilier|pijler|axe|priority|priorit[ée])\s*(?:n[°o]\.?\s*)?"
    r"(\d{1,2}|[IVX]{1,5})\b\s*[.:\-\u2013\u2014)]?\s*(.*)$",
    re.IGNORECASE,
)
_ROMAN = {"I": 1, "V": 5, "X": 10}
_NUMBERED_TITLE = re.compile(r"^\s*(\d{1,2})\s*[.:)\-\u2013\u2014]\s*(\S.*)$")
_NUMBER = re.compile(r"^\s*(?:[^\W\d_]{1,12}\s+)?(\d{1,2}|[IVX]{1,5})\s*[.:)]?\s*$")


def roman_or_int(text: str) -> int:
    if text.isdigit():
        return int(text)
    total, previous = 0, 0
    for ch in reversed(text.upper()):
        value = _ROMAN[ch]
        total += value if value >= previous else -value
        previous = max(previous, value)
    return total


def objective_heading(text: str) -> tuple[int, str] | None:
    match = _OBJECTIVE_RE.match(text)
    if not match:
        return None
    return roman_or_int(match.group(1)), clean(match.group(2))


# --- drafts -------------------------------------------------------------------------------------


@dataclass
class ObjectiveDraft:
    number: int | None
    title: str
    location: str
    intro: list[str] = field(default_factory=list)
    intro_marks: list[int] = field(default_factory=list)


@dataclass
class LineDraft:
    code: Code | None
    location: str
    objective: ObjectiveDraft | None
    block: int
    # field -> paragraphs, each a list of fragments joined by spaces (lines of a wrapped cell)
    paragraphs: dict[str, list[list[str]]] = field(default_factory=dict)
    fragments: dict[str, list[str]] = field(default_factory=dict)

    def text(self, name: str) -> str:
        return " ".join(join_fragments(p) for p in self.paragraphs.get(name, []))

    def add(self, name: str, fragment: str, *, new_paragraph: bool = False) -> None:
        groups = self.paragraphs.setdefault(name, [])
        self.fragments.setdefault(name, []).append(fragment)
        joins = name in (GOAL, ACTION, DEPARTMENTS, OBJECTIVE)
        if groups and not new_paragraph and (joins or not is_complete(join_fragments(groups[-1]))):
            groups[-1].append(fragment)
        else:
            groups.append([fragment])

    def drop_last(self, name: str) -> None:
        self.fragments[name].pop()
        groups = self.paragraphs[name]
        groups[-1].pop()
        if not groups[-1]:
            groups.pop()


@dataclass
class Line:
    """A line of action once its cells are complete."""

    code: Code | None
    location: str
    objective: ObjectiveDraft | None
    block: int
    goal: str
    text: str
    instruments: list[str]
    mentions: list[Mention]
    marks: list[int]


@dataclass
class GoalDraft:
    objective: ObjectiveDraft | None
    text: str
    key: Code | None
    location: str
    lines: list[Line] = field(default_factory=list)


# --- assembling rows into lines -------------------------------------------------------------------


class Assembler:
    def __init__(self, matrix: Matrix):
        self.matrix = matrix
        self.checks: list[Check] = []
        self.objectives: list[ObjectiveDraft] = []
        self.objective: ObjectiveDraft | None = None
        self.objective_fresh = False  # an objective started since the last line
        self.awaiting_title = False
        self.in_intro = False
        self.in_table = False
        self.columns: set[str] = set()
        self.drafts: list[LineDraft] = []
        self.current: LineDraft | None = None
        self.running_goal = ""
        self.footnotes: list[tuple[int, Footnote]] = []
        self.gaps: list[tuple[LineDraft, list[Code], LineDraft]] = []
        self.sub_kinds: dict[int, str] = {}

    def check(self, kind: str, location: str, message: str) -> None:
        self.checks.append(Check(kind, location, message))

    def run(self) -> None:
        for index, block in enumerate(self.matrix.blocks):
            if isinstance(block, Heading):
                self.heading(block.text, block.location)
            elif isinstance(block, Prose):
                self.prose(block)
            elif isinstance(block, Footnote):
                self.footnotes.append((index, block))
            elif isinstance(block, TableHeader):
                self.columns |= set(block.columns.values())
                self.in_table, self.in_intro, self.awaiting_title = True, False, False
            elif isinstance(block, Row):
                self.row(index, block)

    # headings and text

    def heading(self, text: str, location: str) -> bool:
        found = objective_heading(text)
        if found is None:
            if self.awaiting_title:
                self.objective.title = clean(text)  # type: ignore[union-attr]
                self.awaiting_title = False
            elif self.in_intro:
                self.intro(text)
            elif self.in_table and self.drafts:
                message = gettext("heading between the rows of a table left out: %(text)r") % {"text": text[:60]}
                self.check(NOISE_DROPPED, location, message)
            return False
        number, title = found
        self.objective = ObjectiveDraft(number, title, location)
        self.objectives.append(self.objective)
        self.objective_fresh = True
        self.awaiting_title = not title
        self.in_intro, self.in_table = True, False
        return True

    def prose(self, block: Prose) -> None:
        if self.awaiting_title and len(block.text) < 200:
            self.heading(block.text, block.location)
        elif self.in_intro:
            self.intro(block.text)
        elif self.in_table and self.drafts:
            short = block.text if len(block.text) < 60 else block.text[:57] + "..."
            message = gettext("text between the rows of a table left out: %(text)r") % {"text": short}
            self.check(NOISE_DROPPED, block.location, message)

    def intro(self, text: str) -> None:
        assert self.objective is not None
        text, marks = extract_marks(text)
        self.objective.intro_marks += marks
        paragraphs = self.objective.intro
        # A paragraph cut by a page break or a footnote goes on where it stopped.
        if paragraphs and not is_complete(paragraphs[-1]) and not re.search(r"[:;]$", paragraphs[-1]):
            paragraphs[-1] = clean(paragraphs[-1] + " " + text)
        else:
            paragraphs.append(clean(text))

    # rows

    def row(self, index: int, row: Row) -> None:
        if self.objective_row(row):
            return
        self.in_table, self.in_intro, self.awaiting_title = True, False, False
        if OBJECTIVE in row.cells:
            self.objective_cell(row)
        code_raw = row.text(CODE).strip()
        content = self.content(row)
        if not content:
            if code_raw:
                message = gettext("%(code)r alone on a row: read as a page number, left out") % {"code": code_raw}
                self.check(NOISE_DROPPED, row.location, message)
            return
        parsed = parse_code(code_raw) if code_raw else None
        current = self.current
        if current is None or current.objective is not self.objective:
            # The first row of a table under a new objective starts a line, whatever it holds.
            code = parsed
            if code is None and CODE in self.columns:
                code = self.infer(current, content)
                self.check(
                    CODE_INFERRED,
                    row.location,
                    gettext("the row has no line number (%(raw)r is not one): read as %(code)s")
                    % {"raw": code_raw, "code": code_text(code) if code else "-"}
                    if code_raw
                    else gettext("the row has no line number: read as %(code)s")
                    % {"code": code_text(code) if code else "-"},
                )
            self.start(index, row, code, content)
            return
        assert current is not None
        if parsed is not None and codes_.same(parsed, current.code):
            self.merge(row, content)
            return
        if parsed is not None and (
            codes_.is_successor(current.code, parsed, self.sub_kinds)
            or (self.objective_fresh and any(codes_.same(parsed, c) for c in codes_.first_codes(self.sub_kinds)))
            or current.code is None
        ):
            self.start(index, row, parsed, content)
            return
        if code_raw:
            if self.continues(content, current):
                self.check(
                    NOISE_DROPPED,
                    row.location,
                    gettext(
                        "%(raw)r is not a line number that can follow %(line)s: read as noise, the row continues it"
                    )
                    % {"raw": code_raw, "line": self.name(current)},
                )
                self.merge(row, content)
                return
            missing = codes_.gap(current.code, parsed, self.sub_kinds) if parsed and current.code else None
            if missing is not None:
                draft = self.start(index, row, parsed, content)
                self.gaps.append((current, missing, draft))
                return
            code = self.infer(current, content)
            self.check(
                CODE_INFERRED,
                row.location,
                gettext("%(raw)r cannot follow %(line)s in the numbering: read as %(code)s")
                % {"raw": code_raw, "line": self.name(current), "code": code_text(code) if code else "-"},
            )
            self.start(index, row, code, content)
            return
        if CODE not in self.columns:
            if (not row.wrapped and not self.continues(content, current)) or self.new_line(content, current):
                self.start(index, row, None, content)
            else:
                self.merge(row, content)
            return
        if self.new_line(content, current):
            code = self.infer(current, content)
            self.check(
                CODE_INFERRED,
                row.location,
                gettext("a row without a line number starts a new line of action: numbered %(code)s from the sequence")
                % {"code": code_text(code) if code else "-"},
            )
            self.start(index, row, code, content)
            return
        self.merge(row, content)

    def objective_row(self, row: Row) -> bool:
        """A row of one cell that names an objective (a full-width row within the table)."""
        texts = [p for name, paragraphs in row.cells.items() for p in paragraphs if p.strip()]
        filled = [name for name, paragraphs in row.cells.items() if any(p.strip() for p in paragraphs)]
        if not texts or (len(set(filled)) > 1 and len({fold(t) for t in texts}) > 1):
            return False
        text = " ".join(dict.fromkeys(texts))
        if objective_heading(text) is None:
            return False
        self.heading(text, row.location)
        self.in_table, self.in_intro = True, False
        return True

    def objective_cell(self, row: Row) -> None:
        """An objective column: a new objective where its text changes (it may be printed on
        every row, or once in a merged cell)."""
        text = clean(row.text(OBJECTIVE))
        if not text:
            return
        if self.objective is not None and row.wrapped and not row.text(CODE) and starts_continuation(text):
            self.objective.title = clean(self.objective.title + " " + text)
            return
        found = objective_heading(text)
        if found is None:
            numbered = _NUMBERED_TITLE.match(text)
            found = (int(numbered.group(1)), clean(numbered.group(2))) if numbered else (None, text)
        number, title = found
        if number is None:
            # The number in a column of its own ("Objective no."), beside the title.
            own = _NUMBER.match(row.text(OBJECTIVE_NUMBER))
            number = roman_or_int(own.group(1)) if own else None
        current = self.objective
        same_number = current is not None and (number is None or number == current.number)
        if same_number and (fold(title) == fold(current.title) or fold(current.title).endswith(fold(title))):
            return
        self.objective = ObjectiveDraft(number, title, row.location)
        self.objectives.append(self.objective)
        self.objective_fresh = True

    def content(self, row: Row) -> dict[str, list[str]]:
        """The row's cells but its number, without fragments that are noise."""
        content: dict[str, list[str]] = {}
        for name, paragraphs in row.cells.items():
            if name in (CODE, OBJECTIVE, OBJECTIVE_NUMBER, GOAL_NUMBER):
                continue
            for fragment in paragraphs:
                fragment = fragment.strip()
                if not fragment:
                    continue
                if name != DEPARTMENTS and self.is_noise(name, fragment):
                    message = gettext("%(text)r in the %(column)s column: left out as noise")
                    self.check(NOISE_DROPPED, row.location, message % {"text": fragment, "column": name})
                    continue
                content.setdefault(name, []).append(fragment)
        return content

    def is_noise(self, name: str, fragment: str) -> bool:
        """Stray characters: nothing but punctuation, or a letter or two where no text goes on.
        Footnote marks and numbers that finish a sentence ("resolution" / "1325.") are text."""
        rest, marks = extract_marks(fragment)
        if marks and not rest.strip():
            return False
        count = letters(rest)
        if count > 2:
            return False
        target = self.target(name, self.current)
        if count == 0 and any(ch.isdigit() for ch in rest) and target and not is_complete(target):
            return False
        return count == 0 or not target or is_complete(target)

    def target(self, name: str, draft: LineDraft | None) -> str:
        if draft is None:
            return ""
        text = draft.text(name)
        if not text and name == GOAL:
            return self.running_goal
        return text

    def continues(self, content: dict[str, list[str]], current: LineDraft) -> bool:
        """Whether every cell of the row reads as the rest of the current line's cells."""
        for name, fragments in content.items():
            if name == DEPARTMENTS:
                continue
            target = self.target(name, current)
            if target and not is_complete(target):
                continue
            if starts_continuation(fragments[0]):
                continue
            return False
        return True

    def new_line(self, content: dict[str, list[str]], current: LineDraft) -> bool:
        """Whether an unnumbered row reads as a line of action of its own rather than the rest
        of the current one: a new sentence in the action cell after a finished one, with an
        instrument or department beside it."""
        action = content.get(ACTION)
        if not action or starts_continuation(action[0]) or not action[0][:1].isupper():
            return False
        if len(action[0].split()) < 3 or not is_complete(current.text(ACTION)):
            return False
        instruments = content.get(INSTRUMENTS)
        if instruments and starts_continuation(instruments[0]):
            return False
        return bool(instruments or content.get(DEPARTMENTS))

    def infer(self, current: LineDraft | None, content: dict[str, list[str]]) -> Code | None:
        if CODE not in self.columns:
            return None
        if current is None or current.code is None:
            return codes_.first_codes(self.sub_kinds)[1]
        candidates = codes_.successors(current.code, self.sub_kinds)
        goal = content.get(GOAL)
        new_goal = bool(goal) and not starts_continuation(goal[0]) and is_complete(self.target(GOAL, current))
        used = {tuple(p.lower() for p in d.code) for d in self.drafts if d.code}
        for candidate in candidates:
            if tuple(p.lower() for p in candidate) in used:
                continue
            if new_goal == (goal_key(candidate) != goal_key(current.code)):
                return candidate
        return next((c for c in candidates if tuple(p.lower() for p in c) not in used), None)

    def name(self, draft: LineDraft) -> str:
        if draft.code:
            return gettext("line %(code)s") % {"code": code_text(draft.code)}
        return gettext("the line at %(location)s") % {"location": draft.location}

    def start(self, index: int, row: Row, code: Code | None, content: dict[str, list[str]]) -> LineDraft:
        if self.current is not None and self.current.text(GOAL):
            self.running_goal = self.current.text(GOAL)
        draft = LineDraft(code, row.location, self.objective, index)
        raw = row.text(CODE).strip()
        if code is not None and raw and parse_code(raw) == code:
            written = re.sub(r"[\s.\-/)]+", "", raw).lower()
            if written != "".join(code).lower():
                # A look-alike letter or digit (a Cyrillic letter for a 6): read, but worth a look.
                message = gettext("the line number %(raw)r was read as %(code)s")
                self.check(CODE_INFERRED, row.location, message % {"raw": raw, "code": code_text(code)})
        for name, fragments in content.items():
            for fragment in fragments:
                draft.add(name, fragment, new_paragraph=not row.wrapped)
        if code is not None:
            for level, part in enumerate(code):
                if level > 0:
                    self.sub_kinds.setdefault(level, part)
        self.drafts.append(draft)
        self.current = draft
        self.objective_fresh = False
        return draft

    def merge(self, row: Row, content: dict[str, list[str]]) -> None:
        draft = self.current
        assert draft is not None
        for name, fragments in content.items():
            for fragment in fragments:
                before = draft.fragments.get(name)
                if before:
                    verdict = is_garbled_copy(before[-1], fragment)
                    if verdict == "second":
                        message = gettext("%(text)r repeats the text above it: left out") % {"text": fragment}
                        self.check(NOISE_DROPPED, row.location, message)
                        continue
                    if verdict == "first":
                        self.check(
                            NOISE_DROPPED,
                            row.location,
                            gettext("%(text)r is a garbled copy of the text below it: left out") % {"text": before[-1]},
                        )
                        draft.drop_last(name)
                draft.add(name, fragment)
