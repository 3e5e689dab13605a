"""A carer answers a parent's request from her space, and the parent is told; the requests
nobody answered within 7 days, which coordinators follow up (one rule, read by the panel's
home, its list filter and the Monday digest).

Her answer sets the request's outcome: "J'ai pris contact" is CONTACTED; "Place pourvue" and
"Pas de place" are NO_MATCH, the answer itself (`carer_answer`) saying why. The outcomes stay the
four the indicators count; what she said is kept beside them.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from onboarding.pathway import audit, notifications, places
from onboarding.pathway.errors import RuleViolation
from onboarding.pathway.models import (
    AuditAction,
    Carer,
    CarerAnswer,
    ContactOutcome,
    ContactRequest,
    Vacancy,
)

PARIS = ZoneInfo("Europe/Paris")
# Product rule: a request without an answer for 7 days is followed up by the coordinators (the
# parent's acknowledgement promises it).
UNANSWERED_AFTER_DAYS = 7
ANSWER_OUTCOMES = {
    CarerAnswer.CONTACTED: ContactOutcome.CONTACTED,
    CarerAnswer.PLACE_FILLED: ContactOutcome.NO_MATCH,
    CarerAnswer.NO_PLACE: ContactOutcome.NO_MATCH,
}
NOT_HERS = "Cette demande ne vous est pas adressée."
ALREADY = "Cette demande a déjà reçu une réponse."
WHICH_PLACE = "Indiquez quelle place est pourvue."


def unanswered_cutoff(today: date) -> datetime:
    """A request received before this moment, 7 days ago or earlier (Paris days), is overdue."""
    return datetime.combine(today - timedelta(days=UNANSWERED_AFTER_DAYS - 1), time(0), PARIS)


def unanswered_clause(today: date):
    """Requests still without an outcome, received 7 days ago or earlier (Paris days)."""
    return and_(
        ContactRequest.outcome == ContactOutcome.NEW,
        ContactRequest.created_at < unanswered_cutoff(today),
    )


def requests_for(session: Session, carer: Carer) -> list[ContactRequest]:
    """Her requests, those waiting for her answer first, then the newest."""
    rows = session.scalars(
        select(ContactRequest)
        .where(ContactRequest.carer_id == carer.id)
        .order_by(ContactRequest.created_at.desc())
    ).all()
    return sorted(rows, key=lambda r: r.outcome != ContactOutcome.NEW)


def answer_request(
    session: Session,
    carer: Carer,
    request: ContactRequest,
    answer: CarerAnswer,
    *,
    today: date,
    now: datetime,
    vacancy: Vacancy | None = None,
) -> ContactRequest:
    """Her answer: the outcome set, the place closed when it is filled, the parent told; once."""
    if request.carer_id != carer.id:
        raise RuleViolation(NOT_HERS)
    if request.outcome != ContactOutcome.NEW or request.carer_answer is not None:
        raise RuleViolation(ALREADY)
    if answer == CarerAnswer.PLACE_FILLED and carer.vacancies:
        if vacancy is None:
            raise RuleViolation(WHICH_PLACE, field="vacancy")
        if vacancy.carer_id != carer.id:
            raise RuleViolation("Cette place n'est pas la vôtre.", field="vacancy")
        places.close_place(session, vacancy)
    request.carer_answer = answer
    request.answered_at = now
    request.outcome = ANSWER_OUTCOMES[answer]
    request.outcome_on = today
    # Her own answer: no staff member to name.
    audit.record(
        session, actor=None, action=AuditAction.CONTACT_ANSWER, object_type="ContactRequest",
        object_id=request.id, fields=["answered_at", "carer_answer", "outcome", "outcome_on"],
    )  # fmt: skip
    notifications.contact_answered(session, request)
    return request
