"""Sections that apps above this one add to a focal point's work list, to a line of action's
review page, to a round's dashboard and to a contribution's page.

The work list (reporting/views/focal.py), the line's review page (reporting/views/review.py), the
round's dashboard (reporting/views/rounds.py) and the contribution's page (views/focal.py) show
what reporting knows; work a person holds in apps above it, such as the targeted questions of
international reporting, they may not import (docs/architecture.md). Each such app registers a
function here when Django starts (its AppConfig.ready); the page calls each to get a template and
its context, and includes them in order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class Section:
    """A part of a page: a template included with `section` in its context."""

    template: str
    context: dict = field(default_factory=dict)


WorkMaker = Callable[[HttpRequest], Section | None]
LineMaker = Callable[[HttpRequest, Any], Section | None]
RoundMaker = Callable[[HttpRequest, Any], Section | None]
ContributionMaker = Callable[[HttpRequest, Any], Section | None]
_work: list[WorkMaker] = []
_line: list[LineMaker] = []
_round: list[RoundMaker] = []
_contribution: list[ContributionMaker] = []


def section_add(maker: WorkMaker) -> None:
    """Call `maker(request)` on every focal point's work list; it returns a Section, or None."""
    if maker not in _work:
        _work.append(maker)


def sections(request: HttpRequest) -> list[Section]:
    return [section for maker in _work if (section := maker(request)) is not None]


def line_section_add(maker: LineMaker) -> None:
    """Call `maker(request, action)` on every line's review page; it returns a Section, or None."""
    if maker not in _line:
        _line.append(maker)


def line_sections(request: HttpRequest, action: Any) -> list[Section]:
    return [section for maker in _line if (section := maker(request, action)) is not None]


def round_section_add(maker: RoundMaker) -> None:
    """Call `maker(request, round)` on every round's dashboard (civil society's assessments)."""
    if maker not in _round:
        _round.append(maker)


def round_sections(request: HttpRequest, round_: Any) -> list[Section]:
    return [section for maker in _round if (section := maker(request, round_)) is not None]


def contribution_section_add(maker: ContributionMaker) -> None:
    """Call `maker(request, contribution)` on every contribution's page (the events a contribution
    on line 34 cites)."""
    if maker not in _contribution:
        _contribution.append(maker)


def contribution_sections(request: HttpRequest, contribution: Any) -> list[Section]:
    return [section for maker in _contribution if (section := maker(request, contribution)) is not None]
