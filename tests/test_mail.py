"""Outgoing mail: .eml files in the outbox without MAIL_SERVER, real SMTP with it."""

import socket
import socketserver
import threading

import pytest

from onboarding import mail


def test_without_a_server_the_message_lands_in_the_outbox(app):
    sent = mail.send("lea@example.org", "Votre lien", "Bonjour Léa,\nvoici votre lien.")
    assert sent.path is not None
    assert sent.path.suffix == ".eml"
    assert str(sent.path.parent) == app.config["MAIL_OUTBOX"]
    [message] = mail.outbox_messages(sent.path.parent)
    assert message["To"] == "lea@example.org"
    assert message["Subject"] == "Votre lien"
    assert "voici votre lien" in message.get_content()
    assert not list(sent.path.parent.glob(".*.part"))


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP to accept one message and keep its DATA."""

    def handle(self):
        self.wfile.write(b"220 test ESMTP\r\n")
        while line := self.rfile.readline():
            verb = line.strip().upper()
            if verb.startswith((b"EHLO", b"HELO")):
                self.wfile.write(b"250 test\r\n")
            elif verb == b"DATA":
                self.wfile.write(b"354 go on\r\n")
                body = []
                while (data := self.rfile.readline()) != b".\r\n":
                    body.append(data)
                self.server.received.append(b"".join(body))
                self.wfile.write(b"250 queued\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture
def smtp_server():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_with_a_server_the_message_goes_through_smtp(app, smtp_server):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=str(smtp_server.server_address[1]))
    sent = mail.send("lea@example.org", "Votre lien", "Bonjour Léa")
    assert sent.path is None
    [raw] = smtp_server.received
    assert b"To: lea@example.org" in raw
    assert not list(_outbox(app))


def _outbox(app):
    from pathlib import Path

    folder = Path(app.config["MAIL_OUTBOX"])
    return folder.glob("*.eml") if folder.exists() else []


def test_an_unreachable_server_raises_a_french_error_and_writes_nothing(app):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=closed_port)
    with pytest.raises(mail.MailError) as refused:
        mail.send("lea@example.org", "Votre lien", "Bonjour")
    assert "n'a pas pu être envoyé" in refused.value.message
    assert not list(_outbox(app))


def test_the_log_names_the_message_never_the_person(app, caplog):
    caplog.set_level("DEBUG", logger="onboarding.mail")
    sent = mail.send("lea.martin@example.org", "Votre lien", "Bonjour Léa Martin")
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert sent.message_id in logged
    assert "lea.martin" not in logged
    assert "Martin" not in logged


def test_a_message_in_french_reads_back_whole_and_travels_in_seven_bits(app):
    from email import message_from_bytes, policy

    app.config["MAIL_DEFAULT_SENDER"] = "Équipe Parcours Assmat <parcours@example.org>"
    subject = "Confirmez vos disponibilités avant le 31 mai 2026 — " + "très long sujet " * 5
    text = "Bonjour Élodie,\nvos places : https://exemple.org/" + "x" * 120 + "\n"
    calendar = "BEGIN:VCALENDAR\r\nSUMMARY:Réunion d'information\r\nEND:VCALENDAR\r\n"
    built = mail.build(
        "Léa Dupré <lea@example.org>",
        subject,
        text,
        html="<p>Bonjour Élodie</p>",
        attachments=(mail.Attachment("rdv.ics", "text", "calendar", calendar.encode()),),
        reply_to="Anaïs <coordination@example.org>",
        message_id="<un@parcours-assmat>",
    )
    raw = bytes(built)
    assert raw.isascii()
    assert all(len(line) <= 78 for line in raw.split(b"\n"))
    read = message_from_bytes(raw, policy=policy.default)
    assert read["From"] == "Équipe Parcours Assmat <parcours@example.org>"
    assert read["To"] == "Léa Dupré <lea@example.org>"
    assert read["Reply-To"] == "Anaïs <coordination@example.org>"
    assert read["Subject"] == subject
    assert read["Message-ID"] == "<un@parcours-assmat>"
    assert read.get_body(("plain",)).get_content() == text
    assert read.get_body(("html",)).get_content().strip() == "<p>Bonjour Élodie</p>"
    [attached] = read.iter_attachments()
    assert attached.get_filename() == "rdv.ics"
    assert attached.get_content_type() == "text/calendar"
    assert attached.get_content() == calendar
