"""The API's JSON parser: DRF's, with the limits a public endpoint needs.

DRF's JSONParser lets Python's json module recurse once per level of nesting: a body nested a few
thousand deep ("[[[[...") raises RecursionError, which nothing catches (a 500). Such a body is a
400 here, and so is anything nested deeper than any request of this API needs, so that the
serializers and the error formatting (errors.flatten) never walk a deep structure either. A body
over DATA_UPLOAD_MAX_MEMORY_SIZE is a 413 (Django raises RequestDataTooBig when DRF reads it; the
exception handler in errors.py answers it)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# The deepest request body of this API: a contribution's measurements, {"measurements": [{...}]},
# is three levels. Sixteen leaves room and is far below Python's recursion limit.
MAX_DEPTH = 16


def depth(value: Any) -> int:
    """How deeply lists and objects nest in `value` (a scalar is 0), without recursion."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            break
        stack.extend((child, level + 1) for child in children)
    return deepest


class JsonParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("JSON parse error: the body is nested too deeply.")) from None
        if depth(data) > MAX_DEPTH:
            raise ParseError(
                _("JSON parse error: the body is nested more than %(depth)s levels deep.") % {"depth": MAX_DEPTH}
            )
        return data
