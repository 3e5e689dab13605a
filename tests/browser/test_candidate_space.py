"""The candidate space in a real Chromium: the personal link, the progress page and the
availability form, each page audited with axe-core; everything works without JavaScript too."""

from datetime import time, timedelta

import pytest
from sqlalchemy import select

from onboarding.candidate.links import new_personal_link
from onboarding.pathway import enrollment
from onboarding.pathway.models import ActivityKind, CandidateStatus, Vacancy
from tests import builders
from tests.browser.conftest import assert_accessible


@pytest.fixture
def carer_link(session, live_server) -> str:
    candidate = builders.make_candidate(
        session, CandidateStatus.APPROVED, first_name="Awa", last_name="Diallo",
        email="awa@example.org", phone="0611223344", address="8 allée des Pins",
    )  # fmt: skip
    step = builders.make_step(session, ActivityKind.MODULE, title="Premiers secours")
    activity = builders.make_activity(
        session, step, on=builders.TODAY + timedelta(days=6), start=time(9), end=time(12)
    )
    activity.what_to_bring = "De quoi prendre des notes"
    enrollment.enroll(session, candidate, activity, actor=None, today=builders.TODAY)
    url = new_personal_link(candidate)
    session.commit()
    assert url.startswith(live_server)
    return url


def _availability_form(page):
    page.get_by_role("link", name="Mes disponibilités").click()
    assert page.locator("h1").inner_text() == "Ce que voient les parents"
    assert_accessible(page)
    page.get_by_role("link", name="Ajouter une place").click()
    assert page.locator("h1").inner_text() == "Ajouter une place"
    assert_accessible(page)


def test_link_progress_and_availability_form_are_accessible(page, carer_link, session):
    response = page.goto(carer_link)

    assert response.ok
    assert page.url.endswith("/candidat/")
    assert page.locator("h1").inner_text() == "Bonjour Awa"
    assert page.get_by_text("De quoi prendre des notes").is_visible()
    assert_accessible(page)

    _availability_form(page)
    # A refused form: its French message beside the field, and still accessible.
    page.get_by_label("Âge minimum de l'enfant (en mois)").fill("36")
    page.get_by_label("Âge maximum de l'enfant (en mois)").fill("12")
    page.get_by_role("button", name="Enregistrer la place").click()
    assert page.get_by_text("la tranche d'âge est inversée").first.is_visible()
    assert_accessible(page)

    page.get_by_label("Âge minimum de l'enfant (en mois)").fill("0")
    page.get_by_label("Âge maximum de l'enfant (en mois)").fill("36")
    # DSFR draws the box on the label, which is what a person clicks.
    for label in ("Mardi matin", "Mardi après-midi", "Vacances scolaires"):
        page.locator("label", has_text=label).click()
        assert page.get_by_label(label).is_checked()
    page.get_by_role("button", name="Enregistrer la place").click()

    assert page.get_by_text("La place est enregistrée.").is_visible()
    assert page.get_by_text("Mardi matin, Mardi après-midi").is_visible()
    assert_accessible(page)
    vacancy = session.scalar(select(Vacancy))
    assert vacancy.half_days == 0b1100
    assert vacancy.holidays is True


def test_the_space_works_without_javascript(browser, live_server, carer_link):
    context = browser.new_context(base_url=live_server, locale="fr-FR", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(carer_link)
        assert page.locator("h1").inner_text() == "Bonjour Awa"
        page.get_by_role("link", name="Mes disponibilités").click()
        page.get_by_role("button", name="Je confirme mes disponibilités").click()
        assert page.get_by_text("vos disponibilités sont confirmées").is_visible()
    finally:
        context.close()


def test_an_expired_or_altered_link_page_is_accessible(page, carer_link):
    response = page.goto(carer_link[:-4] + "abcd")

    assert response.status == 403
    assert "Ce lien ne permet pas d'accéder à votre espace" in page.locator("h1").inner_text()
    assert_accessible(page)
