"""Every print and export route of the panel, as a partner and as a coordinator of the same
département: the one rule (onboarding/pathway/outputs.py) decides, a partner gets 200 for one
document or the aggregates and 403 for the rest, with nothing written; the coordinator gets
every one. The table is checked against the app's routes, so a new print or export route that
is not in it fails here."""

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from onboarding.extensions import db
from onboarding.pathway import clock, immersion
from onboarding.pathway.base import Model
from onboarding.pathway.carers import PUBLICATION_CONSENT_VERSION
from onboarding.pathway.models import ActivityKind, Role, StaffUser
from onboarding.pathway.outputs import READ_ONLY_OUTPUTS, Output, may_take_out
from tests import builders
from tests.admin.conftest import World


@dataclass(frozen=True)
class Route:
    rule: str  # as in the app's URL map
    output: Output
    method: str
    url: object  # World → the URL to ask
    data: dict | None = None


def _candidate(w: World) -> int:
    return w.candidate_33.id


EXPORTABLE_VIEWS = ("candidate", "activity", "enrollment", "dossier_item", "decision", "carer",
                    "vacancy", "contact_request", "mam", "referral")  # fmt: skip


def _list_export(view: str, kind: str) -> Route:
    url = f"/admin/{view}/export/{kind}/"
    return Route(f"/admin/{view}/export/<export_type>/", Output.LIST_EXPORT, "GET", lambda w: url)


LIST_EXPORTS = [_list_export(v, kind) for v in EXPORTABLE_VIEWS for kind in ("csv", "xlsx")]
ROUTES = [
    Route("/admin/candidate/documents/<int:candidate_id>/attestation-presence.pdf",
          Output.DOCUMENT, "GET",
          lambda w: f"/admin/candidate/documents/{_candidate(w)}/attestation-presence.pdf"),
    Route("/admin/candidate/documents/<int:candidate_id>/livret-parcours.pdf",
          Output.DOCUMENT, "GET",
          lambda w: f"/admin/candidate/documents/{_candidate(w)}/livret-parcours.pdf"),
    Route("/admin/candidate/documents/<int:candidate_id>/attestation-fin-parcours.pdf",
          Output.DOCUMENT, "GET",
          lambda w: f"/admin/candidate/documents/{_candidate(w)}/attestation-fin-parcours.pdf"),
    Route("/admin/activity/documents/<int:activity_id>/feuille-emargement.pdf",
          Output.DOCUMENT, "GET",
          lambda w: f"/admin/activity/documents/{w.past_activity_33.id}/feuille-emargement.pdf"),
    Route("/admin/candidate/<int:candidate_id>/convention/<int:convention_id>/convention-pmsmp.pdf",
          Output.DOCUMENT, "GET",
          lambda w: f"/admin/candidate/{_candidate(w)}/convention/"
                    f"{w.candidate_33.conventions[0].id}/convention-pmsmp.pdf"),
    Route("/admin/carer/documents/<int:carer_id>/disponibilites.pdf", Output.DOCUMENT, "GET",
          lambda w: f"/admin/carer/documents/{w.approved_33.carer.id}/disponibilites.pdf"),
    Route("/admin/indicators/export.csv", Output.AGGREGATES, "GET",
          lambda w: "/admin/indicators/export.csv"),
    Route("/admin/indicators/rapport.pdf", Output.AGGREGATES, "GET",
          lambda w: "/admin/indicators/rapport.pdf"),
    Route("/admin/activity/documents/<int:activity_id>/attestations-presence.pdf",
          Output.BUNDLE, "GET",
          lambda w: f"/admin/activity/documents/{w.past_activity_33.id}/attestations-presence.pdf"),
    # The candidate list's bulk action "Imprimer les attestations de présence (un PDF)".
    Route("/admin/candidate/action/", Output.BUNDLE, "POST", lambda w: "/admin/candidate/action/",
          {"action": "attestations", "rowid": "candidate"}),
    Route("/admin/candidate/personal-data/<int:candidate_id>/export.json",
          Output.PERSONAL_DATA, "POST",
          lambda w: f"/admin/candidate/personal-data/{_candidate(w)}/export.json"),
    Route("/admin/candidate/access-link/<int:candidate_id>/print", Output.ACCESS_LETTER, "POST",
          lambda w: f"/admin/candidate/access-link/{_candidate(w)}/print"),
    Route("/admin/carer/invite/<int:carer_id>/print", Output.ACCESS_LETTER, "POST",
          lambda w: f"/admin/carer/invite/{w.approved_33.carer.id}/print"),
    *LIST_EXPORTS,
]  # fmt: skip

# What prints or exports in the URL map: a file name, an export, a print.
PRINT_OR_EXPORT = re.compile(r"\.(pdf|csv|json|xlsx)$|/export/|/print$")


def test_the_table_holds_every_print_and_export_route(app):
    found = {
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/admin/") and PRINT_OR_EXPORT.search(rule.rule)
    }
    listed = {route.rule for route in ROUTES}
    # Staff, steps, the journal and the outbox are for admins alone; the last two export nothing.
    admins_only = {
        f"/admin/{v}/export/<export_type>/"
        for v in ("staff_user", "pathway_step", "audit_log", "outbox")
    }
    assert found - admins_only == listed - {"/admin/candidate/action/"}


@pytest.fixture
def printable_world(world, session) -> World:
    """Every output has content: the past activity attended by two Gironde candidates, the
    pathway's one mandatory step done, the Gironde carer's profile published."""
    builders.attend(session, world.candidate_33, world.past_activity_33, hours="2")
    builders.attend(session, world.approved_33, world.past_activity_33)
    step = builders.make_step(session, ActivityKind.COACHING, title="Atelier collectif")
    workshop = builders.make_activity(session, step, on=builders.TODAY - timedelta(days=1))
    builders.attend(session, world.candidate_33, workshop, hours="2")
    carer = world.approved_33.carer
    carer.publication_consent_at = clock.now()
    carer.publication_consent_version = PUBLICATION_CONSENT_VERSION
    carer.is_published = True
    immersion.create_convention(
        session, world.candidate_33, host_name="MAM Les Lucioles", host_siret="73282932000074",
        host_tutor="Nadia Benali", host_address="3 rue des Lilas, Bordeaux",
        prescriber="France Travail Bordeaux", purpose="discover",
        starts_on=builders.TODAY - timedelta(days=20), ends_on=builders.TODAY - timedelta(days=18),
    )  # fmt: skip
    session.commit()
    return world


def _row_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in Model.metadata.sorted_tables
        if table.name not in {"commune", "commune_postcode"}
    }


def _request(world: World, route: Route) -> tuple[str, dict]:
    data = dict(route.data or {})
    if data.get("rowid") == "candidate":
        data["rowid"] = str(world.candidate_33.id)
    return route.url(world), data


def _ask(panel, route: Route, url: str, data: dict):
    return panel.get(url) if route.method == "GET" else panel.post(url, data)


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.output.value} {r.rule}")
def test_a_partner_prints_one_document_or_the_aggregates_and_nothing_more(
    panel, printable_world, route
):
    world = printable_world
    panel.sign_in(world.partner_33)
    url, data = _request(world, route)
    db.session.remove()
    before = _row_counts()

    response = _ask(panel, route, url, data)

    if route.output in READ_ONLY_OUTPUTS:
        assert response.status_code == 200, response.status_code
        assert response.headers["Content-Disposition"].startswith("attachment")
    else:
        assert response.status_code == 403
        assert "Accès refusé" in response.get_data(as_text=True)
        db.session.remove()
        assert _row_counts() == before


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.output.value} {r.rule}")
def test_a_coordinator_in_scope_takes_every_output(panel, printable_world, route):
    panel.sign_in(printable_world.coordinator_33)

    response = _ask(panel, route, *_request(printable_world, route))

    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Disposition"].startswith("attachment")


def test_the_rule_itself():
    partner, coordinator, admin = (StaffUser(role=role) for role in
                                   (Role.PARTNER, Role.COORDINATOR, Role.ADMIN))  # fmt: skip
    assert {o for o in Output if may_take_out(partner, o)} == {Output.DOCUMENT, Output.AGGREGATES}
    assert all(may_take_out(coordinator, o) and may_take_out(admin, o) for o in Output)


def test_the_activity_page_offers_a_partner_no_bundle(panel, printable_world):
    world = printable_world
    bundle = f"/admin/activity/documents/{world.past_activity_33.id}/attestations-presence.pdf"
    sheet = f"/admin/activity/documents/{world.past_activity_33.id}/feuille-emargement.pdf"
    panel.sign_in(world.partner_33)
    page = panel.html(f"/admin/activity/details/?id={world.past_activity_33.id}")
    assert sheet in page
    assert bundle not in page
    panel.auth.logout()
    panel.sign_in(world.coordinator_33)
    assert bundle in panel.html(f"/admin/activity/details/?id={world.past_activity_33.id}")
