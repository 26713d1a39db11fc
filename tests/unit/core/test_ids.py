"""Ids from addresses bounded to what the id columns hold."""

from __future__ import annotations

import pytest

from workbench.core.errors import NotFound
from workbench.core.ids import MAX_ID, check_id, in_range, is_number, parse_id


@pytest.mark.parametrize(("raw", "expected"), [
    ("1", 1), ("0042", 42), (str(MAX_ID), MAX_ID), (str(MAX_ID + 1), None), ("0", None),
    ("000", None), ("99999999999999999999", None), ("9" * 5000, None),
])
def test_parse_id_bounds_ids_to_the_column_range(raw: str, expected: int | None) -> None:
    assert parse_id(raw) == expected


@pytest.mark.parametrize("raw", ["", None, "12a", "-1", "²", "١٢", " 12", "1.5"])
def test_what_is_not_written_in_ascii_digits_is_no_id(raw: str | None) -> None:
    assert not is_number(raw)
    if raw is not None:
        with pytest.raises(ValueError):
            parse_id(raw)


def test_check_id_refuses_ids_no_record_can_have() -> None:
    check_id(MAX_ID, "unused")
    assert in_range(1) and not in_range(0) and not in_range(MAX_ID + 1)
    with pytest.raises(NotFound, match="No case with id"):
        check_id(10**20, "No case with id 100000000000000000000.")
