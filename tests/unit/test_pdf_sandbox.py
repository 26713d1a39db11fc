"""Untrusted PDFs are read in a child process with a time limit and a memory cap."""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest
from fpdf import FPDF

from coi import sandbox
from coi.pdf_extract import PdfExtractError


def _simple_pdf(path: Path) -> Path:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 8, "Reports describe arbitrary detention of returnees at the airport.")
    pdf.output(str(path))
    return path


def _bomb_pdf(path: Path, unpacked_mb: int = 700) -> Path:
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


def test_a_normal_pdf_is_read_in_the_child(tmp_path: Path) -> None:
    document = sandbox.extract_pdf_isolated(_simple_pdf(tmp_path / "ok.pdf"), timeout=60)
    assert "arbitrary detention of returnees" in document.text
    assert document.page_count == 1


def test_errors_from_the_reader_keep_their_message(tmp_path: Path) -> None:
    fake = tmp_path / "report.pdf"
    fake.write_bytes(b"MZ\x90\x00 an executable renamed to .pdf")
    with pytest.raises(PdfExtractError, match="not a PDF"):
        sandbox.extract_pdf_isolated(fake, timeout=60)


def test_a_decompression_bomb_is_refused_and_the_caller_survives(tmp_path: Path) -> None:
    bomb = _bomb_pdf(tmp_path / "bomb.pdf")
    assert bomb.stat().st_size < 5 * 1024 * 1024
    with pytest.raises(PdfExtractError, match="more than 256 MB"):
        sandbox.extract_pdf_isolated(bomb, timeout=60, memory_mb=256)
    # The calling process is unharmed and can go on reading other files.
    document = sandbox.extract_pdf_isolated(_simple_pdf(tmp_path / "after.pdf"), timeout=60)
    assert document.page_count == 1


def test_a_reader_that_runs_too_long_is_stopped(tmp_path: Path) -> None:
    with pytest.raises(PdfExtractError, match="took longer than 0.01 seconds"):
        sandbox.extract_pdf_isolated(_simple_pdf(tmp_path / "slow.pdf"), timeout=0.01)


def test_metadata_and_passages_survive_the_trip(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.set_title("Country report")
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 8, "Detention conditions remained harsh.")
    pdf.output(str(tmp_path / "meta.pdf"))
    document = sandbox.extract_pdf_isolated(tmp_path / "meta.pdf", timeout=60)
    assert document.metadata.get("title") == "Country report"
    assert document.passages and document.passages[0].page == 1
    assert isinstance(document.passages[0].heading_path, tuple)
