"""The journal (audit log) shows each action by its French label and filters by it."""

from onboarding.pathway import audit
from onboarding.pathway.models import AuditAction
from tests.admin.conftest import text


def _action_filter(app) -> str:
    view = next(v for v in app.extensions["onboarding_admin"]._views if v.endpoint == "audit_log")
    index, flt = next(
        (i, f) for i, f in enumerate(view._filters) if getattr(f, "column", None) is not None
        and f.column.key == "action"
    )  # fmt: skip
    return f"flt0_{view.get_filter_arg(index, flt)}"


def test_the_journal_shows_actions_in_french_and_filters_by_them(app, panel, world, session):
    for action, object_id in ((AuditAction.ROLL_CALL, 7001), (AuditAction.CANDIDATE_EXCUSE, 7002)):
        audit.record(
            session, actor=world.admin, action=action, object_type="Activity", object_id=object_id
        )
    session.commit()
    panel.sign_in(world.admin)
    page = panel.html("/admin/audit_log/")
    assert "Relevé de présence" in page
    assert "Absence signalée par la personne" in page

    response = panel.get(f"/admin/audit_log/?{_action_filter(app)}=roll_call")
    assert response.status_code == 200
    filtered = text(response)
    assert "7001" in filtered
    assert "7002" not in filtered

    # A value outside the enumeration is ignored with a French message, not sent to the database.
    refused = text(panel.get(f"/admin/audit_log/?{_action_filter(app)}=nope"))
    assert "valeur inconnue, filtre ignoré" in refused
