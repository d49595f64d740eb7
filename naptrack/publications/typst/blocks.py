"""Departments' Markdown as structured blocks for the Typst template: never as Typst markup.

The text goes through the project's own Markdown renderer and sanitiser (naptrack.core.markdown),
so the PDF shows exactly what the HTML report shows, and the sanitised HTML is walked with the
standard library's parser into plain data: paragraphs, lists, quotes, code, small headings,
tables and rules, holding runs of text, emphasis, strong text, code, links and line breaks. Every
piece of user text ends up as a JSON string, which the template prints as text whatever its
characters (`#`, `$`, `[`, `\\` ...), so nothing a department types is ever evaluated.

A block is a dict with a "t" (type); an inline is either a string (plain text) or a dict with a
"t" ("strong", "em", "code", "link", "br") and its content in "c" (or "text" for code).
"""

from __future__ import annotations

import re
from functools import lru_cache
from html.parser import HTMLParser
from typing import Any

from naptrack.core.markdown import render

Inline = str | dict[str, Any]
Block = dict[str, Any]

_INLINE = {"strong": "strong", "b": "strong", "em": "em", "i": "em", "a": "link"}
_HEADINGS = {"h3": 1, "h4": 2, "h5": 3, "h6": 3}
_SPACE = re.compile(r"\s+")


class _Walker(HTMLParser):
    """Builds blocks from sanitised HTML: a stack of open containers, each collecting either
    blocks (the document, a list item, a quote, a table cell) or inlines (a paragraph)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        # Each open element: (tag, node), where node["c"] is the list its content goes to.
        self.stack: list[tuple[str, dict[str, Any]]] = [("root", {"c": self.blocks})]
        self.pre = 0

    # --- where content goes ---------------------------------------------------------------------

    def _top(self) -> tuple[str, dict[str, Any]]:
        return self.stack[-1]

    def _inline_target(self) -> list[Inline]:
        """The list inlines go to: the open paragraph-like node, or a paragraph opened for loose
        text (in a list item or a quote without <p>, say)."""
        tag, node = self._top()
        if node.get("inline"):
            return node["c"]
        if tag in ("tr", "thead", "tbody", "table", "ul", "ol"):
            # Text between table rows or list items is only the source's whitespace.
            return []
        paragraph: dict[str, Any] = {"t": "p", "c": [], "inline": True, "implicit": True}
        node["c"].append(paragraph)
        self.stack.append(("p-implicit", paragraph))
        return paragraph["c"]

    def _close_implicit(self) -> None:
        while self._top()[0] == "p-implicit":
            self.stack.pop()

    def _open(self, tag: str, node: dict[str, Any], block: bool) -> None:
        if block:
            self._close_implicit()
            _parent_tag, parent = self._top()
            if parent.get("inline"):
                # A block inside a paragraph-like node (sanitised HTML rarely does this): end it.
                self.stack.pop()
                parent = self._top()[1]
            parent["c"].append(node)
        else:
            self._inline_target().append(node)
        self.stack.append((tag, node))

    # --- the parser's callbacks -----------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "p":
            self._open(tag, {"t": "p", "c": [], "inline": True}, block=True)
        elif tag in _HEADINGS:
            self._open(tag, {"t": "h", "level": _HEADINGS[tag], "c": [], "inline": True}, block=True)
        elif tag in ("ul", "ol"):
            start = 1
            for name, value in attrs:
                if name == "start" and value and value.isdigit():
                    start = int(value)
            self._open(tag, {"t": tag, "start": start, "c": []}, block=True)
        elif tag == "li":
            self._open(tag, {"t": "li", "c": []}, block=True)
        elif tag == "blockquote":
            self._open(tag, {"t": "quote", "c": []}, block=True)
        elif tag == "pre":
            self._open(tag, {"t": "pre", "c": [], "inline": True}, block=True)
            self.pre += 1
        elif tag == "hr":
            self._close_implicit()
            self._top()[1]["c"].append({"t": "hr"})
        elif tag == "table":
            self._open(tag, {"t": "table", "c": []}, block=True)
        elif tag in ("thead", "tbody"):
            self.stack.append((tag, self._top()[1]))  # rows go straight to the table
        elif tag == "tr":
            node = {"t": "tr", "head": self._in("thead"), "c": []}
            self._top()[1]["c"].append(node)
            self.stack.append((tag, node))
        elif tag in ("td", "th"):
            node = {"t": "cell", "c": []}
            self._top()[1]["c"].append(node)
            self.stack.append((tag, node))
        elif tag in _INLINE:
            node = {"t": _INLINE[tag], "c": [], "inline": True}
            if tag == "a":
                node["url"] = dict(attrs).get("href") or ""
            self._open(tag, node, block=False)
        elif tag == "code":
            if self.pre:
                return  # <pre><code>: the pre is the block
            self._open(tag, {"t": "code", "c": [], "inline": True}, block=False)
        elif tag == "br":
            self._inline_target().append({"t": "br"})

    def handle_endtag(self, tag: str) -> None:
        if tag == "code" and self.pre:
            return
        if tag == "pre":
            self.pre -= 1
        # Close up to the matching open element; sanitised HTML is well nested, but be lenient.
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        if not data:
            return
        if not self.pre:
            data = _SPACE.sub(" ", data)
            if data == " " and not self._top()[1].get("inline"):
                return  # whitespace between blocks
        target = self._inline_target()
        if target and isinstance(target[-1], str):
            target[-1] += data
        else:
            target.append(data)

    def _in(self, tag: str) -> bool:
        return any(open_tag == tag for open_tag, _node in self.stack)


def _clean_inlines(items: list[Inline]) -> list[Inline]:
    out: list[Inline] = []
    for item in items:
        if isinstance(item, str):
            if out and out[-1] == {"t": "br"}:
                item = item.lstrip()  # the source's line end after a hard break
            if item:
                out.append(item)
            continue
        kind = item["t"]
        if kind == "br":
            if out and isinstance(out[-1], str):
                out[-1] = out[-1].rstrip()
            out.append({"t": "br"})
        elif kind == "code":
            out.append({"t": "code", "text": "".join(i for i in item["c"] if isinstance(i, str))})
        elif kind == "link" and not item["url"]:  # the sanitiser dropped an address it refuses
            out.extend(_clean_inlines(item["c"]))
        elif kind == "link":
            # A link without words would be an empty link to a screen reader: its address is its text.
            out.append({"t": "link", "url": item["url"], "c": _clean_inlines(item["c"]) or [item["url"]]})
        else:
            out.append({"t": kind, "c": _clean_inlines(item["c"])})
    return out


def _strip(inlines: list[Inline]) -> list[Inline]:
    """No space at the start or end of a paragraph (the source's line ends)."""
    if inlines and isinstance(inlines[0], str):
        inlines[0] = inlines[0].lstrip()
    if inlines and isinstance(inlines[-1], str):
        inlines[-1] = inlines[-1].rstrip()
    return [i for i in inlines if i != ""]


def _clean_blocks(items: list[Any]) -> list[Block]:
    out: list[Block] = []
    for item in items:
        if isinstance(item, str):  # loose text where blocks go: keep it as a paragraph
            if item.strip():
                out.append({"t": "p", "c": [item.strip()]})
            continue
        kind = item["t"]
        if kind in ("p", "h"):
            inlines = _strip(_clean_inlines(item["c"]))
            if inlines:
                block: Block = {"t": kind, "c": inlines}
                if kind == "h":
                    block["level"] = item["level"]
                out.append(block)
        elif kind == "pre":
            text = "".join(i for i in item["c"] if isinstance(i, str)).rstrip("\n")
            out.append({"t": "pre", "text": text})
        elif kind in ("ul", "ol"):
            items_ = [_clean_blocks(li["c"]) for li in item["c"] if isinstance(li, dict) and li["t"] == "li"]
            out.append({"t": kind, "start": item["start"], "items": items_})
        elif kind == "quote":
            out.append({"t": "quote", "c": _clean_blocks(item["c"])})
        elif kind == "hr":
            out.append({"t": "hr"})
        elif kind == "table":
            rows = [
                {"head": row["head"], "cells": [_strip(_clean_inlines(_flatten(cell["c"]))) for cell in row["c"]]}
                for row in item["c"]
                if isinstance(row, dict) and row["t"] == "tr"
            ]
            if rows:
                out.append({"t": "table", "columns": max(len(r["cells"]) for r in rows), "rows": rows})
        elif kind == "li":  # a stray item outside a list
            out.extend(_clean_blocks(item["c"]))
    return out


def _flatten(items: list[Any]) -> list[Inline]:
    """A table cell's content as inlines (cells hold text, not blocks, in the sanitised HTML)."""
    out: list[Inline] = []
    for item in items:
        if isinstance(item, dict) and item.get("t") == "p":
            out.extend(item["c"])
        else:
            out.append(item)
    return out


@lru_cache(maxsize=4096)
def _blocks(source: str) -> tuple[Block, ...]:
    walker = _Walker()
    walker.feed(str(render(source)))
    walker.close()
    return tuple(_clean_blocks(walker.blocks))


def markdown_blocks(source: str) -> list[Block]:
    """The blocks of a Markdown text, as the report's HTML shows it (sanitised). Kept for the
    next report: publishing writes the same narratives in three languages, and converting them
    is most of the time it takes to make the template's data. The blocks are shared: read them,
    never change them."""
    if not source or not source.strip():
        return []
    return list(_blocks(source))
