from django.urls import path

from naptrack.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.event_list, name="event-list"),
    path("events.csv", views.event_csv, name="event-csv"),
]
