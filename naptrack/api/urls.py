"""REST API under /api/v1/; the OpenAPI document at /api/v1/schema/."""

from django.http import HttpRequest, JsonResponse
from django.urls import path, re_path, register_converter
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView

from naptrack.api import lineage, public_evaluations, public_figures, public_targets, public_versions
from naptrack.api import public as public_api
from naptrack.api import public_civil_society as public_cs
from naptrack.api.views import (
    assessments,
    civil_society,
    contributions,
    international,
    jobs,
    plans,
    rounds,
    targeted,
    token,
)


class IdConverter:
    """A database id: at most 18 digits, so that an absurd id in a URL is a 404, never an
    integer overflow in the database."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "api_id")


@csrf_exempt
def not_found(request: HttpRequest) -> JsonResponse:
    # Under /api/v1/ even an unknown address answers in JSON, never with the site's HTML page.
    return JsonResponse({"detail": _("No such API endpoint.")}, status=404)


app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("token/", token.TokenView.as_view(), name="token"),
    path("plans/", plans.PlanList.as_view(), name="plan-list"),
    path("plans/<slug:slug>/", plans.PlanDetail.as_view(), name="plan-detail"),
    # Lines continued from plan to plan (naptrack.api.lineage): read, and set by the coordinator.
    path("plans/<slug:slug>/lineage/", lineage.PlanLineage.as_view(), name="plan-lineage"),
    path(
        "plans/<slug:slug>/lineage/<str:code>/<slug:old>/<str:old_code>/",
        lineage.PlanLineageLink.as_view(),
        name="plan-lineage-link",
    ),
    path("plans/<slug:slug>/compared-with/<slug:old>/", lineage.PlanComparison.as_view(), name="plan-comparison"),
    path("rounds/", rounds.RoundList.as_view(), name="round-list"),
    path("rounds/<api_id:pk>/", rounds.RoundDetail.as_view(), name="round-detail"),
    path("rounds/<api_id:pk>/open/", rounds.RoundOpen.as_view(), name="round-open"),
    path("rounds/<api_id:pk>/close/", rounds.RoundClose.as_view(), name="round-close"),
    path("rounds/<api_id:pk>/publish/", rounds.RoundPublish.as_view(), name="round-publish"),
    path("jobs/<api_id:pk>/", jobs.JobDetail.as_view(), name="job-detail"),
    path("rounds/<api_id:pk>/reopen/", rounds.RoundReopen.as_view(), name="round-reopen"),
    path(
        "rounds/<api_id:pk>/contributions/", contributions.RoundContributionList.as_view(), name="round-contributions"
    ),
    path("contributions/<api_id:pk>/", contributions.ContributionDetail.as_view(), name="contribution-detail"),
    path("contributions/<api_id:pk>/submit/", contributions.ContributionSubmit.as_view(), name="contribution-submit"),
    path("contributions/<api_id:pk>/return/", contributions.ContributionReturn.as_view(), name="contribution-return"),
    path(
        "contributions/<api_id:pk>/approve/", contributions.ContributionApprove.as_view(), name="contribution-approve"
    ),
    path("contributions/<api_id:pk>/reopen/", contributions.ContributionReopen.as_view(), name="contribution-reopen"),
    # International reporting (naptrack.api.views.international, .targeted).
    path("frameworks/", international.FrameworkList.as_view(), name="framework-list"),
    path("frameworks/<api_id:pk>/", international.FrameworkDetail.as_view(), name="framework-detail"),
    path("questions/", international.QuestionList.as_view(), name="question-list"),
    path("questions/<api_id:pk>/", international.QuestionDetail.as_view(), name="question-detail"),
    path("mappings/", international.MappingList.as_view(), name="mapping-list"),
    path("mappings/<api_id:pk>/", international.MappingDetail.as_view(), name="mapping-detail"),
    path("requests/", international.RequestList.as_view(), name="request-list"),
    path("requests/<api_id:pk>/", international.RequestDetail.as_view(), name="request-detail"),
    path("requests/<api_id:pk>/answers/", international.RequestAnswerList.as_view(), name="request-answers"),
    path("requests/<api_id:pk>/dispatches/", international.RequestDispatchList.as_view(), name="request-dispatches"),
    path("answers/<api_id:pk>/", international.AnswerDetail.as_view(), name="answer-detail"),
    path("dispatches/<api_id:pk>/", international.DispatchDetail.as_view(), name="dispatch-detail"),
    path("targeted-questions/", targeted.TargetedList.as_view(), name="targeted-list"),
    path("targeted-questions/<api_id:pk>/", targeted.TargetedDetail.as_view(), name="targeted-detail"),
    path("targeted-questions/<api_id:pk>/submit/", targeted.TargetedSubmit.as_view(), name="targeted-submit"),
    path("targeted-questions/<api_id:pk>/return/", targeted.TargetedReturn.as_view(), name="targeted-return"),
    path("targeted-questions/<api_id:pk>/approve/", targeted.TargetedApprove.as_view(), name="targeted-approve"),
    # Civil society (naptrack.api.views.civil_society).
    path("organisations/", civil_society.OrganisationList.as_view(), name="organisation-list"),
    path("organisations/<api_id:pk>/", civil_society.OrganisationDetail.as_view(), name="organisation-detail"),
    path("assessments/", assessments.AssessmentList.as_view(), name="assessment-list"),
    path("assessments/<api_id:pk>/", assessments.AssessmentDetail.as_view(), name="assessment-detail"),
    path("assessments/<api_id:pk>/submit/", assessments.AssessmentSubmit.as_view(), name="assessment-submit"),
    path("assessments/<api_id:pk>/moderate/", assessments.AssessmentModerate.as_view(), name="assessment-moderate"),
    path("events/", civil_society.EventList.as_view(), name="event-list"),
    path("events/<api_id:pk>/", civil_society.EventDetail.as_view(), name="event-detail"),
    path("recommendations/", civil_society.RecommendationList.as_view(), name="recommendation-list"),
    path("recommendations/<api_id:pk>/", civil_society.RecommendationDetail.as_view(), name="recommendation-detail"),
    path(
        "recommendations/<api_id:pk>/respond/",
        civil_society.RecommendationRespond.as_view(),
        name="recommendation-respond",
    ),
    path(
        "recommendations/<api_id:pk>/follow-up/",
        civil_society.RecommendationFollowUp.as_view(),
        name="recommendation-follow-up",
    ),
    # Published data, open without login (naptrack.api.public).
    path("public/rounds/", public_api.PublicRoundList.as_view(), name="public-round-list"),
    path("public/rounds/<api_id:pk>/", public_api.PublicRoundDetail.as_view(), name="public-round-detail"),
    path(
        "public/rounds/<api_id:pk>/contributions/",
        public_api.PublicRoundContributionList.as_view(),
        name="public-round-contributions",
    ),
    # A plan's published figures and their totals (naptrack.api.public_figures).
    path("public/plans/<slug:slug>/figures/", public_figures.PublicFigureList.as_view(), name="public-figure-list"),
    path("public/plans/<slug:slug>/totals/", public_figures.PublicTotals.as_view(), name="public-totals"),
    # A plan's versions: as adopted, then each amendment (naptrack.api.public_versions).
    path(
        "public/plans/<slug:slug>/versions/", public_versions.PublicPlanVersions.as_view(), name="public-plan-versions"
    ),
    # Lines continued from plan to plan, and two plans compared (naptrack.api.lineage).
    path("public/plans/<slug:slug>/lineage/", lineage.PublicLineage.as_view(), name="public-plan-lineage"),
    path(
        "public/plans/<slug:slug>/compared-with/<slug:old>/",
        lineage.PublicComparison.as_view(),
        name="public-plan-comparison",
    ),
    # A plan's targets and progress, once published (naptrack.api.public_targets).
    path("public/plans/<slug:slug>/targets/", public_targets.PublicTargets.as_view(), name="public-targets"),
    # A plan's published evaluations (naptrack.api.public_evaluations).
    path(
        "public/plans/<slug:slug>/evaluations/",
        public_evaluations.PublicEvaluations.as_view(),
        name="public-evaluations",
    ),
    # Civil society's published record (naptrack.api.public_civil_society).
    path("public/assessments/", public_cs.PublicAssessmentList.as_view(), name="public-assessment-list"),
    path(
        "public/assessments/<api_id:pk>/", public_cs.PublicAssessmentDetail.as_view(), name="public-assessment-detail"
    ),
    path("public/events/", public_cs.PublicEventList.as_view(), name="public-event-list"),
    path("public/events/<api_id:pk>/", public_cs.PublicEventDetail.as_view(), name="public-event-detail"),
    # An empty pattern matches every path that is left, newlines and all.
    re_path(r"", not_found),
]
