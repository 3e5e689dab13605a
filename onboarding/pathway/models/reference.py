"""Reference data bundled with the app: French communes and their postcodes."""

from sqlalchemy import Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from onboarding.pathway.base import Model


class Commune(Model):
    __tablename__ = "commune"

    insee_code: Mapped[str] = mapped_column(String(5), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    # Lower-case, no accents nor punctuation, for suggestions: "saint etienne" finds Saint-Étienne.
    search_name: Mapped[str] = mapped_column(String(100), index=True)
    department_code: Mapped[str] = mapped_column(String(3), index=True)
    postcodes: Mapped[str] = mapped_column(String(120), default="")
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    population: Mapped[int] = mapped_column(Integer, default=0)

    postcode_rows: Mapped[list["CommunePostcode"]] = relationship(
        back_populates="commune", viewonly=True
    )

    def __repr__(self) -> str:
        return f"<Commune {self.insee_code} {self.name}>"

    def __str__(self) -> str:
        first_postcode = self.postcodes.split(" ")[0] if self.postcodes else self.department_code
        return f"{self.name} ({first_postcode})"


class CommunePostcode(Model):
    """One row per (postcode, commune): a postcode may cover several communes and the reverse."""

    __tablename__ = "commune_postcode"

    postcode: Mapped[str] = mapped_column(String(5), primary_key=True)
    insee_code: Mapped[str] = mapped_column(
        ForeignKey("commune.insee_code", ondelete="CASCADE"), primary_key=True
    )

    commune: Mapped[Commune] = relationship(back_populates="postcode_rows")
