"""A new personal link asked for by the person herself, sent by the outbox."""

import re

import pytest
from sqlalchemy import func, select

from onboarding.messages import sms
from onboarding.messages.delivery import send_due
from onboarding.pathway.models import CandidateStatus, Channel, MessageKind, OutboxMessage
from tests import builders
from tests.conftest import csrf_token_from

LINK = re.compile(r"http://localhost/candidat/acces/[^\s\"<]+")


def _ask(client, typed: str):
    page = client.get("/candidat/nouveau-lien")
    assert page.status_code == 200
    token = csrf_token_from(page.get_data(as_text=True))
    return client.post("/candidat/nouveau-lien", data={"csrf_token": token, "contact": typed})


def _queued(session) -> list[OutboxMessage]:
    return list(
        session.scalars(select(OutboxMessage).where(OutboxMessage.kind == MessageKind.ACCESS_LINK))
    )


@pytest.fixture
def lea(session, coordinator_33):
    candidate = builders.make_candidate(
        session,
        CandidateStatus.IN_PATHWAY,
        first_name="Léa",
        email="lea@example.org",
        phone="06 12 34 56 78",
    )
    candidate.coordinator = coordinator_33
    session.commit()
    return candidate


def test_a_known_email_receives_a_fresh_link_that_opens_the_space(session, client, smtp, lea):
    response = _ask(client, "  LEA@example.org ")
    assert response.status_code == 200
    assert [m.channel for m in _queued(session)] == [Channel.EMAIL]

    assert send_due(session).sent == 1
    [message] = smtp.messages()
    assert message["To"] == "lea@example.org"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "coord33@example.org" in text
    [url] = LINK.findall(text)
    opened = client.get(url.removeprefix("http://localhost"))
    assert opened.status_code == 302
    assert client.get("/candidat/").status_code == 200


def test_a_known_mobile_number_receives_the_link_by_text_message(
    session, client, smtp, sms_folder, lea
):
    _ask(client, "0612345678")
    send_due(session)
    [text_message] = sms.folder_messages(sms_folder)
    assert text_message["to"] == "0612345678"
    assert LINK.search(text_message["text"])
    assert smtp.messages() == []


def test_the_page_answers_the_same_for_a_known_and_an_unknown_address(session, client, lea):
    known = _ask(client, "lea@example.org").get_data(as_text=True)
    unknown = _ask(client, "personne@example.org").get_data(as_text=True)
    number = _ask(client, "0699999999").get_data(as_text=True)

    def visible(page: str) -> str:
        return re.sub(r'name="csrf_token"[^>]*>|nonce="[^"]+"', "", page)

    assert visible(known) == visible(unknown) == visible(number)
    assert "Si cette adresse ou ce numéro correspond à un dossier" in known
    assert len(_queued(session)) == 1


def test_an_empty_entry_is_refused_with_a_message_and_queues_nothing(session, client, lea):
    page = _ask(client, "   ").get_data(as_text=True)
    assert "Indiquez votre adresse e-mail ou votre numéro de portable." in page
    assert _queued(session) == []


def test_without_a_csrf_token_nothing_is_queued(session, client, lea):
    response = client.post("/candidat/nouveau-lien", data={"contact": "lea@example.org"})
    assert response.status_code in {200, 400}
    assert _queued(session) == []


def test_requests_are_limited_per_address(session, client, lea):
    statuses = [_ask(client, "personne@example.org").status_code for _ in range(6)]
    assert statuses[:5] == [200] * 5
    assert statuses[5] == 429


def test_an_anonymised_person_is_never_found(session, client, lea):
    from onboarding.pathway import clock

    lea.anonymised_at = clock.now()
    session.commit()
    _ask(client, "lea@example.org")
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_a_failed_delivery_leaves_the_previous_link_valid(session, client, smtp, lea):
    from onboarding.candidate.links import new_personal_link

    previous = new_personal_link(lea)
    session.commit()
    _ask(client, "lea@example.org")
    smtp.refuse = "451 later"
    assert send_due(session).retried == 1
    assert client.get(previous.removeprefix("http://localhost")).status_code == 302


def test_the_expired_link_page_offers_a_new_link(client):
    page = client.get("/candidat/acces/not-a-token").get_data(as_text=True)
    assert "/candidat/nouveau-lien" in page
