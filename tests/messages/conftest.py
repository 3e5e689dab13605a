"""A real SMTP server on the loopback (aiosmtpd) that keeps what it receives, and data to
write messages about."""

import asyncio
import socket
import threading
import time as clock_time
from datetime import date, time
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from onboarding.pathway.models import ActivityKind, CandidateStatus
from tests import builders


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Sink:
    """Accepts every message; `refuse` makes it answer an SMTP error code instead, and `hold`
    makes it keep the DATA (recorded) and wait before answering."""

    def __init__(self):
        self.received = []
        self.refuse: str | None = None
        self.refuse_recipient: str | None = None
        # Keep the message, then drop the connection without answering.
        self.drop = False
        self.hold = threading.Event()
        self.hold.set()
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse_recipient:
            return self.refuse_recipient
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return self.refuse
        with self.lock:
            self.received.append(message_from_bytes(envelope.content, policy=policy.default))
        if self.drop:
            server.transport.close()
            return "250 OK"
        deadline = clock_time.monotonic() + 280
        while not self.hold.is_set() and clock_time.monotonic() < deadline:
            await asyncio.sleep(0.01)  # other connections go on meanwhile
        return "250 OK"

    def messages(self, to: str | None = None) -> list:
        with self.lock:
            return [m for m in self.received if to is None or m["To"] == to]


@pytest.fixture
def smtp(app):
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=str(controller.port))
    yield sink
    sink.hold.set()
    controller.stop()


@pytest.fixture
def sms_folder(app, tmp_path):
    folder = tmp_path / "sms"
    app.config["SMS_OUTBOX"] = str(folder)
    return folder


@pytest.fixture
def meeting(session, coordinator_33):
    """A candidate of Gironde with a coordinator, and an information meeting on 26 March."""
    step = builders.make_step(session, ActivityKind.INFORMATION)
    activity = builders.make_activity(
        session, step, on=date(2026, 3, 26), start=time(9, 30), end=time(12, 0)
    )
    activity.what_to_bring = "Une pièce d'identité."
    candidate = builders.make_candidate(
        session,
        CandidateStatus.IN_PATHWAY,
        first_name="Léa",
        email="lea@example.org",
        phone="06 12 34 56 78",
    )
    candidate.coordinator = coordinator_33
    session.commit()
    return candidate, activity
