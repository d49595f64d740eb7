from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.text import capfirst
from django.utils.translation import get_language_info


def site(request: HttpRequest) -> dict:
    """The site name and the language switcher: links to this same page in each UI language,
    so switching works without JavaScript and keeps the reader where they are."""
    path = request.get_full_path()
    languages = []
    for code in settings.UI_LANGUAGES:
        info = get_language_info(code)
        # Each language in its own name, capitalised alike: English, Français, Nederlands, Deutsch.
        languages.append(
            {
                "code": code,
                "name": capfirst(info["name_local"]),
                "url": translate_url(path, code),
                # For error pages, whose address is not to be repeated (a draft plan's, say).
                "home": translate_url("/", code),
            }
        )
    return {"site_name": settings.SITE_NAME, "ui_languages": languages}
