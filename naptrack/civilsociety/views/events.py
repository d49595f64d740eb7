"""Consultation events and their recommendations (line 34), for the coordinator; readers see the
same pages without the forms. An event's page holds everything about it: its files (agenda,
minutes), its recommendations with the government's response and their follow-up, round after
round."""

from __future__ import annotations

from typing import Any

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from naptrack.civilsociety import services
from naptrack.civilsociety.forms import EventFileForm, EventForm, FollowUpForm, RecommendationForm, RespondForm
from naptrack.civilsociety.models import Event, EventFile, Recommendation
from naptrack.civilsociety.views.common import error_text, file_response, paginate, require, summary
from naptrack.plans.models import Plan
from naptrack.reporting.models import Contribution, Round


def _plan(request: HttpRequest) -> Plan | None:
    slug = request.GET.get("plan", "")
    plans = Plan.objects.visible_to(request.user)
    return (plans.filter(slug=slug).first() if slug else None) or Plan.objects.current()


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "civilsociety.read_all")
    plan = _plan(request)
    events = (
        Event.objects.filter(plan=plan)
        .select_related("organiser")
        .annotate(n_recommendations=Count("recommendations"))
        .order_by("-date", "pk")
    )
    return render(
        request,
        "civilsociety/events.html",
        {
            "plan": plan,
            "plans": list(Plan.objects.visible_to(request.user).order_by("-period_end", "slug")),
            "page": paginate(request, events),
            "query": f"plan={plan.slug}" if plan else "",
            "can_manage": request.user.has_perm("civilsociety.manage"),
            "current": "events",
        },
    )


def _lists(form: EventForm) -> dict[str, Any]:
    return {"invited": list(form.cleaned_data["invited"]), "attending": list(form.cleaned_data["attending"])}


@login_required
def event_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "civilsociety.manage")
    plan = _plan(request)
    form = EventForm(plan, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(actor=request.user, plan=plan, **form.payload(), **_lists(form))
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The event “%(title)s” was recorded.") % {"title": event.title})
            return redirect("civilsociety:event", pk=event.pk)
    return render(
        request,
        "civilsociety/event_form.html",
        {"form": form, "plan": plan, "error_summary": summary(form), "current": "events"},
        status=400 if form.errors else 200,
    )


@login_required
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "civilsociety.manage")
    event = get_object_or_404(Event.objects.select_related("plan").prefetch_related("invited", "attending"), pk=pk)
    form = EventForm(event.plan, request.POST if request.method == "POST" else None, instance=event)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_update(actor=request.user, event=event, data=form.payload(), **_lists(form))
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The event was saved."))
            return redirect("civilsociety:event", pk=event.pk)
    return render(
        request,
        "civilsociety/event_form.html",
        {"form": form, "plan": event.plan, "event": event, "error_summary": summary(form), "current": "events"},
        status=400 if form.errors else 200,
    )


def _event(pk: int) -> Event:
    return get_object_or_404(Event.objects.with_detail(), pk=pk)


def _detail(
    request: HttpRequest,
    event: Event,
    *,
    file_form: EventFileForm | None = None,
    recommendation_form: RecommendationForm | None = None,
    failed: tuple[int, str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The event's page. `failed` is (recommendation id, "respond" or "follow-up", the bound form)
    when one of the recommendations' forms was refused, to show it again with its errors."""
    can_manage = request.user.has_perm("civilsociety.manage")
    recommendations = list(event.recommendations.all())
    forms: list = [file_form, recommendation_form]
    if can_manage:
        rounds = list(Round.objects.filter(plan_id=event.plan_id).order_by("-year", "kind"))
        file_form = file_form or EventFileForm()
        recommendation_form = recommendation_form or RecommendationForm(event)
        for r in recommendations:
            r.respond_form = RespondForm(
                prefix=f"respond-{r.pk}",
                initial={"response": r.response if r.response != "pending" else "", "reason": r.response_reason},
            )
            r.follow_up_form = FollowUpForm(event.plan_id, prefix=f"follow-up-{r.pk}", rounds=rounds)
            if failed and failed[0] == r.pk:
                setattr(r, "respond_form" if failed[1] == "respond" else "follow_up_form", failed[2])
                forms.append(failed[2])
    return render(
        request,
        "civilsociety/event.html",
        {
            "event": event,
            "plan": event.plan,
            "recommendations": recommendations,
            "can_manage": can_manage,
            "file_form": file_form if can_manage else None,
            "recommendation_form": recommendation_form if can_manage else None,
            "error_summary": summary(*forms),
            "current": "events",
        },
        status=status,
    )


@login_required
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(pk)
    # The staff and the evaluator of the event's plan (another plan's evaluator: 404).
    require(request.user, "civilsociety.read_plan", event)
    return _detail(request, event)


@login_required
@require_POST
def event_file_add(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "civilsociety.manage")
    event = _event(pk)
    form = EventFileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            added = services.event_file_add(
                actor=request.user,
                event=event,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("File added: %(title)s.") % {"title": added.title})
            return redirect(reverse("civilsociety:event", kwargs={"pk": pk}) + "#files")
    return _detail(request, event, file_form=form, status=400)


def event_file_download(request: HttpRequest, pk: int) -> HttpResponse:
    """An agenda or minutes: internal (coordinator, readers, the plan's evaluator) until the event
    is public."""
    added = get_object_or_404(EventFile.objects.select_related("event"), pk=pk)
    allowed = added.event.public or request.user.has_perm("civilsociety.read_plan", added.event)
    return file_response(request, added.file, added.content_type, allowed=allowed)


@login_required
@require_POST
def recommendation_add(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "civilsociety.manage")
    event = _event(pk)
    form = RecommendationForm(event, request.POST)
    if form.is_valid():
        try:
            added = services.recommendation_add(
                actor=request.user,
                event=event,
                text=form.cleaned_data["text"],
                organisations=list(form.cleaned_data["organisations"]),
                actions=list(form.cleaned_data["actions"]),
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Recommendation %(number)s added.") % {"number": added.position})
            return redirect(reverse("civilsociety:event", kwargs={"pk": pk}) + f"#recommendation-{added.pk}")
    return _detail(request, event, recommendation_form=form, status=400)


def _recommendation(pk: int) -> Recommendation:
    return get_object_or_404(Recommendation.objects.select_related("event"), pk=pk)


@login_required
@require_POST
def recommendation_respond(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "civilsociety.manage")
    recommendation = _recommendation(pk)
    form = RespondForm(request.POST, prefix=f"respond-{pk}")
    if form.is_valid():
        try:
            services.recommendation_respond(
                actor=request.user,
                recommendation=recommendation,
                response=form.cleaned_data["response"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request, _("Response recorded for recommendation %(number)s.") % {"number": recommendation.position}
            )
            return redirect(
                reverse("civilsociety:event", kwargs={"pk": recommendation.event_id}) + f"#recommendation-{pk}"
            )
    return _detail(request, _event(recommendation.event_id), failed=(pk, "respond", form), status=400)


@login_required
@require_POST
def recommendation_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "civilsociety.manage")
    recommendation = _recommendation(pk)
    form = FollowUpForm(recommendation.event.plan_id, request.POST, prefix=f"follow-up-{pk}")
    if form.is_valid():
        try:
            services.recommendation_follow_up(
                actor=request.user,
                recommendation=recommendation,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                round=form.cleaned_data["round"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        except services.CivilSocietyError as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(
                request, _("Follow-up noted for recommendation %(number)s.") % {"number": recommendation.position}
            )
            return redirect(
                reverse("civilsociety:event", kwargs={"pk": recommendation.event_id}) + f"#recommendation-{pk}"
            )
    return _detail(request, _event(recommendation.event_id), failed=(pk, "follow-up", form), status=400)


@login_required
@require_POST
def event_cite(request: HttpRequest, pk: int, event_pk: int) -> HttpResponse:
    """Cite (or uncite) an event in a contribution on line 34, from the contribution's page."""
    contribution = get_object_or_404(Contribution.objects.select_related("round", "action"), pk=pk)
    events = Event.objects.all()
    if not rules.has_perm("civilsociety.read_all", request.user):
        # Focal points cite from the published record only, as their contribution page lists it.
        events = events.filter(Q(public=True) | Q(cited_by=contribution)).distinct()
    event = get_object_or_404(events, pk=event_pk)
    cite = request.POST.get("cite") != "0"
    try:
        services.event_cite(actor=request.user, event=event, contribution=contribution, cite=cite)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request,
            (_("Event cited: %(title)s.") if cite else _("Event no longer cited: %(title)s.")) % {"title": event.title},
        )
    return redirect(reverse("reporting:contribution-edit", kwargs={"pk": pk}) + "#events")
