"""The next deadline kept on the candidate's row, so that SQL sorts, filters and counts by it.

`Candidate.next_deadline_on` and `Candidate.next_deadline` hold what situation.next_deadline
returns (its date and code): derived data, never typed. Any flush that changes a candidate's
status, complete dossier or commune, or adds, changes or removes one of their decisions or
training records, or their carer's first child, recomputes it for the candidates concerned with
that same Python function, in the same transaction. So the list's column (Python) and its sort and
filter (SQL) cannot disagree, and no code path has to remember it.

Where part-1 training gets 8 months depends on the configuration: after changing
EXTENDED_TRAINING_DEPARTMENTS, `flask --app onboarding recompute-deadlines` rewrites every row.
"""

from collections.abc import Iterable

from sqlalchemy import Connection, bindparam, event, inspect, select, update
from sqlalchemy.orm import Session, load_only, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from onboarding.pathway import derived, situation
from onboarding.pathway.models import AgrementDecision, Candidate, Carer, Training

_PENDING = "next_deadline_pending"
_CHUNK = 500
# What the rule reads on the candidate's own row.
_WATCHED_FIELDS = {
    Candidate: (
        "status", "dossier_complete_on", "commune_insee", "department_code", "has_cap_aepe_units",
    ),
    AgrementDecision: ("outcome", "decided_on", "valid_until", "candidate_id"),
    Training: (
        "part", "block", "kind", "hours", "passed", "completed_on", "includes_first_aid",
        "candidate_id",
    ),
    Carer: ("first_child_on", "candidate_id"),
}  # fmt: skip


def compute(candidates: Iterable[Candidate]) -> dict[int, tuple]:
    """(date, code) of each candidate's next deadline, by id."""
    values = {}
    for candidate in candidates:
        deadline = situation.next_deadline(candidate)
        values[candidate.id] = (deadline.due_on, deadline.code) if deadline else (None, None)
    return values


def _write(connection: Connection, values: dict[int, tuple]) -> None:
    if not values:
        return
    table = Candidate.__table__
    connection.execute(
        update(table)
        .where(table.c.id == bindparam("key"))
        # Derived data: recomputing it is not an edit of the person's record.
        .values(
            next_deadline_on=bindparam("due_on"),
            next_deadline=bindparam("code"),
            updated_at=table.c.updated_at,
        ),
        [{"key": id_, "due_on": due, "code": code} for id_, (due, code) in values.items()],
    )


def _load(session: Session, ids: list[int], *, rule_columns_only: bool) -> list[Candidate]:
    """The candidates with what the rule reads, as the database now holds it."""
    query = select(Candidate).where(Candidate.id.in_(ids))
    if rule_columns_only:
        # A migration's schema may lack columns added later: read only what the rule needs.
        return list(
            session.scalars(
                query.options(
                    load_only(
                        Candidate.status, Candidate.dossier_complete_on,
                        Candidate.department_code, Candidate.has_cap_aepe_units,
                    ),
                    selectinload(Candidate.decisions).load_only(
                        AgrementDecision.outcome, AgrementDecision.decided_on,
                        AgrementDecision.valid_until,
                    ),
                    selectinload(Candidate.trainings).load_only(
                        Training.part, Training.block, Training.kind, Training.hours,
                        Training.passed, Training.completed_on, Training.includes_first_aid,
                    ),
                    selectinload(Candidate.carer).load_only(Carer.first_child_on),
                )
            )
        )  # fmt: skip
    return list(
        session.scalars(
            query.options(
                selectinload(Candidate.decisions),
                selectinload(Candidate.trainings),
                selectinload(Candidate.carer),
            ).execution_options(populate_existing=True)
        )
    )


def recompute(
    session: Session,
    candidate_ids: Iterable[int] | None = None,
    *,
    rule_columns_only: bool = False,
) -> int:
    """Rewrite the columns for these candidates (all of them when None); returns how many."""
    if candidate_ids is None:
        candidate_ids = session.scalars(select(Candidate.id))
    ids = sorted(set(candidate_ids))
    with session.no_autoflush:
        for start in range(0, len(ids), _CHUNK):
            chunk = _load(session, ids[start : start + _CHUNK], rule_columns_only=rule_columns_only)
            values = compute(chunk)
            if rule_columns_only:
                _write(session.connection(), values)
            else:
                # A row whose deadline stays the same is not rewritten (an import's new
                # candidates, thousands at a time, mostly have none).
                _write(session.connection(), {
                    c.id: values[c.id] for c in chunk
                    if (c.next_deadline_on, c.next_deadline) != values[c.id]
                })  # fmt: skip
            for candidate in chunk:
                due, code = values[candidate.id]
                set_committed_value(candidate, "next_deadline_on", due)
                set_committed_value(candidate, "next_deadline", code)
    return len(ids)


def _changed(obj, *names: str) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


def _owner(obj) -> int | Candidate | None:
    """The candidate a decision, training record or carer belongs to (or the candidate)."""
    if isinstance(obj, Candidate):
        return obj.id if obj.id is not None else obj
    if obj.candidate_id is not None:
        return obj.candidate_id
    return obj.candidate


@event.listens_for(Session, "before_flush")
def _note_candidates_concerned(session: Session, flush_context, instances) -> None:
    concerned = session.info.setdefault(_PENDING, [])
    for obj in session.new:
        if isinstance(obj, Candidate | AgrementDecision | Training | Carer):
            concerned.append(_owner(obj))
    for obj in session.deleted:
        if isinstance(obj, AgrementDecision | Training | Carer):
            concerned.append(_owner(obj))
    for obj in session.dirty:
        fields = _WATCHED_FIELDS.get(type(obj))
        if fields and _changed(obj, *fields):
            concerned.append(_owner(obj))


@event.listens_for(Session, "after_flush_postexec")
def _recompute_concerned(session: Session, flush_context) -> None:
    """Once the flush is done, the database holds the new rows: recompute from them."""
    ids = derived.noted_ids(session, _PENDING)
    if ids:
        recompute(session, ids)
