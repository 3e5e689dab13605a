"""Staff sign-in: CSRF, one answer for all failures, rate limits, fresh sessions, safe redirects."""

from urllib.parse import parse_qs, urlparse

from onboarding.auth.routes import FAILED_SIGN_IN
from onboarding.pathway.models import CandidateStatus, Role
from tests import builders
from tests.conftest import csrf_token_from


def _signed_in(client) -> bool:
    return client.get("/admin/").status_code == 200


def test_sign_in_page_has_a_csrf_protected_form(client):
    page = client.get("/auth/login")
    assert page.status_code == 200
    assert csrf_token_from(page.get_data(as_text=True))


def test_coordinator_signs_in_and_reaches_the_panel(client, auth, coordinator_33):
    response = auth.login("coord33@example.org")
    assert response.status_code == 302
    assert urlparse(response.location).path == "/admin/"
    page = client.get("/admin/")
    assert page.status_code == 200
    assert "le département\n  33" in page.get_data(as_text=True) or "33." in page.get_data(
        as_text=True
    )


def test_email_is_matched_without_regard_to_case(client, auth, coordinator_33):
    assert auth.login("Coord33@Example.ORG").status_code == 302
    assert _signed_in(client)


def test_post_without_csrf_token_is_refused(client, coordinator_33):
    response = client.post(
        "/auth/login", data={"email": "coord33@example.org", "password": builders.PASSWORD}
    )
    assert response.status_code == 400
    assert "Formulaire expiré" in response.get_data(as_text=True)
    assert not _signed_in(client)


def test_unknown_email_and_wrong_password_get_the_same_answer(client, auth, coordinator_33):
    unknown = auth.login("nobody@example.org", "whatever password")
    wrong = auth.login("coord33@example.org", "not the password")
    assert unknown.status_code == wrong.status_code == 200
    assert FAILED_SIGN_IN in unknown.get_data(as_text=True)
    assert FAILED_SIGN_IN in wrong.get_data(as_text=True)
    assert not _signed_in(client)


def test_deactivated_account_cannot_sign_in(client, auth, session, coordinator_33):
    coordinator_33.is_active = False
    session.commit()
    response = auth.login("coord33@example.org")
    assert FAILED_SIGN_IN in response.get_data(as_text=True)
    assert not _signed_in(client)


def test_failures_are_limited_per_account(app, client, auth, coordinator_33):
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "3 per 15 minutes"
    for _ in range(3):
        assert auth.login("coord33@example.org", "wrong password").status_code == 200
    blocked = auth.login("coord33@example.org")
    assert blocked.status_code == 429
    assert "Trop de tentatives" in blocked.get_data(as_text=True)
    assert not _signed_in(client)


def test_failures_are_limited_per_address_across_accounts(app, client, auth, coordinator_33):
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "4 per 15 minutes"
    for number in range(4):
        assert auth.login(f"someone{number}@example.org", "wrong password").status_code == 200
    assert auth.login("coord33@example.org").status_code == 429


def test_successful_sign_ins_do_not_count_against_the_limit(app, client, auth, coordinator_33):
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "2 per 15 minutes"
    for _ in range(3):
        assert auth.login("coord33@example.org").status_code == 302
        auth.logout()
    assert auth.login("coord33@example.org").status_code == 302


def test_sign_in_starts_a_fresh_session(client, auth, coordinator_33):
    with client.session_transaction() as before:
        before["planted"] = "by someone else"
    auth.login("coord33@example.org")
    with client.session_transaction() as after:
        assert "planted" not in after
        assert after.get("_user_id") == coordinator_33.login_id


def test_next_is_followed_only_within_the_site(client, auth, coordinator_33):
    inside = auth.login("coord33@example.org", next_url="/admin/?tab=1")
    assert inside.location.endswith("/admin/?tab=1")
    auth.logout()
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        response = auth.login("coord33@example.org", next_url=target)
        assert urlparse(response.location).path == "/admin/", target
        assert "evil" not in response.location
        auth.logout()


def test_anonymous_panel_request_goes_to_sign_in_with_next(client):
    response = client.get("/admin/?page=2")
    assert response.status_code == 302
    location = urlparse(response.location)
    assert location.path == "/auth/login"
    assert parse_qs(location.query)["next"] == ["/admin/?page=2"]


def test_sign_out_needs_a_post_with_csrf(client, auth, coordinator_33):
    auth.login("coord33@example.org")
    assert client.get("/auth/logout").status_code == 200
    assert _signed_in(client), "a GET must not sign out"
    assert client.post("/auth/logout", data={}).status_code == 400
    assert _signed_in(client)
    assert auth.logout().status_code == 302
    assert not _signed_in(client)


def test_password_change_ends_existing_sessions(client, auth, session, coordinator_33):
    auth.login("coord33@example.org")
    assert _signed_in(client)
    coordinator_33.set_password("a brand new password")
    session.commit()
    assert not _signed_in(client)


def test_dashboard_counts_only_the_coordinators_departements(client, auth, session, coordinator_33):
    builders.make_candidate(session, CandidateStatus.REFERRED, commune=builders.BORDEAUX)
    builders.make_candidate(session, CandidateStatus.REFERRED, commune=builders.PERIGUEUX)
    builders.make_candidate(session, CandidateStatus.IN_PATHWAY, commune=builders.PERIGUEUX)
    session.commit()
    auth.login("coord33@example.org")
    html = client.get("/admin/").get_data(as_text=True)
    assert "1 personne au total" in html
    auth.logout()
    builders.make_staff(session, "admin2@example.org", Role.ADMIN)
    session.commit()
    auth.login("admin2@example.org")
    assert "3 personnes au total" in client.get("/admin/").get_data(as_text=True)


def test_the_session_cookie_is_httponly_and_lax(client, auth, coordinator_33):
    response = auth.login("coord33@example.org")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie, "Secure is set only in production"
