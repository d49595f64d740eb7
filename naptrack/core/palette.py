"""The one palette of naptrack: a colour per state of a piece of work and per status of a line of
action, shared by badges, bars, charts and the report, so that "submitted" or "completed" looks
the same on every page and in every file. docs/design.md gives the table; static/naptrack/theme.css
holds the same values as CSS custom properties (tests/test_design.py keeps them in step).
"""

from __future__ import annotations

# A workflow state (a contribution's, a round's, an assessment's, a request's) as a Bootstrap
# contextual name: badges use "text-bg-<name>", which pairs each background with a text colour
# that passes WCAG AA (site.css darkens "secondary" to keep 4.5:1). One name per meaning: waiting
# for someone else's action is "info", sent back is "warning", done is "success".
STATE_CSS: dict[str, str] = {
    "draft": "secondary",
    "open": "info",
    "submitted": "info",
    "returned": "warning",
    "closed": "dark",
    "approved": "success",
    "accepted": "success",
    "published": "success",
    "rejected": "danger",
}
DEFAULT_STATE_CSS = "secondary"

# A line's state of implementation, in the report's order: a diverging ColorBrewer scale (RdYlGn
# ends, a blue for continuous work) that stays tellable apart with common colour-vision
# deficiencies, and greys for "nothing to say" (no status, not public, no report received).
STATUS_COLOURS: dict[str, str] = {
    "not-started": "#d7191c",
    "in-progress": "#fdae61",
    "completed": "#1a9641",
    "continuous": "#2b83ba",
    "not-applicable": "#bababa",
    "none": "#e0e0e0",
    "withheld": "#8c8c8c",
    "absent": "#ffffff",
}
UNKNOWN_STATUS_COLOUR = "#999999"

# Women and men: two hues told apart with any common colour-vision deficiency (ColorBrewer PuOr).
WOMEN_COLOUR = "#5e3c99"
MEN_COLOUR = "#e66101"

INK_DARK = "#000000"
INK_LIGHT = "#ffffff"


def state_css(state: str) -> str:
    return STATE_CSS.get(state, DEFAULT_STATE_CSS)


def status_colour(status: str) -> str:
    return STATUS_COLOURS.get(status, UNKNOWN_STATUS_COLOUR)


def _luminance(hex_colour: str) -> float:
    """WCAG 2.1 relative luminance of "#rrggbb"."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio of two "#rrggbb" colours (1 to 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def ink(background: str) -> str:
    """Black or white, whichever reads better on `background`: the colour of a number written on
    a bar of that colour."""
    return INK_DARK if contrast(background, INK_DARK) >= contrast(background, INK_LIGHT) else INK_LIGHT
