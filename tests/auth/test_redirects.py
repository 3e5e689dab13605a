"""Open redirects: hostile `next` and `url` values end on a local path, never a 5xx.

The values come from the public open-redirect lists (tabs and newlines that browsers drop,
backslashes they read as slashes, schemes, hosts, percent-encodings of all of these, unicode look-
alikes and invisible characters). Each goes through the real sign-in: the sign-in page is opened
with `?next=…`, the form is posted with what the page carried, and the answer is inspected.
"""

import html
import re
from urllib.parse import quote, urlsplit

import pytest

from onboarding.redirects import local_target
from tests import builders
from tests.conftest import csrf_token_from

HOSTILE = [
    "/%09/evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n//evil.example",
    "/%0D%0A//evil.example",
    "/%2F%0D%0A%2F%2Fevil.example",
    "/%0D%0ASet-Cookie:%20stolen=1",
    "/\r\nLocation: https://evil.example",
    "//evil.example",
    "///evil.example",
    "////evil.example/",
    "/\\evil.example",
    "/\\/evil.example",
    "\\/\\/evil.example",
    "\\\\evil.example",
    "/%5Cevil.example",
    "/%255Cevil.example",
    "/%2F%2Fevil.example",
    "/%252F%252Fevil.example",
    "%2F%2Fevil.example",
    "%2F%2F%2Fevil.example",
    "%09//evil.example",
    " //evil.example",
    "\x00//evil.example",
    "/\x00/evil.example",
    "/\x0b/evil.example",
    "https://evil.example",
    "https:evil.example",
    "https:/evil.example",
    "HTTPS://EVIL.EXAMPLE",
    "http://localhost@evil.example",
    "https://localhost.evil.example/admin/",
    "//localhost@evil.example",
    "ftp://evil.example",
    "javascript:alert(document.domain)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "%6Aavascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "\uff0f\uff0fevil.example",
    "/\u202e//evil.example",
    "/\u200b/evil.example",
    "/%E2%80%AE/evil.example",
    "/\u2028/evil.example",
    "/%C0%AF/evil.example",
    "evil.example",
    "/" + "a" * 5000,
]


def _sign_in_through_the_page(client, next_value: str):
    page = client.get("/auth/login?next=" + quote(next_value, safe=""))
    if "\x00" in next_value:
        # A NUL is a 400 everywhere: then the form is posted with the value as it is.
        assert page.status_code == 400
        page = client.get("/auth/login")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    carried = re.search(r'<input[^>]*name="next"[^>]*value="([^"]*)"', text)
    return client.post(
        "/auth/login",
        data={
            "csrf_token": csrf_token_from(text),
            "email": "coord33@example.org",
            "password": builders.PASSWORD,
            "next": html.unescape(carried.group(1)) if carried and carried.group(1) else next_value,
        },
    )


def assert_local(location: str) -> None:
    """Where a browser would go stays on this site."""
    assert location.isascii(), repr(location)
    assert location.isprintable(), repr(location)
    assert "\\" not in location
    parts = urlsplit(location)
    assert parts.scheme in ("", "http"), location
    assert parts.netloc in ("", "localhost"), location
    assert parts.path.startswith("/"), location
    assert not parts.path.startswith("//"), location


@pytest.mark.parametrize("target", HOSTILE)
def test_hostile_next_after_sign_in_ends_on_the_panel(client, coordinator_33, target):
    response = _sign_in_through_the_page(client, target)
    if "\x00" in target:
        assert response.status_code == 400
        assert client.get("/admin/").status_code == 302
        return
    assert response.status_code == 302, target
    assert_local(response.location)
    assert urlsplit(response.location).path == "/admin/", (target, response.location)
    assert client.get("/admin/").status_code == 200


def test_hostile_next_count():
    assert len(HOSTILE) >= 30


@pytest.mark.parametrize(
    "target", ["/admin/candidate/?search=b%C3%A8gles", "/admin/?tab=1", "/admin/candidate/"]
)
def test_a_path_of_the_site_is_followed(client, coordinator_33, target):
    response = _sign_in_through_the_page(client, target)
    assert response.location == target


def test_a_unicode_path_is_followed_percent_encoded(client, coordinator_33):
    response = _sign_in_through_the_page(client, "/admin/candidate/?search=Bègles")
    assert response.location == "/admin/candidate/?search=B%C3%A8gles"


@pytest.mark.parametrize("target", ["/%09/evil.example", "//evil.example", "/\r\n//evil"])
def test_an_already_signed_in_visitor_is_not_sent_away(client, auth, coordinator_33, target):
    auth.login("coord33@example.org")
    response = client.get("/auth/login?next=" + quote(target, safe=""))
    assert response.status_code == 302
    assert urlsplit(response.location).path == "/admin/"


def _panel_action(client, target: str):
    """Flask-Admin's list action form sends the browser back to its `url` field."""
    token = csrf_token_from(client.get("/admin/staff_user/").get_data(as_text=True))
    return client.post(
        "/admin/staff_user/action/",
        data={"csrf_token": token, "action": "no-such-action", "url": target},
    )


@pytest.mark.parametrize("target", ["/%09/evil.example", "//evil.example", "/\\evil", "%2F%2Fe"])
def test_the_panels_return_url_follows_the_same_rule(client, auth, admin_user, target):
    auth.login("admin@example.org")
    response = _panel_action(client, target)
    assert response.status_code == 302
    assert_local(response.location)
    assert urlsplit(response.location).path == "/admin/staff_user/"


def test_the_panels_return_url_inside_the_site_is_kept(client, auth, admin_user):
    auth.login("admin@example.org")
    response = _panel_action(client, "/admin/staff_user/?page=1")
    assert response.location == "/admin/staff_user/?page=1"


@pytest.mark.parametrize("target", HOSTILE)
def test_the_rule_itself_refuses_every_hostile_value(target):
    assert local_target(target, "/fallback") == "/fallback"
