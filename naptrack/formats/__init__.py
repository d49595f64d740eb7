"""Dates, times and numbers as the page's language writes them in Belgium: en-GB, fr-BE, nl-BE and
de-BE, one module per language that Django reads through FORMAT_MODULE_PATH.

All four write dates without ambiguity ("5 December 2026", "5. Dezember 2026"; ISO 8601 in
tables and forms, never 12/05/2026) and times on the 24-hour clock. French, Dutch and German
write a decimal comma and group thousands with a narrow no-break space ("28 300,5"), which
never breaks a number across lines and cannot be taken for a decimal point by readers of the
other languages; English groups with a comma. The report, the charts, the workbooks and the
e-mails take their separators from here (publications/content/formatting.py).
"""
