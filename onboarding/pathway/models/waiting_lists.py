"""Waiting lists: people waiting, in order, for a seat of a full activity."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from onboarding.pathway.base import Choice, Model, UTCDateTime, choice_column_type, utcnow

if TYPE_CHECKING:
    from onboarding.pathway.models.activities import Activity
    from onboarding.pathway.models.candidates import Candidate


class WaitingStatus(Choice):
    WAITING = "waiting", "En attente"
    # A freed seat is held for her until `offer_expires_at`: it counts in the activity's
    # seats_taken, so nobody else can take it meanwhile.
    OFFERED = "offered", "Proposition en cours"
    ENROLLED = "enrolled", "Inscrite"
    EXPIRED = "expired", "Proposition expirée"
    WITHDRAWN = "withdrawn", "Retirée de la liste"


ACTIVE_STATUSES = (WaitingStatus.WAITING, WaitingStatus.OFFERED)
_ACTIVE_SQL = "status IN ('waiting', 'offered')"


class WaitingListEntry(Model):
    """One person on one activity's waiting list; served first come, first served."""

    __tablename__ = "waiting_list_entry"
    __table_args__ = (
        # At most one live place in the queue per person and activity (and so at most one
        # held seat); a closed entry stays as the history of the list.
        Index(
            "uq_waiting_list_entry_active",
            "activity_id",
            "candidate_id",
            unique=True,
            postgresql_where=text(_ACTIVE_SQL),
            sqlite_where=text(_ACTIVE_SQL),
        ),
        # The queue of an activity, in order.
        Index("ix_waiting_list_entry_queue", "activity_id", "status", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id"))
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id"), index=True)
    status: Mapped[WaitingStatus] = mapped_column(
        choice_column_type(WaitingStatus, "waiting_status"), default=WaitingStatus.WAITING
    )
    # The order of the queue: earliest first (then the id, for the same instant).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    offered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    offer_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When she left the queue: enrolled, expired or withdrawn.
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    activity: Mapped["Activity"] = relationship()
    candidate: Mapped["Candidate"] = relationship()

    def __repr__(self) -> str:
        return f"<WaitingListEntry {self.candidate_id}×{self.activity_id} {self.status}>"
