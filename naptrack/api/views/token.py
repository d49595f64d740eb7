"""POST /api/v1/token/: a username, a password and, for people who sign in with a second
factor, a current code, traded for a token."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from naptrack.api import serializers as s
from naptrack.api.services import token_issue
from naptrack.api.throttling import TokenThrottle
from naptrack.api.views.common import (
    JsonView,
    responses,
)


class TokenView(JsonView):
    authentication_classes = []
    permission_classes = [AllowAny]

    def get_throttles(self) -> list:
        # Passwords are tried here: a stricter limit per address on top of the API's own.
        return [*super().get_throttles(), TokenThrottle()]

    @extend_schema(
        summary=gettext_lazy("Get a token"),
        description=gettext_lazy(
            "Trade a username and password for a token, valid for a number of days the installation "
            "sets (90 by default). Failed attempts count towards the login lock-out: a locked-out "
            "account gets 429 until the cool-off ends."
        ),
        request=s.TokenRequestSerializer,
        responses=responses(
            {
                200: s.TokenSerializer,
                429: OpenApiResponse(
                    s.ErrorSerializer, description=gettext_lazy("Too many failed attempts, or too many requests.")
                ),
            },
            400,
        ),
        auth=[],
        tags=["token"],
    )
    def post(self, request: Request) -> Response:
        serializer = s.TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # The Django request, not DRF's wrapper: django-axes reads and flags it.
        django_request = request._request
        user = authenticate(request=django_request, **serializer.validated_data)
        if user is None:
            if getattr(django_request, "axes_locked_out", False):
                # Answer in JSON ourselves; the flag left set would make axes' middleware
                # replace this response with its HTML lock-out page.
                django_request.axes_locked_out = False
                return Response(
                    {"detail": _("Too many failed attempts: this account is locked for a while. Try again later.")},
                    status=status.HTTP_429_TOO_MANY_REQUESTS,
                )
            message = _("Unable to log in with this username and password.")
            return Response(
                {"detail": message, "errors": {"non_field_errors": [message]}},
                status=status.HTTP_400_BAD_REQUEST,
            )
        key, token = token_issue(user=user)
        return Response(s.TokenSerializer({"token": key, "expires": token.expires}).data)
