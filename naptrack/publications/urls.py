from django.urls import path

from naptrack.publications import screens, views

app_name = "publications"

urlpatterns = [
    path("rounds/<int:pk>/report.<str:fmt>", views.round_report, name="round-report"),
    path("reports/<int:pk>/", views.published_report, name="published-report"),
    # The coordinator's texts of the report, annexes chosen, transmissions to parliament.
    path("rounds/<int:pk>/report/texts/", screens.report_texts, name="report-texts"),
    path("rounds/<int:pk>/report/transmissions/", screens.transmission_add, name="transmission-add"),
    path(
        "rounds/<int:pk>/report/transmissions/<int:transmission>/delete/",
        screens.transmission_remove,
        name="transmission-delete",
    ),
]
