"""From the panel: export everything held on one candidate, anonymise her; coordinators in scope
and admins only, partners refused, every use written to the audit log."""

import json

from sqlalchemy import select

from onboarding.pathway.models import AuditLog, Candidate
from tests.admin.conftest import text


def _entries(session, action):
    return session.scalars(select(AuditLog).where(AuditLog.action == action)).all()


def test_coordinator_exports_a_candidate_in_scope_as_json(panel, world, session):
    panel.sign_in(world.coordinator_33)
    candidate = world.candidate_33
    page = panel.html(f"/admin/candidate/details/?id={candidate.id}")
    assert "Exporter tout (JSON)" in page

    response = panel.post(f"/admin/candidate/personal-data/{candidate.id}/export.json")

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["candidate"]["last_name"] == "Girondine"
    [entry] = _entries(session, "export_personal_data")
    assert entry.object_id == str(candidate.id)
    assert entry.actor_id == world.coordinator_33.id


def test_coordinator_anonymises_a_candidate_and_it_is_audited(panel, world, session):
    panel.sign_in(world.coordinator_33)
    candidate_id = world.candidate_33.id

    response = panel.post(f"/admin/candidate/personal-data/{candidate_id}/anonymise")

    assert response.status_code == 302
    session.expire_all()
    candidate = session.get(Candidate, candidate_id)
    assert candidate.anonymised_at is not None
    assert candidate.last_name != "Girondine"
    [entry] = _entries(session, "anonymise")
    assert entry.actor_id == world.coordinator_33.id
    page = panel.html(f"/admin/candidate/details/?id={candidate_id}")
    assert "Anonymisée le" in page
    assert "Girondine" not in page
    # A second time is refused in French and changes nothing.
    panel.post(f"/admin/candidate/personal-data/{candidate_id}/anonymise")
    assert "déjà anonymisée" in text(panel.get(f"/admin/candidate/details/?id={candidate_id}"))
    assert len(_entries(session, "anonymise")) == 1


def test_admin_may_do_both_anywhere(panel, world, session):
    panel.sign_in(world.admin)
    url = f"/admin/candidate/personal-data/{world.candidate_24.id}"
    assert panel.post(f"{url}/export.json").status_code == 200
    assert panel.post(f"{url}/anonymise").status_code == 302


def test_partner_is_refused_and_nothing_happens(panel, world, session):
    panel.sign_in(world.partner_33)
    candidate = world.candidate_33
    page = panel.html(f"/admin/candidate/details/?id={candidate.id}")
    assert "Exporter tout" not in page
    assert "Anonymiser" not in page
    url = f"/admin/candidate/personal-data/{candidate.id}"
    assert panel.post(f"{url}/export.json").status_code == 403
    assert panel.post(f"{url}/anonymise").status_code == 403
    session.expire_all()
    assert session.get(Candidate, candidate.id).anonymised_at is None
    assert _entries(session, "export_personal_data") == []
    assert _entries(session, "anonymise") == []


def test_coordinator_of_another_departement_gets_not_found(panel, world, session):
    panel.sign_in(world.coordinator_24)
    url = f"/admin/candidate/personal-data/{world.candidate_33.id}"
    assert panel.post(f"{url}/export.json").status_code == 404
    assert panel.post(f"{url}/anonymise").status_code == 404
    assert _entries(session, "anonymise") == []


def test_without_csrf_token_nothing_happens(panel, world, session):
    panel.sign_in(world.coordinator_33)
    url = f"/admin/candidate/personal-data/{world.candidate_33.id}"
    assert panel.client.post(f"{url}/anonymise").status_code == 400
    assert panel.client.post(f"{url}/export.json").status_code == 400
    assert _entries(session, "anonymise") == []


def test_anonymous_visitor_is_sent_to_sign_in(client, world):
    response = client.post(f"/admin/candidate/personal-data/{world.candidate_33.id}/anonymise")
    assert response.status_code == 400
    assert world.candidate_33.anonymised_at is None
