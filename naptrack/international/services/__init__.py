"""Every write of international reporting: frameworks and links, requests and answers, targeted
questions. Each checks the actor's permission, runs in one transaction and records an audit event."""

from naptrack.international.services.common import InternationalError, StaleVersion
from naptrack.international.services.frameworks import (
    FrameworkLoad,
    FrameworkRefused,
    framework_code,
    framework_create,
    framework_load,
    mapping_add,
    mapping_remove,
    question_add,
)
from naptrack.international.services.requests import (
    answer_save,
    request_create,
    request_mark_sent,
    request_redraft,
    request_set_visibility,
    request_update,
)
from naptrack.international.services.targeted import (
    targeted_question_approve,
    targeted_question_ask,
    targeted_question_return,
    targeted_question_save,
    targeted_question_submit,
    targeted_questions_remind,
)

__all__ = [
    "FrameworkLoad",
    "FrameworkRefused",
    "InternationalError",
    "StaleVersion",
    "answer_save",
    "framework_code",
    "framework_create",
    "framework_load",
    "mapping_add",
    "mapping_remove",
    "question_add",
    "request_create",
    "request_mark_sent",
    "request_redraft",
    "request_set_visibility",
    "request_update",
    "targeted_question_approve",
    "targeted_question_ask",
    "targeted_question_return",
    "targeted_question_save",
    "targeted_question_submit",
    "targeted_questions_remind",
]
