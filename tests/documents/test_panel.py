"""The print buttons of the panel: who may print what, and what the PDF holds."""

from datetime import timedelta

import pytest

from onboarding.pathway.base import utcnow
from onboarding.pathway.models import ActivityKind
from tests import builders
from tests.documents.conftest import read_pdf


def candidate_docs(candidate_id):
    base = f"/admin/candidate/documents/{candidate_id}"
    return [f"{base}/attestation-presence.pdf", f"{base}/livret-parcours.pdf"]


def _is_pdf(response, filename_start: str):
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="{filename_start}')
    assert response.headers["Cache-Control"] == "no-store"
    return read_pdf(response.get_data())


def test_anonymous_is_sent_to_sign_in(client, world):
    for url in (
        *candidate_docs(world.candidate_33.id),
        f"/admin/activity/documents/{world.activity_33.id}/feuille-emargement.pdf",
        f"/admin/carer/documents/{world.carer_24.id}/disponibilites.pdf",
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["coordinator_33", "partner_33", "admin"])
def test_staff_in_scope_print_a_candidates_documents(panel, world, role):
    panel.sign_in(getattr(world, role))
    attestation, booklet = candidate_docs(world.candidate_33.id)
    pdf = _is_pdf(panel.get(attestation), "attestation-presence-camille-girondine")
    assert len(pdf.pages) == 1
    assert "Camille Girondine" in pdf.text
    assert "Édité le 16 mars 2026" in pdf.text
    assert "Parcours Assmat – France Travail et Caf, département 33" in pdf.text
    pdf = _is_pdf(panel.get(booklet), "livret-parcours-camille-girondine")
    assert "Livret de parcours" in pdf.text


@pytest.mark.parametrize("role", ["coordinator_33", "partner_33"])
def test_another_departement_answers_404(panel, world, role):
    panel.sign_in(getattr(world, role))
    for url in (
        *candidate_docs(world.candidate_24.id),
        f"/admin/candidate/documents/{world.candidate_24.id}/attestation-fin-parcours.pdf",
        f"/admin/activity/documents/{world.activity_24.id}/feuille-emargement.pdf",
        f"/admin/activity/documents/{world.activity_24.id}/attestations-presence.pdf",
        f"/admin/carer/documents/{world.carer_24.id}/disponibilites.pdf",
        "/admin/candidate/documents/999999/attestation-presence.pdf",
    ):
        # A partner is refused a bundle whatever the activity.
        refused = 403 if role == "partner_33" and url.endswith("attestations-presence.pdf") else 404
        assert panel.get(url).status_code == refused, url


def test_candidate_and_activity_pages_carry_the_buttons(panel, world):
    panel.sign_in(world.partner_33)
    page = panel.html(f"/admin/candidate/details/?id={world.candidate_33.id}")
    for url in (
        *candidate_docs(world.candidate_33.id),
        f"/admin/candidate/documents/{world.candidate_33.id}/attestation-fin-parcours.pdf",
    ):
        assert url in page
    page = panel.html(f"/admin/activity/details/?id={world.activity_33.id}")
    assert f"/admin/activity/documents/{world.activity_33.id}/feuille-emargement.pdf" in page
    # A bundle of several people's attestations is not for partners (onboarding/pathway/outputs.py).
    assert f"/admin/activity/documents/{world.activity_33.id}/attestations-presence.pdf" not in page


def test_end_of_pathway_attestation_refused_with_its_reason(panel, world, session):
    builders.make_step(session, ActivityKind.COACHING, title="Atelier « mon futur métier »")
    session.commit()
    panel.sign_in(world.coordinator_33)
    url = f"/admin/candidate/documents/{world.candidate_33.id}/attestation-fin-parcours.pdf"
    response = panel.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(
        f"/admin/candidate/details/?id={world.candidate_33.id}"
    )
    page = panel.html(response.headers["Location"])
    assert (
        "Parcours inachevé : l'attestation de fin de parcours sera disponible une fois toutes "
        "les étapes obligatoires faites. Reste à faire : « Atelier « mon futur métier » »."
    ) in page


def test_end_of_pathway_attestation_once_done(panel, world, session):
    step = builders.make_step(session, ActivityKind.COACHING, title="Atelier collectif")
    activity = builders.make_activity(session, step, on=builders.TODAY - timedelta(days=1))
    builders.attend(session, world.candidate_33, activity, hours="2")
    session.commit()
    panel.sign_in(world.coordinator_33)
    response = panel.get(
        f"/admin/candidate/documents/{world.candidate_33.id}/attestation-fin-parcours.pdf"
    )
    pdf = _is_pdf(response, "attestation-fin-parcours-camille-girondine")
    assert "Atelier collectif 1 2 h" in pdf.text
    assert "Total des heures de présence 2 h" in pdf.text


def test_sign_in_sheet_and_attendees_attestations(panel, world, session):
    past = world.past_activity_33
    builders.attend(session, world.candidate_33, past, hours="1.5")
    builders.attend(session, world.approved_33, past)
    session.commit()
    panel.sign_in(world.partner_33)
    pdf = _is_pdf(
        panel.get(f"/admin/activity/documents/{past.id}/feuille-emargement.pdf"), "emargement-"
    )
    assert len(pdf.pages) == 1
    assert "Approuvée Camille" in pdf.text
    assert "Girondine Camille" in pdf.text
    assert "vendredi 13 mars 2026" in pdf.text
    panel.auth.logout()
    panel.sign_in(world.coordinator_33)
    pdf = _is_pdf(
        panel.get(f"/admin/activity/documents/{past.id}/attestations-presence.pdf"),
        "attestations-",
    )
    assert len(pdf.pages) == 2
    assert "Camille Approuvée" in pdf.pages[0]
    assert "Total : 1 activité 2,5 h" in pdf.pages[0]
    assert "Camille Girondine" in pdf.pages[1]
    assert "Total : 1 activité 1,5 h" in pdf.pages[1]


def test_attendees_attestations_before_the_roll_call_say_why_not(panel, world):
    panel.sign_in(world.coordinator_33)
    url = f"/admin/activity/documents/{world.activity_33.id}/attestations-presence.pdf"
    response = panel.get(url)
    assert response.status_code == 302
    page = panel.html(response.headers["Location"])
    assert "Aucune présence n'est relevée pour cette activité" in page


def test_availability_sheet_for_a_carer_in_scope(panel, world, session):
    carer = world.carer_24
    url = f"/admin/carer/documents/{carer.id}/disponibilites.pdf"
    panel.sign_in(world.coordinator_24)
    assert url in panel.html(f"/admin/carer/details/?id={carer.id}")
    response = panel.get(url)
    assert response.status_code == 302
    assert "n'a pas accepté la publication" in panel.html(response.headers["Location"])
    carer.is_published = True
    carer.publication_consent_at = utcnow()
    session.commit()
    pdf = _is_pdf(panel.get(url), "disponibilites-camille-dordogne")
    assert "Camille D." in pdf.text
    assert "Pas de place disponible pour le moment." in pdf.text


def _bulk(panel, ids):
    return panel.post(
        "/admin/candidate/action/",
        {"action": "attestations", "rowid": [str(i) for i in ids]},
    )


def test_bulk_attestations_in_one_pdf_leave_out_other_departements(panel, world):
    panel.sign_in(world.coordinator_33)
    response = _bulk(
        panel, [world.candidate_33.id, world.candidate_24.id, world.approved_33.id, "x"]
    )
    pdf = _is_pdf(response, "attestations-presence-2-personnes")
    assert len(pdf.pages) == 2
    assert "Camille Girondine" in pdf.pages[0]
    assert "Camille Approuvée" in pdf.pages[1]
    assert "Périgord" not in pdf.text


def test_bulk_attestations_with_nobody_in_scope_say_so(panel, world):
    panel.sign_in(world.coordinator_33)
    response = _bulk(panel, [world.candidate_24.id])
    assert response.status_code == 302
    assert "Aucune des personnes sélectionnées" in panel.html(response.headers["Location"])


def test_partner_cannot_use_the_bulk_action(panel, world):
    panel.sign_in(world.partner_33)
    assert _bulk(panel, [world.candidate_33.id]).status_code == 403
