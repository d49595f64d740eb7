"""Every API error as JSON of one shape: {"detail": "..."} always, plus "errors" ({field:
[messages]}) on a 400 and what the caller needs to merge on a 409 for a stale version.

The services raise Django's ValidationError, PermissionDenied and the reporting workflow errors;
this handler turns them into 400, 403 and 409 so that views need not catch them one by one."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from naptrack.api.middleware import too_large_message
from naptrack.civilsociety.services.common import CivilSocietyError
from naptrack.civilsociety.services.common import StaleVersion as StaleAssessment
from naptrack.international.services.common import InternationalError, StaleVersion
from naptrack.reporting.services import ContributionConflict, WorkflowError


def flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error structure as flat dotted keys ("measurements.0.women"), the convention
    the reporting services use, so a client reads every 400 the same way."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = api_settings.NON_FIELD_ERRORS_KEY if key == NON_FIELD_ERRORS else str(key)
            for k, v in flatten(value, f"{prefix}.{name}" if prefix else name).items():
                out.setdefault(k, []).extend(v)
    elif isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        # A list serializer's errors: one entry per row, empty for rows without errors.
        for n, item in enumerate(detail):
            for k, v in flatten(item, f"{prefix}.{n}" if prefix else str(n)).items():
                out.setdefault(k, []).extend(v)
    elif isinstance(detail, list):
        if detail:
            out[prefix or api_settings.NON_FIELD_ERRORS_KEY] = [str(m) for m in detail]
    else:
        out[prefix or api_settings.NON_FIELD_ERRORS_KEY] = [str(detail)]
    return out


def _invalid(errors: dict[str, list[str]]) -> Response:
    return Response(
        {"detail": _("The request has errors; see the messages per field."), "errors": errors},
        status=status.HTTP_400_BAD_REQUEST,
    )


def _conflict(exc: ContributionConflict, request) -> Response:
    # Imported here: the serializers import the reporting models, this module is loaded by DRF's
    # settings before the apps are ready.
    from naptrack.api.serializers_contributions import ContributionSerializer
    from naptrack.reporting.models import Contribution

    current = Contribution.objects.with_detail().get(pk=exc.current.pk)
    return Response(
        {
            "detail": str(exc),
            "version": current.version,
            "changes": [
                {"field": c.field, "before": c.before, "after": c.after, "by": c.by, "at": c.at} for c in exc.changes
            ],
            "current": ContributionSerializer(current, context={"request": request}).data,
        },
        status=status.HTTP_409_CONFLICT,
    )


def _stale(exc: StaleVersion) -> Response:
    # An international answer or targeted question saved by someone else: the current one, to merge.
    from naptrack.api import serializers_international as s
    from naptrack.international.models import Answer, TargetedQuestion

    if isinstance(exc.current, Answer):
        current = s.AnswerSerializer(Answer.objects.for_pack().get(pk=exc.current.pk)).data
    else:
        current = s.TargetedQuestionSerializer(TargetedQuestion.objects.for_list().get(pk=exc.current.pk)).data
    return Response(
        {"detail": str(exc), "version": exc.current.version, "current": current}, status=status.HTTP_409_CONFLICT
    )


def _stale_assessment(exc: StaleAssessment, request) -> Response:
    # A civil-society assessment saved by another member of the organisation: the current one, to
    # merge, shown as the caller may see it.
    from naptrack.api.views.assessments import assessment_body

    return Response(
        {"detail": str(exc), "version": exc.current.version, "current": assessment_body(request, exc.current.pk)},
        status=status.HTTP_409_CONFLICT,
    )


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, RequestDataTooBig):
        # A body over DATA_UPLOAD_MAX_MEMORY_SIZE, found as DRF reads it (the middleware refuses
        # those that declare their length before); Django would answer 400, in HTML.
        return Response({"detail": too_large_message()}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, DjangoValidationError):
        set_rollback()
        if hasattr(exc, "error_dict"):
            return _invalid(flatten(exc.message_dict))
        return _invalid({api_settings.NON_FIELD_ERRORS_KEY: list(exc.messages)})
    if isinstance(exc, ContributionConflict):
        set_rollback()
        return _conflict(exc, context.get("request"))
    if isinstance(exc, StaleVersion):
        set_rollback()
        return _stale(exc)
    if isinstance(exc, StaleAssessment):
        set_rollback()
        return _stale_assessment(exc, context.get("request"))
    if isinstance(exc, WorkflowError | InternationalError | CivilSocietyError):
        set_rollback()
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, exceptions.ValidationError):
        set_rollback()
        return _invalid(flatten(exc.detail))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if response.status_code == status.HTTP_400_BAD_REQUEST:
        # A body that is not JSON at all (ParseError): no field to blame.
        response.data = {"detail": str(response.data.get("detail", "")), "errors": {}}
    elif not isinstance(response.data, dict) or "detail" not in response.data:
        response.data = {"detail": str(response.data)}
    return response
