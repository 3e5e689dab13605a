"""The outbox: every message to a person is first a row here, written in the transaction of the
change that causes it, then delivered by `send-due` (onboarding/messages)."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

if TYPE_CHECKING:
    from onboarding.pathway.models.candidates import Candidate

from onboarding.pathway.base import Choice, Model, UTCDateTime, choice_column_type, utcnow


class MessageKind(Choice):
    ENROLLMENT_INVITATION = ("enrollment_invitation", "Invitation à une activité")
    ACTIVITY_REMINDER = ("activity_reminder", "Rappel d'une activité")
    ACTIVITY_CHANGED = ("activity_changed", "Activité déplacée ou modifiée")
    ACTIVITY_CANCELLED = ("activity_cancelled", "Activité annulée")
    CONTACT_ACKNOWLEDGEMENT = ("contact_acknowledgement", "Accusé de réception d'une demande")
    CONTACT_TO_CARER = ("contact_to_carer", "Demande d'une famille transmise")
    CONTACT_WITHOUT_EMAIL = ("contact_without_email", "Demande à transmettre (pas d'e-mail)")
    ACCESS_LINK = ("access_link", "Nouveau lien d'accès personnel")
    ABSENCE_NOTICE = ("absence_notice", "Absence signalée par une candidate")
    COORDINATOR_DIGEST = ("coordinator_digest", "Récapitulatif de la semaine")
    ALERT_CONFIRMATION = ("alert_confirmation", "Confirmation d'une alerte de recherche")
    ALERT_MATCH = ("alert_match", "Alerte : une place correspond")
    CARER_CAMPAIGN = ("carer_campaign", "Campagne de confirmation des disponibilités")
    CARER_CAMPAIGN_REMINDER = ("carer_campaign_reminder", "Rappel de la campagne de confirmation")
    CARER_STALE_WARNING = ("carer_stale_warning", "Profil bientôt masqué aux parents")
    WAITING_LIST_OFFER = ("waiting_list_offer", "Proposition d'une place libérée (liste d'attente)")
    PRE_REGISTRATION_RECEIVED = (
        "pre_registration_received",
        "Accusé de réception d'une préinscription",
    )
    PRE_REGISTRATION_ACCEPTED = ("pre_registration_accepted", "Préinscription acceptée")
    PRE_REGISTRATION_CLOSED = ("pre_registration_closed", "Préinscription close")
    CONTACT_ANSWER = ("contact_answer", "Réponse de l'assistante maternelle au parent")
    CARER_LINK = ("carer_link", "Lien vers l'espace d'une assistante maternelle")


class Channel(Choice):
    EMAIL = ("email", "E-mail")
    SMS = ("sms", "SMS")


class MessageStatus(Choice):
    PENDING = ("pending", "À envoyer")
    SENDING = ("sending", "En cours d'envoi")
    SENT = ("sent", "Envoyé")
    FAILED = ("failed", "Échec")
    # The sender stopped between handing the message over and recording it: it may have
    # arrived. Never sent again by itself (at most once); a person decides.
    INTERRUPTED = ("interrupted", "Envoi interrompu")
    # Nothing left to say by the time it was due (enrolment cancelled, no address).
    OBSOLETE = ("obsolete", "Devenu inutile")


class OutboxMessage(Model):
    """One message to one person on one channel, due at a time.

    `key` names the message kind, its subject and its occasion (for instance the reminder of
    enrolment 12 for the activity of 3 March): the unique constraint makes enqueuing the same
    message twice impossible, whatever code path or retry asks for it. The text is rendered
    when it is sent, from the subject's state then, so an activity moved in between is sent
    with its new date; the recipient is read then too and never stored here.
    """

    __tablename__ = "outbox_message"
    __table_args__ = (
        Index("ix_outbox_message_due", "status", "due_at"),
        Index("ix_outbox_message_candidate", "candidate_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[MessageKind] = mapped_column(choice_column_type(MessageKind, "message_kind"))
    channel: Mapped[Channel] = mapped_column(choice_column_type(Channel, "message_channel"))
    # What the message is about: an enrolment, a contact request, a candidate or a carer (no foreign
    # key: a cancelled enrolment or a purged request leaves its message obsolete, not broken).
    subject_id: Mapped[int] = mapped_column(Integer)
    # Whose page lists it in the panel (for a message to staff, the candidate it is about).
    candidate_id: Mapped[int | None] = mapped_column(ForeignKey("candidate.id"))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[MessageStatus] = mapped_column(
        choice_column_type(MessageStatus, "message_status"), default=MessageStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # The error's class name only: SMTP answers can quote an address.
    last_error: Mapped[str | None] = mapped_column(String(100))
    claimed_by: Mapped[str | None] = mapped_column(String(40))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The subject line as sent, for the panel's list of a person's messages.
    title: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    candidate: Mapped["Candidate | None"] = relationship()

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind} {self.status}>"
