"""Sign-in with ProConnect, end to end against a real OpenID Connect provider on 127.0.0.1.

The test client is the browser for our app; `requests` is the browser at the provider. Every
refusal ends on the sign-in page with a French message and no session.
"""

import html
import re
from urllib.parse import parse_qs, quote, urlsplit

import pyotp
import pytest
import requests
from sqlalchemy import func, select

from onboarding.auth import proconnect
from onboarding.pathway import second_factor
from onboarding.pathway.base import utcnow
from onboarding.pathway.models import StaffUser
from tests.conftest import csrf_token_from


def start(client, next_url: str = ""):
    """Follow the sign-in page's ProConnect link, as a browser does."""
    query = "?next=" + quote(next_url, safe="") if next_url else ""
    page = client.get("/auth/login" + query).get_data(as_text=True)
    [href] = re.findall(r'href="(/auth/proconnect[^"]*)"', page)
    return client.get(html.unescape(href))


def at_provider(location: str) -> str:
    """The provider's authorization endpoint answers with our callback (path and query)."""
    answer = requests.get(location, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["Location"])
    assert (back.scheme, back.netloc, back.path) == ("http", "localhost", "/auth/proconnect/retour")
    return f"{back.path}?{back.query}"


def sign_in(client, next_url: str = ""):
    """The whole round trip; the callback's response and the callback URL used."""
    started = start(client, next_url)
    assert started.status_code == 302
    callback = at_provider(started.location)
    return client.get(callback), callback


def signed_in(client) -> bool:
    return client.get("/admin/").status_code == 200


def refused_with(client, response, message: str) -> None:
    assert response.status_code == 302
    assert urlsplit(response.location).path == "/auth/login"
    page = client.get("/auth/login").get_data(as_text=True).replace("&#39;", "'")
    assert message in page
    assert not signed_in(client)
    with client.session_transaction() as cookie:
        assert "_user_id" not in cookie
        assert not [key for key in cookie if key.startswith("_state_")]


# --- the button -------------------------------------------------------------------------------


def test_the_button_is_hidden_when_proconnect_is_not_configured(client):
    assert "ProConnect" not in client.get("/auth/login").get_data(as_text=True)
    assert client.get("/auth/proconnect").status_code == 404


def test_the_button_is_shown_when_configured(client, provider):
    page = client.get("/auth/login").get_data(as_text=True)
    assert "S'identifier avec ProConnect" in page.replace("&#39;", "'")
    assert 'href="/auth/proconnect"' in page


# --- success ----------------------------------------------------------------------------------


def test_an_agent_with_an_account_signs_in(client, provider, coordinator_33):
    response, _ = sign_in(client)
    assert response.status_code == 302
    assert urlsplit(response.location).path == "/admin/"
    assert signed_in(client)
    with client.session_transaction() as cookie:
        assert cookie["_user_id"] == coordinator_33.login_id


def test_the_request_carries_state_nonce_and_pkce(client, provider, coordinator_33):
    started = start(client)
    query = parse_qs(urlsplit(started.location).query)
    assert query["response_type"] == ["code"]
    assert set(query["scope"][0].split()) >= {"openid", "email"}
    assert len(query["state"][0]) >= 20
    assert len(query["nonce"][0]) >= 20
    assert query["code_challenge_method"] == ["S256"]
    assert query["code_challenge"][0]
    client.get(at_provider(started.location))
    assert provider.token_requests[-1]["code_verifier"], "the verifier is sent with the code"
    assert signed_in(client)


def test_next_is_kept_through_the_round_trip_and_still_checked(client, provider, coordinator_33):
    response, _ = sign_in(client, "/admin/candidate/")
    assert response.location == "/admin/candidate/"
    client.post("/auth/logout", data={"csrf_token": csrf_token_from(
        client.get("/auth/logout").get_data(as_text=True))})  # fmt: skip
    response, _ = sign_in(client, "/%09/evil.example")
    assert urlsplit(response.location).path == "/admin/"


def test_the_email_may_come_from_the_signed_userinfo(client, provider, coordinator_33):
    provider.knobs.email_in_id_token = False
    response, _ = sign_in(client)
    assert urlsplit(response.location).path == "/admin/"
    assert signed_in(client)


def test_an_email_without_email_verified_is_proconnects_guarantee(app, client, provider,
                                                                   coordinator_33):  # fmt: skip
    provider.knobs.email_verified = None
    sign_in(client)
    assert signed_in(client)


def test_without_trusting_proconnect_an_email_needs_email_verified(app, client, provider,
                                                                   coordinator_33):  # fmt: skip
    app.config["PROCONNECT_TRUST_EMAIL"] = False
    provider.knobs.email_verified = None
    response, _ = sign_in(client)
    refused_with(client, response, proconnect.UNVERIFIED)


# --- refusals ---------------------------------------------------------------------------------


def test_an_unknown_email_is_told_to_ask_an_administrator(client, session, provider):
    provider.knobs.email = "nouvel.agent@example.org"
    response, _ = sign_in(client)
    refused_with(client, response, "demandez à un administrateur")
    assert session.scalar(select(func.count()).select_from(StaffUser)) == 0, "never created"


def test_a_deactivated_account_is_refused(client, session, provider, coordinator_33):
    coordinator_33.is_active = False
    session.commit()
    response, _ = sign_in(client)
    refused_with(client, response, proconnect.NO_ACCOUNT)


def test_an_unverified_email_is_refused(client, provider, coordinator_33):
    provider.knobs.email_verified = False
    response, _ = sign_in(client)
    refused_with(client, response, proconnect.UNVERIFIED)


def test_an_unverified_email_from_userinfo_is_refused(client, provider, coordinator_33):
    provider.knobs.email_in_id_token = False
    provider.knobs.email_verified = False
    response, _ = sign_in(client)
    refused_with(client, response, proconnect.UNVERIFIED)


def test_a_wrong_issuer_is_refused(client, provider, coordinator_33):
    provider.knobs.issuer_claim = "https://evil.example"
    response, _ = sign_in(client)
    refused_with(client, response, proconnect.REFUSED)


def test_a_bad_signature_is_refused(client, provider, coordinator_33):
    provider.knobs.sign_with_other_key = True
    response, _ = sign_in(client)
    refused_with(client, response, proconnect.REFUSED)


def test_another_audience_is_refused(client, provider, coordinator_33):
    provider.knobs.audience = "another-client"
    response, _ = sign_in(client)
    refused_with(client, response, proconnect.REFUSED)


def test_an_expired_id_token_is_refused(client, provider, coordinator_33):
    provider.knobs.expires_in = -600
    response, _ = sign_in(client)
    refused_with(client, response, proconnect.REFUSED)


def test_another_nonce_is_refused(client, provider, coordinator_33):
    provider.knobs.nonce = "not-the-nonce-we-sent"
    response, _ = sign_in(client)
    refused_with(client, response, proconnect.REFUSED)


def test_an_answer_without_id_token_is_refused(client, provider, coordinator_33):
    provider.knobs.omit_id_token = True
    response, _ = sign_in(client)
    refused_with(client, response, proconnect.REFUSED)


def test_a_replayed_state_is_refused(app, client, provider, coordinator_33):
    _, callback = sign_in(client)
    assert signed_in(client)
    # The same answer again, in the same browser after sign-out and in another browser.
    token = csrf_token_from(client.get("/auth/logout").get_data(as_text=True))
    client.post("/auth/logout", data={"csrf_token": token})
    refused_with(client, client.get(callback), proconnect.REFUSED)
    elsewhere = app.test_client()
    refused_with(elsewhere, elsewhere.get(callback), proconnect.REFUSED)


def test_a_state_from_another_browser_is_refused(app, client, provider, coordinator_33):
    started = start(app.test_client())
    callback = at_provider(started.location)
    start(client)  # this browser has a state of its own, not that one
    refused_with(client, client.get(callback), proconnect.REFUSED)


def test_an_error_from_the_provider_is_refused(client, provider, coordinator_33):
    start(client)
    response = client.get("/auth/proconnect/retour?error=access_denied&state=x")
    refused_with(client, response, proconnect.REFUSED)


def test_an_unreachable_provider_is_a_french_message(app, client, coordinator_33):
    app.config.update(
        PROCONNECT_ISSUER="http://127.0.0.1:9", PROCONNECT_CLIENT_ID="x",
        PROCONNECT_CLIENT_SECRET="y",
    )  # fmt: skip
    response = start(client)
    refused_with(client, response, proconnect.REFUSED)


@pytest.mark.parametrize("query", ["", "?code=x", "?state=x", "?code=x&state=%00"])
def test_a_forged_callback_is_refused(client, provider, coordinator_33, query):
    response = client.get("/auth/proconnect/retour" + query)
    assert response.status_code in (302, 400)
    assert not signed_in(client)


def test_an_account_with_a_second_factor_still_gives_its_code(client, session, provider,
                                                               coordinator_33):  # fmt: skip
    secret = second_factor.new_secret()
    second_factor.enable(session, coordinator_33, secret, pyotp.TOTP(secret).now(), utcnow())
    session.commit()
    response, _ = sign_in(client)
    assert response.location.endswith("/auth/second-facteur")
    assert not signed_in(client)
