"""The person's own API tokens on their profile page (/accounts/profile/): listed with their
dates, each with a button that revokes it. Plain pages, not API endpoints: the profile page of the
accounts app includes the list through accounts/profile.py, and the project's urls.py routes the
button here."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from naptrack.accounts.profile import Section
from naptrack.api import services
from naptrack.api.models import ApiToken


def tokens_section(request: HttpRequest) -> Section:
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created")
    return Section(
        "api/_profile_tokens.html",
        {"tokens": list(tokens), "now": timezone.now(), "days": settings.NAPTRACK_API_TOKEN_DAYS},
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    # Only the person's own tokens: another's is a 404, as if it did not exist.
    token = get_object_or_404(ApiToken.objects.select_related("user"), pk=pk, user=request.user)
    services.token_revoke(actor=request.user, token=token)
    messages.success(
        request,
        _("The token created on %(date)s was revoked: it no longer opens the API.")
        % {"date": timezone.localtime(token.created).strftime("%Y-%m-%d %H:%M")},
    )
    return redirect("accounts:profile")
