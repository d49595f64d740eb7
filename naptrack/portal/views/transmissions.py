"""Open data: the reports to parliament sent (portal/transmissions.py) and the published figures
(portal/figures.py)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from naptrack.portal import figures, opendata, transmissions
from naptrack.portal.caching import public_page
from naptrack.portal.views.common import page_language


@public_page
def open_data_transmissions(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in transmissions.FORMATS:
        raise Http404(_("Unknown format."))
    response = HttpResponse(transmissions.transmissions_file(fmt), content_type=opendata.CONTENT_TYPES[fmt])
    name = f"naptrack-transmissions-{page_language()}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@public_page
def open_data_figures(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in figures.FORMATS:
        raise Http404(_("Unknown format."))
    response = HttpResponse(figures.figures_file(fmt), content_type=opendata.CONTENT_TYPES[fmt])
    name = f"naptrack-figures-{page_language()}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
