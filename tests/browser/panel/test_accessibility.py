"""Every page of the panel passes axe-core in Chromium with no serious or critical violation:
the frame (header, navigation, footer), Flask-Admin's lists and forms, and our own screens; and
so do the sign-in pages (password, forgotten and new password, second factor)."""

from urllib.parse import urlsplit

import pyotp
import pytest

from onboarding.pathway import password_reset
from onboarding.pathway.base import utcnow
from tests import builders
from tests.browser.conftest import assert_accessible, axe_violations
from tests.browser.panel.conftest import sign_in

# (name, URL); {candidate}, {activity}, {past_activity}, {carer}, {request}, {approved} and
# {dossier_item} are the world's ids.
PANEL_PAGES = [
    ("dashboard", "/admin/"),
    ("candidate list", "/admin/candidate/"),
    ("candidate list filtered and searched", "/admin/candidate/?search=Girondine&flt0_0=33"),
    ("candidate page", "/admin/candidate/details/?id={candidate}"),
    ("candidate edit", "/admin/candidate/edit/?id={candidate}"),
    ("candidate create", "/admin/candidate/new/"),
    ("activity list", "/admin/activity/"),
    ("activity page (roll call)", "/admin/activity/details/?id={past_activity}"),
    ("activity page (enrolment)", "/admin/activity/details/?id={activity}"),
    ("activity edit", "/admin/activity/edit/?id={activity}"),
    ("activity create", "/admin/activity/new/"),
    ("enrolment list", "/admin/enrollment/"),
    ("dossier piece list", "/admin/dossier_item/"),
    ("dossier piece edit", "/admin/dossier_item/edit/?id={dossier_item}"),
    ("decision list", "/admin/decision/"),
    ("carer list", "/admin/carer/"),
    ("carer details", "/admin/carer/details/?id={carer}"),
    ("carer edit", "/admin/carer/edit/?id={carer}"),
    ("vacancy list", "/admin/vacancy/"),
    ("contact request list", "/admin/contact_request/"),
    ("contact request details", "/admin/contact_request/details/?id={request}"),
    ("contact request edit", "/admin/contact_request/edit/?id={request}"),
    ("staff list", "/admin/staff_user/"),
    ("staff create", "/admin/staff_user/new/"),
    ("pathway steps", "/admin/pathway_step/"),
    ("pathway step create", "/admin/pathway_step/new/"),
    ("audit log", "/admin/audit_log/"),
    ("indicators", "/admin/indicators/"),
    ("territories", "/admin/territoires/"),
    ("a territory's pathway", "/admin/territoires/parcours/?type=region&code=75"),
    ("bulk enrol", "/admin/candidate/bulk/enrol/?ids={candidate},{approved}"),
    ("bulk withdraw", "/admin/candidate/bulk/withdraw/?ids={candidate}"),
    ("referral list", "/admin/referral/"),
    ("referral new", "/admin/referral/nouvelle/"),
    (
        "referral search",
        "/admin/referral/nouvelle/?q=Bordeaux&commune=33063&radius_km=10"
        "&birth_date=01/06/2025&start=01/04/2026&slots=mon_am&setting=mam",
    ),
    ("mam list", "/admin/mam/"),
    ("mam create", "/admin/mam/new/"),
]


def _ids(world) -> dict:
    return {
        "candidate": world.candidate_33.id,
        "approved": world.approved_33.id,
        "activity": world.activity_33.id,
        "past_activity": world.past_activity_33.id,
        "carer": world.carer_24.id,
        "request": world.request_24.id,
        "dossier_item": world.approved_33.dossier_items[0].id,
    }


PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 720}
# The page's width, and the first elements that reach past the screen without a frame of their
# own that scrolls (or clips) them.
TOO_WIDE = """() => {
  const framed = e => {
    for (let a = e.parentElement; a; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== "visible") return true;
    }
    return false;
  };
  const past = [...document.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !framed(e));
  return {
    width: document.documentElement.scrollWidth,
    culprits: past.slice(0, 3).map(e => `${e.tagName.toLowerCase()}.${e.className}`),
  };
}"""


def test_every_panel_page_passes_axe(admin_page, world):
    """One signed-in browser through every page (each page's own problems are listed, by name,
    whichever fails first); on a phone's 390 px, no page scrolls sideways (a wide table scrolls
    within its own frame)."""
    problems = {}
    for name, path in PANEL_PAGES:
        url = path.format(**_ids(world))
        response = admin_page.goto(url)
        admin_page.wait_for_load_state("load")
        found = []
        if response.status != 200:
            found.append(f"status {response.status}")
        elif not admin_page.url.endswith(url):
            found.append(f"led to {admin_page.url}")
        else:
            if admin_page.locator("html").get_attribute("lang") != "fr":
                found.append("<html> is not lang=fr")
            if admin_page.locator("main").count() != 1:
                found.append("not exactly one <main>")
            if admin_page.locator("h1").count() != 1:
                found.append("not exactly one <h1>")
            found += axe_violations(admin_page)
            admin_page.set_viewport_size(PHONE)
            reach = admin_page.evaluate(TOO_WIDE)
            if reach["width"] > PHONE["width"]:
                found.append(f"{reach['width']} px wide on a 390 px phone: {reach['culprits']}")
            admin_page.set_viewport_size(DESKTOP)
        if found:
            problems[name] = found
    assert problems == {}


@pytest.mark.parametrize("path", ["/auth/login", "/auth/logout"])
def test_sign_in_pages_pass_axe(page, world, path):
    if path == "/auth/logout":
        sign_in(page, world.coordinator_33.email)
    assert page.goto(path).status == 200
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("main h1").count() == 1
    assert_accessible(page)


def assert_sign_in_page_accessible(page, errors: bool = False) -> None:
    """One <h1> in <main>, French, an error tied to its field when there is one, axe-core clean."""
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("main h1").count() == 1
    described = page.locator("main input.fr-input--error[aria-describedby]")
    assert described.count() == (1 if errors else 0), page.url
    if errors:
        error_id = described.first.get_attribute("aria-describedby").split()[0]
        assert page.locator(f"#{error_id}.fr-error-text").is_visible()
    assert_accessible(page)


def submit(page, fields: dict[str, str]) -> None:
    for name, value in fields.items():
        page.fill(f"main input[name={name}]", value)
    with page.expect_navigation():
        page.click("main form button[type=submit]")


def test_password_pages_pass_axe(app, page, world):
    assert page.goto("/auth/mot-de-passe-oublie").status == 200
    assert_sign_in_page_accessible(page)
    submit(page, {"email": ""})
    assert_sign_in_page_accessible(page, errors=True)

    token = password_reset.issue(world.coordinator_24, secret_key=app.secret_key, now=utcnow())
    assert page.goto(f"/auth/mot-de-passe/{token}").status == 200
    assert_sign_in_page_accessible(page)
    submit(page, {"password": "court", "confirm": "court"})
    assert_sign_in_page_accessible(page, errors=True)


def test_second_factor_pages_pass_axe(page, world):
    """Enrolment (as shown, then with a wrong code), the recovery codes, the status page, and the
    code asked at the next sign-in (as shown, then with a wrong code)."""
    sign_in(page, world.coordinator_24.email)
    assert page.goto("/auth/second-facteur/activation").status == 200
    assert page.locator("main svg title").text_content() == "QR code à scanner"
    assert_sign_in_page_accessible(page)
    submit(page, {"code": "000000"})
    assert_sign_in_page_accessible(page, errors=True)
    secret = page.locator("main code").inner_text().replace(" ", "")
    submit(page, {"code": pyotp.TOTP(secret).now()})
    assert page.locator("main h1").inner_text() == "La double authentification est activée"
    assert_sign_in_page_accessible(page)
    assert page.goto("/auth/second-facteur/activation").status == 200
    assert page.locator("main h1").inner_text() == "Double authentification"
    assert_sign_in_page_accessible(page)

    page.goto("/auth/logout")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.goto("/auth/login").status == 200
    submit(page, {"email": world.coordinator_24.email, "password": builders.PASSWORD})
    assert page.url.endswith("/auth/second-facteur")
    assert_sign_in_page_accessible(page)
    submit(page, {"code": "1"})
    assert_sign_in_page_accessible(page, errors=True)


def test_the_audit_fails_on_an_unlabelled_row_checkbox(admin_page, world):
    """The audit can fail: without its label, a list's selection checkbox is reported."""
    admin_page.goto("/admin/candidate/")
    assert admin_page.url.endswith("/admin/candidate/")
    assert admin_page.locator("label[for^=rowid-]").count() >= 2
    admin_page.evaluate(
        "() => document.querySelectorAll('label[for^=rowid-]').forEach(l => l.remove())"
    )
    assert "label" in {violation["id"] for violation in axe_violations(admin_page)}


def test_views_added_to_the_menu_pass_axe_too(admin_page, world):
    """Every list of the menu and its creation page, beyond those named above: a view added later
    is audited without editing this file."""
    admin_page.goto("/admin/")
    links = admin_page.locator("#navigation-panel a.fr-nav__link")
    menu = [urlsplit(links.nth(i).get_attribute("href")).path for i in range(links.count())]
    named = {urlsplit(path).path for _, path in PANEL_PAGES}
    assert "/admin/candidate/" in menu
    assert "/admin/audit_log/" in menu
    audited = []
    for path in menu:
        if path in named:
            continue
        assert admin_page.goto(path).status == 200, path
        assert_accessible(admin_page)
        audited.append(path)
        create = admin_page.locator("main a[href*='/new/']")
        if create.count():
            new_path = create.first.get_attribute("href")
            assert admin_page.goto(new_path).status == 200, new_path
            assert_accessible(admin_page)
            audited.append(new_path)
    # Today every view has a named page above: the loop matters when one is added.
    assert all(path in named or path in audited for path in menu)
