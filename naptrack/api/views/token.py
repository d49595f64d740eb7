"""POST /api/v1/token/: a username, a password and, for people who sign in with a second
factor, a current code, traded for a token."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from naptrack.accounts import twofactor
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
            "sets (90 by default). People who sign in with a second factor add the code of their "
            "authenticator app (or a recovery code) as otp; people whose role requires a second factor "
            "set it up in the browser first (403 until then). Failed attempts count towards the login "
            "lock-out: a locked-out account gets 429 until the cool-off ends."
        ),
        request=s.TokenRequestSerializer,
        responses=responses(
            {
                200: s.TokenSerializer,
                403: OpenApiResponse(
                    s.ErrorSerializer, description=gettext_lazy("A second factor must be set up in the browser first.")
                ),
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
        credentials = dict(serializer.validated_data)
        otp = credentials.pop("otp", "")
        user = authenticate(request=django_request, **credentials)
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
        refused = self.second_factor_refusal(user, otp)
        if refused is not None:
            return refused
        key, token = token_issue(user=user)
        return Response(s.TokenSerializer({"token": key, "expires": token.expires}).data)

    @staticmethod
    def second_factor_refusal(user, otp: str) -> Response | None:
        """A token is as good as a signed-in session: whoever signs in with a second factor gives
        it here too, or a stolen password alone would open the API."""
        if twofactor.totp_device(user) is not None:
            try:
                twofactor.two_factor_verify(actor=user, token=otp)
            except ValidationError as error:
                message = " ".join(error.messages)
                if not otp:
                    message = _("Add the code your authenticator app shows now (or a recovery code) as otp.")
                throttled = getattr(error, "code", None) == "throttled"
                return Response(
                    {"detail": message, "errors": {"otp": [message]}},
                    status=status.HTTP_429_TOO_MANY_REQUESTS if throttled else status.HTTP_400_BAD_REQUEST,
                )
            return None
        if twofactor.two_factor_required(user):
            return Response(
                {
                    "detail": _(
                        "Your account signs in with a second factor, which is not set up yet: sign in to the "
                        "site in a browser and set it up (My account > Two-factor sign-in), then ask for a "
                        "token with its code."
                    )
                },
                status=status.HTTP_403_FORBIDDEN,
            )
        return None
