"""Parents' alerts ("M'alerter"): a search kept, to be told once when a place matches it."""

from datetime import date, datetime

from sqlalchemy import Date, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from onboarding.pathway.base import Model, UTCDateTime, utcnow


class SearchAlert(Model):
    """The criteria of a search, the email to tell, and where the alert stands: waiting for the
    email's confirmation (double opt-in), watching, told (once), or stopped. Deleted 6 months
    after it was made, whatever its state."""

    __tablename__ = "search_alert"
    __table_args__ = (Index("ix_search_alert_watch", "confirmed_at", "told_at", "checked_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The secret of the confirmation and stop links (URL-safe, 32 characters).
    token: Mapped[str] = mapped_column(String(43), unique=True)
    email: Mapped[str] = mapped_column(String(254))
    commune_insee: Mapped[str] = mapped_column(String(5))
    radius_km: Mapped[int] = mapped_column(Integer)
    birth_date: Mapped[date] = mapped_column(Date)
    start: Mapped[date] = mapped_column(Date)
    half_days: Mapped[int] = mapped_column(Integer, default=0)
    needs: Mapped[int] = mapped_column(Integer, default=0)
    # The mode of care asked for: a CareSetting's value (any, mam, home).
    setting: Mapped[str] = mapped_column(String(4), default="any", server_default="any")
    consent_version: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    told_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<SearchAlert {self.id}>"
