"""Small PDF generators for the parser tests (fpdf2): text placed line by line, ruled tables,
and a font with Japanese glyphs found through fontconfig."""

from __future__ import annotations

import os
import re
import subprocess
import zlib
from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF

Line = tuple[float, float, str]  # x mm, y mm (baseline, from the top), text


def body(lines: list[str], top: float = 30, x: float = 20, step: float = 6) -> list[Line]:
    """Lines of text placed one under the other."""
    return [(x, top + i * step, text) for i, text in enumerate(lines)]


def new_pdf(**meta: str) -> FPDF:
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(False)
    if meta.get("title"):
        pdf.set_title(meta["title"])
    if meta.get("author"):
        pdf.set_author(meta["author"])
    return pdf


def make_pdf(path: Path, pages: list[list[Line]], font_size: float = 11, **meta: str) -> Path:
    pdf = new_pdf(**meta)
    for lines in pages:
        pdf.add_page()
        pdf.set_font("Helvetica", size=font_size)
        for x, y, text in lines:
            pdf.text(x, y, text)
    pdf.output(str(path))
    return path


def ruled_table(
    pdf: FPDF,
    x: float,
    y: float,
    widths: Sequence[float],
    rows: Sequence[Sequence[str]],
    *,
    bold_header: bool = True,
    row_height: float = 8,
    font: str = "Helvetica",
    size: float = 10,
) -> float:
    """Draw a table with a rule around every cell (each rule its own line, as word processors
    do) and return the y (mm) of its bottom edge. With ``bold_header`` the first row is bold."""
    total = sum(widths)
    for r, row in enumerate(rows):
        top = y + r * row_height
        pdf.set_font(font, style="B" if r == 0 and bold_header else "", size=size)
        left = x
        for width, text in zip(widths, row, strict=True):
            if text:
                pdf.text(left + 1.5, top + row_height - 2.5, text)
            left += width
    pdf.set_line_width(0.3)
    bottom = y + len(rows) * row_height
    for r in range(len(rows) + 1):
        pdf.line(x, y + r * row_height, x + total, y + r * row_height)
    left = x
    for width in (0, *widths):
        left += width
        pdf.line(left, y, left, bottom)
    return bottom


def japanese_font() -> tuple[Path, int] | None:
    """A font file with Japanese glyphs and the number of its Japanese face, chosen by name
    (``Noto Sans CJK JP`` in a collection): ``$WORKBENCH_PDF_FONT`` when it is one, else what
    fontconfig lists (``fc-list :lang=ja file``; scripts/ensure-fonts.sh installs IPA Gothic
    when there is none), IPA Gothic and Noto Sans CJK first."""
    from workbench.core.documents.fonts import FONT_ENV, japanese_face

    try:
        out = subprocess.run(
            ["fc-list", ":lang=ja", "file"], capture_output=True, text=True, timeout=10
        ).stdout
    except (OSError, subprocess.SubprocessError):
        out = ""
    files = sorted({line.split(":")[0].strip() for line in out.splitlines() if line.strip()})
    files.sort(key=lambda f: (not re.search(r"ipag\.ttf|notosanscjk|ipagothic", f, re.I), f))
    configured = os.environ.get(FONT_ENV, "").strip()
    for name in ([configured] if configured else []) + files:
        path = Path(name)
        if path.suffix.lower() in (".ttf", ".otf", ".ttc", ".otc") and path.is_file():
            index = japanese_face(str(path))
            if index is not None:
                return path, index
    return None


def add_japanese_font(pdf: FPDF, family: str) -> bool:
    """Register ``japanese_font()`` as ``family``, so that its text reads back whichever kind
    of font it is (see ``output``); False when there is none."""
    from workbench.core.documents.fonts import use_cid_codes

    found = japanese_font()
    if found is None:
        return False
    path, index = found
    pdf.add_font(family, fname=str(path), collection_font_number=index)
    use_cid_codes(pdf.fonts[family.lower()])
    return True


def output(pdf: FPDF, path: Path) -> Path:
    """Write ``pdf`` as the workbench writes its documents: a CID-keyed CFF font (Noto Sans
    CJK) encoded /Identity-H, which every reader decodes."""
    from workbench.core.documents.fonts import IdentityOutputProducer

    pdf.output(str(path), output_producer_class=IdentityOutputProducer)
    return path


def bomb_pdf(path: Path, unpacked_mb: int = 700) -> Path:
    """A one-page PDF whose content stream is a small zlib stream of hundreds of MB."""
    compressor = zlib.compressobj(9)
    chunk = b"0 0 m " * (1024 * 1024 // 6)
    body = b"".join(compressor.compress(chunk) for _ in range(unpacked_mb)) + compressor.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length " + str(len(body)).encode() + b" /Filter /FlateDecode >>\nstream\n"
        + body + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n"
            "%%EOF\n").encode()
    path.write_bytes(bytes(out))
    return path
