"""The W3C Nu HTML checker finds no error on any page of the app: a crawl of the public pages,
the search and a carer's page, the candidate space, the sign-in pages (password reset and second
factor included) and the panel (every list, details and form page reached from its menu), plus
forms shown with their errors."""

import html
import re
from collections import Counter, deque
from urllib.parse import urljoin, urlsplit

import pyotp
import pytest

from onboarding.candidate.links import new_personal_link
from onboarding.pathway import password_reset
from onboarding.pathway.base import utcnow
from tests.conftest import StaffSession, csrf_token_from
from tests.search.conftest import make_carer

LINK = re.compile(r'<a\b[^>]*\bhref="([^"#]*)', re.IGNORECASE)
# Not pages: downloads, calendars, the API, files; and the panel's ajax and export endpoints.
NOT_PAGES = re.compile(r"\.(pdf|ics|json|csv|xlsx)$|/api/|/static/|/export/|/ajax/|/healthz")
# Pages of one kind (same path once ids are set aside, same query names) are checked this often.
PER_KIND = 2


def kind_of(url: str) -> tuple:
    parts = urlsplit(url)
    names = tuple(sorted({pair.split("=", 1)[0] for pair in parts.query.split("&") if pair}))
    return re.sub(r"\d+", "N", parts.path), names


def crawl(client, start: list[str], within: str, pages: dict[str, str], limit: int = 150) -> None:
    """Follow the links of each page from `start`, staying under the path `within`."""
    queue = deque(start)
    seen: set[str] = set()
    kinds: Counter = Counter()
    while queue and len(pages) < limit:
        url = queue.popleft()
        if url in seen or kinds[kind_of(url)] >= PER_KIND:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        kinds[kind_of(url)] += 1
        body = response.get_data(as_text=True)
        pages[url] = body
        for href in LINK.findall(body):
            target = urlsplit(urljoin("http://localhost" + url, html.unescape(href)))
            if target.scheme not in ("http", "https") or target.netloc not in ("localhost", ""):
                continue
            path = target.path + (f"?{target.query}" if target.query else "")
            if target.path.startswith(within) and not NOT_PAGES.search(target.path):
                queue.append(path)


def post_form(client, url: str, data: dict):
    page = client.get(url).get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf_token_from(page), **data})


def sign_in_pages(app, user) -> dict[str, str]:
    """The forgotten and new password pages, and the second factor's: enrolment, recovery codes,
    status and the code at sign-in; each as shown and with its errors, in a browser of its own."""
    client = app.test_client()
    pages: dict[str, str] = {}

    def keep(name: str, response, status: int = 200) -> None:
        assert response.status_code == status, name
        pages[name] = response.get_data(as_text=True)

    keep("/auth/mot-de-passe-oublie", client.get("/auth/mot-de-passe-oublie"))
    keep("forgotten password with errors", post_form(client, "/auth/mot-de-passe-oublie", {}))
    reset = "/auth/mot-de-passe/" + password_reset.issue(
        user, secret_key=app.secret_key, now=utcnow()
    )
    keep("/auth/mot-de-passe/<token>", client.get(reset))
    short = post_form(client, reset, {"password": "court", "confirm": "autre"})
    keep("new password with errors", short)

    staff = StaffSession(client)
    assert staff.login(user.email).status_code == 302
    setup = "/auth/second-facteur/activation"
    keep(setup, client.get(setup))
    keep("second factor enrolment with errors", post_form(client, setup, {"code": "000000"}))
    secret = re.search(r"<code>([A-Z2-7 ]+)</code>", pages[setup]).group(1).replace(" ", "")
    keep("recovery codes", post_form(client, setup, {"code": pyotp.TOTP(secret).now()}))
    assert "La double authentification est activée" in pages["recovery codes"]
    keep("second factor status", client.get(setup))
    staff.logout()

    assert staff.login(user.email).status_code == 302
    keep("/auth/second-facteur", client.get("/auth/second-facteur"))
    keep("second factor code with errors", post_form(client, "/auth/second-facteur", {"code": "1"}))
    for name, body in pages.items():
        assert ("fr-error-text" in body) == ("with errors" in name), name
    return pages


@pytest.fixture
def carer(session):
    made = make_carer(session, first_name="Léa", last_name="Durand", show_address=True)
    session.commit()
    return made


def test_every_page_passes_the_w3c_checker(app, client, auth, world, carer, session, vnu, tmp_path):
    pages: dict[str, str] = {}

    # Public pages, the search (with results, then with an error) and a carer's page.
    crawl(client, ["/", "/recherche?q=Bordeaux&radius_km=10", "/recherche?q=Zzyzx",
                   f"/assmat/{carer.id}"], "/", pages, limit=40)  # fmt: skip
    response = client.post(f"/assmat/{carer.id}", data={"parent_name": "Julie Parent"})
    pages["contact form with errors"] = response.get_data(as_text=True)
    pages["not found"] = client.get("/page-qui-n-existe-pas").get_data(as_text=True)

    # The candidate space, from a personal link, in its own browser.
    candidate_client = app.test_client()
    link = urlsplit(new_personal_link(world.approved_33))
    session.commit()
    assert candidate_client.get(link.path).status_code == 302
    crawl(candidate_client, ["/candidat/"], "/candidat/", pages, limit=len(pages) + 20)
    assert any(url.startswith("/candidat/") for url in pages), "the candidate space was not reached"
    # Her carer space, from the same session (places, parents' requests).
    crawl(candidate_client, ["/espace-assmat/", "/espace-assmat/demandes"], "/espace-assmat/",
          pages, limit=len(pages) + 10)  # fmt: skip
    assert "/espace-assmat/demandes" in pages, "the carer space was not reached"

    # The sign-in page, as shown and with its errors.
    pages["/auth/login"] = client.get("/auth/login").get_data(as_text=True)
    token = csrf_token_from(pages["/auth/login"])
    response = client.post("/auth/login", data={"csrf_token": token, "email": "x@example.org"})
    pages["sign-in with errors"] = response.get_data(as_text=True)
    pages.update(sign_in_pages(app, world.coordinator_24))

    # The panel, as an admin (every view), from the dashboard and each menu entry.
    assert auth.login(world.admin.email).status_code == 302
    panel_start = ["/admin/", f"/admin/candidate/details/?id={world.candidate_33.id}",
                   f"/admin/activity/details/?id={world.past_activity_33.id}",
                   f"/admin/candidate/bulk/enrol/?ids={world.candidate_33.id}",
                   f"/admin/candidate/bulk/withdraw/?ids={world.candidate_33.id}"]  # fmt: skip
    crawl(client, panel_start, "/admin/", pages, limit=len(pages) + 150)
    create = client.get("/admin/candidate/new/").get_data(as_text=True)
    response = client.post("/admin/candidate/new/", data={"csrf_token": csrf_token_from(create)})
    pages["candidate creation with errors"] = response.get_data(as_text=True)
    pages["/auth/logout"] = client.get("/auth/logout").get_data(as_text=True)

    panel_pages = [urlsplit(url).path for url in pages if url.startswith("/admin/")]
    for expected in ("/admin/candidate/", "/admin/candidate/new/", "/admin/activity/",
                     "/admin/indicators/", "/admin/audit_log/"):  # fmt: skip
        assert expected in panel_pages, f"the crawl missed {expected}"
    assert any("/edit/" in url for url in panel_pages)
    assert any("/details/" in url for url in panel_pages)

    for url, body in pages.items():
        assert '<html lang="fr"' in body, f"{url}: no lang on <html>"
    errors = vnu(pages, tmp_path)
    report = "\n".join(f"{url}:\n  " + "\n  ".join(found) for url, found in errors.items())
    assert errors == {}, (
        f"the W3C checker finds errors on {len(errors)} of {len(pages)} pages:\n{report}"
    )


def test_the_checker_reports_an_invalid_page(vnu, tmp_path):
    """The check can fail: the faults the issue found are reported."""
    page = ('<!DOCTYPE html><html lang="fr"><head><title>t</title>'
            '<meta http-equiv="X-UA-Compatible" content="IE=edge,chrome=1"></head><body>'
            '<form action=""><label for="x">Commune</label><input type="hidden" id="x"></form>'
            "</body></html>")  # fmt: skip
    errors = vnu({"bad": page}, tmp_path)
    found = " ".join(errors["bad"])
    assert "X-UA-Compatible" in found
    assert "action" in found
    assert "label" in found
