"""Mentions légales, données personnelles and the accessibility statement: served in French and
linked from the footer of every public page."""

import pytest

from tests.search.conftest import make_carer

PAGES = {
    "/mentions-legales": "Mentions légales",
    "/donnees-personnelles": "Données personnelles",
    "/accessibilite": "Déclaration d'accessibilité",
}
CARER_PAGE = "/assmat/{carer}"
# Every public page of this tree: the search (its form, its results, a carer's page) and the
# candidate space's page for a visitor without a valid link.
# Each with the status it answers: the footer is checked on error pages too.
PUBLIC_PAGES = {
    "/": 200,
    **dict.fromkeys(PAGES, 200),
    "/une-page-absente": 404,
    "/recherche": 200,
    "/recherche?q=Bordeaux&radius_km=10": 200,
    CARER_PAGE: 200,
    "/candidat/": 403,
    "/candidat/acces/un-lien-altere": 403,
}


@pytest.mark.parametrize(("path", "title"), PAGES.items())
def test_each_page_is_served_in_french(client, path, title):
    response = client.get(path)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert f"<h1>{title}</h1>" in body.replace("&#39;", "'")


@pytest.mark.parametrize(("path", "status"), PUBLIC_PAGES.items())
def test_every_public_page_links_the_three_in_its_footer(client, session, path, status):
    if path == CARER_PAGE:
        path = path.format(carer=make_carer(session).id)
        session.commit()
    response = client.get(path)
    assert response.status_code == status, path
    body = response.get_data(as_text=True)
    footer = body[body.index('<footer class="fr-footer"') :]
    for link in PAGES:
        assert f'href="{link}"' in footer, (path, link)


def test_the_personal_data_page_states_the_configured_retention(app, client):
    app.config["RETENTION_WITHDRAWN_MONTHS"] = 30
    app.config["RETENTION_CONTACT_REQUEST_MONTHS"] = 4
    body = client.get("/donnees-personnelles").get_data(as_text=True)
    assert "anonymisée 30 mois après" in body
    assert "supprimée 4 mois après" in body
