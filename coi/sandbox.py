"""Parsing untrusted PDFs in a separate process with a time limit and a memory cap.

PDF parsers have had denial-of-service bugs, and nested compressed streams can expand a
small file enormously. ``extract_pdf_isolated`` runs ``coi.pdf_extract.extract_pdf`` in a
fresh interpreter (``python -m coi.sandbox PATH MB``) that caps its own address space
(``RLIMIT_AS``) before reading and is killed when it runs past its time limit. Whatever goes
wrong there comes back as a ``PdfExtractError`` with a plain message; the calling process
(a Streamlit server with its threads, a CLI worker) is never forked and is unaffected.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

from coi.pdf_extract import (
    ExtractedDocument,
    ExtractedPage,
    Passage,
    PdfExtractError,
    extract_pdf,
)

DEFAULT_TIMEOUT_SECONDS = 120.0
DEFAULT_MEMORY_MB = 1024


def _address_space_in_use() -> int:
    """Bytes of address space this process already maps (0 where /proc is missing)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _encode(document: ExtractedDocument) -> str:
    data = asdict(document)
    data["metadata"] = {k: (v.isoformat() if isinstance(v, datetime) else v)
                        for k, v in document.metadata.items()}
    return json.dumps({"status": "ok", "document": data})


def _decode(data: dict) -> ExtractedDocument:
    metadata = {}
    for key, value in data["metadata"].items():
        if isinstance(value, str) and key.endswith("date"):
            try:
                value = datetime.fromisoformat(value)
            except ValueError:
                pass
        metadata[key] = value
    return ExtractedDocument(
        pages=[ExtractedPage(**p) for p in data["pages"]],
        page_count=data["page_count"],
        metadata=metadata,
        passages=[Passage(p["text"], p["page"], p["paragraph"], tuple(p["heading_path"]),
                         tuple(p.get("topics", ())))
                  for p in data["passages"]],
    )


def extract_pdf_isolated(path: Path, *, timeout: float = DEFAULT_TIMEOUT_SECONDS,
                         memory_mb: int = DEFAULT_MEMORY_MB) -> ExtractedDocument:
    """``extract_pdf`` in a child process limited to ``timeout`` seconds and ``memory_mb``
    of memory beyond what a fresh interpreter needs."""
    command = [sys.executable, "-m", "coi.sandbox", str(Path(path).resolve()), str(memory_mb)]
    try:
        result = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise PdfExtractError(
            f"Reading the PDF took longer than {timeout:g} seconds and was stopped; the "
            "file may be malformed or built to exhaust the reader.") from None
    try:
        answer = json.loads(result.stdout or b"{}")
    except json.JSONDecodeError:
        answer = {}
    status = answer.get("status")
    if status == "ok":
        return _decode(answer["document"])
    if status == "error":
        raise PdfExtractError(answer["message"])
    if status == "memory" or result.returncode != 0:
        raise PdfExtractError(
            f"The PDF needs more than {memory_mb} MB to read (for example a compressed stream "
            "that unpacks to an enormous size) or made the reader fail; it was refused.")
    raise PdfExtractError("The PDF reader gave no answer; the file was refused.")


def _main(argv: list[str]) -> int:
    path, memory_mb = Path(argv[0]), int(argv[1])
    limit = _address_space_in_use() + memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        sys.stdout.write(_encode(extract_pdf(path)))
    except PdfExtractError as exc:
        sys.stdout.write(json.dumps({"status": "error", "message": str(exc)}))
    except MemoryError:
        sys.stdout.write(json.dumps({"status": "memory"}))
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
