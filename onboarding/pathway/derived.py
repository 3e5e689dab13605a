"""What the listeners that keep a candidate's derived columns share (`steps_reached`,
`missing_pieces`, `next_deadline`): the candidates noted before a flush, as ids once it has run,
and the values recomputed shown on the candidates already loaded."""

from sqlalchemy import Connection, bindparam, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from onboarding.pathway.models import Candidate


def noted_ids(session: Session, key: str) -> set[int]:
    """The candidates noted under `key` in `session.info` before the flush (ids, or objects
    that had none yet and have one now); the note is taken off."""
    concerned = session.info.pop(key, None) or ()
    ids = {item.id if isinstance(item, Candidate) else item for item in concerned}
    ids.discard(None)
    return ids


def write(connection: Connection, column: str, values: dict[int, object]) -> None:
    """One UPDATE of the column for these candidates ({id: value})."""
    table = Candidate.__table__
    connection.execute(
        update(table)
        .where(table.c.id == bindparam("key"))
        # Derived data: recomputing it is not an edit of the person's record.
        .values({column: bindparam("value"), "updated_at": table.c.updated_at}),
        [{"key": id_, "value": value} for id_, value in values.items()],
    )


def show_loaded(session: Session, column: str, values: dict[int, object]) -> None:
    """Loaded candidates see the new values without a reload and without being marked changed."""
    for id_, value in values.items():
        obj = session.identity_map.get(Session.identity_key(Candidate, id_))
        if obj is not None:
            set_committed_value(obj, column, value)
