"""Requests nobody answered within 7 days: one rule, counted on the panel's home and listed by
the filter it links to, in the coordinator's départements only."""

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from onboarding.pathway import contact_answers
from onboarding.pathway.models import ContactRequest
from tests import builders
from tests.admin.conftest import text
from tests.carer.conftest import make_imported_carer, make_request

PARIS = ZoneInfo("Europe/Paris")


def _received(days_ago: int, at: time = time(23, 30)) -> datetime:
    return datetime.combine(builders.TODAY - timedelta(days=days_ago), at, tzinfo=PARIS)


def test_seven_days_without_an_answer_is_the_line(session):
    carer = make_imported_carer(session)
    make_request(session, carer, parent="Sept jours", received=_received(7))
    make_request(session, carer, parent="Six jours", received=_received(6, time(0, 5)))
    answered = make_request(session, carer, parent="Répondue", received=_received(20))
    answered.outcome = answered.outcome.CONTACTED
    session.commit()
    late = session.scalars(
        select(ContactRequest.parent_name).where(contact_answers.unanswered_clause(builders.TODAY))
    ).all()
    assert late == ["Sept jours"]


def test_the_home_counts_them_and_links_to_the_list_in_scope(
    session,
    panel,
    coordinator_33,
):
    here = make_imported_carer(session)
    away = make_imported_carer(session, commune=builders.PERIGUEUX, email="d@example.org")
    make_request(session, here, parent="Alice Gironde", received=_received(9))
    make_request(session, here, parent="Hier Gironde", received=_received(1))
    make_request(session, away, parent="Bruno Dordogne", received=_received(9))
    session.commit()
    panel.sign_in(coordinator_33)

    home = panel.html("/admin/")
    found = re.search(
        r'<a href="([^"]+)" aria-label="dont sans réponse depuis 7 jours : (\d+),', home
    )
    assert found, "the home has the figure"
    link, count = found.groups()
    assert count == "1"
    listing = text(panel.client.get(link.replace("&amp;", "&")))
    assert "Alice Gironde" in listing
    assert "Hier Gironde" not in listing
    assert "Bruno Dordogne" not in listing
