"""Candidate.steps_reached follows the attended enrolments through every way they change."""

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from onboarding.pathway import enrollment, steps_reached
from onboarding.pathway.models import (
    ActivityKind,
    Attendance,
    Candidate,
    CandidateStatus,
    Enrollment,
)
from tests import builders
from tests.builders import TODAY


def _stored(session, candidate) -> str | None:
    """The value in the database, not the one the session holds."""
    return session.execute(
        select(Candidate.steps_reached).where(Candidate.id == candidate.id)
    ).scalar_one()


def _truth(session, candidate) -> set[int]:
    rows = session.scalars(
        select(Enrollment).where(
            Enrollment.candidate_id == candidate.id, Enrollment.attendance == Attendance.ATTENDED
        )
    )
    return {row.activity.step_id for row in rows}


def test_encoding_round_trips_and_is_empty_as_none():
    assert steps_reached.encode([3, 1, 3]) == ",1,3,"
    assert steps_reached.encode([]) is None
    assert steps_reached.decode(",1,3,") == {1, 3}
    assert steps_reached.decode(None) == set()


def test_a_roll_call_marks_the_step_reached_and_only_for_those_present(session):
    step = builders.make_step(session)
    activity = builders.make_activity(session, step, on=TODAY)
    present = builders.make_candidate(session, CandidateStatus.IN_PATHWAY)
    absent = builders.make_candidate(session, CandidateStatus.IN_PATHWAY)
    rows = [
        enrollment.enroll(session, person, activity, actor=None, today=TODAY)
        for person in (present, absent)
    ]
    session.flush()
    assert _stored(session, present) is None
    enrollment.take_roll_call(
        session,
        activity,
        [
            enrollment.Mark(rows[0].id, Attendance.ATTENDED.value),
            enrollment.Mark(rows[1].id, Attendance.ABSENT.value),
        ],
        today=TODAY,
    )
    session.commit()
    assert _stored(session, present) == f",{step.id},"
    assert _stored(session, absent) is None
    # The loaded object sees it too, without a reload.
    assert present.steps_reached == f",{step.id},"


def test_correcting_a_roll_call_and_moving_an_activity_follow(session):
    first = builders.make_step(session)
    second = builders.make_step(session, ActivityKind.COACHING)
    activity = builders.make_activity(session, first, on=TODAY)
    candidate = builders.make_candidate(session, CandidateStatus.IN_PATHWAY)
    row = builders.attend(session, candidate, activity)
    session.commit()
    assert _stored(session, candidate) == f",{first.id},"

    activity.step = second
    session.commit()
    assert _stored(session, candidate) == f",{second.id},"

    enrollment.take_roll_call(
        session, activity, [enrollment.Mark(row.id, Attendance.ABSENT.value)], today=TODAY
    )
    session.commit()
    assert _stored(session, candidate) is None


def test_two_activities_of_one_step_and_a_deleted_enrolment(session):
    step = builders.make_step(session)
    other = builders.make_step(session, ActivityKind.MODULE)
    candidate = builders.make_candidate(session, CandidateStatus.IN_PATHWAY)
    builders.attend(session, candidate, builders.make_activity(session, step, on=TODAY))
    builders.attend(
        session, candidate, builders.make_activity(session, step, on=TODAY - timedelta(days=2))
    )
    later = builders.make_activity(session, other, on=TODAY)
    row = builders.attend(session, candidate, later)
    session.commit()
    assert steps_reached.decode(_stored(session, candidate)) == {step.id, other.id}

    session.delete(row)
    session.commit()
    assert _stored(session, candidate) == f",{step.id},"


def test_a_failed_flush_leaves_the_column_as_it_was(session):
    step = builders.make_step(session)
    activity = builders.make_activity(session, step, on=TODAY)
    candidate = builders.make_candidate(session, CandidateStatus.IN_PATHWAY)
    builders.attend(session, candidate, activity)
    session.commit()
    # The same enrolment twice breaks the unique constraint: nothing of the flush stays.
    session.add(Enrollment(candidate=candidate, activity=activity, attendance=Attendance.ATTENDED))
    try:
        session.commit()
    except Exception:
        session.rollback()
    else:
        raise AssertionError("the duplicate enrolment was accepted")
    assert _stored(session, candidate) == f",{step.id},"


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.sampled_from(list(Attendance))), min_size=1, max_size=12
    )
)
def test_the_column_always_equals_the_attended_enrolments(session, marks):
    """Whatever sequence of marks is recorded, the column says what the enrolments say."""
    steps = [builders.make_step(session) for _ in range(2)]
    activities = [
        builders.make_activity(session, steps[number % 2], on=TODAY - timedelta(days=number))
        for number in range(4)
    ]
    candidate = builders.make_candidate(session, CandidateStatus.IN_PATHWAY)
    rows = {}
    for index, attendance in marks:
        activity = activities[index]
        if index not in rows:
            rows[index] = enrollment.enroll(
                session, candidate, activity, actor=None, today=activity.date
            )
            session.flush()
        rows[index].attendance = attendance
        session.flush()
        assert steps_reached.decode(_stored(session, candidate)) == _truth(session, candidate)
    session.rollback()
