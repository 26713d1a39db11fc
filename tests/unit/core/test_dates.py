"""Dates in Japanese show the era with the Gregorian year; typed dates are read in either form."""

from datetime import date

import pytest

from workbench.core.dates import DateFormatError, format_date, format_year_month, parse_date


@pytest.mark.parametrize(("value", "shown"), [
    (date(2025, 12, 7), "令和7年12月7日 (2025年)"),
    (date(2019, 5, 1), "令和元年5月1日 (2019年)"),
    (date(2019, 4, 30), "平成31年4月30日 (2019年)"),
    (date(1989, 1, 7), "昭和64年1月7日 (1989年)"),
    (date(1989, 1, 8), "平成元年1月8日 (1989年)"),
])
def test_japanese_dates_show_the_era_and_the_gregorian_year(value, shown):
    assert format_date(value, "ja") == shown


def test_english_dates_stay_iso_and_a_missing_date_is_a_dash():
    assert format_date(date(2025, 12, 7), "en") == "2025-12-07"
    assert format_date(None, "ja") == "—"
    assert format_year_month(2025, 12, "ja") == "令和7年12月 (2025年)"
    assert format_year_month(2025, 12, "en") == "2025-12"


@pytest.mark.parametrize("text", [
    "2025-12-07", "2025/12/7", "2025.12.07", "２０２５－１２－０７", "2025年12月7日",
    "令和7年12月7日", "令和７年１２月７日", "令和7年12月7日 (2025年)", "R7.12.7", "r7/12/7",
])
def test_typed_dates_are_read_in_either_form(text):
    assert parse_date(text) == date(2025, 12, 7)


def test_the_first_year_of_an_era_is_read_as_gannen():
    assert parse_date("令和元年5月1日") == date(2019, 5, 1)
    assert parse_date("平成元年1月8日") == date(1989, 1, 8)


@pytest.mark.parametrize("text", [
    "H31/5/1",                   # Heisei had ended on 30 April 2019
    "令和1年4月30日",             # before Reiwa began
    "令和7年2月30日",             # no such day
    "令和7年12月7日 (2024年)",    # the bracketed year contradicts the era year
    "12/7", "yesterday", "",
])
def test_impossible_or_unreadable_dates_are_refused(text):
    with pytest.raises(DateFormatError):
        parse_date(text)


def test_round_trip_through_the_japanese_form():
    for value in (date(1990, 3, 1), date(2019, 4, 30), date(2019, 5, 1), date(2031, 1, 31)):
        assert parse_date(format_date(value, "ja")) == value
