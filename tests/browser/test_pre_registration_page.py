"""The page "Devenir assistant maternel" in a real Chromium: no serious or critical axe
violation, empty or with its errors shown; a request sent from it lands in the queue."""

from sqlalchemy import select

from onboarding.pathway.models import PreRegistration, PreRegistrationStatus
from tests.browser.conftest import assert_accessible

PAGE = "/devenir-assistant-maternel"


def test_the_page_passes_axe_empty_and_with_its_errors(page):
    assert page.goto(PAGE).status == 200
    assert page.locator("h1").inner_text() == "Devenir assistant maternel"
    assert_accessible(page)
    page.fill("#first_name", "Nadia")
    page.fill("#commune", "Zzyzx-les-Bains")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "Votre demande n'a pas été envoyée" in page.content()
    assert "Commune introuvable" in page.locator("#commune-error").inner_text()
    assert_accessible(page)


def test_a_person_sends_her_request(page, session):
    page.goto(PAGE)
    page.fill("#first_name", "Nadia")
    page.fill("#last_name", "Benali")
    page.fill("#email", "nadia@example.org")
    page.fill("#commune", "Bordeaux (33000)")
    # DSFR draws its own boxes over the inputs: people click the labels.
    page.click("label[for=situation-employed]")
    page.click("label[for=consent]")
    page.click("button[type=submit]")
    assert page.locator("h1").inner_text() == "Votre demande est envoyée"
    assert f"{PAGE}/demande-envoyee" in page.url
    assert_accessible(page)
    session.expire_all()
    (request,) = session.scalars(select(PreRegistration)).all()
    assert (request.last_name, request.status) == ("Benali", PreRegistrationStatus.TO_QUALIFY)
