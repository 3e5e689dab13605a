"""The sender: delivers what the outbox holds and is due, records each outcome at once.

Run by `flask --app onboarding send-due` every minute; two of them at once never send the same
message (see onboarding/pathway/outbox.py for the claim and the at-most-once choice).
"""

import logging
import smtplib
import threading
from dataclasses import dataclass, fields

from flask import Flask, current_app
from sqlalchemy.orm import Session

from onboarding import mail
from onboarding.extensions import db
from onboarding.messages import sms
from onboarding.messages.compose import Composed, Obsolete, compose
from onboarding.pathway import alerts, campaigns, clock, outbox
from onboarding.pathway.models import Channel

log = logging.getLogger(__name__)


def _permanent(error: Exception) -> bool:
    """An answer no retry can change: a 5xx of the server, a 4xx of the SMS gateway."""
    if isinstance(error, sms.SmsError):
        return error.permanent
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return False


@dataclass
class Report:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    obsolete: int = 0
    interrupted: int = 0
    queued: int = 0

    def __str__(self) -> str:
        return (
            f"sent {self.sent}, to retry {self.retried}, failed {self.failed}, "
            f"obsolete {self.obsolete}, interrupted {self.interrupted}, "
            f"queued by the calendar {self.queued}"
        )

    def add(self, other: "Report") -> None:
        for field in fields(self):
            setattr(self, field.name, getattr(self, field.name) + getattr(other, field.name))


class _Channels:
    def __init__(self):
        self.mail = mail.Connection()
        self.sms = sms.gateway(current_app.config)

    def deliver(self, message: outbox.ClaimedMessage, composed: Composed) -> None:
        reference = outbox.message_id_header(message.key)
        if message.channel == Channel.SMS:
            self.sms.send(sms.Sms(composed.to, composed.text, reference.strip("<>").split("@")[0]))
            return
        self.mail.send(
            mail.build(
                composed.to,
                composed.subject,
                composed.text,
                html=composed.html,
                attachments=composed.attachments,
                message_id=reference,
                reply_to=composed.reply_to,
            )
        )


def _one(
    session: Session,
    channels: _Channels,
    message: outbox.ClaimedMessage,
    sender: str,
    report: Report,
):
    try:
        composed = compose(session, message)
    except Obsolete as reason:
        outbox.mark_obsolete(session, message.id, sender=sender, reason=reason.reason)
        report.obsolete += 1
        return
    try:
        channels.deliver(message, composed)
    except (OSError, smtplib.SMTPException, sms.SmsError, mail.DeliveryUnknown) as error:
        # What composing changed (a new personal link) goes with the message it was for.
        session.rollback()
        _failed(session, message, sender, report, error)
        return
    outbox.mark_sent(session, message.id, sender=sender, now=clock.now(), title=composed.subject)
    log.info("message %s delivered (%s)", message.id, message.channel.value)
    report.sent += 1


def _failed(
    session: Session, message: outbox.ClaimedMessage, sender: str, report: Report, error
) -> None:
    if isinstance(error, mail.DeliveryUnknown):
        outbox.mark_interrupted(session, message.id, sender=sender, error=str(error))
        log.warning("message %s interrupted while handed over: %s", message.id, error)
        report.interrupted += 1
        return
    permanent = _permanent(error)
    outbox.mark_failed_attempt(
        session,
        message.id,
        sender=sender,
        attempts=message.attempts,
        now=clock.now(),
        error=type(error).__name__,
        permanent=permanent,
    )
    log.warning("message %s not delivered: %s", message.id, type(error).__name__)
    if permanent or message.attempts > len(outbox.BACKOFF):
        report.failed += 1
    else:
        report.retried += 1


class _Quota:
    """How many messages the senders of one run may still claim, shared between them."""

    def __init__(self, limit: int | None):
        self._left = limit
        self._lock = threading.Lock()

    def take(self, wanted: int) -> int:
        with self._lock:
            if self._left is None:
                return wanted
            granted = min(wanted, self._left)
            self._left -= granted
            return granted

    def give_back(self, unused: int) -> None:
        with self._lock:
            if self._left is not None:
                self._left += unused


def _send_loop(quota: _Quota, batch: int, report: Report) -> None:
    """One sender: claims a batch, sends it message by message, until nothing is due.

    Its session keeps one connection for the whole run. A session of the pool gives its
    connection back at each commit and takes one again for the next message, checked first by
    a round trip (pool_pre_ping): on PostgreSQL, a tenth of a campaign message's time."""
    sender = outbox.new_sender_id()
    channels = _Channels()
    with db.engine.connect() as connection, Session(bind=connection) as session, channels.mail:
        while size := quota.take(batch):
            claimed = outbox.claim_due(session, sender=sender, now=clock.now(), limit=size)
            session.commit()
            quota.give_back(size - len(claimed))
            if not claimed:
                break
            for message in claimed:
                _one(session, channels, message, sender, report)
                session.commit()


def _sender_thread(app: Flask, quota: _Quota, batch: int, report: Report, errors: list) -> None:
    with app.app_context():
        try:
            _send_loop(quota, batch, report)
        except Exception as error:  # raised again by the run that started the thread
            errors.append(error)


def send_due(
    session: Session,
    *,
    limit: int | None = None,
    batch: int | None = None,
    senders: int | None = None,
) -> Report:
    """Send what is due now, batch by batch, until nothing is due or `limit` messages were
    handled. Each claim and each outcome is committed at once. `session` queues what the
    calendar makes due; the senders have sessions of their own.

    `senders` (default OUTBOX_SENDERS) loops run side by side, each with its own database session,
    SMTP session and claims: while one waits for the mail server's answer, another composes. They
    never send the same message, for the same reason as two `send-due` processes."""
    config = current_app.config
    batch = batch or config["OUTBOX_BATCH"]
    senders = senders or config["OUTBOX_SENDERS"]
    report = Report()
    report.interrupted = outbox.recover_interrupted(session, now=clock.now())
    report.queued = campaigns.queue_due(session, now=clock.now())
    report.queued += alerts.check_due(session, now=clock.now(), today=clock.today())
    session.commit()
    quota = _Quota(limit)
    app = current_app._get_current_object()
    reports = [Report() for _ in range(senders - 1)]
    errors: list[Exception] = []
    threads = [
        threading.Thread(
            target=_sender_thread, args=(app, quota, batch, own, errors), name=f"sender-{number}"
        )
        for number, own in enumerate(reports, start=2)
    ]
    for thread in threads:
        thread.start()
    try:
        _send_loop(quota, batch, report)
    finally:
        for thread in threads:
            thread.join()
    for own in reports:
        report.add(own)
    if errors:
        raise errors[0]
    return report
