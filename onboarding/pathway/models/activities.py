"""The configurable pathway (steps), the activities serving it, enrolments and PMSMP conventions."""

import datetime as dt
from datetime import date, datetime, time
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
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from onboarding.pathway.base import (
    Choice,
    InCommune,
    Model,
    UTCDateTime,
    choice_column_type,
    utcnow,
)

if TYPE_CHECKING:
    from onboarding.pathway.models.candidates import Candidate
    from onboarding.pathway.models.reference import Commune
    from onboarding.pathway.models.staff import StaffUser


class ActivityKind(Choice):
    INFORMATION = "information", "Réunion d'information"
    IMMERSION = "immersion", "Journée d'immersion"
    COACHING = "coaching", "Accompagnement collectif"
    MODULE = "module", "Module complémentaire"


class PathwayStep(Model):
    """One step of the pathway as the programme configures it (a product rule, not the law)."""

    __tablename__ = "pathway_step"
    __table_args__ = (
        CheckConstraint("required_sessions >= 0", name="required_sessions_positive"),
        CheckConstraint("required_hours >= 0", name="required_hours_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ActivityKind] = mapped_column(choice_column_type(ActivityKind, "activity_kind"))
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    is_mandatory: Mapped[bool] = mapped_column(Boolean, default=True)
    # Done when at least this many activities of the step were attended...
    required_sessions: Mapped[int] = mapped_column(Integer, default=1)
    # ...and at least these hours credited.
    required_hours: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal(0))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __repr__(self) -> str:
        return f"<PathwayStep {self.id} {self.kind}>"

    def __str__(self) -> str:
        return self.title


class Activity(InCommune, Model):
    """A dated session of a step: a meeting, an immersion day, a workshop or a module."""

    __tablename__ = "activity"
    __table_args__ = (
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint(
            "seats_taken >= 0 AND seats_taken <= capacity", name="seats_within_capacity"
        ),
        CheckConstraint("end_time > start_time", name="ends_after_start"),
        # The activities to come (the panel's home) are counted from these indexes alone.
        Index("ix_activity_department_date", "department_code", "date", "is_cancelled"),
        Index("ix_activity_date_cancelled", "date", "is_cancelled"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("pathway_step.id"), index=True)
    kind: Mapped[ActivityKind] = mapped_column(choice_column_type(ActivityKind, "activity_kind"))
    title: Mapped[str] = mapped_column(String(150))
    # Annotated through the module: a class attribute named "date" shadows the type below it.
    date: Mapped[dt.date] = mapped_column(Date)
    # Local times, Europe/Paris.
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    place_name: Mapped[str] = mapped_column(String(150))
    address: Mapped[str] = mapped_column(String(200), default="")
    commune_insee: Mapped[str] = mapped_column(ForeignKey("commune.insee_code"))
    department_code: Mapped[str] = mapped_column(String(3))
    # The host of an immersion (a MAM, a crèche), and its SIRET for the PMSMP convention.
    host_name: Mapped[str | None] = mapped_column(String(150))
    host_siret: Mapped[str | None] = mapped_column(String(14))
    capacity: Mapped[int] = mapped_column(Integer)
    # Kept by the database in the same statement that takes a seat, so two coordinators
    # taking the last seat at once cannot both succeed.
    seats_taken: Mapped[int] = mapped_column(Integer, default=0)
    what_to_bring: Mapped[str] = mapped_column(Text, default="")
    is_cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    # Bumped at each change people must hear of (date, times, place, cancellation): the
    # SEQUENCE of its calendar event, and the occasion of the notice sent to those enrolled.
    sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    step: Mapped[PathwayStep] = relationship()
    commune: Mapped["Commune"] = relationship()
    enrollments: Mapped[list["Enrollment"]] = relationship(back_populates="activity")

    def __repr__(self) -> str:
        return f"<Activity {self.id} {self.kind} {self.date}>"

    def __str__(self) -> str:
        return f"{self.title} – {self.date:%d/%m/%Y}"

    @property
    def duration_hours(self) -> Decimal:
        minutes = (self.end_time.hour * 60 + self.end_time.minute) - (
            self.start_time.hour * 60 + self.start_time.minute
        )
        return (Decimal(minutes) / 60).quantize(Decimal("0.01"))

    @property
    def seats_left(self) -> int:
        return self.capacity - self.seats_taken


class Attendance(Choice):
    PENDING = "pending", "À venir"
    ATTENDED = "attended", "Présent"
    EXCUSED = "excused", "Absent excusé"
    ABSENT = "absent", "Absent"


class Enrollment(Model):
    __tablename__ = "enrollment"
    __table_args__ = (
        UniqueConstraint("candidate_id", "activity_id"),
        CheckConstraint(
            "hours_credited IS NULL OR hours_credited >= 0", name="hours_credited_positive"
        ),
        # Roll calls by activity, and attendance counted per activity from the index alone.
        Index("ix_enrollment_activity_attendance", "activity_id", "attendance"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id"), index=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id"))
    attendance: Mapped[Attendance] = mapped_column(
        choice_column_type(Attendance, "attendance"), default=Attendance.PENDING
    )
    hours_credited: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    # True when the candidate said from their space that they cannot come.
    excused_by_candidate: Mapped[bool] = mapped_column(Boolean, default=False)
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    enrolled_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )
    marked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    candidate: Mapped["Candidate"] = relationship(back_populates="enrollments")
    activity: Mapped[Activity] = relationship(back_populates="enrollments")
    enrolled_by: Mapped["StaffUser | None"] = relationship()

    def __repr__(self) -> str:
        return f"<Enrollment {self.candidate_id}×{self.activity_id} {self.attendance}>"


class ImmersionPurpose(Choice):
    DISCOVER = "discover", "Découvrir un métier"
    CONFIRM = "confirm", "Confirmer un projet professionnel"
    RECRUIT = "recruit", "Initier une démarche de recrutement"


class ImmersionConvention(Model):
    """A PMSMP convention: the tripartite agreement behind a job seeker's immersion days."""

    __tablename__ = "immersion_convention"
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id"), index=True)
    host_name: Mapped[str] = mapped_column(String(150))
    host_siret: Mapped[str] = mapped_column(String(14), index=True)
    # The tripartite convention names the host's tutor and address, and the prescriber.
    host_tutor: Mapped[str] = mapped_column(String(150), default="", server_default="")
    host_address: Mapped[str] = mapped_column(String(200), default="", server_default="")
    prescriber: Mapped[str] = mapped_column(String(150), default="", server_default="")
    purpose: Mapped[ImmersionPurpose] = mapped_column(
        choice_column_type(ImmersionPurpose, "immersion_purpose")
    )
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    # A convention may be renewed once: the unique constraint forbids a second renewal.
    renewal_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("immersion_convention.id"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    candidate: Mapped["Candidate"] = relationship(back_populates="conventions")
    renewal_of: Mapped["ImmersionConvention | None"] = relationship(remote_side=[id])

    def __repr__(self) -> str:
        return f"<ImmersionConvention {self.id} {self.starts_on}–{self.ends_on}>"

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1
