"""What needs a coordinator this week: the counts behind the panel's home, and the SQL clauses the
panel's list filters share with them (so a figure and the list it links to cannot disagree)."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session

from onboarding.pathway import contact_answers, situation
from onboarding.pathway.indicators import summarised
from onboarding.pathway.indicators.sql import in_scope
from onboarding.pathway.models import (
    Activity,
    Attendance,
    Candidate,
    CandidateStatus,
    Carer,
    ContactOutcome,
    ContactRequest,
    Enrollment,
    PreRegistration,
    PreRegistrationStatus,
)

# Product rule: the home looks two weeks ahead.
HORIZON_DAYS = 14


def has_missing_pieces():
    """Candidates with at least one dossier piece still missing (`pathway.missing_pieces`)."""
    return Candidate.missing_pieces > 0


def awaiting_roll_call():
    """Activities not cancelled with someone's attendance not marked."""
    return and_(
        Activity.is_cancelled.is_(False),
        exists().where(
            Enrollment.activity_id == Activity.id, Enrollment.attendance == Attendance.PENDING
        ),
    )


def roll_call_to_take(today: date):
    """Activities held before today, not cancelled, with someone's attendance not marked."""
    return and_(Activity.date < today, awaiting_roll_call())


def excused_ahead(today: date):
    """Enrolments in activities still to come that the person (or a coordinator) excused.
    Read from the activities to come, then their enrolments by (activity, attendance)."""
    coming = select(Activity.id).where(Activity.date >= today, Activity.is_cancelled.is_(False))
    return and_(Enrollment.activity_id.in_(coming), Enrollment.attendance == Attendance.EXCUSED)


@dataclass(frozen=True)
class Workload:
    deadlines_past: int
    deadlines_soon: int
    roll_calls: int
    dossiers_missing_pieces: int
    dossiers_to_declare_complete: int
    dossiers_awaiting_decision: int
    requests_without_outcome: int
    requests_unanswered: int
    excused_absences: int
    my_candidates: int
    # Requests from the public page waiting for an answer (pathway.intake's queue).
    pre_registrations_to_qualify: int = 0


def workload(
    session: Session,
    *,
    departments: tuple[str, ...] | None,
    me_id: int,
    today: date,
    answers_requests: bool = True,
    plain: bool = False,
) -> Workload:
    """Each figure in the scope of these départements (all when None); no pre-registration for
    those who do not answer requests. The statuses, the roll calls and the parents' requests are
    read from the indicators' summary (`plain`: from the records, the same figures)."""
    S = CandidateStatus
    candidates_scope = in_scope(Candidate.department_code, departments)

    def count_candidates(*clauses) -> int:
        return session.scalar(select(func.count(Candidate.id)).where(candidates_scope, *clauses))

    if plain:
        counts = status_counts(session, departments=departments, plain=True)
        deadlines_past = count_candidates(situation.past_deadline_clause(today))
        deadlines_soon = count_candidates(
            situation.deadline_attention_clause(today, within_days=HORIZON_DAYS)
        )
        roll_calls = session.scalar(
            select(func.count(Activity.id)).where(
                in_scope(Activity.department_code, departments), roll_call_to_take(today)
            )
        )
        without_outcome = session.scalar(
            _of_carers_in(
                select(func.count(ContactRequest.id)).where(
                    ContactRequest.outcome == ContactOutcome.NEW
                ),
                departments,
            )
        )
        unanswered = session.scalar(
            _of_carers_in(
                select(func.count(ContactRequest.id)).where(
                    contact_answers.unanswered_clause(today)
                ),
                departments,
            )
        )
    else:
        counts = summarised.statuses(session, departments=departments)
        deadlines_past = _past_deadlines(session, departments, on=today)
        # Past on the day after the horizon: due within it (or before).
        deadlines_soon = _past_deadlines(
            session, departments, on=today + timedelta(days=HORIZON_DAYS + 1)
        )
        roll_calls = summarised.roll_calls_to_take(session, departments=departments, today=today)
        without_outcome = summarised.requests_without_outcome(session, departments=departments)
        unanswered = _unanswered(session, departments, today)
    missing_pieces = counts.get(MISSING_PIECES, 0)

    return Workload(
        deadlines_past=deadlines_past,
        deadlines_soon=deadlines_soon,
        roll_calls=roll_calls,
        dossiers_missing_pieces=missing_pieces,
        dossiers_to_declare_complete=counts.get(S.DOSSIER_FILED.value, 0) - missing_pieces,
        dossiers_awaiting_decision=counts.get(S.UNDER_EVALUATION.value, 0),
        requests_without_outcome=without_outcome,
        requests_unanswered=unanswered,
        excused_absences=session.scalar(
            select(func.count(Enrollment.id))
            .join(Candidate, Candidate.id == Enrollment.candidate_id)
            .where(candidates_scope, excused_ahead(today))
        ),
        my_candidates=count_candidates(Candidate.coordinator_id == me_id),
        pre_registrations_to_qualify=session.scalar(
            select(func.count(PreRegistration.id)).where(
                in_scope(PreRegistration.department_code, departments),
                PreRegistration.status == PreRegistrationStatus.TO_QUALIFY,
            )
        )
        if answers_requests
        else 0,
    )


def _past_deadlines(session: Session, departments, *, on: date) -> int:
    """The candidates past their next deadline on that day (`situation.past_deadline_clause`)."""
    counts = summarised.past_deadline_counts(session, departments=departments, today=on)
    return sum(counts.values())


def _unanswered(session: Session, departments, today: date) -> int:
    """`contact_answers.unanswered_clause`'s count: the summary counts the requests by their
    UTC day, the cutoff is a Paris midnight; the summary gives the UTC days before the cutoff's,
    the records the hours of its day before it."""
    cutoff = contact_answers.unanswered_cutoff(today)
    day = cutoff.astimezone(UTC).date()
    before = summarised.requests_without_outcome(
        session, departments=departments, days=(None, day - timedelta(days=1))
    )
    same_day = session.scalar(
        _of_carers_in(
            select(func.count(ContactRequest.id)).where(
                ContactRequest.outcome == ContactOutcome.NEW,
                ContactRequest.created_at >= datetime.combine(day, time(0), UTC),
                ContactRequest.created_at < cutoff,
            ),
            departments,
        )
    )
    return before + same_day


def _of_carers_in(statement, departments):
    """Parents' requests to carers of these départements (every request when None: no join)."""
    if departments is None:
        return statement
    return statement.join(Carer, Carer.id == ContactRequest.carer_id).where(
        Carer.department_code.in_(departments)
    )


# The key of `status_counts` for the filed dossiers that still miss a piece.
MISSING_PIECES = f"{CandidateStatus.DOSSIER_FILED.value}:missing"


def status_counts(
    session: Session, *, departments: tuple[str, ...] | None, plain: bool = False
) -> dict[str, int]:
    """The candidates in scope by status (its value), and under MISSING_PIECES the filed
    dossiers with a piece still missing; from the indicators' summary unless `plain`."""
    if not plain:
        return summarised.statuses(session, departments=departments)
    scope = in_scope(Candidate.department_code, departments)
    counts = {
        status.value: count
        for status, count in session.execute(
            select(Candidate.status, func.count()).where(scope).group_by(Candidate.status)
        )
    }
    counts[MISSING_PIECES] = session.scalar(
        select(func.count(Candidate.id)).where(
            scope, Candidate.status == CandidateStatus.DOSSIER_FILED, has_missing_pieces()
        )
    )
    return counts
