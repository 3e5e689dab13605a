"""A coordinator's work from the candidate and activity pages: enrol (one or several people, each
refusal named), tick the dossier's pieces, create a candidate without creating a duplicate, find
people by phone."""

from datetime import date, timedelta

from sqlalchemy import func, select

from onboarding.pathway.models import (
    ActivityKind,
    AuditLog,
    Candidate,
    CandidateStatus,
    DossierItemKind,
    DossierItemStatus,
    Enrollment,
)
from tests import builders
from tests.admin.conftest import text

VALID = {
    "first_name": "Morgane",
    "last_name": "Mercier",
    "commune": builders.BORDEAUX,
    "referral_source": "france_travail",
    "referred_on": "2026-03-10",
    "birth_date": "1990-04-02",
    "email": "morgane.mercier@example.org",
}


def _enrolled(session, activity) -> set[int]:
    session.expire_all()
    return set(
        session.scalars(
            select(Enrollment.candidate_id).where(Enrollment.activity_id == activity.id)
        )
    )


# --- enrol from the candidate page ---------------------------------------------------------------
def test_candidate_page_offers_activities_to_come_in_her_departement_and_enrols(
    panel, world, session
):
    candidate = world.candidate_33
    panel.sign_in(world.coordinator_33)
    page = panel.html(f"/admin/candidate/details/?id={candidate.id}")
    assert f'name="activity_id" value="{world.activity_33.id}"' in page
    assert "2 sur 2" in page  # seats left
    assert f'name="activity_id" value="{world.activity_24.id}"' not in page
    assert f'name="activity_id" value="{world.past_activity_33.id}"' not in page
    assert f"/admin/activity/details/?id={world.activity_33.id}" in page

    url = f"/admin/candidate/enrol-in/{candidate.id}"
    done = panel.post(url, {"activity_id": str(world.activity_33.id)})
    assert "est inscrit(e)" in panel.html(done.location)
    assert _enrolled(session, world.activity_33) == {candidate.id}
    again = panel.html(f"/admin/candidate/details/?id={candidate.id}")
    assert f'name="activity_id" value="{world.activity_33.id}"' not in again
    # The enrolled activity is now listed among hers, with its link.
    assert f"/admin/activity/details/?id={world.activity_33.id}" in again


def test_candidate_page_enrolment_refusals_change_nothing(panel, world, session):
    panel.sign_in(world.coordinator_33)
    url = f"/admin/candidate/enrol-in/{world.candidate_33.id}"
    other = panel.post(url, {"activity_id": str(world.activity_24.id)})
    assert "Choisissez une activité de vos départements" in panel.html(other.location)
    panel.post(url, {"activity_id": str(world.activity_33.id)})
    twice = panel.post(url, {"activity_id": str(world.activity_33.id)})
    assert "déjà inscrit(e)" in panel.html(twice.location)
    assert _enrolled(session, world.activity_24) == set()
    assert _enrolled(session, world.activity_33) == {world.candidate_33.id}
    # Someone else's candidate: 404.
    assert panel.post(f"/admin/candidate/enrol-in/{world.candidate_24.id}", {}).status_code == 404


def test_partners_cannot_enrol(panel, world, session):
    panel.sign_in(world.partner_33)
    page = panel.html(f"/admin/candidate/details/?id={world.candidate_33.id}")
    assert 'name="activity_id"' not in page
    refused = panel.post(
        f"/admin/candidate/enrol-in/{world.candidate_33.id}",
        {"activity_id": str(world.activity_33.id)},
    )
    assert refused.status_code == 403
    assert _enrolled(session, world.activity_33) == set()


# --- tick dossier pieces -------------------------------------------------------------------------
def _items(candidate):
    return {item.kind: item for item in candidate.dossier_items}


def test_dossier_pieces_are_ticked_from_the_candidate_page(panel, world, session):
    candidate = builders.make_candidate(session, CandidateStatus.DOSSIER_FILED)
    session.commit()
    items = _items(candidate)
    panel.sign_in(world.coordinator_33)
    page = panel.html(f"/admin/candidate/details/?id={candidate.id}")
    assert f'name="status-{items[DossierItemKind.IDENTITY].id}"' in page
    response = panel.post(
        f"/admin/candidate/dossier/{candidate.id}",
        {
            f"status-{items[DossierItemKind.IDENTITY].id}": "received",
            f"on-{items[DossierItemKind.IDENTITY].id}": "01/03/2026",
            f"status-{items[DossierItemKind.CERFA_FORM].id}": "received",
            f"status-{items[DossierItemKind.RESIDENCE_PERMIT].id}": "not_applicable",
        },
    )
    assert "Pièces du dossier enregistrées (3 modifiée(s))" in panel.html(response.location)
    session.expire_all()
    items = _items(candidate)
    assert items[DossierItemKind.IDENTITY].received_on == date(2026, 3, 1)
    assert items[DossierItemKind.CERFA_FORM].received_on == builders.TODAY
    assert items[DossierItemKind.RESIDENCE_PERMIT].status == DossierItemStatus.NOT_APPLICABLE
    assert items[DossierItemKind.MEDICAL_CERTIFICATE].status == DossierItemStatus.MISSING
    assert (
        session.scalar(
            select(func.count()).select_from(AuditLog).where(AuditLog.object_type == "DossierItem")
        )
        == 3
    )


def test_one_bad_piece_saves_none_and_names_it(panel, world, session):
    candidate = builders.make_candidate(session, CandidateStatus.DOSSIER_FILED)
    session.commit()
    items = _items(candidate)
    panel.sign_in(world.coordinator_33)
    url = f"/admin/candidate/dossier/{candidate.id}"
    identity, proof = items[DossierItemKind.IDENTITY], items[DossierItemKind.PROOF_OF_ADDRESS]
    for bad, message in (
        ({f"status-{proof.id}": "not_applicable"}, "Justificatif de domicile : "),
        (
            {f"status-{proof.id}": "received", f"on-{proof.id}": "31/02/2026"},
            "« 31/02/2026 » : Date invalide : utilisez le format JJ/MM/AAAA",
        ),
        # A slip of the year: the years the app's dates allow.
        (
            {f"status-{proof.id}": "received", f"on-{proof.id}": "01/12/1025"},
            "« 01/12/1025 » : Date invalide : l'année va de 1900 à 2100",
        ),
        ({f"status-{proof.id}": "received", f"on-{proof.id}": "01/12/2026"}, "dans le futur"),
        ({f"status-{proof.id}": "lost"}, "État de pièce non reconnu"),
    ):
        response = panel.post(url, {f"status-{identity.id}": "received", **bad})
        html = panel.html(response.location)
        assert "Rien n'a été enregistré" in html
        assert message in html
    session.expire_all()
    assert {item.status for item in candidate.dossier_items} == {DossierItemStatus.MISSING}


def test_partners_see_the_pieces_but_cannot_tick_them(panel, world, session):
    candidate = builders.make_candidate(session, CandidateStatus.DOSSIER_FILED)
    session.commit()
    panel.sign_in(world.partner_33)
    page = panel.html(f"/admin/candidate/details/?id={candidate.id}")
    assert "Pièce d'identité" in page
    assert 'name="status-' not in page
    item = candidate.dossier_items[0]
    refused = panel.post(
        f"/admin/candidate/dossier/{candidate.id}", {f"status-{item.id}": "received"}
    )
    assert refused.status_code == 403


# --- several people at once from the activity page -----------------------------------------------
def test_activity_page_finds_people_by_phone_email_and_france_travail_id(panel, world, session):
    person = builders.make_candidate(
        session, CandidateStatus.IN_PATHWAY, last_name="Trouvée", phone="0612345678",
        email="trouvee@example.org", france_travail_id="1234567A",
    )  # fmt: skip
    session.commit()
    panel.sign_in(world.coordinator_33)
    base = f"/admin/activity/details/?id={world.activity_33.id}&q="
    for typed in (
        "06 12 34 56 78",
        "+33 6 12 34 56 78",
        "trouvee@example.org",
        "1234567a",
        "trouv",
    ):
        page = panel.html(base + typed.replace("+", "%2B"))
        assert f'name="candidate_id" value="{person.id}"' in page, typed
    assert 'name="candidate_id"' not in panel.html(base + "07 00 00 00 00")


def test_homonyms_are_told_apart_by_birth_date_and_commune(panel, world, session):
    first = builders.make_candidate(
        session, CandidateStatus.IN_PATHWAY, first_name="Morgane", last_name="Homonyme",
        birth_date=date(1990, 4, 2),
    )  # fmt: skip
    second = builders.make_candidate(
        session, CandidateStatus.IN_PATHWAY, first_name="Morgane", last_name="Homonyme",
        birth_date=date(1985, 11, 20), commune="33281",
    )  # fmt: skip
    session.commit()
    panel.sign_in(world.coordinator_33)
    page = panel.html(f"/admin/activity/details/?id={world.activity_33.id}&q=morgane homonyme")
    assert f'value="{first.id}"' in page
    assert f'value="{second.id}"' in page
    assert "02/04/1990" in page
    assert "20/11/1985" in page
    assert second.commune.name in page


def test_several_people_are_enrolled_at_once_and_each_refusal_is_named(panel, world, session):
    activity = world.activity_33  # 2 seats
    third = builders.make_candidate(session, CandidateStatus.IN_PATHWAY, last_name="Troisième")
    session.commit()
    panel.sign_in(world.coordinator_33)
    response = panel.post(
        f"/admin/activity/enrol/{activity.id}",
        {"candidate_id": [str(world.candidate_33.id), str(world.approved_33.id), str(third.id)]},
    )
    html = panel.html(response.location)
    assert "Inscription enregistrée" in html
    assert "Refusé : L'activité « Réunion d'information »" in html
    assert "est complète (2 places)" in html
    assert _enrolled(session, activity) == {world.candidate_33.id, world.approved_33.id}
    session.refresh(activity)
    assert activity.seats_taken == 2


def test_a_job_seeker_without_convention_is_refused_and_the_others_enrolled(panel, world, session):
    step = builders.make_step(session, ActivityKind.IMMERSION, mandatory=False)
    immersion = builders.make_activity(
        session, step, on=builders.TODAY + timedelta(days=5), host_name="MAM Les Lutins",
        host_siret="73282932000074",
    )  # fmt: skip
    seeker = builders.make_candidate(
        session, CandidateStatus.IN_PATHWAY, last_name="Chercheuse", is_job_seeker=True
    )
    session.commit()
    panel.sign_in(world.coordinator_33)
    response = panel.post(
        f"/admin/activity/enrol/{immersion.id}",
        {"candidate_id": [str(seeker.id), str(world.candidate_33.id)]},
    )
    html = panel.html(response.location)
    assert "Refusé :" in html
    assert "convention PMSMP" in html
    assert _enrolled(session, immersion) == {world.candidate_33.id}


# --- creating a candidate ------------------------------------------------------------------------
def test_the_form_is_prefilled_with_the_signed_in_coordinator(panel, world):
    panel.sign_in(world.coordinator_33)
    form = panel.html("/admin/candidate/new/")
    field = form.split('id="coordinator"', 1)[1].split(">", 1)[0]
    assert f'value="{world.coordinator_33.id}"' in field


def test_saving_opens_the_new_candidates_page(panel, world, session):
    panel.sign_in(world.coordinator_33)
    response = panel.post("/admin/candidate/new/", VALID)
    [candidate] = session.scalars(select(Candidate).where(Candidate.last_name == "Mercier")).all()
    assert response.status_code == 302
    assert response.location.endswith(f"/admin/candidate/details/?id={candidate.id}")


def test_a_likely_duplicate_is_shown_before_saving_then_created_anyway(panel, world, session):
    existing = builders.make_candidate(
        session, CandidateStatus.IN_PATHWAY, first_name="Morgane", last_name="Mercier",
        birth_date=date(1990, 4, 2),
    )  # fmt: skip
    session.commit()
    panel.sign_in(world.coordinator_33)
    # Same name and birth date, written otherwise: accents and case aside.
    typed = {**VALID, "first_name": "MORGANE", "last_name": "mercier", "email": ""}
    response = panel.post("/admin/candidate/new/", typed)
    html = text(response)
    assert response.status_code == 200
    assert "Cette personne est peut-être déjà suivie" in html
    assert f"/admin/candidate/details/?id={existing.id}" in html
    assert "Créer quand même" in html
    count = select(func.count()).select_from(Candidate)
    before = session.scalar(count)
    assert session.scalar(select(func.count()).where(Candidate.last_name == "mercier")) == 0

    confirmed = panel.post("/admin/candidate/new/", {**typed, "create_anyway": "1"})
    assert confirmed.status_code == 302
    session.expire_all()
    assert session.scalar(count) == before + 1


def test_duplicates_by_email_phone_or_france_travail_id(panel, world, session):
    builders.make_candidate(
        session, CandidateStatus.IN_PATHWAY, last_name="Autre", email="deja@example.org",
        phone="+33611223344", france_travail_id="7654321B",
    )  # fmt: skip
    session.commit()
    panel.sign_in(world.coordinator_33)
    different = {**VALID, "birth_date": "", "email": ""}
    for field, value in (
        ("email", "Deja@Example.org"),
        ("phone", "06 11 22 33 44"),
        ("france_travail_id", "7654321b"),
    ):
        html = text(panel.post("/admin/candidate/new/", {**different, field: value}))
        assert "Cette personne est peut-être déjà suivie" in html, field
    # Another person altogether: saved at once.
    assert panel.post("/admin/candidate/new/", different).status_code == 302


def test_a_duplicate_in_another_departement_is_counted_not_shown(panel, world, session):
    builders.make_candidate(
        session, CandidateStatus.IN_PATHWAY, last_name="Ailleurs", email="ailleurs@example.org",
        commune=builders.PERIGUEUX,
    )  # fmt: skip
    session.commit()
    panel.sign_in(world.coordinator_33)
    html = text(panel.post("/admin/candidate/new/", {**VALID, "email": "ailleurs@example.org"}))
    assert "1 fiche semblable dans un autre département" in html
    assert "Ailleurs" not in html


def test_search_by_phone_finds_the_candidate_however_typed(panel, world, session):
    person = builders.make_candidate(
        session, CandidateStatus.IN_PATHWAY, last_name="Téléphone", phone="0699887766"
    )
    session.commit()
    panel.sign_in(world.coordinator_33)
    for typed in ("06 99 88 77 66", "06.99.88.77.66", "%2B33 6 99 88 77 66", "0033699887766"):
        html = panel.html(f"/admin/candidate/?search={typed}")
        assert f"details/?id={person.id}" in html, typed
    assert f"details/?id={person.id}" not in panel.html("/admin/candidate/?search=0699887700")
