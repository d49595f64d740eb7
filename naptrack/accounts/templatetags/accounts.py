"""Template helpers of the people's screens."""

from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from naptrack.accounts.models import User
from naptrack.accounts.queries import ACTIVE, INVITED

register = template.Library()


@register.simple_tag
def person_status(person: User) -> SafeString:
    """A person's status (set by queries.describe) as a badge, with an invitation's end. A tag
    rather than an included template: the people list shows one a row, and an include cost each
    row a template context and a render of its own."""
    if person.status == ACTIVE:
        return format_html('<span class="badge text-bg-success">{}</span>', _("Active"))
    if person.status == INVITED:
        if person.invitation_expired:
            until = _("(the link has expired)")
        else:
            expires = timezone.localtime(person.invitation_expires)  # as the template's date filter shows it
            until = _("(until %(date)s)") % {"date": date_format(expires, "DATE_FORMAT")}
        return format_html(
            '<span class="badge text-bg-info">{}</span> <span class="small">{}</span>', _("Invited"), until
        )
    return format_html('<span class="badge text-bg-secondary">{}</span>', _("Deactivated"))
