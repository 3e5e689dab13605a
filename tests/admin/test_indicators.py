"""The dashboard and the indicators page: every role, the scope, the filters, the CSV export."""

import csv
import io
from datetime import date
from urllib.parse import urlparse

import pytest
from pypdf import PdfReader

from onboarding.pathway.models import CandidateStatus, Role
from tests import builders


@pytest.mark.parametrize(
    "url", ["/admin/indicators/", "/admin/indicators/export.csv", "/admin/indicators/rapport.pdf"]
)
def test_anonymous_is_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert urlparse(response.location).path == "/auth/login"


@pytest.mark.parametrize("who", ["admin", "coordinator_33", "coordinator_24", "partner_33"])
def test_every_role_reads_the_dashboard_and_the_indicators(panel, world, who):
    panel.sign_in(getattr(world, who))
    dashboard = panel.html("/admin/")
    assert "Chiffres clés au 16 mars 2026" in dashboard
    assert "Voir tous les indicateurs" in dashboard
    page = panel.html("/admin/indicators/")
    assert "Indicateurs du parcours" in page
    assert '<svg class="indicators-chart" aria-hidden="true"' in page
    assert "<caption>Personnes ayant atteint chaque étape" in page
    assert panel.get("/admin/indicators/export.csv").status_code == 200


def _figure(page: str, label: str) -> str:
    """The count on the line of a dashboard's key figure."""
    after = page.split(f"{label}</dt>", 1)[1]
    return after.split('text-right">', 1)[1].split("<", 1)[0]


def test_the_dashboard_counts_the_users_departements_only(panel, world):
    # The world: in 33 one candidate in pathway and one approved; the same in 24.
    page = panel.sign_in(world.admin).html("/admin/")
    assert _figure(page, "Personnes entrées dans le parcours") == "4"
    assert _figure(page, "Places agréées") == "8"
    assert _figure(page, "Demandes des parents") == "2"


def test_a_coordinator_of_33_does_not_see_24(panel, world):
    page = panel.sign_in(world.coordinator_33).html("/admin/")
    assert _figure(page, "Personnes entrées dans le parcours") == "2"
    assert _figure(page, "Places agréées") == "4"
    assert _figure(page, "Demandes des parents") == "1"
    indicators = panel.html("/admin/indicators/")
    assert '<th scope="row">24</th>' not in indicators
    assert '<th scope="row">33</th>' in indicators
    # Asking for 24 gives nothing of it, and says why.
    asked = panel.html("/admin/indicators/?departement=24")
    assert "Vous ne suivez pas le département 24 : aucun chiffre n'est affiché." in asked
    assert '<th scope="row">24</th>' not in asked
    assert '<th scope="row">33</th>' not in asked
    rows = _csv(panel.get("/admin/indicators/export.csv?departement=24"))
    assert ["Entonnoir", "Entrés dans le parcours", "effectif", "0"] in rows
    assert not [row for row in rows if row[2] == "24"]
    own = _csv(panel.get("/admin/indicators/export.csv"))
    assert ["Entonnoir", "Entrés dans le parcours", "effectif", "2"] in own
    assert ["Places", "Places agréées", "33", "4"] in own
    assert not [row for row in own if row[2] == "24"]


def test_an_admin_may_narrow_to_one_departement(panel, world):
    panel.sign_in(world.admin)
    rows = _csv(panel.get("/admin/indicators/export.csv?departement=24"))
    assert ["Entonnoir", "Entrés dans le parcours", "effectif", "2"] in rows
    assert ["Places", "Places agréées", "24", "4"] in rows
    assert not [row for row in rows if row[2] == "33"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("departement=99x", "Le département « 99x » n'existe pas : ignoré."),
        ("cohorte=mars", "La cohorte « mars » n'est pas un mois au format aaaa-mm : ignorée."),
        ("debut=2026-02-31", "La date de début « 2026-02-31 » n'est pas une date valide"),
        ("debut=2026-03-10&fin=2026-03-01", "La période commence après sa fin : elle est ignorée."),
    ],
)
def test_bad_filter_input_gets_a_french_message_and_the_defaults(panel, world, query, message):
    page = panel.sign_in(world.admin).html(f"/admin/indicators/?{query}")
    assert message in page
    assert "Tous les départements" in page
    rows = _csv(panel.get(f"/admin/indicators/export.csv?{query}"))
    assert ["Entonnoir", "Entrés dans le parcours", "effectif", "4"] in rows


def test_filters_are_kept_in_the_form_and_the_export_link(panel, world):
    page = panel.sign_in(world.admin).html(
        "/admin/indicators/?departement=33&cohorte=2025-10&debut=2025-01-01&fin=2026-03-16"
    )
    assert '<option value="33" selected>' in page
    assert "cohorte de oct. 2025" in page
    assert (
        "/admin/indicators/export.csv?departement=33&cohorte=2025-10&debut=2025-01-01&fin=2026-03-16"
        in page
    )


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


def test_the_csv_of_a_small_case_exactly(panel, session):
    admin = builders.make_staff(session, "admin@example.org", Role.ADMIN)
    builders.make_candidate(session, commune=builders.PERIGUEUX, referred_on=builders.TODAY)
    session.commit()
    response = panel.sign_in(admin).get("/admin/indicators/export.csv?departement=24")
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="indicateurs-2026-03-16.csv"'
    )
    rows = _csv(response)
    stage_labels = [
        "Dossier déposé",
        "Agrément obtenu (accordé ou réputé acquis)",
        "dont réputé acquis",
        "Agrément refusé",
        "Formation initiale, 1re partie validée",
        "Disponibilités publiées",
    ]
    delays = [
        "De l'entrée au dépôt du dossier",
        "Du dossier complet à la décision",
        "De la décision à la première place publiée",
    ]
    expected = [
        ["Rubrique", "Indicateur", "Détail", "Valeur"],
        ["Entonnoir", "Entrés dans le parcours", "effectif", "1"],
        *[
            row
            for label in stage_labels
            for row in (
                ["Entonnoir", label, "effectif", "0"],
                [
                    "Entonnoir",
                    label,
                    "taux depuis l'étape précédente (%)",
                    "0" if label == "Dossier déposé" else "",
                ],
            )
        ],
        ["Entonnoir par cohorte", "Entrés dans le parcours", "mars 2026", "1"],
        *[["Entonnoir par cohorte", label, "mars 2026", "0"] for label in stage_labels],
        ["Entonnoir par département", "Entrés dans le parcours", "24", "1"],
        *[["Entonnoir par département", label, "24", "0"] for label in stage_labels],
        ["Sorties", "Sorties du parcours", "total", "0"],
        *[
            row
            for label in delays
            for row in (
                ["Délais (jours)", label, "nombre", "0"],
                ["Délais (jours)", label, "médiane", ""],
                ["Délais (jours)", label, "80e centile", ""],
            )
        ],
        ["Échéances dépassées", "Décision sur l'agrément", "personnes", "0"],
        ["Échéances dépassées", "Formation initiale, 1re partie", "personnes", "0"],
        ["Échéances dépassées", "Envoi du dossier de renouvellement", "personnes", "0"],
        ["Échéances dépassées", "Fin de validité de l'agrément", "personnes", "0"],
        ["Échéances dépassées", "Formation initiale, 2e partie", "personnes", "0"],
        ["Places", "Places agréées", "total", "0"],
        ["Places", "Places libres aujourd'hui", "total", "0"],
        ["Demandes des parents", "Demandes", "total", "0"],
        ["Demandes des parents", "dont demandeurs d'emploi", "total", "0"],
        *[
            row
            for label in (
                "Nouvelle demande",
                "Mise en relation faite",
                "Contrat signé",
                "Sans suite",
            )
            for row in (
                ["Demandes des parents", label, "demandes", "0"],
                ["Demandes des parents", label, "dont demandeurs d'emploi", "0"],
            )
        ],
        ["Demandes des parents", "Traitées sous 7 jours", "nombre", "0"],
        ["Demandes des parents", "Traitées sous 7 jours", "%", ""],
        ["Activités", "Activités à venir", "nombre", "0"],
        *[
            row
            for label in (
                "Réunion d'information",
                "Journée d'immersion",
                "Accompagnement collectif",
                "Module complémentaire",
            )
            for row in (
                ["Activités", label, "présents", "0"],
                ["Activités", label, "émargements", "0"],
                ["Activités", label, "taux de présence (%)", ""],
            )
        ],
        ["Mises en relation accompagnées", "Parents accompagnés", "nombre", "0"],
        ["Mises en relation accompagnées", "Demandes envoyées", "total", "0"],
        *[
            ["Mises en relation accompagnées", label, "demandes", "0"]
            for label in (
                "Nouvelle demande",
                "Mise en relation faite",
                "Contrat signé",
                "Sans suite",
            )
        ],
        ["Mises en relation accompagnées", "Délai jusqu'au contrat signé", "médiane (jours)", ""],
        ["Mises en relation accompagnées", "Parents demandeurs d'emploi", "nombre", "0"],
        [
            "Mises en relation accompagnées",
            "Parents demandeurs d'emploi ayant trouvé",
            "nombre",
            "0",
        ],
        ["Mises en relation accompagnées", "Parents demandeurs d'emploi ayant trouvé", "%", ""],
    ]
    assert rows == expected


def test_csv_cells_are_neutralised_against_formulas(panel, session):
    from onboarding.admin.views.indicators import csv_text
    from onboarding.pathway import indicators

    result = indicators.compute(session, departments=None, today=builders.TODAY)
    original = indicators.as_rows
    try:
        indicators.as_rows = lambda _: [("=cmd", "+1", "-2", "@x")]
        assert csv_text(result).splitlines()[1] == "'=cmd;'+1;'-2;'@x"
    finally:
        indicators.as_rows = original


def test_partners_see_the_past_deadline_list_on_the_page_only(panel, world, session):
    late = builders.make_candidate(
        session,
        CandidateStatus.UNDER_EVALUATION,
        commune=builders.BORDEAUX,
        referred_on=date(2025, 6, 1),
        last_name="EnRetard",
    )
    session.commit()
    panel.sign_in(world.partner_33)
    page = panel.html("/admin/indicators/")
    assert "Échéances légales dépassées (1)" in page
    assert late.full_name in page
    body = panel.get("/admin/indicators/export.csv").get_data(as_text=True)
    assert "EnRetard" not in body
    assert "Échéances dépassées;Décision sur l'agrément;personnes;1" in body


def _pdf_text(response) -> tuple[int, str]:
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    return len(reader.pages), " ".join((page.extract_text() or "") for page in reader.pages)


@pytest.mark.parametrize("who", ["coordinator_33", "partner_33"])
def test_the_one_page_report_holds_the_figures_of_the_users_departements(panel, world, who):
    panel.sign_in(getattr(world, who))
    pages, text = _pdf_text(panel.get("/admin/indicators/rapport.pdf"))
    assert pages == 1
    assert "Indicateurs du parcours" in text
    assert "Département 33" in text
    assert "situation au 16 mars 2026" in text
    # The 33 line of the places table, and no line for 24.
    assert "33 4" in text
    assert "24 4" not in text


def test_the_report_follows_the_filters_and_an_admin_sees_everything(panel, world):
    panel.sign_in(world.admin)
    pages, text = _pdf_text(panel.get("/admin/indicators/rapport.pdf"))
    assert pages == 1
    assert "Tous les départements" in text
    assert "Total 8" in text
    pages, text = _pdf_text(
        panel.get("/admin/indicators/rapport.pdf?departement=24&cohorte=2026-01")
    )
    assert "Département 24 · cohorte de janv. 2026" in text
    assert "33 4" not in text


def test_the_report_of_a_departement_out_of_scope_is_empty(panel, world):
    panel.sign_in(world.coordinator_33)
    _, text = _pdf_text(panel.get("/admin/indicators/rapport.pdf?departement=24"))
    assert "Aucun département" in text
    assert "Total 0" in text
