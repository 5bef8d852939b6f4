import datetime
from decimal import Decimal

import pytest

from fabrique.templatetags.french import euros, file_size, french_date, french_datetime, french_number, yes_no


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime.date(2026, 3, 12), "12 mars 2026"),
        (datetime.date(2026, 3, 1), "1er mars 2026"),
        (datetime.date(2025, 8, 31), "31 août 2025"),
        (datetime.datetime(2026, 1, 31, 23, 30, tzinfo=datetime.UTC), "1er février 2026"),
        (None, ""),
    ],
    ids=["a day", "the first of the month", "a month with an accent", "a datetime in local time", "nothing"],
)
def test_dates_are_written_in_french(value, expected):
    assert french_date(value) == expected


def test_a_datetime_is_written_in_local_time_with_hours_and_minutes_that_never_split():
    written = french_datetime(datetime.datetime(2026, 7, 14, 7, 5, tzinfo=datetime.UTC))

    assert written == "14 juillet 2026 à\u00a09\u00a0h\u00a005"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "0"),
        (999, "999"),
        (1234, "1\u202f234"),
        (Decimal("1234.50"), "1\u202f234,5"),
        (1234567.25, "1\u202f234\u202f567,25"),
        (Decimal("2.00"), "2"),
        (-4300, "-4\u202f300"),
        (None, ""),
    ],
)
def test_numbers_are_written_in_french(value, expected):
    assert french_number(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (15000, "15\u202f000\u00a0€"),
        (Decimal("1234.50"), "1\u202f234,5\u00a0€"),
        (0, "0\u00a0€"),
        (None, ""),
    ],
    ids=["a round amount", "an amount with cents", "zero", "nothing"],
)
def test_amounts_are_written_in_euros(value, expected):
    assert euros(value) == expected


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        (1, "1 octet"),
        (12, "12 octets"),
        (3482, "3,4\u00a0Ko"),
        (2 * 1024 * 1024 + 100 * 1024, "2,1\u00a0Mo"),
        (5 * 1024**4, "5\u202f120\u00a0Go"),
    ],
    ids=["one byte", "a few bytes", "kilobytes", "megabytes", "beyond gigabytes, still in gigabytes"],
)
def test_file_sizes_are_written_in_french_units(size, expected):
    assert file_size(size) == expected


def test_a_boolean_is_written_oui_or_non():
    assert (yes_no(True), yes_no(False), yes_no(None)) == ("Oui", "Non", "Non")
