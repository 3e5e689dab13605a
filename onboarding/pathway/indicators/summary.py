"""The indicators' summary rows (`IndicatorCount`), kept in the same transaction as the changes.

Any flush that touches what a count reads (a candidate's entry, status, dossier and its pieces,
configuration or steps; a decision, training record, withdrawal, carer or place; an enrolment or
its attendance, an activity; a parent's request) subtracts what the records concerned counted
before the flush and adds what they count after it, both read by `counted` from the database (the
listeners are registered by `pathway.indicator_listeners`). `rebuild` writes every
row anew from the same functions: `flask --app onboarding rebuild-indicators`, after writing to
those tables outside the application (bulk loads, SQL by hand).
"""

from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date

from sqlalchemy import delete, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from onboarding.pathway.indicators import counted
from onboarding.pathway.models import (
    Activity,
    AgrementDecision,
    Attendance,
    Candidate,
    Carer,
    ContactRequest,
    DossierItem,
    Enrollment,
    IndicatorCount,
    Training,
    TransitionLog,
    Vacancy,
)

# The département code of the rows summed over every département, and the day of the rows
# summed over every day (grain "total").
ALL_DEPARTMENTS = ""
EVERY_DAY = date(2000, 1, 1)
_PENDING = "indicator_counts_pending"
_BATCH = 5_000
_COLUMNS = ("section", "grain", "department_code", "day", "key", "detail", "value")
# What the counts read on each record's own row.
_WATCHED = {
    # With what the next deadline reads (`next_deadline`, rewritten by the same flush).
    Candidate: (
        "referred_on", "department_code", "commune_insee", "status", "dossier_filed_on",
        "dossier_complete_on", "withdrawal_reason", "pathway_configuration_id",
        "has_cap_aepe_units",
    ),
    AgrementDecision: ("outcome", "decided_on", "valid_until", "candidate_id", "candidate"),
    Training: (
        "part", "block", "kind", "hours", "passed", "completed_on", "includes_first_aid",
        "candidate_id", "candidate",
    ),
    TransitionLog: ("name", "from_status", "candidate_id", "candidate"),
    # With what `pathway.shown` reads.
    Carer: (
        "is_published", "agrement_capacity", "department_code", "commune_insee", "candidate_id",
        "candidate", "first_child_on", "publication_consent_at", "withdrawn_on",
        "agrement_expires_on", "agrement_suspended_until", "training_part1_on",
        "last_confirmed_on",
    ),
    Vacancy: ("carer_id", "carer", "created_at", "available_from"),
    Enrollment: ("attendance", "activity_id", "activity", "candidate_id", "candidate"),
    Activity: (
        "step_id", "step", "date", "department_code", "commune_insee", "kind", "is_cancelled",
    ),
    DossierItem: ("status", "candidate_id", "candidate"),
    ContactRequest: (
        "outcome", "outcome_on", "is_job_seeker", "created_at", "carer_id", "carer",
        "referral_id", "email", "phone",
    ),
}  # fmt: skip


# --- writing the rows --------------------------------------------------------------------------
def month_of(day: date) -> date:
    return day.replace(day=1)


def by_grain(counts: Counter) -> Counter:
    """Each (section, département, day, key, detail, value) count as its rows: the day's, the
    month's and the total (every day), each for its département and for all of them.

    An event's count (`counted.EVENTS`: it holds from the day its value gives) is kept in two
    ways besides: per month of that day (grain "<day's grain>m", `day` the day's grain, `value`
    the month's ordinal) and per day ("<day's grain>d", `day` the event's day, `value` the
    ordinal of the day's grain), so that "up to today" reads the months before today's and the
    days of today's month, each from the index."""
    rows: Counter = Counter()
    for (section, department, day, key, detail, value), count in counts.items():
        grains = (("day", day), ("month", month_of(day)), ("total", EVERY_DAY))
        for code in (department, ALL_DEPARTMENTS):
            if section in counted.EVENTS:
                on = date.fromordinal(value)
                for grain, grain_day in grains:
                    month = month_of(on).toordinal()
                    rows[(section, f"{grain[0]}m", code, grain_day, key, detail, month)] += count
                    grain_value = grain_day.toordinal()
                    rows[(section, f"{grain[0]}d", code, on, key, detail, grain_value)] += count
            else:
                for grain, grain_day in grains:
                    rows[(section, grain, code, grain_day, key, detail, value)] += count
    return Counter({row: count for row, count in rows.items() if count})


def _upsert(session: Session):
    table = IndicatorCount.__table__
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(table)
    return statement.on_conflict_do_update(
        index_elements=list(_COLUMNS), set_={"count": table.c.count + statement.excluded.count}
    )


def apply(session: Session, delta: Counter) -> None:
    """Add these differences (per day; the months follow) to the rows."""
    # In the order of the index: concurrent transactions lock the rows they share in the same
    # order, and wait for each other rather than deadlock.
    rows = [
        dict(zip(_COLUMNS, key, strict=True), count=count)
        for key, count in sorted(by_grain(delta).items(), key=lambda item: _order(item[0]))
        if count
    ]
    if not rows:
        return
    # A row brought back to zero stays (it sums to nothing): deleting it would cost a statement
    # per flush, and the rows are bounded by the keys anyway.
    session.connection().execute(_upsert(session), rows)


def _order(key: tuple) -> tuple:
    section, grain, department, day, name, detail, value = key
    return (section, grain, day, department, name, detail, value)


def everything(session: Session) -> Counter:
    """Every count, from every record."""
    # update(), not +: Counter's + drops the negative counts of events.
    counts = counted.candidates(session)
    counts.update(counted.activities(session))
    counts.update(counted.requests(session))
    return counts


def rebuild(session: Session) -> int:
    """Every row anew; returns how many. One part of the counts at a time (they share no row),
    so that a million candidates' rows are never all in memory."""
    connection = session.connection()
    connection.execute(delete(IndicatorCount.__table__))
    parts = [
        *(lambda part=part: counted.candidates(session, parts=[part])
          for part in counted.CANDIDATE_PARTS),
        lambda: counted.activities(session),
        lambda: counted.requests(session),
    ]  # fmt: skip
    written = 0
    for part in parts:
        rows = [
            dict(zip(_COLUMNS, key, strict=True), count=count)
            for key, count in by_grain(part()).items()
        ]
        for start in range(0, len(rows), _BATCH):
            connection.execute(IndicatorCount.__table__.insert(), rows[start : start + _BATCH])
        written += len(rows)
    return written


def stored(session: Session) -> Counter:
    """The rows as they are but those at zero, keyed as `by_grain` keys them (for the checks)."""
    table = IndicatorCount.__table__
    return Counter(
        {
            tuple(row[:-1]): row[-1]
            for row in session.execute(
                select(*(table.c[name] for name in _COLUMNS), table.c.count).where(
                    table.c.count != 0
                )
            )
        }
    )


@contextmanager
def kept(
    session: Session,
    *,
    candidates: Iterable[int] = (),
    activities: Iterable[int] = (),
    requests: Iterable[int] = (),
) -> Iterator[None]:
    """Around a bulk UPDATE or DELETE, which no flush sees: the counts of these records before
    it, then after it."""
    session.flush()
    concerned = _Concerned()
    concerned.candidates = list(candidates)
    concerned.activities = list(activities)
    concerned.requests = list(requests)
    with session.no_autoflush:
        before = concerned.counts(session)
    yield
    with session.no_autoflush:
        delta = concerned.counts(session)
        delta.subtract(before)
        apply(session, delta)


# --- keeping them on every flush ---------------------------------------------------------------
class _Concerned:
    """The records whose counts a flush may change: ids, or objects still without one."""

    def __init__(self) -> None:
        self.candidates: list = []
        # Candidates concerned only through an attendance or a dossier piece: only the steps
        # they reached and their dossier's pieces (the funnel part) may change.
        self.attendees: list = []
        self.activities: list = []
        self.requests: list = []
        self.carers: list[int] = []
        self.before = Counter()

    def __bool__(self) -> bool:
        return bool(self.candidates or self.attendees or self.activities or self.requests)

    def ids(self) -> tuple[set[int], set[int], set[int], set[int]]:
        def resolve(items) -> set[int]:
            found = {item if isinstance(item, int) else getattr(item, "id", None) for item in items}
            found.discard(None)
            return found

        candidates = resolve(self.candidates)
        attendees = resolve(self.attendees) - candidates
        return candidates, attendees, resolve(self.activities), resolve(self.requests)

    def counts(self, session: Session) -> Counter:
        candidates, attendees, activities, requests = self.ids()
        counts: Counter = Counter()
        if candidates:
            counts.update(counted.candidates(session, candidates))
        if attendees:
            counts.update(counted.candidates(session, attendees, parts=counted.STEP_PARTS))
        if activities:
            counts.update(counted.activities(session, activities))
        if requests:
            counts.update(counted.requests(session, requests))
        return counts


def _changed(obj) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in _WATCHED[type(obj)])


def _unmarked_enrolment(obj) -> bool:
    """An enrolment added or removed before its roll call: no step is reached by it and no
    attendance counts it; only whether its activity awaits a roll call may change."""
    if not isinstance(obj, Enrollment):
        return False
    history = inspect(obj).attrs.attendance.history
    was_marked = any(value not in (None, Attendance.PENDING) for value in history.deleted or ())
    return obj.attendance in (None, Attendance.PENDING) and not was_marked


def _both(obj, id_name: str, relation: str) -> list:
    """The record's owners before and after the flush: ids, or objects (an owner set through
    the relationship is known to the id only once the flush has run)."""
    state = inspect(obj)
    owners = [getattr(obj, id_name)]
    for name in (id_name, relation):
        history = state.attrs[name].history
        owners += [*(history.added or ()), *(history.deleted or ())]
    if owners == [None]:
        owners = [getattr(obj, relation)]
    return [owner for owner in owners if owner is not None]


def _note(session: Session, obj, concerned: _Concerned) -> None:
    if isinstance(obj, Candidate):
        concerned.candidates.append(obj.id if obj.id is not None else obj)
    elif isinstance(obj, AgrementDecision | Training | TransitionLog):
        concerned.candidates += _both(obj, "candidate_id", "candidate")
    elif isinstance(obj, Carer):
        concerned.candidates += _both(obj, "candidate_id", "candidate")
        if obj.id is not None:
            # Her requests count in her département: read for all such carers at once.
            concerned.carers.append(obj.id)
    elif isinstance(obj, Vacancy):
        for carer in _both(obj, "carer_id", "carer"):
            if isinstance(carer, int):
                carer = session.get(Carer, carer)
            if carer is not None:
                concerned.candidates.append(
                    carer.candidate_id if carer.candidate_id is not None else carer.candidate
                )
    elif isinstance(obj, Enrollment):
        concerned.attendees += _both(obj, "candidate_id", "candidate")
        concerned.activities += _both(obj, "activity_id", "activity")
    elif isinstance(obj, DossierItem):
        concerned.attendees += _both(obj, "candidate_id", "candidate")
    elif isinstance(obj, Activity):
        concerned.activities.append(obj.id if obj.id is not None else obj)
        if obj.id is not None:
            # A step moved: the steps its attendees reached change.
            concerned.attendees += session.scalars(
                select(Enrollment.candidate_id).where(
                    Enrollment.activity_id == obj.id,
                    Enrollment.attendance == Attendance.ATTENDED,
                )
            ).all()
    elif isinstance(obj, ContactRequest):
        concerned.requests.append(obj.id if obj.id is not None else obj)


_DEFERRED = "indicator_counts_deferred"


@contextmanager
def deferred(session: Session):
    """A bulk load (the demo data): the flushes inside keep no count; the rows are rebuilt
    from every record at the end, in the same transaction. Rebuild = incremental (the tests
    check it), so the rows are the same; for a small database only: the rebuild reads all."""
    session.info[_DEFERRED] = True
    try:
        yield
        session.flush()
    finally:
        session.info.pop(_DEFERRED, None)
        session.info.pop(_PENDING, None)
    rebuild(session)


def count_before(session: Session) -> None:
    """Before the flush, while the database holds the old state: what the records concerned
    counted."""
    session.info.pop(_PENDING, None)
    if session.info.get(_DEFERRED):
        return
    concerned = _Concerned()
    with session.no_autoflush:
        for obj in (*session.new, *session.deleted):
            if _unmarked_enrolment(obj):
                concerned.activities += _both(obj, "activity_id", "activity")
            elif type(obj) in _WATCHED:
                _note(session, obj, concerned)
        for obj in session.dirty:
            if type(obj) in _WATCHED and _changed(obj):
                _note(session, obj, concerned)
        for start in range(0, len(concerned.carers), counted.CHUNK):
            concerned.requests += session.scalars(
                select(ContactRequest.id).where(
                    ContactRequest.carer_id.in_(concerned.carers[start : start + counted.CHUNK])
                )
            ).all()
        if not concerned:
            return
        concerned.before = concerned.counts(session)
    session.info[_PENDING] = concerned


def count_after(session: Session) -> None:
    """Once the flush is done (and the steps reached rewritten): what they count now."""
    concerned = session.info.pop(_PENDING, None)
    if not concerned:
        return
    with session.no_autoflush:
        delta = concerned.counts(session)
        delta.subtract(concerned.before)
        apply(session, delta)
