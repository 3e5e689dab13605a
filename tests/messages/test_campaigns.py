"""The carers' confirmation campaigns (R421-39): asked from 1 May and 1 November, reminded two
weeks before the deadline, warned a month before dropping out of the search; each once."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from onboarding.formatting import long_date
from onboarding.messages.delivery import send_due
from onboarding.pathway import campaigns, clock
from onboarding.pathway.models import CandidateStatus, MessageKind, MessageStatus, OutboxMessage
from tests import builders

PARIS = ZoneInfo("Europe/Paris")


def on(day: date, hour: int = 8) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=PARIS)


def make_carer(session, name: str, *, confirmed: date | None, published: bool = True):
    candidate = builders.make_candidate(
        session, CandidateStatus.APPROVED, first_name=name, email=f"{name.lower()}@example.org"
    )
    carer = candidate.carer
    carer.email = candidate.email
    carer.is_published = published
    carer.publication_consent_at = on(date(2025, 10, 1))
    carer.publication_consent_version = "2026-01"
    carer.last_confirmed_on = confirmed
    session.commit()
    return carer


def sent_to(smtp) -> list[tuple[str, str]]:
    return [(m["To"], m["Subject"]) for m in smtp.messages()]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 4, 30), None),
        (date(2026, 5, 1), date(2026, 6, 1)),
        (date(2026, 5, 31), date(2026, 6, 1)),
        (date(2026, 6, 1), None),
        (date(2026, 11, 1), date(2026, 12, 1)),
        (date(2026, 12, 1), None),
    ],
)
def test_a_campaign_runs_from_the_first_of_may_and_of_november_to_its_deadline(day, expected):
    campaign = campaigns.campaign_on(day)
    assert (campaign.due_on if campaign else None) == expected


def test_the_may_campaign_asks_each_published_carer_not_confirmed_since_once(session, smtp, client):
    asked = make_carer(session, "Nadia", confirmed=date(2026, 2, 10))
    make_carer(session, "Odile", confirmed=date(2026, 5, 1))  # already confirmed this campaign
    make_carer(session, "Paule", confirmed=date(2026, 2, 10), published=False)

    with clock.frozen_at(on(date(2026, 4, 30))):
        assert send_due(session).queued == 0
    with clock.frozen_at(on(date(2026, 5, 1))):
        report = send_due(session)
        assert (report.queued, report.sent) == (1, 1)
        assert send_due(session).queued == 0
    with clock.frozen_at(on(date(2026, 5, 2))):
        assert send_due(session).sent == 0

    [(to, subject)] = sent_to(smtp)
    assert to == asked.email == "nadia@example.org"
    assert subject == f"Confirmez vos disponibilités avant le {long_date(date(2026, 6, 1))}"
    text = smtp.messages()[0].get_body(preferencelist=("plain",)).get_content()
    assert "R421-39" in text
    # The fresh link in the message opens her space, where she confirms.
    link = re.search(r"http://localhost(/espace-assmat/acces/\S+)", text).group(1)
    return_value = client.get(link)
    assert return_value.status_code == 302
    assert client.get("/espace-assmat/").status_code == 200


def test_the_reminder_leaves_two_weeks_before_the_deadline_to_those_still_silent(session, smtp):
    silent = make_carer(session, "Nadia", confirmed=date(2026, 2, 10))
    answered = make_carer(session, "Rose", confirmed=date(2026, 2, 10))
    with clock.frozen_at(on(date(2026, 5, 1))):
        send_due(session)
    answered.last_confirmed_on = date(2026, 5, 3)
    session.commit()

    with clock.frozen_at(on(date(2026, 5, 17))):
        assert send_due(session).sent == 0
    with clock.frozen_at(on(date(2026, 5, 18))):
        assert send_due(session).sent == 1
    with clock.frozen_at(on(date(2026, 5, 25))):
        assert send_due(session).sent == 0

    reminders = [m for m in smtp.messages() if m["Subject"].startswith("Rappel")]
    assert [m["To"] for m in reminders] == [silent.email]


def test_a_carer_who_confirms_before_her_message_leaves_is_not_asked(session, smtp):
    carer = make_carer(session, "Nadia", confirmed=date(2026, 2, 10))
    with clock.frozen_at(on(date(2026, 5, 1))):
        campaigns.queue_due(session)
        session.commit()
        carer.last_confirmed_on = date(2026, 5, 1)
        session.commit()
        report = send_due(session)
    assert (report.sent, report.obsolete) == (0, 1)
    assert smtp.messages() == []


def test_a_carer_about_to_drop_out_of_the_search_is_warned_once(session, smtp):
    late = make_carer(session, "Nadia", confirmed=date(2025, 10, 10))
    make_carer(session, "Sarah", confirmed=date(2026, 1, 20))  # only 2 months ago
    make_carer(session, "Tina", confirmed=date(2025, 9, 1))  # already hidden

    with clock.frozen_at(on(date(2026, 3, 16))):
        report = send_due(session)
        assert (report.queued, report.sent) == (1, 1)
        assert send_due(session).queued == 0
    [(to, subject)] = sent_to(smtp)
    assert to == late.email
    assert subject.startswith("Vos places bientôt invisibles")
    text = smtp.messages()[0].get_body(preferencelist=("plain",)).get_content()
    # Still shown on 10 April, 6 months after 10 October (carers.is_stale): hidden from the 11th.
    assert "À partir du 11 avril 2026, les parents" in text

    # Confirmed again, then late again months later: warned again, for that confirmation.
    late.last_confirmed_on = date(2026, 3, 20)
    session.commit()
    with clock.frozen_at(on(date(2026, 8, 25))):
        assert send_due(session).sent == 1
    statuses = session.scalars(
        select(OutboxMessage.status).where(OutboxMessage.kind == MessageKind.CARER_STALE_WARNING)
    ).all()
    assert statuses == [MessageStatus.SENT, MessageStatus.SENT]


def test_a_carer_approved_less_than_two_months_before_the_deadline_is_not_asked(session, smtp):
    newcomer = make_carer(session, "Ursule", confirmed=None)
    newcomer.agrement_on = date(2026, 4, 10)
    session.commit()
    with clock.frozen_at(on(date(2026, 5, 1))):
        assert send_due(session).queued == 0
    assert smtp.messages() == []
