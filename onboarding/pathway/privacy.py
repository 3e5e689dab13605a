"""Personal data (RGPD): what one candidate's file holds (right of access), anonymising a
candidate while keeping what the indicators count, and the retention purge as a list of steps."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from enum import Enum

from dateutil.relativedelta import relativedelta
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, selectinload

from onboarding.pathway import access, audit
from onboarding.pathway.base import utcnow
from onboarding.pathway.errors import PathwayError
from onboarding.pathway.indicators import summary
from onboarding.pathway.models import (
    AuditAction,
    AuditLog,
    Candidate,
    CandidateStatus,
    Carer,
    ContactRequest,
    ParentReferral,
    PreRegistration,
    PreRegistrationStatus,
    StaffUser,
    TransitionLog,
)

ANONYMOUS_FIRST_NAME = "Anonyme"


@dataclass(frozen=True)
class RetentionPolicy:
    """How long personal data is kept (product rules, in configuration)."""

    withdrawn_months: int = 24
    contact_request_months: int = 6
    pre_registration_months: int = 6

    @classmethod
    def from_config(cls, config) -> "RetentionPolicy":
        return cls(
            withdrawn_months=int(config["RETENTION_WITHDRAWN_MONTHS"]),
            contact_request_months=int(config["RETENTION_CONTACT_REQUEST_MONTHS"]),
            pre_registration_months=int(config["RETENTION_PRE_REGISTRATION_MONTHS"]),
        )


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


# --- right of access: everything held on one candidate ---------------------------------------


def _plain(value):
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _row(obj, *, leave_out: tuple[str, ...] = ()) -> dict:
    return {
        column.key: _plain(getattr(obj, column.key))
        for column in obj.__table__.columns
        if column.key not in leave_out
    }


def export_candidate(session: Session, candidate: Candidate, *, actor: StaffUser | None) -> dict:
    """Every row about the candidate, as JSON-ready values. Parents' requests to her as a carer
    are the parents' data: only their dates and outcomes are listed. The audit log keeps who
    took the export (after it: the export lists the rows written before)."""
    audit_rows = session.scalars(
        select(AuditLog)
        .where(AuditLog.object_type == "Candidate", AuditLog.object_id == str(candidate.id))
        .order_by(AuditLog.id)
    )
    export = {
        "candidate": _row(candidate),
        "commune": {"insee_code": candidate.commune_insee, "name": candidate.commune.name},
        "coordinator": str(candidate.coordinator) if candidate.coordinator else None,
        "enrollments": [
            {
                **_row(e, leave_out=("enrolled_by_id",)),
                "activity": {"title": e.activity.title, "date": _plain(e.activity.date)},
            }
            for e in candidate.enrollments
        ],
        "dossier_items": [_row(item) for item in candidate.dossier_items],
        "decisions": [_row(d, leave_out=("created_by_id",)) for d in candidate.decisions],
        "trainings": [_row(t) for t in candidate.trainings],
        "immersion_conventions": [_row(c) for c in candidate.conventions],
        "transitions": [_row(t, leave_out=("actor_id",)) for t in candidate.transitions],
        "changes_by_staff": [
            {"action": a.action, "fields": a.fields, "at": _plain(a.created_at)} for a in audit_rows
        ],
        "carer": None,
    }
    carer = candidate.carer
    if carer is not None:
        requests = session.scalars(
            select(ContactRequest).where(ContactRequest.carer_id == carer.id)
        ).all()
        export["carer"] = {
            **_row(carer),
            "vacancies": [_row(v) for v in carer.vacancies],
            "contact_requests": [
                {"created_at": _plain(r.created_at), "outcome": r.outcome.value} for r in requests
            ],
        }
    audit.record(
        session, actor=actor, action=AuditAction.EXPORT_PERSONAL_DATA, object_type="Candidate",
        object_id=candidate.id,
    )  # fmt: skip
    return export


# --- anonymisation ---------------------------------------------------------------------------


class AlreadyAnonymised(PathwayError):
    pass


def anonymise_candidate(session: Session, candidate: Candidate, *, actor: StaffUser | None) -> None:
    """Erase who the candidate is; keep what the indicators count: status and its dates, commune
    and département, cohort, referral source, job seeker or not, withdrawal reason, enrolments,
    decisions (outcome, dates, capacity), training hours and the kinds of transitions."""
    if candidate.anonymised_at is not None:
        raise AlreadyAnonymised("Cette personne est déjà anonymisée.")
    candidate.first_name = ANONYMOUS_FIRST_NAME
    candidate.last_name = f"n° {candidate.id}"
    for name in ("birth_date", "email", "phone", "address", "referred_by", "france_travail_id"):
        setattr(candidate, name, None)
    if candidate.withdrawal_note is not None:
        candidate.withdrawal_note = ""
    candidate.anonymised_at = utcnow()
    # Her space closes: her link and the sessions it opened (her carer space's too) stop.
    candidate.access_nonce = None
    for item in candidate.dossier_items:
        item.note = ""
    for decision in candidate.decisions:
        decision.reason = ""
    for convention in candidate.conventions:
        # The tutor and the prescriber's adviser are people named beside her.
        convention.host_tutor = ""
        convention.prescriber = ""
    if candidate.carer is not None:
        _anonymise_carer(candidate.carer)
    # The journal's rows are never changed but for this: free text that may name the person is
    # erased (right to erasure); the kinds, statuses and dates stay. A bulk UPDATE, so that the
    # ORM guard against journal edits, meant for everyday code, does not stand in the way.
    session.execute(
        update(TransitionLog).where(TransitionLog.candidate_id == candidate.id).values(note=""),
        execution_options={"synchronize_session": False},
    )
    for transition in candidate.transitions:
        session.expire(transition)
    audit.record(
        session,
        actor=actor,
        action=AuditAction.ANONYMISE,
        object_type="Candidate",
        object_id=candidate.id,
        fields=[],
    )


def _anonymise_carer(carer: Carer) -> None:
    carer.first_name = ANONYMOUS_FIRST_NAME
    carer.last_name = f"n° {carer.id}"
    carer.email = None
    carer.phone = None
    carer.address = None
    carer.presentation = ""
    carer.is_published = False
    carer.show_address = False
    # Her own space closes: her link stops opening, and the RPE's agreement ends.
    carer.access_nonce = None
    carer.rpe_mandate_at = None


# --- the retention purge -----------------------------------------------------------------------


@dataclass(frozen=True)
class PurgeStep:
    """One kind of data past its retention period: how to find it and what to do with it.

    `find` returns row ids (never personal data, so that a dry run can be printed and logged)."""

    name: str
    description: str
    find: Callable[[Session, date, RetentionPolicy], list[int]]
    apply: Callable[[Session, list[int]], None]


def _withdrawn_too_long(session: Session, today: date, policy: RetentionPolicy) -> list[int]:
    """Withdrawn candidates whose last withdrawal took effect before the cutoff (the date the
    withdrawal took effect, not the day it was typed in)."""
    cutoff = today - relativedelta(months=policy.withdrawn_months)
    return list(
        session.scalars(
            select(Candidate.id)
            .join(TransitionLog, TransitionLog.candidate_id == Candidate.id)
            .where(
                Candidate.status == CandidateStatus.WITHDRAWN,
                Candidate.anonymised_at.is_(None),
                TransitionLog.to_status == CandidateStatus.WITHDRAWN,
            )
            .group_by(Candidate.id)
            .having(func.max(TransitionLog.effective_on) < cutoff)
            .order_by(Candidate.id)
        )
    )


def _anonymise_all(session: Session, ids: list[int]) -> None:
    # What anonymisation touches, loaded for all at once rather than per candidate.
    rows = (
        select(Candidate)
        .where(Candidate.id.in_(ids))
        .options(
            selectinload(Candidate.dossier_items),
            selectinload(Candidate.decisions),
            selectinload(Candidate.carer),
            selectinload(Candidate.transitions),
        )
    )
    for candidate in session.scalars(rows):
        anonymise_candidate(session, candidate, actor=None)


def _created_before_retention(model):
    """The finder of a purge step: the ids of `model` rows created before the parents' data
    retention period (their requests and advisers' referrals are kept as long)."""

    def find(session: Session, today: date, policy: RetentionPolicy) -> list[int]:
        cutoff = _start_of(today - relativedelta(months=policy.contact_request_months))
        return list(
            session.scalars(select(model.id).where(model.created_at < cutoff).order_by(model.id))
        )

    return find


def _delete_contact_requests(session: Session, ids: list[int]) -> None:
    if ids:
        # A bulk DELETE: the indicators' counts of these requests are taken out around it.
        with summary.kept(session, requests=ids):
            session.execute(delete(ContactRequest).where(ContactRequest.id.in_(ids)))
        _record_purge(session, "ContactRequest", ids)


def _delete_referrals(session: Session, ids: list[int]) -> None:
    if ids:
        requests = session.scalars(
            select(ContactRequest.id).where(ContactRequest.referral_id.in_(ids))
        ).all()
        with summary.kept(session, requests=requests):
            session.execute(delete(ContactRequest).where(ContactRequest.referral_id.in_(ids)))
        session.execute(delete(ParentReferral).where(ParentReferral.id.in_(ids)))
        _record_purge(session, "ParentReferral", ids)


def _record_purge(session: Session, object_type: str, ids: list[int]) -> None:
    audit.record(
        session,
        actor=None,
        action=AuditAction.PURGE,
        object_type=object_type,
        object_id=f"{len(ids)} rows",
    )


def _answered_pre_registrations(
    session: Session, today: date, policy: RetentionPolicy
) -> list[int]:
    """Requests from the public page answered longer ago than the retention period: a closed
    one holds data nobody needs any more; an accepted one lives on in its Candidate."""
    cutoff = _start_of(today - relativedelta(months=policy.pre_registration_months))
    return list(
        session.scalars(
            select(PreRegistration.id)
            .where(
                PreRegistration.status != PreRegistrationStatus.TO_QUALIFY,
                PreRegistration.decided_at < cutoff,
            )
            .order_by(PreRegistration.id)
        )
    )


def _delete_pre_registrations(session: Session, ids: list[int]) -> None:
    if ids:
        session.execute(delete(PreRegistration).where(PreRegistration.id.in_(ids)))
        _record_purge(session, "PreRegistration", ids)


def _expired_links(session: Session, today: date, policy: RetentionPolicy) -> list[int]:
    """Candidates whose personal link was issued before the start of the day LINK_VALIDITY ago:
    that link no longer opens, so its nonce and issue date are mere leftovers."""
    cutoff = _start_of(today) - access.LINK_VALIDITY
    return list(
        session.scalars(
            select(Candidate.id).where(Candidate.access_issued_at < cutoff).order_by(Candidate.id)
        )
    )


def _drop_links(session: Session, ids: list[int]) -> None:
    if ids:
        session.execute(
            update(Candidate)
            .where(Candidate.id.in_(ids))
            .values(access_nonce=None, access_issued_at=None),
            execution_options={"synchronize_session": "fetch"},
        )
        audit.record(
            session,
            actor=None,
            action=AuditAction.PURGE,
            object_type="Candidate",
            object_id=f"{len(ids)} expired links",
        )


PURGE_STEPS: list[PurgeStep] = [
    PurgeStep(
        "withdrawn_candidates",
        "anonymise candidates withdrawn for longer than the retention period",
        _withdrawn_too_long,
        _anonymise_all,
    ),
    PurgeStep(
        "contact_requests",
        "delete parents' contact requests older than the retention period",
        _created_before_retention(ContactRequest),
        _delete_contact_requests,
    ),
    PurgeStep(
        "parent_referrals",
        "delete advisers' referrals of parents older than the retention period",
        _created_before_retention(ParentReferral),
        _delete_referrals,
    ),
    PurgeStep(
        "pre_registrations",
        "delete pre-registrations answered (closed or accepted) before the retention period",
        _answered_pre_registrations,
        _delete_pre_registrations,
    ),
    PurgeStep(
        "expired_links",
        "drop candidates' personal links older than their validity",
        _expired_links,
        _drop_links,
    ),
]


@dataclass(frozen=True)
class PurgeItem:
    step: PurgeStep
    ids: list[int]


def plan_purge(
    session: Session, *, today: date, policy: RetentionPolicy, steps: list[PurgeStep] | None = None
) -> list[PurgeItem]:
    return [PurgeItem(step, step.find(session, today, policy)) for step in steps or PURGE_STEPS]


def run_purge(session: Session, plan: list[PurgeItem]) -> None:
    """Apply a plan; the caller commits once, so that the purge is applied whole or not at all."""
    for item in plan:
        item.step.apply(session, item.ids)


__all__ = [
    "PURGE_STEPS",
    "AlreadyAnonymised",
    "PurgeItem",
    "PurgeStep",
    "RetentionPolicy",
    "anonymise_candidate",
    "export_candidate",
    "plan_purge",
    "run_purge",
]
