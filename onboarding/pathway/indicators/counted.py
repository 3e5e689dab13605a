"""What each record adds to the indicators' summary: the counts of some candidates, activities or
parents' requests (or of all of them), as rows (section, département, day, key, detail, value) →
count, computed by grouped SQL over the same columns and expressions as the plain computation.

The rebuild sums them over every record; a flush subtracts what the records it changes counted
before and adds what they count after (`summary`). Both read this module, so the two agree.

Sections and their keys:
- "funnel" (the candidate's département and entry day): "entered" per pathway configuration
  (detail: its id, "" for the national pathway), "reached" per configuration and step
  ("<configuration>:<step>"), "dossier_filed", "granted", "deemed_granted", "refused",
  "training_done", "published", and "withdrawn" per reason and status left ("<reason>|<status>");
- "delay" (idem): key the delay, detail the month of its ending event, value its days;
- "places" (the carer's département, her candidate's entry day; detail the candidate's
  département): "carers" and "approved" (the agrément capacity);
- "status" (the candidate's département and entry day): key the status, detail "missing" for a
  filed dossier with a piece still missing (`workload.has_missing_pieces`), else "";
- "attendance" (the activity's département and date): key its kind, detail the attendance;
- "request" (the carer's département, the UTC day of the request): key the outcome, detail
  "job_seeker" or "", value 1 when answered within ANSWER_DAYS;
- "parent" (idem), parents' own requests marked job seeker: detail the parent
  (`intermediation.PARENT_KEY`), value 1 for a request at "contrat signé".

Two sections count on a day that depends on "today": their `value` is the day from which a
count holds (`EVENTS`), and the figure for a day sums the counts of the days up to it:
- "deadline" (the candidate's département and entry day): key the next deadline, +1 from the
  day after it is due;
- "free" (as "places"): key "free", +1 from the first day a place is shown to parents (today's
  rule, `pathway.shown`) and -1 from the day after the last;
- "roll_call" (the activity's département and date): +1 from the day after an activity not
  cancelled with someone's attendance not marked (`workload.awaiting_roll_call`).
"""

from collections import Counter
from collections.abc import Iterable
from datetime import UTC, date, timedelta

from sqlalchemy import Row, and_, case, func, select, true
from sqlalchemy.orm import Session

# Modules: they import the models, which import us.
from onboarding.pathway import carers, workload
from onboarding.pathway.indicators.conversion import decision_flags
from onboarding.pathway.indicators.intermediation import PARENT_KEY
from onboarding.pathway.indicators.sql import ANSWER_DAYS, days_between, month_of
from onboarding.pathway.models import (
    Activity,
    AgrementDecision,
    Attendance,
    Candidate,
    CandidateStatus,
    Carer,
    ContactOutcome,
    ContactRequest,
    DecisionOutcome,
    Enrollment,
    Training,
    TrainingKind,
    TransitionLog,
    Vacancy,
)
from onboarding.pathway.steps_reached import decode

# (section, département, day, key, detail, value)
Key = tuple[str, str, date, str, str, int]
# The sections whose value is the ordinal of the day from which the count holds.
EVENTS = ("deadline", "free", "roll_call")
# Records counted per statement: bounded IN lists on every database.
CHUNK = 500


def _chunks(ids: Iterable[int] | None):
    if ids is None:
        yield None
        return
    ids = sorted(set(ids))
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _only(column, ids: list[int] | None):
    return true() if ids is None else column.in_(ids)


def _text(member) -> str:
    return "" if member is None else str(member.value if hasattr(member, "value") else member)


# --- candidates --------------------------------------------------------------------------------
def candidates(session: Session, ids: Iterable[int] | None = None, *, parts=None) -> Counter:
    """The counts of these candidates (all when None): the funnel's, the delays', the places',
    the deadlines' (or only those of `parts`, some of CANDIDATE_PARTS)."""
    counts: Counter = Counter()
    for chunk in _chunks(ids):
        for part in parts or CANDIDATE_PARTS:
            part(session, chunk, counts)
    return _nonzero(counts)


def _nonzero(counts: Counter) -> Counter:
    # Not `+counts`: the events' counts may be negative.
    return Counter({key: count for key, count in counts.items() if count})


def _funnel(session: Session, ids, counts: Counter) -> None:
    department, day = Candidate.department_code, Candidate.referred_on
    mine = _only(Candidate.id, ids)
    missing = case(
        (and_(Candidate.status == CandidateStatus.DOSSIER_FILED, workload.has_missing_pieces()),
         "missing"),
        else_="",
    )  # fmt: skip
    grouped = (
        department, day, Candidate.pathway_configuration_id, Candidate.steps_reached,
        Candidate.dossier_filed_on.is_not(None), Candidate.status, missing,
    )  # fmt: skip
    for (
        code,
        on,
        configuration,
        steps,
        filed,
        status,
        pieces,
        value,
    ) in session.connection().execute(
        select(*grouped, func.count()).where(mine).group_by(*grouped)
    ):
        counts[("status", code, on, _text(status), pieces, 0)] += value
        configuration = _text(configuration)
        counts[("funnel", code, on, "entered", configuration, 0)] += value
        if filed:
            counts[("funnel", code, on, "dossier_filed", "", 0)] += value
        for step in decode(steps):
            counts[("funnel", code, on, "reached", f"{configuration}:{step}", 0)] += value

    decisions = decision_flags(_only(AgrementDecision.candidate_id, ids))
    for code, on, *values in session.connection().execute(
        select(
            department, day, func.sum(decisions.c.granted), func.sum(decisions.c.deemed_granted),
            func.sum(decisions.c.refused),
        )
        .join(decisions, decisions.c.candidate_id == Candidate.id)
        .where(mine)
        .group_by(department, day)
    ):  # fmt: skip
        for key, value in zip(("granted", "deemed_granted", "refused"), values, strict=True):
            counts[("funnel", code, on, key, "", 0)] += int(value or 0)

    trained = (
        select(Training.candidate_id.label("candidate_id"))
        .where(
            _only(Training.candidate_id, ids),
            Training.part == 1,
            Training.kind == TrainingKind.EVALUATION,
            Training.passed.is_(True),
        )
        .group_by(Training.candidate_id)
        .subquery()
    )
    published = (
        select(Carer.candidate_id.label("candidate_id"))
        .join(Vacancy, Vacancy.carer_id == Carer.id)
        .where(
            _only(Carer.candidate_id, ids),
            Carer.is_published.is_(True),
            Carer.candidate_id.is_not(None),
        )
        .group_by(Carer.candidate_id)
        .subquery()
    )
    for key, subquery in (("training_done", trained), ("published", published)):
        for code, on, value in session.connection().execute(
            select(department, day, func.count())
            .join(subquery, subquery.c.candidate_id == Candidate.id)
            .where(mine)
            .group_by(department, day)
        ):
            counts[("funnel", code, on, key, "", 0)] += value

    for code, on, reason, left, value in session.connection().execute(
        select(
            department, day, Candidate.withdrawal_reason, TransitionLog.from_status, func.count()
        )
        .outerjoin(
            TransitionLog,
            and_(TransitionLog.candidate_id == Candidate.id, TransitionLog.name == "withdraw"),
        )
        .where(mine, Candidate.status == CandidateStatus.WITHDRAWN)
        .group_by(department, day, Candidate.withdrawal_reason, TransitionLog.from_status)
    ):
        counts[("funnel", code, on, "withdrawn", f"{_text(reason)}|{_text(left)}", 0)] += value


def _delays(session: Session, ids, counts: Counter) -> None:
    """The same three delays as `timing.delays`, per candidate's département and entry day."""
    department, day = Candidate.department_code, Candidate.referred_on
    mine = _only(Candidate.id, ids)
    first_decision = (
        select(
            AgrementDecision.candidate_id.label("candidate_id"),
            func.min(AgrementDecision.decided_on).label("decided_on"),
        )
        .where(_only(AgrementDecision.candidate_id, ids))
        .group_by(AgrementDecision.candidate_id)
        .subquery()
    )
    first_positive = (
        select(
            AgrementDecision.candidate_id.label("candidate_id"),
            func.min(AgrementDecision.decided_on).label("decided_on"),
        )
        .where(
            _only(AgrementDecision.candidate_id, ids),
            AgrementDecision.outcome != DecisionOutcome.REFUSED,
        )
        .group_by(AgrementDecision.candidate_id)
        .subquery()
    )
    first_vacancy = (
        select(Vacancy.carer_id.label("carer_id"), func.min(Vacancy.created_at).label("at"))
        .join(Carer, Carer.id == Vacancy.carer_id)
        .where(_only(Carer.candidate_id, ids))
        .group_by(Vacancy.carer_id)
        .subquery()
    )
    queries = {
        "entry_to_filed": select(
            department,
            day,
            month_of(session, Candidate.dossier_filed_on),
            days_between(session, Candidate.dossier_filed_on, Candidate.referred_on),
        ).where(mine, Candidate.dossier_filed_on.is_not(None)),
        "complete_to_decision": select(
            department,
            day,
            month_of(session, first_decision.c.decided_on),
            days_between(session, first_decision.c.decided_on, Candidate.dossier_complete_on),
        )
        .select_from(Candidate)
        .join(first_decision, first_decision.c.candidate_id == Candidate.id)
        .where(mine, Candidate.dossier_complete_on.is_not(None)),
        "decision_to_vacancy": select(
            department,
            day,
            month_of(session, first_vacancy.c.at),
            days_between(session, first_vacancy.c.at, first_positive.c.decided_on),
        )
        .select_from(Candidate)
        .join(first_positive, first_positive.c.candidate_id == Candidate.id)
        .join(Carer, Carer.candidate_id == Candidate.id)
        .join(first_vacancy, first_vacancy.c.carer_id == Carer.id)
        .where(mine, Carer.is_published.is_(True)),
    }
    for key, query in queries.items():
        rows = query.subquery()
        columns = list(rows.c)
        for code, on, month, days, value in session.connection().execute(
            select(*columns, func.count()).group_by(*columns)
        ):
            counts[("delay", code, on, key, month, int(days))] += value


def _places(session: Session, ids, counts: Counter) -> None:
    for code, on, own, carer_count, places in session.connection().execute(
        select(
            Carer.department_code, Candidate.referred_on, Candidate.department_code, func.count(),
            func.sum(Carer.agrement_capacity),
        )
        .join(Candidate, Candidate.id == Carer.candidate_id)
        .where(_only(Candidate.id, ids))
        .group_by(Carer.department_code, Candidate.referred_on, Candidate.department_code)
    ):  # fmt: skip
        counts[("places", code, on, "carers", own, 0)] += carer_count
        counts[("places", code, on, "approved", own, 0)] += int(places or 0)


def _deadlines(session: Session, ids, counts: Counter) -> None:
    """Past their next deadline (`situation.next_deadline`, kept on the row) from the day after
    it is due."""
    for code, on, key, due, value in session.connection().execute(
        select(
            Candidate.department_code, Candidate.referred_on, Candidate.next_deadline,
            Candidate.next_deadline_on, func.count(),
        )
        .where(_only(Candidate.id, ids), Candidate.next_deadline_on.is_not(None))
        .group_by(
            Candidate.department_code, Candidate.referred_on, Candidate.next_deadline,
            Candidate.next_deadline_on,
        )
    ):  # fmt: skip
        from_day = (due + timedelta(days=1)).toordinal()
        counts[("deadline", code, on, key or "", "", from_day)] += value


def shown_days(carer: Carer | Row, vacancy: Vacancy | Row) -> tuple[date, date] | None:
    """The days on which parents are shown this place free today (`pathway.shown`'s terms with
    today as the start of care and the day it must be free by), or None when there are none.

    Every term either holds whatever the day (publication, consent, no withdrawal, training and
    place within the agrément), or sets a first day (the place's date, the end of training, the
    day after a suspension) or a last one (the agrément's expiry, six months after the last
    confirmation): the days form one interval."""
    if not (
        carer.is_published is True
        and carer.publication_consent_at is not None
        and carer.withdrawn_on is None
        and carer.agrement_expires_on is not None
        and carer.training_part1_on is not None
        and carer.training_part1_on <= carer.agrement_expires_on
        and vacancy.available_from <= carer.agrement_expires_on
        and carer.last_confirmed_on is not None
    ):
        return None
    first = max(vacancy.available_from, carer.training_part1_on)
    if carer.agrement_suspended_until is not None:
        first = max(first, carer.agrement_suspended_until + timedelta(days=1))
    last = min(carer.agrement_expires_on, _fresh_until(carer.last_confirmed_on))
    return (first, last) if first <= last else None


def _fresh_until(confirmed_on: date) -> date:
    """The last day on which a confirmation of that day is not stale (`carers.STALE_AFTER`)."""
    day = confirmed_on + carers.STALE_AFTER
    while day + timedelta(days=1) - carers.STALE_AFTER <= confirmed_on:
        day += timedelta(days=1)
    while day - carers.STALE_AFTER > confirmed_on:
        day -= timedelta(days=1)
    return day


def _free_places(session: Session, ids, counts: Counter) -> None:
    rows = session.connection().execute(
        select(
            Carer.department_code.label("carer_department"),
            Candidate.referred_on,
            Candidate.department_code,
            Carer.is_published,
            Carer.publication_consent_at,
            Carer.withdrawn_on,
            Carer.agrement_expires_on,
            Carer.agrement_suspended_until,
            Carer.training_part1_on,
            Carer.last_confirmed_on,
            Vacancy.available_from,
        )
        .select_from(Vacancy)
        .join(Carer, Carer.id == Vacancy.carer_id)
        .join(Candidate, Candidate.id == Carer.candidate_id)
        .where(_only(Candidate.id, ids))
    )
    for row in rows:
        days = shown_days(row, row)
        if days is None:
            continue
        first, last = days
        key = ("free", row.carer_department, row.referred_on, "free", row.department_code)
        counts[(*key, first.toordinal())] += 1
        counts[(*key, (last + timedelta(days=1)).toordinal())] -= 1


CANDIDATE_PARTS = (_funnel, _delays, _places, _deadlines, _free_places)
# The only part that reads the steps a candidate reached (what an attendance changes) and her
# dossier's pieces.
STEP_PARTS = (_funnel,)


# --- activities --------------------------------------------------------------------------------
def activities(session: Session, ids: Iterable[int] | None = None) -> Counter:
    """The attendance marked at these activities (all when None), by kind and attendance, and
    those awaiting their roll call."""
    counts: Counter = Counter()
    for chunk in _chunks(ids):
        for code, on, kind, attendance, value in session.connection().execute(
            select(
                Activity.department_code, Activity.date, Activity.kind, Enrollment.attendance,
                func.count(),
            )
            .join(Activity, Activity.id == Enrollment.activity_id)
            .where(_only(Activity.id, chunk), Enrollment.attendance != Attendance.PENDING)
            .group_by(
                Activity.department_code, Activity.date, Activity.kind, Enrollment.attendance
            )
        ):  # fmt: skip
            counts[("attendance", code, on, _text(kind), _text(attendance), 0)] += value
        for code, on, value in session.connection().execute(
            select(Activity.department_code, Activity.date, func.count())
            .where(_only(Activity.id, chunk), workload.awaiting_roll_call())
            .group_by(Activity.department_code, Activity.date)
        ):
            counts[("roll_call", code, on, "", "", (on + timedelta(days=1)).toordinal())] += value
    return _nonzero(counts)


# --- parents' requests -------------------------------------------------------------------------
def requests(session: Session, ids: Iterable[int] | None = None) -> Counter:
    """These parents' requests (all when None) by outcome, job seeker and answer in time."""
    in_time = and_(
        ContactRequest.outcome != ContactOutcome.NEW,
        ContactRequest.outcome_on.is_not(None),
        days_between(session, ContactRequest.outcome_on, ContactRequest.created_at) <= ANSWER_DAYS,
    )
    counts: Counter = Counter()
    for chunk in _chunks(ids):
        for code, created, outcome, seeker, timely, own, parent in session.connection().execute(
            select(
                Carer.department_code,
                ContactRequest.created_at,
                ContactRequest.outcome,
                ContactRequest.is_job_seeker.is_(True),
                case((in_time, 1), else_=0),
                ContactRequest.referral_id.is_(None),
                PARENT_KEY,
            )
            .join(Carer, Carer.id == ContactRequest.carer_id)
            .where(_only(ContactRequest.id, chunk))
        ):
            on = created.astimezone(UTC).date()
            detail = "job_seeker" if seeker else ""
            counts[("request", code, on, _text(outcome), detail, int(timely))] += 1
            if own and seeker:
                signed = int(outcome == ContactOutcome.CONTRACT_SIGNED)
                counts[("parent", code, on, "", parent, signed)] += 1
    return _nonzero(counts)
