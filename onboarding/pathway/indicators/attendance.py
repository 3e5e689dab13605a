"""Activities: the coming ones with their fill rate, attendance by kind over the period."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import (
    and_,
    func,
    select,
)
from sqlalchemy.orm import Session

from onboarding.pathway.indicators.sql import (
    COMING_ACTIVITIES_LIMIT,
    Period,
    in_scope,
    rate,
)
from onboarding.pathway.models import (
    Activity,
    ActivityKind,
    Attendance,
    Enrollment,
)


# --- 4. activities -----------------------------------------------------------------------------
@dataclass(frozen=True)
class ComingActivity:
    activity_id: int
    title: str
    kind: ActivityKind
    on: date
    department_code: str
    capacity: int
    seats_taken: int

    @property
    def fill_rate(self) -> float | None:
        return rate(self.seats_taken, self.capacity)


@dataclass(frozen=True)
class KindAttendance:
    kind: ActivityKind
    attended: int
    excused: int
    absent: int

    @property
    def marked(self) -> int:
        return self.attended + self.excused + self.absent

    @property
    def rate(self) -> float | None:
        return rate(self.attended, self.marked)


@dataclass(frozen=True)
class Activities:
    coming: list[ComingActivity]
    coming_count: int
    attendance: list[KindAttendance]


def coming_activities(
    session: Session, *, departments: tuple[str, ...] | None, today: date
) -> tuple[int, list[ComingActivity]]:
    """How many activities are still to come (not cancelled, from today on), and the first
    COMING_ACTIVITIES_LIMIT of them in date order."""
    upcoming = and_(
        in_scope(Activity.department_code, departments),
        Activity.date >= today,
        Activity.is_cancelled.is_(False),
    )
    count = session.scalar(select(func.count()).select_from(Activity).where(upcoming))
    first = [
        ComingActivity(*row)
        for row in session.execute(
            select(
                Activity.id,
                Activity.title,
                Activity.kind,
                Activity.date,
                Activity.department_code,
                Activity.capacity,
                Activity.seats_taken,
            )
            .where(upcoming)
            .order_by(Activity.date, Activity.start_time, Activity.id)
            .limit(COMING_ACTIVITIES_LIMIT)
        )
    ]
    return count, first


def activities(
    session: Session,
    *,
    departments: tuple[str, ...] | None,
    cohort: str | None = None,
    period: Period | None = None,
    today: date,
) -> Activities:
    """Coming: not cancelled, from today on. Attendance: enrolments marked present, excused or
    absent, over the activities held within the period (or up to today)."""
    scope = in_scope(Activity.department_code, departments)
    coming_count, coming = coming_activities(session, departments=departments, today=today)
    held = Activity.date.between(*period) if period else Activity.date <= today
    # Counted per activity first, from the (activity, attendance) index alone, then summed by
    # kind over the few thousand activities: no lookup per enrolment.
    per_activity = (
        select(
            Enrollment.activity_id,
            Enrollment.attendance,
            func.count().label("marked"),
        )
        .where(Enrollment.attendance != Attendance.PENDING)
        .group_by(Enrollment.activity_id, Enrollment.attendance)
        .subquery()
    )
    counts: dict[tuple[ActivityKind, Attendance], int] = {
        (kind, attendance): int(value)
        for kind, attendance, value in session.execute(
            select(Activity.kind, per_activity.c.attendance, func.sum(per_activity.c.marked))
            .join(per_activity, per_activity.c.activity_id == Activity.id)
            .where(scope, held)
            .group_by(Activity.kind, per_activity.c.attendance)
        )
    }
    attendance = [
        KindAttendance(
            kind,
            counts.get((kind, Attendance.ATTENDED), 0),
            counts.get((kind, Attendance.EXCUSED), 0),
            counts.get((kind, Attendance.ABSENT), 0),
        )
        for kind in ActivityKind
    ]
    return Activities(coming=coming, coming_count=coming_count, attendance=attendance)
