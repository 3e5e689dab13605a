"""Mentions légales, données personnelles and the accessibility statement: served in French and
linked from the footer of every public page."""

import pytest

PAGES = {
    "/mentions-legales": "Mentions légales",
    "/donnees-personnelles": "Données personnelles",
    "/accessibilite": "Déclaration d'accessibilité",
}
# Every public page of this tree; the search and candidate space add theirs here.
PUBLIC_PAGES = ["/", *PAGES, "/une-page-absente"]


@pytest.mark.parametrize(("path", "title"), PAGES.items())
def test_each_page_is_served_in_french(client, path, title):
    response = client.get(path)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert f"<h1>{title}</h1>" in body.replace("&#39;", "'")


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_every_public_page_links_the_three_in_its_footer(client, path):
    body = client.get(path).get_data(as_text=True)
    footer = body[body.index('<footer class="fr-footer"') :]
    for link in PAGES:
        assert f'href="{link}"' in footer, (path, link)


def test_the_personal_data_page_states_the_configured_retention(app, client):
    app.config["RETENTION_WITHDRAWN_MONTHS"] = 30
    app.config["RETENTION_CONTACT_REQUEST_MONTHS"] = 4
    body = client.get("/donnees-personnelles").get_data(as_text=True)
    assert "anonymisée 30 mois après" in body
    assert "supprimée 4 mois après" in body
