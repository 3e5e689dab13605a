"""Mise en relation accompagnée: an adviser searches for a job-seeker parent with the parents'
own search, sends requests to at most five carers with the parent's consent, follows them to
"contrat signé", and the indicators count it."""

from datetime import timedelta

from sqlalchemy import func, select

from onboarding.pathway import indicators
from onboarding.pathway.indicators import intermediation
from onboarding.pathway.models import (
    AuditLog,
    ContactOutcome,
    ContactRequest,
    MessageKind,
    OutboxMessage,
    ParentReferral,
)
from onboarding.pathway.referrals import CONSENT_VERSION
from tests.admin.conftest import text
from tests.builders import BORDEAUX, PERIGUEUX, TODAY
from tests.search.conftest import MERIGNAC, make_carer

SEARCH = {
    "q": "Bordeaux (33000)",
    "commune": BORDEAUX,
    "radius_km": "10",
    "birth_date": (TODAY - timedelta(days=300)).strftime("%d/%m/%Y"),
    "start": (TODAY + timedelta(days=14)).strftime("%d/%m/%Y"),
    "slots": ["mon_am", "mon_pm"],
}
PARENT = {
    "parent_name": "Sarah Benali",
    "email": "sarah.benali@example.org",
    "phone": "06 12 34 56 78",
    "is_job_seeker": "oui",
    "france_travail_id": "1234567A",
    "message": "",
}


def _carers(session, count: int):
    made = [make_carer(session, BORDEAUX if n % 2 else MERIGNAC, first_name=f"Camille{n}",
                       email=f"carer{n}@example.org") for n in range(count)]  # fmt: skip
    session.commit()
    return made


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_the_page_runs_the_parents_search_with_checkboxes(panel, world, session):
    carers = _carers(session, 3)
    panel.sign_in(world.coordinator_33)
    page = panel.html("/admin/referral/nouvelle/?" + _query(SEARCH))
    assert "3 à moins de 10 km de Bordeaux" in page
    for carer in carers:
        assert f'name="carer_ids" value="{carer.id}"' in page
    assert "Le parent a donné son accord pour" in page
    # Job seeker: yes by default.
    assert '<input checked class="form-check-input" id="is_job_seeker-0"' in page


def _query(values: dict) -> str:
    from urllib.parse import urlencode

    return urlencode(values, doseq=True)


def test_more_than_five_carers_or_no_consent_is_refused_and_nothing_is_sent(panel, world, session):
    carers = _carers(session, 6)
    panel.sign_in(world.coordinator_33)
    before = _count(session, ContactRequest)
    six = {**SEARCH, **PARENT, "carer_ids": [c.id for c in carers], "consent": "y"}
    response = panel.post("/admin/referral/nouvelle/", six)
    assert response.status_code == 200
    assert "Choisissez au plus 5 assistantes maternelles : vous en avez coché 6." in text(response)
    unconsented = {**SEARCH, **PARENT, "carer_ids": [carers[0].id]}
    response = panel.post("/admin/referral/nouvelle/", unconsented)
    assert "Cochez l'accord du parent : sans lui, rien n'est transmis." in text(response)
    # The results' form carries the dates as the API writes them (AAAA-MM-JJ); the boxes,
    # labelled JJ/MM/AAAA, show them so.
    iso = {"birth_date": (TODAY - timedelta(days=300)).isoformat(),
           "start": (TODAY + timedelta(days=14)).isoformat()}  # fmt: skip
    nobody = {**SEARCH, **iso, **PARENT, "consent": "y"}
    response = panel.post("/admin/referral/nouvelle/", nobody)
    assert "Choisissez au moins une assistante maternelle." in text(response)
    page = response.get_data(as_text=True)
    assert f'id="birth_date" name="birth_date" value="{SEARCH["birth_date"]}"' in page
    assert f'id="start" name="start" value="{SEARCH["start"]}"' in page
    assert _count(session, ContactRequest) == before
    assert _count(session, ParentReferral) == 0
    assert _count(session, OutboxMessage) == 0


def test_a_carer_no_longer_shown_is_refused(panel, world, session):
    (carer,) = _carers(session, 1)
    panel.sign_in(world.coordinator_33)
    carer.is_published = False
    session.commit()
    data = {**SEARCH, **PARENT, "carer_ids": [carer.id], "consent": "y"}
    response = panel.post("/admin/referral/nouvelle/", data)
    assert "n'est plus visible des parents" in text(response)
    assert _count(session, ParentReferral) == 0


def test_sending_on_behalf_then_following_to_contract_signed_is_counted(panel, world, session):
    carers = _carers(session, 3)
    panel.sign_in(world.coordinator_33)
    chosen = [carers[0].id, carers[2].id]
    response = panel.post(
        "/admin/referral/nouvelle/", {**SEARCH, **PARENT, "carer_ids": chosen, "consent": "y"}
    )
    assert response.status_code == 302, text(response)
    referral = session.scalars(select(ParentReferral)).one()
    assert referral.adviser_id == world.coordinator_33.id
    assert (referral.parent_name, referral.is_job_seeker) == ("Sarah Benali", True)
    assert referral.france_travail_id == "1234567A"
    assert referral.consent_version == CONSENT_VERSION
    assert referral.consent_at is not None
    assert referral.department_code == "33"
    requests = referral.requests
    assert sorted(r.carer_id for r in requests) == sorted(chosen)
    for request in requests:
        assert request.is_job_seeker
        assert request.consent_version == CONSENT_VERSION
        assert request.start_date == TODAY + timedelta(days=14)
        assert request.commune_insee == BORDEAUX
        assert request.outcome == ContactOutcome.NEW
    kinds = sorted(m.kind.value for m in session.scalars(select(OutboxMessage)))
    # Each carer told, the parent acknowledged for each request, as for her own requests.
    assert kinds == sorted([MessageKind.CONTACT_TO_CARER.value] * 2
                           + [MessageKind.CONTACT_ACKNOWLEDGEMENT.value] * 2)  # fmt: skip
    assert "parent_referral" in list(session.scalars(select(AuditLog.action)))

    assert "2 demandes envoyées pour Sarah Benali." in panel.html("/admin/referral/")
    # Then the list itself: her two requests.
    assert panel.html("/admin/referral/").count("Sarah Benali") == 2
    signed = requests[0]
    response = panel.post(f"/admin/referral/edit/?id={signed.id}", {"outcome": "contract_signed"})
    assert response.status_code == 302
    session.refresh(signed)
    assert signed.outcome == ContactOutcome.CONTRACT_SIGNED
    assert signed.outcome_on == TODAY
    assert signed.handled_by_id == world.coordinator_33.id

    figures = intermediation.section(session, departments=("33",))
    assert figures.parents_helped == 1
    assert dict(figures.requests) == {
        ContactOutcome.NEW: 1, ContactOutcome.CONTACTED: 0,
        ContactOutcome.CONTRACT_SIGNED: 1, ContactOutcome.NO_MATCH: 0,
    }  # fmt: skip
    assert figures.contract_days == [0]
    assert figures.contract_days_median == 0
    assert (figures.job_seeker_parents, figures.job_seeker_parents_found) >= (1, 1)
    assert intermediation.parents_helped(session, departments=("24",)) == 0
    page = panel.html("/admin/indicators/")
    assert "Parents mis en relation par une conseillère : 1" in page
    csv = panel.get("/admin/indicators/export.csv").get_data(as_text=True)
    assert "Mises en relation accompagnées;Parents accompagnés;nombre;1" in csv


def test_job_seeker_parents_count_each_parent_once(session, world):
    """Parents' own requests: one parent per email (case aside), else per phone; a referral is
    one parent whatever its requests."""
    carer = world.approved_33.carer
    base = {
        "carer": carer, "commune_insee": BORDEAUX,
        "child_birth_date": TODAY - timedelta(days=300), "start_date": TODAY + timedelta(days=10),
        "consent_at": world.request_24.consent_at, "consent_version": "2026-01",
        "is_job_seeker": True,
    }  # fmt: skip
    session.add_all([
        ContactRequest(parent_name="A", email="a@example.org", **base),
        ContactRequest(parent_name="A", email="A@Example.org", **base,
                       outcome=ContactOutcome.CONTRACT_SIGNED, outcome_on=TODAY),
        ContactRequest(parent_name="B", phone="0612345678", **base),
        ContactRequest(parent_name="C", email="c@example.org", **{**base, "is_job_seeker": False}),
    ])  # fmt: skip
    session.commit()
    assert intermediation.job_seeker_parents(session, departments=("33",)) == (2, 1)
    assert intermediation.job_seeker_parents(session, departments=("24",)) == (0, 0)
    assert intermediation.job_seeker_parents(session, departments=None) == (2, 1)


def test_the_list_opens_on_her_own_and_is_scoped(panel, world, session):
    carers = _carers(session, 1)
    panel.sign_in(world.coordinator_33)
    sent = {**SEARCH, **PARENT, "carer_ids": [carers[0].id], "consent": "y"}
    assert panel.post("/admin/referral/nouvelle/", sent).status_code == 302
    from onboarding.pathway.models import Role
    from tests import builders

    colleague = builders.make_staff(session, "coll33@example.org", Role.COORDINATOR, "33")
    session.commit()
    panel.auth.logout()
    panel.sign_in(colleague)
    assert "Sarah Benali" not in panel.html("/admin/referral/")
    team = panel.html("/admin/referral/?flt0_0=all")
    assert "Sarah Benali" in team
    panel.auth.logout()
    panel.sign_in(world.coordinator_24)
    assert "Sarah Benali" not in panel.html("/admin/referral/?flt0_0=all")
    referred = ContactRequest.referral_id.is_not(None)
    request = session.scalars(select(ContactRequest).where(referred)).one()
    assert panel.get(f"/admin/referral/details/?id={request.id}").status_code == 404


def test_a_parent_of_another_departement_is_refused(panel, world, session):
    carers = _carers(session, 1)
    panel.sign_in(world.coordinator_24)
    sent = {**SEARCH, **PARENT, "carer_ids": [carers[0].id], "consent": "y"}
    response = panel.post("/admin/referral/nouvelle/", sent)
    assert "La commune du parent n'est pas dans vos départements." in text(response)
    assert _count(session, ParentReferral) == 0
    assert PERIGUEUX


def test_a_partner_may_not_refer(panel, world, session):
    panel.sign_in(world.partner_33)
    assert panel.get("/admin/referral/nouvelle/").status_code == 403


def test_indicators_compute_with_the_section(session):
    result = indicators.compute(session, departments=None, today=TODAY)
    assert result.intermediation.parents_helped == 0
    assert result.intermediation.contract_days_median is None


def test_the_purge_deletes_a_referral_with_its_requests_after_six_months(runner, world, session):
    from datetime import UTC, datetime

    carer = world.approved_33.carer
    at = datetime(2025, 6, 1, 10, tzinfo=UTC)
    old = ParentReferral(
        adviser=world.coordinator_33, parent_name="Ancienne", email="a@example.org",
        commune_insee=BORDEAUX, consent_at=at, consent_version=CONSENT_VERSION, created_at=at,
    )  # fmt: skip
    recent = ParentReferral(
        adviser=world.coordinator_33, parent_name="Récente", email="r@example.org",
        commune_insee=BORDEAUX, consent_at=at, consent_version=CONSENT_VERSION,
        created_at=datetime(2026, 3, 1, 10, tzinfo=UTC),
    )  # fmt: skip
    for referral in (old, recent):
        session.add(ContactRequest(
            carer=carer, referral=referral, parent_name=referral.parent_name,
            email=referral.email, commune_insee=BORDEAUX, child_birth_date=TODAY,
            start_date=TODAY + timedelta(days=30), consent_at=at,
            consent_version=CONSENT_VERSION, created_at=referral.created_at,
        ))  # fmt: skip
    session.commit()
    old_id = old.id
    result = runner.invoke(args=["purge", "--wet-run"])
    assert result.exit_code == 0, result.output
    assert "parent_referrals" in result.output
    session.expire_all()
    assert session.get(ParentReferral, old_id) is None
    assert [r.parent_name for r in session.scalars(select(ParentReferral))] == ["Récente"]
    remaining = session.scalars(select(ContactRequest.parent_name).where(
        ContactRequest.referral_id.is_not(None))).all()  # fmt: skip
    assert remaining == ["Récente"]
