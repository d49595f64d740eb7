from django.urls import path

from naptrack.civilsociety.views import assessments, events, experts, member, moderation, organisations

app_name = "civilsociety"

urlpatterns = [
    # An organisation's member.
    path("", member.home, name="home"),
    path("my-data/", member.my_data, name="my-data"),
    path("my-data/export/", member.my_data_export, name="my-data-export"),
    path("my-data/erase/", member.my_data_erase, name="my-data-erase"),
    path("rounds/<int:round_pk>/assessments/new/", assessments.assessment_new, name="assessment-new"),
    path("assessments/<int:pk>/", assessments.assessment_edit, name="assessment"),
    path("assessments/<int:pk>/submit/", assessments.assessment_submit, name="assessment-submit"),
    path("assessments/<int:pk>/evidence/", assessments.evidence_add, name="evidence-add"),
    path("evidence/<int:pk>/", assessments.evidence_download, name="evidence-download"),
    # The expertise network: a member's own listing, the coordinator's list.
    path("experts/", experts.expert_list, name="experts"),
    path("experts/new/", experts.expert_new, name="expert-new"),
    path("experts/<int:pk>/", experts.expert_edit, name="expert"),
    path("experts/<int:pk>/consent/", experts.consent_give, name="consent-give"),
    path("experts/<int:pk>/consent/withdraw/", experts.consent_withdraw, name="consent-withdraw"),
    path("experts/fields/", experts.expertise_field_add, name="field-add"),
    path("people/erase/", experts.person_erase, name="person-erase"),
    # The coordinator (readers without the forms).
    path("moderation/", moderation.queue, name="queue"),
    path("assessments/<int:pk>/moderate/", moderation.moderate, name="moderate"),
    path("organisations/", organisations.organisation_list, name="organisations"),
    path("organisations/new/", organisations.organisation_add, name="organisation-add"),
    path("organisations/<int:pk>/", organisations.organisation_detail, name="organisation"),
    path("organisations/<int:pk>/edit/", organisations.organisation_edit, name="organisation-edit"),
    path("organisations/<int:pk>/invite/", organisations.member_invite, name="member-invite"),
    path("rounds/<int:pk>/invite/", organisations.round_invite, name="round-invite"),
    path("events/", events.event_list, name="events"),
    path("events/new/", events.event_create, name="event-create"),
    path("events/<int:pk>/", events.event_detail, name="event"),
    path("events/<int:pk>/edit/", events.event_edit, name="event-edit"),
    path("events/<int:pk>/files/", events.event_file_add, name="event-file-add"),
    path("event-files/<int:pk>/", events.event_file_download, name="event-file"),
    path("events/<int:pk>/recommendations/", events.recommendation_add, name="recommendation-add"),
    path("recommendations/<int:pk>/respond/", events.recommendation_respond, name="recommendation-respond"),
    path("contributions/<int:pk>/events/<int:event_pk>/cite/", events.event_cite, name="event-cite"),
    path("recommendations/<int:pk>/follow-up/", events.recommendation_follow_up, name="recommendation-follow-up"),
]
