"""The panel in a real Chromium: a small world over two départements (the panel tests' own), and a
page signed in as a member of staff."""

import pytest

from tests import builders
from tests.admin.conftest import world  # noqa: F401  (the panel tests' world, shared)
from tests.conftest import StaffSession


def sign_in(page, email: str, password: str = builders.PASSWORD) -> None:
    """Through the sign-in page, as a person would."""
    assert page.goto("/auth/login").status == 200
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit]")
    page.wait_for_url("**/admin/")


def sign_in_quickly(app, page, live_server: str, email: str) -> None:
    """Signed in through the real form by a test client, its session cookie handed to the browser:
    for tests about what comes after sign-in (sign_in() above goes through the page itself)."""
    client = app.test_client()
    # Sessions are bound to the browser's address and user agent (Flask-Login's strong protection).
    client.environ_base.update(
        REMOTE_ADDR="127.0.0.1", HTTP_USER_AGENT=page.evaluate("() => navigator.userAgent")
    )
    assert StaffSession(client).login(email).status_code == 302, "sign-in failed"
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server}])


@pytest.fixture
def admin_page(app, page, live_server, world):  # noqa: F811
    sign_in_quickly(app, page, live_server, world.admin.email)
    return page
