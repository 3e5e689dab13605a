"""The public page "Devenir assistant maternel": the request lands in its département's queue
only, acknowledged; each refusal in French; the honeypot, CSRF and the rate limit."""

import html
import re
from pathlib import Path

from sqlalchemy import func, select

from onboarding.mail import outbox_messages
from onboarding.messages.delivery import send_due
from onboarding.pathway import intake
from onboarding.pathway.models import (
    Candidate,
    OutboxMessage,
    PreRegistration,
    PreRegistrationStatus,
    Situation,
)
from tests.conftest import csrf_token_from

PAGE = "/devenir-assistant-maternel"


def good(**change) -> dict:
    data = {
        "first_name": "Nadia",
        "last_name": "Benali",
        "email": "nadia@example.org",
        "phone": "06 12 34 56 78",
        "commune": "Bordeaux (33000)",
        "situation": "job_seeker",
        "message": "J'ai élevé trois enfants et je cherche un métier près de chez moi.",
        "consent": "y",
        "website": "",
    }
    return {k: v for k, v in {**data, **change}.items() if v is not None}


def post(client, environ=None, **change):
    page = client.get(PAGE, environ_base=environ or {})
    data = {"csrf_token": csrf_token_from(page.get_data(as_text=True)), **good(**change)}
    return client.post(PAGE, data=data, environ_base=environ or {})


def stored(session) -> list[PreRegistration]:
    session.expire_all()
    return list(session.scalars(select(PreRegistration)))


def error_at(response, field: str) -> str:
    body = response.get_data(as_text=True)
    found = re.search(rf'id="{field}-error"[^>]*>([^<]*)<', body)
    assert found, f"no error shown at {field}"
    return html.unescape(found.group(1))


def test_the_page_tells_the_job_the_pathway_and_the_conditions(client):
    body = client.get(PAGE).get_data(as_text=True)
    for words in ("Le métier", "Le parcours", "Les conditions", "agrément", "80 heures",
                  "titre de séjour", "Se préinscrire", 'name="csrf_token"'):  # fmt: skip
        assert words in html.unescape(body), words
    assert PAGE in client.get("/").get_data(as_text=True)  # the home page links to it


def test_a_request_is_kept_to_qualify_and_acknowledged(app, client, session):
    response = post(client)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{PAGE}/demande-envoyee")
    assert "Votre demande est envoyée" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    (request,) = stored(session)
    assert (request.status, request.department_code, request.situation) == (
        PreRegistrationStatus.TO_QUALIFY, "33", Situation.JOB_SEEKER,
    )  # fmt: skip
    assert (request.phone, request.consent_version) == ("0612345678", intake.CONSENT_VERSION)
    # Not a candidate: not in the lists, the indicators, the deadlines.
    assert session.scalar(select(func.count()).select_from(Candidate)) == 0
    send_due(session)
    (mail,) = outbox_messages(Path(app.config["MAIL_OUTBOX"]))
    assert mail["To"] == "nadia@example.org"
    assert "est bien reçue" in " ".join(str(mail["Subject"]).split())


def test_a_phone_alone_is_enough_and_acknowledged_by_text(client, session):
    assert post(client, email="").status_code == 302
    (request,) = stored(session)
    (message,) = session.scalars(select(OutboxMessage)).all()
    assert (request.email, message.channel.value) == (None, "sms")


def test_refusals_are_in_french_beside_their_field_and_store_nothing(client, session):
    cases = [
        ({"commune": "Zzyzx-les-Bains"}, "commune", "Commune introuvable"),
        ({"first_name": ""}, "first_name", "Indiquez votre prénom."),
        ({"email": "", "phone": ""}, "email", "Indiquez une adresse e-mail ou un numéro"),
        ({"email": "nadia@"}, "email", "L'adresse e-mail n'est pas valide."),
        ({"phone": "12"}, "phone", "Le numéro de téléphone n'est pas valide"),
        ({"consent": None}, "consent", "Cochez la case"),
        ({"situation": None}, "situation", "Choisissez votre situation."),
    ]
    for number, (change, field, message) in enumerate(cases):
        # Each from its own address: refused requests count against the rate limit too.
        response = post(client, environ={"REMOTE_ADDR": f"192.0.2.{10 + number}"}, **change)
        assert response.status_code == 200, change
        assert "Votre demande n'a pas été envoyée" in response.get_data(as_text=True)
        assert message in error_at(response, field), change
    assert stored(session) == []


def test_the_honeypot_looks_like_success_and_stores_nothing(client, session):
    response = post(client, website="http://spam.example")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{PAGE}/demande-envoyee")
    assert stored(session) == []
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_without_csrf_token_nothing_is_stored(client, session):
    assert client.post(PAGE, data=good()).status_code == 400
    assert stored(session) == []


def test_requests_are_rate_limited_per_address_with_a_french_page(app, client, session):
    app.config["PRE_REGISTRATION_LIMIT_PER_ADDRESS"] = "2 per hour"
    codes = [post(client, last_name=f"Benali{i}").status_code for i in range(3)]
    assert codes == [302, 302, 429]
    refused = post(client)
    assert refused.status_code == 429
    assert "Trop de tentatives" in refused.get_data(as_text=True)
    assert len(stored(session)) == 2
    # Another address is not held back; reading the page never is.
    assert client.get(PAGE).status_code == 200
    assert post(client, environ={"REMOTE_ADDR": "192.0.2.7"}).status_code == 302
    assert len(stored(session)) == 3
