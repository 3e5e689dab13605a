"""The Content-Security-Policy in a real Chromium: the DSFR pages and the panel work under it,
and the browser reports no violation (it does report one when a page breaks the policy)."""

from datetime import timedelta

import pytest

from onboarding.pathway.models import ActivityKind, CandidateStatus, Role
from tests import builders

# Installed before any page script: every violation the browser reports is kept on window.
LISTEN = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(
  {directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample, source: e.sourceFile}));
"""


class StrictPage:
    """A page that honours the CSP (the shared fixture bypasses it for axe-core)."""

    def __init__(self, page):
        self.page = page
        self.console: list[str] = []
        self.page_errors: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text or message.type == "error":
            self.console.append(message.text)

    def violations(self) -> list:
        reported = self.page.evaluate("() => window.__cspViolations")
        return reported + [text for text in self.console if "Content Security Policy" in text]

    def goto_clean(self, path: str, status: int = 200):
        response = self.page.goto(path)
        assert response.status == status, (path, response.status)
        self.page.wait_for_load_state("load")
        assert "nonce-" in response.headers["content-security-policy"]
        assert self.violations() == [], path
        assert self.page_errors == [], (path, self.page_errors)
        return response


@pytest.fixture
def strict(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="fr-FR")
    context.add_init_script(LISTEN)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield StrictPage(page)
    context.close()


@pytest.fixture
def panel_data(session):
    builders.make_staff(session, "coord33@example.org", Role.COORDINATOR, "33")
    step = builders.make_step(session, ActivityKind.INFORMATION, mandatory=False)
    candidate = builders.make_candidate(session, CandidateStatus.IN_PATHWAY, last_name="Girondine")
    builders.make_candidate(session, CandidateStatus.APPROVED, last_name="Approuvée")
    activity = builders.make_activity(session, step, on=builders.TODAY - timedelta(days=2))
    builders.attend(session, candidate, activity)
    session.commit()
    return candidate, activity


def sign_in(strict: StrictPage) -> None:
    strict.goto_clean("/auth/login")
    strict.page.fill("input[name=email]", "coord33@example.org")
    strict.page.fill("input[name=password]", builders.PASSWORD)
    strict.page.click("button[type=submit], input[type=submit]")
    strict.page.wait_for_url("**/admin/")


def test_public_pages_load_the_design_system_under_the_policy(strict):
    strict.goto_clean("/")
    # The DSFR script ran (it marks the document once started), so the nonce let it in.
    strict.page.wait_for_function("() => document.documentElement.hasAttribute('data-fr-js')")
    display = strict.page.locator("header.fr-header").evaluate("e => getComputedStyle(e).display")
    assert display != "inline"
    strict.goto_clean("/page-qui-n-existe-pas", status=404)
    assert "Page introuvable" in strict.page.locator("h1").inner_text()


def test_the_panel_works_with_no_violation(strict, panel_data):
    candidate, activity = panel_data
    sign_in(strict)
    assert strict.violations() == []
    page = strict.page

    strict.goto_clean("/admin/")
    assert page.locator("h1, h2, h4").first.is_visible()

    strict.goto_clean("/admin/candidate/")
    assert page.get_by_text("Girondine").first.is_visible()
    # Flask-Admin's scripts work: the filter menu opens and adds a filter row.
    page.get_by_text("Ajouter un filtre").first.click()
    page.locator(".field-filters a.filter").first.click()
    page.locator("table.filters tr").first.wait_for()
    # The bulk-action menu runs through panel.js (no inline handler): with nothing selected the
    # action refuses with an alert.
    messages = []
    page.once("dialog", lambda dialog: (messages.append(dialog.message), dialog.dismiss()))
    page.get_by_text("Avec la sélection").first.click()
    page.locator("[data-model-action]").first.click()
    page.wait_for_timeout(200)
    assert messages, "the bulk action did not run"
    assert strict.violations() == []
    assert strict.page_errors == []

    strict.goto_clean(f"/admin/candidate/details/?id={candidate.id}")
    assert "Girondine" in page.locator("body").inner_text()

    strict.goto_clean(f"/admin/activity/details/?id={activity.id}")
    # The delete confirmation (data-confirm, through panel.js): dismissed, nothing is deleted.
    strict.goto_clean("/admin/enrollment/")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.locator("button[data-confirm]").first.click()
    page.wait_for_timeout(200)
    assert asked, "no confirmation was asked"
    assert page.url.endswith("/admin/enrollment/")
    assert page.locator("button[data-confirm]").count() == 1
    strict.goto_clean("/admin/indicators/")
    strict.goto_clean("/admin/candidate/new/")
    # select2 turned the commune field into its widget: scripts ran under the nonce.
    page.locator(".select2-container").first.wait_for()
    assert strict.violations() == []


def test_the_sign_in_pages_work_with_no_violation(strict, panel_data):
    """The password pages and the second factor's enrolment, whose QR code is an inline SVG: it
    draws (its paths have a size) with presentation attributes, never a style attribute."""
    strict.goto_clean("/auth/mot-de-passe-oublie")
    sign_in(strict)
    strict.goto_clean("/auth/second-facteur/activation")
    qr_code = strict.page.locator("main svg")
    box = qr_code.bounding_box()
    assert box["width"] >= 100
    assert box["height"] >= 100
    assert qr_code.evaluate("svg => svg.querySelectorAll('[style]').length") == 0
    assert strict.violations() == []
    assert strict.page_errors == []


def test_a_page_that_breaks_the_policy_is_reported(strict):
    """The listener can fail: an inline script without the nonce is refused and reported."""
    strict.goto_clean("/")
    strict.page.evaluate(
        "() => { const s = document.createElement('div');"
        " s.innerHTML = '<img src=x onerror=\"window.ran=1\">';"
        " document.body.appendChild(s); }"
    )
    strict.page.wait_for_timeout(200)
    assert strict.violations()
    assert strict.page.evaluate("() => window.ran") is None
