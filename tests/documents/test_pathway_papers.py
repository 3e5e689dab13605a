"""The PMSMP convention's printed summary and the end-of-pathway attestation given with a written
reason, read back with pypdf."""

from datetime import date

import pytest

from onboarding.pathway.immersion import create_convention
from onboarding.pathway.models import CandidateStatus
from tests import builders
from tests.documents.test_panel import _is_pdf


@pytest.fixture
def convention(session, world):
    candidate = world.candidate_33
    first = create_convention(
        session, candidate, host_name="MAM Les Petits Pas", host_siret="73282932000074",
        host_tutor="Sophie Tutrice", host_address="3 rue des Lilas, 33000 Bordeaux",
        prescriber="France Travail Bordeaux Bastide", purpose="confirm",
        starts_on=date(2026, 4, 1), ends_on=date(2026, 4, 10),
    )  # fmt: skip
    renewal = create_convention(
        session, candidate, host_name="MAM Les Petits Pas", host_siret="73282932000074",
        host_tutor="Sophie Tutrice", host_address="3 rue des Lilas, 33000 Bordeaux",
        prescriber="France Travail Bordeaux Bastide", purpose="confirm",
        starts_on=date(2026, 4, 11), ends_on=date(2026, 4, 20), renewal_of=first,
    )  # fmt: skip
    session.commit()
    return renewal


@pytest.mark.parametrize("role", ["coordinator_33", "partner_33"])
def test_the_convention_summary_names_the_three_parties(panel, world, convention, role):
    panel.sign_in(getattr(world, role))
    url = (
        f"/admin/candidate/{world.candidate_33.id}/convention/{convention.id}/convention-pmsmp.pdf"
    )
    pdf = _is_pdf(panel.get(url), "convention-pmsmp-camille-girondine")
    text = pdf.text
    assert len(pdf.pages) == 1
    for expected in (
        "Convention de période de mise en situation en milieu professionnel (PMSMP)",
        "Camille Girondine",
        "MAM Les Petits Pas",
        "732 829 320 00074",
        "3 rue des Lilas, 33000 Bordeaux",
        "Sophie Tutrice",
        "France Travail Bordeaux Bastide",
        "Confirmer un projet professionnel",
        "du 11 avril 2026 au 20 avril 2026 (10 jours calendaires)",
        "Renouvellement de la convention du 1er avril 2026 au 10 avril 2026",
    ):
        assert expected in text, expected


def test_the_convention_summary_of_another_departement_or_person_answers_404(
    panel, world, convention
):
    panel.sign_in(world.coordinator_24)
    url = (
        f"/admin/candidate/{world.candidate_33.id}/convention/{convention.id}/convention-pmsmp.pdf"
    )
    assert panel.get(url).status_code == 404
    panel.auth.logout()
    panel.sign_in(world.coordinator_33)
    # The convention exists, but under another person's page.
    other = (
        f"/admin/candidate/{world.approved_33.id}/convention/{convention.id}/convention-pmsmp.pdf"
    )
    assert panel.get(other).status_code == 404


def test_the_attestation_given_with_a_reason_names_the_steps_not_done(panel, world, session):
    builders.make_step(session, title="Accompagnement collectif")
    session.commit()
    panel.sign_in(world.coordinator_33)
    response = panel.post(
        f"/admin/candidate/documents/{world.candidate_33.id}/attestation-fin-parcours.pdf",
        {"reason": "Entrée en formation CAP AEPE en septembre."},
    )
    pdf = _is_pdf(response, "attestation-fin-parcours-camille-girondine")
    assert "a suivi les étapes suivantes" in pdf.text
    assert "Étapes obligatoires non terminées" in pdf.text
    assert "Accompagnement collectif : reste 1 séance à suivre" in pdf.text
    assert "pour le motif suivant : Entrée en formation CAP AEPE en septembre." in pdf.text
    assert world.candidate_33.status == CandidateStatus.IN_PATHWAY
