"""Maisons d'assistants maternels (MAM): a shared place where approved carers work together."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from onboarding.pathway.base import InCommune, Model, UTCDateTime, utcnow

if TYPE_CHECKING:
    from onboarding.pathway.models.carers import Carer
    from onboarding.pathway.models.reference import Commune


class Mam(InCommune, Model):
    """Its carers are the rows of `carer` pointing to it; their number and the sum of their
    agrément capacities are limited by the law (`pathway.mam`)."""

    __tablename__ = "mam"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(150))
    address: Mapped[str] = mapped_column(String(200))
    commune_insee: Mapped[str] = mapped_column(ForeignKey("commune.insee_code"))
    department_code: Mapped[str] = mapped_column(String(3), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    commune: Mapped["Commune"] = relationship()
    carers: Mapped[list["Carer"]] = relationship(back_populates="mam", order_by="Carer.last_name")

    def __repr__(self) -> str:
        return f"<Mam {self.id}>"

    def __str__(self) -> str:
        return self.name
