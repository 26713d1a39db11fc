"""Record ids that come from outside (addresses, forms, the command line), bounded to what
the id columns can hold: PostgreSQL's ``integer`` is 32-bit and SQLite's is 64-bit, so an id
above 2,147,483,647 can name no record on either and must not reach a query (SQLite raises
OverflowError for ids beyond 64 bits)."""

from __future__ import annotations

MAX_ID = 2_147_483_647  # the largest PostgreSQL ``integer``, hence the largest id

#: a longer digit string is out of range without being converted (Python refuses to convert
#: strings of more than 4,300 digits)
_MAX_DIGITS = len(str(MAX_ID))


def in_range(value: int) -> bool:
    """Whether ``value`` can be the id of a stored record."""
    return 1 <= value <= MAX_ID


def is_number(raw: str | None) -> bool:
    """Whether ``raw`` is a whole number written in ASCII digits (``"²"`` is not)."""
    return bool(raw) and raw.isascii() and raw.isdigit()


def parse_id(raw: str) -> int | None:
    """The id written in ``raw`` (ASCII digits, as in ``?case=ID``), or ``None`` when it is
    one no record can have (zero, or beyond ``MAX_ID``; never converted when very long)."""
    if not is_number(raw):
        raise ValueError("an id is written in digits")
    digits = raw.lstrip("0")
    if not digits or len(digits) > _MAX_DIGITS or not in_range(int(digits)):
        return None
    return int(digits)


def check_id(value: int, message: str) -> None:
    """Refuse with ``NotFound(message)`` an id that no record can have, before it reaches a
    query."""
    if not in_range(value):
        from workbench.core.errors import NotFound

        raise NotFound(message)
