"""What the pathway yields, for coordinators and funders: funnel, delays, capacity, requests and
activities, each computed by grouped SQL queries and returned as plain dataclasses of figures.

Filters, the same for every section:
- `departments`: None for every département, else a tuple of codes (an empty tuple yields nothing);
- `cohort`: "2026-03", the month of entry; it narrows the candidate-based sections (funnel,
  delays, places approved and free) and not the parents' requests nor the activities;
- `period`: (start, end), inclusive. Candidate-based sections keep those who entered within it;
  parents' requests those made within it; attendance the activities held within it. Without a
  period, attendance covers every activity held up to today.

Percentiles follow PostgreSQL's percentile_cont (linear interpolation between ranks): the SQL
returns one integer per candidate (the days between two dates, computed by the database) and
Python only sorts those integers; no ORM row is loaded.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import (
    Date,
    Integer,
    and_,
    case,
    cast,
    exists,
    func,
    literal_column,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Session

from onboarding.pathway import deadlines
from onboarding.pathway.models import (
    Activity,
    ActivityKind,
    AgrementDecision,
    Attendance,
    Candidate,
    CandidateStatus,
    Carer,
    ContactOutcome,
    ContactRequest,
    DecisionOutcome,
    Enrollment,
    PathwayStep,
    Training,
    TrainingKind,
    TransitionLog,
    Vacancy,
    WithdrawalReason,
)

S = CandidateStatus
# Product rule: a parent's request is answered in time when its outcome is set within 7 days.
ANSWER_DAYS = 7
COMING_ACTIVITIES_LIMIT = 20
PAST_DEADLINE_LIMIT = 50

Period = tuple[date, date]


# --- portable SQL ------------------------------------------------------------------------------
def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def days_between(session: Session, later, earlier):
    """Whole days from `earlier` to `later` (dates, or timestamps taken by their UTC date)."""
    if _dialect(session) == "postgresql":
        return cast(later, Date) - cast(earlier, Date)
    return cast(func.julianday(func.date(later)) - func.julianday(func.date(earlier)), Integer)


def month_of(session: Session, column):
    """ "2026-03" for a date or timestamp column."""
    if _dialect(session) == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


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


def _in(column, departments: tuple[str, ...] | None):
    return true() if departments is None else column.in_(departments)


def _candidate_filter(departments, cohort, period):
    clauses = [_in(Candidate.department_code, departments)]
    if cohort:
        clauses.append(Candidate.cohort == cohort)
    if period:
        clauses.append(Candidate.referred_on.between(*period))
    return and_(*clauses)


def _utc_bounds(period: Period) -> tuple[datetime, datetime]:
    start, end = period
    return (
        datetime.combine(start, time.min, tzinfo=UTC),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC),
    )


# --- 1. the funnel -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Stage:
    key: str
    label: str
    count: int
    # The share of the previous stage of the main chain that reached this one (None: no previous).
    conversion: float | None = None
    # Side outcomes (refused, deemed granted) are shown but do not continue the chain.
    is_side: bool = False


@dataclass(frozen=True)
class FunnelGroup:
    """One cohort or one département: candidates entered and the count at each stage key."""

    key: str
    counts: dict[str, int]


@dataclass(frozen=True)
class Withdrawals:
    total: int
    by_reason: list[tuple[WithdrawalReason, int]]
    # The status they left from; None when the log has no withdrawal (imported data).
    by_stage: list[tuple[CandidateStatus | None, int]]


@dataclass(frozen=True)
class Funnel:
    stages: list[Stage]
    stage_labels: list[tuple[str, str]]
    by_cohort: list[FunnelGroup]
    by_department: list[FunnelGroup]
    withdrawals: Withdrawals

    @property
    def entered(self) -> int:
        return self.stages[0].count


# Stages after the steps, in pathway order: (key, label, is a side outcome). Side outcomes
# (refused, deemed granted) are shown but do not continue the chain.
STAGES = [
    ("dossier_filed", "Dossier déposé", False),
    ("granted", "Agrément obtenu (accordé ou réputé acquis)", False),
    ("deemed_granted", "dont réputé acquis", True),
    ("refused", "Agrément refusé", True),
    ("training_done", "Formation initiale, 1re partie validée", False),
    ("published", "Disponibilités publiées", False),
]


def _stage_queries():
    """Per stage, the ids of the candidates who reached it: each a small grouped query over its
    own table, joined to the candidates afterwards (cheaper than a correlated EXISTS per row)."""
    positive = (DecisionOutcome.GRANTED, DecisionOutcome.DEEMED_GRANTED)
    decisions = (
        select(
            AgrementDecision.candidate_id.label("candidate_id"),
            func.max(case((AgrementDecision.outcome.in_(positive), 1), else_=0)).label("granted"),
            func.max(
                case((AgrementDecision.outcome == DecisionOutcome.DEEMED_GRANTED, 1), else_=0)
            ).label("deemed_granted"),
            func.max(case((AgrementDecision.outcome == DecisionOutcome.REFUSED, 1), else_=0)).label(
                "refused"
            ),
        )
        .group_by(AgrementDecision.candidate_id)
        .subquery()
    )
    trained = (
        select(Training.candidate_id.label("candidate_id"))
        .where(
            Training.part == 1,
            Training.kind == TrainingKind.EVALUATION,
            Training.passed.is_(True),
        )
        .group_by(Training.candidate_id)
        .subquery()
    )
    published = (
        select(Carer.candidate_id.label("candidate_id"))
        .join(Vacancy, Vacancy.carer_id == Carer.id)
        .where(Carer.is_published.is_(True), Carer.candidate_id.is_not(None))
        .group_by(Carer.candidate_id)
        .subquery()
    )
    return decisions, trained, published


def funnel(
    session: Session,
    *,
    departments: tuple[str, ...] | None,
    cohort: str | None = None,
    period: Period | None = None,
    today: date,
    with_steps: bool = True,
) -> Funnel:
    """`with_steps=False` leaves out the pathway's steps (the costliest query) and withdrawals."""
    where = _candidate_filter(departments, cohort, period)
    steps = (
        session.execute(
            select(PathwayStep.id, PathwayStep.title)
            .where(PathwayStep.is_active.is_(True))
            .order_by(PathwayStep.position, PathwayStep.id)
        ).all()
        if with_steps
        else []
    )
    # Grouped by an expression rather than the bare column: SQLite would otherwise walk the
    # cohort index and fetch each row in index order, twice as slow as one scan of the table.
    group = (Candidate.cohort.concat(literal_column("''")), Candidate.department_code)
    groups: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))

    def collect(query, *keys: str) -> None:
        for cohort_key, department, *values in session.execute(query):
            for key, value in zip(keys, values, strict=True):
                groups[(cohort_key, department)][key] = int(value or 0)

    collect(
        select(
            *group,
            func.count(),
            func.sum(case((Candidate.dossier_filed_on.is_not(None), 1), else_=0)),
        )
        .where(where)
        .group_by(*group),
        "entered",
        "dossier_filed",
    )
    decisions, trained, published = _stage_queries()
    collect(
        select(
            *group,
            func.sum(decisions.c.granted),
            func.sum(decisions.c.deemed_granted),
            func.sum(decisions.c.refused),
        )
        .join(decisions, decisions.c.candidate_id == Candidate.id)
        .where(where)
        .group_by(*group),
        "granted",
        "deemed_granted",
        "refused",
    )
    for key, subquery in (("training_done", trained), ("published", published)):
        collect(
            select(*group, func.count())
            .join(subquery, subquery.c.candidate_id == Candidate.id)
            .where(where)
            .group_by(*group),
            key,
        )
    # A step is reached with one attended activity of it.
    if with_steps:
        for cohort_key, department, step_id, value in session.execute(
            select(*group, Activity.step_id, func.count(func.distinct(Enrollment.candidate_id)))
            .join(Enrollment, Enrollment.candidate_id == Candidate.id)
            .join(Activity, Activity.id == Enrollment.activity_id)
            .where(where, Enrollment.attendance == Attendance.ATTENDED)
            .group_by(*group, Activity.step_id)
        ):
            groups[(cohort_key, department)][f"step_{step_id}"] = value

    labels = (
        [("entered", "Entrés dans le parcours")]
        + [(f"step_{step_id}", f"Étape « {title} » suivie") for step_id, title in steps]
        + [(key, label) for key, label, _ in STAGES]
    )
    sides = {key for key, _, side in STAGES if side}
    totals: dict[str, int] = defaultdict(int)
    by_cohort: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_department: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (cohort_key, department), counts in groups.items():
        for key, value in counts.items():
            totals[key] += value
            by_cohort[cohort_key][key] += value
            by_department[department][key] += value

    # The steps are configurable and may be optional: a dossier may be filed without them. Each
    # step's rate is therefore taken over the people who entered, and the chain (entered, dossier
    # filed, agrément, training, publication) goes on from the entrants, not from the last step.
    stages, previous = [], None
    for key, label in labels:
        count = totals.get(key, 0)
        is_step = key.startswith("step_")
        is_side = key in sides
        if previous is None or is_side:
            conversion = None
        else:
            conversion = rate(count, totals.get("entered", 0) if is_step else previous)
        stages.append(Stage(key, label, count, conversion, is_side))
        if not is_side and not is_step:
            previous = count

    def as_groups(source) -> list[FunnelGroup]:
        return [
            FunnelGroup(key, {k: source[key].get(k, 0) for k, _ in labels})
            for key in sorted(source)
        ]

    return Funnel(
        stages=stages,
        stage_labels=labels,
        by_cohort=as_groups(by_cohort),
        by_department=as_groups(by_department),
        withdrawals=_withdrawals(session, where) if with_steps else Withdrawals(0, [], []),
    )


def _withdrawals(session: Session, where) -> Withdrawals:
    rows = session.execute(
        select(Candidate.withdrawal_reason, TransitionLog.from_status, func.count())
        .outerjoin(
            TransitionLog,
            and_(TransitionLog.candidate_id == Candidate.id, TransitionLog.name == "withdraw"),
        )
        .where(where, Candidate.status == S.WITHDRAWN)
        .group_by(Candidate.withdrawal_reason, TransitionLog.from_status)
    ).all()
    by_reason: dict[WithdrawalReason, int] = defaultdict(int)
    by_stage: dict[CandidateStatus | None, int] = defaultdict(int)
    for reason, stage, value in rows:
        by_reason[reason] += value
        by_stage[stage] += value
    order = list(CandidateStatus)
    return Withdrawals(
        total=sum(by_reason.values()),
        by_reason=[(r, by_reason[r]) for r in WithdrawalReason if by_reason.get(r)],
        by_stage=sorted(
            by_stage.items(), key=lambda item: order.index(item[0]) if item[0] else len(order)
        ),
    )


# --- 2. delays ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Delay:
    key: str
    label: str
    count: int
    median: float | None
    p80: float | None
    # Median per month of the ending event ("2026-03"), for the chart over time.
    by_month: list[tuple[str, float]]


@dataclass(frozen=True)
class PastDeadline:
    candidate_id: int
    full_name: str
    department_code: str
    status: CandidateStatus
    deadline: str
    due_on: date


@dataclass(frozen=True)
class Delays:
    delays: list[Delay]
    past_deadline_count: int
    past_deadline_by_kind: dict[str, int]
    past_deadline: list[PastDeadline] = field(default_factory=list)


def _delay(session: Session, key: str, label: str, query) -> Delay:
    """`query` selects (month, days) for each person concerned; the database groups them, so
    only a histogram comes back, from which Python reads the percentiles."""
    per_month: dict[str, list[int]] = defaultdict(list)
    values: list[int] = []
    rows = query.subquery()
    month, days = rows.c
    histogram = select(month, days, func.count()).group_by(month, days)
    for month_key, days_value, count in session.execute(histogram):
        values.extend([days_value] * count)
        per_month[month_key].extend([days_value] * count)
    values.sort()
    return Delay(
        key=key,
        label=label,
        count=len(values),
        median=percentile(values, 0.5),
        p80=percentile(values, 0.8),
        by_month=[(m, percentile(sorted(v), 0.5)) for m, v in sorted(per_month.items())],
    )


DECISION_DUE = "decision"
TRAINING_DUE = "training_part1"
DEADLINE_LABELS = {
    DECISION_DUE: "Décision sur l'agrément",
    TRAINING_DUE: "Formation initiale, 1re partie",
}


def delays(
    session: Session,
    *,
    departments: tuple[str, ...] | None,
    cohort: str | None = None,
    period: Period | None = None,
    today: date,
) -> Delays:
    where = _candidate_filter(departments, cohort, period)
    filed = _delay(
        session,
        "entry_to_filed",
        "De l'entrée au dépôt du dossier",
        select(
            month_of(session, Candidate.dossier_filed_on),
            days_between(session, Candidate.dossier_filed_on, Candidate.referred_on),
        ).where(where, Candidate.dossier_filed_on.is_not(None)),
    )
    first_decision = (
        select(
            AgrementDecision.candidate_id.label("candidate_id"),
            func.min(AgrementDecision.decided_on).label("decided_on"),
        )
        .group_by(AgrementDecision.candidate_id)
        .subquery()
    )
    decided = _delay(
        session,
        "complete_to_decision",
        "Du dossier complet à la décision",
        select(
            month_of(session, first_decision.c.decided_on),
            days_between(session, first_decision.c.decided_on, Candidate.dossier_complete_on),
        )
        .select_from(Candidate)
        .join(first_decision, first_decision.c.candidate_id == Candidate.id)
        .where(where, Candidate.dossier_complete_on.is_not(None)),
    )
    first_positive = (
        select(
            AgrementDecision.candidate_id.label("candidate_id"),
            func.min(AgrementDecision.decided_on).label("decided_on"),
        )
        .where(AgrementDecision.outcome != DecisionOutcome.REFUSED)
        .group_by(AgrementDecision.candidate_id)
        .subquery()
    )
    first_vacancy = (
        select(Vacancy.carer_id.label("carer_id"), func.min(Vacancy.created_at).label("at"))
        .group_by(Vacancy.carer_id)
        .subquery()
    )
    published = _delay(
        session,
        "decision_to_vacancy",
        "De la décision à la première place publiée",
        select(
            month_of(session, first_vacancy.c.at),
            days_between(session, first_vacancy.c.at, first_positive.c.decided_on),
        )
        .select_from(Candidate)
        .join(first_positive, first_positive.c.candidate_id == Candidate.id)
        .join(Carer, Carer.candidate_id == Candidate.id)
        .join(first_vacancy, first_vacancy.c.carer_id == Carer.id)
        .where(where, Carer.is_published.is_(True)),
    )
    past = past_deadlines(
        session, departments=departments, cohort=cohort, period=period, today=today
    )
    return Delays(
        delays=[filed, decided, published],
        past_deadline_count=sum(past[0].values()),
        past_deadline_by_kind=past[0],
        past_deadline=past[1],
    )


def _past_deadline_clauses(today: date) -> dict[str, object]:
    """Decision and part-1 training due strictly before today and not met (see situation.py)."""
    yesterday = today - timedelta(days=1)
    part1_passed = exists().where(
        Training.candidate_id == Candidate.id,
        Training.part == 1,
        Training.kind == TrainingKind.EVALUATION,
        Training.passed.is_(True),
    )
    return {
        DECISION_DUE: and_(
            Candidate.status == S.UNDER_EVALUATION,
            Candidate.dossier_complete_on
            <= yesterday - relativedelta(months=deadlines.DECISION_MONTHS),
        ),
        TRAINING_DUE: and_(
            Candidate.status.in_((S.UNDER_EVALUATION, S.APPROVED)),
            Candidate.dossier_complete_on
            <= yesterday - relativedelta(months=deadlines.TRAINING_PART1_MONTHS),
            ~part1_passed,
        ),
    }


def past_deadlines(
    session: Session,
    *,
    departments: tuple[str, ...] | None,
    cohort: str | None = None,
    period: Period | None = None,
    today: date,
) -> tuple[dict[str, int], list[PastDeadline]]:
    """Counts by deadline, and the first candidates (oldest complete dossier first)."""
    where = _candidate_filter(departments, cohort, period)
    clauses = _past_deadline_clauses(today)
    kind = case(*[(clause, key) for key, clause in clauses.items()])
    counts = dict.fromkeys(clauses, 0)
    for key, value in session.execute(
        select(kind, func.count()).where(where, or_(*clauses.values())).group_by(kind)
    ):
        counts[key] = value
    rows = session.execute(
        select(
            Candidate.id,
            Candidate.first_name,
            Candidate.last_name,
            Candidate.department_code,
            Candidate.status,
            Candidate.dossier_complete_on,
            kind,
        )
        .where(where, or_(*clauses.values()))
        .order_by(Candidate.dossier_complete_on, Candidate.id)
        .limit(PAST_DEADLINE_LIMIT)
    ).all()
    listed = [
        PastDeadline(
            candidate_id=id_,
            full_name=f"{first} {last}",
            department_code=department,
            status=status,
            deadline=key,
            due_on=deadlines.decision_due(complete_on)
            if key == DECISION_DUE
            else deadlines.training_part1_due(complete_on),
        )
        for id_, first, last, department, status, complete_on, key in rows
    ]
    return counts, listed


# --- 3. capacity and parents' requests ---------------------------------------------------------
@dataclass(frozen=True)
class DepartmentCapacity:
    department_code: str
    places_approved: int
    places_free: int


@dataclass(frozen=True)
class RequestOutcome:
    outcome: ContactOutcome
    count: int
    job_seekers: int


@dataclass(frozen=True)
class Capacity:
    by_department: list[DepartmentCapacity]
    requests: list[RequestOutcome]
    answered_in_time: int

    @property
    def places_approved(self) -> int:
        return sum(row.places_approved for row in self.by_department)

    @property
    def places_free(self) -> int:
        return sum(row.places_free for row in self.by_department)

    @property
    def request_count(self) -> int:
        return sum(row.count for row in self.requests)

    @property
    def job_seeker_requests(self) -> int:
        return sum(row.job_seekers for row in self.requests)

    @property
    def answered_in_time_rate(self) -> float | None:
        return rate(self.answered_in_time, self.request_count)


def capacity(
    session: Session,
    *,
    departments: tuple[str, ...] | None,
    cohort: str | None = None,
    period: Period | None = None,
    today: date,
) -> Capacity:
    """Places approved: the agrément capacity of the carers who came through the pathway. Places
    free now: their vacancies open from today or earlier, while the carer is published."""
    if cohort is None and period is None:
        # Only the département narrows: read it on the carer, without joining the candidates.
        where = and_(Carer.candidate_id.is_not(None), _in(Carer.department_code, departments))
    else:
        chosen = select(Candidate.id).where(_candidate_filter(departments, cohort, period))
        where = Carer.candidate_id.in_(chosen)
    approved = dict(
        session.execute(
            select(Carer.department_code, func.sum(Carer.agrement_capacity))
            .where(where)
            .group_by(Carer.department_code)
        ).all()
    )
    free = dict(
        session.execute(
            select(Carer.department_code, func.count(Vacancy.id))
            .join(Vacancy, Vacancy.carer_id == Carer.id)
            .where(where, Carer.is_published.is_(True), Vacancy.available_from <= today)
            .group_by(Carer.department_code)
        ).all()
    )
    by_department = [
        DepartmentCapacity(code, int(approved.get(code) or 0), int(free.get(code) or 0))
        for code in sorted(set(approved) | set(free))
    ]

    request_where = [_in(Carer.department_code, departments)]
    if period:
        start, end = _utc_bounds(period)
        request_where += [ContactRequest.created_at >= start, ContactRequest.created_at < end]
    in_time = and_(
        ContactRequest.outcome != ContactOutcome.NEW,
        ContactRequest.outcome_on.is_not(None),
        days_between(session, ContactRequest.outcome_on, ContactRequest.created_at) <= ANSWER_DAYS,
    )
    rows = session.execute(
        select(
            ContactRequest.outcome,
            func.count(),
            func.sum(case((ContactRequest.is_job_seeker.is_(True), 1), else_=0)),
            func.sum(case((in_time, 1), else_=0)),
        )
        .join(Carer, Carer.id == ContactRequest.carer_id)
        .where(*request_where)
        .group_by(ContactRequest.outcome)
    ).all()
    found = {
        outcome: (count, int(seekers or 0), int(timely or 0))
        for outcome, count, seekers, timely in rows
    }
    return Capacity(
        by_department=by_department,
        requests=[
            RequestOutcome(outcome, *found.get(outcome, (0, 0, 0))[:2])
            for outcome in ContactOutcome
        ],
        answered_in_time=sum(timely for _, _, timely in found.values()),
    )


# --- 4. activities -----------------------------------------------------------------------------
@dataclass(frozen=True)
class ComingActivity:
    activity_id: int
    title: str
    kind: ActivityKind
    on: date
    department_code: str
    capacity: int
    seats_taken: int

    @property
    def fill_rate(self) -> float | None:
        return rate(self.seats_taken, self.capacity)


@dataclass(frozen=True)
class KindAttendance:
    kind: ActivityKind
    attended: int
    excused: int
    absent: int

    @property
    def marked(self) -> int:
        return self.attended + self.excused + self.absent

    @property
    def rate(self) -> float | None:
        return rate(self.attended, self.marked)


@dataclass(frozen=True)
class Activities:
    coming: list[ComingActivity]
    coming_count: int
    attendance: list[KindAttendance]


def activities(
    session: Session,
    *,
    departments: tuple[str, ...] | None,
    cohort: str | None = None,
    period: Period | None = None,
    today: date,
) -> Activities:
    """Coming: not cancelled, from today on. Attendance: enrolments marked present, excused or
    absent, over the activities held within the period (or up to today)."""
    scope = _in(Activity.department_code, departments)
    upcoming = and_(scope, Activity.date >= today, Activity.is_cancelled.is_(False))
    coming_count = session.scalar(select(func.count()).select_from(Activity).where(upcoming))
    coming = [
        ComingActivity(*row)
        for row in session.execute(
            select(
                Activity.id,
                Activity.title,
                Activity.kind,
                Activity.date,
                Activity.department_code,
                Activity.capacity,
                Activity.seats_taken,
            )
            .where(upcoming)
            .order_by(Activity.date, Activity.start_time, Activity.id)
            .limit(COMING_ACTIVITIES_LIMIT)
        )
    ]
    held = Activity.date.between(*period) if period else Activity.date <= today
    counts: dict[tuple[ActivityKind, Attendance], int] = {
        (kind, attendance): value
        for kind, attendance, value in session.execute(
            select(Activity.kind, Enrollment.attendance, func.count())
            .join(Enrollment, Enrollment.activity_id == Activity.id)
            .where(scope, held, Enrollment.attendance != Attendance.PENDING)
            .group_by(Activity.kind, Enrollment.attendance)
        )
    }
    attendance = [
        KindAttendance(
            kind,
            counts.get((kind, Attendance.ATTENDED), 0),
            counts.get((kind, Attendance.EXCUSED), 0),
            counts.get((kind, Attendance.ABSENT), 0),
        )
        for kind in ActivityKind
    ]
    return Activities(coming=coming, coming_count=coming_count, attendance=attendance)


# --- everything --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Indicators:
    departments: tuple[str, ...] | None
    cohort: str | None
    period: Period | None
    today: date
    funnel: Funnel
    delays: Delays
    capacity: Capacity
    activities: Activities


def compute(
    session: Session,
    *,
    departments: tuple[str, ...] | None,
    cohort: str | None = None,
    period: Period | None = None,
    today: date,
) -> Indicators:
    filters = {"departments": departments, "cohort": cohort, "period": period, "today": today}
    return Indicators(
        departments=departments,
        cohort=cohort,
        period=period,
        today=today,
        funnel=funnel(session, **filters),
        delays=delays(session, **filters),
        capacity=capacity(session, **filters),
        activities=activities(session, **filters),
    )


@dataclass(frozen=True)
class KeyFigures:
    """The dashboard's few figures, without the costlier sections of the indicators page."""

    today: date
    stages: list[Stage]
    capacity: Capacity
    coming_activities: int
    past_deadline_count: int

    @property
    def entered(self) -> int:
        return self.stages[0].count


def key_figures(
    session: Session, *, departments: tuple[str, ...] | None, today: date
) -> KeyFigures:
    filters = {"departments": departments, "cohort": None, "period": None, "today": today}
    past, _ = past_deadlines(session, **filters)
    coming = session.scalar(
        select(func.count())
        .select_from(Activity)
        .where(
            _in(Activity.department_code, departments),
            Activity.date >= today,
            Activity.is_cancelled.is_(False),
        )
    )
    return KeyFigures(
        today=today,
        stages=funnel(session, **filters, with_steps=False).stages,
        capacity=capacity(session, **filters),
        coming_activities=coming,
        past_deadline_count=sum(past.values()),
    )


def cohorts(session: Session, departments: tuple[str, ...] | None) -> list[str]:
    """The months of entry present in scope, newest first, for the filter's choices."""
    return list(
        session.scalars(
            select(Candidate.cohort)
            .where(_in(Candidate.department_code, departments))
            .group_by(Candidate.cohort)
            .order_by(Candidate.cohort.desc())
        )
    )


def as_rows(indicators: Indicators) -> list[tuple[str, str, str, object]]:
    """Every figure as (section, figure, detail, value): what the CSV export and a report need.
    Aggregates only: no name leaves through here."""
    rows: list[tuple[str, str, str, object]] = []
    f = indicators.funnel
    for position, stage in enumerate(f.stages):
        rows.append(("Entonnoir", stage.label, "effectif", stage.count))
        # Every stage but the first has a rate line, empty when there is nothing to divide by.
        if position:
            rows.append(
                ("Entonnoir", stage.label, "taux depuis l'étape précédente (%)", stage.conversion)
            )
    labels = dict(f.stage_labels)
    for title, groups in (
        ("Entonnoir par cohorte", f.by_cohort),
        ("Entonnoir par département", f.by_department),
    ):
        for group in groups:
            for key, value in group.counts.items():
                rows.append((title, labels[key], group.key, value))
    rows.append(("Sorties", "Sorties du parcours", "total", f.withdrawals.total))
    for reason, value in f.withdrawals.by_reason:
        rows.append(("Sorties", "par motif", reason.label, value))
    for stage, value in f.withdrawals.by_stage:
        rows.append(
            ("Sorties", "par étape quittée", stage.label if stage else "Non renseignée", value)
        )
    for delay in indicators.delays.delays:
        rows.append(("Délais (jours)", delay.label, "nombre", delay.count))
        rows.append(("Délais (jours)", delay.label, "médiane", delay.median))
        rows.append(("Délais (jours)", delay.label, "80e centile", delay.p80))
        for month, median in delay.by_month:
            rows.append(("Délais (jours)", delay.label, f"médiane {month}", median))
    for key, value in indicators.delays.past_deadline_by_kind.items():
        rows.append(("Échéances dépassées", DEADLINE_LABELS[key], "personnes", value))
    c = indicators.capacity
    rows.append(("Places", "Places agréées", "total", c.places_approved))
    rows.append(("Places", "Places libres aujourd'hui", "total", c.places_free))
    for row in c.by_department:
        rows.append(("Places", "Places agréées", row.department_code, row.places_approved))
        rows.append(("Places", "Places libres aujourd'hui", row.department_code, row.places_free))
    rows.append(("Demandes des parents", "Demandes", "total", c.request_count))
    rows.append(
        ("Demandes des parents", "dont demandeurs d'emploi", "total", c.job_seeker_requests)
    )
    for row in c.requests:
        rows.append(("Demandes des parents", row.outcome.label, "demandes", row.count))
        rows.append(
            ("Demandes des parents", row.outcome.label, "dont demandeurs d'emploi", row.job_seekers)
        )
    rows.append(
        ("Demandes des parents", f"Traitées sous {ANSWER_DAYS} jours", "nombre", c.answered_in_time)
    )
    rows.append(
        ("Demandes des parents", f"Traitées sous {ANSWER_DAYS} jours", "%", c.answered_in_time_rate)
    )
    a = indicators.activities
    rows.append(("Activités", "Activités à venir", "nombre", a.coming_count))
    for item in a.attendance:
        rows.append(("Activités", item.kind.label, "présents", item.attended))
        rows.append(("Activités", item.kind.label, "émargements", item.marked))
        rows.append(("Activités", item.kind.label, "taux de présence (%)", item.rate))
    return rows
