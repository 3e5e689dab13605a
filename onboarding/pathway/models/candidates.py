"""Candidates: the people on the pathway, and the statuses the pathway engine moves them through."""

from contextvars import ContextVar
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from onboarding.pathway.base import (
    Choice,
    InCommune,
    Model,
    UTCDateTime,
    choice_column_type,
    utcnow,
)

if TYPE_CHECKING:
    from onboarding.pathway.models.activities import Enrollment, ImmersionConvention
    from onboarding.pathway.models.agrement import AgrementDecision, DossierItem, Training
    from onboarding.pathway.models.carers import Carer
    from onboarding.pathway.models.logs import TransitionLog
    from onboarding.pathway.models.messages import OutboxMessage
    from onboarding.pathway.models.reference import Commune
    from onboarding.pathway.models.staff import StaffUser


class CandidateStatus(Choice):
    REFERRED = "referred", "Orientation reçue"
    IN_PATHWAY = "in_pathway", "En parcours"
    DOSSIER_FILED = "dossier_filed", "Dossier déposé"
    UNDER_EVALUATION = "under_evaluation", "Évaluation PMI en cours"
    APPROVED = "approved", "Agrément obtenu"
    REFUSED = "refused", "Agrément refusé"
    ACTIVE = "active", "En activité"
    WITHDRAWN = "withdrawn", "Sortie du parcours"


class ReferralSource(Choice):
    FRANCE_TRAVAIL = "france_travail", "France Travail"
    CAF = "caf", "Caf"
    RPE = "rpe", "Relais Petite Enfance"
    PMI = "pmi", "PMI"
    MISSION_LOCALE = "mission_locale", "Mission locale"
    SELF = "self", "Candidature spontanée"
    OTHER = "other", "Autre"


class WithdrawalReason(Choice):
    JOB_OR_TRAINING = "job_or_training", "Reprise d'emploi ou de formation"
    PROJECT_ABANDONED = "project_abandoned", "Projet abandonné"
    HOUSING = "housing", "Logement non adapté à l'accueil"
    HEALTH = "health", "Raisons de santé"
    FAMILY = "family", "Raisons familiales"
    MOVED = "moved", "Déménagement"
    UNREACHABLE = "unreachable", "Injoignable"
    OTHER = "other", "Autre motif"


# Set by the pathway engine while it applies a transition; nothing else may assign a status.
_status_change_allowed: ContextVar[bool] = ContextVar("status_change_allowed", default=False)


class StatusAssignmentError(RuntimeError):
    """A status was assigned outside a pathway transition."""


class Candidate(InCommune, Model):
    __tablename__ = "candidate"
    __table_args__ = (
        CheckConstraint(
            "requested_capacity IS NULL OR requested_capacity BETWEEN 1 AND 4",
            name="requested_capacity_range",
        ),
        # "My candidates" (the panel's home, the list's filter), in the départements covered.
        Index("ix_candidate_coordinator_department", "coordinator_id", "department_code"),
        # The indicators' scans of the candidates read this index alone, already in cohort and
        # département order: their GROUP BY streams without sorting 100,000 rows.
        Index(
            "ix_candidate_indicators",
            "cohort",
            "department_code",
            "referred_on",
            "status",
            "dossier_filed_on",
            "dossier_complete_on",
            "withdrawal_reason",
            "steps_reached",
            "pathway_configuration_id",
        ),
        # The panel's lists by status; the people past a legal deadline (a status and a complete
        # dossier older than the term) and the withdrawals by reason, counted from the index alone
        # whatever the indicators' filters.
        Index(
            "ix_candidate_status",
            "status",
            "dossier_complete_on",
            "department_code",
            "withdrawal_reason",
            "referred_on",
            "cohort",
        ),
        # The candidate list's default order (soonest deadline first) and its deadline filter
        # walk this index, the département of each row read from it; the indicators count the
        # people past a deadline by kind from it.
        Index(
            "ix_candidate_next_deadline",
            "next_deadline_on",
            "id",
            "department_code",
            "next_deadline",
        ),
        # The indicators list the first people past a deadline of each cohort by walking this
        # index, their entry and département read from it.
        Index(
            "ix_candidate_past_deadline",
            "cohort",
            "next_deadline_on",
            "id",
            "referred_on",
            "department_code",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Both names are searched from the panel's list.
    first_name: Mapped[str] = mapped_column(String(100), index=True)
    last_name: Mapped[str] = mapped_column(String(100), index=True)
    birth_date: Mapped[date | None] = mapped_column(Date)
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    # Searched from the panel's list, under both spellings of a French number.
    phone: Mapped[str | None] = mapped_column(String(20), index=True)
    address: Mapped[str | None] = mapped_column(String(200))
    commune_insee: Mapped[str] = mapped_column(ForeignKey("commune.insee_code"), index=True)
    # Derived from the commune's INSEE code; kept as a column so scope filters use an index.
    department_code: Mapped[str] = mapped_column(String(3), index=True)

    referral_source: Mapped[ReferralSource] = mapped_column(
        choice_column_type(ReferralSource, "referral_source")
    )
    referred_by: Mapped[str | None] = mapped_column(String(200))
    referred_on: Mapped[date] = mapped_column(Date)
    # The month of entry, "2026-03": the unit of the funnel's cohorts.
    cohort: Mapped[str] = mapped_column(String(7))
    is_job_seeker: Mapped[bool] = mapped_column(Boolean, default=False)
    france_travail_id: Mapped[str | None] = mapped_column(String(11), unique=True)
    # Indexed with the département (ix_candidate_coordinator_department).
    coordinator_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )

    status: Mapped[CandidateStatus] = mapped_column(
        choice_column_type(CandidateStatus, "candidate_status"),
        default=CandidateStatus.REFERRED,
    )
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawal_reason: Mapped[WithdrawalReason | None] = mapped_column(
        choice_column_type(WithdrawalReason, "withdrawal_reason")
    )
    withdrawal_note: Mapped[str | None] = mapped_column(Text)

    dossier_filed_on: Mapped[date | None] = mapped_column(Date)
    # The complete dossier starts two clocks: the decision (3 months), part-1 training (6 months).
    dossier_complete_on: Mapped[date | None] = mapped_column(Date, index=True)
    # Number of children asked for in the Cerfa form; what a deemed-granted agrément covers.
    requested_capacity: Mapped[int | None] = mapped_column(Integer)
    # Holds units EP1 and EP3 of the CAP AEPE: exempt from training blocks 1 and 2.
    has_cap_aepe_units: Mapped[bool] = mapped_column(Boolean, default=False)
    # Reminders go by SMS too to a mobile number, unless the candidate said no.
    sms_refused: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    # The personal access link: its token carries this nonce, so issuing a new link (a new
    # nonce) revokes the previous one at once. None until a first link is issued.
    access_nonce: Mapped[str | None] = mapped_column(String(32))
    access_issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Held by every session the link opens: raising it (signing out) ends them all at once.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # The ids of the pathway steps reached, ",1,3,": derived, kept by pathway.steps_reached.
    steps_reached: Mapped[str | None] = mapped_column(String(500))
    # How many dossier pieces are still missing: derived, kept by pathway.missing_pieces.
    missing_pieces: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The next deadline (situation.next_deadline): its date and code, derived, never typed; kept
    # by pathway.next_deadline on every flush that changes what it depends on.
    next_deadline_on: Mapped[date | None] = mapped_column(Date)
    next_deadline: Mapped[str | None] = mapped_column(String(20))
    # The territory's pathway configuration she entered with (pathway.territories); None: the
    # national pathway. Set once at entry: a later version does not rewrite her progress.
    pathway_configuration_id: Mapped[int | None] = mapped_column(
        ForeignKey("pathway_configuration.id"), index=True
    )
    # Set when the person's identity was erased (pathway.privacy); the figures stay.
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    commune: Mapped["Commune"] = relationship()
    coordinator: Mapped["StaffUser | None"] = relationship()
    enrollments: Mapped[list["Enrollment"]] = relationship(back_populates="candidate")
    dossier_items: Mapped[list["DossierItem"]] = relationship(
        back_populates="candidate", order_by="DossierItem.kind"
    )
    decisions: Mapped[list["AgrementDecision"]] = relationship(
        back_populates="candidate", order_by="AgrementDecision.decided_on"
    )
    trainings: Mapped[list["Training"]] = relationship(
        back_populates="candidate", order_by="Training.completed_on"
    )
    conventions: Mapped[list["ImmersionConvention"]] = relationship(
        back_populates="candidate", order_by="ImmersionConvention.starts_on"
    )
    carer: Mapped["Carer | None"] = relationship(back_populates="candidate")
    transitions: Mapped[list["TransitionLog"]] = relationship(
        back_populates="candidate", order_by="TransitionLog.id"
    )
    # Newest first, for her page in the panel; the outbox writes them, never this side.
    messages: Mapped[list["OutboxMessage"]] = relationship(
        order_by="OutboxMessage.id.desc()", viewonly=True
    )

    def __repr__(self) -> str:
        return f"<Candidate {self.id} {self.status}>"

    def __str__(self) -> str:
        return self.full_name

    @property
    def carer_space(self) -> "Carer | None":
        """Her carer record while she is a carer (not once she left): what her link opens
        beside her pathway."""
        carer = self.carer
        return carer if carer is not None and carer.withdrawn_on is None else None

    @property
    def contact(self) -> "StaffUser | None":
        """Whom she is told to contact: her coordinator while the account is active; else
        nobody by name (the messages and pages then name the département's team)."""
        coordinator = self.coordinator
        return coordinator if coordinator is not None and coordinator.is_active else None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @validates("referred_on")
    def _derive_cohort(self, key: str, referred_on: date) -> date:
        self.cohort = f"{referred_on:%Y-%m}"
        return referred_on

    @validates("status")
    def _guard_status(self, key: str, status: CandidateStatus) -> CandidateStatus:
        if not _status_change_allowed.get():
            raise StatusAssignmentError(
                "A candidate's status changes only through a transition of the pathway engine."
            )
        return status
