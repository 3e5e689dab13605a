"""The panel in a real Chromium: a small world over two départements (the panel tests' own), and a
page signed in as a member of staff."""

import pytest

from tests import builders
from tests.admin.conftest import world  # noqa: F401  (the panel tests' world, shared)


def sign_in(page, email: str, password: str = builders.PASSWORD) -> None:
    """Through the sign-in page, as a person would."""
    assert page.goto("/auth/login").status == 200
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit]")
    page.wait_for_url("**/admin/")


@pytest.fixture
def admin_page(page, world):  # noqa: F811
    sign_in(page, world.admin.email)
    return page
