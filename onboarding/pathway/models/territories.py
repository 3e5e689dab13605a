"""A territory's pathway: versioned configurations of the steps, for a région or a département."""

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from onboarding.pathway.base import Choice, Model, UTCDateTime, choice_column_type, utcnow

if TYPE_CHECKING:
    from onboarding.pathway.models.activities import PathwayStep
    from onboarding.pathway.models.staff import StaffUser


class TerritoryKind(Choice):
    REGION = "region", "Région"
    DEPARTMENT = "department", "Département"


class PathwayConfiguration(Model):
    """One version of a territory's pathway. Never edited once written: a change is a new
    version, so a candidate keeps the version she entered with."""

    __tablename__ = "pathway_configuration"
    __table_args__ = (
        UniqueConstraint("territory_kind", "territory_code", "version"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    territory_kind: Mapped[TerritoryKind] = mapped_column(
        choice_column_type(TerritoryKind, "territory_kind")
    )
    # A région's INSEE code ("75") or a département's ("57"): the kind tells which.
    territory_code: Mapped[str] = mapped_column(String(3))
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )

    created_by: Mapped["StaffUser | None"] = relationship()
    steps: Mapped[list["ConfigurationStep"]] = relationship(
        back_populates="configuration",
        order_by="ConfigurationStep.position",
        cascade="all, delete-orphan",
    )

    def __repr__(self) -> str:
        return f"<PathwayConfiguration {self.territory_kind} {self.territory_code} v{self.version}>"


class ConfigurationStep(Model):
    """A step of the catalogue (its kind, title and activities) as a configuration sets it."""

    __tablename__ = "configuration_step"
    __table_args__ = (
        UniqueConstraint("configuration_id", "step_id"),
        CheckConstraint("required_sessions >= 0", name="configured_sessions_positive"),
        CheckConstraint("required_hours >= 0", name="configured_hours_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    configuration_id: Mapped[int] = mapped_column(
        ForeignKey("pathway_configuration.id", ondelete="CASCADE"), index=True
    )
    step_id: Mapped[int] = mapped_column(ForeignKey("pathway_step.id", ondelete="RESTRICT"))
    position: Mapped[int] = mapped_column(Integer)
    is_mandatory: Mapped[bool] = mapped_column(Boolean, default=True)
    required_sessions: Mapped[int] = mapped_column(Integer, default=1)
    required_hours: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal(0))

    configuration: Mapped[PathwayConfiguration] = relationship(back_populates="steps")
    step: Mapped["PathwayStep"] = relationship()
