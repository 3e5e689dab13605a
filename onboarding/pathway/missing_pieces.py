"""How many pieces of a candidate's dossier are still missing, kept on the candidate
(`Candidate.missing_pieces`) so that "pieces missing" and "all received" (the panel's list, its
home, the indicators) read one column instead of searching every dossier's pieces.

Derived data, never typed: any flush that adds, removes or changes a piece (its status or its
candidate) recounts it for the candidates concerned, in the same transaction. A bulk write of
pieces (no flush) calls `recompute` itself, as `dossier.create_checklists` does.
"""

from collections.abc import Iterable

from sqlalchemy import Connection, event, func, inspect, select
from sqlalchemy.orm import Session

from onboarding.pathway import derived
from onboarding.pathway.models import DossierItem, DossierItemStatus

_PENDING = "missing_pieces_pending"
# Candidates recounted per statement: bounded IN lists on every database.
_CHUNK = 500


def recompute(connection: Connection, candidate_ids: Iterable[int]) -> dict[int, int]:
    """Write the column for these candidates from their pieces; returns it."""
    ids = sorted(set(candidate_ids))
    values: dict[int, int] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        counts = dict(
            connection.execute(
                select(DossierItem.candidate_id, func.count())
                .where(
                    DossierItem.candidate_id.in_(chunk),
                    DossierItem.status == DossierItemStatus.MISSING,
                )
                .group_by(DossierItem.candidate_id)
            ).all()
        )
        found = {id_: counts.get(id_, 0) for id_ in chunk}
        derived.write(connection, "missing_pieces", found)
        values.update(found)
    return values


def _owners(obj: DossierItem) -> list:
    """The piece's candidates, before and after the flush: ids, or objects (a candidate set
    through the relationship is known to the id only once the flush has run)."""
    state = inspect(obj)
    owners = [obj.candidate_id]
    for name in ("candidate_id", "candidate"):
        history = state.attrs[name].history
        owners += [*(history.added or ()), *(history.deleted or ())]
    if owners == [None]:
        owners = [obj.candidate]
    return [owner for owner in owners if owner is not None]


@event.listens_for(Session, "before_flush")
def _note_candidates_concerned(session: Session, flush_context, instances) -> None:
    concerned = session.info.setdefault(_PENDING, [])
    for obj in (*session.new, *session.deleted):
        if isinstance(obj, DossierItem):
            concerned += _owners(obj)
    for obj in session.dirty:
        if isinstance(obj, DossierItem):
            state = inspect(obj)
            if any(
                state.attrs[name].history.has_changes()
                for name in ("status", "candidate_id", "candidate")
            ):
                concerned += _owners(obj)


@event.listens_for(Session, "after_flush")
def _recount_concerned(session: Session, flush_context) -> None:
    ids = derived.noted_ids(session, _PENDING)
    if ids:
        derived.show_loaded(session, "missing_pieces", recompute(session.connection(), ids))
