"""What the international services share: permission, history and error helpers."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _


class InternationalError(Exception):
    """An action the object's state does not allow (sending twice, editing a sent version): the
    API answers 409, the CLI exits 1, the screens show the message."""


class StaleVersion(Exception):
    """Someone else saved the object since the version the person edited."""

    def __init__(self, current: Any):
        self.current = current
        super().__init__(
            _("This was changed by someone else since you opened it (version %(version)s is the current one).")
            % {"version": current.version}
        )


# Actions on a published answer pack change what anonymous visitors read (the portal's page and
# open data): they are recorded under "published_<noun>" so that the portal's page cache, which
# keys on public actions by name in one indexed query, follows them, while the same actions on an
# internal pack stay invisible to it (portal/caching.py).
PUBLIC_ACTIONS = (
    "international.request.published",
    "international.request.unpublished",
    "international.published_answer.saved",
    "international.published_request.redrafted",
    "international.published_request.updated",
    "international.published_request.sent",
    "international.published_targeted.approved",
    # A framework loaded again may reword the questions of a published pack; loads are rare.
    "international.framework.loaded",
)


def pack_action(request: Any, action: str) -> str:
    """`international.answer.saved` as is for an internal pack; for a published one,
    `international.published_answer.saved`."""
    if request.visibility != "public":
        return action
    app, noun, verb = action.split(".")
    return f"{app}.published_{noun}.{verb}"
