"""The pathway recorded from the candidate page in Chromium, as a coordinator does it: a PMSMP
convention typed into its labelled fields, the dossier filed with a written reason while a step
is not done, part-1 hours; the new sections audited with axe-core."""

import pytest

from onboarding.pathway.models import ActivityKind, CandidateStatus, ImmersionConvention, Role
from tests import builders
from tests.browser.conftest import AXE_URL, BLOCKING_IMPACTS

SECTIONS = [
    "section[aria-labelledby=conventions]",
    "section[aria-labelledby=training]",
    "section[aria-labelledby=agrement]",
]


@pytest.fixture
def people(session):
    builders.make_staff(session, "coord33@example.org", Role.COORDINATOR, "33")
    seeker = builders.make_candidate(
        session, CandidateStatus.IN_PATHWAY, last_name="Chercheuse", is_job_seeker=True,
        france_travail_id="7654321B",
    )  # fmt: skip
    approved = builders.make_candidate(session, CandidateStatus.APPROVED, last_name="Approuvée")
    # Configured once both exist: the step is not done by the job seeker.
    builders.make_step(session, ActivityKind.INFORMATION, title="Réunion d'information")
    session.commit()
    return seeker, approved


def _sign_in(page) -> None:
    page.goto("/auth/login")
    page.fill("input[name=email]", "coord33@example.org")
    page.fill("input[name=password]", builders.PASSWORD)
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_url("**/admin/")


def _sections_accessible(page) -> None:
    """axe-core on these sections only. Colours are the panel theme's (Bootstrap's links and
    buttons), audited with the whole frame, so contrast is left to that audit."""
    page.add_script_tag(url=page.url.split("/admin/")[0] + AXE_URL)
    result = page.evaluate(
        "async (sections) => await axe.run({include: sections.map(s => [s])},"
        " {rules: {'color-contrast': {enabled: false}}})",
        [s for s in SECTIONS if page.locator(s).count()],
    )
    blocking = [
        (v["id"], [n["target"] for n in v["nodes"]][:5], v["nodes"][0].get("failureSummary"))
        for v in result["violations"]
        if v["impact"] in BLOCKING_IMPACTS
    ]
    assert blocking == [], blocking


def test_a_coordinator_records_a_convention_and_files_the_dossier_with_a_reason(
    page, people, session
):
    seeker, approved = people
    _sign_in(page)
    page.goto(f"/admin/candidate/details/?id={seeker.id}")
    page.get_by_text("Enregistrer une convention PMSMP").click()
    form = page.locator("section[aria-labelledby=conventions] form")
    form.get_by_label("Structure d'accueil (nom)").fill("MAM Les Petits Pas")
    form.get_by_label("SIRET de la structure d'accueil (14 chiffres)").fill("732 829 320 00074")
    form.get_by_label("Tuteur ou tutrice dans la structure").fill("Sophie Tutrice")
    form.get_by_label("Adresse du lieu d'immersion").fill("3 rue des Lilas, 33000 Bordeaux")
    form.get_by_label("Prescripteur (structure et conseiller)").fill("France Travail Bastide")
    form.get_by_label("Objet de l'immersion").select_option(label="Découvrir un métier")
    form.get_by_label("Premier jour").fill("2026-04-01")
    form.get_by_label("Dernier jour").fill("2026-04-10")
    form.get_by_role("button", name="Enregistrer la convention").click()
    page.get_by_text("La convention PMSMP est enregistrée.").wait_for()
    assert page.get_by_role("link", name="Imprimer la convention (PDF)").is_visible()
    _sections_accessible(page)

    # Filing the dossier while the information meeting is not done: a reason, then it proceeds.
    dossier = page.locator("details", has_text="Enregistrer le dépôt du dossier").first
    assert "Réunion d'information (1 séance à suivre)" in dossier.inner_text()
    dossier.get_by_label("Pourquoi le dossier est-il déposé malgré ces étapes ?").fill(
        "Dossier déposé à la PMI le jour même."
    )
    dossier.get_by_role("button", name="Enregistrer le dépôt du dossier").click()
    page.get_by_text("Statut : Dossier déposé").wait_for()
    assert page.get_by_text("Motif : Dossier déposé à la PMI le jour même.").is_visible()

    session.expire_all()
    assert session.query(ImmersionConvention).count() == 1

    # Part-1 hours for an approved carer.
    page.goto(f"/admin/candidate/details/?id={approved.id}")
    page.get_by_text("Enregistrer des heures de formation").click()
    course = page.locator("section[aria-labelledby=training] form").first
    course.get_by_label("Bloc (première partie)").select_option("1")
    course.get_by_label("Heures suivies").fill("35")
    course.get_by_label("Dont les premiers secours (bloc 1)").check()
    course.get_by_label("Date de fin de la session").fill("2026-03-16")
    course.get_by_label("Organisme de formation").fill("Institut Petite Enfance")
    course.get_by_role("button", name="Enregistrer les heures").click()
    page.get_by_text("Les heures de formation sont enregistrées.").wait_for()
    _sections_accessible(page)
