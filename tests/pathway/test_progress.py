"""Progress against the configured pathway (product rule), from attended activities only."""

from datetime import timedelta
from decimal import Decimal

from onboarding.pathway import enrollment, progress
from onboarding.pathway.enrollment import Mark
from onboarding.pathway.models import ActivityKind, CandidateStatus, PathwayStep
from onboarding.pathway.progress import StepProgress, format_hours
from tests import builders


def test_step_done_needs_both_the_sessions_and_the_hours(session, today):
    candidate = builders.make_candidate(session, CandidateStatus.IN_PATHWAY)
    step = builders.make_step(
        session, ActivityKind.MODULE, title="Modules", sessions=2, hours="2.3"
    )
    first = builders.make_activity(session, step, on=today - timedelta(days=2))
    builders.attend(session, candidate, first, hours="1.1")
    [row] = progress.candidate_progress(session, candidate.id, today)
    assert (row.attended_sessions, row.hours) == (1, Decimal("1.1"))
    assert not row.is_done
    assert row.state == progress.IN_PROGRESS
    assert row.remaining == "1 séance et 1,2 h à suivre"

    second = builders.make_activity(session, step, on=today - timedelta(days=1))
    builders.attend(session, candidate, second, hours="1.2")
    [row] = progress.candidate_progress(session, candidate.id, today)
    # 1.1 + 1.2 is exactly 2.3: hours are decimals, not floats, on both backends.
    assert row.hours == Decimal("2.3")
    assert row.is_done
    assert row.state == progress.DONE
    assert row.state_label == "Fait"
    assert row.remaining == ""
    assert progress.missing_mandatory_steps([row]) == []


def test_step_states_to_do_and_in_progress_with_an_upcoming_session(session, today):
    candidate = builders.make_candidate(session, CandidateStatus.IN_PATHWAY)
    information = builders.make_step(session, ActivityKind.INFORMATION, title="Réunion")
    coaching = builders.make_step(session, ActivityKind.COACHING, title="Ateliers", sessions=3)
    upcoming = builders.make_activity(session, coaching, on=today + timedelta(days=4))
    enrollment.enroll(session, candidate, upcoming, actor=None, today=today)
    rows = progress.candidate_progress(session, candidate.id, today)
    assert [(r.step.id, r.state, r.upcoming_sessions) for r in rows] == [
        (information.id, progress.TO_DO, 0),
        (coaching.id, progress.IN_PROGRESS, 1),
    ]
    assert rows[0].state_label == "À faire"
    assert rows[1].state_label == "En cours"
    assert rows[1].remaining == "3 séances à suivre"
    missing = progress.missing_mandatory_steps(rows)
    assert [p.step.id for p in missing] == [information.id, coaching.id]


def test_absent_excused_and_cancelled_sessions_credit_nothing(session, today):
    candidate = builders.make_candidate(session, CandidateStatus.IN_PATHWAY)
    step = builders.make_step(session, ActivityKind.COACHING, sessions=1)
    absent, excused, cancelled = (
        builders.make_activity(session, step, on=today - timedelta(days=d)) for d in (1, 2, 3)
    )
    for activity, mark in ((absent, "absent"), (excused, "excused"), (cancelled, "attended")):
        row = enrollment.enroll(session, candidate, activity, actor=None, today=today)
        enrollment.take_roll_call(session, activity, [Mark(row.id, mark)], today=today)
    cancelled.is_cancelled = True
    # A pending enrolment in a past activity is not "upcoming" either.
    past = builders.make_activity(session, step, on=today - timedelta(days=4))
    enrollment.enroll(session, candidate, past, actor=None, today=today)
    session.flush()
    [row] = progress.candidate_progress(session, candidate.id, today)
    assert (row.attended_sessions, row.hours, row.upcoming_sessions) == (0, 0, 0)
    assert row.state == progress.TO_DO


def test_progress_of_several_candidates_and_inactive_or_optional_steps(session, today):
    done, fresh = (builders.make_candidate(session, CandidateStatus.IN_PATHWAY) for _ in range(2))
    step = builders.make_step(session, ActivityKind.INFORMATION)
    optional = builders.make_step(session, ActivityKind.MODULE, mandatory=False)
    inactive = builders.make_step(session, ActivityKind.COACHING)
    inactive.is_active = False
    builders.attend(session, done, builders.make_activity(session, step, on=today))
    by_candidate = progress.progress_by_candidate(session, [done.id, fresh.id], today)
    assert [r.step.id for r in by_candidate[done.id]] == [step.id, optional.id]
    assert [r.is_done for r in by_candidate[done.id]] == [True, False]
    assert [r.is_done for r in by_candidate[fresh.id]] == [False, False]
    assert progress.missing_mandatory_steps(by_candidate[done.id]) == []
    missing = progress.missing_mandatory_steps(by_candidate[fresh.id])
    assert [p.step.id for p in missing] == [step.id]


def test_remaining_in_plain_french():
    step = PathwayStep(title="Modules", required_sessions=2, required_hours=Decimal("3.5"))
    assert StepProgress(step, 0, Decimal(0), 0).remaining == "2 séances et 3,5 h à suivre"
    assert StepProgress(step, 2, Decimal(1), 0).remaining == "2,5 h à suivre"
    assert StepProgress(step, 5, Decimal(4), 0).remaining == ""
    assert format_hours(Decimal("3.50")) == "3,5"
    assert format_hours(Decimal("10.00")) == "10"
