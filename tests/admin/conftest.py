"""A small world over two départements (33 and 24) and every role, for the panel's tests."""

import html
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from onboarding.pathway.base import utcnow
from onboarding.pathway.models import (
    Activity,
    ActivityKind,
    Candidate,
    CandidateStatus,
    Carer,
    ContactRequest,
    Role,
    StaffUser,
)
from tests import builders
from tests.conftest import built_once, csrf_token_from


@dataclass
class World:
    admin: StaffUser
    coordinator_33: StaffUser
    coordinator_24: StaffUser
    partner_33: StaffUser
    candidate_33: Candidate
    candidate_24: Candidate
    approved_33: Candidate
    approved_24: Candidate
    activity_33: Activity
    activity_24: Activity
    past_activity_33: Activity
    carer_24: Carer
    request_24: ContactRequest


def _request(session, carer: Carer) -> ContactRequest:
    request = ContactRequest(
        carer=carer,
        parent_name="Julie Parent",
        email="julie@example.org",
        commune_insee=carer.commune_insee,
        child_birth_date=date(2025, 9, 1),
        start_date=date(2026, 5, 1),
        consent_at=utcnow(),
        consent_version="2026-01",
    )
    session.add(request)
    return request


@pytest.fixture
def world(session) -> World:
    """Built through the pathway's rules once a process and database, then put back as rows
    (tests.conftest.built_once) for the next test: the same rows, the same ids."""
    ids = built_once("world", lambda: _build_world(session))
    approved_24 = session.get(Candidate, ids["approved_24"])
    return World(
        admin=session.get(StaffUser, ids["admin"]),
        coordinator_33=session.get(StaffUser, ids["coordinator_33"]),
        coordinator_24=session.get(StaffUser, ids["coordinator_24"]),
        partner_33=session.get(StaffUser, ids["partner_33"]),
        candidate_33=session.get(Candidate, ids["candidate_33"]),
        candidate_24=session.get(Candidate, ids["candidate_24"]),
        approved_33=session.get(Candidate, ids["approved_33"]),
        approved_24=approved_24,
        activity_33=session.get(Activity, ids["activity_33"]),
        activity_24=session.get(Activity, ids["activity_24"]),
        past_activity_33=session.get(Activity, ids["past_activity_33"]),
        carer_24=approved_24.carer,
        request_24=session.get(ContactRequest, ids["request_24"]),
    )


def _build_world(session) -> dict[str, int]:
    admin = builders.make_staff(session, "admin@example.org", Role.ADMIN, full_name="Ada Admin")
    coordinator_33 = builders.make_staff(session, "coord33@example.org", Role.COORDINATOR, "33")
    coordinator_24 = builders.make_staff(session, "coord24@example.org", Role.COORDINATOR, "24")
    partner_33 = builders.make_staff(session, "partner33@example.org", Role.PARTNER, "33")
    step = builders.make_step(session, ActivityKind.INFORMATION, mandatory=False)
    today = builders.TODAY
    made = {
        "admin": admin,
        "coordinator_33": coordinator_33,
        "coordinator_24": coordinator_24,
        "partner_33": partner_33,
        "approved_33": builders.make_candidate(
            session, CandidateStatus.APPROVED, commune=builders.BORDEAUX, last_name="Approuvée"
        ),
        "approved_24": builders.make_candidate(
            session, CandidateStatus.APPROVED, commune=builders.PERIGUEUX, last_name="Dordogne"
        ),
        "candidate_33": builders.make_candidate(
            session, CandidateStatus.IN_PATHWAY, commune=builders.BORDEAUX, last_name="Girondine"
        ),
        "candidate_24": builders.make_candidate(
            session, CandidateStatus.IN_PATHWAY, commune=builders.PERIGUEUX, last_name="Périgord"
        ),
        "activity_33": builders.make_activity(
            session, step, on=today + timedelta(days=10), commune=builders.BORDEAUX, capacity=2
        ),
        "activity_24": builders.make_activity(
            session, step, on=today + timedelta(days=10), commune=builders.PERIGUEUX
        ),
        "past_activity_33": builders.make_activity(
            session, step, on=today - timedelta(days=3), commune=builders.BORDEAUX
        ),
    }
    made["request_24"] = _request(session, made["approved_24"].carer)
    _request(session, made["approved_33"].carer)
    session.commit()
    return {name: record.id for name, record in made.items()}


def text(response) -> str:
    """The page as a person reads it: entities such as &#39; turned back into characters."""
    return html.unescape(response.get_data(as_text=True))


class Panel:
    """Requests to the panel as a signed-in user, with the CSRF token forms carry."""

    def __init__(self, client, auth):
        self.client = client
        self.auth = auth

    def sign_in(self, user: StaffUser) -> "Panel":
        response = self.auth.login(user.email)
        assert response.status_code == 302, "sign-in failed"
        return self

    def token(self) -> str:
        return csrf_token_from(self.client.get("/auth/logout").get_data(as_text=True))

    def get(self, url: str):
        return self.client.get(url)

    def post(self, url: str, data: dict | None = None):
        return self.client.post(url, data={"csrf_token": self.token(), **(data or {})})

    def html(self, url: str) -> str:
        response = self.client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return text(response)


@pytest.fixture
def panel(client, auth) -> Panel:
    return Panel(client, auth)
