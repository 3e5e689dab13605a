"""`flask send-due` as cron runs it: real processes, several at once, one killed midway."""

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from onboarding.pathway import clock, notifications, outbox
from onboarding.pathway.models import (
    CandidateStatus,
    ContactRequest,
    MessageKind,
    MessageStatus,
    OutboxMessage,
)
from tests import builders

REQUESTS = 60


def _acknowledgements(session, count: int) -> None:
    carer = builders.make_candidate(session, CandidateStatus.APPROVED, first_name="Inès").carer
    for number in range(count):
        request = ContactRequest(
            carer=carer,
            parent_name=f"Parent {number}",
            email=f"parent{number}@example.org",
            commune_insee=builders.BORDEAUX,
            child_birth_date=date(2025, 9, 1),
            start_date=date(2026, 9, 1),
            consent_at=clock.now(),
            consent_version="test",
        )
        session.add(request)
        session.flush()
        notifications.contact_requested(session, request)
    session.commit()


def _sender(app, *args) -> subprocess.Popen:
    environment = {
        **os.environ,
        "ONBOARDING_ENV": "testing",
        "SECRET_KEY": "test-secret-key",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "MAIL_SERVER": app.config["MAIL_SERVER"],
        "MAIL_PORT": str(app.config["MAIL_PORT"]),
        # The server holds its answers a while in these tests.
        "MAIL_TIMEOUT": "320",
    }
    command = [sys.executable, "-m", "flask", "--app", "onboarding", "send-due", *args]
    return subprocess.Popen(
        command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _finish(process: subprocess.Popen, seconds: float = 300) -> tuple[str, str]:
    try:
        return process.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.communicate()


def _wait_for(condition, seconds: float = 240) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the senders did not get that far"
        time.sleep(0.05)


def _statuses(session) -> dict:
    session.expire_all()
    query = select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    return dict(session.execute(query).all())


def test_two_senders_started_together_send_each_message_exactly_once(app, session, smtp):
    _acknowledgements(session, REQUESTS)
    # The server holds its answers until the four senders (two processes of two) have each handed
    # a message over: all have claimed a batch by then, so their claims really ran side by side.
    smtp.hold.clear()
    arguments = ("--batch", "10", "--senders", "2")
    first, second = _sender(app, *arguments), _sender(app, *arguments)
    try:
        _wait_for(lambda: len(smtp.messages()) >= 4)
    finally:
        smtp.hold.set()
        # Always waited for, so that no process or pipe outlives the test.
        outputs = [_finish(process) for process in (first, second)]

    assert [process.returncode for process in (first, second)] == [0, 0], outputs
    received = smtp.messages()
    assert len(received) == REQUESTS, (outputs, _statuses(session))
    assert len({message["Message-ID"] for message in received}) == REQUESTS
    assert sorted(message["To"] for message in received) == sorted(
        f"parent{number}@example.org" for number in range(REQUESTS)
    )
    assert _statuses(session) == {MessageStatus.SENT: REQUESTS}
    # Every sender took part: none waited for another to finish.
    claimers = session.scalars(select(OutboxMessage.claimed_by).distinct()).all()
    assert len(claimers) == 4, outputs


def test_senders_of_one_run_share_its_limit_and_never_send_a_message_twice(app, session, smtp):
    from onboarding.messages.delivery import send_due

    _acknowledgements(session, 40)
    report = send_due(session, senders=3, batch=4, limit=30)

    assert report.sent == 30
    received = smtp.messages()
    assert len({message["Message-ID"] for message in received}) == len(received) == 30
    assert _statuses(session) == {MessageStatus.SENT: 30, MessageStatus.PENDING: 10}
    sent_by = select(OutboxMessage.claimed_by).where(OutboxMessage.status == MessageStatus.SENT)
    assert 1 <= len(session.scalars(sent_by.distinct()).all()) <= 3
    # The rest goes with the next run, once.
    assert send_due(session, senders=3, batch=4).sent == 10
    assert len(smtp.messages()) == 40


def test_a_sender_killed_after_delivering_does_not_send_again(app, session, smtp):
    _acknowledgements(session, 1)
    smtp.hold.clear()  # the server keeps the message, then does not answer
    process = _sender(app)
    try:
        _wait_for(lambda: smtp.messages())
        assert len(smtp.messages()) == 1
        process.send_signal(signal.SIGKILL)
    finally:
        smtp.hold.set()
        process.kill()
        process.communicate(timeout=30)

    assert _statuses(session) == {MessageStatus.SENDING: 1}
    from onboarding.messages.delivery import send_due

    assert send_due(session).sent == 0  # the claim still holds
    # The killed sender ran on the real clock.
    with clock.frozen_at(datetime.now(UTC) + outbox.LEASE + timedelta(minutes=1)):
        report = send_due(session)
    assert (report.sent, report.interrupted) == (0, 1)
    assert len(smtp.messages()) == 1
    [message] = session.scalars(select(OutboxMessage)).all()
    assert (message.kind, message.status) == (
        MessageKind.CONTACT_ACKNOWLEDGEMENT,
        MessageStatus.INTERRUPTED,
    )
