"""A Relais Petite Enfance account updates a carer's places on her behalf, only with her recorded
agreement and only in its départements; each change is audited with the account."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from onboarding.pathway import clock, places, rpe
from onboarding.pathway.carers import VacancyInput
from onboarding.pathway.errors import RuleViolation
from onboarding.pathway.models import AuditAction, AuditLog, PartnerKind, Role, StaffUser, Vacancy
from onboarding.pathway.schedule import half_day_mask
from tests import builders
from tests.admin.conftest import text
from tests.carer.conftest import add_place, make_imported_carer

FORM = {
    "available_from": (builders.TODAY + timedelta(days=20)).strftime("%d/%m/%Y"),
    "age_min_months": "0",
    "age_max_months": "36",
    "half_days": ["mon_am", "mon_pm"],
}


@pytest.fixture
def rpe_33(session):
    user = builders.make_staff(session, "rpe33@example.org", Role.PARTNER, "33")
    user.partner_kind = PartnerKind.RPE
    session.commit()
    return user


def _mandated(session, **fields):
    carer = make_imported_carer(session, **fields)
    rpe.give_mandate(session, carer, now=clock.now())
    session.commit()
    return carer


def _place_count(session, carer) -> int:
    session.expire_all()
    return len(session.scalars(select(Vacancy).where(Vacancy.carer_id == carer.id)).all())


def test_with_her_agreement_the_rpe_adds_a_place_and_the_journal_names_it(
    session,
    panel,
    rpe_33,
    admin_user,
):
    carer = _mandated(session)
    panel.sign_in(rpe_33)
    assert str(carer) in panel.html("/admin/relais/")

    response = panel.post(f"/admin/relais/{carer.id}/places/nouvelle", FORM)

    assert response.status_code == 302
    (vacancy,) = session.scalars(select(Vacancy).where(Vacancy.carer_id == carer.id)).all()
    assert vacancy.half_days == half_day_mask(["mon_am", "mon_pm"])
    entry = session.scalar(select(AuditLog).where(AuditLog.action == AuditAction.PLACE_ADD))
    assert entry.actor_id == rpe_33.id
    assert entry.object_type == "Vacancy"
    assert entry.object_id == str(vacancy.id)
    # The journal of the panel says it in French, with who made it.
    panel.auth.logout()
    journal = panel.sign_in(admin_user).html("/admin/audit_log/")
    assert "Ajout d'une place" in journal
    assert "rpe33@example.org" in journal


def test_the_rpe_edits_and_closes_her_place_each_change_audited(session, panel, rpe_33):
    carer = _mandated(session)
    vacancy = add_place(session, carer)
    session.commit()
    vacancy_id = vacancy.id
    panel.sign_in(rpe_33)

    assert panel.post(f"/admin/relais/{carer.id}/places/{vacancy_id}", FORM).status_code == 302
    assert panel.post(f"/admin/relais/{carer.id}/places/{vacancy_id}/fermer").status_code == 302

    assert _place_count(session, carer) == 0
    actions = session.scalars(
        select(AuditLog.action).where(AuditLog.actor_id == rpe_33.id).order_by(AuditLog.id)
    ).all()
    assert actions == [AuditAction.PLACE_UPDATE.value, AuditAction.PLACE_CLOSE.value]


def test_without_her_agreement_the_rpe_is_refused(session, panel, rpe_33):
    carer = make_imported_carer(session)
    session.commit()
    panel.sign_in(rpe_33)

    assert str(carer) not in panel.html("/admin/relais/")
    page = panel.get(f"/admin/relais/{carer.id}/")
    assert page.status_code == 403
    assert "n'a pas donné son accord" in text(page)
    response = panel.post(f"/admin/relais/{carer.id}/places/nouvelle", FORM)
    assert response.status_code == 403
    assert _place_count(session, carer) == 0
    assert session.scalar(select(AuditLog).where(AuditLog.action == AuditAction.PLACE_ADD)) is None


def test_withdrawn_agreement_stops_the_rpe(session, panel, rpe_33):
    carer = _mandated(session)
    rpe.withdraw_mandate(session, carer)
    session.commit()
    panel.sign_in(rpe_33)
    assert panel.post(f"/admin/relais/{carer.id}/places/nouvelle", FORM).status_code == 403
    assert _place_count(session, carer) == 0


def test_another_departements_carer_is_refused_even_with_her_agreement(
    session,
    panel,
    rpe_33,
):
    carer = _mandated(session, commune=builders.PERIGUEUX, email="dordogne@example.org")
    panel.sign_in(rpe_33)
    assert str(carer) not in panel.html("/admin/relais/")
    response = panel.post(f"/admin/relais/{carer.id}/places/nouvelle", FORM)
    assert response.status_code == 403
    assert "hors des départements de votre Relais" in text(response)
    assert _place_count(session, carer) == 0


def test_other_accounts_have_no_rpe_page_and_the_domain_refuses_them(
    session,
    panel,
    partner_33,
    coordinator_33,
):
    carer = _mandated(session)
    for user in (partner_33, coordinator_33):
        panel.sign_in(user)
        assert panel.get("/admin/relais/").status_code == 403
        panel.auth.logout()
    data = VacancyInput(builders.TODAY + timedelta(days=5), 0, 36, half_day_mask(["fri_am"]))
    with pytest.raises(RuleViolation, match="Seul un compte du Relais Petite Enfance"):
        places.add_place(session, carer, data, today=builders.TODAY, by=coordinator_33)


def test_she_gives_and_withdraws_her_agreement_from_her_space(nadia, session, carer_space):
    carer_space.open(nadia)
    carer_space.post("/espace-assmat/accord-rpe", {"accord": "1"})
    session.expire_all()
    assert nadia.rpe_mandate_at is not None
    carer_space.post("/espace-assmat/accord-rpe", {"accord": "0"})
    session.expire_all()
    assert nadia.rpe_mandate_at is None
    actions = session.scalars(
        select(AuditLog.action).where(AuditLog.object_type == "Carer").order_by(AuditLog.id)
    ).all()
    assert actions == [AuditAction.RPE_MANDATE.value, AuditAction.RPE_MANDATE_WITHDRAWN.value]


def test_her_own_place_changes_are_audited_without_a_staff_member(nadia, session, carer_space):
    carer_space.open(nadia)
    response = carer_space.post("/espace-assmat/places/nouvelle", FORM)
    assert response.status_code == 302
    entry = session.scalar(select(AuditLog).where(AuditLog.action == AuditAction.PLACE_ADD))
    assert entry.actor_id is None


def test_an_admin_makes_a_partner_account_an_rpe(session, panel, admin_user, rpe_33):
    panel.sign_in(admin_user)
    base = {"email": "relais@example.org", "full_name": "Relais de Pessac", "role": "partner",
            "departments": "33", "is_active": "y",
            "new_password": "a good long password"}  # fmt: skip
    assert panel.post("/admin/staff_user/new/", {**base, "partner_kind": "rpe"}).status_code == 302
    user = session.scalar(select(StaffUser).where(StaffUser.email == "relais@example.org"))
    assert user.is_rpe
    assert user.is_read_only  # everything else stays read-only
    # A coordinator has no partner kind, whatever was chosen.
    edit = {**base, "email": rpe_33.email, "role": "coordinator", "partner_kind": "rpe",
            "new_password": ""}  # fmt: skip
    assert panel.post(f"/admin/staff_user/edit/?id={rpe_33.id}", edit).status_code == 302
    session.expire_all()
    assert rpe_33.partner_kind is None
    assert not rpe_33.is_rpe
