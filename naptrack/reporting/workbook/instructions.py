"""The sheet of instructions of a workbook: what the round and the department (or every
department, in a coordinator's workbook of the whole round) are, how to fill in each column, and
how to send the workbook back."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Font

from naptrack.core.spreadsheets import xlsx_append
from naptrack.reporting.models import Contribution, Round
from naptrack.reporting.workbook.layout import BY_COUNTRY, CONTRIBUTIONS


def write(ws, round_: Round, department, user: Any, exported_at: dt.datetime, letters: dict) -> None:
    """The instructions of one department's workbook, or of the whole round's when `department`
    is None."""
    from naptrack.reporting.forms import STATUS_DEFINITIONS, VISIBILITY_DEFINITIONS
    from naptrack.reporting.services import narrative_max

    ws.column_dimensions["A"].width = 110
    who = user.get_username() if user is not None and hasattr(user, "get_username") else ""
    lines: list[tuple[str, bool]] = [
        (_("How to fill in this workbook"), True),
        (_("Round: %(round)s — %(plan)s") % {"round": round_, "plan": round_.plan.title}, False),
        (
            _("Department: %(department)s") % {"department": department.name}
            if department is not None
            else _("Departments: every department that reports in the round, one after the other"),
            False,
        ),
        (_("Deadline: %(date)s") % {"date": date_format(round_.deadline, "DATE_FORMAT")}, False),
        (
            _("Exported on %(date)s by %(user)s.")
            % {"date": date_format(timezone.localtime(exported_at), "DATETIME_FORMAT"), "user": who or "naptrack"},
            False,
        ),
        ("", False),
        (
            _(
                "Each row of the sheet “%(sheet)s” is one monitoring instrument of one of your lines of action. "
                "Type in the white cells; the grey cells cannot be changed."
            )
            % {"sheet": CONTRIBUTIONS},
            False,
        ),
        *_whole_round_lines(department),
        (
            _(
                "Status, narrative, countries and visibility belong to the line of action as a whole: give them on "
                "its first row."
            ),
            False,
        ),
        (_("An empty cell means “no answer”: emptying a cell clears what was saved before."), False),
        ("", False),
        (_("Columns"), True),
        (_("Status: how far the line of action has come (choose from the list)."), False),
        (
            _("Narrative: what was done in the period, in at most %(max)s characters; Markdown is allowed.")
            % {"max": number_format(narrative_max(), force_grouping=True)},
            False,
        ),
        (_("Text: the answer to a qualitative monitoring instrument."), False),
        (
            _(
                "Women, Men, Other: whole numbers of people, zero or more, for an instrument counted by sex. Its "
                "Value is the total: leave it empty to count women, men and other together; it cannot be smaller "
                "than them."
            ),
            False,
        ),
        (_("Value and Unit: the figure of a quantitative instrument and its unit (%, cases, EUR…)."), False),
        (_("Value of a count: a whole number of what its kind says (trainings, cases…)."), False),
        (
            _(
                "Value, Currency, Gender marker and Channel of an amount of money: the amount, its ISO 4217 "
                "currency (the plan's if left empty), the OECD-DAC gender equality policy marker (0 not "
                "targeted, 1 significant, 2 principal objective) and the funding channel (choose from the lists)."
            ),
            False,
        ),
        (
            _(
                "Numerator and Denominator of a share: e.g. 12 women out of 40 people. Leave its Value (the "
                "percentage) empty: it is computed from them. Without them, give the percentage, 0 to 100."
            ),
            False,
        ),
        (_("Yes/no: the answer to a yes-or-no instrument; explain it in Text."), False),
        (_("Note: source, scope or caveats of the answer, for any instrument."), False),
        (
            _(
                "Countries: the countries concerned. Pick a focus country of the plan from the list, or type ISO "
                "3166 codes separated by commas, e.g. AF, CD."
            ),
            False,
        ),
        (_("Visibility: public or internal (internal content is never published)."), False),
        ("", False),
        (_("Figures by country"), True),
        (
            _(
                "The sheet “%(sheet)s” breaks an instrument's figures down by country: one row per country, "
                "with the line's Code and the Instrument no. as on the sheet “%(contributions)s”. It lists the "
                "rows already saved and an empty row for every instrument with figures: fill it in, copy it for "
                "more countries, or add rows at the bottom. Grey cells do not apply to the instrument."
            )
            % {"sheet": BY_COUNTRY, "contributions": CONTRIBUTIONS},
            False,
        ),
        (
            _(
                "Country: an ISO 3166 code (the plan's focus countries come first in the list). Leave a total "
                "empty on the sheet “%(contributions)s” and naptrack adds up the countries' rows; a total given "
                "cannot be smaller than its countries."
            )
            % {"contributions": CONTRIBUTIONS},
            False,
        ),
        (
            _(
                "If you change any row of an instrument, its rows on this sheet replace all its figures by "
                "country: delete a row to remove that country. An instrument whose rows you leave alone keeps "
                "its figures by country as they are."
            ),
            False,
        ),
        ("", False),
        (_("Status"), True),
        *[(f"{label}: {STATUS_DEFINITIONS[value]}", False) for value, label in Contribution.Status.choices],
        ("", False),
        (_("Visibility"), True),
        *[(f"{label}: {VISIBILITY_DEFINITIONS[value]}", False) for value, label in Contribution.Visibility.choices],
        ("", False),
        (_("Sending it back"), True),
        (
            _(
                "Upload the file on your page in naptrack (“Upload a filled-in workbook”), or give it to the "
                "coordinator. You see what will change before anything is saved. If a cell holds an error, nothing "
                "is saved and every error names its cell."
            )
            if department is not None
            else _(
                "Upload the file on the round's dashboard in naptrack (“Upload the whole round's workbook”). You "
                "see what will change, department by department, before anything is saved. If a cell holds an "
                "error, nothing is saved for any department and every error names its cell."
            ),
            False,
        ),
        (
            _(
                "Contributions already submitted or approved are not changed by an upload. A contribution changed "
                "in naptrack since this export is listed as a conflict and not overwritten: export again to see it."
            ),
            False,
        ),
        (
            _(
                "Do not rename the sheets or change the column headings, and leave the hidden columns and sheets "
                "as they are: they tell naptrack which contribution each row belongs to. You may filter the rows."
            ),
            False,
        ),
    ]
    for text, bold in lines:
        # The plan's title and the department's name are people's text: string cells.
        xlsx_append(ws, [text or None])
        cell = ws.cell(ws.max_row, 1)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if bold:
            cell.font = Font(bold=True, size=14 if ws.max_row == 1 else 12)
    ws.protection.sheet = True


def _whole_round_lines(department) -> list[tuple[str, bool]]:
    if department is not None:
        return []
    return [
        (
            _(
                "This workbook holds every department's contributions: the column Department says whose each row "
                "is, on the sheet “%(sheet)s” and on the sheet “%(countries)s”. Leave it as it is: a row cannot "
                "move to another department; answer for a department on its own rows."
            )
            % {"sheet": CONTRIBUTIONS, "countries": BY_COUNTRY},
            False,
        ),
        (
            _("Your answers are saved on the departments' behalf, and the import is all or nothing for them all."),
            False,
        ),
    ]
