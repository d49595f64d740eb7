from django.urls import path

from naptrack.evaluations.views import entries, evaluations

urlpatterns = [
    path("plan/<slug:slug>/", evaluations.evaluation_list, name="evaluation-list"),
    path("plan/<slug:slug>/new/", evaluations.evaluation_create, name="evaluation-create"),
    path("<int:pk>/", evaluations.evaluation_detail, name="evaluation-detail"),
    path("<int:pk>/edit/", evaluations.evaluation_edit, name="evaluation-edit"),
    path("<int:pk>/response/", evaluations.evaluation_response, name="evaluation-response"),
    path("<int:pk>/publish/", evaluations.evaluation_publish, name="evaluation-publish"),
    path("<int:pk>/withdraw/", evaluations.evaluation_withdraw, name="evaluation-withdraw"),
    path("<int:pk>/assessments/", entries.assessments_edit, name="evaluation-assessments"),
    path("<int:pk>/findings/new/", entries.finding_form, name="evaluation-finding-add"),
    path("<int:pk>/findings/<int:number>/", entries.finding_form, name="evaluation-finding-edit"),
    path("<int:pk>/recommendations/new/", entries.recommendation_form, name="evaluation-recommendation-add"),
    path("<int:pk>/recommendations/<int:number>/", entries.recommendation_form, name="evaluation-recommendation-edit"),
    path(
        "<int:pk>/recommendations/<int:number>/response/",
        entries.response_edit,
        name="evaluation-recommendation-response",
    ),
    path("<int:pk>/<str:kind>s/<int:number>/remove/", entries.entry_remove, name="evaluation-entry-remove"),
]
