"""Messages leave once, at their time, with the right content, through a real SMTP server."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from onboarding.formatting import clock as clock_text
from onboarding.messages import sms
from onboarding.messages.delivery import send_due
from onboarding.pathway import clock, enrollment, outbox
from onboarding.pathway.models import Channel, MessageKind, MessageStatus, OutboxMessage
from tests.builders import TODAY

PARIS = ZoneInfo("Europe/Paris")


def at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS)


def rows(session, kind=None):
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind is not None:
        query = query.where(OutboxMessage.kind == kind)
    return list(session.scalars(query))


def enrol(session, candidate, activity):
    made = enrollment.enroll(session, candidate, activity, actor=None, today=TODAY)
    session.commit()
    return made


def calendar_of(message) -> Calendar:
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    return Calendar.from_ical(part.get_content())


def test_an_enrolment_sends_its_invitation_once_with_the_activity_and_its_calendar_file(
    session, smtp, sms_folder, meeting
):
    candidate, activity = meeting
    enrol(session, candidate, activity)

    report = send_due(session)
    again = send_due(session)

    [message] = smtp.messages()
    assert (report.sent, again.sent) == (1, 0)
    assert message["To"] == "lea@example.org"
    assert message["Subject"] == "Inscription : Réunion d'information le 26/03/2026"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Bonjour Léa" in text
    assert "jeudi 26 mars 2026" in text or "26 mars 2026" in text
    assert f"de {clock_text(time(9, 30))} à {clock_text(time(12, 0))}" in text
    assert "Agence France Travail, 12 rue Sainte-Catherine, Bordeaux" in text
    assert "À apporter : Une pièce d'identité." in text
    assert "coord33@example.org" in text
    html = message.get_body(preferencelist=("html",)).get_content()
    assert '<html lang="fr">' in html
    assert "Léa" in html
    [event] = calendar_of(message).walk("VEVENT")
    assert event["UID"] == f"activite-{activity.id}@parcours-assmat"
    assert event.decoded("DTSTART") == datetime(2026, 3, 26, 9, 30, tzinfo=PARIS)
    # No text message for an invitation: only reminders go by SMS.
    assert sms.folder_messages(sms_folder) == []
    [invitation] = rows(session, MessageKind.ENROLLMENT_INVITATION)
    assert invitation.status == MessageStatus.SENT
    assert invitation.title == message["Subject"]


def test_the_reminder_leaves_two_days_before_by_email_and_sms_and_not_earlier(
    session, smtp, sms_folder, meeting
):
    candidate, activity = meeting
    enrol(session, candidate, activity)
    send_due(session)  # the invitation

    with clock.frozen_at(at(date(2026, 3, 24), 8, 59)):
        assert send_due(session).sent == 0
    with clock.frozen_at(at(date(2026, 3, 24), 9, 0)):
        assert send_due(session).sent == 2
        assert send_due(session).sent == 0

    reminders = smtp.messages()[1:]
    assert [m["Subject"] for m in reminders] == ["Rappel : Réunion d'information le 26/03/2026"]
    [text_message] = sms.folder_messages(sms_folder)
    assert text_message["to"] == "0612345678"
    assert "26 mars" in text_message["text"]
    assert clock_text(time(9, 30)) in text_message["text"]
    assert len(text_message["text"]) <= 320


@pytest.mark.parametrize("phone", ["05 56 00 00 00", None])
def test_no_text_message_without_a_mobile_number(session, smtp, sms_folder, meeting, phone):
    candidate, activity = meeting
    candidate.phone = phone
    session.commit()
    enrol(session, candidate, activity)
    assert [m.channel for m in rows(session)] == [Channel.EMAIL, Channel.EMAIL]


def test_no_text_message_to_a_candidate_who_refused_them(session, smtp, sms_folder, meeting):
    candidate, activity = meeting
    candidate.sms_refused = True
    session.commit()
    enrol(session, candidate, activity)
    with clock.frozen_at(at(date(2026, 3, 25))):
        send_due(session)
    assert sms.folder_messages(sms_folder) == []
    assert {m.channel for m in rows(session)} == {Channel.EMAIL}


def test_a_moved_activity_sends_a_notice_with_a_newer_calendar_and_moves_the_reminder(
    session, smtp, sms_folder, meeting
):
    candidate, activity = meeting
    enrol(session, candidate, activity)
    send_due(session)
    activity.date = date(2026, 4, 2)
    session.commit()

    assert send_due(session).sent == 1
    notice = smtp.messages()[-1]
    assert notice["Subject"] == "Changement : Réunion d'information, désormais le 02/04/2026"
    [event] = calendar_of(notice).walk("VEVENT")
    assert event["SEQUENCE"] == 1
    assert event.decoded("DTSTART").date() == date(2026, 4, 2)
    # The reminder of 24 March has nothing left to say; the one of 31 March replaces it.
    with clock.frozen_at(at(date(2026, 3, 24), 10)):
        assert send_due(session).sent == 0
    with clock.frozen_at(at(date(2026, 3, 31), 10)):
        assert send_due(session).sent == 2
    assert smtp.messages()[-1]["Subject"] == "Rappel : Réunion d'information le 02/04/2026"
    statuses = {(m.kind, m.channel, m.status) for m in rows(session, MessageKind.ACTIVITY_REMINDER)}
    assert (MessageKind.ACTIVITY_REMINDER, Channel.EMAIL, MessageStatus.OBSOLETE) in statuses
    assert (MessageKind.ACTIVITY_REMINDER, Channel.EMAIL, MessageStatus.SENT) in statuses


def test_a_cancelled_activity_sends_a_cancellation_that_removes_the_event(
    session, smtp, sms_folder, meeting
):
    candidate, activity = meeting
    enrol(session, candidate, activity)
    send_due(session)
    activity.is_cancelled = True
    session.commit()

    assert send_due(session).sent == 1
    notice = smtp.messages()[-1]
    assert notice["Subject"] == "Annulation : Réunion d'information du 26/03/2026"
    calendar = calendar_of(notice)
    assert calendar["METHOD"] == "CANCEL"
    [event] = calendar.walk("VEVENT")
    assert (event["STATUS"], event["SEQUENCE"]) == ("CANCELLED", 1)
    with clock.frozen_at(at(date(2026, 3, 24), 10)):
        assert send_due(session).sent == 0


def test_an_unrelated_change_of_the_activity_sends_nothing(session, smtp, sms_folder, meeting):
    candidate, activity = meeting
    enrol(session, candidate, activity)
    send_due(session)
    activity.capacity = 20
    activity.what_to_bring = "Un stylo."
    session.commit()
    assert send_due(session).sent == 0
    assert activity.sequence == 0


def test_an_enrolment_cancelled_before_its_invitation_left_sends_nothing(
    session, smtp, sms_folder, meeting
):
    candidate, activity = meeting
    made = enrol(session, candidate, activity)
    enrollment.cancel_enrollment(session, made)
    session.commit()

    report = send_due(session)
    assert (report.sent, report.obsolete) == (1 - 1, 1)
    assert smtp.messages() == []


def test_a_rolled_back_enrolment_queues_nothing(session, smtp, meeting):
    candidate, activity = meeting
    enrollment.enroll(session, candidate, activity, actor=None, today=TODAY)
    session.rollback()
    assert rows(session) == []


def test_many_messages_queued_at_once_are_each_queued_once(session):
    """`enqueue_many` (an import's invitations): one message a subject, none for a subject
    already queued (stored, or pending in the session), the same keys as one by one."""
    now = clock.now()
    first = outbox.enqueue(session, MessageKind.CARER_LINK, subject_id=1, due_at=now, occasion="x")
    session.commit()
    pending = outbox.enqueue(
        session, MessageKind.CARER_LINK, subject_id=2, due_at=now, occasion="x"
    )
    added = outbox.enqueue_many(
        session, MessageKind.CARER_LINK, subject_ids=[1, 2, 3, 4], due_at=now, occasion="x"
    )
    assert added == 2
    session.commit()
    queued = rows(session, MessageKind.CARER_LINK)
    assert [m.subject_id for m in queued] == [1, 2, 3, 4]
    assert {m.key for m in queued} == {
        outbox.message_key(MessageKind.CARER_LINK, n, "x") for n in (1, 2, 3, 4)
    }
    assert (queued[0].key, queued[1].key) == (first.key, pending.key)
    assert {m.status for m in queued} == {MessageStatus.PENDING}
    # Again: nothing more.
    assert (
        outbox.enqueue_many(
            session, MessageKind.CARER_LINK, subject_ids=[1, 2, 3, 4], due_at=now, occasion="x"
        )
        == 0
    )


def test_the_same_message_cannot_be_queued_twice(session, meeting):
    candidate, activity = meeting
    made = enrol(session, candidate, activity)
    again = outbox.enqueue(
        session,
        MessageKind.ENROLLMENT_INVITATION,
        subject_id=made.id,
        due_at=clock.now(),
        candidate_id=candidate.id,
    )
    session.commit()
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 3
    assert again.status == MessageStatus.PENDING
    duplicate = OutboxMessage(
        key=again.key,
        kind=again.kind,
        channel=again.channel,
        subject_id=again.subject_id,
        due_at=clock.now(),
    )
    session.add(duplicate)
    with pytest.raises(IntegrityError, match=r"(?i)unique"):
        session.flush()
    session.rollback()


def test_a_temporary_failure_is_retried_with_backoff_then_failed(session, smtp, meeting):
    candidate, activity = meeting
    enrol(session, candidate, activity)
    smtp.refuse = "451 4.3.0 Try again later"
    start = clock.now()
    moments = [start, start + timedelta(minutes=1), start + timedelta(minutes=6)]
    moments += [start + timedelta(minutes=36), start + timedelta(minutes=156)]
    for number, moment in enumerate(moments, start=1):
        with clock.frozen_at(moment):
            assert send_due(session).sent == 0
        [invitation] = rows(session, MessageKind.ENROLLMENT_INVITATION)
        session.refresh(invitation)
        assert invitation.attempts == number
        assert invitation.last_error == "SMTPDataError"
        if number < len(moments):
            assert invitation.status == MessageStatus.PENDING
            assert invitation.due_at > moment
            # Not tried again before its delay.
            with clock.frozen_at(moment + timedelta(seconds=30)):
                assert send_due(session).retried == 0
    assert invitation.status == MessageStatus.FAILED

    smtp.refuse = None
    outbox.retry(invitation, now=clock.now())
    session.commit()
    assert send_due(session).sent == 1
    assert len(smtp.messages()) == 1


def test_an_address_the_server_refuses_fails_at_once(session, smtp, meeting):
    candidate, activity = meeting
    enrol(session, candidate, activity)
    smtp.refuse_recipient = "550 5.1.1 No such user"
    report = send_due(session)
    assert report.failed == 1
    [invitation] = rows(session, MessageKind.ENROLLMENT_INVITATION)
    assert (invitation.status, invitation.attempts) == (MessageStatus.FAILED, 1)
    assert invitation.last_error == "SMTPRecipientsRefused"


def test_a_connection_lost_during_the_hand_over_is_interrupted_not_sent_again(
    session, smtp, meeting
):
    candidate, activity = meeting
    enrol(session, candidate, activity)
    smtp.drop = True
    report = send_due(session)
    assert (report.sent, report.interrupted, report.retried) == (0, 1, 0)
    smtp.drop = False
    with clock.frozen_at(clock.now() + timedelta(hours=3)):
        assert send_due(session).sent == 0
    assert len(smtp.messages()) == 1  # the server had it: sending again would double it
    [invitation] = rows(session, MessageKind.ENROLLMENT_INVITATION)
    assert invitation.status == MessageStatus.INTERRUPTED

    outbox.retry(invitation, now=clock.now())  # a person decides
    session.commit()
    assert send_due(session).sent == 1
    first, second = smtp.messages()
    assert first["Message-ID"] == second["Message-ID"]


def test_only_failed_or_interrupted_messages_can_be_sent_again(session, meeting):
    candidate, activity = meeting
    enrol(session, candidate, activity)
    [invitation] = rows(session, MessageKind.ENROLLMENT_INVITATION)
    with pytest.raises(Exception, match="en échec ou interrompu"):
        outbox.retry(invitation, now=clock.now())


def test_a_claim_whose_sender_died_becomes_interrupted_and_is_never_sent_by_itself(
    session, smtp, meeting
):
    candidate, activity = meeting
    enrol(session, candidate, activity)
    claimed = outbox.claim_due(session, sender="dead", now=clock.now(), limit=10)
    session.commit()
    assert len(claimed) == 1

    with clock.frozen_at(clock.now() + timedelta(minutes=5)):
        report = send_due(session)
    assert (report.sent, report.interrupted) == (0, 0)
    with clock.frozen_at(clock.now() + outbox.LEASE + timedelta(minutes=1)):
        report = send_due(session)
    assert (report.sent, report.interrupted) == (0, 1)
    [invitation] = rows(session, MessageKind.ENROLLMENT_INVITATION)
    assert invitation.status == MessageStatus.INTERRUPTED
    assert smtp.messages() == []


def test_logs_name_message_ids_never_an_address(session, smtp, sms_folder, meeting, caplog):
    candidate, activity = meeting
    enrol(session, candidate, activity)
    caplog.set_level("DEBUG", logger="onboarding")
    with clock.frozen_at(at(date(2026, 3, 24), 10)):
        send_due(session)
    smtp.refuse = "451 later"
    activity.date = date(2026, 3, 27)
    session.commit()
    send_due(session)
    ours = [r for r in caplog.records if r.name.startswith("onboarding")]
    assert len(ours) >= 3
    logged = "\n".join(r.getMessage() for r in ours)
    assert "lea@example.org" not in logged
    assert "0612345678" not in logged
    assert "06 12 34 56 78" not in logged


def test_the_message_id_is_the_same_for_every_delivery_of_one_message():
    key = outbox.message_key(MessageKind.ACTIVITY_REMINDER, 12, "2026-03-26.0", Channel.EMAIL)
    assert outbox.message_id_header(key) == outbox.message_id_header(key)
    other = outbox.message_key(MessageKind.ACTIVITY_REMINDER, 13, "2026-03-26.0", Channel.EMAIL)
    assert outbox.message_id_header(key) != outbox.message_id_header(other)
    assert datetime.now(UTC)  # the header holds no time


def test_a_request_for_a_carer_without_email_goes_at_once_to_her_coordinators(
    session, smtp, coordinator_33, partner_33
):
    from onboarding.pathway import contact
    from onboarding.pathway.models import CandidateStatus
    from tests import builders

    other = builders.make_staff(session, "coord24@example.org", departments="24")
    carer = builders.make_candidate(session, CandidateStatus.APPROVED, first_name="Inès").carer
    carer.email = None
    carer.phone = "05 56 00 00 02"
    session.commit()
    data = contact.ContactInput(
        parent_name="Julie Parent",
        email="julie@example.org",
        phone="",
        commune_insee=builders.BORDEAUX,
        child_birth_date=date(2025, 9, 1),
        start_date=date(2026, 9, 1),
        half_days=0b1,
        needs=0,
        is_job_seeker=True,
        message="",
        consent=True,
    )
    request = contact.request_contact(session, carer, data, today=TODAY, now=clock.now())
    session.commit()

    assert send_due(session).sent == 2
    to = sorted(m["To"] for m in smtp.messages())
    assert to == ["coord33@example.org", "julie@example.org"]
    assert other.email not in to
    [notice] = smtp.messages("coord33@example.org")
    text = notice.get_body(preferencelist=("plain",)).get_content()
    assert "05 56 00 00 02" in text
    assert f"/admin/contact_request/details/?id={request.id}" in text
    assert "julie@example.org" not in text  # the family's details stay in the panel


@pytest.mark.parametrize("kind", list(MessageKind), ids=lambda kind: kind.value)
def test_every_kind_of_message_has_its_text_and_html(kind):
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "templates" / "messages"
    assert (folder / f"{kind.value}.txt").is_file() or kind == MessageKind.CONTACT_TO_CARER
    assert (folder / f"{kind.value}.html").is_file() or kind == MessageKind.CONTACT_TO_CARER


def test_a_staff_phone_is_checked_and_named_in_messages(session, smtp, sms_folder, meeting):
    from onboarding.pathway import staff
    from onboarding.pathway.errors import RuleViolation

    with pytest.raises(RuleViolation, match="numéro de téléphone n'est pas valide"):
        staff.checked_phone("12 34")
    assert staff.checked_phone("  ") is None
    candidate, activity = meeting
    candidate.coordinator.phone = staff.checked_phone("05 56 00 11 22")
    session.commit()
    enrol(session, candidate, activity)
    send_due(session)
    [message] = smtp.messages()
    assert "05 56 00 11 22" in message.get_body(preferencelist=("plain",)).get_content()


def test_an_enrolment_recorded_after_the_activity_sends_nothing(session, meeting):
    candidate, activity = meeting
    activity.date = TODAY - timedelta(days=3)
    session.commit()
    enrol(session, candidate, activity)
    assert rows(session) == []


def test_a_claim_takes_at_most_its_batch(session):
    from onboarding.pathway import notifications
    from onboarding.pathway.models import ContactRequest

    carer = builders_approved_carer(session)
    for number in range(7):
        request = ContactRequest(
            carer=carer, parent_name=f"P{number}", email=f"p{number}@example.org",
            commune_insee="33063", child_birth_date=date(2025, 9, 1),
            start_date=date(2026, 9, 1), consent_at=clock.now(), consent_version="t",
        )  # fmt: skip
        session.add(request)
        session.flush()
        notifications.contact_requested(session, request)
    session.commit()
    first = outbox.claim_due(session, sender="a", now=clock.now(), limit=3)
    session.commit()
    second = outbox.claim_due(session, sender="b", now=clock.now(), limit=3)
    session.commit()
    assert len(first) == 3
    assert len(second) == 3
    assert not set(first) & set(second)


def builders_approved_carer(session):
    from onboarding.pathway.models import CandidateStatus
    from tests import builders

    return builders.make_candidate(session, CandidateStatus.APPROVED, first_name="Inès").carer
