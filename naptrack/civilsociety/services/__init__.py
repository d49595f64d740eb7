"""Every write of civil society's records: organisations and members, the expertise network,
events and recommendations, assessments and round invitations. Each checks the actor's
permission, runs in one transaction and records an audit event."""

from naptrack.civilsociety.services.assessments import (
    assessment_create,
    assessment_evidence_add,
    assessment_moderate,
    assessment_save,
    assessment_submit,
    round_figures,
    round_invite,
)
from naptrack.civilsociety.services.common import CivilSocietyError, StaleVersion
from naptrack.civilsociety.services.events import (
    event_cite,
    event_create,
    event_file_add,
    event_update,
    recommendation_add,
    recommendation_follow_up,
    recommendation_respond,
)
from naptrack.civilsociety.services.experts import (
    erasure_requests,
    expert_add,
    expert_consent_give,
    expert_consent_withdraw,
    expert_update,
    expertise_field_add,
    person_erase,
    person_erasure_request,
    person_export,
)
from naptrack.civilsociety.services.organisations import member_invite, organisation_add, organisation_update

__all__ = [
    "CivilSocietyError",
    "StaleVersion",
    "assessment_create",
    "assessment_evidence_add",
    "assessment_moderate",
    "assessment_save",
    "assessment_submit",
    "erasure_requests",
    "event_cite",
    "event_create",
    "event_file_add",
    "event_update",
    "expert_add",
    "expert_consent_give",
    "expert_consent_withdraw",
    "expert_update",
    "expertise_field_add",
    "member_invite",
    "organisation_add",
    "organisation_update",
    "person_erase",
    "person_erasure_request",
    "person_export",
    "recommendation_add",
    "recommendation_follow_up",
    "recommendation_respond",
    "round_figures",
    "round_invite",
]
