"""Small but real files for the demo's documents, audit reports and review minutes.

Written in code rather than bundled: a one-page PDF (hand-built, with a correct cross-reference
table so any reader opens it), a minimal OpenDocument text and a minimal Word document (real
ZIP containers with the members ``app.files`` checks). Same input, same bytes: ZIP entries
carry a fixed timestamp and the PDF no creation date, so loads are reproducible.
"""

from __future__ import annotations

import io
import textwrap
import zipfile
from collections.abc import Sequence
from xml.sax.saxutils import escape

_FIXED_TIME = (2020, 1, 1, 0, 0, 0)
#: Characters the PDF's WinAnsi encoding lacks, replaced by their closest ASCII form.
_PDF_REPLACEMENTS = {"−": "-", "→": "->", "≤": "<=", "≥": ">=", "✔": "v", "\u202f": " "}


# ------------------------------------------------------------------------------------- PDF
def _pdf_text(text: str) -> bytes:
    for char, plain in _PDF_REPLACEMENTS.items():
        text = text.replace(char, plain)
    raw = text.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def pdf(title: str, lines: Sequence[str]) -> bytes:
    """A one-page A4 PDF: a bold title, then the lines wrapped at 90 characters."""
    body = [
        b"BT",
        b"/F2 15 Tf",
        b"56 780 Td",
        b"(" + _pdf_text(title) + b") Tj",
        b"/F1 10 Tf",
        b"0 -28 Td",
        b"14 TL",
    ]
    wrapped = [part for line in lines for part in (textwrap.wrap(line, 90) or [""])]
    for line in wrapped[:48]:
        body.append(b"(" + _pdf_text(line) + b") Tj T*")
    body.append(b"ET")
    stream = b"\n".join(body)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Producer (Vigie - ville de demonstration) >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + content + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n".encode())
    out.write(b"0000000000 65535 f \n")
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {len(objects)} 0 R >>\n"
        f"startxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


# ------------------------------------------------------------------------------ ZIP formats
def _zip(members: Sequence[tuple[str, str]], stored_first: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for index, (name, content) in enumerate(members):
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            stored = stored_first and index == 0
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            archive.writestr(info, content.encode("utf-8"))
    return out.getvalue()


def odt(title: str, lines: Sequence[str]) -> bytes:
    """A minimal OpenDocument text (``mimetype`` first and stored, as the format requires)."""
    paragraphs = "".join(f"<text:p>{escape(line)}</text:p>" for line in lines)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        "<office:document-content "
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:text><text:h text:outline-level="1">{escape(title)}</text:h>'
        f"{paragraphs}</office:text></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:version="1.2" '
        'manifest:media-type="application/vnd.oasis.opendocument.text"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    return _zip(
        (
            ("mimetype", "application/vnd.oasis.opendocument.text"),
            ("META-INF/manifest.xml", manifest),
            ("content.xml", content),
        ),
        stored_first=True,
    )


def docx(title: str, lines: Sequence[str]) -> bytes:
    """A minimal Word document: content types, package relation and ``word/document.xml``."""
    ns = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    runs = "".join(
        f'<w:p><w:r><w:t xml:space="preserve">{escape(line)}</w:t></w:r></w:p>' for line in lines
    )
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{ns}">'
        f"<w:body><w:p><w:r><w:rPr><w:b/></w:rPr><w:t>{escape(title)}</w:t></w:r></w:p>"
        f"{runs}</w:body></w:document>"
    )
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
    )
    return _zip(
        (
            ("[Content_Types].xml", content_types),
            ("_rels/.rels", rels),
            ("word/document.xml", document),
        )
    )


#: Builders by file extension.
WRITERS = {"pdf": pdf, "odt": odt, "docx": docx}


def render(extension: str, title: str, lines: Sequence[str]) -> bytes:
    return WRITERS[extension](title, lines)
