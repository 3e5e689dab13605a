"""The legal clocks of the agrément, as plain date arithmetic (each cites its article of the
Code de l'action sociale et des familles)."""

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

# L421-6: without an answer within 3 months of the complete dossier, the agrément is deemed granted.
DECISION_MONTHS = 3
# Décret 2018-903, D421-44: part 1 (80 h) within 6 months of the complete dossier (8 in some
# départements).
TRAINING_PART1_MONTHS = 6
TRAINING_PART1_MONTHS_EXTENDED = 8
# Part 2 (40 h) within 3 years of the first child's arrival.
TRAINING_PART2_YEARS = 3
# D421-12: 5 years; a renewal lasts 10 years when units EP1 and EP3 of the CAP AEPE are held.
VALIDITY_YEARS = 5
RENEWAL_WITH_CAP_UNITS_YEARS = 10
# The département sends the renewal form at least 4 months before expiry.
RENEWAL_NOTICE_MONTHS = 4
# A refusal may be challenged by a recours gracieux within 2 months.
APPEAL_MONTHS = 2
# Product rule: a deadline within this many days is shown as near.
NEAR_DAYS = 30


def decision_due(dossier_complete_on: date) -> date:
    """The day the agrément is deemed granted if the département has not answered."""
    return dossier_complete_on + relativedelta(months=DECISION_MONTHS)


def training_part1_due(dossier_complete_on: date, *, extended: bool = False) -> date:
    months = TRAINING_PART1_MONTHS_EXTENDED if extended else TRAINING_PART1_MONTHS
    return dossier_complete_on + relativedelta(months=months)


def training_part2_due(first_child_on: date) -> date:
    return first_child_on + relativedelta(years=TRAINING_PART2_YEARS)


def validity_years(*, is_renewal: bool, has_cap_aepe_units: bool) -> int:
    if is_renewal and has_cap_aepe_units:
        return RENEWAL_WITH_CAP_UNITS_YEARS
    return VALIDITY_YEARS


def agrement_expiry(decided_on: date, *, is_renewal: bool, has_cap_aepe_units: bool) -> date:
    years = validity_years(is_renewal=is_renewal, has_cap_aepe_units=has_cap_aepe_units)
    # The eve of the anniversary, taken before adding the years so that an agrément of 29 February
    # runs to 28 February (adding first would clip to 28 February, then step back to the 27th).
    return decided_on - relativedelta(days=1) + relativedelta(years=years)


def renewal_notice(expires_on: date) -> date:
    return expires_on - relativedelta(months=RENEWAL_NOTICE_MONTHS)


def appeal_deadline(refused_on: date) -> date:
    return refused_on + relativedelta(months=APPEAL_MONTHS)


@dataclass(frozen=True)
class Deadline:
    code: str
    label: str
    due_on: date
    met_on: date | None = None
    # A right that simply ends on its date (the appeal): once past it is "closed", not overdue.
    lapses: bool = False

    def state(self, today: date) -> str:
        """ "met", "overdue", "closed" (a lapsed right), "near" (within NEAR_DAYS) or "later"."""
        if self.met_on is not None:
            return "met"
        if today > self.due_on and self.lapses:
            return "closed"
        if today > self.due_on:
            return "overdue"
        if (self.due_on - today).days <= NEAR_DAYS:
            return "near"
        return "later"
