"""The app's one date and time input: what it reads, what it refuses, how it shows a value."""

from datetime import UTC, date, datetime, time

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import Form

from onboarding.fields import (
    DATE_HINT,
    FrenchDateField,
    FrenchDateTimeField,
    FrenchTimeField,
    parse_date,
    parse_time,
)

DECEMBER_1 = date(2026, 12, 1)


@pytest.mark.parametrize(
    "typed", ["01/12/2026", "1/12/2026", "01/12/2026 ", " 1/12/2026", "2026-12-01"]
)
def test_french_and_iso_spellings_read_the_same_day(typed):
    assert parse_date(typed) == DECEMBER_1


@pytest.mark.parametrize(
    "typed",
    [
        "31/02/2026",  # no such day
        "12/31/2026",  # the American order: never swapped into a French one
        "demain",
        "01/12/26",  # a two-digit year would be read as year 26
        "2026/12/01",
        "01-12-2026",
        "01.12.2026",
        "20261201",
        "1er décembre 2026",
        "2026-12-1",
        "01/12/2026/",
        "01/12/0026",  # a four-digit year out of the range people mean
        "01/12/9999",
        "",
    ],
)
def test_anything_else_is_refused_with_the_expected_format(typed):
    with pytest.raises(ValueError, match="JJ/MM/AAAA"):
        parse_date(typed)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("07:30", time(7, 30)), ("7:30", time(7, 30)), ("7h30", time(7, 30)),
     ("7 h 30", time(7, 30)), ("14h", time(14, 0)), ("23:59", time(23, 59))],
)  # fmt: skip
def test_times_read_as_hours_and_minutes(typed, expected):
    assert parse_time(typed) == expected


@pytest.mark.parametrize("typed", ["24:00", "7:60", "07:30:00", "7.30", "midi", "730", ""])
def test_other_times_are_refused_with_the_expected_format(typed):
    with pytest.raises(ValueError, match="HH:MM"):
        parse_time(typed)


class _Form(Form):
    day = FrenchDateField("Jour")
    at = FrenchTimeField("Heure")
    moment = FrenchDateTimeField("Moment")


def test_a_form_shows_its_values_the_french_way_and_says_the_format():
    moment = datetime(2026, 12, 1, 13, 5, tzinfo=UTC)
    form = _Form(data={"day": DECEMBER_1, "at": time(9, 5), "moment": moment})
    html = form.day()
    assert 'type="text"' in html
    assert 'value="01/12/2026"' in html
    assert DATE_HINT in html
    assert 'aria-describedby="day-format"' in html
    assert 'id="day-format"' in html
    assert 'value="09:05"' in form.at()
    # 13:05 UTC is 14:05 in Paris in December.
    assert 'value="01/12/2026 14:05"' in form.moment()


def test_a_refused_value_is_shown_as_typed_with_the_message():
    form = _Form(MultiDict({"day": "12/31/2026", "at": "25:00", "moment": "01/12/2026 14:05"}))
    assert not form.validate()
    assert form.day.data is None
    assert 'value="12/31/2026"' in form.day()
    assert form.day.errors == ["Date invalide : utilisez le format JJ/MM/AAAA (ex. 01/12/2026)."]
    assert form.at.errors
    assert form.at.data is None
    assert form.moment.data == datetime(2026, 12, 1, 13, 5, tzinfo=UTC)


def test_an_empty_input_is_no_value():
    form = _Form(MultiDict({"day": "  ", "at": "", "moment": ""}))
    assert form.validate()
    assert (form.day.data, form.at.data, form.moment.data) == (None, None, None)
