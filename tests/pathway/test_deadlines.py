"""The legal clocks of the agrément as date arithmetic, month ends included."""

from datetime import date

import pytest
from dateutil.relativedelta import relativedelta

from onboarding.pathway import deadlines
from onboarding.pathway.deadlines import Deadline


@pytest.mark.parametrize(
    ("complete_on", "due"),
    [
        (date(2026, 1, 15), date(2026, 4, 15)),
        # Month-end clipping: there is no 30 February, the clock stops on the last day.
        (date(2025, 11, 30), date(2026, 2, 28)),
        (date(2023, 11, 30), date(2024, 2, 29)),
        (date(2025, 10, 31), date(2026, 1, 31)),
    ],
)
def test_decision_due_three_months_after_the_complete_dossier_L421_6(complete_on, due):
    assert deadlines.decision_due(complete_on) == due


def test_training_part1_due_six_months_after_the_complete_dossier_D421_44():
    assert deadlines.training_part1_due(date(2026, 3, 16)) == date(2026, 9, 16)
    assert deadlines.training_part1_due(date(2025, 8, 31)) == date(2026, 2, 28)


def test_training_part1_due_eight_months_where_extended_D421_44():
    assert deadlines.training_part1_due(date(2026, 3, 16), extended=True) == date(2026, 11, 16)
    assert deadlines.training_part1_due(date(2025, 6, 30), extended=True) == date(2026, 2, 28)


def test_training_part2_due_three_years_after_the_first_child():
    assert deadlines.training_part2_due(date(2026, 3, 16)) == date(2029, 3, 16)
    assert deadlines.training_part2_due(date(2024, 2, 29)) == date(2027, 2, 28)


@pytest.mark.parametrize(
    ("is_renewal", "has_cap", "years", "expiry"),
    [
        (False, False, 5, date(2031, 3, 15)),
        # A first agrément lasts 5 years even with the CAP AEPE units.
        (False, True, 5, date(2031, 3, 15)),
        (True, False, 5, date(2031, 3, 15)),
        (True, True, 10, date(2036, 3, 15)),
    ],
)
def test_agrement_validity_five_years_ten_for_a_renewal_with_cap_units_D421_12(
    is_renewal, has_cap, years, expiry
):
    assert deadlines.validity_years(is_renewal=is_renewal, has_cap_aepe_units=has_cap) == years
    assert (
        deadlines.agrement_expiry(
            date(2026, 3, 16), is_renewal=is_renewal, has_cap_aepe_units=has_cap
        )
        == expiry
    )


def test_agrement_expiry_is_the_eve_of_the_anniversary_across_a_month_start():
    decided = date(2026, 3, 1)
    assert deadlines.agrement_expiry(decided, is_renewal=False, has_cap_aepe_units=False) == date(
        2031, 2, 28
    )


def test_agrement_of_29_february_runs_to_28_february_of_the_fifth_year():
    """The eve of the anniversary: no 29 February in 2029, so the anniversary is 1 March."""
    decided = date(2024, 2, 29)
    assert deadlines.agrement_expiry(decided, is_renewal=False, has_cap_aepe_units=False) == date(
        2029, 2, 28
    )
    assert deadlines.agrement_expiry(decided, is_renewal=True, has_cap_aepe_units=True) == date(
        2034, 2, 28
    )
    leap_eve = date(2028, 3, 1)  # its eve is 29 February 2028
    assert deadlines.agrement_expiry(leap_eve, is_renewal=False, has_cap_aepe_units=False) == date(
        2033, 2, 28
    )


def test_renewal_notice_four_months_before_expiry_D421_12():
    assert deadlines.renewal_notice(date(2031, 3, 15)) == date(2030, 11, 15)
    # 30 June minus 4 months: 28 February (clipped), not 2 March.
    assert deadlines.renewal_notice(date(2031, 6, 30)) == date(2031, 2, 28)


@pytest.mark.parametrize(
    ("refused_on", "limit"),
    [
        (date(2026, 1, 27), date(2026, 3, 27)),
        # 31 December + 2 months: 28 February (the month has no 31st).
        (date(2025, 12, 31), date(2026, 2, 28)),
        (date(2023, 12, 31), date(2024, 2, 29)),
    ],
)
def test_appeal_deadline_two_months_after_the_refusal(refused_on, limit):
    assert deadlines.appeal_deadline(refused_on) == limit


def test_one_month_from_31_january_clips_to_the_end_of_february():
    """The arithmetic under every clock: relativedelta clips instead of overflowing to March."""
    assert date(2026, 1, 31) + relativedelta(months=1) == date(2026, 2, 28)
    assert date(2028, 1, 31) + relativedelta(months=1) == date(2028, 2, 29)
    assert deadlines.decision_due(date(2025, 11, 30)) != date(2026, 3, 2)


# Deadline.state -----------------------------------------------------------------------------

DUE = date(2026, 4, 15)


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (date(2026, 3, 15), "later"),  # 31 days ahead
        (date(2026, 3, 16), "near"),  # 30 days ahead: NEAR_DAYS
        (DUE, "near"),  # due today is not yet overdue
        (date(2026, 4, 16), "overdue"),
    ],
)
def test_deadline_state_later_near_or_overdue(today, state):
    assert Deadline("decision", "Décision PMI", DUE).state(today) == state


def test_a_met_deadline_stays_met_even_when_past():
    deadline = Deadline("decision", "Décision PMI", DUE, met_on=date(2026, 5, 1))
    assert deadline.state(date(2027, 1, 1)) == "met"
