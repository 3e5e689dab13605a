"""Waiting lists: joining a full activity, the order kept, a freed seat enrolled at once or
offered, confirmation, expiry, and two seats freed at once (two connections on PostgreSQL)."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from onboarding.extensions import db
from onboarding.pathway import clock, enrollment, transitions, waiting_lists
from onboarding.pathway.errors import ActivityFull, DuplicateError, RuleViolation
from onboarding.pathway.models import (
    Activity,
    ActivityKind,
    AuditAction,
    AuditLog,
    CandidateStatus,
    Enrollment,
    MessageKind,
    OutboxMessage,
    WaitingListEntry,
    WithdrawalReason,
)
from onboarding.pathway.models import WaitingStatus as W
from tests import builders
from tests.conftest import only_on
from tests.pathway.test_enrollment import _wait_until_blocked_on_a_lock

S = CandidateStatus


def _full_activity(session, today, *, days: int, capacity: int = 1):
    step = builders.make_step(session, ActivityKind.COACHING, title="Atelier dossier")
    activity = builders.make_activity(session, step, on=today + timedelta(days=days),
                                      capacity=capacity)  # fmt: skip
    holders = [builders.make_candidate(session, S.IN_PATHWAY) for _ in range(capacity)]
    enrolments = [enrollment.enroll(session, c, activity, actor=None, today=today) for c in holders]
    return activity, enrolments


def _waiting(session, activity, count: int):
    people = [
        builders.make_candidate(session, S.IN_PATHWAY, email=f"attente{n}@example.org")
        for n in range(count)
    ]
    return [waiting_lists.join(session, p, activity, actor=None) for p in people]


def _enrolled_ids(session, activity_id) -> set[int]:
    query = select(Enrollment.candidate_id).where(Enrollment.activity_id == activity_id)
    return set(session.scalars(query))


def _offers(session) -> list[OutboxMessage]:
    return list(
        session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == MessageKind.WAITING_LIST_OFFER)
        )
    )


# Joining ------------------------------------------------------------------------------------


def test_joining_a_full_activity_keeps_the_order_of_arrival(session, today, coordinator_33):
    activity, _ = _full_activity(session, today, days=10)
    late = builders.make_candidate(session, S.IN_PATHWAY)
    with pytest.raises(ActivityFull):
        enrollment.enroll(session, late, activity, actor=None, today=today)
    first, second = _waiting(session, activity, 2)
    third = waiting_lists.join(session, late, activity, actor=coordinator_33)
    assert [e.id for e in waiting_lists.queue(session, activity)] == [first.id, second.id, third.id]
    assert {e.status for e in waiting_lists.queue(session, activity)} == {W.WAITING}
    # The page's states, counted in one pass, are each entry's own rank.
    second.status = W.WITHDRAWN
    assert [state for _, state in waiting_lists.queue_with_states(session, activity)] == [
        "1re en attente",
        waiting_lists.rank_text(session, second),
        "2e en attente",
    ]
    assert waiting_lists.rank_text(session, third) == "2e en attente"
    second.status = W.WAITING
    logged = session.scalars(
        select(AuditLog.actor_id).where(AuditLog.action == AuditAction.WAITING_LIST_JOIN.value)
    ).all()
    assert logged.count(coordinator_33.id) == 1
    assert len(logged) == 3


def test_joining_is_refused_when_seats_are_left_twice_or_out_of_the_pathway(session, today):
    step = builders.make_step(session, ActivityKind.COACHING)
    open_activity = builders.make_activity(session, step, on=today + timedelta(days=10))
    person = builders.make_candidate(session, S.IN_PATHWAY)
    with pytest.raises(RuleViolation, match="inscrivez directement"):
        waiting_lists.join(session, person, open_activity, actor=None)
    activity, _ = _full_activity(session, today, days=10)
    waiting_lists.join(session, person, activity, actor=None)
    with pytest.raises(DuplicateError, match="déjà sur la liste d'attente"):
        waiting_lists.join(session, person, activity, actor=None)
    gone = builders.make_candidate(session, S.WITHDRAWN)
    with pytest.raises(RuleViolation, match="ne peut plus être inscrit"):
        waiting_lists.join(session, gone, activity, actor=None)
    assert session.scalar(select(func.count()).select_from(WaitingListEntry)) == 1


# A seat freed -------------------------------------------------------------------------------


def test_a_seat_freed_three_days_ahead_enrols_the_first_waiting_at_once(session, today):
    activity, (held,) = _full_activity(session, today, days=3)
    first, second = _waiting(session, activity, 2)
    enrollment.cancel_enrollment(session, held)
    session.expire_all()
    assert (first.status, second.status) == (W.ENROLLED, W.WAITING)
    assert _enrolled_ids(session, activity.id) == {first.candidate_id}
    assert activity.seats_taken == activity.capacity == 1
    # She is told as by any enrolment: the invitation is queued.
    invitation = session.scalar(
        select(OutboxMessage).where(OutboxMessage.kind == MessageKind.ENROLLMENT_INVITATION,
                                    OutboxMessage.candidate_id == first.candidate_id)
    )  # fmt: skip
    assert invitation is not None
    assert _offers(session) == []


def test_an_excused_absence_before_the_day_offers_the_seat_when_close(session, today, app):
    activity, (held,) = _full_activity(session, today, days=2)
    first, second = _waiting(session, activity, 2)
    enrollment.excuse(session, held, today=today, by_candidate=True)
    session.expire_all()
    assert (first.status, second.status) == (W.OFFERED, W.WAITING)
    assert first.offered_at == clock.now()
    assert first.offer_expires_at == clock.now() + timedelta(hours=24)
    # The seat is held for her: nobody else can take it meanwhile.
    assert activity.seats_taken == 1
    with pytest.raises(ActivityFull):
        enrollment.enroll(
            session, builders.make_candidate(session, S.IN_PATHWAY), activity, actor=None,
            today=today,
        )  # fmt: skip
    assert [m.candidate_id for m in _offers(session)] == [first.candidate_id]
    assert _enrolled_ids(session, activity.id) == {held.candidate_id}  # her line, excused

    taken = waiting_lists.confirm(session, first)
    assert taken.candidate_id == first.candidate_id
    assert first.status == W.ENROLLED
    assert activity.seats_taken == 1  # the held seat became hers, not a second one
    with pytest.raises(RuleViolation, match="Aucune place"):
        waiting_lists.confirm(session, first)


def test_the_offer_never_outlasts_the_start_and_the_delay_is_configurable(session, today):
    activity, (held,) = _full_activity(session, today, days=1)
    (first,) = _waiting(session, activity, 1)
    waiting_lists.configure(offer_hours=48)
    try:
        enrollment.cancel_enrollment(session, held)
    finally:
        waiting_lists.configure(offer_hours=24)
    session.expire_all()
    assert first.status == W.OFFERED
    # Tomorrow 9:30 Paris, not now + 48 h.
    assert first.offer_expires_at.astimezone(clock.PARIS).strftime("%d/%m %H:%M") == (
        f"{activity.date:%d/%m} 09:30"
    )


def test_an_offer_not_confirmed_in_time_expires_and_passes_to_the_next(session, today):
    activity, (held,) = _full_activity(session, today, days=2)
    first, second, third = _waiting(session, activity, 3)
    enrollment.cancel_enrollment(session, held)
    session.commit()
    with clock.frozen_at(clock.now() + timedelta(hours=23)):
        assert waiting_lists.expire_offers(session) == 0
    with clock.frozen_at(clock.now() + timedelta(hours=24, minutes=1)):
        with pytest.raises(RuleViolation, match="délai pour accepter"):
            waiting_lists.confirm(session, first)
        assert waiting_lists.expire_offers(session) == 1
        session.expire_all()
        assert (first.status, second.status, third.status) == (W.EXPIRED, W.OFFERED, W.WAITING)
        assert activity.seats_taken == 1
        # The next one declines: the seat goes to the third.
        waiting_lists.leave(session, second)
        session.expire_all()
        assert (second.status, third.status) == (W.WITHDRAWN, W.OFFERED)
        assert activity.seats_taken == 1
        waiting_lists.leave(session, third)
    session.expire_all()
    # Nobody left: the seat is the activity's again.
    assert activity.seats_taken == 0
    assert _enrolled_ids(session, activity.id) == set()
    assert sorted(m.candidate_id for m in _offers(session)) == sorted(
        e.candidate_id for e in (first, second, third)
    )


def test_people_who_may_no_longer_be_enrolled_are_skipped(session, today):
    activity, (held,) = _full_activity(session, today, days=10)
    first, second = _waiting(session, activity, 2)
    transitions.withdraw(session, first.candidate, actor=None, on=today,
                         reason=WithdrawalReason.MOVED, today=today)  # fmt: skip
    session.expire_all()
    assert first.status == W.WITHDRAWN  # leaving the pathway takes her off every list
    enrollment.cancel_enrollment(session, held)
    session.expire_all()
    assert second.status == W.ENROLLED


def test_withdrawing_someone_holding_an_offer_passes_the_seat_on(session, today):
    activity, (held,) = _full_activity(session, today, days=1)
    first, second = _waiting(session, activity, 2)
    enrollment.cancel_enrollment(session, held)
    session.expire_all()
    assert first.status == W.OFFERED
    transitions.withdraw(session, first.candidate, actor=None, on=today,
                         reason=WithdrawalReason.MOVED, today=today)  # fmt: skip
    session.expire_all()
    assert (first.status, second.status) == (W.WITHDRAWN, W.OFFERED)
    assert activity.seats_taken == 1


# Two seats freed at once --------------------------------------------------------------------


def _two_seats_setup(session, today, *, days: int):
    activity, (a, b) = _full_activity(session, today, days=days, capacity=2)
    waiting = _waiting(session, activity, 3)
    session.commit()
    return activity.id, a.id, b.id, [e.id for e in waiting]


def _assert_two_served(session, activity_id, waiting_ids, served: W):
    session.expire_all()
    statuses = [session.get(WaitingListEntry, i).status for i in waiting_ids]
    assert statuses == [served, served, W.WAITING]
    activity = session.get(Activity, activity_id)
    assert activity.seats_taken == activity.capacity == 2


def _cancel(session_x: Session, enrollment_id: int) -> None:
    enrollment.cancel_enrollment(session_x, session_x.get(Enrollment, enrollment_id))


@pytest.mark.parametrize(("days", "served"), [(10, W.ENROLLED), (1, W.OFFERED)])
def test_two_seats_freed_one_after_the_other_serve_two_people(session, today, days, served):
    """Both backends: two sessions, the second opened before the first commits."""
    activity_id, a_id, b_id, waiting_ids = _two_seats_setup(session, today, days=days)
    session_a, session_b = Session(bind=db.engine), Session(bind=db.engine)
    try:
        session_b.get(Activity, activity_id)
        _cancel(session_a, a_id)
        session_a.commit()
        _cancel(session_b, b_id)
        session_b.commit()
    finally:
        session_a.close()
        session_b.close()
    _assert_two_served(session, activity_id, waiting_ids, served)
    if served == W.ENROLLED:
        enrolled = sorted(session.scalars(select(Enrollment.candidate_id)))
        assert len(enrolled) == len(set(enrolled)) == 2


@only_on("postgresql")
@pytest.mark.parametrize(("days", "served"), [(10, W.ENROLLED), (1, W.OFFERED)])
def test_two_seats_freed_at_once_never_give_the_same_seat_twice(session, today, days, served):
    """PostgreSQL, two real connections: A frees a seat and serves the first person, not yet
    committed; B frees the other seat at the same moment and waits on the activity's row, then
    serves the second person, never the first again."""
    activity_id, a_id, b_id, waiting_ids = _two_seats_setup(session, today, days=days)
    session_a, session_b = Session(bind=db.engine), Session(bind=db.engine)
    outcome: dict[str, object] = {}
    ready = threading.Event()

    def coordinator_b() -> None:
        try:
            session_b.execute(text("SET LOCAL lock_timeout = '15s'"))
            outcome["pid"] = session_b.scalar(text("SELECT pg_backend_pid()"))
            target = session_b.get(Enrollment, b_id)
            ready.set()
            with clock.frozen(today):
                enrollment.cancel_enrollment(session_b, target)
            outcome["result"] = "done"
            session_b.commit()
        except Exception as error:  # reported to the main thread, which asserts on it
            outcome["result"] = error
            session_b.rollback()
        finally:
            ready.set()

    thread = threading.Thread(target=coordinator_b)
    try:
        _cancel(session_a, a_id)  # seat freed and handed out, activity row locked
        thread.start()
        assert ready.wait(10)
        _wait_until_blocked_on_a_lock(outcome["pid"])
        assert thread.is_alive()
        session_a.commit()
        thread.join(20)
        assert not thread.is_alive()
    finally:
        session_a.close()
        if thread.ident is not None:
            thread.join(20)
        session_b.close()
    assert outcome["result"] == "done", outcome["result"]
    _assert_two_served(session, activity_id, waiting_ids, served)
    if served == W.ENROLLED:
        enrolled = sorted(session.scalars(select(Enrollment.candidate_id)))
        assert len(enrolled) == len(set(enrolled)) == 2
    offered = [m.subject_id for m in _offers(session)]
    assert len(offered) == len(set(offered))


def test_send_due_expires_late_offers_and_tells_the_next(session, today, runner):
    activity, (held,) = _full_activity(session, today, days=2)
    first, second = _waiting(session, activity, 2)
    enrollment.cancel_enrollment(session, held)
    session.commit()
    with clock.frozen_at(clock.now() + timedelta(hours=25)):
        result = runner.invoke(args=["send-due"])
    assert result.exit_code == 0, result.output
    assert "1 waiting-list offer(s) expired and passed on." in result.output
    session.expire_all()
    assert (first.status, second.status) == (W.EXPIRED, W.OFFERED)
    told = {m.candidate_id: m.status.value for m in _offers(session)}
    # The first one's offer has nothing left to say; the second's leaves in the same run.
    assert told == {first.candidate_id: "obsolete", second.candidate_id: "sent"}


def test_enrolling_someone_on_the_list_settles_her_entry(session, today):
    activity, (held,) = _full_activity(session, today, days=1)
    first, second = _waiting(session, activity, 2)
    enrollment.cancel_enrollment(session, held)  # offered to the first, seat held
    session.expire_all()
    assert first.status == W.OFFERED
    # The coordinator enrols her directly: the held seat is hers, not a second one.
    enrollment.enroll(session, first.candidate, activity, actor=None, today=today)
    session.expire_all()
    assert first.status == W.ENROLLED
    assert activity.seats_taken == 1
    # The second, waiting, cannot be enrolled directly while the activity is full.
    with pytest.raises(ActivityFull):
        enrollment.enroll(session, second.candidate, activity, actor=None, today=today)
    session.expire_all()
    assert second.status == W.WAITING  # refused before anything was written
