"""The journals are append-only, and a candidate's status moves only through a transition."""

import pytest
from sqlalchemy import func, select

from onboarding.pathway import audit, transitions
from onboarding.pathway.models import (
    AppendOnlyError,
    AuditAction,
    AuditLog,
    Candidate,
    CandidateStatus,
    StatusAssignmentError,
    TransitionLog,
)
from tests import builders


def _logs(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_a_transition_log_row_cannot_be_changed(session, today):
    candidate = builders.make_candidate(session, CandidateStatus.IN_PATHWAY)
    session.commit()
    log = candidate.transitions[0]
    log.note = "corrigé après coup"
    with pytest.raises(AppendOnlyError, match="TransitionLog rows are never changed"):
        session.flush()
    session.rollback()
    assert session.get(TransitionLog, log.id).note == ""


def test_a_transition_log_row_cannot_be_deleted(session, today):
    candidate = builders.make_candidate(session, CandidateStatus.IN_PATHWAY)
    session.commit()
    session.delete(candidate.transitions[0])
    with pytest.raises(AppendOnlyError, match="TransitionLog rows are never deleted"):
        session.commit()
    session.rollback()
    assert _logs(session, TransitionLog) == 1


def test_an_audit_row_is_appended_then_neither_changed_nor_deleted(session, coordinator_33):
    entry = audit.record(
        session,
        actor=coordinator_33,
        action=AuditAction.UPDATE,
        object_type="Candidate",
        object_id=12,
        fields=["phone", "email"],
    )
    session.commit()
    assert (entry.object_id, entry.fields, entry.actor) == (
        "12",
        ["email", "phone"],
        coordinator_33,
    )
    entry.fields = ["email"]
    with pytest.raises(AppendOnlyError, match="AuditLog rows are never changed"):
        session.flush()
    session.rollback()
    session.delete(entry)
    with pytest.raises(AppendOnlyError, match="AuditLog rows are never deleted"):
        session.flush()
    session.rollback()
    assert _logs(session, AuditLog) == 1
    assert session.scalars(select(AuditLog)).one().fields == ["email", "phone"]


def test_appending_further_rows_is_fine_after_earlier_ones(session, today):
    candidate = builders.make_candidate(session, CandidateStatus.IN_PATHWAY)
    session.commit()
    transitions.withdraw(session, candidate, actor=None, on=today, reason="moved", today=today)
    session.commit()
    assert [log.name for log in candidate.transitions] == ["start_pathway", "withdraw"]


def test_status_cannot_be_assigned_outside_a_transition(session):
    candidate = builders.make_candidate(session)
    with pytest.raises(StatusAssignmentError, match="only through a transition"):
        candidate.status = CandidateStatus.APPROVED
    assert candidate.status == CandidateStatus.REFERRED
    session.commit()
    session.refresh(candidate)
    assert candidate.status == CandidateStatus.REFERRED
    assert _logs(session, TransitionLog) == 0


def test_status_cannot_be_given_when_a_candidate_is_built():
    with pytest.raises(StatusAssignmentError):
        Candidate(first_name="A", last_name="B", status=CandidateStatus.ACTIVE)


def test_a_transition_may_assign_the_status_and_the_guard_is_back_after(session, today):
    candidate = builders.make_candidate(session)
    transitions.start_pathway(session, candidate, actor=None, on=today, today=today)
    assert candidate.status == CandidateStatus.IN_PATHWAY
    with pytest.raises(StatusAssignmentError):
        candidate.status = CandidateStatus.REFERRED


def test_every_audit_action_has_its_own_french_label():
    labels = [action.label for action in AuditAction]
    assert all(action.label and action.label != action.value for action in AuditAction)
    assert len(set(labels)) == len(labels)
    assert AuditAction.label_of("candidate_excuse") == "Absence signalée par la personne"
    # A value no longer in the enumeration (an older row) is shown as it was stored.
    assert AuditAction.label_of("gone") == "gone"


def test_an_audit_row_takes_an_audit_action_and_refuses_a_bare_string(session, coordinator_33):
    with pytest.raises(TypeError, match="AuditAction"):
        audit.record(
            session, actor=coordinator_33, action="update", object_type="Candidate", object_id=1
        )
    entry = audit.record(
        session, actor=coordinator_33, action=AuditAction.ROLL_CALL, object_type="Activity",
        object_id=3,
    )  # fmt: skip
    session.commit()
    assert session.get(AuditLog, entry.id).action == "roll_call"
