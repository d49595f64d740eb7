"""The report's content tree: what the writers (HTML/PDF, DOCX) walk, whatever the format.

Plain dataclasses, no query and no rendering; the constants name the marks and columns the writers
show.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings

from naptrack.plans.models import Instrument
from naptrack.reporting.models import Contribution

SOURCE_LANGUAGE = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
REPORT_LANGUAGES = ("en", "fr", "nl", "de")

# Marks on what the published report would not show (drafts only), and on untranslated text.
INTERNAL = "internal"
UNAPPROVED = "unapproved"

STATUSES = tuple(Contribution.Status.values)
NO_STATUS = "none"
DASH = "\u2013"  # what a table shows for a figure not given

# How a line and department's status moved since the previous round (changes.py defines the order).
FORWARD, SAME, BACK, NOT_COMPARED = "forward", "same", "back", "not-compared"
MOVEMENTS = (FORWARD, SAME, BACK, NOT_COMPARED)

# The annexes a coordinator may choose per report, in the order they are printed.
ANNEXES = ("departments", "statuses", "previous-answers", "baseline", "international", "civil-society", "method")


@dataclass(frozen=True)
class Text:
    """Plan content in the report's language; `fallback` when it has no translation and is shown
    in English."""

    text: str
    fallback: bool = False

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class DepartmentRef:
    code: str
    name: Text
    abbreviation: str = ""
    parent: str = ""  # the parent department's name, for units (Interior > Federal Police)


@dataclass
class Figures:
    women: int | None = None
    men: int | None = None
    other: int | None = None
    total: int | Decimal | None = None
    share: float | None = None  # share of women in the total, 0..1
    value: Decimal | None = None
    unit: str = ""

    @property
    def empty(self) -> bool:
        return all(v is None for v in (self.women, self.men, self.other, self.total, self.value))


@dataclass
class Answer:
    """One department's answer to one monitoring instrument."""

    department: DepartmentRef
    text: str = ""
    figures: Figures | None = None
    note: str = ""
    marks: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.text or self.note) and (self.figures is None or self.figures.empty)


@dataclass
class HistoryRow:
    """An instrument's figures in one round: earlier years beside this year's."""

    round_label: str
    year: int
    department: DepartmentRef
    figures: Figures
    current: bool = False
    marks: tuple[str, ...] = ()


@dataclass
class Chart:
    """A Vega-Lite spec with its text alternative; charts.svg()/charts.png() render it once."""

    key: str
    title: str
    spec: dict
    alt: str
    # The same chart laid out for a phone's width (web pages only: the PDF and DOCX use `spec`).
    phone: dict | None = None


@dataclass
class InstrumentBlock:
    number: int
    text: Text
    kind: str
    by_sex: bool
    answers: list[Answer] = field(default_factory=list)
    history: list[HistoryRow] = field(default_factory=list)  # only when earlier rounds have figures
    chart: Chart | None = None

    @property
    def quantitative(self) -> bool:
        return self.kind == Instrument.Kind.QUANTITATIVE


@dataclass
class PreviousAnswer:
    """What a department answered in the previous round: its narrative (instrument 0, Markdown) or
    a qualitative instrument's answer (plain text)."""

    department: DepartmentRef
    instrument: int  # 0 for the narrative
    instrument_text: Text | None
    text: str
    markdown: bool = False


@dataclass
class Change:
    """A line and department's status in the previous round beside this year's."""

    round_label: str  # the previous round: "2013", "2012 (baseline)"
    status: str  # the previous status's code; "" when none was given
    status_label: str
    movement: str  # FORWARD, SAME, BACK or NOT_COMPARED
    label: str  # "in progress -> completed", in the report's language


@dataclass
class Narrative:
    department: DepartmentRef
    status: str  # code; "" when none was given
    status_label: str
    narrative: str  # Markdown, as the department wrote it
    countries: list[str] = field(default_factory=list)  # country names in the report's language
    on_behalf: bool = False
    marks: tuple[str, ...] = ()
    correction: str = ""  # "Corrected on ...: note" (formatting.correction_text)
    change: Change | None = None  # None when there is no previous round


@dataclass
class Withdrawal:
    """A department's report withdrawn after publication: only its public note shows."""

    department: DepartmentRef
    note: str  # "Withdrawn on ...: note"


@dataclass
class Line:
    code: str
    anchor: str
    text: Text
    departments: list[DepartmentRef]
    coordinator: DepartmentRef | None
    synthesis: str = ""
    synthesis_correction: str = ""  # the synthesis corrected or withdrawn: its public note
    instruments: list[InstrumentBlock] = field(default_factory=list)
    narratives: list[Narrative] = field(default_factory=list)
    absent: list[DepartmentRef] = field(default_factory=list)  # no report received
    withheld: list[DepartmentRef] = field(default_factory=list)  # approved but internal (final only)
    withdrawn: list[Withdrawal] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    # The previous round's qualitative answers on this line (HTML: collapsed; DOCX/PDF: an annex).
    previous_label: str = ""
    previous: list[PreviousAnswer] = field(default_factory=list)


@dataclass
class GoalSection:
    number: int
    anchor: str
    text: Text
    lines: list[Line] = field(default_factory=list)


@dataclass
class ObjectiveSection:
    number: int
    anchor: str
    title: Text
    goals: list[GoalSection] = field(default_factory=list)


@dataclass
class CountRow:
    label: str
    counts: dict[str, int]  # status code (and NO_STATUS, "absent", "withheld") -> number
    total: int


@dataclass
class Movements:
    """Lines and departments whose status moved forward, stayed or went back since the previous
    round, per objective (changes.py)."""

    previous_label: str
    columns: list[tuple[str, str]]  # (movement, label) in table order
    by_objective: list[CountRow]
    total: CountRow


@dataclass
class Summary:
    columns: list[tuple[str, str]]  # (key, label) in table order
    by_objective: list[CountRow]
    by_department: list[CountRow]
    missing: list[tuple[DepartmentRef, list[str]]]  # department, line codes without a report
    objective_chart: Chart | None = None
    department_chart: Chart | None = None
    expected: int = 0
    received: int = 0
    movements: Movements | None = None  # None when there is no previous round


@dataclass
class StatusDefinition:
    code: str
    label: str
    definition: str


@dataclass
class TextPart:
    """One of the report's own texts, written by the coordinator per round (Markdown): the
    foreword, the introduction, the main achievements of the year, the conclusions."""

    key: str  # foreword, introduction, achievements, conclusions
    anchor: str
    title: str
    text: Text
    signatory: str = ""  # the foreword's: who signs it
    signatory_title: Text | None = None


@dataclass
class CountryFigure:
    instrument: int
    instrument_text: Text
    by_sex: bool
    figures: Figures


@dataclass
class CountryEntry:
    """A contribution tagged with a country: its line, department, status, narrative and figures."""

    line_code: str
    line_anchor: str
    line_text: Text
    department: DepartmentRef
    status_label: str
    narrative: str  # Markdown
    figures: list[CountryFigure] = field(default_factory=list)
    marks: tuple[str, ...] = ()


@dataclass
class FigureTable:
    """A table of totals, written in the report's language: the first `labels` columns name the
    row (a unit, a currency, a year), the others hold numbers."""

    caption: str
    head: list[str]
    rows: list[list[str | Text]]  # units are plan text
    labels: int = 1
    notes: list[str] = field(default_factory=list)  # printed under the table


@dataclass
class FigureTotals:
    """The totals of the figures in the report (content/figures.py): money per currency, people
    by sex and counts per unit, for the round's year, and earlier years beside it."""

    anchor: str
    title: str
    intro: str
    tables: list[FigureTable] = field(default_factory=list)
    none: str = ""  # said instead of the tables when there is no figure


@dataclass
class TargetProgress:
    """Progress toward the plan's targets (content/targets.py): the targets' table with the
    statuses' rules in its notes, then the shares on track per objective and department. Shaped
    like FigureTotals, so that the writers lay both out alike."""

    anchor: str
    title: str
    intro: str
    tables: list[FigureTable] = field(default_factory=list)
    none: str = ""


@dataclass
class CountryChapter:
    code: str  # ISO 3166-1 alpha-2
    name: str  # in the report's language
    anchor: str
    entries: list[CountryEntry] = field(default_factory=list)
    totals: FigureTotals | None = None  # the country's part of the round's figures


@dataclass
class Countries:
    """A chapter per focus country of the plan (in the plan's order, each even when empty), then
    the other countries tagged, grouped in one chapter (by name)."""

    focus: list[CountryChapter]
    others: list[CountryChapter]


@dataclass
class AnnexTable:
    caption: str
    head: list[str]
    rows: list[list[str | Text]]  # plain text ("\n" breaks a cell's lines), or plan text


@dataclass
class Annex:
    """An annex as its writers print it: paragraphs, definitions (term, meaning) and tables.
    Numbered in the order printed, among the annexes chosen that have data."""

    key: str  # one of ANNEXES
    number: int
    anchor: str
    title: str  # "Annex 2. Status scale"
    paragraphs: list[str] = field(default_factory=list)
    definitions: list[tuple[str, str]] = field(default_factory=list)
    tables: list[AnnexTable] = field(default_factory=list)


@dataclass
class Cover:
    plan_title: Text
    title: str  # "Report to parliament"
    round_label: str  # "Annual report 2014"
    year: int
    country: str  # the plan's country, in the report's language
    institution: str  # NAPTRACK_REPORT_INSTITUTION
    logo: str  # NAPTRACK_REPORT_LOGO: a file path, "" for none
    date_label: str


@dataclass
class Report:
    language: str
    draft: bool
    plan_title: Text
    plan_slug: str
    plan_period: str
    round_id: int
    round_kind: str
    round_label: str  # "Annual report 2014"
    kind_label: str
    year: int
    date: dt.date
    date_label: str
    title: str  # the document's title (also the PDF's and the running header's)
    summary: Summary | None  # None for a document that is no round's report (an evaluation's)
    objectives: list[ObjectiveSection]
    departments: list[DepartmentRef]
    statuses: list[StatusDefinition]
    earlier_rounds: list[str]
    charts: list[Chart]
    method: list[str]  # how the report was produced (the last annex)
    cover: Cover | None = None
    # The coordinator's own texts, None when not written (the round's instructions to focal points
    # are never part of the report). In print order: foreword (before the contents), introduction
    # and achievements (before the summary), conclusions (after the country chapters).
    foreword: TextPart | None = None
    introduction: TextPart | None = None
    achievements: TextPart | None = None
    conclusions: TextPart | None = None
    countries: Countries | None = None
    figures: FigureTotals | None = None  # printed at the end of the summary
    targets: TargetProgress | None = None  # after the figures; None when the plan states no target
    annexes: list[Annex] = field(default_factory=list)  # chosen, with data, numbered

    def lines(self) -> list[Line]:
        return [line for o in self.objectives for g in o.goals for line in g.lines]


def foreign(node: object) -> bool:
    """Whether a part of the report (a chapter, an annex, the cover) holds plan text shown in
    English for want of a translation: the writers then say so once at the chapter's top,
    instead of marking every such text."""
    if isinstance(node, Text):
        return node.fallback
    if isinstance(node, Chart | Figures | str):
        return False
    if isinstance(node, list | tuple):
        return any(foreign(item) for item in node)
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        return any(foreign(getattr(node, f.name)) for f in dataclasses.fields(node))
    return False
