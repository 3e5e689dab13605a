"""The carer space in a real Chromium: her own link, the parents' requests and her answer, each
page audited with axe-core; the answer works without JavaScript too."""

import pytest
from sqlalchemy import select

from onboarding.carer.links import new_carer_link
from onboarding.pathway.models import CarerAnswer, ContactRequest
from tests.browser.conftest import assert_accessible
from tests.carer.conftest import add_place, make_imported_carer, make_request


@pytest.fixture
def carer_link(session, live_server) -> str:
    carer = make_imported_carer(session)
    add_place(session, carer, slots=("mon_am",))
    add_place(session, carer, slots=("tue_am",))
    make_request(session, carer, parent="Julie Parent")
    make_request(session, carer, parent="Marc Parent")
    url = new_carer_link(carer)
    session.commit()
    assert url.startswith(live_server)
    return url


def test_requests_and_answers_are_accessible(page, carer_link, session):
    page.goto(carer_link)
    assert page.locator("h1").inner_text() == "Ce que voient les parents"
    assert_accessible(page)

    page.get_by_role("link", name="Demandes des parents").click()
    assert page.locator("h1").inner_text() == "Demandes des parents"
    assert_accessible(page)
    # "Place pourvue" without saying which of her two places: refused, in French.
    page.get_by_role("button", name="Place pourvue (demande de Julie Parent)").click()
    assert page.get_by_text("Indiquez quelle place est pourvue.").is_visible()
    assert_accessible(page)

    page.get_by_role("button", name="J'ai pris contact avec Marc Parent").click()
    assert page.get_by_text("Le parent en est informé.").is_visible()
    assert page.get_by_text("Votre réponse : J'ai pris contact").is_visible()
    assert_accessible(page)
    answered = session.scalar(
        select(ContactRequest).where(ContactRequest.parent_name == "Marc Parent")
    )
    assert answered.carer_answer == CarerAnswer.CONTACTED


def test_she_answers_without_javascript(browser, live_server, carer_link, session):
    context = browser.new_context(base_url=live_server, locale="fr-FR", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(carer_link)
        page.get_by_role("link", name="Demandes des parents").click()
        page.get_by_role("button", name="Pas de place pour l'enfant de Julie Parent").click()
        assert page.get_by_text("pas de place pour cet enfant").is_visible()
    finally:
        context.close()


def test_on_a_phone_she_leaves_her_space_from_its_menu(browser, live_server, carer_link):
    """The DSFR header hides its tools below 992 px: the menu of the space offers the way out."""
    context = browser.new_context(
        base_url=live_server, locale="fr-FR", viewport={"width": 390, "height": 844}
    )
    try:
        page = context.new_page()
        page.goto(carer_link)
        leave = page.get_by_role("button", name="Quitter mon espace")
        assert leave.count() == 1
        assert leave.is_visible()
        leave.click()
        page.goto(f"{live_server}/espace-assmat/demandes")
        assert page.get_by_role("link", name="Demandes des parents").count() == 0
    finally:
        context.close()
