"""Reports' Markdown: plain paragraphs are written without Markdown's parser (core/markdown.py's
_paragraphs), and must come out exactly as the parser would have written them."""

from __future__ import annotations

import markdown as md
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from naptrack.core import markdown
from naptrack.core.markdown import _paragraphs, render


def parsed(text: str) -> str:
    return md.Markdown(extensions=["tables", "sane_lists"], output_format="html").convert(text)


# Words, and every character that makes or nearly makes markup at a line's start or end.
PROSE = ["word", "Élise", "2014", "12", " ", "  ", "\n", "\n\n", ".", ",", ":", ")", "(", "-", "--", "+", "!", "'", '"']
PROSE += ["%", ";", "?", "/", "$", "\u00b0", "\u00ab", "\u00bb", "\u201c", "\u201d", "\u2018", "\u2019", "\u2014"]
PROSE += ["\u2013", "\u20ac", "\u0661", "\u0661. ", "\u00b2", "\u00a0"]  # Arabic-Indic one, superscript two, NBSP
MARKUP = ["*", "_", "#", ">", "<", "&", "[", "]", "`", "|", "\\", "=", "\t", "1.", "1)", "- ", "+ ", "---"]
PIECES = st.sampled_from([*PROSE, *MARKUP])


@settings(max_examples=3000, deadline=None)
@given(st.lists(PIECES, max_size=30).map("".join))
def test_plain_paragraphs_come_out_as_markdown_writes_them(text):
    fast = _paragraphs(text)
    if fast is not None:
        assert fast == parsed(text)


@pytest.mark.parametrize(
    "text",
    [
        "In 2014, 12 women (and 30 men) were trained: 28.6 % of them.",
        "First paragraph.\n\nSecond one, on two\nlines \u2013 with a dash.",
        "\n\nLeading and trailing blank lines.\n\n\n",
        "Reported for BE (be-nap-001-2005-2008); see 1.a and 14.a!",
    ],
)
def test_prose_takes_the_short_way(text, monkeypatch):
    assert _paragraphs(text) is not None
    short = render(text)
    monkeypatch.setattr(markdown, "_paragraphs", lambda text: None)
    assert short == render(text) and short.startswith("<p>")


@pytest.mark.parametrize(
    "text",
    [
        "Some *emphasis*.",
        "- a list\n- of two",
        "1. first\n2. second",
        "Title\n---",
        "Title\n===",
        "    code",
        "line  \nbreak",
        "a <b>tag</b>",
        "Tom & Jerry",
        "[a link](https://example.org)",
        "| a | b |\n|---|---|\n| 1 | 2 |",
        "# Heading",
        "> quoted",
    ],
)
def test_markup_goes_to_the_parser(text):
    assert _paragraphs(text) is None
