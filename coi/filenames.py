"""Showing file names that came from outside (a folder being ingested, a browser upload).

A file name may hold any character but ``/`` and NUL: an escape sequence that recolours or
clears a terminal (``"\\x1b[31mred.txt"``), a newline or carriage return that forges another
line of output, or a right-to-left override that makes ``evil\\u202etxt.exe`` read as
``evilexe.txt``. ``shown_name`` writes such characters as Python escapes, so a name is shown
(on the command line, in the app, in stored metadata and the audit log) as what it is.
"""

from __future__ import annotations

import unicodedata

#: characters escaped besides the control characters: bidirectional embeddings, overrides
#: and isolates, directional marks, and the Unicode line and paragraph separators
_INVISIBLE = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                       "\u2066\u2067\u2068\u2069\u2028\u2029")
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escaped(ch: str) -> str:
    if ch in _SHORT:
        return _SHORT[ch]
    code = ord(ch)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _needs_escape(ch: str) -> bool:
    return ch in _SHORT or ch in _INVISIBLE or unicodedata.category(ch) in ("Cc", "Cs")


def shown_name(name: str) -> str:
    """``name`` with control characters and bidirectional overrides written as escapes
    (``\\x1b``, ``\\n``, ``\\u202e``); other characters, Japanese included, are kept.
    Backslashes are kept as they are, so that a name already shown is shown unchanged."""
    if not any(_needs_escape(ch) for ch in name):
        return name
    return "".join(_escaped(ch) if _needs_escape(ch) else ch for ch in name)
