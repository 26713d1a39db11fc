"""Untrusted PDFs are read in a child process with a time limit and a memory cap."""

from __future__ import annotations

import json
import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from pathlib import Path

import pytest
from fpdf import FPDF

from coi import sandbox, sandbox_pool
from coi.extracted import ExtractedDocument, ExtractError, Passage
from coi.pdf_open import PdfExtractError
from tests.pdfgen import bomb_pdf


def _simple_pdf(path: Path) -> Path:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 8, "Reports describe arbitrary detention of returnees at the airport.")
    pdf.output(str(path))
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


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return bomb_pdf(tmp_path_factory.mktemp("bomb") / "bomb.pdf")


def test_a_decompression_bomb_is_refused_and_the_caller_survives(
    tmp_path: Path, bomb: Path
) -> None:
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


# --- the document's trip through JSON ----------------------------------------------------------


def test_dates_and_kind_survive_the_json_trip() -> None:
    document = ExtractedDocument(
        pages=[], page_count=None, kind="html",
        metadata={"published": date(2024, 5, 22), "creation_date": datetime(2024, 5, 1, 9, 30),
                  "recognised": {"published": "2024-05-22", "countries": ["AFG"]}},
        passages=[Passage("Text.", None, 1, ("Section 1",), ("detention",))],
    )
    line = sandbox._encode(document)
    back = sandbox._decode(json.loads(line, object_hook=sandbox._json_object)["document"])
    assert back == document


# --- one file, one interpreter: other kinds ----------------------------------------------------


def test_extract_isolated_reads_text_and_html(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("Returnees were questioned at the airport.\n\nSome were detained.\n")
    document = sandbox.extract_isolated("text", text, timeout=60, enrich=False)
    assert document.kind == "text"
    assert "questioned at the airport" in document.text
    page = tmp_path / "page.html"
    page.write_text("<html><head><title>Country update</title></head><body><main>"
                    "<h1>Country update</h1><p>Journalists were arrested in the capital.</p>"
                    "</main></body></html>")
    document = sandbox.extract_isolated("html", page, timeout=60, enrich=False)
    assert document.kind == "html"
    assert "Journalists were arrested" in document.text
    with pytest.raises(ValueError):
        sandbox.extract_isolated("docx", page)


# --- the pool -----------------------------------------------------------------------------------


def _marked_pdf(path: Path, marker: str) -> Path:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 8, f"Report {marker}: returnees were questioned at the airport.")
    pdf.output(str(path))
    return path


def _blocking_path(tmp_path: Path) -> Path:
    """A named pipe nobody writes to: opening it blocks the reader for as long as we like."""
    fifo = tmp_path / "stuck.pdf"
    os.mkfifo(fifo)
    return fifo


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # a zombie (not yet reaped) still answers
    except ProcessLookupError:
        return True
    return False


@pytest.fixture
def files(tmp_path: Path) -> list[tuple[str, Path]]:
    return [(f"M{n:02d}X", _marked_pdf(tmp_path / f"r{n}.pdf", f"M{n:02d}X")) for n in range(8)]


def test_the_pool_reuses_its_workers(files: list[tuple[str, Path]]) -> None:
    with sandbox_pool.SandboxPool(workers=2, timeout=60, enrich=False) as pool:
        started = pool.pids()
        assert len(started) == 2
        for marker, path in files:
            assert marker in pool.extract("pdf", path).text
        assert pool.pids() == started


def test_a_bomb_in_one_job_does_not_affect_the_next(
    bomb: Path, files: list[tuple[str, Path]]
) -> None:
    with sandbox_pool.SandboxPool(workers=1, timeout=60, memory_mb=256, enrich=False) as pool:
        assert "M00X" in pool.extract("pdf", files[0][1]).text
        (before,) = pool.pids()
        with pytest.raises(PdfExtractError, match="more than 256 MB"):
            pool.extract("pdf", bomb)
        # The worker was replaced; the next file is read normally.
        assert "M01X" in pool.extract("pdf", files[1][1]).text
        (after,) = pool.pids()
        assert after != before and _gone(before)


def test_a_job_past_its_time_limit_is_stopped_and_the_next_one_runs(
    tmp_path: Path, files: list[tuple[str, Path]]
) -> None:
    stuck = _blocking_path(tmp_path)
    with sandbox_pool.SandboxPool(workers=1, timeout=60, enrich=False) as pool:
        assert "M00X" in pool.extract("pdf", files[0][1]).text
        (before,) = pool.pids()
        with pytest.raises(PdfExtractError, match="took longer than 0.5 seconds"):
            pool.extract("pdf", stuck, timeout=0.5)
        assert _gone(before)
        assert "M01X" in pool.extract("pdf", files[1][1]).text
        with pytest.raises(sandbox.SandboxExtractError, match="text file took longer than 0.5"):
            pool.extract("text", stuck, timeout=0.5)
        assert "M02X" in pool.extract("pdf", files[2][1]).text


def test_a_worker_that_dies_mid_job_is_replaced(
    tmp_path: Path, files: list[tuple[str, Path]]
) -> None:
    stuck = _blocking_path(tmp_path)
    with sandbox_pool.SandboxPool(workers=1, timeout=60, enrich=False) as pool, \
            ThreadPoolExecutor(max_workers=1) as threads:
        assert "M00X" in pool.extract("pdf", files[0][1]).text  # the worker is ready
        (pid,) = pool.pids()
        future = threads.submit(pool.extract, "pdf", stuck)
        time.sleep(0.3)
        assert not future.done()
        os.kill(pid, signal.SIGKILL)
        with pytest.raises(PdfExtractError, match="made the reader fail; it was refused"):
            future.result(timeout=30)
        assert "M01X" in pool.extract("pdf", files[1][1]).text
        assert pool.pids() and pid not in pool.pids()


def test_threads_share_the_pool_and_get_their_own_results(
    files: list[tuple[str, Path]], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"MZ not a pdf")
    with sandbox_pool.SandboxPool(workers=2, timeout=60, enrich=False) as pool:
        with ThreadPoolExecutor(max_workers=4) as threads:
            futures = {threads.submit(pool.extract, "pdf", path): marker
                       for marker, path in files * 2}
            for future, marker in futures.items():
                text = future.result(timeout=60).text
                assert marker in text
                assert all(m not in text for m, _ in files if m != marker)
        results = dict(pool.map([("pdf", p) for _, p in files] + [("pdf", bad)]))
        assert isinstance(results[("pdf", bad)], PdfExtractError)
        assert "not a PDF" in results[("pdf", bad)].message
        for marker, path in files:
            assert marker in results[("pdf", path)].text
        assert len(pool.pids()) == 2


def test_close_leaves_no_child_processes(tmp_path: Path, files: list[tuple[str, Path]]) -> None:
    stuck = _blocking_path(tmp_path)
    pool = sandbox_pool.SandboxPool(workers=2, timeout=60, enrich=False)
    assert "M00X" in pool.extract("pdf", files[0][1]).text
    with ThreadPoolExecutor(max_workers=1) as threads:
        busy = threads.submit(pool.extract, "pdf", stuck)  # one worker is busy when we close
        time.sleep(0.3)
        pids = pool.pids()
        assert len(pids) == 2
        pool.close()
        with pytest.raises(ExtractError):
            busy.result(timeout=30)
    assert all(_gone(pid) for pid in pids)
    assert pool.pids() == set()
    with pytest.raises(RuntimeError, match="closed"):
        pool.extract("pdf", files[1][1])


def test_pool_results_are_enriched(files: list[tuple[str, Path]]) -> None:
    from coi.enrich import enrich
    from coi.pdf_extract import extract_pdf

    path = files[0][1]
    with sandbox_pool.SandboxPool(workers=1, timeout=120) as pool:
        assert pool.extract("pdf", path) == enrich(extract_pdf(path))
