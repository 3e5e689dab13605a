"""A candidate who cannot come: her seat goes back before the day, her coordinator is told, and
she can take the seat back while one is left."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from onboarding.messages.delivery import send_due
from onboarding.pathway import clock, enrollment
from onboarding.pathway.errors import ActivityFull, RuleViolation
from onboarding.pathway.models import (
    Attendance,
    CandidateStatus,
    MessageKind,
    MessageStatus,
    OutboxMessage,
)
from tests import builders
from tests.builders import TODAY


def _notices(session):
    return list(
        session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == MessageKind.ABSENCE_NOTICE)
        )
    )


def test_an_absence_said_before_the_day_frees_the_seat_and_tells_the_coordinator(
    session, smtp, meeting
):
    candidate, activity = meeting
    row = enrollment.enroll(session, candidate, activity, actor=None, today=TODAY)
    enrollment.excuse(session, row, today=TODAY, by_candidate=True)
    session.commit()

    assert activity.seats_taken == 0
    send_due(session)
    [notice] = [m for m in smtp.messages() if m["To"] == "coord33@example.org"]
    assert notice["Subject"].startswith(f"Absence signalée : {candidate.full_name}")
    text = notice.get_body(preferencelist=("plain",)).get_content()
    assert "Sa place est rendue" in text
    assert f"/admin/candidate/details/?id={candidate.id}" in text
    # Her own reminder has nothing left to say.
    with clock.frozen(date(2026, 3, 24)):
        send_due(session)
    assert not [m for m in smtp.messages() if m["Subject"].startswith("Rappel")]


def test_an_absence_said_on_the_day_keeps_the_seat(session, smtp, meeting):
    candidate, activity = meeting
    row = enrollment.enroll(session, candidate, activity, actor=None, today=TODAY)
    with clock.frozen(activity.date):
        enrollment.excuse(session, row, today=activity.date, by_candidate=True)
        session.commit()
        assert activity.seats_taken == 1
        send_due(session)
    [notice] = [m for m in smtp.messages() if m["To"] == "coord33@example.org"]
    assert "sa place reste réservée" in notice.get_body(preferencelist=("plain",)).get_content()


def test_an_absence_recorded_by_the_coordinator_tells_nobody(session, meeting):
    candidate, activity = meeting
    row = enrollment.enroll(session, candidate, activity, actor=None, today=TODAY)
    enrollment.excuse(session, row, today=TODAY, by_candidate=False)
    session.commit()
    assert _notices(session) == []
    assert activity.seats_taken == 0


def test_she_takes_her_seat_back_while_one_is_left(session, meeting):
    candidate, activity = meeting
    row = enrollment.enroll(session, candidate, activity, actor=None, today=TODAY)
    enrollment.excuse(session, row, today=TODAY, by_candidate=True)
    session.commit()

    enrollment.take_back(session, row, today=TODAY + timedelta(days=1))
    session.commit()
    assert (row.attendance, activity.seats_taken) == (Attendance.PENDING, 1)
    assert row.marked_at is None


def test_taking_back_a_seat_given_to_someone_else_is_refused(session, meeting):
    candidate, activity = meeting
    activity.capacity = 1
    row = enrollment.enroll(session, candidate, activity, actor=None, today=TODAY)
    enrollment.excuse(session, row, today=TODAY, by_candidate=True)
    other = builders.make_candidate(session, CandidateStatus.IN_PATHWAY)
    enrollment.enroll(session, other, activity, actor=None, today=TODAY)
    session.commit()

    with pytest.raises(ActivityFull, match="a été reprise entre-temps"):
        enrollment.take_back(session, row, today=TODAY)
    session.rollback()
    assert row.attendance == Attendance.EXCUSED
    assert activity.seats_taken == 1


def test_only_her_own_absence_can_be_taken_back(session, meeting):
    candidate, activity = meeting
    row = enrollment.enroll(session, candidate, activity, actor=None, today=TODAY)
    with pytest.raises(RuleViolation, match="pas signalé d'absence"):
        enrollment.take_back(session, row, today=TODAY)
    enrollment.excuse(session, row, today=TODAY, by_candidate=False)
    with pytest.raises(RuleViolation, match="pas signalé d'absence"):
        enrollment.take_back(session, row, today=TODAY)


def test_an_absence_taken_back_before_the_notice_left_sends_nothing(session, smtp, meeting):
    candidate, activity = meeting
    row = enrollment.enroll(session, candidate, activity, actor=None, today=TODAY)
    enrollment.excuse(session, row, today=TODAY, by_candidate=True)
    enrollment.take_back(session, row, today=TODAY)
    session.commit()
    send_due(session)
    assert [n.status for n in _notices(session)] == [MessageStatus.OBSOLETE]
    assert not [m for m in smtp.messages() if m["To"] == "coord33@example.org"]


def test_from_her_space_she_says_she_cannot_come_then_comes_after_all(session, client, meeting):
    from onboarding.candidate.links import new_personal_link
    from tests.conftest import csrf_token_from

    candidate, activity = meeting
    enrollment.enroll(session, candidate, activity, actor=None, today=TODAY)
    url = new_personal_link(candidate)
    session.commit()
    client.get(url.removeprefix("http://localhost"))
    home = client.get("/candidat/").get_data(as_text=True)
    token = csrf_token_from(home)

    client.post(f"/candidat/activites/{activity.id}/absence", data={"csrf_token": token})
    home = client.get("/candidat/").get_data(as_text=True)
    assert "Finalement, je viendrai" in home
    client.post(f"/candidat/activites/{activity.id}/retour", data={"csrf_token": token})

    session.expire_all()
    [row] = session.get(type(candidate), candidate.id).enrollments
    assert row.attendance == Attendance.PENDING
    assert row.activity.seats_taken == 1
    assert "Finalement, je viendrai" not in client.get("/candidat/").get_data(as_text=True)
