"""Sections that apps above this one add to a person's profile page.

The profile page (accounts/views/profile.py) shows what the accounts app knows; what a person holds
in apps above it, such as their API tokens (api), it may not import (docs/architecture.md). Each
such app registers a function here when Django starts (its AppConfig.ready); the page calls each
to get a template and its context, and includes them in order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import HttpRequest


@dataclass(frozen=True)
class Section:
    """A part of the profile page: a template included with `section` in its context."""

    template: str
    context: dict = field(default_factory=dict)


SectionMaker = Callable[[HttpRequest], Section | None]
_makers: list[SectionMaker] = []


def section_add(maker: SectionMaker) -> None:
    """Call `maker(request)` on every profile page; it returns a Section, or None to show nothing."""
    if maker not in _makers:
        _makers.append(maker)


def sections(request: HttpRequest) -> list[Section]:
    return [section for maker in _makers if (section := maker(request)) is not None]
