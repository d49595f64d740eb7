"""Published answer packs: the list, a page per pack with its downloads, and the answers as open
data. Read-only, a fixed number of queries each (portal/packs.py), served through
caching.public_page (ETag, per-process cache, Cache-Control for anonymous visitors).

An internal pack is a 404 for everyone here, signed in or not: staff read it on their own screens.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from naptrack.international import exports
from naptrack.international.models import Request
from naptrack.portal import packs
from naptrack.portal.caching import public_page
from naptrack.portal.views.common import page_language
from naptrack.portal.views.open_data import _download


@public_page
def pack_list(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/packs/pack_list.html", {"packs": list(packs.published_packs())})


@public_page
def pack_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pack = packs.pack_or_404(pk)
    downloads = [(fmt, packs.PACK_LANGUAGES) for fmt in exports.FORMATS]
    answers = packs.pack_answers(pack)
    # Questions are headings under their group's heading when the set has groups.
    level = 4 if any(a.question.group for a in answers) else 3
    return render(
        request,
        "portal/packs/pack_detail.html",
        {"pack": pack, "answers": answers, "downloads": downloads, "level": level},
    )


@public_page
def pack_download(request: HttpRequest, pk: int, lang: str, fmt: str) -> HttpResponse:
    if fmt not in exports.FORMATS or lang not in packs.PACK_LANGUAGES:
        raise Http404(_("Unknown format."))
    # The whole request, not packs.pack_or_404's few fields: the snapshot reads its reference.
    pack = Request.objects.published().select_related("framework").filter(pk=pk).first()
    if pack is None:
        raise Http404(_("No such published answer pack."))
    content = exports.pack_snapshot(pack)
    response = HttpResponse(exports.render(content, fmt, lang), content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(content, fmt, lang)}"'
    response["Content-Language"] = lang
    return response


@public_page
def open_data_answers(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in packs.FORMATS:
        raise Http404(_("Unknown format."))
    return _download(packs.answers_file(fmt), fmt, f"naptrack-answers-{page_language()}.{fmt}")
