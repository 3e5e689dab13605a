"""Sessions that end: server-side, for every copy of the cookie, and after an idle time.

Each case copies the session cookie into a second browser before the event, then checks that
the copy no longer opens anything: what a stolen or forgotten cookie would do.
"""

import time

import pytest
from sqlalchemy import select

from onboarding.candidate.links import new_personal_link
from onboarding.pathway.models import CandidateStatus, Role, StaffUser
from onboarding.sessions import LAST_SEEN
from tests import builders
from tests.conftest import csrf_token_from


def copy_of(app, client):
    """A second browser holding the same session cookie."""
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value, domain="localhost")
    return other


def opens_panel(client) -> bool:
    return client.get("/admin/").status_code == 200


def admin_edits(app, session, user, **changes):
    """An admin changes `user` through the panel's account form."""
    admin = builders.make_staff(session, "chief@example.org", Role.ADMIN)
    session.commit()
    browser = app.test_client()
    page = browser.get("/auth/login")
    browser.post(
        "/auth/login",
        data={
            "csrf_token": csrf_token_from(page.get_data(as_text=True)),
            "email": admin.email,
            "password": builders.PASSWORD,
        },
    )
    url = f"/admin/staff_user/edit/?id={user.id}"
    form = {
        "csrf_token": csrf_token_from(browser.get(url).get_data(as_text=True)),
        "email": user.email,
        "full_name": user.full_name,
        "role": user.role.value,
        "departments": user.departments,
        "is_active": "y" if user.is_active else "",
        "new_password": "",
    }
    form.update(changes)
    if not form["is_active"]:
        del form["is_active"]
    response = browser.post(url, data=form)
    assert response.status_code == 302, response.get_data(as_text=True)


@pytest.fixture
def signed_in(app, client, auth, coordinator_33):
    assert auth.login(coordinator_33.email).status_code == 302
    copy = copy_of(app, client)
    assert opens_panel(copy)
    return copy


# --- staff: every session of the user ends at once -------------------------------------------


def test_sign_out_ends_a_copy_of_the_session(client, auth, signed_in):
    auth.logout()
    assert not opens_panel(client)
    assert not opens_panel(signed_in)


def test_sign_out_ends_the_session_in_another_browser(app, auth, coordinator_33, signed_in):
    elsewhere = app.test_client()
    assert auth.__class__(elsewhere).login(coordinator_33.email).status_code == 302
    auth.logout()
    assert not opens_panel(elsewhere)


def test_a_password_change_ends_every_session(app, session, coordinator_33, signed_in):
    admin_edits(app, session, coordinator_33, new_password="a brand new password")
    assert not opens_panel(signed_in)


def test_deactivation_ends_every_session(app, session, coordinator_33, signed_in):
    admin_edits(app, session, coordinator_33, is_active="")
    assert not opens_panel(signed_in)


def test_a_role_change_ends_every_session(app, session, coordinator_33, signed_in):
    admin_edits(app, session, coordinator_33, role=Role.PARTNER.value)
    assert not opens_panel(signed_in)


def test_a_departements_change_ends_every_session(app, session, coordinator_33, signed_in):
    admin_edits(app, session, coordinator_33, departments="33,24")
    assert not opens_panel(signed_in)


def test_a_name_change_keeps_the_sessions(app, session, coordinator_33, signed_in):
    admin_edits(app, session, coordinator_33, full_name="Camille Martin")
    assert opens_panel(signed_in)


def test_an_access_change_made_outside_the_panel_ends_sessions_too(session, signed_in):
    # The rule lives on the account itself: a script or the shell cannot forget it, even on a
    # row whose attributes were expired by a commit.
    session.expire_all()
    coordinator = session.scalar(select(StaffUser).where(StaffUser.email == "coord33@example.org"))
    coordinator.departments = "24"
    session.commit()
    assert not opens_panel(signed_in)


# --- staff: idle time ------------------------------------------------------------------------


def _age_session(client, seconds: int) -> None:
    with client.session_transaction() as cookie:
        cookie[LAST_SEEN] = int(time.time()) - seconds


def test_a_staff_session_idle_for_two_hours_ends(client, signed_in):
    _age_session(client, 2 * 3600 + 61)
    assert client.get("/admin/").status_code == 302
    with client.session_transaction() as cookie:
        assert "_user_id" not in cookie


def test_a_staff_session_used_within_two_hours_goes_on(client, signed_in):
    _age_session(client, 2 * 3600 - 60)
    assert opens_panel(client)
    with client.session_transaction() as cookie:
        assert time.time() - cookie[LAST_SEEN] < 60, "each use restarts the idle clock"


def test_the_staff_idle_time_is_configurable(app, client, signed_in):
    app.config["STAFF_IDLE_MINUTES"] = 10
    _age_session(client, 11 * 60)
    assert not opens_panel(client)


def test_a_staff_session_without_its_stamp_is_not_trusted(client, signed_in):
    with client.session_transaction() as cookie:
        del cookie[LAST_SEEN]
    assert not opens_panel(client)


# --- candidates ------------------------------------------------------------------------------


@pytest.fixture
def candidate(session):
    person = builders.make_candidate(
        session, CandidateStatus.IN_PATHWAY, first_name="Inès", email="ines@example.org"
    )
    session.commit()
    return person


def open_link(client, session, candidate) -> str:
    url = new_personal_link(candidate).removeprefix("http://localhost")
    session.commit()
    assert client.get(url).status_code == 302
    return url


def opens_space(client) -> bool:
    return client.get("/candidat/").status_code == 200


def test_candidate_sign_out_ends_a_copy_of_the_session(app, client, session, candidate):
    link = open_link(client, session, candidate)
    copy = copy_of(app, client)
    assert opens_space(copy)
    token = csrf_token_from(client.get("/candidat/").get_data(as_text=True))
    assert client.post("/candidat/deconnexion", data={"csrf_token": token}).status_code == 200
    assert not opens_space(copy)
    assert not opens_space(client)
    # The link itself still opens a new session.
    assert client.get(link).status_code == 302
    assert opens_space(client)
    assert not opens_space(copy)


def test_a_new_link_ends_a_copy_of_the_session(app, client, session, candidate):
    open_link(client, session, candidate)
    copy = copy_of(app, client)
    new_personal_link(candidate)
    session.commit()
    assert not opens_space(copy)
    assert not opens_space(client)


def test_a_candidate_session_idle_for_thirty_minutes_ends(client, session, candidate):
    open_link(client, session, candidate)
    _age_session(client, 30 * 60 + 61)
    assert not opens_space(client)


def test_a_candidate_session_used_within_thirty_minutes_goes_on(client, session, candidate):
    open_link(client, session, candidate)
    _age_session(client, 29 * 60)
    assert opens_space(client)


def test_the_candidate_idle_time_is_configurable(app, client, session, candidate):
    app.config["CANDIDATE_IDLE_MINUTES"] = 120
    open_link(client, session, candidate)
    _age_session(client, 90 * 60)
    assert opens_space(client)
