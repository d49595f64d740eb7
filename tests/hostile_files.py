"""Office files made to hurt a server, written quickly with zipfile and string templates (never
with openpyxl, which would itself spend the memory the tests measure): a workbook of a million
cells, an entity bomb, an undefined entity, a ZIP bomb."""

from __future__ import annotations

import io
import zipfile

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
LETTERS = "ABCDEFGHIJ"

# An entity that expands to a billion "lol"s: nine levels of ten.
LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">' for n in range(1, 10))
    + "]>"
)


def _zip(parts: dict[str, str | bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def xlsx(sheets: dict[str, str], *, prolog: str = "") -> bytes:
    """A workbook whose sheets hold the given XML (each a <worksheet>); `prolog` goes before the
    workbook part's root element (a DOCTYPE, for the entity bomb)."""
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for n in range(1, len(sheets) + 1)
    )
    parts: dict[str, str | bytes] = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override '
            'PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
            f'sheet.main+xml"/>{overrides}</Types>'
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS}"><Relationship Id="rId1" '
            f'Type="{DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}"><sheets>'
            + "".join(f'<sheet name="{name}" sheetId="{n}" r:id="rId{n}"/>' for n, name in enumerate(sheets, start=1))
            + ("<definedNames/>&lol9;" if prolog else "")
            + "</sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS}">'
            + "".join(
                f'<Relationship Id="rId{n}" Type="{DOC_RELS}/worksheet" Target="worksheets/sheet{n}.xml"/>'
                for n in range(1, len(sheets) + 1)
            )
            + "</Relationships>"
        ),
    }
    for n, xml in enumerate(sheets.values(), start=1):
        parts[f"xl/worksheets/sheet{n}.xml"] = xml
    return _zip(parts)


def sheet(rows: str, dimension: str | None = None) -> str:
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">{declared}<sheetData>{rows}</sheetData>'
        "</worksheet>"
    )


def numbers(rows: int, columns: int = 10) -> str:
    """`rows` rows of `columns` numeric cells, placed by their order (as Excel allows), which
    packs a million cells into some tens of kilobytes."""
    return ("<row>" + "<c><v>1</v></c>" * columns + "</row>") * rows


def million_cells(dimension: str | None = "A1:J100000") -> bytes:
    """A workbook shaped like a department workbook whose sheet "Contributions" holds 100,000 rows
    of 10 cells, declaring them (or, with dimension=None, not)."""
    return xlsx({"Contributions": sheet(numbers(100_000), dimension), "naptrack": sheet("", "A1")})


def laughs_xlsx() -> bytes:
    return xlsx({"Contributions": sheet("", "A1"), "naptrack": sheet("", "A1")}, prolog=LAUGHS)


def docx(body: str, *, prolog: str = "") -> bytes:
    """A Word document of one paragraph-level body (WordprocessingML inside <w:body>)."""
    return _zip(
        {
            "[Content_Types].xml": (
                '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/'
                '2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override '
                'PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                'wordprocessingml.document.main+xml"/></Types>'
            ),
            "_rels/.rels": (
                f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS}"><Relationship Id="rId1" '
                f'Type="{DOC_RELS}/officeDocument" Target="word/document.xml"/></Relationships>'
            ),
            "word/document.xml": (
                f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<w:document xmlns:w="{W}"><w:body>{body}'
                "</w:body></w:document>"
            ),
        }
    )


def laughs_docx() -> bytes:
    return docx("<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>", prolog=LAUGHS)


def undefined_entity_docx() -> bytes:
    return docx("<w:tbl><w:tr><w:tc><w:p><w:r><w:t>No. &nbsp; &undefined;</w:t></w:r></w:p></w:tc></w:tr></w:tbl>")


def zip_bomb_docx() -> bytes:
    """A document whose main part unpacks to just over 100 MB of spaces (about 100 KB packed)."""
    return docx("<w:p/>" + " " * (101 * 1024 * 1024))
