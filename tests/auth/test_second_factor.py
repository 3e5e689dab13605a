"""The TOTP second factor: enrolment, the code at sign-in, recovery codes, required for admins.

Codes are computed from the secret the enrolment page shows, as the phone app would; a code is
taken for the step after the last one accepted, which is always within the accepted window.
"""

import html
import re
import time

import pyotp
import pytest
from sqlalchemy import select

from onboarding.pathway import second_factor
from onboarding.pathway.models import RecoveryCode, Role, StaffUser
from tests import builders
from tests.conftest import csrf_token_from

SETUP = "/auth/second-facteur/activation"
CODE = "/auth/second-facteur"


def post_form(client, url: str, data: dict):
    page = client.get(url)
    return client.post(url, data={"csrf_token": csrf_token_from(page.get_data(as_text=True)),
                                  **data})  # fmt: skip


def next_code(session, email: str) -> str:
    user = session.scalar(select(StaffUser).where(StaffUser.email == email))
    session.refresh(user)
    return pyotp.TOTP(user.totp_secret).generate_otp(user.totp_last_step + 1)


def enrol(client) -> list[str]:
    """Through the page, as a person with an authenticator app; the recovery codes shown."""
    page = client.get(SETUP).get_data(as_text=True)
    secret = re.search(r"<code>([A-Z2-7 ]+)</code>", page).group(1).replace(" ", "")
    response = client.post(SETUP, data={"csrf_token": csrf_token_from(page),
                                        "code": pyotp.TOTP(secret).now()})  # fmt: skip
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "La double authentification est activée" in text
    return re.findall(r"<li>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})</li>", text)


def signed_in(client) -> bool:
    return client.get("/admin/").status_code == 200


@pytest.fixture
def enrolled(client, auth, coordinator_33) -> list[str]:
    auth.login(coordinator_33.email)
    codes = enrol(client)
    auth.logout()
    return codes


# --- enrolment --------------------------------------------------------------------------------


def test_the_enrolment_page_shows_a_qr_code_and_the_secret(client, auth, coordinator_33):
    auth.login(coordinator_33.email)
    page = client.get(SETUP).get_data(as_text=True)
    [svg] = re.findall(r"<svg.*?</svg>", page, re.DOTALL)
    assert "QR code à scanner" in svg
    # The CSP refuses style attributes: the QR code is drawn with presentation attributes only.
    assert "style=" not in svg
    assert 'fill="#fff"' in svg  # its own white background, readable in the dark theme
    assert re.search(r"<code>[A-Z2-7]{4}( [A-Z2-7]{1,4})+</code>", page)


def test_enrolment_with_a_wrong_code_changes_nothing(client, auth, session, coordinator_33):
    auth.login(coordinator_33.email)
    response = post_form(client, SETUP, {"code": "000000"})
    assert response.status_code == 200
    assert "Code incorrect" in html.unescape(response.get_data(as_text=True))
    session.refresh(coordinator_33)
    assert not coordinator_33.has_second_factor


def test_enrolment_gives_ten_recovery_codes_kept_hashed(client, auth, session, coordinator_33):
    auth.login(coordinator_33.email)
    codes = enrol(client)
    assert len(set(codes)) == 10
    session.refresh(coordinator_33)
    assert coordinator_33.has_second_factor
    stored = session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10
    assert not set(codes) & set(stored), "only digests are kept"


def test_the_enrolment_page_needs_a_sign_in(client):
    response = client.get(SETUP)
    assert response.status_code == 302
    assert response.location.endswith("/auth/login")


# --- at sign-in -------------------------------------------------------------------------------


def test_the_password_alone_opens_nothing(client, auth, enrolled):
    response = auth.login("coord33@example.org")
    assert response.status_code == 302
    assert response.location.endswith(CODE)
    assert not signed_in(client)
    with client.session_transaction() as cookie:
        assert "_user_id" not in cookie


def test_the_right_code_signs_in(client, auth, session, enrolled):
    auth.login("coord33@example.org", next_url="/admin/candidate/")
    response = post_form(client, CODE, {"code": next_code(session, "coord33@example.org")})
    assert response.status_code == 302
    assert response.location == "/admin/candidate/"
    assert signed_in(client)


def test_a_wrong_code_is_refused(client, auth, enrolled):
    auth.login("coord33@example.org")
    response = post_form(client, CODE, {"code": "123456"})
    assert response.status_code == 200
    assert second_factor.WRONG_CODE in html.unescape(response.get_data(as_text=True))
    assert not signed_in(client)


def test_a_code_is_accepted_once(client, auth, session, enrolled):
    code = next_code(session, "coord33@example.org")
    auth.login("coord33@example.org")
    assert post_form(client, CODE, {"code": code}).status_code == 302
    auth.logout()
    auth.login("coord33@example.org")
    assert post_form(client, CODE, {"code": code}).status_code == 200
    assert not signed_in(client)


def test_a_recovery_code_signs_in_once(client, auth, enrolled):
    first, second = enrolled[0], enrolled[1]
    auth.login("coord33@example.org")
    assert post_form(client, CODE, {"code": first.upper().replace("-", " ")}).status_code == 302
    assert signed_in(client)
    auth.logout()
    auth.login("coord33@example.org")
    assert post_form(client, CODE, {"code": first}).status_code == 200, "used up"
    assert not signed_in(client)
    assert post_form(client, CODE, {"code": second}).status_code == 302
    assert signed_in(client)


def test_the_code_page_without_a_password_first_goes_back_to_sign_in(client, enrolled):
    response = client.get(CODE)
    assert response.status_code == 302
    assert response.location.endswith("/auth/login")


def test_a_pending_sign_in_expires_after_five_minutes(client, auth, session, enrolled):
    auth.login("coord33@example.org")
    token = csrf_token_from(client.get(CODE).get_data(as_text=True))
    with client.session_transaction() as cookie:
        cookie["pending_sign_in"] = {**cookie["pending_sign_in"], "at": int(time.time()) - 301}
    code = next_code(session, "coord33@example.org")
    response = client.post(CODE, data={"csrf_token": token, "code": code})
    assert response.status_code == 302
    assert response.location.endswith("/auth/login")
    assert not signed_in(client)


def test_a_pending_sign_in_cannot_replace_the_factor(client, auth, enrolled):
    auth.login("coord33@example.org")
    response = client.get(SETUP)
    assert response.status_code == 302
    assert response.location.endswith(CODE)


def test_codes_are_rate_limited(app, client, auth, enrolled):
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "3 per 15 minutes"
    auth.login("coord33@example.org")
    for _ in range(3):
        assert post_form(client, CODE, {"code": "000000"}).status_code == 200
    assert post_form(client, CODE, {"code": "000000"}).status_code == 429


# --- required for admins ----------------------------------------------------------------------


def test_an_admin_must_enrol_when_required(app, client, auth, session, admin_user):
    app.config["ADMIN_TOTP_REQUIRED"] = True
    response = auth.login("admin@example.org", next_url="/admin/staff_user/")
    assert response.location.endswith(SETUP)
    assert not signed_in(client)
    assert "obligatoire pour les comptes administrateurs" in html.unescape(
        client.get(SETUP).get_data(as_text=True)
    )
    codes = enrol(client)
    assert len(codes) == 10
    assert signed_in(client)
    session.refresh(admin_user)
    assert admin_user.has_second_factor


def test_a_coordinator_is_not_required_to_enrol(app, client, auth, coordinator_33):
    app.config["ADMIN_TOTP_REQUIRED"] = True
    assert auth.login(coordinator_33.email).location.endswith("/admin/")
    assert signed_in(client)


def test_without_the_setting_an_admin_signs_in_with_a_password(client, auth, admin_user):
    assert auth.login("admin@example.org").location.endswith("/admin/")


def test_a_required_admin_cannot_remove_the_factor(app, client, auth, session, admin_user):
    auth.login("admin@example.org")
    enrol(client)
    app.config["ADMIN_TOTP_REQUIRED"] = True
    assert "obligatoire pour les administrateurs" in client.get(SETUP).get_data(as_text=True)
    response = client.post(
        "/auth/second-facteur/desactivation",
        data={"csrf_token": csrf_token_from(client.get("/auth/logout").get_data(as_text=True)),
              "code": next_code(session, "admin@example.org")},
    )  # fmt: skip
    assert response.status_code == 302
    session.refresh(admin_user)
    assert admin_user.has_second_factor


def test_a_user_removes_the_factor_with_a_code(client, auth, session, coordinator_33):
    auth.login(coordinator_33.email)
    enrol(client)
    response = client.post(
        "/auth/second-facteur/desactivation",
        data={"csrf_token": csrf_token_from(client.get(SETUP).get_data(as_text=True)),
              "code": next_code(session, coordinator_33.email)},
    )  # fmt: skip
    assert response.status_code == 302
    session.refresh(coordinator_33)
    assert not coordinator_33.has_second_factor
    assert session.scalars(select(RecoveryCode)).all() == []


def test_an_admin_resets_a_lost_factor_from_the_accounts(app, client, auth, session, enrolled):
    admin = builders.make_staff(session, "chief@example.org", Role.ADMIN)
    session.commit()
    auth.login(admin.email)
    user = session.scalar(select(StaffUser).where(StaffUser.email == "coord33@example.org"))
    url = f"/admin/staff_user/edit/?id={user.id}"
    response = post_form(client, url, {
        "email": user.email, "full_name": "", "role": "coordinator", "departments": "33",
        "is_active": "y", "new_password": "", "reset_second_factor": "y",
    })  # fmt: skip
    assert response.status_code == 302
    session.refresh(user)
    assert not user.has_second_factor
