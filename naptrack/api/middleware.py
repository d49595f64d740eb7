"""Under /api/, every answer is JSON, errors included.

The API's views answer their own errors in JSON (errors.py). What happens around them does not:
Django's 500 page for an exception nothing caught, its 400 page for a request it refuses before
any view (a body too large, too many fields), a 404 or 405 of a middleware. This middleware, near
the top of the stack, turns such an answer into {"detail": "..."} with the same status and
headers, and refuses a body larger than DATA_UPLOAD_MAX_MEMORY_SIZE with 413 before anything
reads it. Django still logs the exception and mails the administrators first (DEBUG keeps its
technical pages)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.utils.translation import gettext as _

PREFIX = "/api/"
SKIPPED_HEADERS = {"content-type", "content-length"}


def too_large_message() -> str:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
    return _("The request body is too large: the API accepts at most %(mb)s MB.") % {
        "mb": round(limit / (1024 * 1024), 1)
    }


def _messages() -> dict[int, str]:
    return {
        400: _("Bad request."),
        403: _("You may not do this."),
        404: _("No such API endpoint."),
        405: _("This method is not allowed here."),
        413: too_large_message(),
    }


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class JsonErrorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not request.path_info.startswith(PREFIX):
            return self.get_response(request)
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and _declared_length(request) > limit:
            return JsonResponse({"detail": too_large_message()}, status=413)
        response = self.get_response(request)
        if response.status_code < 400 or settings.DEBUG:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        return as_json(response)


def as_json(response: HttpResponseBase) -> JsonResponse:
    status = response.status_code
    if status >= 500:
        detail = _("Server error: the request could not be answered.")
    else:
        detail = _messages().get(status, response.reason_phrase)
    answer = JsonResponse({"detail": detail}, status=status)
    for name, value in response.items():
        if name.lower() not in SKIPPED_HEADERS:
            answer[name] = value
    answer.cookies = response.cookies
    return answer
