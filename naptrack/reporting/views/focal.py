"""Screens of the focal points: their contributions, the edit form, evidence."""

from django.http import Http404, HttpRequest, HttpResponse


def my_contributions(request: HttpRequest, **kwargs) -> HttpResponse:
    raise Http404


def contribution_edit(request: HttpRequest, **kwargs) -> HttpResponse:
    raise Http404


def contribution_submit(request: HttpRequest, **kwargs) -> HttpResponse:
    raise Http404


def evidence_add(request: HttpRequest, **kwargs) -> HttpResponse:
    raise Http404


def evidence_download(request: HttpRequest, **kwargs) -> HttpResponse:
    raise Http404


def evidence_remove(request: HttpRequest, **kwargs) -> HttpResponse:
    raise Http404
