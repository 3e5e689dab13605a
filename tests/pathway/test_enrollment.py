"""Enrolments: seats held by the database (one conditional UPDATE), cancel, excuse, roll call."""

import threading
import time
from datetime import time as clock
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from onboarding.extensions import db
from onboarding.pathway import enrollment
from onboarding.pathway.enrollment import Mark
from onboarding.pathway.errors import ActivityFull, DuplicateError, RuleViolation
from onboarding.pathway.models import (
    Activity,
    ActivityKind,
    Attendance,
    AuditLog,
    Candidate,
    CandidateStatus,
    Enrollment,
)
from tests import builders
from tests.conftest import only_on

S = CandidateStatus


def _activity(session, *, on, capacity=12, title="Atelier dossier"):
    step = builders.make_step(session, ActivityKind.COACHING, title=title)
    # 9:30 to 12:00: 2.5 hours.
    return builders.make_activity(session, step, on=on, capacity=capacity)


def _enrollments(session) -> int:
    return session.scalar(select(func.count()).select_from(Enrollment))


# Enrol --------------------------------------------------------------------------------------


def test_enroll_takes_a_seat_and_records_who_enrolled(session, today, coordinator_33):
    candidate = builders.make_candidate(session, S.IN_PATHWAY)
    activity = _activity(session, on=today + timedelta(days=2), capacity=3)
    row = enrollment.enroll(session, candidate, activity, actor=coordinator_33, today=today)
    assert (row.candidate, row.activity, row.enrolled_by) == (candidate, activity, coordinator_33)
    assert row.attendance == Attendance.PENDING
    assert row.hours_credited is None
    assert (activity.seats_taken, activity.seats_left) == (1, 2)


def test_enroll_twice_in_the_same_activity_refused(session, today):
    candidate = builders.make_candidate(session, S.IN_PATHWAY)
    activity = _activity(session, on=today)
    enrollment.enroll(session, candidate, activity, actor=None, today=today)
    with pytest.raises(DuplicateError, match="est déjà inscrit\\(e\\) à cette activité"):
        enrollment.enroll(session, candidate, activity, actor=None, today=today)
    assert activity.seats_taken == 1
    assert _enrollments(session) == 1


def test_enroll_and_waiting_list_refuse_an_activity_of_another_departement(session, today):
    """Each département's activities are for the people it follows, whatever page asks."""
    from onboarding.pathway import waiting_lists

    from_24 = builders.make_candidate(session, S.IN_PATHWAY, commune=builders.PERIGUEUX)
    in_33 = _activity(session, on=today + timedelta(days=2), capacity=1)
    refusal = (
        "suit le parcours dans le département 24 : "
        "cette activité est organisée dans le département 33"
    )
    with pytest.raises(RuleViolation, match=refusal):
        enrollment.enroll(session, from_24, in_33, actor=None, today=today)
    assert (_enrollments(session), in_33.seats_taken) == (0, 0)
    enrollment.enroll(
        session, builders.make_candidate(session, S.IN_PATHWAY), in_33, actor=None, today=today
    )
    with pytest.raises(RuleViolation, match=refusal):
        waiting_lists.join(session, from_24, in_33, actor=None)
    assert waiting_lists.active_entry(session, from_24, in_33) is None


def test_enroll_refused_once_the_pathway_is_closed(session, today):
    closed = [builders.make_candidate(session, status) for status in (S.WITHDRAWN, S.REFUSED)]
    activity = _activity(session, on=today)
    for candidate in closed:
        status = candidate.status
        with pytest.raises(
            RuleViolation, match=f"ne peut plus être inscrit\\(e\\) : statut « {status.label} »"
        ):
            enrollment.enroll(session, candidate, activity, actor=None, today=today)
    assert activity.seats_taken == 0
    assert _enrollments(session) == 0


def test_enroll_in_a_cancelled_activity_refused(session, today):
    candidate = builders.make_candidate(session, S.IN_PATHWAY)
    activity = _activity(session, on=today)
    activity.is_cancelled = True
    with pytest.raises(RuleViolation, match="Cette activité est annulée"):
        enrollment.enroll(session, candidate, activity, actor=None, today=today)
    assert _enrollments(session) == 0


def test_enroll_in_a_full_activity_refused_with_a_french_message(session, today):
    first, second = (builders.make_candidate(session, S.IN_PATHWAY) for _ in range(2))
    activity = _activity(
        session, on=today + timedelta(days=1), capacity=1, title="Premiers secours"
    )
    enrollment.enroll(session, first, activity, actor=None, today=today)
    with pytest.raises(
        ActivityFull, match=r"« Premiers secours » du 17/03/2026 est complète \(1 place"
    ):
        enrollment.enroll(session, second, activity, actor=None, today=today)
    assert activity.seats_taken == activity.capacity == 1
    assert [e.candidate for e in session.scalars(select(Enrollment))] == [first]


def test_cancel_gives_the_seat_back(session, today):
    first, second = (builders.make_candidate(session, S.IN_PATHWAY) for _ in range(2))
    activity = _activity(session, on=today + timedelta(days=1), capacity=1)
    row = enrollment.enroll(session, first, activity, actor=None, today=today)
    enrollment.cancel_enrollment(session, row)
    assert activity.seats_taken == 0
    assert _enrollments(session) == 0
    assert row not in activity.enrollments
    assert row not in first.enrollments
    # The seat is free for someone else.
    enrollment.enroll(session, second, activity, actor=None, today=today)
    assert activity.seats_taken == 1
    session.commit()
    assert [e.candidate_id for e in activity.enrollments] == [second.id]


def test_cancel_after_the_roll_call_refused(session, today):
    candidate = builders.make_candidate(session, S.IN_PATHWAY)
    activity = _activity(session, on=today)
    row = builders.attend(session, candidate, activity)
    with pytest.raises(RuleViolation, match="La présence est déjà relevée"):
        enrollment.cancel_enrollment(session, row)
    assert activity.seats_taken == 1
    assert _enrollments(session) == 1


# Excuse -------------------------------------------------------------------------------------


def test_excuse_in_advance_marks_excused_without_hours(session, today):
    candidate = builders.make_candidate(session, S.IN_PATHWAY)
    activity = _activity(session, on=today + timedelta(days=3))
    row = enrollment.enroll(session, candidate, activity, actor=None, today=today)
    enrollment.excuse(session, row, today=today, by_candidate=True)
    assert row.attendance == Attendance.EXCUSED
    assert row.hours_credited == 0
    assert row.excused_by_candidate
    assert row.marked_at is not None
    # The domain keeps it in the audit log, whoever calls it.
    of_row = select(AuditLog).where(
        AuditLog.object_type == "Enrollment", AuditLog.object_id == str(row.id)
    )
    assert [(e.action, e.actor) for e in session.scalars(of_row)] == [("candidate_excuse", None)]
    enrollment.take_back(session, row, today=today)
    logged = session.scalars(of_row).all()
    assert [e.action for e in logged] == ["candidate_excuse", "candidate_take_back"]


def test_excuse_for_a_past_activity_refused(session, today):
    candidate = builders.make_candidate(session, S.IN_PATHWAY)
    activity = _activity(session, on=today - timedelta(days=1))
    row = enrollment.enroll(session, candidate, activity, actor=None, today=today)
    with pytest.raises(RuleViolation, match="a déjà eu lieu"):
        enrollment.excuse(session, row, today=today, by_candidate=True)
    assert row.attendance == Attendance.PENDING


def test_excuse_after_the_roll_call_refused(session, today):
    candidate = builders.make_candidate(session, S.IN_PATHWAY)
    activity = _activity(session, on=today)
    row = builders.attend(session, candidate, activity)
    with pytest.raises(RuleViolation, match="déjà relevée"):
        enrollment.excuse(session, row, today=today, by_candidate=False)
    assert row.attendance == Attendance.ATTENDED


# Roll call ----------------------------------------------------------------------------------


@pytest.fixture
def three_enrolled(session, today):
    activity = _activity(session, on=today)
    rows = [
        enrollment.enroll(session, builders.make_candidate(session, S.IN_PATHWAY), activity,
                          actor=None, today=today)
        for _ in range(3)
    ]  # fmt: skip
    return activity, rows


def test_roll_call_credits_the_duration_or_the_hours_typed(session, today, three_enrolled):
    activity, (a, b, c) = three_enrolled
    assert activity.duration_hours == Decimal("2.50")
    marked = enrollment.take_roll_call(
        session, activity,
        [Mark(a.id, "attended"), Mark(b.id, "attended", "1,5"), Mark(c.id, "absent", "2")],
        today=today,
    )  # fmt: skip
    assert marked == [a, b, c]
    assert [(e.attendance, e.hours_credited) for e in (a, b, c)] == [
        (Attendance.ATTENDED, Decimal("2.50")),
        (Attendance.ATTENDED, Decimal("1.50")),
        (Attendance.ABSENT, Decimal(0)),
    ]
    assert all(e.marked_at is not None for e in (a, b, c))


def test_enrolments_and_the_roll_call_are_recorded_by_the_domain(
    session, today, three_enrolled, coordinator_33
):
    activity, (a, b, c) = three_enrolled
    of_activity = (
        select(AuditLog.action, AuditLog.actor_id)
        .where(AuditLog.object_type == "Activity", AuditLog.object_id == str(activity.id))
        .order_by(AuditLog.id)
    )
    assert session.execute(of_activity).all() == [("enrol", None)] * 3
    with pytest.raises(RuleViolation):
        enrollment.take_roll_call(session, activity, [Mark(a.id, "late")], today=today)
    marks = [Mark(row.id, "attended") for row in (a, b, c)]
    enrollment.take_roll_call(session, activity, marks, today=today, actor=coordinator_33)
    session.flush()
    assert session.execute(of_activity).all()[3:] == [("roll_call", coordinator_33.id)]


def test_roll_call_accepts_hours_equal_to_the_duration(session, today, three_enrolled):
    activity, (a, *_rest) = three_enrolled
    enrollment.take_roll_call(session, activity, [Mark(a.id, "attended", "2.5")], today=today)
    assert a.hours_credited == Decimal("2.50")


WRONG_LINES = [
    (("attended", "2.75"), r"les heures .* durée de l'activité \(2,5 h\)", "hours"),
    (("attended", "0"), "les heures créditées vont de 0", "hours"),
    (("attended", "-1"), "les heures créditées vont de 0", "hours"),
    (("attended", "NaN"), "les heures créditées vont de 0", "hours"),
    (("attended", "deux"), "nombre d'heures illisible", "hours"),
    (("late", None), "présence non reconnue", "attendance"),
    (("pending", None), "indiquez présent, absent excusé ou absent", "attendance"),
]  # fmt: skip


def test_one_wrong_line_leaves_the_whole_roll_call_unchanged(session, today, three_enrolled):
    """All or nothing: hours above the duration, or any unreadable line, and no line is marked."""
    activity, (a, b, c) = three_enrolled
    for mark, message, field in WRONG_LINES:
        marks = [Mark(a.id, "attended"), Mark(b.id, *mark), Mark(c.id, "absent")]
        with pytest.raises(RuleViolation, match=f"{b.candidate.full_name} : {message}") as refused:
            enrollment.take_roll_call(session, activity, marks, today=today)
        assert refused.value.field == field
        session.flush()
        session.expire_all()
        for row in (a, b, c):
            assert (row.attendance, row.hours_credited, row.marked_at) == (
                Attendance.PENDING, None, None,
            )  # fmt: skip


def test_roll_call_line_of_another_activity_refused(session, today, three_enrolled):
    activity, (a, *_rest) = three_enrolled
    other = _activity(session, on=today)
    stranger = enrollment.enroll(
        session, builders.make_candidate(session, S.IN_PATHWAY), other, actor=None, today=today
    )
    with pytest.raises(RuleViolation, match="aucune inscription de cette activité"):
        enrollment.take_roll_call(
            session, activity, [Mark(a.id, "attended"), Mark(stranger.id, "attended")], today=today
        )
    assert a.attendance == stranger.attendance == Attendance.PENDING


def test_roll_call_of_a_future_activity_refused(session, today):
    candidate = builders.make_candidate(session, S.IN_PATHWAY)
    activity = _activity(session, on=today + timedelta(days=1))
    row = enrollment.enroll(session, candidate, activity, actor=None, today=today)
    with pytest.raises(RuleViolation, match="le jour de l'activité ou après"):
        enrollment.take_roll_call(session, activity, [Mark(row.id, "attended")], today=today)
    assert row.attendance == Attendance.PENDING
    # The day itself is fine.
    enrollment.take_roll_call(
        session, activity, [Mark(row.id, "attended")], today=today + timedelta(days=1)
    )
    assert row.attendance == Attendance.ATTENDED


def test_duration_hours_of_an_activity():
    activity = Activity(start_time=clock(9, 0), end_time=clock(10, 20))
    assert activity.duration_hours == Decimal("1.33")


# Seats held by the database across sessions -------------------------------------------------


def _last_seat_setup(session, today):
    activity = _activity(session, on=today + timedelta(days=5), capacity=2, title="Dernière place")
    first, second, third = (builders.make_candidate(session, S.IN_PATHWAY) for _ in range(3))
    enrollment.enroll(session, first, activity, actor=None, today=today)
    session.commit()
    return activity.id, second.id, third.id


def test_two_sessions_one_after_the_other_cannot_overfill_an_activity(session, today):
    """Both backends: the second coordinator's session, opened before the first commits its
    enrolment, still finds the activity full once its turn comes."""
    activity_id, second_id, third_id = _last_seat_setup(session, today)
    session_a, session_b = Session(bind=db.engine), Session(bind=db.engine)
    try:
        # B reads the activity first: in its memory there is still one seat left.
        activity_b = session_b.get(Activity, activity_id)
        candidate_b = session_b.get(Candidate, third_id)
        assert activity_b.seats_left == 1

        enrollment.enroll(
            session_a, session_a.get(Candidate, second_id), session_a.get(Activity, activity_id),
            actor=None, today=today,
        )  # fmt: skip
        session_a.commit()

        with pytest.raises(ActivityFull):
            enrollment.enroll(session_b, candidate_b, activity_b, actor=None, today=today)
        session_b.rollback()
    finally:
        session_a.close()
        session_b.close()
    session.expire_all()
    activity = session.get(Activity, activity_id)
    assert activity.seats_taken == activity.capacity == 2
    enrolled = set(session.scalars(select(Enrollment.candidate_id)))
    assert second_id in enrolled
    assert third_id not in enrolled
    assert len(enrolled) == 2


def _wait_until_blocked_on_a_lock(pid: int, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    with db.engine.connect() as watcher:
        while time.monotonic() < deadline:
            waiting = watcher.scalar(
                text("SELECT wait_event_type FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}
            )
            watcher.rollback()
            if waiting == "Lock":
                return
            time.sleep(0.02)
    raise AssertionError("session B never waited on the activity's row lock")


@only_on("postgresql")
def test_two_coordinators_take_the_last_seat_at_once_only_one_succeeds(session, today):
    """PostgreSQL, two real connections: A's UPDATE holds the row; B's UPDATE waits for it, then
    re-reads the row A committed and finds no seat left (READ COMMITTED)."""
    activity_id, second_id, third_id = _last_seat_setup(session, today)
    session_a, session_b = Session(bind=db.engine), Session(bind=db.engine)
    outcome: dict[str, object] = {}
    ready = threading.Event()

    def coordinator_b() -> None:
        try:
            session_b.execute(text("SET LOCAL lock_timeout = '15s'"))
            outcome["pid"] = session_b.scalar(text("SELECT pg_backend_pid()"))
            candidate = session_b.get(Candidate, third_id)
            activity = session_b.get(Activity, activity_id)
            outcome["seats_left_seen"] = activity.seats_left
            ready.set()
            enrollment.enroll(session_b, candidate, activity, actor=None, today=today)
            outcome["result"] = "enrolled"
            session_b.commit()
        except Exception as error:  # reported to the main thread, which asserts on it
            outcome["result"] = error
            session_b.rollback()
        finally:
            ready.set()

    thread = threading.Thread(target=coordinator_b)
    try:
        enrollment.enroll(
            session_a, session_a.get(Candidate, second_id), session_a.get(Activity, activity_id),
            actor=None, today=today,
        )  # fmt: skip  # UPDATE done, row locked, not committed
        thread.start()
        assert ready.wait(10)
        assert outcome.get("seats_left_seen") == 1, outcome  # B saw the last seat free
        _wait_until_blocked_on_a_lock(outcome["pid"])
        assert thread.is_alive()  # still waiting for A
        session_a.commit()
        thread.join(20)
        assert not thread.is_alive()
    finally:
        # If anything above failed, closing A releases the row lock and lets B finish first.
        session_a.close()
        if thread.ident is not None:
            thread.join(20)
        session_b.close()

    assert isinstance(outcome["result"], ActivityFull), outcome["result"]
    assert "est complète (2 places)" in outcome["result"].message
    session.expire_all()
    activity = session.get(Activity, activity_id)
    assert activity.seats_taken == activity.capacity == 2
    enrolled = sorted(session.scalars(select(Enrollment.candidate_id)))
    assert second_id in enrolled
    assert third_id not in enrolled
    assert len(enrolled) == 2
