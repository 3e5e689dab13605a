"""Forgotten password: one answer for every address, a link by email, single use, 30 minutes."""

import logging
import re
from datetime import timedelta
from pathlib import Path

import pytest

from onboarding import mail
from onboarding.auth.password import LINK_SENT, PASSWORD_CHANGED
from onboarding.pathway import password_reset
from onboarding.pathway.base import utcnow
from onboarding.pathway.models import Role
from tests import builders
from tests.conftest import csrf_token_from

NEW_PASSWORD = "une phrase de passe neuve"


def outbox(app) -> list:
    folder = Path(app.config["MAIL_OUTBOX"])
    return mail.outbox_messages(folder) if folder.exists() else []


def ask_for_link(client, email: str):
    page = client.get("/auth/mot-de-passe-oublie")
    return client.post(
        "/auth/mot-de-passe-oublie",
        data={"csrf_token": csrf_token_from(page.get_data(as_text=True)), "email": email},
    )


def link_in(message) -> str:
    [url] = re.findall(r"http://localhost(/auth/mot-de-passe/\S+)", message.get_content())
    return url


def choose(client, path: str, password: str = NEW_PASSWORD, confirm: str | None = None):
    page = client.get(path)
    assert page.status_code == 200
    return client.post(
        path,
        data={
            "csrf_token": csrf_token_from(page.get_data(as_text=True)),
            "password": password,
            "confirm": password if confirm is None else confirm,
        },
    )


def flashed(client) -> str:
    return client.get("/auth/login").get_data(as_text=True)


def test_the_sign_in_page_offers_the_forgotten_password_link(client):
    html = client.get("/auth/login").get_data(as_text=True)
    assert 'href="/auth/mot-de-passe-oublie"' in html
    assert "Mot de passe oublié ?" in html


def test_a_known_address_gets_a_link_that_sets_a_new_password(app, client, auth, coordinator_33):
    response = ask_for_link(client, "Coord33@example.org")
    assert response.status_code == 302
    assert LINK_SENT in flashed(client).replace("&#39;", "'")
    [message] = outbox(app)
    assert message["To"] == "coord33@example.org"
    assert "30 minutes" in message.get_content()

    changed = choose(client, link_in(message))
    assert changed.status_code == 302
    assert changed.location.endswith("/auth/login")
    assert PASSWORD_CHANGED in flashed(client)
    assert auth.login("coord33@example.org", builders.PASSWORD).status_code == 200
    assert auth.login("coord33@example.org", NEW_PASSWORD).status_code == 302


def test_an_unknown_address_gets_the_same_answer_and_no_mail(app, client, coordinator_33):
    known = ask_for_link(client, "coord33@example.org")
    unknown = ask_for_link(client, "nobody@example.org")
    assert (known.status_code, known.location) == (unknown.status_code, unknown.location)
    assert LINK_SENT in flashed(client).replace("&#39;", "'")
    assert [m["To"] for m in outbox(app)] == ["coord33@example.org"]


def test_a_deactivated_account_gets_no_link(app, client, session, coordinator_33):
    coordinator_33.is_active = False
    session.commit()
    assert ask_for_link(client, "coord33@example.org").status_code == 302
    assert outbox(app) == []


def test_the_link_works_once(app, client, coordinator_33):
    ask_for_link(client, "coord33@example.org")
    path = link_in(outbox(app)[0])
    assert choose(client, path).status_code == 302
    again = client.get(path)
    assert again.status_code == 302
    assert again.location.endswith("/auth/mot-de-passe-oublie")
    assert "n&#39;est plus valable" in client.get(again.location).get_data(as_text=True)


def test_the_link_dies_after_thirty_minutes(app, client, session, coordinator_33):
    secret = app.secret_key
    late = password_reset.issue(coordinator_33, secret_key=secret, now=utcnow() - timedelta(31))
    stale = password_reset.issue(
        coordinator_33, secret_key=secret, now=utcnow() - timedelta(minutes=31)
    )
    fresh = password_reset.issue(
        coordinator_33, secret_key=secret, now=utcnow() - timedelta(minutes=29)
    )
    assert client.get(f"/auth/mot-de-passe/{late}").status_code == 302
    assert client.get(f"/auth/mot-de-passe/{stale}").status_code == 302
    assert client.get(f"/auth/mot-de-passe/{fresh}").status_code == 200


@pytest.mark.parametrize("mangle", [lambda t: t[:-2] + "xx", lambda t: "x" + t, lambda t: "abc"])
def test_an_altered_link_is_refused(app, client, coordinator_33, mangle):
    token = password_reset.issue(coordinator_33, secret_key=app.secret_key, now=utcnow())
    response = client.get(f"/auth/mot-de-passe/{mangle(token)}")
    assert response.status_code == 302
    assert response.location.endswith("/auth/mot-de-passe-oublie")


def test_a_link_for_another_account_opens_only_that_account(app, client, auth, session):
    builders.make_staff(session, "a@example.org", Role.COORDINATOR, "33")
    other = builders.make_staff(session, "b@example.org", Role.COORDINATOR, "24")
    session.commit()
    token = password_reset.issue(other, secret_key=app.secret_key, now=utcnow())
    choose(client, f"/auth/mot-de-passe/{token}")
    assert auth.login("a@example.org", NEW_PASSWORD).status_code == 200
    assert auth.login("b@example.org", NEW_PASSWORD).status_code == 302


def test_a_reset_ends_every_open_session(app, client, auth, coordinator_33):
    auth.login("coord33@example.org")
    assert client.get("/admin/").status_code == 200
    browser = app.test_client()
    ask_for_link(browser, "coord33@example.org")
    choose(browser, link_in(outbox(app)[0]))
    assert client.get("/admin/").status_code == 302


def test_a_short_or_mismatched_password_is_refused_and_nothing_changes(
    app, client, auth, coordinator_33
):
    token = password_reset.issue(coordinator_33, secret_key=app.secret_key, now=utcnow())
    path = f"/auth/mot-de-passe/{token}"
    short = choose(client, path, "trop court")
    assert short.status_code == 200
    assert "au moins 12 caractères" in short.get_data(as_text=True)
    mismatch = choose(client, path, NEW_PASSWORD, "autre chose encore")
    assert "ne sont pas identiques" in mismatch.get_data(as_text=True)
    assert auth.login("coord33@example.org", builders.PASSWORD).status_code == 302
    assert client.get(path).status_code == 200, "the link still serves until it is used"


def test_requests_are_limited_per_account(app, client, coordinator_33):
    app.config["RESET_LIMIT_PER_ACCOUNT"] = "2 per hour"
    for _ in range(2):
        assert ask_for_link(client, "coord33@example.org").status_code == 302
    blocked = ask_for_link(client, "coord33@example.org")
    assert blocked.status_code == 429
    assert len(outbox(app)) == 2


def test_requests_are_limited_per_address(app, client, coordinator_33):
    app.config["RESET_LIMIT_PER_ADDRESS"] = "3 per hour"
    for number in range(3):
        assert ask_for_link(client, f"someone{number}@example.org").status_code == 302
    assert ask_for_link(client, "coord33@example.org").status_code == 429
    assert outbox(app) == []


def test_without_csrf_nothing_is_sent(app, client, coordinator_33):
    response = client.post("/auth/mot-de-passe-oublie", data={"email": "coord33@example.org"})
    assert response.status_code == 400
    assert outbox(app) == []


def test_the_link_goes_out_through_smtp(app, client, coordinator_33, smtp_server):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=str(smtp_server.server_address[1]))
    assert ask_for_link(client, "coord33@example.org").status_code == 302
    [raw] = smtp_server.received
    assert b"To: coord33@example.org" in raw
    assert b"/auth/mot-de-passe/" in raw
    assert outbox(app) == []


def test_an_smtp_failure_gives_the_same_answer(app, client, coordinator_33):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=9)
    response = ask_for_link(client, "coord33@example.org")
    assert response.status_code == 302
    assert LINK_SENT in flashed(client).replace("&#39;", "'")


def test_server_access_logs_mask_the_reset_token(app, coordinator_33):
    token = password_reset.issue(coordinator_33, secret_key=app.secret_key, now=utcnow())
    # As werkzeug's development server writes a request line.
    record = logging.LogRecord(
        "werkzeug", logging.INFO, __file__, 1, '%s - - [%s] "%s" %s -',
        ("127.0.0.1", "now", f"GET /auth/mot-de-passe/{token} HTTP/1.1", "200"), None,
    )  # fmt: skip
    for log_filter in logging.getLogger("werkzeug").filters:
        log_filter.filter(record)
    assert token not in record.getMessage()
    assert "GET /auth/mot-de-passe/[lien masqué] HTTP/1.1" in record.getMessage()
