"""The public home page in a real Chromium: DSFR loaded, French, and no serious axe violation."""

from tests.browser.conftest import assert_accessible, axe_violations


def test_home_page_renders_with_the_design_system_and_passes_axe(page):
    response = page.goto("/")
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").inner_text() == "Parcours Assmat"
    # The DSFR stylesheet applied: the header gets the design system's layout, not the default.
    display = page.locator("header.fr-header").evaluate("e => getComputedStyle(e).display")
    assert display != "inline"
    assert_accessible(page)


def test_axe_finds_a_violation_when_there_is_one(page):
    """The audit can fail: an image without text alternative inside a link is reported."""
    page.goto("/")
    page.evaluate(
        "() => { const a = document.createElement('a'); a.href = '/x';"
        " a.appendChild(document.createElement('img'));"
        " document.querySelector('main').appendChild(a); }"
    )

    assert {v["id"] for v in axe_violations(page)} & {"link-name", "image-alt"}


def test_legal_pages_pass_axe(page):
    for path in ("/mentions-legales", "/donnees-personnelles", "/accessibilite"):
        assert page.goto(path).status == 200
        assert_accessible(page)


def test_the_page_fixture_catches_what_the_policy_refuses(page):
    """Browser tests run under the real CSP: an inline script is refused, and noticed."""
    page.goto("/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__ran = true'; document.body.appendChild(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.__ran === true") is False
    assert any("Content Security Policy" in text for text in page.csp_refusals)
    page.csp_refusals.clear()  # seen and expected: the fixture's own check must not fail
