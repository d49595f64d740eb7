from django.urls import path

from naptrack.reporting.views import focal, history, review, rounds, workbook

app_name = "reporting"

urlpatterns = [
    # Focal points (and anyone who reports): their work, one contribution at a time.
    path("work/", focal.my_contributions, name="my-contributions"),
    path("work/contributions/<int:pk>/", focal.contribution_edit, name="contribution-edit"),
    path("work/contributions/<int:pk>/submit/", focal.contribution_submit, name="contribution-submit"),
    path("work/contributions/<int:pk>/evidence/", focal.evidence_add, name="evidence-add"),
    path("work/evidence/<int:pk>/", focal.evidence_download, name="evidence-download"),
    path("work/evidence/<int:pk>/remove/", focal.evidence_remove, name="evidence-remove"),
    # Department workbooks (focal points and the coordinator): download, upload, preview and confirm.
    path("work/rounds/<int:pk>/workbook/", workbook.workbook_download, name="workbook-download"),
    path("work/rounds/<int:pk>/workbook/upload/", workbook.workbook_upload, name="workbook-upload"),
    path("work/workbooks/<str:token>/", workbook.workbook_preview, name="workbook-preview"),
    # The coordinator's workbook of a whole round: every department's rows; the same preview.
    path("rounds/<int:pk>/workbook/", workbook.round_workbook_download, name="round-workbook-download"),
    path("rounds/<int:pk>/workbook/upload/", workbook.round_workbook_upload, name="round-workbook-upload"),
    # The coordinator (and readers, read-only): rounds, review, synthesis, history.
    path("rounds/", rounds.round_list, name="round-list"),
    path("rounds/new/", rounds.round_create, name="round-create"),
    path("rounds/<int:pk>/", rounds.round_dashboard, name="round-dashboard"),
    path("rounds/<int:pk>/edit/", rounds.round_edit, name="round-edit"),
    path("rounds/<int:pk>/state/<str:transition>/", rounds.round_transition, name="round-transition"),
    path("rounds/<int:pk>/remind/<slug:department>/", rounds.round_remind, name="round-remind"),
    path("rounds/<int:pk>/contributions/", review.round_contributions, name="round-contributions"),
    path("rounds/<int:pk>/lines/<str:code>/", review.line_review, name="line-review"),
    path("rounds/<int:pk>/lines/<str:code>/history/", history.line_history, name="line-history"),
    path("contributions/<int:pk>/review/<str:decision>/", review.contribution_review, name="contribution-review"),
    path("contributions/<int:pk>/history/", history.contribution_history, name="contribution-history"),
]
