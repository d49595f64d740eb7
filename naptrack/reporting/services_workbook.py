"""Moved to naptrack.reporting.services.workbooks. This alias remains only while the reporting views
and the command line, reorganised at the same time by others, still import the old path: delete it
once nothing imports naptrack.reporting.services_workbook."""

from naptrack.reporting.services.workbooks import (
    OUTCOMES,
    RowOutcome,
    WorkbookInvalid,
    WorkbookRefused,
    WorkbookResult,
    may_exchange_workbook,
    workbook_export,
    workbook_import,
)

__all__ = [
    "OUTCOMES",
    "RowOutcome",
    "WorkbookInvalid",
    "WorkbookRefused",
    "WorkbookResult",
    "may_exchange_workbook",
    "workbook_export",
    "workbook_import",
]
