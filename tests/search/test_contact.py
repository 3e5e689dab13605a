"""A carer's public page and the contact request: success, each invalid field, the honeypot,
CSRF, the rate limit; then the coordinators of her département follow it in the panel."""

import html
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from onboarding.mail import outbox_messages
from onboarding.messages.delivery import send_due
from onboarding.pathway.models import ContactOutcome, ContactRequest
from tests.builders import TODAY
from tests.conftest import csrf_token_from
from tests.search.conftest import PERIGUEUX

START = (TODAY + timedelta(days=20)).isoformat()


def good(**change) -> dict:
    data = {
        "parent_name": "Julie Parent",
        "email": "julie@example.org",
        "phone": "06 12 34 56 78",
        "commune": "Bordeaux (33000)",
        "child_birth_date": "2025-09-01",
        "start_date": START,
        "slots": ["mon_am", "tue_am"],
        "needs": ["early"],
        "is_job_seeker": "oui",
        "message": "Bonjour, je reprends un emploi le mois prochain.",
        "consent": "y",
        "website": "",
    }
    return {k: v for k, v in {**data, **change}.items() if v is not None}


def post(client, carer, **change):
    page = client.get(f"/assmat/{carer.id}")
    data = {"csrf_token": csrf_token_from(page.get_data(as_text=True)), **good(**change)}
    return client.post(f"/assmat/{carer.id}", data=data)


def stored(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(ContactRequest))


def outbox(app, session) -> list:
    """The mail written to the outbox folder, once the queued messages are sent."""
    send_due(session)
    return outbox_messages(Path(app.config["MAIL_OUTBOX"]))


def text(response) -> str:
    page = response.get_data(as_text=True)
    main = page[page.index("<main") : page.index("</main>")]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main)).split())


@pytest.fixture
def carer(session, carer_factory):
    made = carer_factory(first_name="Léa", last_name="Durand", email="lea@example.org")
    session.commit()
    return made


def test_the_public_page_shows_what_she_chose_to_show(client, session, carer_factory):
    shown = carer_factory(first_name="Léa", last_name="Durand", email=None, phone="0556000001",
                          show_address=True, agrement_on=TODAY - timedelta(days=30))  # fmt: skip
    session.commit()
    page = text(client.get(f"/assmat/{shown.id}"))
    assert "Léa D., assistante maternelle à Bordeaux" in page
    assert "Nouvellement agréée" in page
    assert "3 rue des Lilas" in page
    assert "0556000001" in page
    assert "Durand" not in page
    assert "Demander une mise en relation" in page


@pytest.mark.parametrize(
    "kwargs", [{"published": False}, {"confirmed_on": TODAY - timedelta(days=200)}]
)
def test_unpublished_or_stale_carers_have_no_page(client, session, carer_factory, kwargs):
    hidden = carer_factory(**kwargs)
    session.commit()
    assert client.get(f"/assmat/{hidden.id}").status_code == 404
    assert client.get("/assmat/999999").status_code == 404


def test_a_request_is_stored_and_the_carer_told_by_email(app, client, session, carer):
    response = post(client, carer)

    assert response.status_code == 302
    assert f"/assmat/{carer.id}/demande-envoyee" in response.headers["Location"]
    [request] = session.scalars(select(ContactRequest)).all()
    assert (request.carer_id, request.parent_name, request.email) == (
        carer.id, "Julie Parent", "julie@example.org",
    )  # fmt: skip
    assert request.phone == "06 12 34 56 78"
    assert request.commune_insee == "33063"
    assert request.start_date.isoformat() == START
    assert request.is_job_seeker is True
    assert request.half_days == 0b101
    assert request.needs == 0b1
    assert request.outcome == ContactOutcome.NEW
    assert request.consent_at is not None
    assert request.consent_version
    message, acknowledgement = outbox(app, session)
    assert acknowledgement["To"] == "julie@example.org"
    assert message["To"] == "lea@example.org"
    assert message["Reply-To"] == "julie@example.org"
    body = message.get_content()
    assert "Julie Parent" in body
    assert "06 12 34 56 78" in body
    assert "Lundi matin, Mardi matin" in body
    assert "Avant 7 h" in body
    # Where she says she answered, and how to get in when her link has expired.
    base = app.config["PUBLIC_BASE_URL"].rstrip("/")
    assert "rubrique « Demandes des parents »" in body
    assert f"{base}/espace-assmat/demandes\n" in body
    assert f"{base}/espace-assmat/nouveau-lien\n" in body
    sent = client.get(response.headers["Location"])
    assert "Votre demande est envoyée" in text(sent)


def test_phone_alone_is_enough_and_a_carer_without_email_is_left_to_the_coordinators(
    app, client, session, carer_factory
):
    no_email = carer_factory(email=None, phone="0556000002")
    session.commit()
    # Her page does not promise an e-mail she cannot receive.
    page = text(client.get(f"/assmat/{no_email.id}"))
    assert "transmise à Camille par la coordination de son département" in page
    assert "par e-mail" not in page
    response = post(client, no_email, email="")
    assert response.status_code == 302
    assert stored(session) == 1
    # No email to her: the coordinators of her département are told at once (none here).
    assert outbox(app, session) == []
    assert "la coordination du département la transmet" in text(
        client.get(response.headers["Location"])
    )


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"parent_name": ""}, "parent_name", "Indiquez votre nom."),
        ({"parent_name": "x" * 121}, "parent_name", "ne peut pas dépasser 120 caractères"),
        ({"email": "", "phone": ""}, "email", "au moins l'un des deux"),
        ({"email": "julie@"}, "email", "Adresse e-mail invalide"),
        ({"email": "a" * 250 + "@example.org"}, "email", "254 caractères"),
        ({"phone": "12345"}, "phone", "Numéro de téléphone invalide"),
        ({"phone": "0" * 21}, "phone", "20 caractères"),
        ({"commune": ""}, "commune", "Indiquez votre commune"),
        ({"commune": "Zzyzx"}, "commune", "Commune introuvable"),
        ({"commune": "Saint-Denis"}, "commune", "Plusieurs communes correspondent"),
        ({"commune": "x" * 121}, "commune", "120 caractères"),
        ({"child_birth_date": ""}, "child_birth_date", "Indiquez la date de naissance"),
        ({"child_birth_date": "31/02/2025"}, "child_birth_date", "date valide"),
        ({"child_birth_date": "2000-01-01"}, "child_birth_date", "moins de 18 ans"),
        ({"child_birth_date": "2027-01-01"}, "child_birth_date", "doit être né"),
        ({"start_date": ""}, "start_date", "Indiquez la date de début"),
        ({"start_date": (TODAY - timedelta(days=1)).isoformat()}, "start_date", "dans le passé"),
        ({"start_date": "2030-01-01"}, "start_date", "deux ans"),
        ({"slots": ["mon_am", "noon"]}, "slots", "Choix inconnu"),
        ({"needs": ["spa"]}, "needs", "Choix inconnu"),
        ({"is_job_seeker": None}, "is_job_seeker", "Répondez par oui ou par non."),
        ({"is_job_seeker": "peut-être"}, "is_job_seeker", "N'est pas un choix valide."),
        ({"message": "x" * 2001}, "message", "2000 caractères"),
        ({"consent": None}, "consent", "Votre accord est nécessaire"),
    ],
)
def test_each_invalid_field_shows_the_form_again_and_stores_nothing(
    app, client, session, carer, change, field, message
):
    response = post(client, carer, **change)

    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Votre demande n'a pas été envoyée" in body
    error = re.search(rf'id="{field}-error"[^>]*>([^<]*)<', body)
    assert error, f"no error shown at {field}"
    assert message in html.unescape(error.group(1))
    assert stored(session) == 0
    assert outbox(app, session) == []


def test_the_honeypot_looks_like_success_and_stores_nothing(app, client, session, carer):
    response = post(client, carer, website="http://spam.example")
    assert response.status_code == 302
    assert stored(session) == 0
    assert outbox(app, session) == []


def test_without_csrf_token_nothing_is_stored(client, session, carer):
    response = client.post(f"/assmat/{carer.id}", data=good())
    assert response.status_code == 400
    assert stored(session) == 0
    # What she is told: the page was left open too long, and what to do (not "Requête invalide").
    page = text(response)
    assert "Formulaire expiré" in page
    assert "rien n'a été enregistré" in page
    assert "Requête invalide" not in page


def test_requests_are_rate_limited_per_address(app, client, session, carer):
    app.config["CONTACT_LIMIT_PER_ADDRESS"] = "2 per hour"
    codes = [post(client, carer).status_code for _ in range(3)]
    assert codes == [302, 302, 429]
    assert stored(session) == 2
    assert "Trop de tentatives" in post(client, carer).get_data(as_text=True)
    page = client.get(f"/assmat/{carer.id}", environ_base={"REMOTE_ADDR": "192.0.2.7"})
    token = csrf_token_from(page.get_data(as_text=True))
    other = client.post(f"/assmat/{carer.id}", data={"csrf_token": token, **good()},
                        environ_base={"REMOTE_ADDR": "192.0.2.7"})  # fmt: skip
    assert other.status_code == 302
    assert stored(session) == 3


def test_coordinators_of_her_departement_follow_it_to_an_outcome(
    client, session, carer, carer_factory, auth, coordinator_33
):
    from tests import builders

    builders.make_staff(session, "coord24@example.org", departments="24")
    dordogne = carer_factory(PERIGUEUX, first_name="Inès")
    session.commit()
    post(client, carer, parent_name="Julie Gironde")
    post(client, dordogne, parent_name="Paul Dordogne", commune="Périgueux")
    assert stored(session) == 2

    auth.login("coord33@example.org")
    listing = client.get("/admin/contact_request/").get_data(as_text=True)
    assert "Julie Gironde" in listing
    assert "Paul Dordogne" not in listing
    request = session.scalar(select(ContactRequest).where(ContactRequest.carer_id == carer.id))
    edit = client.get(f"/admin/contact_request/edit/?id={request.id}")
    token = csrf_token_from(edit.get_data(as_text=True))
    client.post(f"/admin/contact_request/edit/?id={request.id}",
                data={"csrf_token": token, "outcome": "contract_signed"})  # fmt: skip
    session.expire_all()
    assert request.outcome == ContactOutcome.CONTRACT_SIGNED
    assert request.outcome_on == TODAY

    auth.logout()
    auth.login("coord24@example.org")
    listing = client.get("/admin/contact_request/").get_data(as_text=True)
    assert "Paul Dordogne" in listing
    assert "Julie Gironde" not in listing
