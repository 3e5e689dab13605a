"""The pathway recorded from the candidate page: PMSMP conventions, training (one person or a
whole session), agrément renewal and expiry, the prime d'installation, and dossier filing with a
written reason when steps are not done. Each form: success, refusal (message, nothing changed),
another département's row (404), a partner (403)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from onboarding.pathway import training
from onboarding.pathway.models import (
    AgrementDecision,
    AuditLog,
    CandidateStatus,
    ImmersionConvention,
    Training,
    TransitionLog,
)
from tests import builders
from tests.admin.conftest import text

S = CandidateStatus
TODAY = builders.TODAY
SIRET = "73282932000074"  # a valid SIRET (Luhn)
CONVENTION = {
    "host_name": "MAM Les Petits Pas",
    "host_siret": "732 829 320 00074",
    "host_tutor": "Sophie Tutrice",
    "host_address": "3 rue des Lilas, 33000 Bordeaux",
    "prescriber": "France Travail Bordeaux Bastide, M. Conseiller",
    "purpose": "discover",
    "starts_on": "01/04/2026",
    "ends_on": "2026-04-30",
    "renewal_of": "",
}


def _switch(panel, user) -> None:
    panel.auth.logout()
    panel.sign_in(user)


def _count(session, model) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


def _page(panel, response) -> str:
    assert response.status_code == 302, response.status_code
    return panel.html(response.location)


# PMSMP conventions --------------------------------------------------------------------------


def test_coordinator_records_a_convention_then_its_renewal(panel, world, session):
    panel.sign_in(world.coordinator_33)
    candidate = world.candidate_33
    url = f"/admin/candidate/{candidate.id}/convention/"
    page = _page(panel, panel.post(url, CONVENTION))
    assert "La convention PMSMP est enregistrée." in page
    [convention] = session.scalars(select(ImmersionConvention)).all()
    assert (convention.host_siret, convention.host_tutor, convention.prescriber) == (
        SIRET, "Sophie Tutrice", "France Travail Bordeaux Bastide, M. Conseiller",
    )  # fmt: skip
    assert (convention.starts_on.isoformat(), convention.ends_on.isoformat()) == (
        "2026-04-01",
        "2026-04-30",
    )
    assert "Imprimer la convention (PDF)" in page
    entry = session.scalar(select(AuditLog).where(AuditLog.object_type == "ImmersionConvention"))
    assert (entry.actor_id, entry.action) == (world.coordinator_33.id, "create")
    renewal = {**CONVENTION, "starts_on": "01/05/2026", "ends_on": "20/05/2026"}
    page = _page(panel, panel.post(url, {**renewal, "renewal_of": str(convention.id)}))
    assert "La convention PMSMP est enregistrée." in page
    assert _count(session, ImmersionConvention) == 2
    # A second renewal: the engine refuses, and the form no longer offers it.
    third = {**CONVENTION, "starts_on": "01/06/2026", "ends_on": "30/06/2026"}
    page = _page(panel, panel.post(url, {**third, "renewal_of": str(convention.id)}))
    assert "n'est renouvelable qu'une fois" in page
    assert _count(session, ImmersionConvention) == 2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"host_siret": "73282932000075"}, "Le SIRET de la structure d'accueil est invalide"),
        ({"ends_on": "2026-05-01"}, "dure au plus un mois de date à date"),
        ({"prescriber": ""}, "Prescripteur (structure et conseiller) : Ce champ est obligatoire."),
        ({"prescriber": "   "}, "la convention PMSMP est tripartite"),
        ({"starts_on": "31/02/2026"}, "Date invalide"),
        ({"purpose": "holiday"}, "Objet de l'immersion"),
    ],
)
def test_a_refused_convention_shows_why_and_stores_nothing(panel, world, session, changes, message):
    panel.sign_in(world.coordinator_33)
    response = panel.post(
        f"/admin/candidate/{world.candidate_33.id}/convention/", {**CONVENTION, **changes}
    )
    assert message in _page(panel, response)
    assert _count(session, ImmersionConvention) == 0
    assert _count(session, AuditLog) == 0


def test_a_third_convention_with_the_same_host_within_12_months_is_refused(panel, world, session):
    panel.sign_in(world.coordinator_33)
    url = f"/admin/candidate/{world.candidate_33.id}/convention/"
    for starts, ends in (("01/01/2026", "05/01/2026"), ("01/02/2026", "05/02/2026")):
        panel.post(url, {**CONVENTION, "starts_on": starts, "ends_on": ends})
    page = _page(panel, panel.post(url, {**CONVENTION, "starts_on": "01/03/2026",
                                         "ends_on": "05/03/2026"}))  # fmt: skip
    assert "Au plus 2 conventions PMSMP avec la même structure d'accueil sur 12 mois" in page
    assert _count(session, ImmersionConvention) == 2


def test_convention_scope_partner_and_csrf(client, panel, world, session):
    panel.sign_in(world.coordinator_33)
    assert panel.post(f"/admin/candidate/{world.candidate_24.id}/convention/", CONVENTION)\
        .status_code == 404  # fmt: skip
    assert (
        client.post(
            f"/admin/candidate/{world.candidate_33.id}/convention/", data=CONVENTION
        ).status_code
        == 400
    )
    _switch(panel, world.partner_33)
    assert panel.post(f"/admin/candidate/{world.candidate_33.id}/convention/", CONVENTION)\
        .status_code == 403  # fmt: skip
    page = panel.html(f"/admin/candidate/details/?id={world.candidate_33.id}")
    assert "Enregistrer une convention PMSMP" not in page
    assert _count(session, ImmersionConvention) == 0


# Training -----------------------------------------------------------------------------------


def _course(panel, candidate, **changes):
    data = {"part": "1", "block": "1", "hours": "35", "includes_first_aid": "y",
            "completed_on": "16/03/2026", "provider": "Institut Petite Enfance"}  # fmt: skip
    data.update(changes)
    if data.get("includes_first_aid") is None:
        data.pop("includes_first_aid")
    return panel.post(f"/admin/candidate/{candidate.id}/training/course/", data)


def test_part1_blocks_evaluation_then_the_first_child_from_the_panel(panel, world, session):
    """The dead end of issue 13: part 1 recorded in the panel opens "premier enfant"."""
    panel.sign_in(world.coordinator_33)
    candidate = world.approved_33
    assert "Les heures de formation sont enregistrées." in _page(panel, _course(panel, candidate))
    _course(panel, candidate, block="2", hours="25", includes_first_aid=None)
    # Typed with a decimal comma, as the field's hint says.
    page = _page(panel, _course(panel, candidate, block="3", hours="19,5",
                                includes_first_aid=None))  # fmt: skip
    assert "79,5 h suivies sur 80 h" in page
    evaluation_url = f"/admin/candidate/{candidate.id}/training/evaluation/"
    page = _page(
        panel, panel.post(evaluation_url, {"result": "passed", "completed_on": "16/03/2026"})
    )
    assert "les heures de formation ne sont pas encore toutes suivies" in page
    _course(panel, candidate, block="3", hours="0.5", includes_first_aid=None)
    page = _page(
        panel, panel.post(evaluation_url, {"result": "failed", "completed_on": "16/03/2026"})
    )
    assert "L'évaluation est enregistrée." in page
    panel.post(evaluation_url, {"result": "passed", "completed_on": "16/03/2026"})
    session.expire_all()
    assert training.part1_done_on(candidate) == TODAY
    page = _page(panel, panel.post(
        f"/admin/candidate/transition/{candidate.id}/record_first_child", {"on": "16/03/2026"}
    ))  # fmt: skip
    assert "Statut : En activité" in page
    entries = session.scalars(select(AuditLog).where(AuditLog.object_type == "Training")).all()
    assert len(entries) == 6
    assert {e.actor_id for e in entries} == {world.coordinator_33.id}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"block": ""}, "Indiquez le bloc de la première partie"),
        ({"block": "2"}, "Les premiers secours font partie du bloc 1"),
        ({"hours": "81"}, "entre 0 et 80 h"),
        ({"hours": "beaucoup"}, "Heures suivies : Nombre d'heures invalide : écrivez par exemple"),
        ({"hours": "NaN"}, "Heures suivies : Nombre d'heures invalide : écrivez par exemple"),
        ({"completed_on": "17/03/2026"}, "ne peut pas être dans le futur"),
        (
            {"part": "2", "block": "", "includes_first_aid": None},
            "suit l'accueil du premier enfant",
        ),
    ],
)
def test_a_refused_course_shows_why_and_stores_nothing(panel, world, session, changes, message):
    panel.sign_in(world.coordinator_33)
    before = _count(session, Training)
    assert message in _page(panel, _course(panel, world.approved_33, **changes))
    assert _count(session, Training) == before


def test_training_scope_and_partner(panel, world, session):
    panel.sign_in(world.coordinator_33)
    assert _course(panel, world.approved_24).status_code == 404
    _switch(panel, world.partner_33)
    assert _course(panel, world.approved_33).status_code == 403
    assert (
        panel.post(
            f"/admin/candidate/{world.approved_33.id}/training/evaluation/",
            {"result": "passed", "completed_on": "16/03/2026"},
        ).status_code
        == 403
    )
    assert _count(session, Training) == 0


def _session_form(ids, **changes):
    data = {"part": "1", "block": "3", "hours": "15", "completed_on": "16/03/2026",
            "provider": "Institut Petite Enfance"}  # fmt: skip
    data["candidate_ids"] = [str(i) for i in ids]
    data.update(changes)
    return data


def test_a_training_session_for_its_attendees_at_once(panel, world, session):
    second = builders.make_candidate(session, S.UNDER_EVALUATION, last_name="Seconde")
    session.commit()
    panel.sign_in(world.coordinator_33)
    page = panel.html("/admin/candidate/training-session/")
    assert "Camille Approuvée" in page
    assert "Camille Seconde" in page
    assert "Camille Dordogne" not in page  # another département
    assert "Camille Girondine" not in page  # not in training yet
    response = panel.post(
        "/admin/candidate/training-session/", _session_form([world.approved_33.id, second.id])
    )
    assert "Session enregistrée pour 2 personnes." in _page(panel, response)
    session.expire_all()
    assert training.course_hours(world.approved_33, 1, block=3) == Decimal(15)
    assert training.course_hours(second, 1, block=3) == Decimal(15)


def test_a_refused_session_records_nobody(panel, world, session):
    second = builders.make_candidate(session, S.UNDER_EVALUATION, last_name="Seconde")
    session.commit()
    panel.sign_in(world.coordinator_33)
    ids = [world.approved_33.id, second.id]
    response = panel.post(
        "/admin/candidate/training-session/", _session_form(ids, completed_on="17/03/2026")
    )
    assert response.status_code == 200
    assert "ne peut pas être dans le futur. Aucune heure n'a été enregistrée." in text(response)
    response = panel.post("/admin/candidate/training-session/", _session_form([]))
    assert "Cochez au moins une personne" in text(response)
    assert _count(session, Training) == 0
    # Someone of another département, or not in training: as if it did not exist.
    for other in (world.approved_24.id, world.candidate_33.id):
        response = panel.post("/admin/candidate/training-session/", _session_form([*ids, other]))
        assert response.status_code == 404
    assert _count(session, Training) == 0
    _switch(panel, world.partner_33)
    assert panel.post("/admin/candidate/training-session/", _session_form(ids)).status_code == 403
    assert _count(session, Training) == 0


# Agrément: renewal and expiry ---------------------------------------------------------------


def test_renewal_request_then_10_years_with_ep1_and_ep3(panel, world, session):
    panel.sign_in(world.coordinator_33)
    candidate = world.approved_33
    first_until = candidate.carer.agrement_expires_on
    decision_url = f"/admin/candidate/{candidate.id}/renewal/decision/"
    decision = {"decided_on": "16/03/2026", "outcome": "granted", "capacity": "4",
                "has_cap_aepe_units": "y", "reason": ""}  # fmt: skip
    page = _page(panel, panel.post(decision_url, decision))
    assert "Enregistrez d'abord la réception de la demande de renouvellement." in page
    page = _page(panel, panel.post(
        f"/admin/candidate/{candidate.id}/renewal/request/", {"on": "10/03/2026"}
    ))  # fmt: skip
    assert "La demande de renouvellement est enregistrée." in page
    assert "Renouvellement demandé" in page
    page = _page(panel, panel.post(decision_url, decision))
    assert "La décision de renouvellement est enregistrée." in page
    session.expire_all()
    renewal = session.scalars(
        select(AgrementDecision).where(AgrementDecision.is_renewal.is_(True))
    ).one()
    # From the end of the first agrément, 10 years.
    assert renewal.valid_until == first_until.replace(year=first_until.year + 10)
    assert candidate.carer.agrement_expires_on == renewal.valid_until
    assert renewal.renewal_requested_on.isoformat() == "2026-03-10"
    assert candidate.has_cap_aepe_units
    assert f"Valable jusqu'au {renewal.valid_until.day}" in page
    assert "</strong> (renouvellement demandé le 10/03/2026) le 16 mars 2026" in page


def test_renewal_refusals_scope_and_partner(panel, world, session):
    panel.sign_in(world.coordinator_33)
    candidate = world.approved_33
    page = _page(panel, panel.post(
        f"/admin/candidate/{candidate.id}/renewal/request/", {"on": "17/03/2026"}
    ))  # fmt: skip
    assert "La date ne peut pas être dans le futur." in page
    session.expire_all()
    assert candidate.carer.renewal_requested_on is None
    assert (
        panel.post(
            f"/admin/candidate/{world.approved_24.id}/renewal/request/", {"on": "10/03/2026"}
        ).status_code
        == 404
    )
    _switch(panel, world.partner_33)
    assert (
        panel.post(
            f"/admin/candidate/{candidate.id}/renewal/request/", {"on": "10/03/2026"}
        ).status_code
        == 403
    )
    session.expire_all()
    assert candidate.carer.renewal_requested_on is None


def test_an_expired_agrement_says_why_in_the_panel(panel, world, session):
    carer = world.approved_33.carer
    carer.agrement_expires_on = TODAY - timedelta(days=1)
    session.commit()
    panel.sign_in(world.coordinator_33)
    page = panel.html(f"/admin/candidate/details/?id={world.approved_33.id}")
    assert "Agrément expiré le 15/03/2026" in page
    assert "n'apparaît plus dans la recherche des parents" in page
    assert "Agrément expiré le 15/03/2026" in panel.html(f"/admin/carer/details/?id={carer.id}")
    listed = panel.html(f"/admin/carer/?{_filter_arg('Agrément')}=expired")
    assert "Approuvée" in listed


BONUS_FILTER = "flt0_2"  # checked against the view below


def test_bonus_filter_argument():
    assert _filter_arg("Prime d'installation") == BONUS_FILTER


# Prime d'installation -----------------------------------------------------------------------


def _filter_arg(name: str) -> str:
    """The list's URL argument of a carer filter, as Flask-Admin numbers them."""
    from onboarding.admin.views.carers import CarerView

    names = [str(f.name) for f in CarerView.column_filters]
    return f"flt0_{names.index(name)}"


def test_prime_d_installation_request_payment_and_the_list_filter(panel, world, session):
    active = builders.make_candidate(
        session, S.ACTIVE, referred_on=TODAY - timedelta(days=300), last_name="Active"
    )
    session.commit()
    carer = active.carer
    panel.sign_in(world.coordinator_33)
    page = panel.html(f"/admin/candidate/details/?id={active.id}")
    assert "Peut la demander" in page
    claimable = panel.html(f"/admin/carer/?{BONUS_FILTER}=claimable")
    assert "Active" in claimable
    assert "Approuvée" not in claimable
    base = f"/admin/candidate/{active.id}/bonus/"
    page = _page(panel, panel.post(base + "payment/", {"on": "16/03/2026"}))
    assert "Enregistrez d'abord la demande de prime d'installation." in page
    page = _page(panel, panel.post(base + "request/", {"on": "12/03/2026"}))
    assert "La demande de prime d'installation est enregistrée." in page
    page = _page(panel, panel.post(base + "payment/", {"on": "11/03/2026"}))
    assert "Le versement ne peut pas précéder la demande (12/03/2026)." in page
    page = _page(panel, panel.post(base + "payment/", {"on": "16/03/2026"}))
    assert "Le versement de la prime d'installation est enregistré." in page
    session.expire_all()
    assert (carer.bonus_requested_on.isoformat(), carer.bonus_paid_on.isoformat()) == (
        "2026-03-12",
        "2026-03-16",
    )
    claimable = panel.html(f"/admin/carer/?{BONUS_FILTER}=claimable")
    assert "Active" not in claimable


def test_prime_refused_before_two_months_of_activity(panel, world, session):
    recent = builders.make_candidate(session, S.ACTIVE, last_name="Récente")
    session.commit()
    panel.sign_in(world.coordinator_33)
    page = _page(panel, panel.post(
        f"/admin/candidate/{recent.id}/bonus/request/", {"on": "16/03/2026"}
    ))  # fmt: skip
    assert "2 mois d'activité sont nécessaires" in page
    session.expire_all()
    assert recent.carer.bonus_requested_on is None
    _switch(panel, world.partner_33)
    assert (
        panel.post(f"/admin/candidate/{recent.id}/bonus/request/", {"on": "16/03/2026"}).status_code
        == 403
    )
    _switch(panel, world.coordinator_24)
    assert (
        panel.post(f"/admin/candidate/{recent.id}/bonus/request/", {"on": "16/03/2026"}).status_code
        == 404
    )


# The law refuses, the programme warns -------------------------------------------------------


def test_dossier_filing_asks_a_reason_when_steps_are_missing_then_proceeds(panel, world, session):
    builders.make_step(session, title="Réunion d'information obligatoire")
    session.commit()
    panel.sign_in(world.coordinator_33)
    candidate = world.candidate_33
    page = panel.html(f"/admin/candidate/details/?id={candidate.id}")
    assert "Étapes obligatoires du parcours non terminées" in page
    assert "Pourquoi le dossier est-il déposé malgré ces étapes ?" in page
    url = f"/admin/candidate/transition/{candidate.id}/file_dossier"
    page = _page(panel, panel.post(url, {"on": "16/03/2026", "reason": "  "}))
    assert "Indiquez par écrit pourquoi le dossier est déposé quand même." in page
    session.expire_all()
    assert candidate.status == S.IN_PATHWAY
    # The law still refuses: a date in the future, whatever the reason.
    page = _page(panel, panel.post(url, {"on": "17/03/2026", "reason": "Déposé à la PMI."}))
    assert "La date ne peut pas être dans le futur." in page
    page = _page(panel, panel.post(url, {"on": "16/03/2026", "reason": "Déposé à la PMI."}))
    assert "Statut : Dossier déposé" in page
    log = session.scalars(
        select(TransitionLog).where(
            TransitionLog.name == "file_dossier", TransitionLog.candidate_id == candidate.id
        )
    ).one()
    assert log.note == (
        "Étapes non terminées : Réunion d'information obligatoire (1 séance à suivre). "
        "Motif : Déposé à la PMI."
    )
    assert "Motif : Déposé à la PMI." in page


def test_completion_attestation_with_a_reason_is_printed_and_logged(panel, world, session):
    builders.make_step(session, title="Réunion d'information obligatoire")
    session.commit()
    candidate = world.candidate_33
    panel.sign_in(world.coordinator_33)
    page = panel.html(f"/admin/candidate/details/?id={candidate.id}")
    assert "Délivrer l'attestation de fin de parcours" in page
    url = f"/admin/candidate/documents/{candidate.id}/attestation-fin-parcours.pdf"
    page = _page(panel, panel.post(url, {"reason": ""}))
    assert "Indiquez par écrit pourquoi l'attestation est délivrée quand même." in page
    before = _count(session, TransitionLog)
    response = panel.post(url, {"reason": "Entrée en formation CAP AEPE."})
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    log = session.scalars(
        select(TransitionLog).where(TransitionLog.name == "attest_completion")
    ).one()
    assert (log.from_status, log.to_status) == (S.IN_PATHWAY, S.IN_PATHWAY)
    assert log.note.endswith("Motif : Entrée en formation CAP AEPE.")
    assert _count(session, TransitionLog) == before + 1
    _switch(panel, world.partner_33)
    assert panel.post(url, {"reason": "x"}).status_code == 403
    _switch(panel, world.coordinator_24)
    assert panel.post(url, {"reason": "x"}).status_code == 404
    assert _count(session, TransitionLog) == before + 1


def test_a_job_seeker_is_enrolled_in_an_immersion_once_her_convention_is_recorded(
    panel, world, session
):
    """Dead end 1 of issue 13: the convention recorded from the panel opens the immersion."""
    step = builders.make_step(session, builders.ActivityKind.IMMERSION, mandatory=False)
    activity = builders.make_activity(
        session, step, on=TODAY + timedelta(days=20), host_name="MAM Les Petits Pas",
        host_siret=SIRET,
    )  # fmt: skip
    seeker = builders.make_candidate(
        session, S.IN_PATHWAY, is_job_seeker=True, france_travail_id="7654321B",
        last_name="Chercheuse",
    )  # fmt: skip
    session.commit()
    panel.sign_in(world.coordinator_33)
    enrol = f"/admin/activity/enrol/{activity.id}"
    assert "une convention PMSMP avec" in _page(
        panel, panel.post(enrol, {"candidate_id": seeker.id})
    )
    assert seeker.enrollments == []
    panel.post(
        f"/admin/candidate/{seeker.id}/convention/",
        {**CONVENTION, "starts_on": "05/04/2026", "ends_on": "05/04/2026"},
    )
    assert "Inscription enregistrée : Camille Chercheuse" in _page(
        panel, panel.post(enrol, {"candidate_id": seeker.id})
    )
    session.expire_all()
    assert [e.activity_id for e in seeker.enrollments] == [activity.id]


def test_the_candidate_page_renders_its_record_sections_at_every_status(panel, world, session):
    people = {status: builders.make_candidate(session, status) for status in S}
    session.commit()
    panel.sign_in(world.coordinator_33)
    for status, candidate in people.items():
        page = panel.html(f"/admin/candidate/details/?id={candidate.id}")
        assert "Conventions PMSMP" in page, status
        assert "Formation initiale" in page, status
        assert ("Agrément en cours" in page) == (candidate.carer is not None), status
        assert ("Prime d'installation" in page) == (status == S.ACTIVE), status
        can_train = status in (S.UNDER_EVALUATION, S.APPROVED, S.ACTIVE)
        assert ("Enregistrer des heures de formation" in page) == can_train, status


def test_each_date_of_the_record_forms_has_its_own_label(panel, world, session):
    active = builders.make_candidate(
        session, S.ACTIVE, referred_on=TODAY - timedelta(days=300), last_name="Active"
    )
    session.commit()
    panel.sign_in(world.coordinator_33)
    page = panel.html(f"/admin/candidate/details/?id={active.id}")
    assert '<label for="renewal-request-on">Demande de renouvellement reçue le</label>' in page
    assert '<label for="bonus-request-on">Prime demandée à la Caf le</label>' in page
