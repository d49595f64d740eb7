"""Office files (XLSX workbooks, DOCX documents) checked before any library parses them.

An XLSX of 187 KB can hold a million cells, which openpyxl turns into close to a gigabyte of
memory; a ZIP member can unpack to gigabytes; an XML part can declare entities that expand
without end, or use one that is not defined (an error deep in the parser). `check` reads the
ZIP's directory and streams each XML part once, without building any tree, and refuses:

- a file that is not a ZIP package of the expected kind, or is damaged;
- more members, or more unpacked bytes, than `Limits` allows (ZIP bombs);
- any DTD (`<!DOCTYPE`, `<!ENTITY`) in an XML part: Office never writes one, and python-docx
  and openpyxl would otherwise meet entity bombs; any entity other than XML's five;
- in a workbook: a sheet whose declared size (`<dimension ref="A1:XFD1048576">`, near the start
  of the sheet) or whose actual rows, cells or merged cells pass the caps.

It also tells the readers what it saw of each sheet (rows, cells, formulas, merged ranges), so
that they read a workbook once, in openpyxl's streaming mode, within those caps.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from xml.etree import ElementTree

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl.utils.cell import range_boundaries

MB = 1024 * 1024
CHUNK = 64 * 1024
KEEP = 512  # bytes carried from one chunk to the next: longer than anything matched below
WORKBOOK, WORKBOOK_RELS = "xl/workbook.xml", "xl/_rels/workbook.xml.rels"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
PREDEFINED = {b"amp", b"lt", b"gt", b"quot", b"apos"}
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_ENTITY = re.compile(rb"&([^\s&;#<>\"']{1,100});")
_REF = rb"\"([A-Z]{1,3}[0-9]{1,7}(?::[A-Z]{1,3}[0-9]{1,7})?)\""
# In a worksheet, whatever the namespace prefix: rows, cells, formulas, merged ranges, declared size.
_SHEET = re.compile(
    rb"<(?:[\w.-]+:)?(row|c|f)[\s>/]"
    rb"|<(?:[\w.-]+:)?mergeCell\s[^>]{0,200}?ref=" + _REF + rb"|<(?:[\w.-]+:)?dimension\s[^>]{0,200}?ref=" + _REF
)


class PackageRefused(Exception):
    """The file is not read: the message says why, naming the file."""


@dataclass(frozen=True)
class Limits:
    rows: int  # per sheet
    columns: int  # per sheet
    cells: int  # in the whole workbook, and covered by merged ranges
    xml_bytes: int  # the XML parts unpacked: what the libraries parse
    members: int = 2000

    @property
    def total_bytes(self) -> int:
        # Pictures and other parts that are stored, not parsed, may add up to four times the XML.
        return 5 * self.xml_bytes


def limits() -> Limits:
    """The caps in force (settings NAPTRACK_SHEET_MAX_ROWS, _COLUMNS, _CELLS, NAPTRACK_OOXML_MAX_MB)."""
    return Limits(
        rows=int(getattr(settings, "NAPTRACK_SHEET_MAX_ROWS", 5000)),
        columns=int(getattr(settings, "NAPTRACK_SHEET_MAX_COLUMNS", 50)),
        cells=int(getattr(settings, "NAPTRACK_SHEET_MAX_CELLS", 100_000)),
        xml_bytes=int(getattr(settings, "NAPTRACK_OOXML_MAX_MB", 20)) * MB,
    )


@dataclass
class Sheet:
    part: str
    name: str = ""  # from xl/workbook.xml
    declared: str = ""  # the <dimension> reference, e.g. "A1:P212"
    rows: int = 0
    cells: int = 0
    formulas: int = 0
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # min_col, min_row, max_col, max_row
    covered: int = 0  # cells under merged ranges, within the caps

    @property
    def label(self) -> str:
        return _("the sheet “%(sheet)s”") % {"sheet": self.name} if self.name else self.part


@dataclass
class Package:
    kind: str
    limits: Limits
    sheets: list[Sheet] = field(default_factory=list)

    def sheet(self, name: str) -> Sheet | None:
        return next((s for s in self.sheets if s.name == name), None)


def _what(kind: str) -> str:
    return _("Excel workbook (.xlsx)") if kind == "xlsx" else _("Word document (.docx)")


def check(source: bytes | str | Path | IO[bytes], *, kind: str, name: str, caps: Limits | None = None) -> Package:
    """Check an XLSX (kind "xlsx") or DOCX (kind "docx") before it is parsed; PackageRefused if not."""
    caps = caps or limits()
    package = Package(kind, caps)
    opened = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        with zipfile.ZipFile(opened) as archive:
            _check_archive(archive, package, name)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, RuntimeError, NotImplementedError, EOFError, OSError):
        raise PackageRefused(
            _("%(name)s is not a readable %(what)s: it is not the ZIP package such a file is.")
            % {"name": name, "what": _what(kind)}
        ) from None
    return package


def _check_archive(archive: zipfile.ZipFile, package: Package, name: str) -> None:
    caps, kind = package.limits, package.kind
    members = archive.infolist()
    names = {m.filename for m in members}
    folder = "xl/" if kind == "xlsx" else "word/"
    if "[Content_Types].xml" not in names or not any(n.startswith(folder) for n in names):
        raise PackageRefused(
            _("%(name)s is not a readable %(what)s: it lacks the parts every such file has.")
            % {"name": name, "what": _what(kind)}
        )
    if len(members) > caps.members:
        raise PackageRefused(
            _("%(name)s packs %(n)s files; naptrack reads at most %(max)s.")
            % {"name": name, "n": len(members), "max": caps.members}
        )
    if sum(m.file_size for m in members) > caps.total_bytes:
        raise PackageRefused(_too_big(name, caps.total_bytes))
    types = _scan(archive, "[Content_Types].xml", name, package)
    content_types = _content_types(types)
    xml = [m for m in members if m.filename != "[Content_Types].xml" and _is_xml(m.filename, content_types)]
    if sum(m.file_size for m in xml) > caps.xml_bytes:
        raise PackageRefused(_too_big(name, caps.xml_bytes))
    sheet_names = _sheet_names(archive, name, package, names) if kind == "xlsx" else {}
    for member in xml:
        if member.filename in (WORKBOOK, WORKBOOK_RELS) and kind == "xlsx":
            continue  # scanned by _sheet_names
        sheet = None
        if _is_sheet(member.filename, content_types):
            sheet = Sheet(member.filename, sheet_names.get(member.filename, ""))
            package.sheets.append(sheet)
        _scan(archive, member.filename, name, package, sheet)
    if sum(s.cells for s in package.sheets) > caps.cells:
        raise PackageRefused(_too_many_cells(name, caps))


def _too_big(name: str, limit: int) -> str:
    return _(
        "%(name)s unpacks to more than %(mb)s MB; naptrack reads at most that much (a plan or a workbook needs "
        "far less: such a file is damaged or made to exhaust the server)."
    ) % {"name": name, "mb": limit // MB}


def _too_many_cells(name: str, caps: Limits) -> str:
    return _(
        "%(name)s holds more than %(max)s cells; naptrack reads at most that many (a plan or a department "
        "workbook needs far fewer)."
    ) % {"name": name, "max": caps.cells}


def _content_types(data: bytes) -> dict[str, str]:
    """Part name or ".extension" -> content type, from [Content_Types].xml (already checked for DTDs)."""
    found: dict[str, str] = {}
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError:
        return found
    for element in root:
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "Default":
            found["." + element.get("Extension", "").lower()] = element.get("ContentType", "")
        elif tag == "Override":
            found[element.get("PartName", "").lstrip("/")] = element.get("ContentType", "")
    return found


def _type_of(part: str, content_types: dict[str, str]) -> str:
    return content_types.get(part) or content_types.get(posixpath.splitext(part)[1].lower(), "")


def _is_xml(part: str, content_types: dict[str, str]) -> bool:
    # What a library parses as XML: by name, or by the content type the package gives it
    # (pictures in SVG are XML too, but stored, not parsed, and may carry a DOCTYPE of their own).
    content_type = _type_of(part, content_types)
    if content_type.startswith("image/"):
        return False
    return part.lower().endswith((".xml", ".rels")) or content_type.endswith(("+xml", "/xml"))


def _is_sheet(part: str, content_types: dict[str, str]) -> bool:
    return _type_of(part, content_types) == SHEET_TYPE or bool(re.fullmatch(r"xl/worksheets/[^/]+\.xml", part))


def _sheet_names(archive: zipfile.ZipFile, name: str, package: Package, names: set[str]) -> dict[str, str]:
    """Part -> sheet name, from xl/workbook.xml and its relationships, checked first, so that a
    refusal can name the sheet."""
    if WORKBOOK not in names or WORKBOOK_RELS not in names:
        return {}
    workbook, rels = _scan(archive, WORKBOOK, name, package), _scan(archive, WORKBOOK_RELS, name, package)
    try:
        # A target is relative to xl/, or absolute in the package (as openpyxl writes it).
        targets = {
            r.get("Id"): posixpath.normpath(posixpath.join("/xl", r.get("Target", ""))).lstrip("/")
            for r in ElementTree.fromstring(rels)
        }
        sheets = [e for e in ElementTree.fromstring(workbook).iter() if e.tag.rsplit("}", 1)[-1] == "sheet"]
    except ElementTree.ParseError:
        return {}  # the sheets are then named by their parts
    # r:id, in the transitional or the strict namespace.
    ids = [next((v for k, v in s.attrib.items() if k.endswith("}id")), "") for s in sheets]
    return {targets.get(i, ""): s.get("name", "") for i, s in zip(ids, sheets, strict=True)}


def _scan(archive: zipfile.ZipFile, part: str, name: str, package: Package, sheet: Sheet | None = None) -> bytes:
    """Stream one XML part: refuse a DTD or an undefined entity, count a sheet's rows and cells.
    Returns the part's bytes when it is small (the workbook's list of sheets), else b""."""
    kept: list[bytes] = []
    carry = b""
    size = 0
    with archive.open(part) as stream:
        while True:
            chunk = stream.read(CHUNK)
            last = not chunk
            buffer = carry + chunk
            limit = len(buffer) if last else max(0, len(buffer) - KEEP)
            _check_xml(buffer[:limit], part, name)
            if sheet is not None:
                _count(buffer, limit, sheet, name, package.limits)
            size += len(chunk)
            if size <= CHUNK * 4:
                kept.append(chunk)
            carry = buffer[limit:]
            if last:
                break
    return b"".join(kept) if size <= CHUNK * 4 else b""


def _check_xml(buffer: bytes, part: str, name: str) -> None:
    # The caller passes what it will not carry over: a match that crosses the cut is found whole
    # in the next buffer, since what is carried is longer than any match.
    if _DTD.search(buffer) is not None:
        raise PackageRefused(
            _(
                "%(name)s is refused: its part %(part)s declares a DTD (<!DOCTYPE or <!ENTITY), which Office never "
                "writes and which can expand into gigabytes (an entity bomb)."
            )
            % {"name": name, "part": part}
        )
    for match in _ENTITY.finditer(buffer):
        if match.group(1) not in PREDEFINED:
            raise PackageRefused(
                _(
                    "%(name)s is refused: its part %(part)s uses the entity &%(entity)s;, which is not defined: the "
                    "file is damaged or made to attack."
                )
                % {"name": name, "part": part, "entity": match.group(1).decode("utf-8", "replace")}
            )


def _count(buffer: bytes, limit: int, sheet: Sheet, name: str, caps: Limits) -> None:
    for match in _SHEET.finditer(buffer, 0, len(buffer)):
        if match.start() >= limit:
            break
        element, merged, dimension = match.groups()
        if element == b"row":
            sheet.rows += 1
        elif element == b"c":
            sheet.cells += 1
        elif element == b"f":
            sheet.formulas += 1
        elif merged is not None:
            bounds = range_boundaries(merged.decode())
            sheet.merged.append(bounds)
            sheet.covered += _area(bounds, caps)
        elif dimension is not None and not sheet.declared:
            sheet.declared = dimension.decode()
            _check_declared(sheet, name, caps)
    if sheet.rows > caps.rows:
        raise PackageRefused(
            _("%(name)s is refused: %(sheet)s holds more than %(max)s rows; naptrack reads at most that many.")
            % {"name": name, "sheet": sheet.label, "max": caps.rows}
        )
    if sheet.cells > caps.cells:
        raise PackageRefused(_too_many_cells(name, caps))
    if sheet.covered > caps.cells:
        raise PackageRefused(
            _("%(name)s is refused: its merged cells cover more than %(max)s cells.")
            % {"name": name, "max": caps.cells}
        )


def _area(bounds: tuple[int, int, int, int], caps: Limits) -> int:
    """Cells a merged range covers within the caps (what a reader fills in for it)."""
    c1, r1, c2, r2 = bounds
    rows = min(max(r1, r2), caps.rows) - min(r1, r2) + 1
    columns = min(max(c1, c2), caps.columns) - min(c1, c2) + 1
    return max(rows, 0) * max(columns, 0)


def _check_declared(sheet: Sheet, name: str, caps: Limits) -> None:
    _c1, _r1, columns, rows = range_boundaries(sheet.declared if ":" in sheet.declared else f"A1:{sheet.declared}")
    if rows > caps.rows or columns > caps.columns or rows * columns > caps.cells:
        raise PackageRefused(
            _(
                "%(name)s is refused: %(sheet)s declares %(rows)s rows and %(columns)s columns (%(ref)s); naptrack "
                "reads at most %(max_rows)s rows, %(max_columns)s columns and %(max_cells)s cells, far more than a "
                "plan or a department workbook needs."
            )
            % {
                "name": name,
                "sheet": sheet.label,
                "rows": rows,
                "columns": columns,
                "ref": sheet.declared,
                "max_rows": caps.rows,
                "max_columns": caps.columns,
                "max_cells": caps.cells,
            }
        )
