"""The candidate list, creation and edits through the domain, the candidate page and its
transition buttons."""

from sqlalchemy import select

from onboarding.pathway.models import AuditLog, Candidate, CandidateStatus, TransitionLog
from tests import builders
from tests.admin.conftest import text

VALID = {
    "first_name": "Inès",
    "last_name": "Nouvelle",
    "commune": "33063",
    "referral_source": "france_travail",
    "referred_on": "2026-03-10",
    "is_job_seeker": "y",
    "france_travail_id": "1234567A",
    "email": "ines@example.org",
    "phone": "06 12 34 56 78",
}


def _candidates(session, last_name):
    session.expire_all()
    return session.scalars(select(Candidate).where(Candidate.last_name == last_name)).all()


def test_coordinator_refers_a_candidate_with_checklist_and_audit(panel, world, session):
    panel.sign_in(world.coordinator_33)
    response = panel.post("/admin/candidate/new/", VALID)
    assert response.status_code == 302
    [candidate] = _candidates(session, "Nouvelle")
    assert candidate.status == CandidateStatus.REFERRED
    assert candidate.department_code == "33"
    assert candidate.cohort == "2026-03"
    assert candidate.phone == "0612345678"
    assert len(candidate.dossier_items) == 5
    entry = session.scalar(select(AuditLog).where(AuditLog.object_type == "Candidate"))
    assert entry.actor_id == world.coordinator_33.id
    assert entry.action == "create"
    assert "france_travail_id" in entry.fields


def test_bad_france_travail_id_is_refused_in_french_and_nothing_is_stored(panel, world, session):
    panel.sign_in(world.coordinator_33)
    response = panel.post("/admin/candidate/new/", {**VALID, "france_travail_id": "12AB"})
    html = text(response)
    assert response.status_code == 200
    assert "identifiant France Travail compte 8 caractères" in html
    assert _candidates(session, "Nouvelle") == []
    assert session.scalar(select(AuditLog)) is None


def test_coordinator_cannot_refer_into_another_departement(panel, world, session):
    panel.sign_in(world.coordinator_33)
    response = panel.post("/admin/candidate/new/", {**VALID, "commune": builders.PERIGUEUX})
    # The commune lookup offers only the coordinator's départements: another one is refused.
    assert "Choix incorrect" in text(response)
    assert _candidates(session, "Nouvelle") == []


def test_duplicate_france_travail_id_is_refused(panel, world, session):
    panel.sign_in(world.coordinator_33)
    assert panel.post("/admin/candidate/new/", VALID).status_code == 302
    again = panel.post("/admin/candidate/new/", {**VALID, "last_name": "Doublon"})
    assert "Existe déjà" in text(again)
    assert _candidates(session, "Doublon") == []


def test_edit_goes_through_the_same_checks_and_is_audited(panel, world, session):
    panel.sign_in(world.coordinator_33)
    candidate = world.candidate_33
    url = f"/admin/candidate/edit/?id={candidate.id}"
    fields = {**VALID, "last_name": candidate.last_name, "referred_on": str(candidate.referred_on)}
    refused = panel.post(url, {**fields, "phone": "12"})
    assert "numéro de téléphone n'est pas valide" in text(refused)
    session.refresh(candidate)
    assert candidate.phone is None
    assert panel.post(url, fields).status_code == 302
    session.refresh(candidate)
    assert candidate.email == "ines@example.org"
    entry = session.scalar(select(AuditLog).where(AuditLog.action == "update"))
    assert {"email", "phone", "first_name"} <= set(entry.fields)


def test_candidate_page_shows_the_whole_situation(panel, world):
    panel.sign_in(world.coordinator_33)
    html = panel.html(f"/admin/candidate/details/?id={world.approved_33.id}")
    for expected in (
        "Agrément obtenu",
        "Échéances",
        "Parcours",
        "Dossier de demande d'agrément",
        "Agrément accordé",
        "Historique des statuts",
        "Fin de validité de l'agrément",
        "Enregistrer l'accueil du premier enfant",
        "Sortir du parcours",
    ):
        assert expected in html, expected


def test_a_transition_button_moves_the_candidate_and_logs_it(panel, world, session):
    panel.sign_in(world.coordinator_33)
    candidate = builders.make_candidate(session, CandidateStatus.REFERRED)
    session.commit()
    response = panel.post(
        f"/admin/candidate/transition/{candidate.id}/start_pathway", {"on": "2026-03-16"}
    )
    assert response.status_code == 302
    page = panel.html(response.location)
    assert "c'est enregistré" in page
    session.refresh(candidate)
    assert candidate.status == CandidateStatus.IN_PATHWAY
    log = session.scalars(select(TransitionLog).where(TransitionLog.candidate_id == candidate.id))
    assert [(entry.name, entry.actor_id) for entry in log] == [
        ("start_pathway", world.coordinator_33.id)
    ]


def test_a_refused_transition_shows_the_engine_message_and_changes_nothing(panel, world, session):
    panel.sign_in(world.coordinator_33)
    candidate = world.candidate_33  # in pathway, dossier pieces missing
    builders.make_step(session, title="Réunion d'information obligatoire")
    session.commit()
    response = panel.post(
        f"/admin/candidate/transition/{candidate.id}/file_dossier", {"on": "2026-03-16"}
    )
    page = panel.html(response.location)
    assert "Réunion d'information obligatoire" in page
    assert "ne sont pas terminées" in page
    session.refresh(candidate)
    assert candidate.status == CandidateStatus.IN_PATHWAY
    assert candidate.dossier_filed_on is None


def test_transition_not_allowed_from_the_status_is_refused(panel, world, session):
    panel.sign_in(world.coordinator_33)
    candidate = world.candidate_33
    response = panel.post(
        f"/admin/candidate/transition/{candidate.id}/grant",
        {"decided_on": "2026-03-16", "capacity": "4"},
    )
    assert "n'est pas possible" in panel.html(response.location)
    session.refresh(candidate)
    assert candidate.status == CandidateStatus.IN_PATHWAY


def test_transition_inputs_are_checked(panel, world, session):
    panel.sign_in(world.coordinator_33)
    candidate = world.candidate_33
    url = f"/admin/candidate/transition/{candidate.id}/withdraw"
    for data, message in (
        ({"on": "16/13/2026", "withdrawal_reason": "moved"}, "Date invalide"),
        ({"on": "", "withdrawal_reason": "moved"}, "Indiquez la date"),
        ({"on": "2026-03-16", "withdrawal_reason": ""}, "Choisissez le motif"),
        ({"on": "2026-03-16", "withdrawal_reason": "other"}, "Précisez le motif"),
    ):
        response = panel.post(url, data)
        assert message in panel.html(response.location), message
        session.refresh(candidate)
        assert candidate.status == CandidateStatus.IN_PATHWAY
    assert panel.post(f"/admin/candidate/transition/{candidate.id}/nope", {}).status_code == 404


def test_transition_without_csrf_token_is_refused(client, panel, world, session):
    panel.sign_in(world.coordinator_33)
    candidate = world.candidate_33
    response = client.post(
        f"/admin/candidate/transition/{candidate.id}/withdraw",
        data={"on": "2026-03-16", "withdrawal_reason": "moved"},
    )
    assert response.status_code == 400
    session.refresh(candidate)
    assert candidate.status == CandidateStatus.IN_PATHWAY


def test_deadline_filter_finds_overdue_decisions(panel, world, session):
    overdue = builders.make_candidate(
        session, CandidateStatus.UNDER_EVALUATION, last_name="EnRetard"
    )
    session.commit()
    panel.sign_in(world.coordinator_33)
    from onboarding.admin.views.candidates import CandidateView

    index = next(
        i for i, f in enumerate(CandidateView().column_filters) if f.name == "Prochaine échéance"
    )
    html = panel.html(f"/admin/candidate/?flt0_{index}=30")
    assert overdue.last_name in html
    assert "Girondine" not in html


def test_editing_keeps_the_candidates_own_france_travail_id(panel, world, session):
    candidate = world.candidate_33
    candidate.france_travail_id = "12345678901"
    session.commit()
    panel.sign_in(world.coordinator_33)
    fields = {
        **VALID,
        "last_name": candidate.last_name,
        "france_travail_id": "12345678901",
        "referred_on": str(candidate.referred_on),
    }
    assert panel.post(f"/admin/candidate/edit/?id={candidate.id}", fields).status_code == 302
    session.refresh(candidate)
    assert candidate.email == "ines@example.org"


def test_filter_by_commune_name(panel, world, session):
    builders.make_candidate(session, commune="33281", last_name="Mérignacaise")  # Mérignac
    session.commit()
    panel.sign_in(world.coordinator_33)
    html = panel.html("/admin/candidate/?flt0_2=rignac")
    assert "Mérignacaise" in html
    assert "Girondine" not in html


def test_a_too_long_value_gets_the_french_length_message_not_a_crash(panel, world, session):
    """Found by the fuzz tests: WTForms' length message made Flask-Babel fail (a 500)."""
    panel.sign_in(world.coordinator_33)
    form = panel.html("/admin/candidate/new/")
    assert "france_travail_id" in form
    response = panel.post("/admin/candidate/new/", {"first_name": "A" * 5000, "last_name": "B"})
    assert response.status_code == 200
    assert "ne peut pas contenir plus de 100 caractères" in text(response)
