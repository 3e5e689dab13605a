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


def test_every_object_and_field_the_journal_may_name_is_in_french(app, panel, world, session):
    for object_type, fields in (
        ("WaitingListEntry", ["status"]),
        ("PreRegistration", ["status"]),
        ("Candidate", ["access_nonce"]),
        ("carer", ["mam_id", "agrement_suspended_until"]),  # as the imports wrote it before 0024
        ("StaffUser", ["password", "second_factor"]),
    ):
        audit.record(
            session, actor=world.admin, action=AuditAction.UPDATE, object_type=object_type,
            object_id=1, fields=fields,
        )  # fmt: skip
    session.commit()
    panel.sign_in(world.admin)
    page = panel.html("/admin/audit_log/")
    said = (
        "Liste d'attente", "Préinscription", "Lien d'accès personnel", "MAM",
        "Agrément suspendu jusqu'au", "Mot de passe", "Double authentification",
    )  # fmt: skip
    for french in said:
        assert french in page, french
    # (The filter's data names them as stored, for the query, beside their French names.)
    table = page[page.index("<table") : page.index("</table>")]
    for raw in ("WaitingListEntry", "PreRegistration", "access_nonce", "mam_id", "second_factor"):
        assert raw not in table, raw


def test_the_journal_filters_by_object_chosen_by_its_french_name(app, panel, world, session):
    for object_type, object_id in (("Mam", 8001), ("Activity", 8002)):
        audit.record(
            session, actor=world.admin, action=AuditAction.UPDATE, object_type=object_type,
            object_id=object_id,
        )  # fmt: skip
    session.commit()
    view = next(v for v in app.extensions["onboarding_admin"]._views if v.endpoint == "audit_log")
    index, flt = next(
        (i, f) for i, f in enumerate(view._filters) if f.column.key == "object_type"
    )  # fmt: skip
    panel.sign_in(world.admin)
    # The filter's options are the objects' French names.
    assert '["Mam", "MAM"]' in panel.get("/admin/audit_log/").get_data(as_text=True)
    filtered = panel.html(f"/admin/audit_log/?flt0_{view.get_filter_arg(index, flt)}=Mam")
    assert "8001" in filtered
    assert "8002" not in filtered


def test_every_attribute_of_every_model_has_a_french_label():
    """What a journal line, a form or a list may name: a new column without its label fails."""
    from onboarding.admin.wording import LABELS, OBJECT_NAMES
    from onboarding.pathway.base import Model

    unlabelled = {
        f"{mapper.class_.__name__}.{attribute.key}"
        for mapper in Model.registry.mappers
        for attribute in mapper.attrs
        if attribute.key not in LABELS
    }
    assert unlabelled == set()
    assert {mapper.class_.__name__ for mapper in Model.registry.mappers} <= set(OBJECT_NAMES)
