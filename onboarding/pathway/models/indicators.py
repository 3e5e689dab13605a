"""The indicators' summary: counts kept per département, day and key in the same transaction as
the changes they count (onboarding/pathway/indicators/summary.py writes them, the indicators page
reads them instead of scanning every candidate)."""

from datetime import date

from sqlalchemy import BigInteger, Date, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from onboarding.pathway.base import Model


class IndicatorCount(Model):
    """How many (or how much) of `key` in a section, for one département and one day.

    `day` is the date the section's filters read: a candidate's entry, an activity's date, a
    request's creation. Each count is kept per day (`grain` "day"), per month ("month", `day`
    the first of the month) and in total ("total"), so that a period reads the months it covers
    whole and the days of the others, and no period reads the total; and each for its
    département and summed over all of them (`department_code` ""). `detail` and `value` refine
    the key: a pathway configuration, a withdrawal's reason, a delay's month and number of days.
    Derived data, rebuilt from scratch by `flask rebuild-indicators`."""

    __tablename__ = "indicator_count"
    __table_args__ = (
        # One row per count: the writes add to it; the reads seek a section's range of days.
        Index(
            "uq_indicator_count",
            "section", "grain", "day", "department_code", "key", "detail", "value",
            unique=True,
        ),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(primary_key=True)
    section: Mapped[str] = mapped_column(String(12))
    grain: Mapped[str] = mapped_column(String(5))
    department_code: Mapped[str] = mapped_column(String(3))
    day: Mapped[date] = mapped_column(Date)
    key: Mapped[str] = mapped_column(String(30))
    detail: Mapped[str] = mapped_column(String(254), default="")
    value: Mapped[int] = mapped_column(Integer, default=0)
    count: Mapped[int] = mapped_column(BigInteger)

    def __repr__(self) -> str:
        return f"<IndicatorCount {self.section} {self.key} {self.day} {self.count}>"
