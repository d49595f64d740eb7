from django.urls import path

from naptrack.publications import views

app_name = "publications"

urlpatterns = [
    path("rounds/<int:pk>/report.<str:fmt>", views.round_report, name="round-report"),
    path("reports/<int:pk>/", views.published_report, name="published-report"),
]
