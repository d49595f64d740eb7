from django.urls import path

from naptrack.reporting.views import coordination, focal, workbook

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
    # The coordinator (and readers, read-only): rounds, review, synthesis, history.
    path("rounds/", coordination.round_list, name="round-list"),
    path("rounds/new/", coordination.round_create, name="round-create"),
    path("rounds/<int:pk>/", coordination.round_dashboard, name="round-dashboard"),
    path("rounds/<int:pk>/edit/", coordination.round_edit, name="round-edit"),
    path("rounds/<int:pk>/state/<str:transition>/", coordination.round_transition, name="round-transition"),
    path("rounds/<int:pk>/remind/<slug:department>/", coordination.round_remind, name="round-remind"),
    path("rounds/<int:pk>/contributions/", coordination.round_contributions, name="round-contributions"),
    path("rounds/<int:pk>/lines/<str:code>/", coordination.line_review, name="line-review"),
    path("rounds/<int:pk>/lines/<str:code>/history/", coordination.line_history, name="line-history"),
    path("contributions/<int:pk>/review/<str:decision>/", coordination.contribution_review, name="contribution-review"),
    path("contributions/<int:pk>/history/", coordination.contribution_history, name="contribution-history"),
]
