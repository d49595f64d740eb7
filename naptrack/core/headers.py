"""Response headers every answer carries, besides those of Django's SecurityMiddleware and
django-csp's Content-Security-Policy (both configured in settings.py).

- Permissions-Policy: naptrack uses no camera, microphone, location or other device feature, so
  no page (nor anything injected into one) may ask the browser for them.
- Cache-Control for signed-in people: what they see carries unpublished work, their name and
  CSRF tokens; no browser history, shared computer or proxy may keep a copy. Anonymous visitors
  keep the public caching of naptrack.portal.caching."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_cache_control

DENIED_FEATURES = (
    "accelerometer",
    "autoplay",
    "browsing-topics",
    "camera",
    "display-capture",
    "encrypted-media",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
)
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in DENIED_FEATURES)

Middleware = Callable[[HttpRequest], HttpResponseBase]


class PermissionsPolicyMiddleware:
    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


def signed_in(request: HttpRequest) -> bool:
    # Read after the view: an API token sets request.user only then (DRF authenticates lazily and
    # copies the user onto Django's request). A response made before AuthenticationMiddleware ran
    # (a redirect of CommonMiddleware) has no user at all.
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


class PrivateCacheMiddleware:
    """`Cache-Control: private, no-store` on every answer to a signed-in person: pages, API
    answers and downloads (evidence files, reports) alike."""

    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if signed_in(request):
            # Drops "public" and any max-age a view set for anonymous visitors.
            response.headers.pop("Cache-Control", None)
            patch_cache_control(response, private=True, no_store=True)
        return response
