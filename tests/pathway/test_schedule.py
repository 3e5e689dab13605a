"""The weekly grid of 14 half-days as a bitmask, and the atypical needs (product rule)."""

import pytest

from onboarding.pathway.schedule import (
    FULL_WEEK,
    HALF_DAY_LABELS,
    HALF_DAYS,
    NEED_LABELS,
    NEEDS,
    WORKING_WEEK,
    UnknownName,
    count_half_days,
    half_day_mask,
    half_day_names,
    need_names,
    needs_mask,
)


def test_monday_morning_is_bit_0_and_sunday_afternoon_bit_13():
    assert half_day_mask(["mon_am"]) == 1
    assert half_day_mask(["mon_pm"]) == 2
    assert half_day_mask(["sun_pm"]) == 1 << 13
    assert FULL_WEEK == 2**14 - 1 == half_day_mask(HALF_DAYS)
    assert count_half_days(WORKING_WEEK) == 10
    assert half_day_names(WORKING_WEEK)[-1] == "fri_pm"


def test_half_day_names_round_trip_and_labels_in_french():
    names = ["tue_am", "wed_pm", "sat_am"]
    assert half_day_names(half_day_mask(names)) == names
    assert HALF_DAY_LABELS["wed_pm"] == "Mercredi après-midi"
    assert count_half_days(FULL_WEEK | 1 << 14) == 14  # bits beyond the week are ignored


def test_needs_mask_round_trip_and_labels():
    assert needs_mask(["early", "disability"]) == 1 | 1 << 6
    assert need_names(needs_mask(["night", "holidays"])) == ["night", "holidays"]
    assert set(NEED_LABELS) == set(NEEDS)
    assert NEED_LABELS["late"] == "Après 19 h"


def test_unknown_names_refused():
    with pytest.raises(UnknownName):
        half_day_mask(["mon_night"])
    with pytest.raises(UnknownName):
        needs_mask(["weekend"])
