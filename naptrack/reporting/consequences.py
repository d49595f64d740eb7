"""What moving a round along will do, in numbers, for the confirmation page the coordinator sees
before opening, closing, reopening or publishing it (views/rounds.py, and portal's publishing
view for publishing). A few queries each, whatever the round's size: counts grouped in the
database."""

from __future__ import annotations

from django.db.models import Count
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from naptrack.plans.models import Responsibility
from naptrack.reporting import notifications
from naptrack.reporting.models import Contribution, Round

TITLES = {
    "open": (gettext_lazy("Open the round"), "btn-primary"),
    "close": (gettext_lazy("Close the round"), "btn-outline-primary"),
    "reopen": (gettext_lazy("Reopen the round"), "btn-outline-primary"),
    "publish": (gettext_lazy("Publish the round"), "btn-success"),
}


def _by_state(round_: Round) -> dict[str, int]:
    rows = Contribution.objects.filter(round=round_).values("state").annotate(n=Count("*")).order_by()
    return {row["state"]: row["n"] for row in rows}


def transition_consequences(round_: Round, transition: str) -> list[str]:
    """Sentences saying what `transition` will do to `round_`, with the numbers."""
    deadline = date_format(round_.deadline, "DATE_FORMAT")
    if transition == "open":
        pairs = list(
            Responsibility.objects.filter(action__plan_id=round_.plan_id, action__retired_in__isnull=True).values_list(
                "department_id", flat=True
            )
        )
        people = len(notifications.focal_points_for(set(pairs)))
        return [
            ngettext(
                "%(n)s contribution will be created, one per line of action and responsible department.",
                "%(n)s contributions will be created, one per line of action and responsible department.",
                len(pairs),
            )
            % {"n": len(pairs)},
            ngettext(
                "%(n)s focal point will be e-mailed the lines they report on and the deadline, %(deadline)s.",
                "%(n)s focal points will be e-mailed the lines they report on and the deadline, %(deadline)s.",
                people,
            )
            % {"n": people, "deadline": deadline},
        ]
    states = _by_state(round_)
    missing = states.get("draft", 0) + states.get("returned", 0)
    submitted, approved = states.get("submitted", 0), states.get("approved", 0)
    if transition == "close":
        lines = [
            ngettext(
                "%(n)s contribution is not submitted (draft or returned): the focal points can no longer hand "
                "it in, and unless the round is reopened it will appear as “No report received”.",
                "%(n)s contributions are not submitted (draft or returned): the focal points can no longer hand "
                "them in, and unless the round is reopened they will appear as “No report received”.",
                missing,
            )
            % {"n": missing}
            if missing
            else _("Every contribution has been handed in.")
        ]
        if submitted:
            lines.append(
                ngettext(
                    "%(n)s submitted contribution waits for review; you can still approve it (one returned "
                    "after closing can be handed in again only if the round is reopened).",
                    "%(n)s submitted contributions wait for review; you can still approve them (one returned "
                    "after closing can be handed in again only if the round is reopened).",
                    submitted,
                )
                % {"n": submitted}
            )
        return lines
    if transition == "reopen":
        return [
            _("The focal points can edit and submit again until the round is closed (its deadline: %(deadline)s).")
            % {"deadline": deadline},
            ngettext(
                "%(n)s contribution not submitted can be handed in again; approved ones stay approved.",
                "%(n)s contributions not submitted can be handed in again; approved ones stay approved.",
                missing,
            )
            % {"n": missing},
        ]
    if transition == "publish":
        public = Contribution.objects.filter(
            round=round_, state=Contribution.State.APPROVED, visibility=Contribution.Visibility.PUBLIC
        ).count()
        return [
            ngettext(
                "%(n)s approved contribution goes into the report to parliament (PDF, Word, web page in every "
                "language); %(public)s of them public on the portal, in its search and its open data.",
                "%(n)s approved contributions go into the report to parliament (PDF, Word, web page in every "
                "language); %(public)s of them public on the portal, in its search and its open data.",
                approved,
            )
            % {"n": approved, "public": public},
            ngettext(
                "%(n)s contribution is not approved: it is not published and reads “No report received”.",
                "%(n)s contributions are not approved: they are not published and read “No report received”.",
                missing + submitted,
            )
            % {"n": missing + submitted},
            _("Publishing takes a few seconds; you will follow it on its own page. It cannot be undone."),
        ]
    raise ValueError(transition)
