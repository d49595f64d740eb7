"""What the API views share: the JSON-only base view, pagination, permission checks and the
OpenAPI description of error answers."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.views import APIView

from naptrack.api import serializers as s
from naptrack.api.parsers import JsonParser
from naptrack.api.serializers_contributions import ConflictSerializer
from naptrack.core.roles import evaluates, is_evaluator
from naptrack.reporting.rules import plan_id_of

_ERRORS = {
    400: OpenApiResponse(
        s.ValidationErrorSerializer, description=gettext_lazy("Invalid input, with messages per field.")
    ),
    401: OpenApiResponse(
        s.ErrorSerializer, description=gettext_lazy("No credentials, or a bad, revoked or expired token.")
    ),
    403: OpenApiResponse(s.ErrorSerializer, description=gettext_lazy("The caller may not do this.")),
    404: OpenApiResponse(s.ErrorSerializer, description=gettext_lazy("No such object (or page).")),
    409: OpenApiResponse(
        ConflictSerializer,
        description=gettext_lazy(
            "The object is in a state that does not allow this, or it changed since the version sent "
            "(then the body holds the current version and what changed)."
        ),
    ),
}


def responses(ok: dict, *codes: int) -> dict:
    return {**ok, **{code: _ERRORS[code] for code in codes}}


class JsonView(APIView):
    # JSON only: the API has no HTML pages, and form bodies cannot carry the nested measurements.
    parser_classes = [JsonParser]
    renderer_classes = [JSONRenderer]


class Pagination(PageNumberPagination):
    # Twenty by default, as the browser's lists: a row costs 0.05-0.2 ms to read and write, so a
    # page of fifty cost twice the request of one row (bench/scale.py). A client reading a whole
    # list asks for up to max_page_size a page.
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 200


class HasPerm(BasePermission):
    """The caller holds a (rules) permission; anonymous callers get 401, others 403."""

    perm = ""

    def has_permission(self, request: Request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.has_perm(self.perm))


class CanViewRounds(HasPerm):
    perm = "reporting.view_round"


class CanViewContributions(HasPerm):
    perm = "reporting.view_contribution"


def require(request: Request, perm: str, obj=None) -> None:
    # Checked before the body is read, so that who may not act learns only that (403), not what
    # is wrong with the body; the services check again, under their lock. An evaluator learns
    # nothing of another plan's objects (404), as on the pages.
    if obj is not None and is_evaluator(request.user) and not evaluates(request.user, plan_id_of(obj)):
        raise NotFound()
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied(_("You may not do this."))
