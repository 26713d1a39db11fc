"""End-to-end COI ingestion speed (issue 4) against ``pdftotext`` on the same files.

Ingestion here is everything a document goes through: sandboxed extraction (pypdfium2,
columns, running lines, tables), passages, topic tags and recognised metadata (in the
worker processes), then the database rows, the full-text index and the audit entry, and the
library's own copy of the file. The reference is poppler's ``pdftotext`` extracting the same
files, run in the same session with the same number of parallel processes.

    .venv/bin/python benchmarks/bench_coi_ingest.py --runs 3
    .venv/bin/python benchmarks/bench_coi_ingest.py --pdf-dir ../shared/coi-samples/pdf --copies 4

Each run ingests ``--copies`` copies of every sample (each copy made unique by appending a
PDF comment, so none is recognised as a duplicate) into a fresh SQLite database.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pypdfium2 as pdfium

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import fresh_sqlite, machine  # noqa: E402
from workbench.core.actor import Actor  # noqa: E402
from workbench.core.settings import Settings  # noqa: E402
from workbench.library.ingestion import ingest_files  # noqa: E402

DEFAULT_PDFS = Path(__file__).resolve().parents[2] / "shared" / "coi-samples" / "pdf"


def pages_of(path: Path) -> int:
    doc = pdfium.PdfDocument(str(path))
    try:
        return len(doc)
    finally:
        doc.close()


def unique_copies(sources: list[Path], copies: int, target: Path) -> list[Path]:
    out = []
    for n in range(copies):
        for src in sources:
            dst = target / f"{src.stem}-{n}.pdf"
            shutil.copy(src, dst)
            with dst.open("ab") as fh:
                fh.write(f"\n% copy {n}\n".encode())
            out.append(dst)
    return out


def run_pdftotext(files: list[Path], workers: int) -> float:
    def one(path: Path) -> None:
        subprocess.run(["pdftotext", "-layout", str(path), os.devnull], check=True,
                       capture_output=True)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(one, files))
    return time.perf_counter() - started


def run_ingest(files: list[Path], workers: int, scratch: Path) -> tuple[float, list]:
    engine, _ = fresh_sqlite(scratch / "db")
    settings = Settings(data_dir=scratch, coi_store_dir=scratch / "store", coi_workers=workers)
    started = time.perf_counter()
    outcomes = ingest_files(engine, actor=Actor.system("bench"), paths=files,
                            settings=settings, workers=workers)
    seconds = time.perf_counter() - started
    engine.dispose()
    return seconds, outcomes


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pdf-dir", type=Path, default=DEFAULT_PDFS)
    parser.add_argument("--copies", type=int, default=3)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    if not args.pdf_dir.is_dir():
        sys.exit(f"no sample PDFs at {args.pdf_dir}")
    if shutil.which("pdftotext") is None:
        sys.exit("pdftotext (poppler-utils) is not installed")
    sources = sorted(args.pdf_dir.glob("*.pdf"))
    print(f"machine: {machine()}; workers: {args.workers}")
    ours, ref = [], []
    with tempfile.TemporaryDirectory(prefix="wb-ingest-") as tmp:
        files = unique_copies(sources, args.copies, Path(tmp))
        pages = sum(pages_of(f) for f in files)
        print(f"{len(files)} files, {pages} pages")
        for run in range(args.runs):
            scratch = Path(tmp) / f"run{run}"
            scratch.mkdir()
            (scratch / "db").mkdir()
            ref_s = run_pdftotext(files, args.workers)
            our_s, outcomes = run_ingest(files, args.workers, scratch)
            failed = [o for o in outcomes if o.status != "added"]
            if failed:
                sys.exit(f"ingestion failed: {failed[0].path}: {failed[0].message}")
            passages = sum(o.passages for o in outcomes)
            ours.append(pages / our_s)
            ref.append(pages / ref_s)
            print(f"run {run + 1}: ingest {pages / our_s:.1f} pages/s ({our_s:.1f} s, "
                  f"{passages} passages); pdftotext {pages / ref_s:.1f} pages/s "
                  f"({ref_s:.1f} s)")
    ratio = statistics.median(o / r for o, r in zip(ours, ref, strict=True))
    print(f"median: ingest {statistics.median(ours):.1f} pages/s, pdftotext "
          f"{statistics.median(ref):.1f} pages/s, ratio {ratio:.2f} (target >= 0.33)")


if __name__ == "__main__":
    main()
