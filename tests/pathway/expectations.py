"""Shared assertions of the pathway tests: a refusal changed nothing, a transition was logged."""

from contextlib import contextmanager
from datetime import date

from sqlalchemy import func, select

from onboarding.pathway.models import (
    AgrementDecision,
    Candidate,
    CandidateStatus,
    Carer,
    StaffUser,
    TransitionLog,
)

# What a transition may touch besides the status: if a refused one changed any, it leaked.
WATCHED_FIELDS = (
    "status",
    "status_changed_at",
    "dossier_filed_on",
    "dossier_complete_on",
    "withdrawal_reason",
    "withdrawal_note",
)


def _count(session, model, candidate: Candidate) -> int:
    return session.scalar(
        select(func.count()).select_from(model).where(model.candidate_id == candidate.id)
    )


def _snapshot(session, candidate: Candidate) -> dict:
    state = {field: getattr(candidate, field) for field in WATCHED_FIELDS}
    for model in (TransitionLog, AgrementDecision, Carer):
        state[model.__name__] = _count(session, model, candidate)
    state["first_child_on"] = candidate.carer.first_child_on if candidate.carer else None
    return state


@contextmanager
def nothing_changes(session, candidate: Candidate):
    """Wrap a call that must be refused: the status, the dates, the journal, the decisions and
    the carer profile are as they were (the counts are read after a flush, so a row added to the
    session before the refusal would show)."""
    before = _snapshot(session, candidate)
    try:
        yield
    finally:
        after = _snapshot(session, candidate)
        assert after == before


def last_log(session, candidate: Candidate) -> TransitionLog:
    session.flush()
    return session.scalars(
        select(TransitionLog)
        .where(TransitionLog.candidate_id == candidate.id)
        .order_by(TransitionLog.id.desc())
    ).first()


def assert_logged(
    session,
    candidate: Candidate,
    *,
    name: str,
    source: CandidateStatus,
    target: CandidateStatus,
    actor: StaffUser | None,
    on: date,
) -> TransitionLog:
    """The candidate is at the target status and the journal's last row tells who did it, when."""
    log = last_log(session, candidate)
    assert candidate.status == target
    assert log is not None
    assert (log.name, log.from_status, log.to_status) == (name, source, target)
    assert log.actor_id == (actor.id if actor else None)
    assert log.effective_on == on
    return log
