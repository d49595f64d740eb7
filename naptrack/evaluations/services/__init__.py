"""Every write to an evaluation: `evaluations.py` the evaluation itself (details, the government's
responses, publishing), `entries.py` its assessments, findings and recommendations."""

from naptrack.evaluations.services.entries import (
    assessments_set,
    finding_add,
    finding_edit,
    finding_remove,
    recommendation_add,
    recommendation_edit,
    recommendation_remove,
)
from naptrack.evaluations.services.evaluations import (
    evaluation_create,
    evaluation_edit,
    evaluation_publish,
    evaluation_response_set,
    evaluation_withdraw,
    response_set,
)

__all__ = [
    "assessments_set",
    "evaluation_create",
    "evaluation_edit",
    "evaluation_publish",
    "evaluation_response_set",
    "evaluation_withdraw",
    "finding_add",
    "finding_edit",
    "finding_remove",
    "recommendation_add",
    "recommendation_edit",
    "recommendation_remove",
    "response_set",
]
