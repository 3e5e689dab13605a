"""Every page of the panel passes axe-core in Chromium with no serious or critical violation:
the frame (header, navigation, footer), Flask-Admin's lists and forms, and our own screens."""

import pytest

from tests.browser.conftest import assert_accessible, axe_violations
from tests.browser.panel.conftest import sign_in

# (name, URL); {candidate}, {activity}, {past_activity}, {carer}, {request}, {approved} are the
# world's ids.
PANEL_PAGES = [
    ("dashboard", "/admin/"),
    ("candidate list", "/admin/candidate/"),
    ("candidate list filtered and searched", "/admin/candidate/?search=Girondine&flt0_0=33"),
    ("candidate page", "/admin/candidate/details/?id={candidate}"),
    ("candidate edit", "/admin/candidate/edit/?id={candidate}"),
    ("candidate create", "/admin/candidate/new/"),
    ("activity list", "/admin/activity/"),
    ("activity page (roll call)", "/admin/activity/details/?id={past_activity}"),
    ("activity page (enrolment)", "/admin/activity/details/?id={activity}"),
    ("activity edit", "/admin/activity/edit/?id={activity}"),
    ("activity create", "/admin/activity/new/"),
    ("enrolment list", "/admin/enrollment/"),
    ("enrolment create", "/admin/enrollment/new/"),
    ("dossier piece list", "/admin/dossier_item/"),
    ("decision list", "/admin/decision/"),
    ("carer list", "/admin/carer/"),
    ("carer details", "/admin/carer/details/?id={carer}"),
    ("carer edit", "/admin/carer/edit/?id={carer}"),
    ("vacancy list", "/admin/vacancy/"),
    ("vacancy create", "/admin/vacancy/new/"),
    ("contact request list", "/admin/contact_request/"),
    ("contact request details", "/admin/contact_request/details/?id={request}"),
    ("staff list", "/admin/staff_user/"),
    ("staff create", "/admin/staff_user/new/"),
    ("pathway steps", "/admin/pathway_step/"),
    ("audit log", "/admin/audit_log/"),
    ("indicators", "/admin/indicators/"),
    ("bulk enrol", "/admin/candidate/bulk/enrol/?ids={candidate},{approved}"),
    ("bulk withdraw", "/admin/candidate/bulk/withdraw/?ids={candidate}"),
]


def _ids(world) -> dict:
    return {
        "candidate": world.candidate_33.id,
        "approved": world.approved_33.id,
        "activity": world.activity_33.id,
        "past_activity": world.past_activity_33.id,
        "carer": world.carer_24.id,
        "request": world.request_24.id,
    }


@pytest.mark.parametrize("path", [path for _, path in PANEL_PAGES], ids=[n for n, _ in PANEL_PAGES])
def test_panel_page_passes_axe(admin_page, world, path):
    response = admin_page.goto(path.format(**_ids(world)))
    assert response.status == 200, path
    assert admin_page.url.endswith(path.format(**_ids(world))), f"{path} led to {admin_page.url}"
    admin_page.wait_for_load_state("load")
    assert admin_page.locator("html").get_attribute("lang") == "fr"
    assert admin_page.locator("main").count() == 1
    assert admin_page.locator("h1").count() == 1
    assert_accessible(admin_page)


@pytest.mark.parametrize("path", ["/auth/login", "/auth/logout"])
def test_sign_in_pages_pass_axe(page, world, path):
    if path == "/auth/logout":
        sign_in(page, world.coordinator_33.email)
    assert page.goto(path).status == 200
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("main h1").count() == 1
    assert_accessible(page)


def test_the_audit_fails_on_an_unlabelled_row_checkbox(admin_page, world):
    """The audit can fail: without its label, a list's selection checkbox is reported."""
    admin_page.goto("/admin/candidate/")
    assert admin_page.url.endswith("/admin/candidate/")
    assert admin_page.locator("label[for^=rowid-]").count() >= 2
    admin_page.evaluate(
        "() => document.querySelectorAll('label[for^=rowid-]').forEach(l => l.remove())"
    )
    assert "label" in {violation["id"] for violation in axe_violations(admin_page)}
