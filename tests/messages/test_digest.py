"""The coordinators' Monday digest: once a week, from 7 o'clock, what needs each of them, each
figure with its link to the panel's filtered list; nothing when nothing needs them."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from onboarding.messages.delivery import send_due
from onboarding.pathway import clock, enrollment
from onboarding.pathway.models import CandidateStatus
from tests import builders
from tests.builders import TODAY

PARIS = ZoneInfo("Europe/Paris")
MONDAY = date(2026, 3, 16)  # builders.TODAY


def at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=PARIS)


def test_each_coordinator_gets_her_week_on_monday_morning_once(session, smtp, meeting):
    assert MONDAY.weekday() == 0
    candidate, activity = meeting
    row = enrollment.enroll(session, candidate, activity, actor=None, today=TODAY)
    enrollment.excuse(session, row, today=TODAY, by_candidate=True)
    builders.make_staff(session, "coord24@example.org", departments="24")  # nothing in 24
    session.commit()
    with clock.frozen_at(at(MONDAY - timedelta(days=1), 12)):
        send_due(session)  # the invitation and the absence notice, on Sunday
    before = len(smtp.messages())

    with clock.frozen_at(at(MONDAY - timedelta(days=1), 12)):
        assert send_due(session).queued == 0
    with clock.frozen_at(at(MONDAY, 6)):
        assert send_due(session).queued == 0
    with clock.frozen_at(at(MONDAY, 7)):
        send_due(session)
    with clock.frozen_at(at(MONDAY, 11)):
        send_due(session)
    with clock.frozen_at(at(MONDAY, 12)):
        assert send_due(session).queued == 0

    digests = [m for m in smtp.messages()[before:] if "cette semaine" in m["Subject"]]
    assert [m["To"] for m in digests] == ["coord33@example.org"]
    text = digests[0].get_body(preferencelist=("plain",)).get_content()
    assert "Absences excusées aux activités à venir : 1" in text
    assert "http://localhost/admin/enrollment/?flt" in text
    assert "http://localhost/admin/" in text

    # The next Monday: a new digest.
    with clock.frozen_at(at(MONDAY + timedelta(days=7), 8)):
        send_due(session)
    again = [m for m in smtp.messages() if "cette semaine" in m["Subject"]]
    assert len(again) == 2


def test_a_deactivated_coordinator_gets_no_digest(session, smtp, meeting, coordinator_33):
    candidate, activity = meeting
    row = enrollment.enroll(session, candidate, activity, actor=None, today=TODAY)
    enrollment.excuse(session, row, today=TODAY, by_candidate=True)
    coordinator_33.is_active = False
    session.commit()
    with clock.frozen_at(at(MONDAY, 8)):
        send_due(session)
    assert not [m for m in smtp.messages() if "cette semaine" in m["Subject"]]


def test_nothing_to_do_sends_no_digest(session, smtp, coordinator_33):
    builders.make_candidate(session, CandidateStatus.IN_PATHWAY)
    session.commit()
    with clock.frozen_at(at(MONDAY, 8)):
        report = send_due(session)
    assert (report.queued, report.sent, report.obsolete) == (1, 0, 1)
