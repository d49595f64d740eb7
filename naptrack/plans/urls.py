from django.urls import path

from naptrack.plans import views, views_import

urlpatterns = [
    # Before plans/<slug>/: "import" is not a plan's slug.
    path("plans/import/", views_import.plan_import, name="plan-import"),
    path("plans/import/<str:token>/", views_import.plan_import_preview, name="plan-import-preview"),
    path("plans/", views.plan_list, name="plan-list"),
    path("plans/<slug:slug>/", views.plan_detail, name="plan-detail"),
    path("plans/<slug:slug>/export.<str:fmt>", views.plan_export, name="plan-export"),
    path("plans/<slug:slug>/objectives/<int:number>/", views.objective_detail, name="objective-detail"),
    path("plans/<slug:slug>/lines/<str:code>/", views.action_detail, name="action-detail"),
    path("plans/<slug:slug>/departments/", views.department_list, name="department-list"),
    path("plans/<slug:slug>/departments/<slug:code>/", views.department_detail, name="department-detail"),
]
