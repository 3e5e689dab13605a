"""Bulk actions on the candidate list: scope and rules re-checked row by row, each reported."""

from sqlalchemy import select

from onboarding.pathway import enrollment
from onboarding.pathway.models import CandidateStatus, Enrollment, WithdrawalReason
from tests import builders
from tests.admin.conftest import text


def test_the_list_action_leads_to_the_activity_choice(panel, world):
    panel.sign_in(world.coordinator_33)
    response = panel.post(
        "/admin/candidate/action/", {"action": "enrol", "rowid": [str(world.candidate_33.id)]}
    )
    assert response.status_code == 302
    page = panel.html(response.location)
    assert "Inscrire à une activité" in page
    assert world.candidate_33.full_name in page


def test_bulk_enrolment_reports_each_row(panel, world, session):
    enrolled_before = world.approved_33
    enrollment.enroll(session, enrolled_before, world.activity_33, actor=None, today=builders.TODAY)
    extra = builders.make_candidate(session, CandidateStatus.IN_PATHWAY, last_name="EnTrop")
    session.commit()
    panel.sign_in(world.coordinator_33)
    ids = [world.candidate_33.id, enrolled_before.id, world.candidate_24.id, extra.id, "x"]
    response = panel.post(
        "/admin/candidate/bulk/enrol/",
        {"ids": ",".join(map(str, ids)), "activity_id": str(world.activity_33.id)},
    )
    page = text(response)
    assert "1 fait" in page
    assert "4 refusés" in page
    assert "déjà inscrit(e)" in page
    assert "hors de vos départements" in page
    assert "est complète (2 places)" in page
    rows = session.scalars(
        select(Enrollment.candidate_id).where(Enrollment.activity_id == world.activity_33.id)
    ).all()
    assert sorted(rows) == sorted([world.candidate_33.id, enrolled_before.id])


def test_bulk_enrolment_into_another_departements_activity_is_refused(panel, world, session):
    panel.sign_in(world.coordinator_33)
    response = panel.post(
        "/admin/candidate/bulk/enrol/",
        {"ids": str(world.candidate_33.id), "activity_id": str(world.activity_24.id)},
    )
    assert "pas un choix valide" in text(response)
    assert session.scalar(select(Enrollment.id)) is None


def test_someone_followed_in_another_departement_is_not_enrolled_in_this_ones_activity(
    panel, world, session
):
    """An account that sees both départements (here the admin) offers activities of both: each
    person is enrolled only in an activity of her own département, from any page."""
    panel.sign_in(world.admin)
    refusal = "suit le parcours dans le département 24"
    both = f"{world.candidate_33.id},{world.candidate_24.id}"
    response = panel.post(
        "/admin/candidate/bulk/enrol/", {"ids": both, "activity_id": str(world.activity_33.id)}
    )
    page = text(response)
    assert "1 fait" in page
    assert refusal in page
    panel.post(
        f"/admin/activity/enrol/{world.activity_33.id}",
        {"candidate_id": str(world.candidate_24.id)},
    )
    assert refusal in panel.html(f"/admin/activity/details/?id={world.activity_33.id}")
    panel.post(
        f"/admin/candidate/enrol-in/{world.candidate_24.id}",
        {"activity_id": str(world.activity_33.id)},
    )
    assert refusal in panel.html(f"/admin/candidate/details/?id={world.candidate_24.id}")
    rows = session.scalars(
        select(Enrollment.candidate_id).where(Enrollment.activity_id == world.activity_33.id)
    ).all()
    assert rows == [world.candidate_33.id]


def test_bulk_withdrawal_with_reason(panel, world, session):
    panel.sign_in(world.coordinator_33)
    ids = f"{world.candidate_33.id},{world.approved_33.id}"
    response = panel.post(
        "/admin/candidate/bulk/withdraw/",
        {"ids": ids, "on": "2026-03-16", "withdrawal_reason": "job_or_training"},
    )
    assert "2 faits" in text(response)
    for candidate in (world.candidate_33, world.approved_33):
        session.refresh(candidate)
        assert candidate.status == CandidateStatus.WITHDRAWN
        assert candidate.withdrawal_reason == WithdrawalReason.JOB_OR_TRAINING


def test_bulk_withdrawal_without_reason_changes_nothing(panel, world, session):
    panel.sign_in(world.coordinator_33)
    response = panel.post(
        "/admin/candidate/bulk/withdraw/",
        {"ids": str(world.candidate_33.id), "on": "2026-03-16", "withdrawal_reason": ""},
    )
    assert "Choisissez le motif de la sortie" in text(response)
    session.refresh(world.candidate_33)
    assert world.candidate_33.status == CandidateStatus.IN_PATHWAY


def test_bulk_withdrawal_refuses_the_already_withdrawn_row_only(panel, world, session):
    gone = builders.make_candidate(session, CandidateStatus.WITHDRAWN, last_name="Partie")
    session.commit()
    panel.sign_in(world.coordinator_33)
    response = panel.post(
        "/admin/candidate/bulk/withdraw/",
        {"ids": f"{gone.id},{world.candidate_33.id}", "on": "2026-03-16",
         "withdrawal_reason": "moved"},
    )  # fmt: skip
    page = text(response)
    assert "1 fait" in page
    assert "1 refusé" in page
    assert "n'est pas possible" in page
