"""Who may reach what in the panel: anonymous, partner (read-only), coordinator (own
départements), admin (everything, and alone staff and pathway steps)."""

from urllib.parse import urlparse

import pytest

SCOPED_VIEWS = ("candidate", "activity", "enrollment", "dossier_item", "decision", "carer",
                "vacancy", "contact_request")  # fmt: skip
ADMIN_VIEWS = ("staff_user", "pathway_step", "audit_log")
ALL_VIEWS = SCOPED_VIEWS + ADMIN_VIEWS


ANONYMOUS_URLS = ["/admin/"] + [
    f"/admin/{view}/{suffix}"
    for view in ALL_VIEWS
    for suffix in ("", "new/", "edit/?id=1", "details/?id=1", "export/csv/", "ajax/lookup/?name=x")
]


@pytest.mark.parametrize("url", ANONYMOUS_URLS)
def test_anonymous_is_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert urlparse(response.location).path == "/auth/login"


@pytest.mark.parametrize("view", ALL_VIEWS)
def test_anonymous_post_changes_nothing(client, world, session, view):
    for path in ("new/", "delete/", "action/"):
        response = client.post(f"/admin/{view}/{path}", data={"id": "1", "rowid": "1"})
        assert response.status_code in (302, 400)
    from onboarding.pathway.models import AuditLog

    assert session.query(AuditLog).count() == 0


def _ids(world):
    return {
        "candidate": (world.candidate_33.id, world.candidate_24.id),
        "activity": (world.activity_33.id, world.activity_24.id),
        "carer": (world.approved_33.carer.id, world.carer_24.id),
        "contact_request": (None, world.request_24.id),
        "decision": (world.approved_33.decisions[0].id, world.approved_24.decisions[0].id),
        "dossier_item": (
            world.candidate_33.dossier_items[0].id,
            world.candidate_24.dossier_items[0].id,
        ),
        "vacancy": (None, None),
        "enrollment": (None, None),
    }  # fmt: skip


@pytest.mark.parametrize("view", ["candidate", "activity", "carer", "contact_request",
                                  "decision", "dossier_item"])  # fmt: skip
def test_coordinator_cannot_read_or_edit_another_departement_by_guessing_ids(panel, world, view):
    panel.sign_in(world.coordinator_33)
    other = _ids(world)[view][1]
    assert panel.get(f"/admin/{view}/details/?id={other}").status_code == 404
    assert panel.get(f"/admin/{view}/edit/?id={other}").status_code in (404, 302)
    response = panel.post(f"/admin/{view}/edit/?id={other}", {"note": "x", "outcome": "no_match"})
    assert response.status_code in (404, 302)
    assert panel.get(f"/admin/{view}/details/?id=not-a-number").status_code == 404


def test_coordinator_edit_of_another_departement_changes_nothing(panel, world, session):
    panel.sign_in(world.coordinator_33)
    response = panel.post(
        f"/admin/contact_request/edit/?id={world.request_24.id}", {"outcome": "no_match"}
    )
    assert response.status_code == 404
    session.refresh(world.request_24)
    assert world.request_24.outcome.value == "new"


def test_coordinator_lists_and_exports_only_their_departements(panel, world):
    panel.sign_in(world.coordinator_33)
    listing = panel.html("/admin/candidate/")
    assert "Girondine" in listing
    assert "Périgord" not in listing
    exported = panel.get("/admin/candidate/export/csv/").get_data(as_text=True)
    assert "Girondine" in exported
    assert "Périgord" not in exported
    assert "Dordogne" not in exported
    activities = panel.html("/admin/activity/")
    assert f"/admin/activity/details/?id={world.activity_33.id}" in activities
    assert f"/admin/activity/details/?id={world.activity_24.id}" not in activities
    requests = panel.html("/admin/contact_request/")
    assert requests.count("Julie Parent") == 1


def test_coordinator_ajax_lookups_offer_only_their_departements(panel, world):
    panel.sign_in(world.coordinator_33)
    communes = panel.get("/admin/candidate/ajax/lookup/?name=commune&query=peri").json
    names = [label for _, label in communes]
    assert names, "Périgueux-like names exist in 33 too? the lookup must still answer"
    assert all("(24" not in label for label in names)
    bordeaux = panel.get("/admin/candidate/ajax/lookup/?name=commune&query=bordeaux").json
    assert any(code == "33063" for code, _ in bordeaux)
    staff = panel.get("/admin/candidate/ajax/lookup/?name=coordinator&query=coord").json
    emails = " ".join(label for _, label in staff)
    assert "coord33" in emails
    assert "coord24" not in emails
    assert panel.get("/admin/candidate/ajax/lookup/?name=nope&query=x").status_code == 404


def test_the_coordinator_filter_names_the_staff_of_the_users_departements_only(panel, auth, world):
    """The list's "Coordinateur" filter offers the admins and the staff of her départements,
    not every coordinator in the country."""
    panel.sign_in(world.coordinator_33)
    listing = panel.html("/admin/candidate/")
    assert "coord33@example.org" in listing
    assert "Ada Admin" in listing
    assert "coord24@example.org" not in listing
    assert "partner33@example.org" not in listing
    auth.logout()
    panel.sign_in(world.admin)
    assert "coord24@example.org" in panel.html("/admin/candidate/")


def test_coordinator_action_on_another_departement_is_refused_row_by_row(panel, world, session):
    panel.sign_in(world.coordinator_33)
    response = panel.post(
        "/admin/candidate/bulk/withdraw/",
        {"ids": f"{world.candidate_33.id},{world.candidate_24.id}", "on": "2026-03-16",
         "withdrawal_reason": "moved"},
    )  # fmt: skip
    html = response.get_data(as_text=True)
    assert "1 fait" in html
    assert "hors de vos départements" in html
    session.refresh(world.candidate_24)
    assert world.candidate_24.status.value == "in_pathway"


@pytest.mark.parametrize("view", ADMIN_VIEWS)
def test_only_admins_reach_staff_steps_and_journal(panel, world, view):
    panel.sign_in(world.coordinator_33)
    assert panel.get(f"/admin/{view}/").status_code == 403
    assert panel.post(f"/admin/{view}/new/", {"email": "x@example.org"}).status_code == 403
    panel.auth.logout()
    panel.sign_in(world.admin)
    assert panel.get(f"/admin/{view}/").status_code == 200


@pytest.mark.parametrize("view", SCOPED_VIEWS)
def test_partner_reads_but_never_writes_nor_exports(panel, world, session, view):
    panel.sign_in(world.partner_33)
    assert panel.get(f"/admin/{view}/").status_code == 200
    for path in ("new/", "edit/?id=1", "export/csv/", "export/xlsx/"):
        assert panel.get(f"/admin/{view}/{path}").status_code == 403, path
    for path in ("new/", "edit/?id=1", "delete/", "action/"):
        assert panel.post(f"/admin/{view}/{path}", {"id": "1", "rowid": "1"}).status_code == 403


def test_partner_cannot_use_transitions_roll_call_or_bulk_actions(panel, world, session):
    panel.sign_in(world.partner_33)
    candidate = world.candidate_33
    assert panel.get(f"/admin/candidate/details/?id={candidate.id}").status_code == 200
    posts = [
        f"/admin/candidate/transition/{candidate.id}/withdraw",
        f"/admin/activity/roll-call/{world.past_activity_33.id}",
        f"/admin/activity/enrol/{world.activity_33.id}",
        "/admin/candidate/bulk/withdraw/",
        "/admin/candidate/bulk/enrol/",
    ]
    for url in posts:
        assert panel.post(url, {"ids": str(candidate.id), "reason": "moved"}).status_code == 403
    session.refresh(candidate)
    assert candidate.status.value == "in_pathway"


def test_admin_sees_every_departement(panel, world):
    panel.sign_in(world.admin)
    listing = panel.html("/admin/candidate/")
    assert "Girondine" in listing
    assert "Périgord" in listing
    assert panel.get(f"/admin/candidate/details/?id={world.candidate_24.id}").status_code == 200
