"""The indicators read from the summary rows (`IndicatorCount`, kept by `summary`): the same
figures as the plain computation of `conversion`, `timing`, `places` and `attendance`, from a
few thousand rows whatever the number of candidates.

A filter on days (a period, a cohort, "up to today") reads the month rows of the months it covers
whole and the day rows of the others (`within`).
"""

import math
from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from onboarding.pathway.indicators import summary
from onboarding.pathway.indicators.attendance import (
    Activities,
    KindAttendance,
    coming_activities,
)
from onboarding.pathway.indicators.conversion import (
    Funnel,
    Withdrawals,
    assemble,
)
from onboarding.pathway.indicators.places import Capacity, DepartmentCapacity, RequestOutcome
from onboarding.pathway.indicators.sql import (
    Period,
    in_scope,
    month_of,
)
from onboarding.pathway.indicators.timing import (
    DEADLINE_LABELS,
    DELAY_LABELS,
    Delay,
    Delays,
    past_deadline_list,
)
from onboarding.pathway.models import (
    ActivityKind,
    Attendance,
    CandidateStatus,
    ContactOutcome,
    IndicatorCount,
    WithdrawalReason,
)
from onboarding.pathway.territories import funnel_steps

T = IndicatorCount
ALL = summary.ALL_DEPARTMENTS
Days = tuple[date | None, date | None]


# --- which rows a filter reads -----------------------------------------------------------------
def _month(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def days_of(cohort: str | None, period: Period | None) -> Days:
    """The days a cohort and a period keep (None: unbounded)."""
    low, high = period if period else (None, None)
    if cohort:
        first = date(int(cohort[:4]), int(cohort[5:7]), 1)
        last = _next_month(first) - timedelta(days=1)
        low = max(low, first) if low else first
        high = min(high, last) if high else last
    return low, high


def spans(days: Days, *, by_month: bool = False) -> list[tuple[str, date, date]]:
    """The rows that hold these days, inclusive, as (grain, first, last) ranges of `day`: all of
    them from the total row (or, `by_month`, from every month row), whole months from their
    month row, the rest by day."""
    low, high = days
    if low is None and high is None:
        if by_month:
            return [("month", date.min, date.max)]
        return [("total", summary.EVERY_DAY, summary.EVERY_DAY)]
    if low is not None and high is not None and low > high:
        return []
    # The first and the last month held whole (None: unbounded).
    first = None if low is None else (low if low.day == 1 else _next_month(low))
    last = None
    if high is not None:
        last = _month(high) if _next_month(high) - timedelta(days=1) == high else None
        if last is None:
            last = _month(_month(high) - timedelta(days=1))
    found = []
    if first is None or last is None or first <= last:
        found.append(("month", first or date.min, last or date.max))
    partial = set()
    if low is not None and low.day != 1:
        partial.add((low, min(_next_month(low) - timedelta(days=1), high or low.max)))
    if high is not None and _next_month(high) - timedelta(days=1) != high:
        partial.add((max(_month(high), low or high.min), high))
    found += [("day", start, end) for start, end in sorted(partial)]
    return found


def within(days: Days, *, by_month: bool = False) -> list:
    """`spans` as conditions, one per range of the index, each read by a statement of its own
    (an OR of them would read the whole section)."""
    return [
        and_(T.grain == grain, T.day.between(first, last))
        for grain, first, last in spans(days, by_month=by_month)
    ]


def up_to(days: Days, today: date) -> list:
    """The conditions that give an event section's count on `today` (its events up to today)
    for these days: the months before today's from the month rows, today's month day by day."""
    this_month = _month(today)
    parts = []
    for grain, first, last in spans(days):
        parts.append(
            and_(
                T.grain == f"{grain[0]}m",
                T.day.between(first, last),
                T.value < this_month.toordinal(),
            )
        )
        parts.append(
            and_(
                T.grain == f"{grain[0]}d",
                T.day.between(this_month, today),
                T.value.between(first.toordinal(), last.toordinal()),
            )
        )
    return parts


def scope(departments: tuple[str, ...] | None):
    """The rows of these départements, summed: every département's is one row (code "")."""
    return T.department_code == ALL if departments is None else T.department_code.in_(departments)


def each_department(departments: tuple[str, ...] | None):
    """The rows of these départements, one by one (every one but the sum when None)."""
    return T.department_code != ALL if departments is None else T.department_code.in_(departments)


def _rows(session: Session, section: str, days: list, where, *columns):
    """Sums of the counts by `columns`, one statement per range of days (rows may repeat)."""
    # Core rows: the ORM's result machinery would cost more than the statement.
    connection = session.connection()
    for part in days:
        yield from connection.execute(
            select(*columns, func.sum(T.count))
            .where(T.section == section, part, *where)
            .group_by(*columns)
            # Rows brought back to zero stay in the table (`summary.apply`): they count nothing.
            .having(func.sum(T.count) != 0)
        )


# --- the funnel --------------------------------------------------------------------------------
def funnel(
    session: Session,
    *,
    departments: tuple[str, ...] | None,
    cohort: str | None = None,
    period: Period | None = None,
    today: date,
    with_steps: bool = True,
) -> Funnel:
    steps = funnel_steps(session) if with_steps else []
    where = [each_department(departments)]
    days = within(days_of(cohort, period), by_month=True)
    groups: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    # (group, configuration) → entrants; (group, configuration, step) → reached
    entered: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    reached: dict[tuple, dict[tuple[str, int], int]] = defaultdict(lambda: defaultdict(int))
    by_reason: dict[WithdrawalReason | None, int] = defaultdict(int)
    by_stage: dict[CandidateStatus | None, int] = defaultdict(int)
    month = month_of(session, T.day)
    for cohort_key, department, key, detail, value in _rows(
        session, "funnel", days, [*where, T.key != "withdrawn"],
        month, T.department_code, T.key, T.detail,
    ):  # fmt: skip
        group = (cohort_key, department)
        value = int(value)
        if key == "entered":
            entered[group][detail] += value
            groups[group]["entered"] += value
        elif key == "reached":
            configuration, step = detail.split(":")
            reached[group][(configuration, int(step))] += value
        else:
            groups[group][key] += value
    if with_steps:
        for detail, value in _rows(
            session, "funnel", days, [*where, T.key == "withdrawn"], T.detail
        ):
            reason, left = detail.split("|")
            by_reason[WithdrawalReason(reason) if reason else None] += int(value)
            by_stage[CandidateStatus(left) if left else None] += int(value)

    # Which configurations follow each step, decided once for the few there are.
    by_id = {step.id: step for step in steps}
    follows: dict[tuple[str, int], bool] = {}
    configurations = {c for seen in entered.values() for c in seen} | {
        c for seen in reached.values() for c, _ in seen
    }
    for configuration in configurations:
        for step in steps:
            follows[(configuration, step.id)] = _follows(step, configuration)
    followed = [step for step in steps if step.follows is not None]
    for group, counts in groups.items():
        for key in ("dossier_filed", "granted", "deemed_granted", "refused"):
            counts.setdefault(key, 0)
        for step in steps:
            counts[f"step_{step.id}"] = 0
        for (configuration, step_id), value in reached[group].items():
            if step_id in by_id and follows[(configuration, step_id)]:
                counts[f"step_{step_id}"] += value
        for step in followed:
            counts[f"followers_{step.id}"] = sum(
                value
                for configuration, value in entered[group].items()
                if follows[(configuration, step.id)]
            )

    order = list(CandidateStatus)
    withdrawals = Withdrawals(
        total=sum(by_reason.values()),
        by_reason=[(r, by_reason[r]) for r in WithdrawalReason if by_reason.get(r)],
        by_stage=sorted(
            by_stage.items(), key=lambda item: order.index(item[0]) if item[0] else len(order)
        ),
    )
    return assemble(groups, steps, withdrawals if with_steps else Withdrawals(0, [], []))


def _follows(step, configuration: str) -> bool:
    """Does a candidate of this configuration ("" for the national pathway) follow the step?"""
    if step.follows is None:
        return True
    if configuration == "":
        return step.national
    return int(configuration) in step.configurations


# --- delays ---------------------------------------------------------------------------------
def histogram_percentile(counts: dict[int, int], fraction: float) -> float | None:
    """`percentile` of the values a histogram {value: how many} stands for, without listing
    them: the same ranks, the same interpolation."""
    total = sum(counts.values())
    if not total:
        return None
    position = fraction * (total - 1)
    low = math.floor(position)
    high = min(low + 1, total - 1)
    ranked, low_value, high_value = 0, None, None
    for value in sorted(counts):
        ranked += counts[value]
        if low_value is None and low < ranked:
            low_value = value
        if high < ranked:
            high_value = value
            break
    result = low_value + (high_value - low_value) * (position - low)
    return round(result, 1)


# ------------------------------------------------------------------------------------
def delays(
    session: Session,
    *,
    departments: tuple[str, ...] | None,
    cohort: str | None = None,
    period: Period | None = None,
    today: date,
) -> Delays:
    where = [scope(departments)]
    days = within(days_of(cohort, period))
    histograms: dict[str, dict[str, dict[int, int]]] = {
        key: defaultdict(lambda: defaultdict(int)) for key in DELAY_LABELS
    }
    for key, month, value, count in _rows(session, "delay", days, where, T.key, T.detail, T.value):
        histograms[key][month][value] += int(count)
    found = []
    for key, label in DELAY_LABELS.items():
        overall: dict[int, int] = defaultdict(int)
        for counts in histograms[key].values():
            for value, count in counts.items():
                overall[value] += count
        found.append(
            Delay(
                key=key,
                label=label,
                count=sum(overall.values()),
                median=histogram_percentile(overall, 0.5),
                p80=histogram_percentile(overall, 0.8),
                by_month=[
                    (month, histogram_percentile(counts, 0.5))
                    for month, counts in sorted(histograms[key].items())
                ],
            )
        )
    filters = {"departments": departments, "cohort": cohort, "period": period, "today": today}
    counts = past_deadline_counts(session, **filters)
    return Delays(
        delays=found,
        past_deadline_count=sum(counts.values()),
        past_deadline_by_kind=counts,
        past_deadline=past_deadline_list(session, **filters),
    )


def past_deadline_counts(
    session: Session,
    *,
    departments: tuple[str, ...] | None,
    cohort: str | None = None,
    period: Period | None = None,
    today: date,
) -> dict[str, int]:
    """As `timing.past_deadlines`' counts: the candidates past their next deadline, by kind."""
    counts = dict.fromkeys(DEADLINE_LABELS, 0)
    days = up_to(days_of(cohort, period), today)
    for key, value in _rows(session, "deadline", days, [scope(departments)], T.key):
        counts[key] = counts.get(key, 0) + int(value)
    return counts


# --- capacity and parents' requests ------------------------------------------------------------
def capacity(
    session: Session,
    *,
    departments: tuple[str, ...] | None,
    cohort: str | None = None,
    period: Period | None = None,
    today: date,
) -> Capacity:
    """As `places.capacity`, from the summary."""
    if cohort is None and period is None:
        days, where = within((None, None)), [each_department(departments)]
    else:
        days = within(days_of(cohort, period))
        where = [each_department(None), in_scope(T.detail, departments)]
    approved: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for department, key, value in _rows(session, "places", days, where, T.department_code, T.key):
        approved[department][key] += int(value)

    if cohort is None and period is None:
        days, where = up_to((None, None), today), [each_department(departments)]
    else:
        days = up_to(days_of(cohort, period), today)
        where = [each_department(None), in_scope(T.detail, departments)]
    places_free: dict[str, int] = defaultdict(int)
    for department, value in _rows(session, "free", days, where, T.department_code):
        places_free[department] += int(value)
    by_department = [
        DepartmentCapacity(code, approved[code]["approved"], int(places_free.get(code, 0)))
        for code in sorted(approved)
        if approved[code]["carers"]
    ]

    request_where = [scope(departments)]
    found: dict[ContactOutcome, list[int]] = defaultdict(lambda: [0, 0, 0])
    for outcome, detail, timely, count in _rows(
        session, "request", within(period or (None, None)), request_where, T.key, T.detail, T.value
    ):
        row = found[ContactOutcome(outcome)]
        row[0] += int(count)
        row[1] += int(count) if detail == "job_seeker" else 0
        row[2] += int(count) if timely else 0
    return Capacity(
        by_department=by_department,
        requests=[
            RequestOutcome(outcome, *found.get(outcome, (0, 0, 0))[:2])
            for outcome in ContactOutcome
        ],
        answered_in_time=sum(row[2] for row in found.values()),
    )


# --- activities --------------------------------------------------------------------------------
def activities(
    session: Session,
    *,
    departments: tuple[str, ...] | None,
    cohort: str | None = None,
    period: Period | None = None,
    today: date,
) -> Activities:
    """As `attendance.activities`: the coming ones from the activities' index, the attendance
    from the summary."""
    coming_count, coming = coming_activities(session, departments=departments, today=today)
    days = within(period if period else (None, today))
    where = [scope(departments)]
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for kind, attendance, value in _rows(session, "attendance", days, where, T.key, T.detail):
        counts[(kind, attendance)] += int(value)
    attendance = [
        KindAttendance(
            kind,
            counts.get((kind.value, Attendance.ATTENDED.value), 0),
            counts.get((kind.value, Attendance.EXCUSED.value), 0),
            counts.get((kind.value, Attendance.ABSENT.value), 0),
        )
        for kind in ActivityKind
    ]
    return Activities(coming=coming, coming_count=coming_count, attendance=attendance)


def cohorts(session: Session, departments: tuple[str, ...] | None) -> list[str]:
    """The months of entry present in scope, newest first."""
    return [
        f"{day:%Y-%m}"
        for day in session.scalars(
            select(T.day)
            .where(
                T.section == "funnel",
                T.grain == "month",
                T.key == "entered",
                scope(departments),
            )
            .group_by(T.day)
            .having(func.sum(T.count) != 0)
            .order_by(T.day.desc())
        )
    ]


def own_job_seeker_parents(
    session: Session, *, departments: tuple[str, ...] | None, period: Period | None = None
) -> tuple[int, int]:
    """As `intermediation.own_job_seeker_parents`: the distinct parents of the rows in scope,
    and those with a row at "contrat signé"."""
    parents: dict[str, int] = {}
    for parent, signed, _ in _rows(
        session, "parent", within(period or (None, None)), [scope(departments)], T.detail, T.value
    ):
        parents[parent] = max(parents.get(parent, 0), int(signed))
    return len(parents), sum(parents.values())


# --- the panel's home --------------------------------------------------------------------------
def statuses(session: Session, *, departments: tuple[str, ...] | None) -> dict[str, int]:
    """The candidates in scope by status, and as "dossier_filed:missing" those whose filed
    dossier still misses a piece."""
    counts: dict[str, int] = defaultdict(int)
    days = within((None, None))
    for key, detail, value in _rows(session, "status", days, [scope(departments)], T.key, T.detail):
        counts[key] += int(value)
        if detail:
            counts[f"{key}:{detail}"] += int(value)
    return counts


def roll_calls_to_take(
    session: Session, *, departments: tuple[str, ...] | None, today: date
) -> int:
    """The activities held before today, not cancelled, with an attendance still to mark."""
    days = up_to((None, None), today)
    return sum(int(value) for (value,) in _rows(session, "roll_call", days, [scope(departments)]))


def requests_without_outcome(
    session: Session, *, departments: tuple[str, ...] | None, days: Days = (None, None)
) -> int:
    """Parents' requests in scope (the carer's département) still at "nouvelle", received on
    these UTC days."""
    where = [scope(departments), T.key == ContactOutcome.NEW.value]
    return sum(int(value) for (value,) in _rows(session, "request", within(days), where))
