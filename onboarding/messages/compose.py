"""What each kind of message says, rendered when it is sent from the state of its subject then;
None when the message has nothing left to say (enrolment cancelled, no address)."""

from dataclasses import dataclass, field

from flask import current_app, render_template
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from onboarding import formatting
from onboarding.candidate.calendar import calendar_file
from onboarding.candidate.links import message_link, valid_until
from onboarding.carer.links import message_carer_link
from onboarding.mail import Attachment
from onboarding.pathway import clock
from onboarding.pathway.enrollment import seat_was_released
from onboarding.pathway.identifiers import is_mobile_phone, normalize_phone
from onboarding.pathway.models import (
    Attendance,
    Candidate,
    Carer,
    Channel,
    ContactRequest,
    Enrollment,
    MessageKind,
    PreRegistration,
    PreRegistrationStatus,
    SearchAlert,
    StaffUser,
    WaitingListEntry,
    WaitingStatus,
)
from onboarding.pathway.outbox import ClaimedMessage


@dataclass(frozen=True)
class Composed:
    to: str
    subject: str
    text: str
    html: str | None = None
    attachments: tuple[Attachment, ...] = field(default=())
    reply_to: str | None = None


class Obsolete(Exception):
    """The message has nothing left to say; `reason` is kept on the row (no personal data)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _recipient(channel: Channel, email: str | None, phone: str | None) -> str:
    if channel == Channel.SMS:
        if not is_mobile_phone(phone):
            raise Obsolete("no_mobile")
        return normalize_phone(phone)
    if not email:
        raise Obsolete("no_email")
    return email


def _render(kind: MessageKind, channel: Channel, **context) -> tuple[str, str | None]:
    context.setdefault("base_url", current_app.config["PUBLIC_BASE_URL"].rstrip("/"))
    if channel == Channel.SMS:
        return render_template(f"messages/{kind.value}.sms.txt", **context).strip(), None
    text = render_template(f"messages/{kind.value}.txt", **context)
    html = render_template(f"messages/{kind.value}.html", **context)
    return text, html


def _live_enrollment(session: Session, message: ClaimedMessage) -> Enrollment:
    enrollment = session.get(Enrollment, message.subject_id)
    if enrollment is None:
        raise Obsolete("enrollment_gone")
    if enrollment.attendance != Attendance.PENDING:
        raise Obsolete("attendance_recorded")
    if enrollment.candidate.anonymised_at is not None:
        raise Obsolete("anonymised")
    return enrollment


def _calendar(enrollment: Enrollment, *, method: str = "PUBLISH") -> tuple[Attachment, ...]:
    data = calendar_file([enrollment.activity], method=method)
    name = f"activite-{enrollment.activity.id}.ics"
    return (Attachment(name, "text", "calendar", data),)


def _activity_message(session: Session, message: ClaimedMessage, subject: str) -> Composed:
    enrollment = _live_enrollment(session, message)
    activity = enrollment.activity
    kind = message.kind
    if kind != MessageKind.ACTIVITY_CANCELLED and activity.is_cancelled:
        raise Obsolete("activity_cancelled")
    # A reminder is queued for one date (and version) of the activity: a move queued another.
    occasion = f"{activity.date.isoformat()}.{activity.sequence}"
    if kind == MessageKind.ACTIVITY_REMINDER and message.key.rsplit(":", 1)[-1] != occasion:
        raise Obsolete("activity_moved")
    if kind != MessageKind.ACTIVITY_CANCELLED and activity.date < clock.today():
        raise Obsolete("activity_past")
    candidate = enrollment.candidate
    to = _recipient(message.channel, candidate.email, candidate.phone)
    text, html = _render(
        kind,
        message.channel,
        candidate=candidate,
        activity=activity,
        coordinator=candidate.contact,
    )
    attachments = ()
    if message.channel == Channel.EMAIL:
        method = "CANCEL" if kind == MessageKind.ACTIVITY_CANCELLED else "PUBLISH"
        attachments = _calendar(enrollment, method=method)
    return Composed(to, subject.format(a=activity), text, html, attachments)


def _contact_acknowledgement(session: Session, message: ClaimedMessage) -> Composed:
    request = session.get(ContactRequest, message.subject_id)
    if request is None:
        raise Obsolete("request_gone")
    to = _recipient(message.channel, request.email, request.phone)
    text, html = _render(message.kind, message.channel, request=request, carer=request.carer)
    return Composed(to, "Votre demande de mise en relation est bien transmise", text, html)


def _fresh_link(candidate: Candidate) -> dict:
    """The message's personal link (new, unless the same news went out on her other channel
    moments ago: `access.link_for_message`; a failed delivery rolls it back), with its last day
    and the person to contact."""
    return {
        "url": message_link(candidate),
        "valid_until": valid_until(candidate),
        "coordinator": candidate.contact,
    }


def _access_link(session: Session, message: ClaimedMessage) -> Composed:
    candidate = session.get(Candidate, message.subject_id)
    if candidate is None or candidate.anonymised_at is not None:
        raise Obsolete("candidate_gone")
    to = _recipient(message.channel, candidate.email, candidate.phone)
    text, html = _render(
        message.kind, message.channel, candidate=candidate, **_fresh_link(candidate)
    )
    return Composed(to, "Votre nouveau lien personnel – Parcours Assmat", text, html)


def _waiting_list_offer(session: Session, message: ClaimedMessage) -> Composed:
    entry = session.get(WaitingListEntry, message.subject_id)
    if entry is None or entry.status != WaitingStatus.OFFERED:
        raise Obsolete("offer_settled")
    if entry.offer_expires_at <= clock.now():
        raise Obsolete("offer_expired")
    candidate, activity = entry.candidate, entry.activity
    if candidate.anonymised_at is not None:
        raise Obsolete("anonymised")
    to = _recipient(message.channel, candidate.email, candidate.phone)
    text, html = _render(
        message.kind,
        message.channel,
        candidate=candidate,
        activity=activity,
        entry=entry,
        **_fresh_link(candidate),
    )
    subject = f"Une place s'est libérée : {activity.title} le {activity.date:%d/%m/%Y}"
    return Composed(to, subject, text, html)


PRE_REGISTRATION_SUBJECTS = {
    MessageKind.PRE_REGISTRATION_RECEIVED: (
        PreRegistrationStatus.TO_QUALIFY,
        "Votre demande pour devenir assistant(e) maternel(le) est bien reçue",
    ),
    MessageKind.PRE_REGISTRATION_ACCEPTED: (
        PreRegistrationStatus.ACCEPTED,
        "Bienvenue dans le parcours pour devenir assistant(e) maternel(le)",
    ),
    MessageKind.PRE_REGISTRATION_CLOSED: (
        PreRegistrationStatus.CLOSED,
        "Votre demande pour devenir assistant(e) maternel(le)",
    ),
}


def _pre_registration(session: Session, message: ClaimedMessage) -> Composed:
    request = session.get(PreRegistration, message.subject_id)
    status, subject = PRE_REGISTRATION_SUBJECTS[message.kind]
    if request is None or request.status != status:
        raise Obsolete("request_moved")
    to = _recipient(message.channel, request.email, request.phone)
    context = {"request": request}
    if request.candidate is not None:
        context.update(_fresh_link(request.candidate))
    text, html = _render(message.kind, message.channel, **context)
    return Composed(to, subject, text, html)


def _absence_notice(session: Session, message: ClaimedMessage) -> Composed:
    enrollment = session.get(Enrollment, message.subject_id)
    if enrollment is None or enrollment.attendance != Attendance.EXCUSED:
        raise Obsolete("absence_withdrawn")
    candidate, activity = enrollment.candidate, enrollment.activity
    coordinator = candidate.coordinator
    if coordinator is None or not coordinator.is_active:
        raise Obsolete("no_coordinator")
    base_url = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    text, html = _render(
        message.kind,
        Channel.EMAIL,
        candidate=candidate,
        activity=activity,
        coordinator=coordinator,
        seat_freed=seat_was_released(enrollment),
        candidate_url=f"{base_url}/admin/candidate/details/?id={candidate.id}",
        activity_url=f"{base_url}/admin/activity/details/?id={activity.id}",
    )
    subject = (
        f"Absence signalée : {candidate.full_name}, {activity.title} le {activity.date:%d/%m/%Y}"
    )
    return Composed(coordinator.email, subject, text, html)


def _carer_message(session: Session, message: ClaimedMessage) -> Composed:
    from onboarding.pathway import campaigns
    from onboarding.pathway.carers import stale_from

    # What the message reads of her (her candidate's coordinator, her places) in one statement:
    # a campaign composes hundreds of thousands of these.
    carer = (
        session.scalars(
            select(Carer)
            .where(Carer.id == message.subject_id)
            .options(
                joinedload(Carer.candidate).joinedload(Candidate.coordinator),
                joinedload(Carer.vacancies),
            )
        )
        .unique()
        .one_or_none()
    )
    if carer is None or not carer.is_published:
        raise Obsolete("not_published")
    occasion = message.key.rsplit(":", 1)[-1]
    today = clock.today()
    if message.kind == MessageKind.CARER_STALE_WARNING:
        if carer.last_confirmed_on is None or carer.last_confirmed_on.isoformat() != occasion:
            raise Obsolete("confirmed_since")
        subject = "Vos places bientôt invisibles pour les parents : confirmez-les"
        context = {"hidden_on": stale_from(carer.last_confirmed_on)}
    else:
        campaign = campaigns.campaign_on(today)
        if campaign is None or campaign.occasion != occasion:
            raise Obsolete("campaign_over")
        if carer.last_confirmed_on is not None and carer.last_confirmed_on >= campaign.opens_on:
            raise Obsolete("confirmed_since")
        reminder = message.kind == MessageKind.CARER_CAMPAIGN_REMINDER
        subject = (
            f"{'Rappel : c' if reminder else 'C'}onfirmez vos disponibilités avant le "
            f"{formatting.long_date(campaign.due_on)}"
        )
        context = {"due_on": campaign.due_on, "reminder": reminder}
    if carer.withdrawn_on is not None:
        raise Obsolete("not_a_carer")
    to = _recipient(message.channel, carer.email, carer.phone)
    # Her own space's link: an imported carer, with no candidate, is reached too.
    candidate = carer.candidate
    text, html = _render(
        message.kind,
        message.channel,
        carer=carer,
        places=len(carer.vacancies),
        url=message_carer_link(carer),
        valid_until=valid_until(carer),
        coordinator=candidate.contact if candidate is not None else None,
        **context,
    )
    return Composed(to, subject, text, html)


CARER_KINDS = {
    MessageKind.CARER_CAMPAIGN,
    MessageKind.CARER_CAMPAIGN_REMINDER,
    MessageKind.CARER_STALE_WARNING,
}


def _contact_request(session: Session, message: ClaimedMessage) -> ContactRequest:
    request = session.get(ContactRequest, message.subject_id)
    if request is None:
        raise Obsolete("request_gone")
    return request


def _contact_to_carer(session: Session, message: ClaimedMessage) -> Composed:
    from onboarding.search.notify import carer_message

    request = _contact_request(session, message)
    carer = request.carer
    to = _recipient(message.channel, carer.email, carer.phone)
    subject, text = carer_message(carer, request, request.commune)
    return Composed(to, subject, text, reply_to=request.email)


def _contact_without_email(session: Session, message: ClaimedMessage) -> Composed:
    request = _contact_request(session, message)
    staff_id = int(message.key.rsplit("staff-", 1)[-1])
    coordinator = session.get(StaffUser, staff_id)
    if coordinator is None or not coordinator.is_active:
        raise Obsolete("no_coordinator")
    base_url = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    text, html = _render(
        message.kind,
        Channel.EMAIL,
        request=request,
        carer=request.carer,
        coordinator=coordinator,
        request_url=f"{base_url}/admin/contact_request/details/?id={request.id}",
    )
    subject = f"Demande d'une famille à transmettre à {request.carer}"
    return Composed(coordinator.email, subject, text, html)


def _contact_answer(session: Session, message: ClaimedMessage) -> Composed:
    request = _contact_request(session, message)
    if request.carer_answer is None:
        raise Obsolete("no_answer")
    to = _recipient(message.channel, request.email, request.phone)
    text, html = _render(
        message.kind, message.channel, request=request, carer=request.carer,
        answer=request.carer_answer.value,
    )  # fmt: skip
    carer = request.carer
    subject = f"Réponse de {carer.first_name} {carer.last_name[:1]}., assistante maternelle"
    return Composed(to, subject, text, html)


def _carer_link(session: Session, message: ClaimedMessage) -> Composed:
    carer = session.get(Carer, message.subject_id)
    if carer is None or carer.withdrawn_on is not None:
        raise Obsolete("not_a_carer")
    to = _recipient(message.channel, carer.email, carer.phone)
    url = message_carer_link(carer)
    text, html = _render(message.kind, message.channel, carer=carer, url=url,
                         valid_until=valid_until(carer))  # fmt: skip
    return Composed(to, "Votre espace d'assistante maternelle – Parcours Assmat", text, html)


def _alert(session: Session, message: ClaimedMessage) -> Composed:
    from urllib.parse import urlencode

    from onboarding.pathway import alerts
    from onboarding.search.params import query_parameters

    alert = session.get(SearchAlert, message.subject_id)
    if alert is None or alert.stopped_at is not None:
        raise Obsolete("alert_stopped")
    base_url = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    links = {
        "confirm_url": f"{base_url}/recherche/alerte/{alert.token}/confirmer",
        "stop_url": f"{base_url}/recherche/alerte/{alert.token}/arreter",
    }
    if message.kind == MessageKind.ALERT_CONFIRMATION:
        if alert.confirmed_at is not None:
            raise Obsolete("already_confirmed")
        subject = "Confirmez votre alerte de recherche d'assistante maternelle"
        matches = []
    else:
        query = alerts.query_of(alert, today=clock.today())
        links["search_url"] = f"{base_url}/recherche?{urlencode(query_parameters(query), True)}"
        subject = "Une place d'accueil correspond à votre recherche"
        matches = alerts.new_matches(session, alert, today=clock.today())
        if not matches:
            # Gone by the time it was due: the alert watches again.
            alert.told_at = None
            raise Obsolete("no_match_any_more")
    text, html = _render(message.kind, Channel.EMAIL, alert=alert, matches=matches, **links)
    return Composed(alert.email, subject, text, html)


def _digest(session: Session, message: ClaimedMessage) -> Composed:
    from onboarding.admin.security import this_week

    user = session.get(StaffUser, message.subject_id)
    if user is None or not user.is_active:
        raise Obsolete("no_coordinator")
    base_url = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    # The panel's links, built as the panel builds them.
    with current_app.test_request_context(base_url=base_url):
        figures, lines = this_week(user, clock.today())
        lines = [(label, count, f"{base_url}{url}") for label, count, url in lines if count]
        home = f"{base_url}/admin/"
    if not lines:
        raise Obsolete("nothing_this_week")
    text, html = _render(
        message.kind, Channel.EMAIL, coordinator=user, lines=lines, home=home, figures=figures
    )
    return Composed(user.email, "Parcours Assmat : ce qui vous attend cette semaine", text, html)


SUBJECTS = {
    MessageKind.ENROLLMENT_INVITATION: "Inscription : {a.title} le {a.date:%d/%m/%Y}",
    MessageKind.ACTIVITY_REMINDER: "Rappel : {a.title} le {a.date:%d/%m/%Y}",
    MessageKind.ACTIVITY_CHANGED: "Changement : {a.title}, désormais le {a.date:%d/%m/%Y}",
    MessageKind.ACTIVITY_CANCELLED: "Annulation : {a.title} du {a.date:%d/%m/%Y}",
}


def compose(session: Session, message: ClaimedMessage) -> Composed:
    """The message as it should leave now; raise Obsolete when it should not leave at all."""
    if message.kind == MessageKind.CONTACT_ACKNOWLEDGEMENT:
        return _contact_acknowledgement(session, message)
    if message.kind == MessageKind.CONTACT_TO_CARER:
        return _contact_to_carer(session, message)
    if message.kind == MessageKind.CONTACT_WITHOUT_EMAIL:
        return _contact_without_email(session, message)
    if message.kind == MessageKind.ACCESS_LINK:
        return _access_link(session, message)
    if message.kind == MessageKind.ABSENCE_NOTICE:
        return _absence_notice(session, message)
    if message.kind == MessageKind.CONTACT_ANSWER:
        return _contact_answer(session, message)
    if message.kind == MessageKind.CARER_LINK:
        return _carer_link(session, message)
    if message.kind in (MessageKind.ALERT_CONFIRMATION, MessageKind.ALERT_MATCH):
        return _alert(session, message)
    if message.kind == MessageKind.COORDINATOR_DIGEST:
        return _digest(session, message)
    if message.kind == MessageKind.WAITING_LIST_OFFER:
        return _waiting_list_offer(session, message)
    if message.kind in PRE_REGISTRATION_SUBJECTS:
        return _pre_registration(session, message)
    if message.kind in CARER_KINDS:
        return _carer_message(session, message)
    return _activity_message(session, message, SUBJECTS[message.kind])
