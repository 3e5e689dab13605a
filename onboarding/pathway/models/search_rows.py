"""The parents' search's own table: one row per place of a published carer, with what the search
filters and ranks on (onboarding/pathway/search_rows.py keeps it, onboarding/pathway/search.py
reads it)."""

from datetime import date

from sqlalchemy import BigInteger, Date, Float, ForeignKey, Index, Integer
from sqlalchemy.orm import Mapped, mapped_column

from onboarding.pathway.base import Model

# Every column the search reads, in the order of its index.
POSITION_COLUMNS = (
    "band", "longitude", "latitude", "half_days", "needs", "age_min_months", "age_max_months",
    "available_from", "last_confirmed_on", "agrement_expires_on", "training_part1_on",
    "withdrawn_on", "agrement_suspended_until", "carer_id", "rank_tail",
)  # fmt: skip


class SearchRow(Model):
    """A place of a carer parents may see once the time-dependent terms of `pathway.shown` hold:
    her position and the columns those terms read (named as on `Carer` and `Vacancy`, so the
    terms apply to this row as they are), the place's facts, and the constant part of the
    ranking key (`search_rows.rank_tail`). Derived data, rewritten by every flush that changes
    the carer or her places."""

    __tablename__ = "search_row"
    __table_args__ = (
        # The search reads only these indexes: the bands of its box, in each a range of
        # longitude, then every filter from the index; or the same after the needs (the places
        # with some of the needs asked: the few that cover everything when needs are asked).
        Index("ix_search_row_position", *POSITION_COLUMNS),
        Index("ix_search_row_needs", "needs", *(c for c in POSITION_COLUMNS if c != "needs")),
    )

    vacancy_id: Mapped[int] = mapped_column(
        ForeignKey("vacancy.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    carer_id: Mapped[int] = mapped_column(ForeignKey("carer.id", ondelete="CASCADE"), index=True)
    # The carer's; `band`: her latitude's tenth of a degree (`search_rows.band_of`).
    band: Mapped[int] = mapped_column(Integer)
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    last_confirmed_on: Mapped[date | None] = mapped_column(Date)
    agrement_expires_on: Mapped[date] = mapped_column(Date)
    training_part1_on: Mapped[date | None] = mapped_column(Date)
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    agrement_suspended_until: Mapped[date | None] = mapped_column(Date)
    # Her MAM, if she works in one (the search's "En MAM / À domicile" filter).
    mam_id: Mapped[int | None] = mapped_column(Integer)
    # The place's; `needs` is a bitmask in the order of pathway.schedule.NEEDS.
    available_from: Mapped[date] = mapped_column(Date)
    age_min_months: Mapped[int] = mapped_column(Integer)
    age_max_months: Mapped[int] = mapped_column(Integer)
    half_days: Mapped[int] = mapped_column(Integer)
    needs: Mapped[int] = mapped_column(Integer)
    rank_tail: Mapped[int] = mapped_column(BigInteger)

    def __repr__(self) -> str:
        return f"<SearchRow {self.vacancy_id} of carer {self.carer_id}>"
