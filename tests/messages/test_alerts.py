"""M'alerter: double opt-in, told once of a matching place within the radius, stopped in one
click, nothing stored for a refused or robotic request."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from onboarding.messages.delivery import send_due
from onboarding.pathway import clock
from onboarding.pathway.models import SearchAlert
from tests.builders import TODAY
from tests.conftest import csrf_token_from
from tests.search.conftest import make_carer

START = (TODAY + timedelta(days=20)).isoformat()
SEARCH = {
    "commune": "33063",
    "radius_km": "5",
    "birth_date": "2025-09-01",
    "start": START,
    "slots": "mon_am,tue_am",
}
LINK = re.compile(r"http://localhost(/recherche/alerte/[\w-]+/(?:confirmer|arreter))")


def _ask(client, **change):
    page = client.get("/recherche", query_string=SEARCH).get_data(as_text=True)
    assert "M'alerter" in page
    data = {**SEARCH, "csrf_token": csrf_token_from(page), "email": "julie@example.org",
            "consent": "y", "website": "", **change}  # fmt: skip
    return client.post("/recherche/alerte", data=data)


def _follow(client, url: str):
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, data={"csrf_token": csrf_token_from(page.get_data(as_text=True))})


def _alerts(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(SearchAlert))


def _publish(session, *args, minutes: int, **kwargs):
    """A carer whose place was published `minutes` after the frozen moment."""
    carer = make_carer(session, *args, **kwargs)
    for vacancy in carer.vacancies:
        vacancy.updated_at = clock.now() + timedelta(minutes=minutes)
    session.commit()
    return carer


def _later(minutes: int):
    return clock.frozen_at(clock.now() + timedelta(minutes=minutes))


def test_an_alert_is_confirmed_then_tells_once_of_a_place_within_the_radius(session, client, smtp):
    assert _ask(client).status_code == 200
    send_due(session)
    [confirmation] = smtp.messages()
    assert confirmation["To"] == "julie@example.org"
    [confirm_url] = LINK.findall(confirmation.get_body(preferencelist=("plain",)).get_content())

    # Not confirmed yet: a matching place tells nobody.
    _publish(session, first_name="Avant", minutes=-10)
    with _later(40):
        send_due(session)
    assert len(smtp.messages()) == 1

    assert "Votre alerte est active" in _follow(client, confirm_url).get_data(as_text=True)
    # Mérignac is 7 km away, outside the 5 km asked: nobody is told.
    _publish(session, "33281", first_name="Loin", minutes=60)
    with _later(80):
        send_due(session)
    assert len(smtp.messages()) == 1

    _publish(session, first_name="Inès", last_name="Dupré", minutes=100)
    with _later(120):
        assert send_due(session).sent == 1
    with _later(200):
        send_due(session)
    told = smtp.messages()[1:]
    assert len(told) == 1
    text = told[0].get_body(preferencelist=("plain",)).get_content()
    assert "Inès D." in text
    assert "Loin" not in text
    assert "/recherche?commune=33063" in text
    [stop_url] = [u for u in LINK.findall(text) if u.endswith("arreter")]
    assert "Alerte arrêtée" in _follow(client, stop_url).get_data(as_text=True)
    assert session.scalar(select(SearchAlert.stopped_at)) is not None


@pytest.mark.parametrize(
    "change",
    [{"consent": ""}, {"email": "julie@"}, {"start": "not a date"}, {"commune": ""}],
    ids=["no consent", "bad email", "bad date", "no commune"],
)
def test_a_refused_alert_stores_nothing(session, client, smtp, change):
    response = _ask(client, **change)
    assert response.status_code == 400
    assert "n'a pas pu être enregistrée" in response.get_data(as_text=True)
    assert _alerts(session) == 0


def test_the_honeypot_looks_like_success_and_stores_nothing(session, client):
    response = _ask(client, website="http://spam.example")
    assert response.status_code == 200
    assert "Vérifiez votre boîte" in response.get_data(as_text=True)
    assert _alerts(session) == 0


def test_without_csrf_nothing_is_stored(session, client):
    response = client.post("/recherche/alerte", data={**SEARCH, "email": "a@example.org",
                                                       "consent": "y"})  # fmt: skip
    assert response.status_code == 400
    assert _alerts(session) == 0


def test_an_unknown_link_confirms_nothing(session, client):
    response = _follow(client, "/recherche/alerte/inconnu/confirmer")
    assert "aucune alerte active" in response.get_data(as_text=True)


def test_an_alert_is_deleted_six_months_after_it_was_made(session, client, smtp):
    _ask(client)
    send_due(session)
    assert _alerts(session) == 1
    with clock.frozen_at(clock.now() + timedelta(days=185)):
        send_due(session)
    assert _alerts(session) == 0


def test_a_search_with_many_results_offers_no_alert(session, client):
    for number in range(5):
        make_carer(session, first_name=f"Carer{number}")
    session.commit()
    page = client.get("/recherche", query_string=SEARCH).get_data(as_text=True)
    assert "M'alerter" not in page


def test_an_alert_keeps_the_mode_of_care_asked_for(session):
    """Made from a search "En MAM", it tells of places in a MAM only, and its link says so."""
    from onboarding.pathway import alerts, search
    from onboarding.pathway.models import Mam
    from onboarding.search.params import query_parameters

    mam = Mam(name="MAM Les Petits Pas", address="4 rue des Écoles", commune_insee="33063")
    session.add(mam)
    inside = make_carer(session, first_name="Inès", last_name="Dumas")
    inside.mam = mam
    make_carer(session, first_name="Awa", last_name="Chezelle")  # at home
    query = search.SearchQuery(
        commune_insee="33063", radius_km=5, birth_date=TODAY - timedelta(days=300),
        start=TODAY + timedelta(days=20), half_days=0b11, setting=search.CareSetting.MAM,
    )  # fmt: skip
    alert = alerts.create_alert(
        session, alerts.AlertInput("julie@example.org", True, query), now=clock.now()
    )
    alert.confirmed_at = clock.now() - timedelta(days=30)
    session.commit()
    session.expire_all()

    assert alert.setting == "mam"
    again = alerts.query_of(alert, today=TODAY)
    assert again.setting == search.CareSetting.MAM
    assert query_parameters(again)["setting"] == "mam"
    matches = alerts.new_matches(session, alert, today=TODAY)
    assert [hit.carer_id for hit in matches] == [inside.id]
