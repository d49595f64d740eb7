"""The steps every reader ends with, once it has a matrix: the plan's metadata, the plan built from
the matrix (structure.py), the last checks, and the result with what a person should check.

Documents (import_plan_document) and spreadsheets (spreadsheet.py) both end here; a reader passes
what only it knows: the text to guess the metadata from, how to say what is missing, and what it
does to the plan built before the last checks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.utils.translation import gettext, gettext_lazy

from naptrack.plans import interchange
from naptrack.plans.importing import metadata as metadata_
from naptrack.plans.importing.departments import KnownDepartment
from naptrack.plans.importing.model import Check, DocumentImportError, Matrix
from naptrack.plans.importing.structure import Built, build

EXPECTED_MATRIX = gettext_lazy(
    "expected a table of lines of action whose header row names its columns, e.g. "
    "'No. | Goal | Lines of action | Monitoring instruments | Departments' (in English, French or Dutch, in any order)"
)


def as_known(departments: Iterable[KnownDepartment | dict]) -> list[KnownDepartment]:
    known: dict[str, KnownDepartment] = {}
    for d in departments:
        if isinstance(d, dict):
            d = KnownDepartment.from_document(d)
        known.setdefault(d.code, d)
    return list(known.values())


def _built_checks(built: Built) -> list[Check]:
    return built.checks


def plan_from_matrix(
    matrix: Matrix,
    *,
    name: str,
    slug: str,
    title: str,
    known_departments: Iterable[KnownDepartment | dict],
    body_text: str,
    table_text: str = "",
    country: str | None,
    period: tuple[int, int] | None,
    languages: list[str] | None,
    focus_countries: list[str] | None,
    not_said: Callable[[list[str]], str],
    incomplete: str,
    finish: Callable[[Built], list[Check]] = _built_checks,
) -> tuple[dict, list[Check]]:
    """The plan in the matrix read from the file `name`: (naptrack-plan/1 document, checks).

    `not_said` words the error when the metadata can be neither found nor guessed; `finish` may
    change the plan built and returns the checks to report after those of the metadata;
    `incomplete` opens the list of what is wrong when the plan is not a valid document."""
    require_table(matrix, name)
    metadata, guessed, missing = metadata_.detect(
        title=title,
        front_text=matrix.front_text,
        body_text=body_text,
        table_text=table_text,
        country=country,
        period=period,
        languages=languages,
        focus_countries=focus_countries,
    )
    if missing:
        raise DocumentImportError(not_said(missing))
    built = build(matrix, slug=slug, title=title, known_departments=as_known(known_departments), metadata=metadata)
    checks = guessed + finish(built)
    require_complete(built.document, name, incomplete)
    return built.document, checks


def require_table(matrix: Matrix, name: str) -> None:
    """Every reader's first check: the file holds a matrix at all."""
    if not matrix.has_table:
        raise DocumentImportError(
            gettext("no matrix of lines of action found in %(name)s: %(expected)s")
            % {"name": name, "expected": EXPECTED_MATRIX}
        )


def require_complete(document: dict, name: str, incomplete: str) -> None:
    """Every reader's last checks: the plan read has lines of action and is a valid
    naptrack-plan/1 document; `incomplete` opens the list of what is wrong."""
    if not any(goal["actions"] for o in document["objectives"] for goal in o["goals"]):
        raise DocumentImportError(
            gettext("the matrix in %(name)s holds no line of action: %(expected)s")
            % {"name": name, "expected": EXPECTED_MATRIX}
        )
    try:
        interchange.validate(document)
    except interchange.PlanFormatError as exc:
        raise DocumentImportError(
            incomplete
            + "; ".join(exc.problems[:5])
            + (f" (and {len(exc.problems) - 5} more)" if len(exc.problems) > 5 else "")
        ) from None
