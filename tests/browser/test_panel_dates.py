"""Typing "01/12/2026" into every date field of every panel form, in Chromium, stores
1 December 2026 (Flask-Admin's picker once stored 2001-12-20)."""

from datetime import date

import pytest
from sqlalchemy import select

from onboarding.admin.base import StaffModelView
from onboarding.extensions import db
from onboarding.pathway import clock
from onboarding.pathway.base import utcnow
from onboarding.pathway.models import (
    ActivityKind,
    CandidateStatus,
    ContactRequest,
    DossierItem,
    Mam,
    Role,
)
from tests import builders

TYPED = "01/12/2026"
DECEMBER_1 = date(2026, 12, 1)
# Date inputs carry their expected format, tied to them by aria-describedby.
DATE_INPUTS = "input[aria-describedby$='-format']"
# What some forms need beside the date for it to be kept.
BEFORE_SAVING = {
    "dossier_item": lambda page: page.select_option("select[name=status]", "received", force=True)
}
# At least these must have been found: the test cannot pass by finding nothing.
KNOWN = {
    ("candidate", "birth_date"),
    ("candidate", "referred_on"),
    ("activity", "date"),
    ("dossier_item", "received_on"),
}


@pytest.fixture
def panel_world(app, session):
    builders.make_staff(session, "admin@example.org", Role.ADMIN, full_name="Ada Admin")
    step = builders.make_step(session, ActivityKind.INFORMATION, mandatory=False)
    referred = builders.make_candidate(session, CandidateStatus.REFERRED, last_name="Orientée")
    in_pathway = builders.make_candidate(session, CandidateStatus.IN_PATHWAY, last_name="Enchemin")
    evaluated = builders.make_candidate(
        session, CandidateStatus.UNDER_EVALUATION, last_name="Évaluée"
    )
    leaving = builders.make_candidate(session, CandidateStatus.IN_PATHWAY, last_name="Partante")
    approved = builders.make_candidate(session, CandidateStatus.APPROVED, last_name="Agréée")
    builders.make_activity(session, step, on=builders.TODAY)
    session.add(
        ContactRequest(
            carer=approved.carer, parent_name="Julie Parent", email="julie@example.org",
            commune_insee=approved.carer.commune_insee, child_birth_date=date(2025, 9, 1),
            start_date=date(2026, 5, 1), consent_at=utcnow(), consent_version="2026-01",
        )
    )  # fmt: skip
    session.add(Mam(name="MAM Les Lucioles", address="2 rue des Écoles",
                    commune_insee=approved.carer.commune_insee))  # fmt: skip
    session.commit()
    # 1 December 2026 is then in the past: the domain's own rules accept it everywhere.
    with clock.frozen(date(2026, 12, 20)):
        yield {"referred": referred, "in_pathway": in_pathway, "evaluated": evaluated,
               "leaving": leaving}  # fmt: skip


def _sign_in(page):
    page.goto("/auth/login")
    page.fill("input[name=email]", "admin@example.org")
    page.fill("input[name=password]", builders.PASSWORD)
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_url("**/admin/")


def _type_date(page, selector: str) -> None:
    field = page.locator(selector)
    field.click()
    field.press("Control+A")
    field.press("Delete")
    field.press_sequentially(TYPED)


def _date_inputs(page) -> list[str]:
    return page.locator(DATE_INPUTS).evaluate_all(
        "inputs => inputs.filter(i => document.getElementById("
        "i.getAttribute('aria-describedby').split(' ').pop()).textContent.includes('JJ/MM/AAAA'))"
        ".map(i => i.name)"
    )


def _model_views(app):
    admin = app.extensions["onboarding_admin"]
    return [view for view in admin._views if isinstance(view, StaffModelView)]


def test_every_date_field_of_every_model_form_stores_the_day_typed(page, panel_world, app):
    session = db.session
    _sign_in(page)
    checked = set()
    for view in _model_views(app):
        if view.allows_create:
            page.goto(f"/admin/{view.endpoint}/new/")
            created = set(_date_inputs(page))
        else:
            created = set()
        if not view.allows_edit:
            assert not created
            continue
        row = session.scalars(select(view.model).order_by(view.model.id)).first()
        assert row is not None, f"no {view.model.__name__} to edit"
        page.goto(f"/admin/{view.endpoint}/edit/?id={row.id}")
        names = _date_inputs(page)
        # A creation form asks for no date that editing would not show (and so check).
        assert created <= set(names), (view.endpoint, created, names)
        for name in names:
            page.goto(f"/admin/{view.endpoint}/edit/?id={row.id}")
            BEFORE_SAVING.get(view.endpoint, lambda page: None)(page)
            _type_date(page, f"input[name='{name}']")
            page.get_by_role("button", name="Enregistrer", exact=True).click()
            page.wait_for_load_state("load")
            assert "/edit/" not in page.url, (view.endpoint, name, page.inner_text("body"))
            session.expire_all()
            assert getattr(session.get(view.model, row.id), name) == DECEMBER_1, (
                view.endpoint, name,
            )  # fmt: skip
            checked.add((view.endpoint, name))
    assert checked >= KNOWN, checked


def test_transition_and_bulk_dates_are_the_day_typed(page, panel_world):
    session = db.session
    _sign_in(page)
    # The candidate page's transitions, each date field in its own form.
    cases = [
        (panel_world["in_pathway"], "withdraw", "on"),
        (panel_world["evaluated"], "refuse", "decided_on"),
    ]
    for candidate, transition, name in cases:
        page.goto(f"/admin/candidate/details/?id={candidate.id}")
        form = page.locator(f"form[action$='/transition/{candidate.id}/{transition}']")
        form.locator("xpath=ancestor::details").locator("summary").click()
        _type_date(page, f"#{transition}-{name}")
        if transition == "withdraw":
            form.locator("select[name=withdrawal_reason]").select_option("moved", force=True)
        else:
            form.locator("textarea[name=reason]").fill("Logement non adapté à l'accueil.")
        form.locator("button[type=submit]").click()
        page.wait_for_load_state("load")
        session.expire_all()
        log = session.get(type(candidate), candidate.id).transitions[-1]
        assert (log.name, log.effective_on) == (transition, DECEMBER_1), page.inner_text("body")

    leaving = panel_world["leaving"]
    page.goto(f"/admin/candidate/bulk/withdraw/?ids={leaving.id}")
    _type_date(page, "input[name=on]")
    page.select_option("select[name=withdrawal_reason]", "moved", force=True)
    page.get_by_role("button", name="Sortir du parcours").click()
    page.wait_for_load_state("load")
    session.expire_all()
    log = session.get(type(leaving), leaving.id).transitions[-1]
    assert (log.name, log.effective_on) == ("withdraw", DECEMBER_1)


def test_the_dossier_piece_form_works_without_javascript(browser, live_server, panel_world):
    context = browser.new_context(base_url=live_server, locale="en-US", java_script_enabled=False)
    page = context.new_page()
    try:
        _sign_in(page)
        item = db.session.scalars(select(DossierItem).order_by(DossierItem.id)).first()
        page.goto(f"/admin/dossier_item/edit/?id={item.id}")
        page.select_option("select[name=status]", "received", force=True)
        _type_date(page, "input[name=received_on]")
        page.get_by_role("button", name="Enregistrer", exact=True).click()
        page.wait_for_url("**/admin/dossier_item/**")
        page.wait_for_load_state("load")
        assert "/edit/" not in page.url
        db.session.expire_all()
        assert db.session.get(DossierItem, item.id).received_on == DECEMBER_1
    finally:
        context.close()


def test_the_lookups_speak_french(page, panel_world):
    """Flask-Admin's select2 lookups (the commune, the coordinator) answer in French."""
    _sign_in(page)
    page.goto("/admin/candidate/new/")
    page.locator(".select2-container").first.wait_for()
    said = page.evaluate(
        "() => [jQuery.fn.select2.defaults.formatNoMatches(),"
        " jQuery.fn.select2.defaults.formatSearching(),"
        " jQuery.fn.select2.defaults.formatInputTooShort('b', 3)]"
    )
    assert said == ["Aucun résultat", "Recherche…", "Tapez encore 2 caractères"]
    # The commune lookup, opened and typed into, says so in French.
    page.locator("#s2id_commune").click()
    page.keyboard.type("zzzzzz")
    page.locator("li.select2-no-results", has_text="Aucun résultat").wait_for()
    page.keyboard.press("Escape")
    page.wait_for_load_state("networkidle")
