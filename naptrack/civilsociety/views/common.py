"""What civil society's screens share: permission checks, error summaries, files served as
evidence is, pagination.

Staff screens (coordinator and readers) check `civilsociety.read_all` and, to change anything,
`civilsociety.manage`; a civil-society account holds neither, so it never reaches them. Every
write goes through naptrack.civilsociety.services.
"""

from __future__ import annotations

import os
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from naptrack.core.numbers import whole_number
from naptrack.reporting.views.common import error_text as error_text
from naptrack.reporting.views.common import require as require

PAGE_SIZE = 50


def summary(*forms: Any, top: list[str] | None = None) -> list[dict[str, Any]]:
    """The error summary at the top of a page: each message linked to its input."""
    rows: list[dict[str, Any]] = [{"id": None, "label": "", "messages": top}] if top else []
    for form in forms:
        if form is not None and form.is_bound:
            rows += form.error_summary()
    return rows


def paginate(request: HttpRequest, items: Any, size: int = PAGE_SIZE) -> Page:
    number = whole_number(request.GET.get("page", "1")) or 1
    return Paginator(items, size).get_page(number)


def file_response(request: HttpRequest, field: FieldFile, content_type: str, *, allowed: bool) -> HttpResponse:
    """A stored file to who may see it, as evidence is served (reporting/views/focal.py): an
    attachment with the type checked at upload, so that a browser never renders it in the site's
    origin. Anonymous people are sent to log in first; others who may not see it get 403."""
    if not allowed:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied(_("You may not see this file."))
    if not field:
        raise Http404(_("This evidence is a link, not a file."))
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404(_("The file is missing from the data directory.")) from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=os.path.basename(field.name),
        content_type=content_type or "application/octet-stream",
    )
