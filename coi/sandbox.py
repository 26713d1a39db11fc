"""Reading untrusted files in separate processes with a time limit and a memory cap.

PDF parsers have had denial-of-service bugs, and nested compressed streams can expand a
small file enormously. Extraction therefore never runs in the calling process (a Streamlit
server with its threads, a CLI worker): it runs in a child interpreter that caps its own
address space (``RLIMIT_AS``) and is killed when it runs past its time limit. Whatever goes
wrong there comes back as an :class:`~coi.extracted.ExtractError` with a plain message
(:class:`~coi.pdf_open.PdfExtractError` for PDFs).

Two ways in:

* ``extract_isolated(kind, path)`` (and the older ``extract_pdf_isolated(path)``) start a
  fresh interpreter for one file (``python -m coi.sandbox PATH MB KIND``). Simple, but
  starting Python and importing the readers costs a few tenths of a second per file (more
  with ``coi.enrich``'s language tools).
* :class:`~coi.sandbox_pool.SandboxPool` keeps long-lived workers (``python -m coi.sandbox
  --serve MB``) that import everything once, cap their memory, then read one JSON job per
  line on stdin (``{"kind": "pdf"|"html"|"text", "path": ...}``) and answer with one JSON
  line on stdout.
  A job that runs too long gets its worker killed; a worker that runs out of memory, dies
  or answers nonsense is replaced, and so is one that hit an unexpected error. Workers
  also exit on their own when the pool's process goes away (end of stdin, or parent gone).

Each worker runs the reader for the job's kind (``coi.pdf_extract.extract_pdf``,
``coi.html_extract.extract_html``, ``coi.text_extract.extract_text``), then
``coi.enrich.enrich`` on the result, so that bulk ingestion uses every core for both.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Iterable
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path

from coi.extracted import ExtractedDocument, ExtractedPage, ExtractError, Passage
from coi.pdf_open import PdfExtractError

__all__ = [
    "DEFAULT_MEMORY_MB",
    "DEFAULT_TIMEOUT_SECONDS",
    "KINDS",
    "SandboxExtractError",
    "extract_isolated",
    "extract_pdf_isolated",
]

DEFAULT_TIMEOUT_SECONDS = 120.0
DEFAULT_MEMORY_MB = 1024
KINDS = ("pdf", "html", "text")

_NOUN = {"pdf": "PDF", "html": "web page", "text": "text file"}


class SandboxExtractError(ExtractError):
    """An HTML or text file refused by the isolated reader (PDFs get ``PdfExtractError``)."""


def _error(kind: str, message: str) -> ExtractError:
    return PdfExtractError(message) if kind == "pdf" else SandboxExtractError(message)


def _timeout_message(kind: str, timeout: float) -> str:
    return (f"Reading the {_NOUN[kind]} took longer than {timeout:g} seconds and was stopped; "
            "the file may be malformed or built to exhaust the reader.")


def _memory_message(kind: str, memory_mb: int) -> str:
    example = (" (for example a compressed stream that unpacks to an enormous size)"
               if kind == "pdf" else "")
    return (f"The {_NOUN[kind]} needs more than {memory_mb} MB to read{example} or made the "
            "reader fail; it was refused.")


def _no_answer_message(kind: str) -> str:
    return f"The {_NOUN[kind]} reader gave no answer; the file was refused."


# ---------------------------------------------------------------------------------------------
# Documents as JSON (dates tagged so that they come back as the same type)


def _json_default(value: object) -> object:
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    raise TypeError(f"cannot encode {type(value).__name__}")


def _json_object(obj: dict) -> object:
    if len(obj) == 1:
        if "$datetime" in obj:
            return datetime.fromisoformat(obj["$datetime"])
        if "$date" in obj:
            return date.fromisoformat(obj["$date"])
    return obj


def _encode(document: ExtractedDocument) -> str:
    return json.dumps({"status": "ok", "document": asdict(document)},
                      default=_json_default, ensure_ascii=False)


def _decode(data: dict) -> ExtractedDocument:
    return ExtractedDocument(
        pages=[ExtractedPage(**p) for p in data["pages"]],
        page_count=data["page_count"],
        metadata=dict(data["metadata"]),
        passages=[Passage(p["text"], p["page"], p["paragraph"], tuple(p["heading_path"]),
                          tuple(p.get("topics", ())), p.get("index_text", ""))
                  for p in data["passages"]],
        kind=data.get("kind", "pdf"),
    )


def _interpret(answer: dict | None, kind: str, memory_mb: int, died: bool) -> ExtractedDocument:
    """The document in a worker's answer, or the ExtractError it stands for."""
    status = answer.get("status") if isinstance(answer, dict) else None
    if status == "ok":
        try:
            return _decode(answer["document"])  # type: ignore[index]
        except (KeyError, TypeError, ValueError):
            raise _error(kind, _no_answer_message(kind)) from None
    if status == "error":
        raise _error(kind, str(answer.get("message")))  # type: ignore[union-attr]
    if status == "failed":
        raise _error(kind, f"The {_NOUN[kind]} made the reader fail unexpectedly "
                           f"({answer.get('error', 'error')}); it was refused.")  # type: ignore[union-attr]
    if status == "memory" or died:
        raise _error(kind, _memory_message(kind, memory_mb))
    raise _error(kind, _no_answer_message(kind))


# ---------------------------------------------------------------------------------------------
# The worker side (runs in the child interpreter)


def _address_space_in_use() -> int:
    """Bytes of address space this process already maps (0 where /proc is missing)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _limit_memory(memory_mb: int) -> None:
    limit = _address_space_in_use() + memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _reader(kind: str):  # noqa: ANN202 - a callable Path -> ExtractedDocument
    """The extractor for ``kind``, imported on first use (html and text readers are separate
    modules that may be absent in a partial checkout)."""
    if kind == "pdf":
        from coi.pdf_extract import extract_pdf

        return extract_pdf
    if kind == "html":
        from coi.html_extract import extract_html

        return extract_html
    if kind == "text":
        from coi.text_extract import extract_text

        return extract_text
    raise ValueError(f"unknown kind {kind!r}")


def _warm_up(kinds: Iterable[str], enrich: bool, tables: bool) -> None:
    """Import the readers (and let ``enrich`` load its data) before memory is capped, so
    that the cap measures what a file needs, not what the tools need. ``tables``: also
    pdfplumber, which ``pdf_tables`` imports only for pages with a ruled table."""
    for kind in kinds:
        try:
            _reader(kind)
        except Exception:  # noqa: BLE001 - reported when a job of that kind arrives
            pass
    if tables:
        try:
            import pdfplumber  # noqa: F401 - tables; imported lazily by pdf_tables
        except Exception:  # noqa: BLE001
            pass
    if enrich:
        try:
            from coi.enrich import enrich as run_enrich

            run_enrich(ExtractedDocument(
                pages=[], page_count=None, kind="text",
                passages=[Passage("Reports on the situation in Afghanistan in 2024.", None, 1),
                          # loads the Japanese analyser's dictionary (coi.cjk) before the cap
                          Passage("難民認定申請の状況について", None, 2)],
            ))
        except Exception:  # noqa: BLE001 - reported when a job arrives
            pass


def _answer(job: dict, enrich: bool) -> tuple[str, bool]:
    """(JSON answer line, whether the worker must stop) for one job."""
    try:
        kind = job["kind"]
        document = _reader(kind)(Path(job["path"]))
        if enrich:
            from coi.enrich import enrich as run_enrich

            document = run_enrich(document)
        return _encode(document), False
    except ExtractError as exc:
        return json.dumps({"status": "error", "message": exc.message}, ensure_ascii=False), False
    except MemoryError:
        return '{"status": "memory"}', True
    except Exception as exc:  # noqa: BLE001 - any reader bug becomes a refusal
        return json.dumps({"status": "failed", "error": type(exc).__name__}), True


def _protocol_stdout() -> int:
    """A private copy of stdout for answers; fd 1 then points at stderr, so that stray
    prints (from Python or C libraries) cannot corrupt the protocol."""
    out = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return out


def _write_line(fd: int, text: str) -> None:
    data = text.encode("utf-8", "replace") + b"\n"
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _watch_parent() -> None:
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _serve(memory_mb: int, enrich: bool) -> int:
    out = _protocol_stdout()
    _watch_parent()
    _warm_up(KINDS, enrich, tables=True)
    _limit_memory(memory_mb)
    _write_line(out, json.dumps({"status": "ready", "pid": os.getpid()}))
    for raw in sys.stdin.buffer:
        if not raw.strip():
            continue
        try:
            job = json.loads(raw)
        except ValueError:
            _write_line(out, json.dumps({"status": "failed", "error": "bad job"}))
            return 2
        try:
            line, stop = _answer(job, enrich)
            _write_line(out, line)
        except MemoryError:
            try:
                _write_line(out, '{"status": "memory"}')
            finally:
                os._exit(3)
        if stop:
            return 3
    return 0


def _main(argv: list[str]) -> int:
    enrich = "--no-enrich" not in argv
    args = [a for a in argv if a != "--no-enrich"]
    if args and args[0] == "--serve":
        return _serve(int(args[1]), enrich)
    path, memory_mb = Path(args[0]), int(args[1])
    kind = args[2] if len(args) > 2 else "pdf"
    out = _protocol_stdout()
    _warm_up([kind], enrich, tables=False)
    _limit_memory(memory_mb)
    try:
        line, stop = _answer({"kind": kind, "path": str(path)}, enrich)
        _write_line(out, line)
    except MemoryError:
        _write_line(out, '{"status": "memory"}')
        return 3
    return 3 if stop else 0


# ---------------------------------------------------------------------------------------------
# One file, one fresh interpreter


def _command(*args: str, enrich: bool) -> list[str]:
    return [sys.executable, "-m", "coi.sandbox", *args, *([] if enrich else ["--no-enrich"])]


def extract_isolated(kind: str, path: Path, *, timeout: float = DEFAULT_TIMEOUT_SECONDS,
                     memory_mb: int = DEFAULT_MEMORY_MB, enrich: bool = True
                     ) -> ExtractedDocument:
    """Read one file of ``kind`` ("pdf", "html" or "text") in a fresh child process limited to
    ``timeout`` seconds (start-up included) and ``memory_mb`` of memory beyond what the
    readers need; with ``enrich``, the result also goes through ``coi.enrich.enrich``."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    command = _command(str(Path(path).resolve()), str(memory_mb), kind, enrich=enrich)
    try:
        result = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise _error(kind, _timeout_message(kind, timeout)) from None
    lines = (result.stdout or b"").splitlines()
    try:
        answer = json.loads(lines[-1], object_hook=_json_object) if lines else None
    except ValueError:
        answer = None
    return _interpret(answer, kind, memory_mb, died=result.returncode != 0)


def extract_pdf_isolated(path: Path, *, timeout: float = DEFAULT_TIMEOUT_SECONDS,
                         memory_mb: int = DEFAULT_MEMORY_MB, enrich: bool = False
                         ) -> ExtractedDocument:
    """``extract_pdf`` in a child process limited to ``timeout`` seconds and ``memory_mb``
    of memory beyond what a fresh interpreter needs (not enriched unless asked)."""
    return extract_isolated("pdf", path, timeout=timeout, memory_mb=memory_mb, enrich=enrich)


# ---------------------------------------------------------------------------------------------
# A pool of long-lived workers


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
