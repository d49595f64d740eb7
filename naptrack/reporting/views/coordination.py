"""Screens of the coordinator and readers: rounds, dashboard, review, synthesis, history."""

from django.http import Http404, HttpRequest, HttpResponse


def round_list(request: HttpRequest, **kwargs) -> HttpResponse:
    raise Http404


def round_create(request: HttpRequest, **kwargs) -> HttpResponse:
    raise Http404


def round_dashboard(request: HttpRequest, **kwargs) -> HttpResponse:
    raise Http404


def round_edit(request: HttpRequest, **kwargs) -> HttpResponse:
    raise Http404


def round_transition(request: HttpRequest, **kwargs) -> HttpResponse:
    raise Http404


def round_remind(request: HttpRequest, **kwargs) -> HttpResponse:
    raise Http404


def round_contributions(request: HttpRequest, **kwargs) -> HttpResponse:
    raise Http404


def line_review(request: HttpRequest, **kwargs) -> HttpResponse:
    raise Http404


def line_history(request: HttpRequest, **kwargs) -> HttpResponse:
    raise Http404


def contribution_review(request: HttpRequest, **kwargs) -> HttpResponse:
    raise Http404


def contribution_history(request: HttpRequest, **kwargs) -> HttpResponse:
    raise Http404
