from django.urls import path

from naptrack.portal.views import (
    changes,
    civil_society,
    corrections,
    evaluations,
    explore,
    lineage,
    open_data,
    packs,
    plan,
    targets,
    transmissions,
)

urlpatterns = [
    # The plan's public pages.
    path("plans/", plan.plan_list, name="plan-list"),
    path("plans/<slug:slug>/", plan.plan_detail, name="plan-detail"),
    path("plans/<slug:slug>/export.<str:fmt>", plan.plan_export, name="plan-export"),
    path("plans/<slug:slug>/objectives/<int:number>/", plan.objective_detail, name="objective-detail"),
    path("plans/<slug:slug>/lines/<str:code>/", plan.action_detail, name="action-detail"),
    path("plans/<slug:slug>/changes/", changes.plan_changes, name="plan-changes"),
    path("plans/<slug:slug>/departments/", plan.department_list, name="department-list"),
    path("plans/<slug:slug>/departments/<slug:code>/", plan.department_detail, name="department-detail"),
    # The plan's targets and the progress toward them, once the coordinator published them.
    path("plans/<slug:slug>/targets/", targets.targets_page, name="plan-targets"),
    # Two plans side by side, line by line (naptrack.plans.lineage).
    path("plans/<slug:slug>/compared-with/<slug:old>/", lineage.plan_compared, name="plan-compared"),
    path("plans/<slug:slug>/targets/publish/", targets.targets_publish, name="plan-targets-publish"),
    path("plans/<slug:slug>/targets/withdraw/", targets.targets_withdraw, name="plan-targets-withdraw"),
    # A plan's evaluations once published (staff see them before, marked as drafts).
    path("plans/<slug:slug>/evaluations/<int:pk>/", evaluations.evaluation_page, name="portal-evaluation"),
    path(
        "plans/<slug:slug>/evaluations/<int:pk>/report-<str:lang>.<str:fmt>",
        evaluations.evaluation_report,
        name="evaluation-report",
    ),
    # Exploring what was published.
    path("search/", explore.search, name="search"),
    path("plans/<slug:slug>/search/", explore.search, name="plan-search"),
    path("plans/<slug:slug>/compare/", explore.compare, name="compare"),
    path("plans/<slug:slug>/countries/<str:code>/", explore.country_detail, name="country-detail"),
    # Answer packs to international requests that the coordinator published.
    path("answers/", packs.pack_list, name="pack-list"),
    path("answers/<int:pk>/", packs.pack_detail, name="pack-detail"),
    path("answers/<int:pk>/answers-<str:lang>.<str:fmt>", packs.pack_download, name="pack-download"),
    # Civil society's public record: the expertise network, consultations and recommendations.
    path("network/", civil_society.expert_directory, name="expert-directory"),
    path("consultations/", civil_society.event_list, name="event-list"),
    path("consultations/<int:pk>/", civil_society.event_detail, name="event-detail"),
    path("consultations/files/<int:pk>/", civil_society.event_file, name="event-file"),
    path("recommendations/", civil_society.recommendation_list, name="recommendation-list"),
    path("assessments/evidence/<int:pk>/", civil_society.assessment_evidence, name="assessment-evidence"),
    # Open data.
    path("open-data/assessments.<str:fmt>", civil_society.open_data_assessments, name="open-data-assessments"),
    path(
        "open-data/recommendations.<str:fmt>",
        civil_society.open_data_recommendations,
        name="open-data-recommendations",
    ),
    path("open-data/answers.<str:fmt>", packs.open_data_answers, name="open-data-answers"),
    path("open-data/transmissions.<str:fmt>", transmissions.open_data_transmissions, name="open-data-transmissions"),
    path("open-data/figures.<str:fmt>", transmissions.open_data_figures, name="open-data-figures"),
    path("open-data/evaluations.<str:fmt>", evaluations.open_data_evaluations, name="open-data-evaluations"),
    path("open-data/", open_data.open_data, name="open-data"),
    path("open-data/dictionary/", open_data.open_data_dictionary, name="open-data-dictionary"),
    path("open-data/dictionary.csv", open_data.open_data_dictionary_csv, name="open-data-dictionary-csv"),
    path("open-data/licence/", open_data.open_data_licence, name="open-data-licence"),
    path("open-data/<slug:slug>.zip", open_data.open_data_zip, name="open-data-zip"),
    path("open-data/<slug:slug>/targets.<str:fmt>", targets.open_data_targets, name="open-data-targets"),
    path("open-data/<slug:slug>/<str:stem>.<str:fmt>", open_data.open_data_round, name="open-data-round"),
    # The coordinator correcting or withdrawing what was published, from a line's review page:
    # here rather than in the reporting app, since confirming republishes (portal/corrections.py).
    path("contributions/<int:pk>/correct/", corrections.contribution_correct, name="contribution-correct"),
    path("contributions/<int:pk>/withdraw/", corrections.contribution_withdraw, name="contribution-withdraw"),
    path(
        "rounds/<int:pk>/lines/<str:code>/synthesis/correct/", corrections.synthesis_correct, name="synthesis-correct"
    ),
    path(
        "rounds/<int:pk>/lines/<str:code>/synthesis/withdraw/",
        corrections.synthesis_withdraw,
        name="synthesis-withdraw",
    ),
]
