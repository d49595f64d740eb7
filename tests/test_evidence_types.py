"""Evidence files are checked by their content, not their name (issue 12, finding 8): a file is
accepted only when its content is the type its extension declares, and the refusal names both."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from naptrack.reporting import services
from naptrack.reporting.models import Evidence
from tests.conftest import contribution_of


def wave() -> bytes:
    """A second of silence as RIFF/WAVE: the same first four bytes as a WebP image."""
    samples = b"\x00\x00" * 8000
    fmt = struct.pack("<HHIIHH", 1, 1, 8000, 16000, 2, 16)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(samples)) + samples
    return b"RIFF" + struct.pack("<I", len(body)) + body


def image(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, fmt)
    return out.getvalue()


def pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=72, height=72)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx() -> bytes:
    import docx as python_docx

    document = python_docx.Document()
    document.add_paragraph("Minutes of the gender focal points' meeting.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx() -> bytes:
    from openpyxl import Workbook

    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


def odt() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
        archive.writestr("META-INF/manifest.xml", "<manifest:manifest/>")
    return out.getvalue()


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "not a document")
    return out.getvalue()


def add(actor, contribution, name: str, content: bytes) -> Evidence:
    upload = SimpleUploadedFile(name, content)
    return services.evidence_add(actor=actor, contribution=contribution, title="", upload=upload)


def refusal(actor, contribution, name: str, content: bytes) -> str:
    with pytest.raises(ValidationError) as info:
        add(actor, contribution, name, content)
    (message,) = info.value.message_dict["file"]
    return message


def test_a_wave_file_named_webp_is_refused_naming_both_types(open_round, focal_defence):
    contribution = contribution_of(open_round, "14.a", "defence")
    message = refusal(focal_defence, contribution, "photo.webp", wave())
    assert "named .webp" in message and "WAV file" in message
    assert not Evidence.objects.filter(contribution=contribution).exists()


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("report.pdf", pdf),
        ("photo.png", lambda: image("PNG")),
        ("photo.jpg", lambda: image("JPEG")),
        ("photo.jpeg", lambda: image("JPEG")),
        ("chart.gif", lambda: image("GIF")),
        ("photo.webp", lambda: image("WEBP")),
        ("minutes.docx", docx),
        ("figures.xlsx", xlsx),
        ("minutes.odt", odt),
    ],
)
def test_real_files_of_each_accepted_type_are_accepted(open_round, focal_defence, name, make):
    contribution = contribution_of(open_round, "14.a", "defence")
    evidence = add(focal_defence, contribution, name, make())
    assert evidence.content_type == services.EVIDENCE_TYPES[name.rsplit(".", 1)[1]][0]


@pytest.mark.parametrize(
    ("name", "make", "found"),
    [
        ("report.docx", pdf, "a PDF file"),
        ("figures.xlsx", docx, "a DOCX file"),
        ("minutes.docx", xlsx, "a XLSX file"),
        ("minutes.odt", docx, "a DOCX file"),
        ("minutes.docx", plain_zip, "a ZIP file"),
        ("photo.png", lambda: image("JPEG"), "a JPG file"),
        ("report.pdf", lambda: b"<html>not a pdf</html>", "of no type naptrack recognises"),
    ],
)
def test_content_of_another_type_is_refused(open_round, focal_defence, name, make, found):
    contribution = contribution_of(open_round, "14.a", "defence")
    message = refusal(focal_defence, contribution, name, make())
    assert f"named .{name.rsplit('.', 1)[1]}" in message and found in message
