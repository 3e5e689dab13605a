"""The other views: dossier pieces, enrolments, contact requests, staff accounts, pathway steps —
each change through the domain's checks and into the audit log."""

from decimal import Decimal

from sqlalchemy import select

from onboarding.pathway import enrollment as enrolment
from onboarding.pathway.models import (
    AuditLog,
    ContactOutcome,
    DossierItemKind,
    DossierItemStatus,
    Enrollment,
    PathwayStep,
    Role,
    StaffUser,
)
from tests import builders
from tests.admin.conftest import text


def _audit(session, object_type):
    session.expire_all()
    return session.scalars(select(AuditLog).where(AuditLog.object_type == object_type)).all()


def test_marking_a_dossier_piece_received(panel, world, session):
    item = world.candidate_33.dossier_items[0]
    panel.sign_in(world.coordinator_33)
    response = panel.post(
        f"/admin/dossier_item/edit/?id={item.id}",
        {"status": "received", "received_on": "2026-03-10", "note": "original vu"},
    )
    assert response.status_code == 302
    session.refresh(item)
    assert item.status == DossierItemStatus.RECEIVED
    assert str(item.received_on) == "2026-03-10"
    [entry] = _audit(session, "DossierItem")
    assert entry.actor_id == world.coordinator_33.id


def test_only_the_residence_permit_may_be_not_applicable(panel, world, session):
    item = next(i for i in world.candidate_33.dossier_items if i.kind == DossierItemKind.IDENTITY)
    panel.sign_in(world.coordinator_33)
    response = panel.post(
        f"/admin/dossier_item/edit/?id={item.id}", {"status": "not_applicable", "note": ""}
    )
    assert "est exigé de toute personne" in text(response)
    session.refresh(item)
    assert item.status == DossierItemStatus.MISSING
    assert _audit(session, "DossierItem") == []


def test_cancelling_an_enrolment_gives_the_seat_back(panel, world, session):
    row = enrolment.enroll(
        session, world.candidate_33, world.activity_33, actor=None, today=builders.TODAY
    )
    session.commit()
    row_id = row.id
    panel.sign_in(world.coordinator_33)
    response = panel.post("/admin/enrollment/delete/", {"id": str(row_id)})
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Enrollment, row_id) is None
    assert world.activity_33.seats_taken == 0
    assert [e.action for e in _audit(session, "Enrollment")] == ["delete"]


def test_following_a_contact_request_to_its_outcome(panel, world, session):
    panel.sign_in(world.coordinator_24)
    request = world.request_24
    response = panel.post(
        f"/admin/contact_request/edit/?id={request.id}", {"outcome": "contract_signed"}
    )
    assert response.status_code == 302
    session.refresh(request)
    assert request.outcome == ContactOutcome.CONTRACT_SIGNED
    assert request.outcome_on == builders.TODAY
    assert request.handled_by_id == world.coordinator_24.id
    [entry] = _audit(session, "ContactRequest")
    assert (entry.action, entry.actor_id) == ("contact_outcome", world.coordinator_24.id)
    assert entry.fields == ["handled_by", "outcome", "outcome_on"]


def test_contact_request_outcome_must_be_one_of_ours(panel, world, session):
    panel.sign_in(world.coordinator_24)
    response = panel.post(
        f"/admin/contact_request/edit/?id={world.request_24.id}", {"outcome": "hacked"}
    )
    assert "pas un choix valide" in text(response) or "Choix incorrect" in text(response)
    session.refresh(world.request_24)
    assert world.request_24.outcome == ContactOutcome.NEW


def test_admin_creates_a_coordinator_and_bad_input_is_refused(panel, world, session):
    panel.sign_in(world.admin)
    base = {
        "email": "new@example.org",
        "full_name": "Nina",
        "role": "coordinator",
        "departments": "33, 24",
        "is_active": "y",
        "new_password": "a good long password",
    }
    for field, value, message in (
        ("departments", "33,99", "Code de département inconnu : 99"),
        ("departments", "", "au moins un département"),
        ("new_password", "short", "au moins 12 caractères"),
        ("email", "coord33@example.org", "xiste déjà"),
    ):
        response = panel.post("/admin/staff_user/new/", {**base, field: value})
        assert message in text(response), message
    assert session.scalar(select(StaffUser).where(StaffUser.email == "new@example.org")) is None
    assert panel.post("/admin/staff_user/new/", base).status_code == 302
    user = session.scalar(select(StaffUser).where(StaffUser.email == "new@example.org"))
    assert user.role == Role.COORDINATOR
    assert user.department_codes == ("24", "33")
    assert user.check_password("a good long password")
    assert "password_hash" not in panel.html("/admin/staff_user/")


def test_deactivating_an_account_ends_its_sessions(client, panel, world, session, auth):
    other = builders.make_staff(session, "other@example.org", Role.COORDINATOR, "33")
    session.commit()
    other_client = client.application.test_client()
    from tests.conftest import StaffSession

    StaffSession(other_client).login("other@example.org")
    assert other_client.get("/admin/").status_code == 200
    panel.sign_in(world.admin)
    response = panel.post(
        f"/admin/staff_user/edit/?id={other.id}",
        {"email": other.email, "full_name": "", "role": "coordinator", "departments": "33"},
    )
    assert response.status_code == 302
    assert other_client.get("/admin/").status_code == 302


def test_admin_configures_a_pathway_step(panel, world, session):
    panel.sign_in(world.admin)
    response = panel.post(
        "/admin/pathway_step/new/",
        {"position": "5", "title": "Premiers secours", "kind": "module", "description": "",
         "is_mandatory": "y", "required_sessions": "1", "required_hours": "7", "is_active": "y"},
    )  # fmt: skip
    assert response.status_code == 302
    step = session.scalar(select(PathwayStep).where(PathwayStep.title == "Premiers secours"))
    assert step.required_hours == 7
    assert [e.action for e in _audit(session, "PathwayStep")] == ["create"]
    edit_url = f"/admin/pathway_step/edit/?id={step.id}"
    form = {"position": "5", "title": "Premiers secours", "kind": "module", "description": "",
            "is_mandatory": "y", "required_sessions": "1", "is_active": "y"}  # fmt: skip
    assert "7" in panel.html(edit_url)
    for typed in ("NaN", "Infinity", "1e309", "-2"):
        refused = panel.post(edit_url, {**form, "required_hours": typed})
        assert refused.status_code == 200
        assert "Nombre d'heures invalide : écrivez par exemple 7 ou 3,5." in text(refused)
    panel.post(edit_url, {**form, "required_hours": "3,5"})
    session.refresh(step)
    assert step.required_hours == Decimal("3.5")
    assert 'value="3,5"' in panel.html(edit_url)


def test_carer_page_lists_her_vacancies(panel, world, session):
    from onboarding.pathway.carers import VacancyInput, add_vacancy

    add_vacancy(
        session,
        world.carer_24,
        VacancyInput(builders.TODAY, 3, 36, half_days=0b11),
        today=builders.TODAY,
    )
    session.commit()
    panel.sign_in(world.coordinator_24)
    page = panel.html(f"/admin/carer/details/?id={world.carer_24.id}")
    assert "Lundi matin, Lundi après-midi" in page
    assert "3 à 36 mois" in page


def test_deleting_another_departements_enrolment_is_not_found(panel, world, session):
    row = enrolment.enroll(
        session, world.candidate_24, world.activity_24, actor=None, today=builders.TODAY
    )
    session.commit()
    panel.sign_in(world.coordinator_33)
    assert panel.post("/admin/enrollment/delete/", {"id": str(row.id)}).status_code == 404
    session.expire_all()
    assert session.get(Enrollment, row.id) is not None
