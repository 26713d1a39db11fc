"""Opening a PDF for extraction: the checks that turn an unreadable file into a clear
:class:`PdfExtractError` (not a PDF, truncated, encrypted, corrupt), and the document's
metadata (title, author, dates) read from its information dictionary.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pypdfium2 as pdfium

from coi.extracted import ExtractError


class PdfExtractError(ExtractError):
    """A PDF that cannot be ingested; the message says why."""


def _open(path: Path) -> pdfium.PdfDocument:
    path = Path(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(1024)
    except OSError as exc:
        raise PdfExtractError(f"cannot read {path.name}: {exc.strerror or exc}") from exc
    if not head:
        raise PdfExtractError("the file is empty, not a PDF")
    if b"%PDF-" not in head:
        raise PdfExtractError(
            "not a PDF: the content does not start with a %PDF- header "
            "(whatever the file name says)"
        )
    if _truncated(path):
        raise PdfExtractError(
            "the PDF is truncated: it has no %%EOF end marker (incomplete download or upload?)"
        )
    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        msg = str(exc).lower()
        if "password" in msg or "security" in msg:
            raise PdfExtractError(
                "the PDF is encrypted (password-protected); ask for an unprotected copy"
            ) from exc
        raise PdfExtractError(
            f"the PDF is corrupt or truncated and cannot be opened ({exc})"
        ) from exc


def _truncated(path: Path) -> bool:
    """A complete PDF ends with %%EOF near its end (incremental updates included)."""
    with Path(path).open("rb") as fh:
        fh.seek(0, 2)
        size = fh.tell()
        fh.seek(max(0, size - 8192))
        tail = fh.read()
    return b"%%EOF" not in tail


_PDF_DATE = re.compile(
    r"^D?:?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Zz+\-])?(\d{2})?'?(\d{2})?'?"
)


def _parse_pdf_date(value: str) -> datetime | None:
    m = _PDF_DATE.match(value.strip())
    if not m:
        return None
    year, mon, day, hh, mm, ss, sign, tzh, tzm = m.groups()
    try:
        tz = None
        if sign in ("Z", "z"):
            tz = UTC
        elif sign in ("+", "-"):
            offset = timedelta(hours=int(tzh or 0), minutes=int(tzm or 0))
            tz = timezone(offset if sign == "+" else -offset)
        return datetime(
            int(year), int(mon or 1), int(day or 1), int(hh or 0), int(mm or 0), int(ss or 0),
            tzinfo=tz,
        )
    except ValueError:
        return None


def _metadata(doc: pdfium.PdfDocument) -> dict[str, object]:
    try:
        raw = doc.get_metadata_dict(skip_empty=True)
    except Exception:  # noqa: BLE001 - metadata is optional
        return {}
    out: dict[str, object] = {}
    for key, name in (("Title", "title"), ("Author", "author"), ("Subject", "subject"),
                      ("Creator", "creator"), ("Producer", "producer")):
        if raw.get(key):
            out[name] = str(raw[key]).strip()
    for key, name in (("CreationDate", "creation_date"), ("ModDate", "modification_date")):
        if raw.get(key):
            parsed = _parse_pdf_date(str(raw[key]))
            if parsed is not None:
                out[name] = parsed
    return out
