"""A carer answers parents' requests from her space; the parent is told, by a real SMTP server;
the place filled leaves the search; answering twice, or another's request, is refused."""

import pytest
from sqlalchemy import select

from onboarding.messages.delivery import send_due
from onboarding.pathway import contact_answers
from onboarding.pathway.errors import RuleViolation
from onboarding.pathway.models import (
    AuditAction,
    AuditLog,
    CarerAnswer,
    ContactOutcome,
    MessageKind,
    OutboxMessage,
    Vacancy,
)
from tests import builders
from tests.candidate.conftest import text
from tests.carer.conftest import add_place, make_imported_carer, make_request

PAGE = "/espace-assmat/demandes"


def _answer(carer_space, request, answer, **extra):
    return carer_space.post(
        f"/espace-assmat/demandes/{request.id}/reponse", {"answer": answer, **extra}, page=PAGE
    )


def test_she_sees_each_request_in_french(nadia, session, carer_space):
    make_request(session, nadia)
    session.commit()
    page = text(carer_space.open(nadia).client.get(PAGE))
    assert "Julie Parent, Bordeaux" in page
    assert "Enfant : 12 mois au début de l'accueil" in page
    assert "Début souhaité le 1er septembre 2026" in page
    assert "Demi-journées : Lundi matin, Mardi matin" in page
    assert "Je reprends un emploi en septembre." in page
    assert "J'ai pris contact" in page
    assert "Place pourvue" in page
    assert "Pas de place" in page


def test_she_answers_and_the_parent_is_told_by_email(nadia, session, carer_space, smtp):
    request = make_request(session, nadia)
    session.commit()
    send_due(session)  # the request to her and the acknowledgement to the parent
    smtp.received.clear()

    response = _answer(carer_space.open(nadia), request, "contacted")

    assert response.status_code == 302
    session.expire_all()
    assert request.outcome == ContactOutcome.CONTACTED
    assert request.carer_answer == CarerAnswer.CONTACTED
    assert request.outcome_on == builders.TODAY
    assert request.answered_at is not None
    entry = session.scalar(select(AuditLog).where(AuditLog.action == AuditAction.CONTACT_ANSWER))
    assert entry.object_id == str(request.id)
    assert entry.actor_id is None
    assert send_due(session).sent == 1
    (mail,) = smtp.messages("julie@example.org")
    assert mail["Subject"] == "Réponse de Nadia B., assistante maternelle"
    body = mail.get_body(("plain",)).get_content()
    assert "indique avoir pris contact avec vous" in body
    assert "Votre réponse : J'ai pris contact" in text(carer_space.client.get(PAGE))


def test_place_filled_closes_the_place_she_names(nadia, session, carer_space, smtp):
    kept = add_place(session, nadia, slots=("mon_am",))
    filled = add_place(session, nadia, slots=("tue_am",))
    request = make_request(session, nadia)
    session.commit()
    kept_id, filled_id = kept.id, filled.id
    carer_space.open(nadia)

    refused = _answer(carer_space, request, "place_filled")
    assert refused.status_code == 400
    assert "Indiquez quelle place est pourvue." in text(refused)

    done = _answer(carer_space, request, "place_filled", vacancy=str(filled_id))
    assert done.status_code == 302
    session.expire_all()
    assert [v.id for v in session.scalars(select(Vacancy))] == [kept_id]
    assert request.outcome == ContactOutcome.NO_MATCH
    assert request.carer_answer == CarerAnswer.PLACE_FILLED
    close = session.scalar(select(AuditLog).where(AuditLog.action == AuditAction.PLACE_CLOSE))
    assert close.object_id == str(filled_id)
    assert close.actor_id is None
    send_due(session)
    (mail,) = [m for m in smtp.messages("julie@example.org") if m["Subject"].startswith("Rép")]
    assert "sa place vient d'être pourvue" in mail.get_body(("plain",)).get_content()


def test_no_place_is_no_match_and_tells_a_parent_without_email_by_sms(
    nadia,
    session,
    carer_space,
    sms_folder,
):
    request = make_request(session, nadia, email=None, phone="06 98 76 54 32")
    session.commit()
    _answer(carer_space.open(nadia), request, "no_place")
    session.expire_all()
    assert request.outcome == ContactOutcome.NO_MATCH
    assert request.carer_answer == CarerAnswer.NO_PLACE
    message = session.scalar(
        select(OutboxMessage).where(OutboxMessage.kind == MessageKind.CONTACT_ANSWER)
    )
    assert message.channel.value == "sms"
    send_due(session)
    (sent,) = list(sms_folder.iterdir())
    assert "pas de place pour votre enfant" in sent.read_text()


def test_answering_twice_is_refused_and_sends_nothing_more(nadia, session, carer_space):
    request = make_request(session, nadia)
    session.commit()
    _answer(carer_space.open(nadia), request, "contacted")
    again = _answer(carer_space, request, "no_place")
    assert again.status_code == 400
    assert "Cette demande a déjà reçu une réponse." in text(again)
    session.expire_all()
    assert request.carer_answer == CarerAnswer.CONTACTED
    answers = session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == MessageKind.CONTACT_ANSWER)
    ).all()
    assert len(answers) == 1


def test_another_carers_request_is_neither_shown_nor_answered(nadia, session, carer_space):
    other = make_imported_carer(session, first_name="Zoé", email="zoe@example.org")
    theirs = make_request(session, other, parent="Marc Autre")
    session.commit()
    carer_space.open(nadia)
    assert "Marc Autre" not in text(carer_space.client.get(PAGE))
    assert _answer(carer_space, theirs, "contacted").status_code == 404
    session.expire_all()
    assert theirs.outcome == ContactOutcome.NEW
    # The domain refuses it too, whoever calls it.
    with pytest.raises(RuleViolation, match="Cette demande ne vous est pas adressée"):
        contact_answers.answer_request(
            session, nadia, theirs, CarerAnswer.CONTACTED, today=builders.TODAY,
            now=theirs.created_at,
        )  # fmt: skip
