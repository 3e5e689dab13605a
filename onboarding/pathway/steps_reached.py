"""The pathway steps a candidate has reached, kept on the candidate so that the funnel counts
every step in one scan of the candidates instead of joining every attended enrolment.

A step is reached with one attended activity of it. `Candidate.steps_reached` holds those step
ids as ",1,3,": derived data, never typed. Any flush that adds, changes or removes an
enrolment's attendance, or moves an activity to another step, recomputes it for the candidates
concerned, in the same transaction, so no code path has to remember it.
"""

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import Connection, event, func, inspect, select
from sqlalchemy.orm import Session

from onboarding.pathway import derived
from onboarding.pathway.models import Activity, Attendance, Candidate, Enrollment

_PENDING = "steps_reached_pending"
# Candidates recomputed per statement: bounded IN lists on every database.
_CHUNK = 500


def encode(step_ids: Iterable[int]) -> str | None:
    """ ",1,3," for steps 1 and 3; None when no step is reached."""
    ids = sorted(set(step_ids))
    return f",{','.join(map(str, ids))}," if ids else None


def decode(value: str | None) -> set[int]:
    return {int(part) for part in (value or "").split(",") if part}


def reached(step_id: int, *, dialect: str):
    """The SQL condition "this candidate reached the step", for counting in one scan. SQLite's
    instr() finds the id a fifth faster than a LIKE pattern (100,000 rows, four steps)."""
    needle = f",{int(step_id)},"
    if dialect == "sqlite":
        return func.instr(Candidate.steps_reached, needle) > 0
    return func.strpos(Candidate.steps_reached, needle) > 0


def recompute(connection: Connection, candidate_ids: Iterable[int]) -> dict[int, str | None]:
    """Write the column for these candidates from their attended enrolments; returns it."""
    ids = sorted(set(candidate_ids))
    values: dict[int, str | None] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        steps: dict[int, set[int]] = defaultdict(set)
        for candidate_id, step_id in connection.execute(
            select(Enrollment.candidate_id, Activity.step_id)
            .join(Activity, Activity.id == Enrollment.activity_id)
            .where(
                Enrollment.candidate_id.in_(chunk),
                Enrollment.attendance == Attendance.ATTENDED,
            )
            .distinct()
        ):
            steps[candidate_id].add(step_id)
        found = {id_: encode(steps.get(id_, ())) for id_ in chunk}
        derived.write(connection, "steps_reached", found)
        values.update(found)
    return values


def _changed(obj, *names: str) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


def _previous(obj, name: str) -> list:
    return list(inspect(obj).attrs[name].history.deleted or ())


@event.listens_for(Session, "before_flush")
def _note_candidates_concerned(session: Session, flush_context, instances) -> None:
    """Before the flush, while the old values are known: whose steps may change."""
    concerned = session.info.setdefault(_PENDING, [])
    for obj in session.new:
        if isinstance(obj, Enrollment) and obj.attendance == Attendance.ATTENDED:
            concerned.append(_whose(obj))
    for obj in session.deleted:
        if isinstance(obj, Enrollment):
            concerned.append(obj.candidate_id)
        elif isinstance(obj, Activity):
            concerned.extend(_attendees(session, obj.id))
    for obj in session.dirty:
        if isinstance(obj, Enrollment) and _changed(
            obj, "attendance", "activity_id", "activity", "candidate_id", "candidate"
        ):
            concerned.append(_whose(obj))
            concerned.extend(_previous(obj, "candidate_id"))
            concerned.extend(_previous(obj, "candidate"))
        elif isinstance(obj, Activity) and _changed(obj, "step_id", "step"):
            concerned.extend(_attendees(session, obj.id))


def _whose(enrollment: Enrollment) -> int | Candidate:
    """The candidate's id, or the candidate itself while a new one has no id yet."""
    return enrollment.candidate_id if enrollment.candidate_id is not None else enrollment.candidate


def _attendees(session: Session, activity_id: int | None) -> list[int]:
    if activity_id is None:
        return []
    with session.no_autoflush:
        return list(
            session.scalars(
                select(Enrollment.candidate_id).where(
                    Enrollment.activity_id == activity_id,
                    Enrollment.attendance == Attendance.ATTENDED,
                )
            )
        )


@event.listens_for(Session, "after_flush")
def _recompute_concerned(session: Session, flush_context) -> None:
    """After the flush, the database holds the new enrolments: recompute from it."""
    ids = derived.noted_ids(session, _PENDING)
    if ids:
        derived.show_loaded(session, "steps_reached", recompute(session.connection(), ids))
