"""Placing a report's records on a plan: which line of action, which department, which status,
which figures; and what a person should check before the round is created.

A record names its line by its number, or by its text when the report renumbered or left the
numbers out: the text is matched against the plan's lines in every language by similarity
(core.similarity), and a number whose line reads nothing like the record's text yields to the
line the text names. Departments are read with the plan importer's matcher, units included; a
row may name several. Everything here is generic: the plan's own lines, departments and
instruments are all it knows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext

from naptrack.core.similarity import Weights, words
from naptrack.plans.importing.codes import parse_code
from naptrack.plans.importing.departments import DepartmentMatcher, KnownDepartment
from naptrack.plans.importing.model import (
    DEPARTMENT_FUZZY,
    DEPARTMENT_UNMATCHED,
    NOISE_DROPPED,
    ROW_UNPLACED,
    STRUCTURE,
    Check,
)
from naptrack.plans.models import Department, Plan, Responsibility
from naptrack.reporting.importing.asked import Asked, asked_in
from naptrack.reporting.importing.reading import Reading, Record
from naptrack.reporting.importing.statuses import status_of

LINE_BY_TEXT = "line-by-text"
STATUS_UNKNOWN = "status-unknown"
FIGURES_UNPLACED = "figures-unplaced"
FIGURES_FROM_TEXT = "figures-from-text"

# How close a record's text must come to a line's to name it, and by how much the best line must
# lead the next one (else the record is ambiguous and left for a person to place).
ACCEPT = 0.5
LEAD = 0.04
# A number whose line's text scores this low against the record's text is taken to be renumbered.
CODE_DOUBT = 0.35
# A line's number before its text in the same cell: "14.a Develop...", "14 a) Develop...".
_LEADING_CODE = re.compile(r"^\s*(\d{1,3}(?:\s*[.\-]\s*[0-9a-zA-Z]{1,2}){0,2})\s*[.):\-\u2013]?\s+(?=\S)")
_YEAR_LIKE = re.compile(r"1\d{3}|20\d{2}")
_NUMBER = r"(\d{1,3}(?:[\s\u00a0\u202f.,]\d{3})*|\d+)"
_WOMEN_WORDS = r"(?:women|woman|females?|girls|femmes?|filles|vrouwen|vrouw|meisjes)"
_MEN_WORDS = r"(?:men|man|males?|boys|hommes?|garcons|garçons|mannen|jongens)"


@dataclass
class ProposedContribution:
    line: str
    department: str
    status: str = ""
    text: str = ""
    figures: list[dict] = field(default_factory=list)
    source: str = ""
    matched: str = "code"  # or "text"
    score: float | None = None

    def as_dict(self) -> dict:
        return {
            "line": self.line,
            "department": self.department,
            "status": self.status,
            "text": self.text,
            "figures": self.figures,
            "source": self.source,
        }


@dataclass
class RoundProposal:
    """The contributions a report document gives a round, and what a person must check."""

    name: str
    contributions: list[ProposedContribution]
    checks: list[Check]
    # Status as written -> the scale's code ("" when not on the scale): shown in the preview.
    status_mapping: dict[str, str] = field(default_factory=dict)

    @property
    def unknown_departments(self) -> list[Check]:
        return [c for c in self.checks if c.kind == DEPARTMENT_UNMATCHED]

    def as_json(self, plan: str, kind: str, year: int) -> dict:
        return {
            "round": {"plan": plan, "kind": kind, "year": year},
            "contributions": [c.as_dict() for c in self.contributions],
        }


@dataclass
class _Line:
    code: str
    texts: list[list[str]]
    departments: list[str]
    coordinator: str | None
    by_sex: int | None  # position of the line's first instrument counted by sex


class Placer:
    def __init__(self, asked: Asked):
        by_sex: dict[int, int] = {}
        for instrument in sorted(asked.instruments, key=lambda i: (i.action_id, i.position)):
            if instrument.by_sex:
                by_sex.setdefault(instrument.action_id, instrument.position)
        responsible: dict[int, list[Responsibility]] = {}
        for r in asked.responsibilities:
            responsible.setdefault(r.action_id, []).append(r)
        languages = settings.MODELTRANSLATION_LANGUAGES
        self.lines: dict[str, _Line] = {}
        for a in asked.actions:
            texts = [words(getattr(a, f"text_{lang}") or "") for lang in languages]
            mine = responsible.get(a.pk, [])
            self.lines[a.code] = _Line(
                a.code,
                [t for t in texts if t],
                [r.department.code for r in mine],
                next((r.department.code for r in mine if r.is_coordinator), None),
                by_sex.get(a.pk),
            )
        self.codes = {_key(parse_code(code)): code for code in self.lines if parse_code(code)}
        self.weights = Weights(line.texts for line in self.lines.values())
        self.parents = {d.code: d.parent.code for d in asked.departments if d.parent}
        # Only the plan's departments: a department of another plan in the installation is
        # unknown to this one's report.
        self.matcher = DepartmentMatcher([_known(d, languages) for d in asked.departments])

    # --- lines ----------------------------------------------------------------------------

    def line_of(self, record: Record, checks: list[Check]) -> tuple[str | None, str, float | None]:
        """(line code or None, "code" or "text", score when matched by text)."""
        code_text, action = record.code.strip(), record.action.strip()
        leading = _LEADING_CODE.match(action)
        if leading and not code_text:
            code_text, action = leading.group(1), action[leading.end() :]
        by_code = self._by_code(code_text, record.goal)
        query = words(action)
        if by_code and (not query or self._score(query, by_code) >= CODE_DOUBT):
            return by_code, "code", None
        best = self._by_text(query, record.departments)
        if best is None:
            if by_code:
                return by_code, "code", None
            if action:
                message = gettext("no line of the plan has the number %(code)r or a text like %(text)r: row left out")
            elif code_text:
                message = gettext("no line of the plan has the number %(code)r: row left out")
            else:
                message = gettext("the row names no line of action: row left out")
            checks.append(Check(ROW_UNPLACED, record.location, message % {"code": code_text, "text": _short(action)}))
            return None, "", None
        line, score = best
        if by_code and by_code != line:
            message = gettext("number %(code)s, but the text reads as line %(line)s (score %(score).2f)")
        else:
            message = gettext("line %(line)s matched by its text (score %(score).2f): %(text)r")
        checks.append(
            Check(
                LINE_BY_TEXT,
                record.location,
                message % {"code": code_text, "line": line, "score": score, "text": _short(action)},
                subject=line,
            )
        )
        return line, "text", round(score, 2)

    def _by_code(self, text: str, goal: str) -> str | None:
        code = parse_code(text) if text else None
        if code is None and goal and re.fullmatch(r"\s*[a-zA-Z]{1,2}\s*[.)]?\s*", text or ""):
            code = (goal, text.strip(" .)").lower())  # a letter under its goal: "a" in goal 14
        return self.codes.get(_key(code)) if code else None

    def _score(self, query: list[str], code: str) -> float:
        return self.weights.score(query, self.lines[code].texts)

    def _by_text(self, query: list[str], departments: str) -> tuple[str, float] | None:
        if len(query) < 2:
            return None
        scored = sorted(
            ((self.weights.score(query, line.texts), code) for code, line in self.lines.items()), reverse=True
        )
        best, code = scored[0]
        if best < ACCEPT:
            return None
        close = [c for s, c in scored if best - s < LEAD]
        if len(close) > 1:
            # Lines that read alike (the same words in two goals): the one the row's departments
            # are responsible for, if only one is.
            named = {m.code for m in self.matcher.parse(departments) if m.code}
            named |= {self.parents.get(c) for c in named} - {None}
            theirs = [c for c in close if named & set(self.lines[c].departments)]
            if len(theirs) != 1:
                return None
            code = theirs[0]
        return code, next(s for s, c in scored if c == code)

    # --- departments ----------------------------------------------------------------------

    def departments_of(self, record: Record, line: str, checks: list[Check]) -> list[str]:
        responsible = self.lines[line].departments
        if not record.departments.strip():
            if len(responsible) == 1:
                return list(responsible)
            checks.append(
                Check(
                    ROW_UNPLACED,
                    record.location,
                    gettext("the row names no department and line %(line)s has %(count)s: row left out")
                    % {"line": line, "count": len(responsible)},
                )
            )
            return []
        found: list[str] = []
        for mention in self.matcher.parse(record.departments):
            if mention.code is None:
                if not mention.noise:
                    checks.append(
                        Check(
                            DEPARTMENT_UNMATCHED,
                            record.location,
                            gettext("%(name)r is not a department of the plan") % {"name": mention.text},
                            subject=mention.text,
                        )
                    )
                continue
            if mention.fuzzy:
                checks.append(
                    Check(
                        DEPARTMENT_FUZZY,
                        record.location,
                        gettext("%(name)r read as %(code)s") % {"name": mention.text, "code": mention.code},
                        subject=mention.text,
                    )
                )
            code = self._responsible(mention.code, responsible)
            if code is None:
                checks.append(
                    Check(
                        ROW_UNPLACED,
                        record.location,
                        gettext("%(department)s is not responsible for line %(line)s in the plan: left out")
                        % {"department": mention.code, "line": line},
                    )
                )
            elif code not in found:
                found.append(code)
        return found

    def _responsible(self, code: str, responsible: list[str]) -> str | None:
        """The responsible department a name stands for: itself, its parent (a unit named for
        its department), or its only responsible unit (a department named for its unit)."""
        if code in responsible:
            return code
        if self.parents.get(code) in responsible:
            return self.parents[code]
        units = [c for c in responsible if self.parents.get(c) == code]
        return units[0] if len(units) == 1 else None

    # --- figures --------------------------------------------------------------------------

    def figures_of(self, record: Record, line: str, checks: list[Check]) -> list[dict]:
        women, men = _count(record.women), _count(record.men)
        for name, written, value in ((gettext("women"), record.women, women), (gettext("men"), record.men, men)):
            if written.strip() and value is None:
                checks.append(
                    Check(
                        FIGURES_UNPLACED,
                        record.location,
                        gettext("%(column)s %(value)r is not a whole number of people: left out")
                        % {"column": name, "value": written},
                    )
                )
        from_text = women is None and men is None
        if from_text:
            women, men = _counts_in(" ".join([record.figures, *record.report]))
        if women is None and men is None:
            return []
        position = self.lines[line].by_sex
        if position is None:
            checks.append(
                Check(
                    FIGURES_UNPLACED,
                    record.location,
                    gettext("figures for women and men given, but line %(line)s has no instrument counted by sex")
                    % {"line": line},
                )
            )
            return []
        if from_text:
            # Read from a sentence: a person confirms the numbers are counts, not a year or a name.
            checks.append(
                Check(
                    FIGURES_FROM_TEXT,
                    record.location,
                    gettext("figures read from the text for line %(line)s: %(women)s women, %(men)s men")
                    % {"line": line, "women": women, "men": men},
                )
            )
        return [{"instrument": position, "women": women, "men": men}]


def place(reading: Reading, plan: Plan, *, year: int | None, name: str) -> RoundProposal:
    """The proposal for a round of `plan` covering `year`, on the lines it asked for then."""
    placer = Placer(asked_in(plan, year))
    checks = list(reading.checks)
    proposed: dict[tuple[str, str], ProposedContribution] = {}
    mapping: dict[str, str] = {}
    long_statuses = _statuses_are_text(reading)
    previous_line: tuple[str | None, str, float | None] = (None, "", None)
    for record in reading.records:
        if record.same_line:
            line, matched, score = previous_line
            if line is None:
                checks.append(
                    Check(
                        ROW_UNPLACED,
                        record.location,
                        gettext("the row goes on with a row that was not placed: left out too"),
                    )
                )
                continue
        else:
            line, matched, score = previous_line = placer.line_of(record, checks)
        if line is None:
            continue
        text = record.text
        status = ""
        if record.status and long_statuses:
            text = "\n\n".join(t for t in (record.status, text) if t)
        elif record.status:
            code = status_of(record.status)
            mapping[record.status] = code or ""
            if code is None:
                checks.append(
                    Check(
                        STATUS_UNKNOWN,
                        record.location,
                        gettext("status %(status)r is not on the plan's scale: left empty") % {"status": record.status},
                        subject=record.status,
                    )
                )
            status = code or ""
        figures = placer.figures_of(record, line, checks)
        if not (text or status or figures):
            # A line listed with nothing against it: no report, as for the lines not listed.
            checks.append(
                Check(
                    NOISE_DROPPED,
                    record.location,
                    gettext("nothing reported on line %(line)s in this row: left as no report received")
                    % {"line": line},
                )
            )
            continue
        for department in placer.departments_of(record, line, checks):
            key = (line, department)
            if key in proposed:
                # Two rows on one line and department: one contribution, both texts.
                earlier = proposed[key]
                if text and text not in earlier.text:
                    earlier.text = "\n\n".join(t for t in (earlier.text, text) if t)
                if status and earlier.status and status != earlier.status:
                    checks.append(
                        Check(
                            STATUS_UNKNOWN,
                            record.location,
                            gettext(
                                "this row gives line %(line)s for %(department)s the status %(status)s, the row above "
                                "%(earlier)s: the first is kept"
                            )
                            % {"line": line, "department": department, "status": status, "earlier": earlier.status},
                            subject=record.status,
                        )
                    )
                earlier.status = earlier.status or status
                earlier.figures = earlier.figures or figures
                checks.append(
                    Check(
                        STRUCTURE,
                        record.location,
                        gettext("a second row on line %(line)s for %(department)s: joined to %(source)s")
                        % {"line": line, "department": department, "source": earlier.source},
                    )
                )
                continue
            proposed[key] = ProposedContribution(
                line, department, status, text, figures, record.location, matched, score
            )
    return RoundProposal(name, list(proposed.values()), checks, mapping)


def _statuses_are_text(reading: Reading) -> bool:
    """A status column that holds sentences, in a report without a column of its own for what
    was done ("Stand van zaken" as a narrative): its cells are what was reported."""
    from naptrack.reporting.importing.headers import REPORT

    if REPORT in reading.columns:
        return False
    statuses = [r.status for r in reading.records if r.status]
    if not statuses:
        return False
    unmapped = [s for s in statuses if status_of(s) is None]
    return len(unmapped) > len(statuses) / 2 and sum(len(s.split()) for s in unmapped) / len(unmapped) > 5


def _key(code: tuple[str, ...] | None) -> tuple[str, ...] | None:
    return tuple(p.lower() for p in code) if code else None


def _known(d: Department, languages: tuple[str, ...]) -> KnownDepartment:
    texts = {
        name: {lang: getattr(d, f"{name}_{lang}") for lang in languages if getattr(d, f"{name}_{lang}", None)}
        for name in ("name", "abbreviation")
    }
    return KnownDepartment(
        d.code, d.name_en or d.name or d.code, d.parent.code if d.parent else None, d.abbreviation_en or "", texts
    )


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _count(text: str) -> int | None:
    digits = re.sub(r"[\s\u00a0\u202f.,']", "", text or "")
    if not digits.isdigit():
        return None
    value = int(digits)
    return value if value < 10**9 else None


def _counts_in(text: str) -> tuple[int | None, int | None]:
    """Women and men counted in a sentence ("12 women and 30 men", "femmes : 12, hommes : 30"),
    when the text gives exactly one count of each; else nothing (a guess would be worse)."""
    found = []
    for words_ in (_WOMEN_WORDS, _MEN_WORDS):
        counts = re.findall(rf"\b{_NUMBER}\s+{words_}\b", text, re.IGNORECASE)
        counts += re.findall(rf"\b{words_}\s*:\s*{_NUMBER}\b", text, re.IGNORECASE)
        # A year or a resolution's number before "women" ("1325 Women, Peace and Security",
        # "in 2014 women") is no count: four digits without a separator are left alone.
        values = {_count(c) for c in counts if not _YEAR_LIKE.fullmatch(c.strip())} - {None}
        found.append(values.pop() if len(values) == 1 else None)
    if None in found:
        return None, None
    return found[0], found[1]
