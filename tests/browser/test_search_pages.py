"""The parents' pages in a real Chromium: search with results, a carer's page, the contact form
with its errors; French, DSFR, and no serious or critical axe-core violation."""

from datetime import timedelta

import pytest

from tests.browser.conftest import assert_accessible
from tests.builders import TODAY
from tests.search.conftest import MERIGNAC, make_carer

START = (TODAY + timedelta(days=20)).isoformat()
SEARCH = (f"/recherche?q=Bordeaux&radius_km=10&birth_date=2025-09-01&start={START}"
          "&slots=mon_am&slots=tue_am&needs=early")  # fmt: skip


@pytest.fixture
def carers(session):
    made = [
        make_carer(session, MERIGNAC, first_name="Léa", last_name="Durand", show_address=True,
                   agrement_on=TODAY - timedelta(days=90)),
        make_carer(session, first_name="Nadia", last_name="Petit"),
    ]  # fmt: skip
    session.commit()
    return made


@pytest.fixture(autouse=True)
def no_tiles(app):
    # The map's tiles come from the internet; the test stays on loopback (the map still draws).
    app.config["MAP_TILE_URL"] = "/static/search/none/{z}/{x}/{y}.png"


def test_search_with_results_is_accessible(page, carers):
    response = page.goto(SEARCH)
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator(".search-result").count() == 2
    assert page.locator("h2#resultats-titre").inner_text().startswith("2 assistantes")
    # Leaflet drew the map from the list's data: a marker per carer.
    page.wait_for_selector("#carte .leaflet-marker-icon")
    assert page.locator("#carte .leaflet-marker-icon").count() == 2
    # A marker's popup names her and her commune, with her card's link.
    markers = {page.locator("#carte .leaflet-marker-icon").nth(n).get_attribute("alt")
               for n in range(2)}  # fmt: skip
    assert markers == {"Léa D.", "Nadia P."}
    page.locator('#carte .leaflet-marker-icon[alt="Léa D."]').click()
    popup = page.locator("#carte .leaflet-popup-content a")
    assert popup.inner_text() == "Léa D. – Mérignac"
    card = page.locator(".search-result", has_text="Léa D.").locator(".fr-card__title a")
    assert popup.get_attribute("href") == card.get_attribute("href")
    assert_accessible(page)


def test_on_a_phone_each_day_keeps_its_morning_and_afternoon_side_by_side(page, carers):
    """At 390 px nothing is wider than the screen, and in the half-days' grid each day's two
    boxes sit on one line, their labels on one line each, in the same two columns every day."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(SEARCH)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    days = page.evaluate("""() => [...document.querySelectorAll('#slots .search-day')].map(day =>
      [...day.querySelectorAll('.fr-checkbox-group')].map(box => {
        const label = box.querySelector('label').getBoundingClientRect();
        return {top: Math.round(label.top), left: Math.round(label.left),
                height: Math.round(label.height)};
      }))""")
    assert len(days) == 7
    one_line = min(box["height"] for day in days for box in day)
    for morning, afternoon in days:
        assert morning["top"] == afternoon["top"]
        assert morning["height"] == afternoon["height"] == one_line
    assert {(m["left"], a["left"]) for m, a in days} == {(days[0][0]["left"], days[0][1]["left"])}


def test_search_with_errors_is_accessible(page):
    page.goto("/recherche?q=Zzyzx&radius_km=10")
    assert page.locator(".fr-alert--error").count() == 1
    assert_accessible(page)


def test_carer_page_and_contact_form_errors_are_accessible(page, carers):
    carer = carers[0]
    page.goto(f"/assmat/{carer.id}")
    assert "Léa D." in page.locator("h1").inner_text()
    assert_accessible(page)

    page.fill("#parent_name", "Julie Parent")
    page.click("button[type=submit]")
    assert page.locator("#email-error").count() == 1
    assert page.locator("#consent-error").count() == 1
    assert_accessible(page)


def test_sending_the_contact_form(page, carers, session):
    from sqlalchemy import func, select

    from onboarding.pathway.models import ContactRequest

    page.goto(f"/assmat/{carers[1].id}")
    page.fill("#parent_name", "Julie Parent")
    page.fill("#email", "julie@example.org")
    page.fill("#commune", "Bordeaux (33000)")
    page.fill("#child_birth_date", "2025-09-01")
    page.fill("#start_date", START)
    # DSFR draws its own boxes over the inputs: people click the labels.
    for box in ("slots-mon_am", "is_job_seeker-oui", "consent"):
        page.click(f"label[for={box}]")
    page.click("button[type=submit]")
    assert page.locator("h1").inner_text() == "Votre demande est envoyée"
    assert_accessible(page)
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(ContactRequest)) == 1
