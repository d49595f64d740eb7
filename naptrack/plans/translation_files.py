"""A plan's texts for translators, in the formats they work in, and their work read back.

- **XLSX** (openpyxl) for people working in Excel: one row per text with its key, the English
  source, the current translation (the only column open to editing) and its state; a hidden
  column keeps the source's fingerprint, a hidden sheet names the plan and the language.
- **XLIFF 2.0** (translate-toolkit's `translate.storage.xliff2`) for CAT tools: a unit per text,
  its id the key, the plan's slug as the file's id, the target language as `trgLang`, official
  translations marked `final`; the source's fingerprint is kept in the unit's metadata (the
  Metadata module, which CAT tools carry through), and segmentation is switched off.

Reading returns a `translating.TranslationFile`; what it holds is validated by the import
service, never here. An uploaded workbook is checked by core/ooxml.py before openpyxl opens it;
an XLIFF file with a DTD is refused before it is parsed.
"""

from __future__ import annotations

import io
import re

from django.utils.translation import gettext as _
from lxml import etree
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, Protection
from translate.storage.xliff2 import Xliff2File

from naptrack.core import ooxml
from naptrack.core.spreadsheets import xlsx_append
from naptrack.plans.interchange import OFFICIAL, SOURCE
from naptrack.plans.models import Plan
from naptrack.plans.texts import PlanText, state_label
from naptrack.plans.translating import Row, TranslationFile

FORMAT_MARK = "naptrack-translations/1"
META_SHEET = "naptrack"
MDA = "urn:oasis:names:tc:xliff:metadata:2.0"
FINGERPRINT = "source-fingerprint"
MAX_BYTES = 20 * 1024 * 1024
FORMATS = ("xlsx", "xliff")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xliff": "application/xliff+xml",
}
SUFFIXES = {"xlsx": "xlsx", "xliff": "xlf"}
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


class TranslationFileError(Exception):
    """The file cannot be read as a translation file; the message says why."""


def filename(plan: Plan, language: str, fmt: str) -> str:
    return f"{plan.slug}-{language}.{SUFFIXES[fmt]}"


# --- writing --------------------------------------------------------------------------------------


def xlsx_write(plan: Plan, language: str, texts: list[PlanText]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Translations")[:31]
    language_name = _language_name(language)
    xlsx_append(
        ws,
        [
            _("Key"),
            _("English (source)"),
            _("Translation (%(language)s)") % {"language": language_name},
            _("State"),
            _("Source fingerprint"),
        ],
    )
    for cell in ws[1]:
        cell.font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for text in texts:
        # Every text is a string cell (xlsx_append): a translation beginning with "=" stays text.
        xlsx_append(
            ws,
            [text.key, text.source, text.translation(language), state_label(text.state(language)), text.fingerprint],
        )
        for cell in ws[ws.max_row]:
            cell.alignment = wrap
        ws.cell(ws.max_row, 3).protection = Protection(locked=False)
    for column, width in zip("ABCDE", (28, 60, 60, 12, 18), strict=True):
        ws.column_dimensions[column].width = width
    ws.column_dimensions["E"].hidden = True
    ws.freeze_panes = "B2"
    # Only the translations are edited: the keys, sources and fingerprints are what import checks.
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    meta = wb.create_sheet(META_SHEET)
    meta.sheet_state = "hidden"
    for row in (["format", FORMAT_MARK], ["plan", plan.slug], ["language", language]):
        xlsx_append(meta, row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def xliff_write(plan: Plan, language: str, texts: list[PlanText]) -> bytes:
    store = Xliff2File(sourcelanguage=SOURCE)
    store.settargetlanguage(language)
    store.setfilename(store.body, plan.slug)
    # A CAT tool that split a text into sentences would give back pieces no key names.
    store.body.set("canResegment", "no")
    for text in texts:
        unit = store.addsourceunit(text.source)
        unit.setid(text.key)
        if text.translation(language):
            unit.target = text.translation(language)
            unit.xmlelement.set("state", "final" if text.state(language) == OFFICIAL else "translated")
        else:
            unit.xmlelement.set("state", "initial")
        element = unit.getunitelement()
        metadata = etree.Element(f"{{{MDA}}}metadata", nsmap={"mda": MDA})
        group = etree.SubElement(metadata, f"{{{MDA}}}metaGroup", category="naptrack")
        etree.SubElement(group, f"{{{MDA}}}meta", type=FINGERPRINT).text = text.fingerprint
        element.insert(0, metadata)  # module elements come before the unit's segments
    return bytes(store)


def _language_name(language: str) -> str:
    from django.conf import settings

    return str(dict(settings.LANGUAGES).get(language, language))


# --- reading --------------------------------------------------------------------------------------


def read(data: bytes, *, name: str) -> TranslationFile:
    """A translation file, XLSX or XLIFF told by its content; TranslationFileError if not one."""
    if len(data) > MAX_BYTES:
        raise TranslationFileError(_("%(name)s is larger than 20 MB.") % {"name": name})
    if data[:2] == b"PK":
        return _read_xlsx(data, name)
    if data.lstrip()[:1] == b"<" or data[:3] == b"\xef\xbb\xbf":
        return _read_xliff(data, name)
    raise TranslationFileError(_("%(name)s is neither an Excel workbook (.xlsx) nor an XLIFF file.") % {"name": name})


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(data: bytes, name: str) -> TranslationFile:
    try:
        ooxml.check(data, kind="xlsx", name=name)
    except ooxml.PackageRefused as exc:
        raise TranslationFileError(str(exc)) from None
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged workbook; the person needs one message
        raise TranslationFileError(_("%(name)s is not a readable Excel workbook.") % {"name": name}) from None
    try:
        if META_SHEET not in wb.sheetnames:
            raise TranslationFileError(
                _("%(name)s is not a translation workbook exported by naptrack (its hidden sheet is missing).")
                % {"name": name}
            )
        meta = {_text(row[0]): _text(row[1]) for row in wb[META_SHEET].iter_rows(values_only=True) if len(row) > 1}
        if meta.get("format") != FORMAT_MARK:
            raise TranslationFileError(
                _("%(name)s is not a translation workbook exported by naptrack.") % {"name": name}
            )
        rows = []
        for values in wb.worksheets[0].iter_rows(min_row=2, values_only=True):
            cells = [_text(v) for v in values] + [""] * 5
            if not cells[0].strip():
                continue
            rows.append(Row(key=cells[0].strip(), source=cells[1], target=cells[2], fingerprint=cells[4].strip()))
    finally:
        wb.close()
    return TranslationFile(meta.get("plan", ""), meta.get("language", ""), "xlsx", name, rows)


def _read_xliff(data: bytes, name: str) -> TranslationFile:
    if _DTD.search(data):
        raise TranslationFileError(
            _("%(name)s declares a DTD or entities; naptrack does not read such files.") % {"name": name}
        )
    try:
        store = Xliff2File.parsestring(data)
    except (etree.XMLSyntaxError, ValueError, AssertionError):
        raise TranslationFileError(_("%(name)s is not an XLIFF 2 file.") % {"name": name}) from None
    files = store.document.getroot().findall(store.namespaced("file"))
    if len(files) != 1:
        raise TranslationFileError(_("%(name)s should hold one <file>, the plan's.") % {"name": name})
    rows = []
    for element in files[0].iter(store.namespaced("unit")):
        key = element.get("id", "")
        segments = element.findall(store.namespaced("segment"))
        source = "".join(_element_text(s.find(store.namespaced("source"))) for s in segments)
        target = "".join(_element_text(s.find(store.namespaced("target"))) for s in segments)
        meta = element.find(f"{{{MDA}}}metadata/{{{MDA}}}metaGroup/{{{MDA}}}meta[@type='{FINGERPRINT}']")
        fingerprint = (meta.text or "").strip() if meta is not None else ""
        # A unit a tool split into segments despite canResegment="no" is read whole, its pieces joined.
        rows.append(Row(key=key, source=source, target=target, fingerprint=fingerprint))
    return TranslationFile(files[0].get("id", ""), store.gettargetlanguage() or "", "xliff", name, rows)


def _element_text(element: etree._Element | None) -> str:
    # Plain text: the exported texts hold no inline codes, and a tool's markup is not kept.
    return "".join(element.itertext()) if element is not None else ""
