"""The agrément file: the dossier checklist, the département's decisions, the initial training."""

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from onboarding.pathway.base import Choice, Model, UTCDateTime, choice_column_type, utcnow

if TYPE_CHECKING:
    from onboarding.pathway.models.candidates import Candidate
    from onboarding.pathway.models.staff import StaffUser


class DossierItemKind(Choice):
    # The pieces of the Cerfa n° 13394*05 application (arrêté of 13 July 2022).
    CERFA_FORM = "cerfa_form", "Formulaire Cerfa n° 13394*05 rempli et signé"
    IDENTITY = "identity", "Pièce d'identité"
    RESIDENCE_PERMIT = "residence_permit", "Titre de séjour autorisant à travailler (hors UE/EEE)"
    PROOF_OF_ADDRESS = "proof_of_address", "Justificatif de domicile"
    MEDICAL_CERTIFICATE = "medical_certificate", "Certificat médical (art. R421-3)"


class DossierItemStatus(Choice):
    MISSING = "missing", "Manquant"
    RECEIVED = "received", "Reçu"
    NOT_APPLICABLE = "not_applicable", "Non concerné"


class DossierItem(Model):
    __tablename__ = "dossier_item"
    __table_args__ = (
        UniqueConstraint("candidate_id", "kind"),
        # The candidate list's filter on the pieces (missing, or all received) asks of each
        # candidate whether one is missing: answered from this index alone.
        Index("ix_dossier_item_candidate_id_status", "candidate_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id"), index=True)
    kind: Mapped[DossierItemKind] = mapped_column(
        choice_column_type(DossierItemKind, "dossier_item_kind")
    )
    status: Mapped[DossierItemStatus] = mapped_column(
        choice_column_type(DossierItemStatus, "dossier_item_status"),
        default=DossierItemStatus.MISSING,
    )
    received_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(200), default="")

    candidate: Mapped["Candidate"] = relationship(back_populates="dossier_items")

    def __repr__(self) -> str:
        return f"<DossierItem {self.candidate_id} {self.kind} {self.status}>"


class DecisionOutcome(Choice):
    GRANTED = "granted", "Agrément accordé"
    DEEMED_GRANTED = "deemed_granted", "Agrément réputé acquis (sans réponse sous 3 mois)"
    REFUSED = "refused", "Agrément refusé"


class AgrementDecision(Model):
    __tablename__ = "agrement_decision"
    __table_args__ = (
        CheckConstraint(
            "(outcome = 'refused' AND capacity IS NULL AND valid_until IS NULL)"
            " OR (outcome <> 'refused' AND capacity BETWEEN 1 AND 4 AND valid_until IS NOT NULL)",
            name="capacity_matches_outcome",
        ),
        # A candidate's decisions, and the indicators' first decision and outcome per candidate
        # read from the index alone.
        Index("ix_agrement_decision_candidate_outcome", "candidate_id", "outcome", "decided_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id"))
    outcome: Mapped[DecisionOutcome] = mapped_column(
        choice_column_type(DecisionOutcome, "decision_outcome")
    )
    decided_on: Mapped[date] = mapped_column(Date)
    # Children at the same time (L421-4): 1 to 4; none for a refusal.
    capacity: Mapped[int | None] = mapped_column(Integer)
    # The written motivation: required for a refusal and for fewer than 4 children.
    reason: Mapped[str] = mapped_column(Text, default="")
    is_renewal: Mapped[bool] = mapped_column(Boolean, default=False)
    # For a renewal: the day the département received the request.
    renewal_requested_on: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="RESTRICT")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    candidate: Mapped["Candidate"] = relationship(back_populates="decisions")
    created_by: Mapped["StaffUser | None"] = relationship()

    def __repr__(self) -> str:
        return f"<AgrementDecision {self.id} {self.outcome} {self.decided_on}>"

    @property
    def is_positive(self) -> bool:
        return self.outcome != DecisionOutcome.REFUSED


class TrainingKind(Choice):
    COURSE = "course", "Heures de formation"
    EVALUATION = "evaluation", "Évaluation de fin de première partie"


class Training(Model):
    """Hours of the mandatory initial training (120 h: part 1, 80 h; part 2, 40 h), evaluations."""

    __tablename__ = "training"
    __table_args__ = (
        CheckConstraint("part IN (1, 2)", name="part_one_or_two"),
        CheckConstraint("block IS NULL OR block IN (1, 2, 3)", name="block_range"),
        CheckConstraint("hours >= 0", name="hours_positive"),
        CheckConstraint(
            "(kind = 'evaluation' AND passed IS NOT NULL) OR (kind = 'course' AND passed IS NULL)",
            name="passed_only_for_evaluation",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id"), index=True)
    part: Mapped[int] = mapped_column(Integer)
    # 1: besoins fondamentaux de l'enfant; 2: spécificités du métier; 3: rôle et positionnement.
    block: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[TrainingKind] = mapped_column(
        choice_column_type(TrainingKind, "training_kind"), default=TrainingKind.COURSE
    )
    hours: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    includes_first_aid: Mapped[bool] = mapped_column(Boolean, default=False)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    completed_on: Mapped[date] = mapped_column(Date)
    provider: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    candidate: Mapped["Candidate"] = relationship(back_populates="trainings")

    def __repr__(self) -> str:
        return f"<Training {self.candidate_id} part {self.part} {self.kind} {self.hours}>"
