"""Outgoing mail: through SMTP when MAIL_SERVER is set, otherwise written as .eml files into
the outbox folder (instance/outbox/ by default), where a developer or a test can open them.

Callers build the text; this module only addresses, sends and says what it did. It logs the
message id, never an address or a body: they are personal data.
"""

import contextlib
import logging
import smtplib
import time
import uuid
from dataclasses import dataclass
from email import encoders
from email.charset import QP, Charset
from email.header import Header
from email.message import EmailMessage, Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, getaddresses, make_msgid
from pathlib import Path

from flask import current_app

log = logging.getLogger(__name__)


class MailError(Exception):
    """The message could not be handed over; a French `message` says so to the user."""

    def __init__(self, detail: str):
        super().__init__(detail)
        self.message = (
            "Le message n'a pas pu être envoyé (serveur de messagerie indisponible) : "
            "réessayez plus tard."
        )


@dataclass(frozen=True)
class Sent:
    message_id: str
    # The .eml file when written to the outbox, None when handed to SMTP.
    path: Path | None


@dataclass(frozen=True)
class Attachment:
    filename: str
    maintype: str
    subtype: str
    data: bytes


# French text, readable in the message's source: quoted-printable UTF-8.
_UTF8 = Charset("utf-8")
_UTF8.body_encoding = QP


def _address(value: str) -> str:
    """An address header, its display names encoded (RFC 2047) when not ASCII."""
    return ", ".join(formataddr(pair, charset="utf-8") for pair in getaddresses([value]))


def _words(name: str, value: str) -> str | Header:
    """A header of words (the subject): encoded (RFC 2047) when not ASCII, folded in lines of
    78 characters, its name included."""
    return value if value.isascii() else Header(value, _UTF8, header_name=name)


def _attachment(attachment: Attachment) -> MIMEBase:
    # A text file (a calendar) says its charset, so that a reader decodes its accents.
    text = {"charset": "utf-8"} if attachment.maintype == "text" else {}
    part = MIMEBase(attachment.maintype, attachment.subtype, **text)
    part.set_payload(attachment.data)
    encoders.encode_base64(part)
    part.add_header("Content-Disposition", "attachment", filename=attachment.filename)
    return part


def build(
    to: str,
    subject: str,
    body: str,
    *,
    reply_to: str | None = None,
    html: str | None = None,
    attachments: tuple[Attachment, ...] = (),
    message_id: str | None = None,
) -> Message:
    """The message: its text, and its HTML as an alternative, then its attachments.

    Built with the `email.mime` classes rather than `EmailMessage`: the latter parses every
    header it is given and tries two encodings of every part, 0.7 ms a message where these take
    0.06 (a campaign sends hundreds of thousands). Readers parse both alike."""
    content = MIMEText(body, "plain", _UTF8)
    if html:
        content = MIMEMultipart("alternative", _subparts=[content, MIMEText(html, "html", _UTF8)])
    message = content
    if attachments:
        message = MIMEMultipart("mixed", _subparts=[content, *map(_attachment, attachments)])
    message["From"] = _address(current_app.config["MAIL_DEFAULT_SENDER"])
    message["To"] = _address(to)
    message["Subject"] = _words("Subject", subject)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = message_id or make_msgid(domain="parcours-assmat")
    if reply_to:
        message["Reply-To"] = _address(reply_to)
    return message


def _enabled(value) -> bool:
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


def send(to: str, subject: str, body: str, *, reply_to: str | None = None) -> Sent:
    """Send a plain-text message in French; raise MailError when SMTP refuses it."""
    message = build(to, subject, body, reply_to=reply_to)
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        return _to_outbox(message, Path(config["MAIL_OUTBOX"]))
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], int(config["MAIL_PORT"]), timeout=10) as smtp:
            if _enabled(config.get("MAIL_USE_TLS")):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        log.warning("mail %s not sent: %s", message["Message-ID"], type(error).__name__)
        raise MailError(type(error).__name__) from error
    log.info("mail %s sent through SMTP", message["Message-ID"])
    return Sent(message["Message-ID"], None)


class DeliveryUnknown(Exception):
    """The connection broke while the message was being handed over: the server may have it.
    Sending it again could deliver it twice, so the caller must not retry by itself."""


# How long a kept SMTP session may stay idle before it is checked with NOOP.
IDLE_CHECK_SECONDS = 5


class Connection:
    """One SMTP session for many messages (a campaign would open thousands otherwise); without
    MAIL_SERVER, the outbox folder.

    Errors before the message is handed over (connection refused, a session found dead and
    reopened) and answers of the server (4xx, 5xx) are raised as they are; a break during the
    hand-over raises DeliveryUnknown.
    """

    def __init__(self):
        self.config = current_app.config
        self._smtp: smtplib.SMTP | None = None
        self._last_used = 0.0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self._smtp.quit()
            self._smtp = None

    def _open(self) -> smtplib.SMTP:
        config = self.config
        timeout = float(config.get("MAIL_TIMEOUT") or 10)
        smtp = smtplib.SMTP(config["MAIL_SERVER"], int(config["MAIL_PORT"]), timeout=timeout)
        if _enabled(config.get("MAIL_USE_TLS")):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        return smtp

    def _ready(self) -> smtplib.SMTP:
        if self._smtp is not None and time.monotonic() - self._last_used > IDLE_CHECK_SECONDS:
            try:
                self._smtp.noop()
            except (OSError, smtplib.SMTPException):
                self._smtp = None
        if self._smtp is None:
            self._smtp = self._open()
        return self._smtp

    def send(self, message: Message) -> Sent:
        """Hand the message over (see the class for what each failure raises)."""
        if not self.config.get("MAIL_SERVER"):
            return _to_outbox(message, Path(self.config["MAIL_OUTBOX"]))
        smtp = self._ready()
        try:
            smtp.send_message(message)
        except (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused):
            raise
        except (OSError, smtplib.SMTPException) as error:
            self._smtp = None
            raise DeliveryUnknown(type(error).__name__) from error
        finally:
            self._last_used = time.monotonic()
        log.info("mail %s sent through SMTP", message["Message-ID"])
        return Sent(message["Message-ID"], None)


def _to_outbox(message: Message, outbox: Path) -> Sent:
    outbox.mkdir(parents=True, exist_ok=True)
    # Written under a temporary name, then renamed: a reader never sees half a message.
    name = f"{uuid.uuid4().hex}.eml"
    partial = outbox / f".{name}.part"
    partial.write_bytes(bytes(message))
    path = partial.rename(outbox / name)
    log.info("mail %s written to the outbox", message["Message-ID"])
    return Sent(message["Message-ID"], path)


def outbox_messages(outbox: Path) -> list[EmailMessage]:
    """The messages in an outbox folder, oldest first (for tests and the demo)."""
    from email import message_from_bytes, policy

    files = sorted(outbox.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)
    return [message_from_bytes(p.read_bytes(), policy=policy.default) for p in files]
