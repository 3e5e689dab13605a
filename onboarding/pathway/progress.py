"""A candidate's progress against the steps she follows, derived from attended activities."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from onboarding.pathway.models import Activity, Attendance, Enrollment
from onboarding.pathway.territories import FollowedStep, followed_steps

DONE, IN_PROGRESS, TO_DO = "done", "in_progress", "to_do"
STATE_LABELS = {DONE: "Fait", IN_PROGRESS: "En cours", TO_DO: "À faire"}


@dataclass(frozen=True)
class StepProgress:
    step: FollowedStep
    attended_sessions: int
    hours: Decimal
    upcoming_sessions: int

    @property
    def is_done(self) -> bool:
        return (
            self.attended_sessions >= self.step.required_sessions
            and self.hours >= self.step.required_hours
        )

    @property
    def state(self) -> str:
        if self.is_done:
            return DONE
        if self.attended_sessions or self.upcoming_sessions:
            return IN_PROGRESS
        return TO_DO

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def remaining(self) -> str:
        """What is left, in plain French: "2 séances et 3,5 h à suivre"."""
        if self.is_done:
            return ""
        parts = []
        sessions = self.step.required_sessions - self.attended_sessions
        if sessions > 0:
            parts.append(f"{sessions} séance{'s' if sessions > 1 else ''}")
        hours = self.step.required_hours - self.hours
        if hours > 0:
            parts.append(f"{format_hours(hours)} h")
        return " et ".join(parts) + " à suivre"


def format_hours(hours: Decimal) -> str:
    text = f"{hours.normalize():f}"
    return text.replace(".", ",")


def progress_by_candidate(
    session: Session, candidate_ids: list[int], today: date
) -> dict[int, list[StepProgress]]:
    """Each candidate's progress on the steps she follows (pathway.territories), in a few
    queries whatever their number."""
    if not candidate_ids:
        return {}
    steps = followed_steps(session, candidate_ids)
    attended = Enrollment.attendance == Attendance.ATTENDED
    rows = session.execute(
        select(
            Enrollment.candidate_id,
            Activity.step_id,
            func.sum(case((attended, 1), else_=0)),
            func.coalesce(func.sum(case((attended, Enrollment.hours_credited), else_=0)), 0),
            func.sum(
                case(
                    ((Enrollment.attendance == Attendance.PENDING) & (Activity.date >= today), 1),
                    else_=0,
                )
            ),
        )
        .join(Activity, Enrollment.activity_id == Activity.id)
        .where(Enrollment.candidate_id.in_(candidate_ids), Activity.is_cancelled.is_(False))
        .group_by(Enrollment.candidate_id, Activity.step_id)
    )
    counts: dict[int, dict[int, tuple[int, Decimal, int]]] = defaultdict(dict)
    for candidate_id, step_id, sessions, hours, upcoming in rows:
        counts[candidate_id][step_id] = (
            int(sessions or 0),
            Decimal(hours or 0),
            int(upcoming or 0),
        )
    return {
        candidate_id: [
            StepProgress(step, *counts[candidate_id].get(step.id, (0, Decimal(0), 0)))
            for step in steps[candidate_id]
        ]
        for candidate_id in candidate_ids
    }


def candidate_progress(session: Session, candidate_id: int, today: date) -> list[StepProgress]:
    return progress_by_candidate(session, [candidate_id], today)[candidate_id]


def missing_mandatory_steps(progress: list[StepProgress]) -> list[StepProgress]:
    return [p for p in progress if p.step.is_mandatory and not p.is_done]
