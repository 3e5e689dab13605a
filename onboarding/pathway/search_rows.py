"""The search rows: one per place of a carer who chose to be shown, kept by the flushes.

`SearchRow` copies what the parents' search filters and ranks on: the carer's position and the
columns of the time-dependent terms of `pathway.shown` (the search applies those terms to the
row; the publication terms decide which carers have rows), the place's facts, and `rank_tail`,
the part of the ranking key that does not depend on the query.

The ranking key of a place for a query is one integer (`QUALITY_SHIFT`): its quality (covers
everything, half-days covered, needs covered) in the high bits, then its date reversed, then its
id reversed. The best place of a carer is then the `max()` of her keys, and the key says which
place it is (`vacancy_of`).

Any flush that adds, changes or deletes a carer's columns the rows copy, or one of her places,
rewrites her rows from the database's rows, in the same transaction, so no code path has to
remember them. Bulk writes that bypass the session (a migration, a benchmark's population) call
`rebuild` (`flask --app onboarding rebuild-search-rows`).
"""

import math
from collections.abc import Iterable
from datetime import date

from sqlalchemy import Connection, delete, event, insert, inspect, select
from sqlalchemy.orm import Session

from onboarding.pathway import shown
from onboarding.pathway.models import Carer, SearchRow, Vacancy
from onboarding.pathway.schedule import NEEDS

_PENDING = "search_rows_pending"
_CHUNK = 500
_BATCH = 5_000

# What a row copies: the carer's columns (her position, and those the terms of `shown` read),
# and the place's. A filter on the carer is a column here, on SearchRow, and a term in the
# search (`search._row_filters`).
CARER_COLUMNS = (
    "latitude", "longitude", "last_confirmed_on", "agrement_expires_on", "training_part1_on",
    "withdrawn_on", "agrement_suspended_until", "mam_id",
)  # fmt: skip
VACANCY_COLUMNS = ("available_from", "age_min_months", "age_max_months", "half_days")
# A change of these changes a carer's rows (the publication terms decide whether she has any).
_WATCHED_FIELDS = {
    Carer: (*CARER_COLUMNS, "is_published", "publication_consent_at"),
    Vacancy: (*VACANCY_COLUMNS, *NEEDS, "carer_id"),
}

# The ranking key: quality << QUALITY_SHIFT | (DAY_MASK - day) << ID_BITS | (ID_MASK - id).
ID_BITS = 32
ID_MASK = (1 << ID_BITS) - 1
DAY_BITS = 16
DAY_MASK = (1 << DAY_BITS) - 1
QUALITY_SHIFT = ID_BITS + DAY_BITS
TAIL_MASK = (1 << QUALITY_SHIFT) - 1
EPOCH = date(2000, 1, 1)
# Latitude bands: a box is a few bands, and a range of longitude in each.
BANDS_PER_DEGREE = 10


def band_of(latitude: float) -> int:
    return math.floor(latitude * BANDS_PER_DEGREE)


def bands_between(south: float, north: float) -> list[int]:
    return list(range(band_of(south), band_of(north) + 1))


def rank_tail(available_from: date, vacancy_id: int) -> int:
    """The key's low bits: the earlier place, then the smaller id, is the greater."""
    day = min(max((available_from - EPOCH).days, 0), DAY_MASK)
    return (DAY_MASK - day) << ID_BITS | (ID_MASK - vacancy_id)


def vacancy_of(tail: int) -> int:
    """The place a key (or its tail) stands for."""
    return ID_MASK - (tail & ID_MASK)


def needs_mask_of(place) -> int:
    return sum(1 << bit for bit, name in enumerate(NEEDS) if getattr(place, name))


def _rows_statement():
    return (
        select(
            Vacancy.id.label("vacancy_id"),
            Vacancy.carer_id,
            *(getattr(Carer, name) for name in CARER_COLUMNS),
            *(getattr(Vacancy, name) for name in VACANCY_COLUMNS),
            *(getattr(Vacancy, name) for name in NEEDS),
        )
        .join(Carer, Carer.id == Vacancy.carer_id)
        .where(shown.published_clause())
    )


def _values(row) -> dict:
    return {
        "vacancy_id": row.vacancy_id,
        "carer_id": row.carer_id,
        "band": band_of(row.latitude),
        **{name: getattr(row, name) for name in CARER_COLUMNS + VACANCY_COLUMNS},
        "needs": needs_mask_of(row),
        "rank_tail": rank_tail(row.available_from, row.vacancy_id),
    }


def _insert(connection: Connection, rows: Iterable) -> int:
    values = [_values(row) for row in rows]
    if values:
        connection.execute(insert(SearchRow), values)
    return len(values)


def refresh(connection: Connection, carer_ids: Iterable[int]) -> None:
    """Rewrite the rows of these carers from the carer and vacancy tables."""
    ids = sorted(set(carer_ids))
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        connection.execute(delete(SearchRow).where(SearchRow.carer_id.in_(chunk)))
        _insert(connection, connection.execute(_rows_statement().where(Carer.id.in_(chunk))))


def rebuild(connection: Connection) -> int:
    """Every row anew; returns how many."""
    connection.execute(delete(SearchRow))
    result = connection.execute(
        _rows_statement().order_by(Vacancy.id).execution_options(yield_per=_BATCH)
    )
    return sum(_insert(connection, rows) for rows in result.partitions())


def _changed(obj, names) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


def _carers_of(obj) -> set[int | None]:
    """The carers whose rows may change with this object: her, or the place's (both when it
    moved from one to another)."""
    if isinstance(obj, Carer):
        return {obj.id}
    history = inspect(obj).attrs.carer_id.history
    return {obj.carer_id, *history.deleted}


@event.listens_for(Session, "after_flush")
def _note_carers_concerned(session: Session, flush_context) -> None:
    """Read while the flushed changes are still known (history, new and deleted objects)."""
    concerned = session.info.setdefault(_PENDING, set())
    for obj in (*session.new, *session.deleted):
        if isinstance(obj, Carer | Vacancy):
            concerned |= _carers_of(obj)
    for obj in session.dirty:
        fields = _WATCHED_FIELDS.get(type(obj))
        if fields and _changed(obj, fields):
            concerned |= _carers_of(obj)


@event.listens_for(Session, "after_flush_postexec")
def _refresh_concerned(session: Session, flush_context) -> None:
    concerned = session.info.pop(_PENDING, None)
    if concerned:
        concerned.discard(None)
        refresh(session.connection(), concerned)
