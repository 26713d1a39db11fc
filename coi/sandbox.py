"""Parsing untrusted PDFs in a separate process with a time limit and a memory cap.

PDF parsers have had denial-of-service bugs, and nested compressed streams can expand a
small file enormously. ``extract_pdf_isolated`` runs ``coi.pdf_extract.extract_pdf`` in a
child process whose address space is capped (``RLIMIT_AS``) and which is killed when it runs
past its time limit; whatever goes wrong in the child comes back as a ``PdfExtractError``
with a plain message, and the calling process is unaffected.
"""

from __future__ import annotations

import multiprocessing
import resource
from pathlib import Path

from coi.pdf_extract import ExtractedDocument, PdfExtractError, extract_pdf

DEFAULT_TIMEOUT_SECONDS = 120.0
DEFAULT_MEMORY_MB = 1024


def _child(path: str, memory_mb: int, conn) -> None:  # noqa: ANN001
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        conn.send(("ok", extract_pdf(Path(path))))
    except PdfExtractError as exc:
        conn.send(("error", str(exc)))
    except MemoryError:
        conn.send(("memory", None))
    except Exception as exc:  # noqa: BLE001
        conn.send(("crash", type(exc).__name__))
    finally:
        conn.close()


def extract_pdf_isolated(path: Path, *, timeout: float = DEFAULT_TIMEOUT_SECONDS,
                         memory_mb: int = DEFAULT_MEMORY_MB) -> ExtractedDocument:
    """``extract_pdf`` in a child process limited to ``timeout`` seconds and ``memory_mb``."""
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(str(path), memory_mb, sender), daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise PdfExtractError(
                f"Reading the PDF took longer than {timeout:g} seconds and was stopped; the "
                "file may be malformed or built to exhaust the reader.")
        try:
            status, payload = receiver.recv()
        except EOFError:
            raise PdfExtractError(
                f"The PDF reader stopped without an answer (it may have needed more than "
                f"{memory_mb} MB); the file may be malformed or built to exhaust the "
                "reader.") from None
    finally:
        if process.is_alive():
            process.kill()
        process.join(5)
        receiver.close()
    if status == "ok":
        return payload
    if status == "error":
        raise PdfExtractError(payload)
    if status == "memory":
        raise PdfExtractError(
            f"The PDF needs more than {memory_mb} MB to read (for example a compressed stream "
            "that unpacks to an enormous size) and was refused.")
    raise PdfExtractError(f"The PDF could not be read ({payload}).")
