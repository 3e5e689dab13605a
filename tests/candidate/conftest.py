"""Candidates with a pathway, activities and a carer, and a client that opens their space."""

import html
import re
from dataclasses import dataclass
from datetime import time, timedelta

import pytest

from onboarding.candidate.links import new_personal_link
from onboarding.pathway import enrollment
from onboarding.pathway.models import ActivityKind, Candidate, CandidateStatus
from tests import builders
from tests.conftest import built_once, csrf_token_from


@dataclass
class Place:
    candidate: Candidate
    other: Candidate
    approved: Candidate
    other_approved: Candidate


@pytest.fixture
def place(session) -> Place:
    """Built once a process and database, then put back as rows (tests.conftest.built_once)."""
    ids = built_once("candidate place", lambda: _build_place(session))
    return Place(*(session.get(Candidate, id_) for id_ in ids))


def _build_place(session) -> tuple[int, int, int, int]:
    today = builders.TODAY
    # Approved first: the mandatory steps created below would hold them back.
    approved = builders.make_candidate(
        session, CandidateStatus.APPROVED, first_name="Awa", last_name="Diallo",
        email="awa@example.org", phone="0611223344", address="8 allée des Pins",
    )  # fmt: skip
    other_approved = builders.make_candidate(
        session, CandidateStatus.APPROVED, first_name="Léa", last_name="Voisine",
        email="lea@example.org",
    )  # fmt: skip
    info = builders.make_step(session, ActivityKind.INFORMATION, title="Réunion d'information")
    coaching = builders.make_step(
        session, ActivityKind.COACHING, title="Accompagnement collectif", sessions=2, hours=5
    )
    builders.make_step(session, ActivityKind.MODULE, title="Premiers secours", mandatory=False)
    candidate = builders.make_candidate(
        session, CandidateStatus.IN_PATHWAY, first_name="Inès", last_name="Durand",
        email="ines@example.org", phone="0612345678", address="3 rue des Lilas",
    )  # fmt: skip
    other = builders.make_candidate(
        session, CandidateStatus.IN_PATHWAY, first_name="Paul", last_name="Autre",
        email="paul@example.org",
    )  # fmt: skip
    past = builders.make_activity(session, info, on=today - timedelta(days=5))
    builders.attend(session, candidate, past)
    workshop = builders.make_activity(
        session, coaching, on=today + timedelta(days=7), title="Atelier dossier",
        start=time(14, 0), end=time(16, 30),
    )  # fmt: skip
    workshop.what_to_bring = "Pièce d'identité et justificatif de domicile"
    second = builders.make_activity(
        session, coaching, on=today + timedelta(days=14), title="Atelier visite PMI"
    )
    for activity in (workshop, second):
        enrollment.enroll(session, candidate, activity, actor=None, today=today)
        enrollment.enroll(session, other, activity, actor=None, today=today)
    session.commit()
    return candidate.id, other.id, approved.id, other_approved.id


def text(response) -> str:
    """The page as read: tags dropped, entities decoded, white space collapsed."""
    without_tags = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return " ".join(html.unescape(without_tags).split()).replace(" .", ".").replace(" ,", ",")


class Space:
    """Requests to the candidate space as a candidate who opened their link."""

    def __init__(self, client, session):
        self.client = client
        self.session = session

    def link(self, candidate: Candidate) -> str:
        url = new_personal_link(candidate)
        self.session.commit()
        return url.removeprefix("http://localhost")

    def open(self, candidate: Candidate):
        response = self.client.get(self.link(candidate))
        assert response.status_code == 302, response.status_code
        return self

    def token(self, url: str = "/candidat/") -> str:
        return csrf_token_from(self.client.get(url).get_data(as_text=True))

    def post(self, url: str, data: dict | None = None, *, page: str = "/candidat/"):
        return self.client.post(url, data={"csrf_token": self.token(page), **(data or {})})


@pytest.fixture
def space(client, session) -> Space:
    return Space(client, session)
