from django.urls import path

from naptrack.international.views import frameworks, home, requests, targeted

app_name = "international"

urlpatterns = [
    path("", home.home, name="home"),
    # Question sets and their links to the plans.
    path("frameworks/load/", frameworks.framework_load, name="framework-load"),
    path("frameworks/new/", frameworks.framework_create, name="framework-create"),
    path("frameworks/<slug:code>/", frameworks.framework_detail, name="framework"),
    path("questions/<int:pk>/links/", frameworks.mapping_add, name="mapping-add"),
    path("links/<int:pk>/remove/", frameworks.mapping_remove, name="mapping-remove"),
    # Requests, their answers, the files and what was sent.
    path("requests/new/", requests.request_create, name="request-create"),
    path("requests/<int:pk>/", requests.request_detail, name="request"),
    path("requests/<int:pk>/redraft/", requests.request_redraft, name="request-redraft"),
    path("requests/<int:pk>/export/", requests.request_export, name="request-export"),
    path("requests/<int:pk>/sent/", requests.request_mark_sent, name="request-sent"),
    path("requests/<int:pk>/sent/<int:version>/", requests.dispatch_export, name="dispatch-export"),
    path("requests/<int:pk>/visibility/", requests.request_visibility, name="request-visibility"),
    path("answers/<int:pk>/", requests.answer_save, name="answer-save"),
    path("answers/<int:pk>/ask/", requests.targeted_ask, name="targeted-ask"),
    path("targeted/<int:pk>/review/<str:decision>/", requests.targeted_review, name="targeted-review"),
    # Focal points: the questions put to their department.
    path("targeted/<int:pk>/", targeted.targeted_edit, name="targeted-edit"),
]
