"""Portable SQL for the indicators (SQLite and PostgreSQL), the shared filters and rates."""

import math
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import (
    Date,
    Integer,
    and_,
    cast,
    func,
    true,
)
from sqlalchemy.orm import Session

from onboarding.pathway.models import (
    Candidate,
    CandidateStatus,
)

S = CandidateStatus
# Product rule: a parent's request is answered in time when its outcome is set within 7 days.
ANSWER_DAYS = 7
COMING_ACTIVITIES_LIMIT = 20
PAST_DEADLINE_LIMIT = 50

Period = tuple[date, date]


# --- portable SQL ------------------------------------------------------------------------------
def dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def days_between(session: Session, later, earlier):
    """Whole days from `earlier` to `later` (dates, or timestamps taken by their UTC date)."""
    if dialect(session) == "postgresql":
        return cast(later, Date) - cast(earlier, Date)
    return cast(func.julianday(_sqlite_day(later)) - func.julianday(_sqlite_day(earlier)), Integer)


def _sqlite_day(column):
    # A DATE is stored as "2026-03-12" already: date() is only needed to cut a timestamp's time
    # (it costs a third of a delay's histogram at 100,000 candidates).
    return column if isinstance(column.type, Date) else func.date(column)


def month_of(session: Session, column):
    """ "2026-03" for a date or timestamp column."""
    if dialect(session) == "postgresql":
        return func.to_char(column, "YYYY-MM")
    # Both are stored as ISO text beginning with the year and month.
    return func.substr(column, 1, 7)


def percentile(sorted_values: list[int], fraction: float) -> float | None:
    """percentile_cont over values already sorted; None when there are none."""
    if not sorted_values:
        return None
    position = fraction * (len(sorted_values) - 1)
    low = math.floor(position)
    high = min(low + 1, len(sorted_values) - 1)
    value = sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)
    return round(value, 1)


def rate(part: int, whole: int) -> float | None:
    """A percentage with one decimal; None when there is nothing to divide by."""
    return round(100 * part / whole, 1) if whole else None


def in_scope(column, departments: tuple[str, ...] | None):
    return true() if departments is None else column.in_(departments)


def candidate_filter(departments, cohort, period):
    clauses = [in_scope(Candidate.department_code, departments)]
    if cohort:
        clauses.append(Candidate.cohort == cohort)
    if period:
        start, end = period
        clauses.append(Candidate.referred_on.between(start, end))
        # Implied by the dates (the cohort is the month of entry), and lets the scans seek the
        # cohort-ordered index instead of reading all of it.
        clauses.append(Candidate.cohort.between(f"{start:%Y-%m}", f"{end:%Y-%m}"))
    return and_(*clauses)


def utc_bounds(period: Period) -> tuple[datetime, datetime]:
    start, end = period
    return (
        datetime.combine(start, time.min, tzinfo=UTC),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC),
    )
