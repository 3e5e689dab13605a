"""Flask-Admin's features still work inside the DSFR frame, under the real Content-Security-Policy:
search, filters, ajax lookups (select2), exports and bulk actions on labelled rows."""

import re

from tests.browser.panel.conftest import sign_in


def test_search_filters_lookups_exports_and_actions(page, world):
    sign_in(page, world.coordinator_33.email)

    # Search, through its labelled field.
    page.goto("/admin/candidate/")
    page.get_by_label("Rechercher").fill("Girondine")
    page.get_by_role("button", name="Chercher").click()
    page.wait_for_url("**search=Girondine**")
    rows = page.locator("table.model-list tbody tr")
    assert rows.count() == 1
    assert "Girondine" in rows.first.inner_text()

    # Filters: the menu adds a filter row, and applying it keeps the list.
    page.goto("/admin/candidate/")
    page.get_by_text("Ajouter un filtre").click()
    page.locator(".field-filters a.filter", has_text="Département").first.click()
    page.locator("table.filters tr").first.wait_for()
    assert page.locator("table.filters tr").count() == 1

    # Export: the link gives a CSV of the list.
    href = page.locator("a[href*='/export/csv']").first.get_attribute("href")
    export = page.request.get(href)
    assert export.status == 200
    assert "text/csv" in export.headers["content-type"]
    assert "Girondine" in export.text()

    # A bulk action on a row chosen through its label.
    page.get_by_label("Sélectionner Girondine").check()
    page.get_by_text("Avec la sélection").click()
    page.locator("[data-model-action=withdraw]").click()
    page.wait_for_url("**/bulk/withdraw/**")
    assert page.locator("h1").inner_text() == "Sortir du parcours"
    assert "Camille Girondine" in page.locator("main").inner_text()

    # An ajax lookup (select2): typing part of a commune's name offers it; choosing it fills the
    # field that its label names.
    page.goto("/admin/candidate/new/")
    field = page.locator("input#commune")
    assert page.locator("label[for=commune]").count() == 1
    assert field.get_attribute("type") == "text"
    page.locator("#s2id_commune a.select2-choice").click()
    page.keyboard.type("Bordeaux")
    page.locator(
        ".select2-drop-active .select2-result-selectable", has_text=re.compile(r"^\s*Bordeaux \(")
    ).click()
    assert field.input_value() == "33063"
