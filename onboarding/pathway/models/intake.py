"""Pre-registrations: people who asked, on the public page, to become assistants maternels.

A pre-registration is not a candidate: it stays out of the candidates' list, the indicators
and the deadlines until a coordinator of its département accepts it into the pathway (which
refers a Candidate), or closes it with a reason."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from onboarding.pathway.base import (
    Choice,
    InCommune,
    Model,
    UTCDateTime,
    choice_column_type,
    utcnow,
)

if TYPE_CHECKING:
    from onboarding.pathway.models.candidates import Candidate
    from onboarding.pathway.models.reference import Commune
    from onboarding.pathway.models.staff import StaffUser


class PreRegistrationStatus(Choice):
    TO_QUALIFY = "to_qualify", "À qualifier"
    ACCEPTED = "accepted", "Acceptée dans le parcours"
    CLOSED = "closed", "Close"


class Situation(Choice):
    JOB_SEEKER = "job_seeker", "Je suis demandeuse ou demandeur d'emploi"
    EMPLOYED = "employed", "J'ai un emploi"
    PARENT_AT_HOME = "parent_at_home", "Je suis au foyer"
    OTHER = "other", "Autre situation"


class PreRegistration(InCommune, Model):
    __tablename__ = "pre_registration"
    __table_args__ = (
        # The queue of a département, oldest first; and the purge of closed requests.
        Index("ix_pre_registration_queue", "status", "department_code", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(20))
    commune_insee: Mapped[str] = mapped_column(ForeignKey("commune.insee_code"))
    department_code: Mapped[str] = mapped_column(String(3))
    situation: Mapped[Situation] = mapped_column(choice_column_type(Situation, "situation"))
    message: Mapped[str] = mapped_column(Text, default="")
    # The version of the consent text she ticked.
    consent_version: Mapped[str] = mapped_column(String(20))
    status: Mapped[PreRegistrationStatus] = mapped_column(
        choice_column_type(PreRegistrationStatus, "pre_registration_status"),
        default=PreRegistrationStatus.TO_QUALIFY,
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )
    closing_reason: Mapped[str | None] = mapped_column(Text)
    candidate_id: Mapped[int | None] = mapped_column(
        ForeignKey("candidate.id", ondelete="SET NULL")
    )

    commune: Mapped["Commune"] = relationship()
    decided_by: Mapped["StaffUser | None"] = relationship()
    candidate: Mapped["Candidate | None"] = relationship()

    def __repr__(self) -> str:
        return f"<PreRegistration {self.id} {self.status}>"

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"
