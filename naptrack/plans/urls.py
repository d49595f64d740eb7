from django.urls import path

from naptrack.plans import views, views_amendments, views_instruments, views_lineage, views_targets, views_translations

urlpatterns = [
    # Included before the portal's plans/<slug>/ pages: "import" is not a plan's slug.
    path("plans/import/", views.plan_import, name="plan-import"),
    path("plans/import/<str:token>/", views.plan_import_preview, name="plan-import-preview"),
    path("plans/<slug:slug>/instruments/", views_instruments.instrument_list, name="plan-instruments"),
    path("plans/<slug:slug>/instruments/<int:pk>/", views_instruments.instrument_edit, name="plan-instrument-edit"),
    # Before the portal's plans/<slug>/targets/ (the published targets): the coordinator's screens.
    path("plans/<slug:slug>/targets/edit/", views_targets.target_list, name="plan-target-list"),
    path("plans/<slug:slug>/targets/edit/<int:pk>/", views_targets.target_edit, name="plan-target-edit"),
    path(
        "plans/<slug:slug>/targets/edit/<int:pk>/remove/",
        views_targets.target_remove_view,
        name="plan-target-remove",
    ),
    path("plans/<slug:slug>/translations/", views_translations.translations_overview, name="plan-translations"),
    # Amending the plan (the coordinator's screens; plans/amendments.py makes the amendment).
    path("plans/<slug:slug>/amendments/", views_amendments.amendment_list, name="plan-amendments"),
    path("plans/<slug:slug>/amendments/lines/", views_amendments.line_pick, name="plan-amend-line-pick"),
    path("plans/<slug:slug>/amendments/lines/<str:code>/", views_amendments.line_amend, name="plan-amend-line"),
    path("plans/<slug:slug>/amendments/new-line/", views_amendments.line_add, name="plan-amend-new-line"),
    path(
        "plans/<slug:slug>/amendments/focus-countries/",
        views_amendments.focus_countries,
        name="plan-amend-focus-countries",
    ),
    path("plans/<slug:slug>/amendments/file/", views_amendments.file_upload, name="plan-amend-file"),
    path(
        "plans/<slug:slug>/amendments/file/<str:token>/",
        views_amendments.file_preview,
        name="plan-amend-file-preview",
    ),
    # The next plan: adopting a draft, and confirming the links proposed to an earlier plan's lines.
    path("plans/<slug:slug>/adopt/", views_lineage.plan_adopt_view, name="plan-adopt"),
    path("plans/<slug:slug>/lineage/", views_lineage.lineage_review, name="plan-lineage-review"),
    path(
        "plans/<slug:slug>/translations/<str:lang>/",
        views_translations.translations_language,
        name="plan-translations-language",
    ),
    path(
        "plans/<slug:slug>/translations/<str:lang>/download.<str:fmt>",
        views_translations.translations_download,
        name="plan-translations-download",
    ),
    path(
        "plans/<slug:slug>/translations/<str:lang>/upload/<str:token>/",
        views_translations.translations_preview,
        name="plan-translations-preview",
    ),
]
