from django.urls import path

from naptrack.plans import views

urlpatterns = [
    # Included before the portal's plans/<slug>/ pages: "import" is not a plan's slug.
    path("plans/import/", views.plan_import, name="plan-import"),
    path("plans/import/<str:token>/", views.plan_import_preview, name="plan-import-preview"),
]
