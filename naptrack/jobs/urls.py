from django.urls import path

from naptrack.jobs import views

app_name = "jobs"
urlpatterns = [
    path("<int:pk>/", views.job_detail, name="job"),
    path("<int:pk>/status/", views.job_status, name="job-status"),
    path("<int:pk>/file/", views.job_file, name="job-file"),
]
