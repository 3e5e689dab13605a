"""An adviser's mise en relation accompagnée: a parent she puts in contact with carers."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from onboarding.pathway.base import InCommune, Model, UTCDateTime, utcnow

if TYPE_CHECKING:
    from onboarding.pathway.models.carers import ContactRequest
    from onboarding.pathway.models.reference import Commune
    from onboarding.pathway.models.staff import StaffUser


class ParentReferral(InCommune, Model):
    """One parent, helped by one adviser; the requests sent on her behalf point to it.

    The parent's consent (given to the adviser, who ticks it) is recorded with its time and the
    version of the wording she agreed to. The département is the parent's commune's: it decides
    which coordinators follow the referral."""

    __tablename__ = "parent_referral"
    __table_args__ = (
        CheckConstraint("email IS NOT NULL OR phone IS NOT NULL", name="email_or_phone"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    adviser_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"), index=True
    )
    parent_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(20))
    commune_insee: Mapped[str] = mapped_column(ForeignKey("commune.insee_code"))
    department_code: Mapped[str] = mapped_column(String(3), index=True)
    is_job_seeker: Mapped[bool] = mapped_column(Boolean, default=True)
    france_travail_id: Mapped[str | None] = mapped_column(String(11))
    consent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    consent_version: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    adviser: Mapped["StaffUser | None"] = relationship()
    commune: Mapped["Commune"] = relationship()
    requests: Mapped[list["ContactRequest"]] = relationship(
        back_populates="referral", order_by="ContactRequest.id"
    )

    def __repr__(self) -> str:
        return f"<ParentReferral {self.id}>"

    def __str__(self) -> str:
        return self.parent_name
