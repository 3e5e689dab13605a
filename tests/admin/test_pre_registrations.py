"""The queue "Demandes à qualifier": each département's requests only, accepted into the pathway
(a referral, audited, welcomed) or closed with a written reason (audited, told); the home's
figure; partners and other départements kept out; answered requests purged after the delay."""

from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from onboarding.mail import outbox_messages
from onboarding.messages.delivery import send_due
from onboarding.pathway import clock, intake
from onboarding.pathway.models import (
    AuditAction,
    AuditLog,
    Candidate,
    CandidateStatus,
    PreRegistration,
    PreRegistrationStatus,
    ReferralSource,
)
from tests import builders
from tests.admin.conftest import text
from tests.admin.test_workspace import _figures

P = PreRegistrationStatus


def _request(session, commune: str, last_name: str, **change) -> PreRegistration:
    data = {
        "first_name": "Nadia", "last_name": last_name, "commune_insee": commune,
        "situation": "job_seeker", "email": f"{last_name.lower()}@example.org",
        "consent": True, **change,
    }  # fmt: skip
    request = intake.pre_register(session, intake.PreRegistrationInput(**data))
    session.commit()
    return request


def _candidates(session) -> int:
    return session.scalar(select(func.count()).select_from(Candidate))


def test_each_departement_sees_its_own_queue_only(panel, world, session):
    mine = _request(session, builders.BORDEAUX, "Gironde")
    theirs = _request(session, builders.PERIGUEUX, "Dordogne")
    panel.sign_in(world.coordinator_33)
    queue = panel.html("/admin/preinscriptions/")
    assert "Gironde" in queue
    assert "Dordogne" not in queue
    assert panel.get(f"/admin/preinscriptions/{theirs.id}").status_code == 404
    refused = panel.post(f"/admin/preinscriptions/{theirs.id}",
                         {"decision": "close", "closing_reason": "x"})  # fmt: skip
    assert refused.status_code == 404
    assert "Gironde" in panel.html(f"/admin/preinscriptions/{mine.id}")
    # The home counts it, and links to the queue.
    count, link = _figures(panel.html("/admin/"))["Demandes à qualifier (préinscriptions)"]
    assert (count, link) == (1, "/admin/preinscriptions/")
    session.expire_all()
    assert session.get(PreRegistration, theirs.id).status == P.TO_QUALIFY


def test_partners_and_anonymous_are_kept_out(client, panel, world, session):
    request = _request(session, builders.BORDEAUX, "Gironde")
    anonymous = client.get("/admin/preinscriptions/")
    assert anonymous.status_code == 302
    assert "/auth/login" in anonymous.headers["Location"]
    panel.sign_in(world.partner_33)
    assert panel.get("/admin/preinscriptions/").status_code == 403
    assert panel.get(f"/admin/preinscriptions/{request.id}").status_code == 403
    assert "Demandes à qualifier" not in panel.html("/admin/")


def test_accepting_refers_a_candidate_audited_and_welcomed(app, panel, world, session):
    request = _request(session, builders.BORDEAUX, "Gironde", phone="06 11 22 33 44")
    before = _candidates(session)
    panel.sign_in(world.coordinator_33)
    response = panel.post(f"/admin/preinscriptions/{request.id}", {
        "decision": "accept", "referral_source": "rpe", "referred_by": "RPE de Bordeaux Nord",
        "coordinator_id": str(world.coordinator_33.id),
    })  # fmt: skip
    assert response.status_code == 302
    session.expire_all()
    request = session.get(PreRegistration, request.id)
    candidate = request.candidate
    assert response.headers["Location"].endswith(f"/admin/candidate/details/?id={candidate.id}")
    assert _candidates(session) == before + 1
    assert (candidate.status, candidate.referral_source, candidate.referred_on) == (
        CandidateStatus.REFERRED, ReferralSource.RPE, clock.today(),
    )  # fmt: skip
    assert (candidate.is_job_seeker, candidate.coordinator_id, candidate.phone) == (
        True, world.coordinator_33.id, "0611223344",
    )  # fmt: skip
    assert (request.status, request.decided_by_id) == (P.ACCEPTED, world.coordinator_33.id)
    audit = session.scalar(select(AuditLog).where(
        AuditLog.action == AuditAction.PRE_REGISTRATION_ACCEPT.value))  # fmt: skip
    assert (audit.actor_id, audit.object_id) == (world.coordinator_33.id, str(request.id))
    send_due(session)
    mails = {" ".join(str(m["Subject"]).split()): m
             for m in outbox_messages(Path(app.config["MAIL_OUTBOX"]))}  # fmt: skip
    welcome = mails["Bienvenue dans le parcours pour devenir assistant(e) maternel(le)"]
    assert welcome["To"] == "gironde@example.org"
    assert "/candidat/acces/" in welcome.get_body(("plain",)).get_content()
    # Answered once: a second answer is refused and changes nothing.
    again = panel.post(f"/admin/preinscriptions/{request.id}",
                       {"decision": "close", "closing_reason": "Doublon"})  # fmt: skip
    assert again.status_code == 200
    assert "Demande non close : Cette demande est déjà traitée" in text(again)
    session.expire_all()
    assert session.get(PreRegistration, request.id).status == P.ACCEPTED
    assert "Gironde" not in panel.html("/admin/preinscriptions/")


def test_closing_needs_a_written_reason_sent_to_the_person(app, panel, world, session):
    request = _request(session, builders.BORDEAUX, "Gironde")
    before = _candidates(session)
    panel.sign_in(world.coordinator_33)
    refused = panel.post(f"/admin/preinscriptions/{request.id}",
                         {"decision": "close", "closing_reason": "  "})  # fmt: skip
    assert refused.status_code == 200
    assert "Demande non close : Écrivez la raison" in text(refused)
    session.expire_all()
    assert session.get(PreRegistration, request.id).status == P.TO_QUALIFY
    reason = "Votre commune relève du parcours de la Charente : contactez le RPE d'Angoulême."
    done = panel.post(f"/admin/preinscriptions/{request.id}",
                      {"decision": "close", "closing_reason": reason})  # fmt: skip
    assert done.status_code == 302
    session.expire_all()
    closed = session.get(PreRegistration, request.id)
    assert (closed.status, closed.closing_reason) == (P.CLOSED, reason)
    assert _candidates(session) == before
    assert (
        session.scalar(
            select(AuditLog.actor_id).where(
                AuditLog.action == AuditAction.PRE_REGISTRATION_CLOSE.value
            )
        )
        == world.coordinator_33.id
    )
    send_due(session)
    (told,) = [
        m
        for m in outbox_messages(Path(app.config["MAIL_OUTBOX"]))
        if m["To"] == "gironde@example.org" and "bien reçue" not in str(m["Subject"])
    ]
    assert "RPE d'Angoulême" in told.get_body(("plain",)).get_content()


def test_answered_requests_are_purged_after_the_retention_delay(runner, world, session):
    old = _request(session, builders.BORDEAUX, "Ancienne")
    recent = _request(session, builders.BORDEAUX, "Récente")
    _request(session, builders.BORDEAUX, "EnAttente")
    for request, days in ((old, 200), (recent, 30)):
        with clock.frozen_at(clock.now() - timedelta(days=days)):
            intake.close(session, request, actor=world.coordinator_33, reason="Hors parcours")
    session.commit()
    result = runner.invoke(args=["purge", "--wet-run"])
    assert result.exit_code == 0, result.output
    assert "answered pre-registrations 6 months" in result.output
    session.expire_all()
    left = set(session.scalars(select(PreRegistration.last_name)))
    assert left == {"Récente", "EnAttente"}
    assert (
        session.scalar(
            select(func.count())
            .select_from(AuditLog)
            .where(AuditLog.object_type == "PreRegistration", AuditLog.action == "purge")
        )
        == 1
    )
