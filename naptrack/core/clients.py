"""The address a request comes from, for the login lock-out (django-axes) and the API's rate
limits alike.

Without a proxy it is REMOTE_ADDR. Behind NAPTRACK_PROXY_COUNT proxies, each of which appends the
address it received the request from to X-Forwarded-For, the last entries are theirs and the
N-th from the right is the client as the outermost proxy saw it. Entries further left were
written by the client and prove nothing: trusting them would give an attacker a fresh address,
so a fresh lock-out counter and a fresh rate limit, with every request."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    proxies = int(getattr(settings, "NAPTRACK_PROXY_COUNT", 0))
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if not forwarded:
        return remote
    return forwarded[-min(proxies, len(forwarded))]
