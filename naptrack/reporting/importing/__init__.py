"""Importing a past report (a baseline, an annual report) from its document into a round.

    proposal = read_round_document(path, plan=plan, year=2012)   # DocumentImportError when unreadable
    proposal.contributions, proposal.checks, proposal.as_json(plan.slug, kind, year)

reading.py finds the report's matrix with the plan importers' readers and joins its rows back;
placing.py puts each row on the plan's lines and departments, maps its status to the scale and
reads its figures. Nothing here writes: services.imports.round_import creates the round.
"""

from __future__ import annotations

from pathlib import Path

from naptrack.plans.importing.model import DocumentImportError
from naptrack.plans.models import Plan
from naptrack.reporting.importing.placing import (
    FIGURES_FROM_TEXT,
    FIGURES_UNPLACED,
    LINE_BY_TEXT,
    STATUS_UNKNOWN,
    ProposedContribution,
    RoundProposal,
    place,
)
from naptrack.reporting.importing.reading import read_report

SUFFIXES = (".pdf", ".docx", ".txt", ".xlsx", ".csv")


def read_round_document(
    path: str | Path, *, plan: Plan, year: int | None = None, name: str | None = None
) -> RoundProposal:
    """The contributions the report at path gives the plan's round covering `year` (placed on the
    plan as it stood that year; without a year, as it stands now), and what to check."""
    name = name or Path(path).name
    reading = read_report(path, name=name)
    return place(reading, plan, year=year, name=name)


__all__ = [
    "FIGURES_FROM_TEXT",
    "FIGURES_UNPLACED",
    "LINE_BY_TEXT",
    "STATUS_UNKNOWN",
    "SUFFIXES",
    "DocumentImportError",
    "ProposedContribution",
    "RoundProposal",
    "read_round_document",
]
