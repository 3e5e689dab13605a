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


# Who "a parent" is among parents' own requests (module docstring).
PARENT_KEY = func.coalesce(func.lower(ContactRequest.email), ContactRequest.phone)
SIGNED = func.max(case((ContactRequest.outcome == ContactOutcome.CONTRACT_SIGNED, 1), else_=0))


def job_seeker_parents(
    session: Session,
    *,
    departments: tuple[str, ...] | None,
    period: Period | None = None,
    any_referral: bool = True,
    own_parents=None,
) -> tuple[int, int]:
    """(job-seeker parents, those of them with at least one request at "contrat signé"): the
    parents advisers referred as job seekers, and those who said so in their own requests.
    `any_referral=False` (no referral in scope, as `parents_helped` found) skips the first;
    `own_parents` counts the second (`own_job_seeker_parents`, or the summary's)."""
    count, found = (own_parents or own_job_seeker_parents)(
        session, departments=departments, period=period
    )
    if any_referral:
        referred = (
            select(SIGNED.label("found"))
            .select_from(ParentReferral)
            .join(ContactRequest, ContactRequest.referral_id == ParentReferral.id)
            .where(
                ParentReferral.is_job_seeker.is_(True),
                in_scope(ParentReferral.department_code, departments),
                *_created_within(ParentReferral.created_at, period),
            )
            .group_by(ParentReferral.id)
            .subquery()
        )
        more, more_found = session.execute(
            select(func.count(), func.coalesce(func.sum(referred.c.found), 0))
        ).one()
        count, found = count + int(more), found + int(more_found)
    return count, found


def own_job_seeker_parents(
    session: Session, *, departments: tuple[str, ...] | None, period: Period | None = None
) -> tuple[int, int]:
    """(parents who said they seek a job in their own requests, those of them with one at
    "contrat signé")."""
    own = (
        select(SIGNED.label("found"))
        .where(
            ContactRequest.referral_id.is_(None),
            ContactRequest.is_job_seeker.is_(True),
            *_created_within(ContactRequest.created_at, period),
        )
        .group_by(PARENT_KEY)
    )
    if departments is not None:
        # Every request has its carer: she is read only to narrow to départements.
        own = own.join(Carer, Carer.id == ContactRequest.carer_id).where(
            in_scope(Carer.department_code, departments)
        )
    parents = own.subquery()
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
    own_parents=None,
    **_ignored,
) -> Intermediation:
    """Every figure of the section (the cohort does not apply: parents have none);
    `own_parents` as in `job_seeker_parents`."""
    scope = {"departments": departments, "period": period}
    helped = parents_helped(session, **scope)
    seekers, found = job_seeker_parents(
        session, **scope, any_referral=bool(helped), own_parents=own_parents
    )
    if not helped:
        # No referral in scope, so no referred request: not looked for among every request
        # (where the planner, seeing the referral column empty, would read them all).
        return Intermediation(
            parents_helped=0,
            requests=[(outcome, 0) for outcome in ContactOutcome],
            contract_days=[],
            job_seeker_parents=seekers,
            job_seeker_parents_found=found,
        )
    return Intermediation(
        parents_helped=helped,
        requests=referred_requests_by_outcome(session, **scope),
        contract_days=days_to_contract(session, **scope),
        job_seeker_parents=seekers,
        job_seeker_parents_found=found,
    )
