"""Approved carers, the free places they publish, and parents' requests to be put in contact."""

from datetime import date, datetime, time
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from onboarding.pathway.base import (
    Choice,
    InCommune,
    Model,
    UTCDateTime,
    choice_column_type,
    utcnow,
)
from onboarding.pathway.deadlines import agrement_expiry

if TYPE_CHECKING:
    from onboarding.pathway.models.candidates import Candidate
    from onboarding.pathway.models.mam import Mam
    from onboarding.pathway.models.reference import Commune
    from onboarding.pathway.models.referrals import ParentReferral
    from onboarding.pathway.models.staff import StaffUser


class CarerSource(Choice):
    PATHWAY = "pathway", "Issue du parcours"
    IMPORTED = "imported", "Importée"


def _first_agrement_expiry(context) -> date:
    """Without a decision to read it from (an imported carer, a test row): a first agrément's
    validity from its date."""
    decided_on = context.get_current_parameters()["agrement_on"]
    return agrement_expiry(decided_on, is_renewal=False, has_cap_aepe_units=False)


class Carer(InCommune, Model):
    __tablename__ = "carer"
    __table_args__ = (
        CheckConstraint("agrement_capacity BETWEEN 1 AND 4", name="capacity_range"),
        # R421-39: she may hide her email or her phone, not both.
        CheckConstraint("show_email OR show_phone", name="email_or_phone_shown"),
        # Never public without her consent on record (pathway.shown reads both).
        CheckConstraint(
            "NOT is_published OR publication_consent_at IS NOT NULL", name="published_with_consent"
        ),
        # The parents' search: a bounding box over published carers, and every term of the
        # "may she be shown" rule (pathway.shown) read from the index.
        Index(
            "ix_carer_search_position",
            "is_published",
            "latitude",
            "longitude",
            "last_confirmed_on",
            "agrement_expires_on",
            "training_part1_on",
            "withdrawn_on",
            "publication_consent_at",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int | None] = mapped_column(ForeignKey("candidate.id"), unique=True)
    source: Mapped[CarerSource] = mapped_column(
        choice_column_type(CarerSource, "carer_source"), default=CarerSource.PATHWAY
    )
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    # Known for carers imported from a PMI's or an RPE's list, which an import matches on.
    birth_name: Mapped[str | None] = mapped_column(String(100))
    birth_date: Mapped[date | None] = mapped_column(Date)
    # The département's number for her agrément; one carer each, when known.
    agrement_number: Mapped[str | None] = mapped_column(String(30), unique=True)
    # The MAM she works in, as the imported list names it.
    mam_label: Mapped[str | None] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(20))
    address: Mapped[str | None] = mapped_column(String(200))
    commune_insee: Mapped[str] = mapped_column(ForeignKey("commune.insee_code"))
    department_code: Mapped[str] = mapped_column(String(3), index=True)
    # The commune's point, copied so that the parents' search prefilters on an index.
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)

    agrement_on: Mapped[date] = mapped_column(Date)
    agrement_capacity: Mapped[int] = mapped_column(Integer)
    # The last day her agrément is in force: the decision's validity, moved by a renewal.
    agrement_expires_on: Mapped[date] = mapped_column(Date, default=_first_agrement_expiry)
    # Part 1 of the initial training done on that day or, while she is in training, expected to
    # end on that day; None while unknown (she is then never shown).
    training_part1_on: Mapped[date | None] = mapped_column(Date)
    # The last day of a suspension of her agrément by the département (L421-6 CASF: no child may
    # be entrusted to her meanwhile; at most 4 months, R421-24); None when not suspended.
    agrement_suspended_until: Mapped[date | None] = mapped_column(Date)
    # The day she left the pathway (or lost her agrément): never shown from then on.
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    presentation: Mapped[str] = mapped_column(Text, default="")
    is_published: Mapped[bool] = mapped_column(Boolean, default=False)
    publication_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    publication_consent_version: Mapped[str | None] = mapped_column(String(20))
    show_address: Mapped[bool] = mapped_column(Boolean, default=False)
    show_email: Mapped[bool] = mapped_column(Boolean, default=True)
    show_phone: Mapped[bool] = mapped_column(Boolean, default=True)
    # The date she last confirmed her availability; a profile older than 6 months is stale.
    last_confirmed_on: Mapped[date | None] = mapped_column(Date)
    first_child_on: Mapped[date | None] = mapped_column(Date)
    # A renewal request received by the département and not decided yet.
    renewal_requested_on: Mapped[date | None] = mapped_column(Date)
    # The Caf's prime d'installation: when she asked for it, when it was paid.
    bonus_requested_on: Mapped[date | None] = mapped_column(Date)
    bonus_paid_on: Mapped[date | None] = mapped_column(Date)
    # The maison d'assistants maternels she works in, if any (`pathway.mam` keeps its limits).
    mam_id: Mapped[int | None] = mapped_column(ForeignKey("mam.id"), index=True)
    # Her own space's personal link (pathway.access, kind "carer"): its token carries this nonce,
    # so a new link revokes the previous one; None until a first link (or invitation).
    access_nonce: Mapped[str | None] = mapped_column(String(32))
    access_issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Held by every session the link opens: raising it (signing out) ends them all at once.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The day she was invited to her space (an imported carer has no candidate's link).
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Since when she agrees that the Relais Petite Enfance of her département updates her places
    # on her behalf (pathway.rpe); None: no agreement, or withdrawn. Who recorded it (she
    # herself, or a coordinator on her written agreement) is in the audit log.
    rpe_mandate_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    candidate: Mapped["Candidate | None"] = relationship(back_populates="carer")
    commune: Mapped["Commune"] = relationship()
    vacancies: Mapped[list["Vacancy"]] = relationship(
        back_populates="carer", order_by="Vacancy.available_from"
    )
    mam: Mapped["Mam | None"] = relationship(back_populates="carers")

    def __repr__(self) -> str:
        return f"<Carer {self.id}>"

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def public_name(self) -> str:
        """First name and initial: what parents see."""
        return f"{self.first_name} {self.last_name[:1]}."


class Vacancy(Model):
    """A free place: from when, for which ages, which half-days of the week, what atypical hours."""

    __tablename__ = "vacancy"
    __table_args__ = (
        CheckConstraint("age_min_months >= 0", name="age_min_positive"),
        CheckConstraint("age_max_months >= age_min_months", name="age_range_ordered"),
        CheckConstraint("age_max_months <= 216", name="age_max_minor"),
        CheckConstraint("half_days > 0 AND half_days < 16384", name="half_days_grid"),
        CheckConstraint(
            "day_starts_at IS NULL OR day_ends_at IS NULL OR day_ends_at > day_starts_at",
            name="day_ends_after_start",
        ),
        Index("ix_vacancy_from_half_days", "available_from", "half_days"),
        # The parents' search: a carer's places filtered without reading the table.
        Index(
            "ix_vacancy_search",
            "carer_id",
            "available_from",
            "age_min_months",
            "age_max_months",
            "half_days",
        ),
        # A carer's vacancies, and the first one's date (the indicators' delay to publication).
        Index("ix_vacancy_carer_created", "carer_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    carer_id: Mapped[int] = mapped_column(ForeignKey("carer.id"))
    available_from: Mapped[date] = mapped_column(Date)
    age_min_months: Mapped[int] = mapped_column(Integer, default=0)
    age_max_months: Mapped[int] = mapped_column(Integer, default=36)
    # Monday morning is bit 0, Monday afternoon bit 1 … Sunday afternoon bit 13.
    half_days: Mapped[int] = mapped_column(Integer)
    early: Mapped[bool] = mapped_column(Boolean, default=False)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    night: Mapped[bool] = mapped_column(Boolean, default=False)
    periscolaire: Mapped[bool] = mapped_column(Boolean, default=False)
    holidays: Mapped[bool] = mapped_column(Boolean, default=False)
    emergency: Mapped[bool] = mapped_column(Boolean, default=False)
    disability: Mapped[bool] = mapped_column(Boolean, default=False)
    # The usual hours of a day of care (local time), when she gives them: "de 7 h 30 à 18 h".
    day_starts_at: Mapped[time | None] = mapped_column(Time)
    day_ends_at: Mapped[time | None] = mapped_column(Time)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    carer: Mapped[Carer] = relationship(back_populates="vacancies")

    def __repr__(self) -> str:
        return f"<Vacancy {self.id} from {self.available_from}>"


class ContactOutcome(Choice):
    NEW = "new", "Nouvelle demande"
    CONTACTED = "contacted", "Mise en relation faite"
    CONTRACT_SIGNED = "contract_signed", "Contrat signé"
    NO_MATCH = "no_match", "Sans suite"


class CarerAnswer(Choice):
    """What the carer answered from her space; it sets the request's outcome (ANSWER_OUTCOMES)."""

    CONTACTED = "contacted", "J'ai pris contact"
    PLACE_FILLED = "place_filled", "Place pourvue"
    NO_PLACE = "no_place", "Pas de place"


class ContactRequest(Model):
    """A parent's request to be put in contact with a carer (mise en relation)."""

    __tablename__ = "contact_request"
    __table_args__ = (
        CheckConstraint("email IS NOT NULL OR phone IS NOT NULL", name="email_or_phone"),
        # The requests without an answer for a week (the panel's home).
        Index("ix_contact_request_outcome_created_at", "outcome", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    carer_id: Mapped[int] = mapped_column(ForeignKey("carer.id"), index=True)
    parent_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(20))
    commune_insee: Mapped[str] = mapped_column(ForeignKey("commune.insee_code"))
    child_birth_date: Mapped[date] = mapped_column(Date)
    start_date: Mapped[date] = mapped_column(Date)
    half_days: Mapped[int] = mapped_column(Integer, default=0)
    # Atypical needs as a bitmask, in the order of pathway.schedule.NEEDS.
    needs: Mapped[int] = mapped_column(Integer, default=0)
    is_job_seeker: Mapped[bool] = mapped_column(Boolean, default=False)
    message: Mapped[str] = mapped_column(Text, default="")
    consent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    consent_version: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[ContactOutcome] = mapped_column(
        choice_column_type(ContactOutcome, "contact_outcome"), default=ContactOutcome.NEW
    )
    outcome_on: Mapped[date | None] = mapped_column(Date)
    handled_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )
    # Sent by an adviser on the parent's behalf (mise en relation accompagnée).
    referral_id: Mapped[int | None] = mapped_column(
        ForeignKey("parent_referral.id", ondelete="CASCADE"), index=True
    )
    # The carer's own answer and its moment (None while she has not answered): with
    # `handled_by`, who gave the outcome.
    carer_answer: Mapped[CarerAnswer | None] = mapped_column(
        choice_column_type(CarerAnswer, "carer_answer")
    )
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    carer: Mapped[Carer] = relationship()
    commune: Mapped["Commune"] = relationship()
    handled_by: Mapped["StaffUser | None"] = relationship()
    referral: Mapped["ParentReferral | None"] = relationship(back_populates="requests")

    def __repr__(self) -> str:
        return f"<ContactRequest {self.id} {self.outcome}>"
