"""The report to parliament as one data tree, whatever the format it is written to.

Two steps, so that publishing (three languages, two formats) reads the database once:
`load(round, draft=...)` runs a fixed number of queries — the plan's tree, the round and the
earlier rounds, their contributions and measurements, the syntheses — however many lines,
departments and rounds there are; `build(source, lang)` then makes the tree in one language,
in plan order, in pure Python. The HTML/PDF and DOCX writers only walk the tree.

`loading` reads (and says what the report holds), `building` and `summary` make the tree that
`tree` defines, `formatting` writes its texts and numbers in the report's language.
"""

from naptrack.publications.content.building import build
from naptrack.publications.content.formatting import correction_text, number, percent, round_label, translated
from naptrack.publications.content.loading import Source, earlier_rounds, load
from naptrack.publications.content.tree import (
    DASH,
    INTERNAL,
    NO_STATUS,
    REPORT_LANGUAGES,
    SOURCE_LANGUAGE,
    STATUSES,
    UNAPPROVED,
    Answer,
    Chart,
    CountRow,
    DepartmentRef,
    Figures,
    GoalSection,
    HistoryRow,
    InstrumentBlock,
    Line,
    Narrative,
    ObjectiveSection,
    Report,
    StatusDefinition,
    Summary,
    Text,
    Withdrawal,
)

__all__ = [
    "DASH",
    "INTERNAL",
    "NO_STATUS",
    "REPORT_LANGUAGES",
    "SOURCE_LANGUAGE",
    "STATUSES",
    "UNAPPROVED",
    "Answer",
    "Chart",
    "CountRow",
    "DepartmentRef",
    "Figures",
    "GoalSection",
    "HistoryRow",
    "InstrumentBlock",
    "Line",
    "Narrative",
    "ObjectiveSection",
    "Report",
    "Source",
    "StatusDefinition",
    "Summary",
    "Text",
    "Withdrawal",
    "build",
    "correction_text",
    "earlier_rounds",
    "load",
    "number",
    "percent",
    "round_label",
    "translated",
]
