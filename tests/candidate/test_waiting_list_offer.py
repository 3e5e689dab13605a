"""A seat offered from a waiting list, in the candidate's space: told, then taken or let go;
nobody answers for someone else; a late answer is refused."""

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from onboarding.mail import outbox_messages
from onboarding.messages.delivery import send_due
from onboarding.pathway import clock, enrollment, waiting_lists
from onboarding.pathway.models import ActivityKind, CandidateStatus, Enrollment
from onboarding.pathway.models import WaitingStatus as W
from tests import builders
from tests.candidate.conftest import text

S = CandidateStatus


def _offered(session):
    step = builders.make_step(session, ActivityKind.COACHING, title="Atelier dossier")
    activity = builders.make_activity(
        session, step, on=builders.TODAY + timedelta(days=1), capacity=1, title="Atelier PMI"
    )
    holder = builders.make_candidate(session, S.IN_PATHWAY)
    first = builders.make_candidate(session, S.IN_PATHWAY, first_name="Inès",
                                    email="ines@example.org")  # fmt: skip
    second = builders.make_candidate(session, S.IN_PATHWAY)
    held = enrollment.enroll(session, holder, activity, actor=None, today=builders.TODAY)
    entries = [waiting_lists.join(session, p, activity, actor=None) for p in (first, second)]
    enrollment.excuse(session, held, today=builders.TODAY, by_candidate=True)
    session.commit()
    return activity, first, second, entries


def test_she_is_told_and_takes_the_seat_from_her_space(app, session, space):
    activity, first, _, (entry, _) = _offered(session)
    send_due(session)
    (mail,) = [m for m in outbox_messages(Path(app.config["MAIL_OUTBOX"]))
               if m["To"] == "ines@example.org"]  # fmt: skip
    body = mail.get_body(("plain",)).get_content()
    assert "Une place s'est libérée" in " ".join(str(mail["Subject"]).split())
    assert "réservée jusqu'au 17/03/2026 à 9 h 30" in body  # the start, before now + 24 h
    assert "/candidat/acces/" in body
    space.open(first)
    page = text(space.client.get("/candidat/"))
    assert "Une place s'est libérée pour vous : Atelier PMI" in page
    url = f"/candidat/activites/{activity.id}/place-proposee"
    done = space.post(url, {"answer": "oui"})
    assert done.status_code == 302
    assert "vous êtes inscrit(e) à « Atelier PMI »" in text(space.client.get("/candidat/"))
    session.expire_all()
    assert entry.status == W.ENROLLED
    assert session.scalar(
        select(Enrollment.id).where(
            Enrollment.activity_id == activity.id, Enrollment.candidate_id == first.id
        )
    )
    assert activity.seats_taken == 1


def test_letting_it_go_passes_it_on_and_nobody_answers_for_another(session, space):
    activity, first, second, (entry, next_entry) = _offered(session)
    url = f"/candidat/activites/{activity.id}/place-proposee"
    space.open(second)  # waiting, not offered: she cannot take the first one's seat
    refused = space.post(url, {"answer": "oui"})
    assert "Aucune place ne vous est proposée" in text(space.client.get("/candidat/"))
    assert refused.status_code == 302
    session.expire_all()
    assert (entry.status, next_entry.status) == (W.OFFERED, W.WAITING)
    space.open(first)
    space.post(url, {"answer": "non"})
    session.expire_all()
    assert (entry.status, next_entry.status) == (W.WITHDRAWN, W.OFFERED)


def test_an_answer_after_the_deadline_is_refused(session, space):
    activity, first, _, (entry, _) = _offered(session)
    space.open(first)
    token = space.token()
    with clock.frozen_at(entry.offer_expires_at + timedelta(minutes=1)):
        space.client.post(f"/candidat/activites/{activity.id}/place-proposee",
                          data={"csrf_token": token, "answer": "oui"})  # fmt: skip
    assert "Le délai pour accepter cette place est passé" in text(space.client.get("/candidat/"))
    session.expire_all()
    assert entry.status == W.OFFERED  # until send-due passes it on
