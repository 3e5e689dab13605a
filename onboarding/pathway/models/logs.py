"""Append-only journals: every status transition, and every change made by staff."""

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from onboarding.pathway.base import Choice, Model, UTCDateTime, choice_column_type, utcnow
from onboarding.pathway.models.candidates import CandidateStatus

if TYPE_CHECKING:
    from onboarding.pathway.models.candidates import Candidate
    from onboarding.pathway.models.staff import StaffUser


class TransitionLog(Model):
    __tablename__ = "transition_log"
    __table_args__ = (
        Index("ix_transition_log_name_to_status", "name", "to_status"),
        # A candidate's history, and the status each withdrawal left, from the index alone.
        Index("ix_transition_log_candidate_name", "candidate_id", "name", "from_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(String(40))
    from_status: Mapped[CandidateStatus] = mapped_column(
        choice_column_type(CandidateStatus, "from_status")
    )
    to_status: Mapped[CandidateStatus] = mapped_column(
        choice_column_type(CandidateStatus, "to_status")
    )
    # None when the candidate or the system made the change.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="RESTRICT"))
    # The date the change took effect (a decision's date), which may precede its recording.
    effective_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    candidate: Mapped["Candidate"] = relationship(back_populates="transitions")
    actor: Mapped["StaffUser | None"] = relationship()

    def __repr__(self) -> str:
        return f"<TransitionLog {self.candidate_id} {self.name}>"


class AuditAction(Choice):
    """What a row of the audit log records; its value is what the column stores."""

    CREATE = ("create", "Création")
    UPDATE = ("update", "Modification")
    DELETE = ("delete", "Suppression")
    ENROL = ("enrol", "Inscription")
    ROLL_CALL = ("roll_call", "Relevé de présence")
    RETRY = ("retry", "Nouvel essai d'envoi")
    ACCESS_LINK = ("access_link", "Lien d'accès personnel")
    ANONYMISE = ("anonymise", "Anonymisation")
    EXPORT_PERSONAL_DATA = ("export_personal_data", "Extraction des données personnelles")
    PURGE = ("purge", "Purge")
    CANDIDATE_EXCUSE = ("candidate_excuse", "Absence signalée par la personne")
    CANDIDATE_TAKE_BACK = ("candidate_take_back", "Inscription reprise par la personne")
    CANDIDATE_UPDATE = ("candidate_update", "Coordonnées changées par la personne")
    CARER_UPDATE = ("carer_update", "Profil changé par l'assistante maternelle")
    MAM_JOIN = ("mam_join", "Arrivée dans une MAM")
    MAM_LEAVE = ("mam_leave", "Départ d'une MAM")
    PARENT_REFERRAL = ("parent_referral", "Mise en relation accompagnée")
    CONTACT_OUTCOME = ("contact_outcome", "Suite donnée à une demande")
    CONFIGURE_PATHWAY = ("configure_pathway", "Nouvelle version du parcours d'un territoire")
    WAITING_LIST_JOIN = ("waiting_list_join", "Inscription en liste d'attente")
    WAITING_LIST_OFFER = ("waiting_list_offer", "Proposition d'une place de la liste d'attente")
    WAITING_LIST_ENROL = ("waiting_list_enrol", "Inscription depuis la liste d'attente")
    WAITING_LIST_EXPIRE = ("waiting_list_expire", "Proposition de place expirée")
    WAITING_LIST_LEAVE = ("waiting_list_leave", "Retrait de la liste d'attente")
    PRE_REGISTRATION_ACCEPT = ("pre_registration_accept", "Préinscription acceptée")
    PRE_REGISTRATION_CLOSE = ("pre_registration_close", "Préinscription close")
    PLACE_ADD = ("place_add", "Ajout d'une place")
    PLACE_UPDATE = ("place_update", "Modification d'une place")
    PLACE_CLOSE = ("place_close", "Fermeture d'une place")
    CONTACT_ANSWER = ("contact_answer", "Réponse de l'assistante maternelle à une demande")
    RPE_MANDATE = ("rpe_mandate", "Accord donné au Relais Petite Enfance")
    RPE_MANDATE_WITHDRAWN = ("rpe_mandate_withdrawn", "Accord au Relais Petite Enfance retiré")
    CARER_INVITE = ("carer_invite", "Invitation de l'assistante maternelle à son espace")
    IMPORT_CREATE = ("import_create", "Création par import d'un fichier")
    IMPORT_UPDATE = ("import_update", "Modification par import d'un fichier")

    @classmethod
    def label_of(cls, value: str) -> str:
        """The French label of a stored value; an unknown one (an older row) as it is."""
        try:
            return cls(value).label
        except ValueError:
            return value


class AuditLog(Model):
    """Who changed what, when. Field names only: the values may be personal data."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="RESTRICT"))
    # An AuditAction's value, kept as a plain string: a new action needs no migration.
    action: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str] = mapped_column(String(50))
    object_id: Mapped[str] = mapped_column(String(50))
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    actor: Mapped["StaffUser | None"] = relationship()

    def __repr__(self) -> str:
        return f"<AuditLog {self.action} {self.object_type} {self.object_id}>"


class AppendOnlyError(RuntimeError):
    """A journal row was changed or deleted."""


@event.listens_for(Session, "before_flush")
def _refuse_journal_changes(session: Session, flush_context, instances) -> None:
    for obj in session.deleted:
        if isinstance(obj, TransitionLog | AuditLog):
            raise AppendOnlyError(f"{type(obj).__name__} rows are never deleted.")
    for obj in session.dirty:
        if isinstance(obj, TransitionLog | AuditLog) and session.is_modified(obj):
            raise AppendOnlyError(f"{type(obj).__name__} rows are never changed.")
