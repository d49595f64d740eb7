from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, HttpResponseServerError
from django.template import loader
from django.templatetags.static import static
from django.urls import include, path

from naptrack.api import pages as api_pages
from naptrack.civilsociety.views.member import LoginView
from naptrack.portal.views import plan as plan_views
from naptrack.portal.views import publishing, round_import, start


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def favicon(request: HttpRequest) -> HttpResponse:
    # Browsers ask for /favicon.ico whatever the pages say; the icon is the pages' own.
    # Temporary: the icon's hashed name changes with it, and browsers keep a permanent redirect.
    return HttpResponseRedirect(static("naptrack/favicon.svg"))


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page, branded and in the request's language, rendered without the database
    (which may be what failed): no account or menu from it, the site's name from the settings."""
    html = loader.get_template("500.html").render({"site_name": settings.SITE_NAME})
    return HttpResponseServerError(html)


handler500 = server_error


admin.site.site_header = "naptrack"
admin.site.site_title = "naptrack"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("api/v1/", include("naptrack.api.urls")),
]

# Public pages carry their language in the URL (/fr/..., /nl/...; English unprefixed), so that
# a link names what the reader sees and caches can keep one copy per language.
urlpatterns += i18n_patterns(
    path("", plan_views.home, name="home"),
    # Django's login page; civil-society members land on their organisation's home.
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Where each person's work starts, by their role: after logging in, and from the error pages.
    path("start/", start.start, name="start"),
    path("accounts/", include("naptrack.accounts.urls")),
    # The profile page's revoke buttons: tokens belong to the api app, above accounts.
    path("accounts/profile/tokens/<int:pk>/revoke/", api_pages.token_revoke, name="token-revoke"),
    path("audit/", include("naptrack.audit.urls")),
    path("jobs/", include("naptrack.jobs.urls")),
    path("international/", include("naptrack.international.urls")),
    path("civil-society/", include("naptrack.civilsociety.urls")),
    path("evaluations/", include("naptrack.evaluations.urls")),
    path("", include("naptrack.plans.urls")),
    # Before the reporting app's rounds/<pk>/state/<transition>/, which has no publish of its own.
    path("rounds/<int:pk>/state/publish/", publishing.round_publish, name="round-publish"),
    # A past report read into a round; confirming may publish it, hence here rather than in reporting.
    path("rounds/import/", round_import.round_import_upload, name="round-import"),
    path("rounds/import/<str:token>/", round_import.round_import_preview, name="round-import-preview"),
    path("", include("naptrack.reporting.urls")),
    path("", include("naptrack.publications.urls")),
    path("", include("naptrack.portal.urls")),
    prefix_default_language=False,
)
