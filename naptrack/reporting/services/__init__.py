"""Writes in a reporting round. Each service checks the actor's permission, runs in one
transaction and records one audit event; e-mails leave only once the transaction commits.

One module per concern: rounds, contributions, evidence, syntheses, corrections (of what was
published), imports (a round read from a past report's document) and workbooks (a department's
contributions exported to Excel and imported back); common holds what they share. Callers import
from the package (`from naptrack.reporting import services`), except the workbook service, which
they import from services.workbooks: importing it here would load openpyxl with every service.
"""

from naptrack.reporting.services.common import (
    COUNT_MAX,
    Change,
    ContributionConflict,
    WorkflowError,
    narrative_max,
)
from naptrack.reporting.services.contributions import (
    CONTRIBUTION_FIELDS,
    MEASUREMENT_FIELDS,
    contribution_approve,
    contribution_changes_since,
    contribution_reopen,
    contribution_return,
    contribution_save,
    contribution_submit,
    contribution_validate,
)
from naptrack.reporting.services.corrections import (
    contribution_correct,
    contribution_withdraw,
    synthesis_correct,
    synthesis_withdraw,
)
from naptrack.reporting.services.evidence import EVIDENCE_MAX_BYTES, EVIDENCE_TYPES, evidence_add, evidence_remove
from naptrack.reporting.services.imports import round_import, round_import_problems
from naptrack.reporting.services.rounds import (
    round_close,
    round_create,
    round_mark_published,
    round_open,
    round_reopen,
    round_update,
)
from naptrack.reporting.services.syntheses import synthesis_save

__all__ = [
    "CONTRIBUTION_FIELDS",
    "COUNT_MAX",
    "EVIDENCE_MAX_BYTES",
    "EVIDENCE_TYPES",
    "MEASUREMENT_FIELDS",
    "Change",
    "ContributionConflict",
    "WorkflowError",
    "contribution_approve",
    "contribution_changes_since",
    "contribution_correct",
    "contribution_reopen",
    "contribution_return",
    "contribution_save",
    "contribution_submit",
    "contribution_validate",
    "contribution_withdraw",
    "evidence_add",
    "evidence_remove",
    "narrative_max",
    "round_close",
    "round_create",
    "round_import",
    "round_import_problems",
    "round_mark_published",
    "round_open",
    "round_reopen",
    "round_update",
    "synthesis_correct",
    "synthesis_save",
    "synthesis_withdraw",
]
