"""Maisons d'assistants maternels and advisers' mises en relation accompagnées, for the demo."""

import random
from collections import defaultdict
from datetime import date, time, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy.orm import Session

from onboarding.demo.names import People
from onboarding.demo.timestamps import moment
from onboarding.pathway import mam as mams
from onboarding.pathway import referrals
from onboarding.pathway.models import (
    Carer,
    ContactOutcome,
    ContactRequest,
    Mam,
    ParentReferral,
    StaffUser,
)
from onboarding.pathway.schedule import WORKING_WEEK

SIGN_IN_DEPARTMENTS = ("33", "24")
MAM_NAMES = ("MAM Les Petits Pas", "MAM La Ribambelle")
MAM_STREETS = ("4 rue des Écoles", "17 allée des Tilleuls")
# The referrals' story: sent N days ago, and what came of each of their requests.
REFERRAL_STORIES = (
    (40, (ContactOutcome.CONTRACT_SIGNED, ContactOutcome.NO_MATCH)),
    (20, (ContactOutcome.CONTACTED, ContactOutcome.NO_MATCH, ContactOutcome.NEW)),
    (3, (ContactOutcome.NEW, ContactOutcome.NEW)),
)


def make_mams(session: Session, carers: list[Carer]) -> list[Mam]:
    """A MAM in each of the two communes with the most published carers (two to four of
    them, within the law's limits)."""
    by_commune: dict[str, list[Carer]] = defaultdict(list)
    for carer in carers:
        if carer.is_published and carer.vacancies and carer.mam_id is None:
            by_commune[carer.commune_insee].append(carer)
    busiest = sorted(by_commune.items(), key=lambda item: (-len(item[1]), item[0]))
    made = []
    for (insee, members), name, street in zip(busiest, MAM_NAMES, MAM_STREETS, strict=False):
        mam = Mam(name=name, address=street, commune_insee=insee)
        session.add(mam)
        session.flush()
        for carer in sorted(members, key=lambda c: c.id)[: mams.MAX_CARERS]:
            if mams.refusal_to_join(mam, carer) is None:
                mams.join(session, mam, carer, actor=None)
        made.append(mam)
    return made


def make_referrals(
    session: Session,
    rng: random.Random,
    people: People,
    today: date,
    carers: list[Carer],
    coordinators: dict[str, list[StaffUser]],
) -> int:
    """A few job-seeker parents an adviser put in contact with carers of her département."""
    made = 0
    # The demo's coordinator sign-in follows Gironde and Dordogne: her referrals come first.
    departments = sorted(
        (code for code, staff in coordinators.items() if staff),
        key=lambda code: (code not in SIGN_IN_DEPARTMENTS, code),
    )
    for number, (age, outcomes) in enumerate(REFERRAL_STORIES):
        department = departments[number % len(departments)] if departments else None
        nearby = [c for c in carers if c.is_published and c.department_code == department]
        if len(nearby) < len(outcomes):
            continue
        adviser = coordinators[department][0]
        chosen = rng.sample(nearby, k=len(outcomes))
        created_on = today - timedelta(days=age)
        first, last = people.first_name(woman_share=0.8), people.last_name()
        email, phone = people.contact(first, last, email_share=0.8, phone_share=0.8)
        at = moment(created_on, f"referral|{first}|{last}", earliest=time(9))
        referral = ParentReferral(
            adviser=adviser, parent_name=f"{first} {last}", email=email, phone=phone,
            commune_insee=chosen[0].commune_insee, is_job_seeker=True,
            france_travail_id=people.france_travail_id(),
            consent_at=at, consent_version=referrals.CONSENT_VERSION, created_at=at,
        )  # fmt: skip
        session.add(referral)
        start = created_on + timedelta(days=30)
        birth = start - relativedelta(months=rng.randint(3, 24))
        for carer, outcome in zip(chosen, outcomes, strict=True):
            signed_after = 21 if outcome == ContactOutcome.CONTRACT_SIGNED else 6
            session.add(ContactRequest(
                carer=carer, referral=referral, parent_name=referral.parent_name,
                email=email, phone=phone, commune_insee=referral.commune_insee,
                child_birth_date=birth, start_date=start, half_days=WORKING_WEEK,
                is_job_seeker=True,
                message="Demande envoyée par sa conseillère France Travail, avec son accord.",
                consent_at=at, consent_version=referrals.CONSENT_VERSION, outcome=outcome,
                outcome_on=None if outcome == ContactOutcome.NEW
                else min(created_on + timedelta(days=signed_after), today),
                handled_by=None if outcome == ContactOutcome.NEW else adviser,
                created_at=at,
            ))  # fmt: skip
        made += 1
    return made
