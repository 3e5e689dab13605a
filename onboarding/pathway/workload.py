"""What needs a coordinator this week: the counts behind the panel's home, and the SQL clauses the
panel's list filters share with them (so a figure and the list it links to cannot disagree)."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session

from onboarding.pathway import contact_answers, situation
from onboarding.pathway.models import (
    Activity,
    Attendance,
    Candidate,
    CandidateStatus,
    Carer,
    ContactOutcome,
    ContactRequest,
    DossierItem,
    DossierItemStatus,
    Enrollment,
    PreRegistration,
    PreRegistrationStatus,
)

# Product rule: the home looks two weeks ahead.
HORIZON_DAYS = 14


def has_missing_pieces():
    """Candidates with at least one dossier piece still missing."""
    return exists().where(
        DossierItem.candidate_id == Candidate.id, DossierItem.status == DossierItemStatus.MISSING
    )


def roll_call_to_take(today: date):
    """Activities held before today, not cancelled, with someone's attendance not marked."""
    return and_(
        Activity.date < today,
        Activity.is_cancelled.is_(False),
        exists().where(
            Enrollment.activity_id == Activity.id, Enrollment.attendance == Attendance.PENDING
        ),
    )


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
    candidates_scope,
    activities_scope,
    carers_scope,
    me_id: int,
    today: date,
    pre_registrations_scope=None,
) -> Workload:
    """Each figure in scope (the scopes are SQL clauses on Candidate, Activity, Carer and
    PreRegistration; without the last, for those who do not answer requests, it counts none)."""
    S = CandidateStatus

    def count_candidates(*clauses) -> int:
        return session.scalar(select(func.count(Candidate.id)).where(candidates_scope, *clauses))

    # One pass over the filed dossiers for both of their figures.
    filed, missing_pieces = session.execute(
        select(
            func.count(Candidate.id), func.count(Candidate.id).filter(has_missing_pieces())
        ).where(candidates_scope, Candidate.status == S.DOSSIER_FILED)
    ).one()

    return Workload(
        deadlines_past=count_candidates(situation.past_deadline_clause(today)),
        deadlines_soon=count_candidates(
            situation.deadline_attention_clause(today, within_days=HORIZON_DAYS)
        ),
        roll_calls=session.scalar(
            select(func.count(Activity.id)).where(activities_scope, roll_call_to_take(today))
        ),
        dossiers_missing_pieces=missing_pieces,
        dossiers_to_declare_complete=filed - missing_pieces,
        dossiers_awaiting_decision=count_candidates(Candidate.status == S.UNDER_EVALUATION),
        requests_without_outcome=session.scalar(
            select(func.count(ContactRequest.id))
            .join(Carer, Carer.id == ContactRequest.carer_id)
            .where(carers_scope, ContactRequest.outcome == ContactOutcome.NEW)
        ),
        requests_unanswered=session.scalar(
            select(func.count(ContactRequest.id))
            .join(Carer, Carer.id == ContactRequest.carer_id)
            .where(carers_scope, contact_answers.unanswered_clause(today))
        ),
        excused_absences=session.scalar(
            select(func.count(Enrollment.id))
            .join(Candidate, Candidate.id == Enrollment.candidate_id)
            .where(candidates_scope, excused_ahead(today))
        ),
        my_candidates=count_candidates(Candidate.coordinator_id == me_id),
        pre_registrations_to_qualify=0
        if pre_registrations_scope is None
        else session.scalar(
            select(func.count(PreRegistration.id)).where(
                pre_registrations_scope,
                PreRegistration.status == PreRegistrationStatus.TO_QUALIFY,
            )
        ),
    )
