"""Advisers' mises en relation accompagnées, and whether job-seeker parents found a carer.

Who is "a parent" here:
- a referral (`ParentReferral`) is one parent, whatever the number of requests sent for her;
- parents' own requests carry no account: requests with the same email (case aside) are one
  parent, and without an email the same phone as typed. A parent who asks twice with different
  addresses counts twice; a parent referred by an adviser who also asked on her own counts once
  in each group.

Scope: a referral belongs to the département of the parent's commune; a parent's own request to
the carer's département (as in `places`). The period keeps what was created within it.
"""

from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from onboarding.pathway.indicators.sql import (
    Period,
    days_between,
    in_scope,
    percentile,
    rate,
    utc_bounds,
)
from onboarding.pathway.models import Carer, ContactOutcome, ContactRequest, ParentReferral


def _created_within(column, period: Period | None) -> list:
    if period is None:
        return []
    start, end = utc_bounds(period)
    return [column >= start, column < end]


def _referred_requests(departments, period):
    return (
        select(ContactRequest)
        .join(ParentReferral, ParentReferral.id == ContactRequest.referral_id)
        .where(
            in_scope(ParentReferral.department_code, departments),
            *_created_within(ParentReferral.created_at, period),
        )
    )


def parents_helped(
    session: Session, *, departments: tuple[str, ...] | None, period: Period | None = None
) -> int:
    """Parents an adviser put in contact with carers: one per referral."""
    return session.scalar(
        select(func.count(ParentReferral.id)).where(
            in_scope(ParentReferral.department_code, departments),
            *_created_within(ParentReferral.created_at, period),
        )
    )


def referred_requests_by_outcome(
    session: Session, *, departments: tuple[str, ...] | None, period: Period | None = None
) -> list[tuple[ContactOutcome, int]]:
    """The requests advisers sent, by outcome (every outcome listed, zero included)."""
    requests = _referred_requests(departments, period).subquery()
    rows = session.execute(select(requests.c.outcome, func.count()).group_by(requests.c.outcome))
    found = dict(rows.all())
    return [(outcome, found.get(outcome, 0)) for outcome in ContactOutcome]


def days_to_contract(
    session: Session, *, departments: tuple[str, ...] | None, period: Period | None = None
) -> list[int]:
    """Whole days from each referred request to its "contrat signé", sorted."""
    requests = _referred_requests(departments, period).subquery()
    days = days_between(session, requests.c.outcome_on, requests.c.created_at)
    return sorted(
        int(value)
        for value in session.scalars(
            select(days).where(
                requests.c.outcome == ContactOutcome.CONTRACT_SIGNED,
                requests.c.outcome_on.is_not(None),
            )
        )
    )


def job_seeker_parents(
    session: Session, *, departments: tuple[str, ...] | None, period: Period | None = None
) -> tuple[int, int]:
    """(job-seeker parents, those of them with at least one request at "contrat signé"): the
    parents advisers referred as job seekers, and those who said so in their own requests."""
    signed = func.max(case((ContactRequest.outcome == ContactOutcome.CONTRACT_SIGNED, 1), else_=0))
    referred = (
        select(signed.label("found"))
        .select_from(ParentReferral)
        .join(ContactRequest, ContactRequest.referral_id == ParentReferral.id)
        .where(
            ParentReferral.is_job_seeker.is_(True),
            in_scope(ParentReferral.department_code, departments),
            *_created_within(ParentReferral.created_at, period),
        )
        .group_by(ParentReferral.id)
    )
    parent = func.coalesce(func.lower(ContactRequest.email), ContactRequest.phone)
    own = (
        select(signed.label("found"))
        .where(
            ContactRequest.referral_id.is_(None),
            ContactRequest.is_job_seeker.is_(True),
            *_created_within(ContactRequest.created_at, period),
        )
        .group_by(parent)
    )
    if departments is not None:
        # Every request has its carer: she is read only to narrow to départements.
        own = own.join(Carer, Carer.id == ContactRequest.carer_id).where(
            in_scope(Carer.department_code, departments)
        )
    parents = referred.union_all(own).subquery()
    count, found = session.execute(
        select(func.count(), func.coalesce(func.sum(parents.c.found), 0))
    ).one()
    return int(count), int(found)


@dataclass(frozen=True)
class Intermediation:
    parents_helped: int
    requests: list[tuple[ContactOutcome, int]]
    contract_days: list[int]
    job_seeker_parents: int
    job_seeker_parents_found: int

    @property
    def request_count(self) -> int:
        return sum(count for _, count in self.requests)

    @property
    def contract_days_median(self) -> float | None:
        return percentile(self.contract_days, 0.5)

    @property
    def job_seekers_found_rate(self) -> float | None:
        return rate(self.job_seeker_parents_found, self.job_seeker_parents)


def section(
    session: Session,
    *,
    departments: tuple[str, ...] | None,
    period: Period | None = None,
    **_ignored,
) -> Intermediation:
    """Every figure of the section (the cohort does not apply: parents have none)."""
    scope = {"departments": departments, "period": period}
    seekers, found = job_seeker_parents(session, **scope)
    return Intermediation(
        parents_helped=parents_helped(session, **scope),
        requests=referred_requests_by_outcome(session, **scope),
        contract_days=days_to_contract(session, **scope),
        job_seeker_parents=seekers,
        job_seeker_parents_found=found,
    )
