"""Parents' requests to be put in contact with a carer, at every stage of their handling."""

import random
from collections import Counter
from datetime import date, time, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy.orm import Session

from onboarding.demo.carers import consent_version
from onboarding.demo.names import People
from onboarding.demo.places import Atlas
from onboarding.demo.timestamps import moment
from onboarding.pathway.models import (
    Carer,
    CarerAnswer,
    ContactOutcome,
    ContactRequest,
    StaffUser,
)
from onboarding.pathway.schedule import (
    NEEDS,
    WORKING_WEEK,
    half_day_mask,
    half_day_names,
    needs_mask,
)

TARGET_REQUESTS = 120
# Requests go back this far: the public search opened about six months ago.
OLDEST_REQUEST_DAYS = 185
# Parents look for a carer in their own commune or the next ones.
NEIGHBOURHOOD_KM = 12
Outcome = ContactOutcome
CARER_ANSWERS = {Outcome.CONTACTED: CarerAnswer.CONTACTED, Outcome.NO_MATCH: CarerAnswer.NO_PLACE}

MESSAGES_JOB_SEEKER = (
    "Bonjour, je reprends un emploi à partir du {start} et je cherche une place pour {child}.",
    "Bonjour, je commence une formation le {start} : pourriez-vous accueillir {child} ?",
    "Bonjour, on m'a proposé un CDD qui commence le {start}. Avez-vous encore une place pour "
    "{child} ?",
)
MESSAGES = (
    "Bonjour, nous cherchons une assistante maternelle près de chez nous pour {child}, "
    "à partir du {start}.",
    "Bonjour, je reprends le travail après mon congé parental le {start}. Seriez-vous "
    "disponible pour {child} ?",
    "Bonjour, votre profil nous intéresse pour {child}. Pourrions-nous nous rencontrer ?",
)


def child_words(rng: random.Random, months: int) -> str:
    who = rng.choice(("ma fille", "mon fils", "notre fille", "notre fils"))
    if months < 24:
        return f"{who} de {months} mois"
    return f"{who} de {months // 12} ans"


def _outcome_for(rng: random.Random, age_days: int) -> ContactOutcome:
    if age_days < 7:
        return rng.choices((Outcome.NEW, Outcome.CONTACTED), (0.8, 0.2))[0]
    if age_days < 30:
        return rng.choices(
            (Outcome.NEW, Outcome.CONTACTED, Outcome.CONTRACT_SIGNED, Outcome.NO_MATCH),
            (0.2, 0.45, 0.1, 0.25),
        )[0]
    return rng.choices(
        (Outcome.NEW, Outcome.CONTACTED, Outcome.CONTRACT_SIGNED, Outcome.NO_MATCH),
        (0.04, 0.26, 0.35, 0.35),
    )[0]


def make_contact_requests(
    session: Session,
    rng: random.Random,
    people: People,
    atlas: Atlas,
    today: date,
    carers: list[Carer],
    coordinators: dict[str, list[StaffUser]],
    count: int = TARGET_REQUESTS,
) -> Counter:
    """Requests to published carers, those with free places most; every outcome represented."""
    published = [c for c in carers if c.is_published]
    if not published:
        return Counter()
    weights = [3 if c.vacancies else 1 for c in published]
    outcomes: Counter = Counter()
    # The first four cover every outcome, so that each shows up whatever the draws.
    forced = [Outcome.NEW, Outcome.CONTACTED, Outcome.CONTRACT_SIGNED, Outcome.NO_MATCH]
    for number in range(count):
        carer = rng.choices(published, weights)[0]
        if number < len(forced):
            outcome = forced[number]
            age = (
                rng.randint(1, 6)
                if outcome == Outcome.NEW
                else rng.randint(50, OLDEST_REQUEST_DAYS)
            )
        else:
            age = int(rng.triangular(1, OLDEST_REQUEST_DAYS, 1))
            outcome = _outcome_for(rng, age)
        created_on = today - timedelta(days=age)
        outcome_on = None
        if outcome != Outcome.NEW:
            longest = 45 if outcome == Outcome.CONTRACT_SIGNED else 20
            outcome_on = min(created_on + timedelta(days=rng.randint(1, longest)), today)
        vacancy = rng.choice(carer.vacancies) if carer.vacancies else None
        if vacancy is not None:
            youngest = max(vacancy.age_min_months, 2)
            months = rng.randint(youngest, max(youngest, min(vacancy.age_max_months, 40)))
            wanted = vacancy.half_days
            needs = [n for n in NEEDS if getattr(vacancy, n) and rng.random() < 0.5]
        else:
            months = rng.randint(2, 30)
            wanted = WORKING_WEEK
            needs = ["early"] if rng.random() < 0.15 else []
        names = half_day_names(wanted)
        if len(names) > 4 and rng.random() < 0.4:
            # Part time: only some of the half-days the carer offers.
            names = rng.sample(names, k=rng.randint(4, len(names) - 1))
        start = created_on + timedelta(days=rng.randint(10, 120))
        birth = start - relativedelta(months=months) - timedelta(days=rng.randint(0, 27))
        birth = min(birth, created_on - timedelta(days=1))
        job_seeker = rng.random() < 0.55
        first, last = people.first_name(woman_share=0.75), people.last_name()
        email, phone = people.contact(first, last, email_share=0.85, phone_share=0.7)
        around = atlas.near(atlas.by_insee[carer.commune_insee], NEIGHBOURHOOD_KM)
        place = rng.choice(around).insee_code
        template = rng.choice(MESSAGES_JOB_SEEKER if job_seeker else MESSAGES)
        message = template.format(start=f"{start:%d/%m/%Y}", child=child_words(rng, months))
        # Parents write in the evening too.
        at = moment(
            created_on, f"request|{first}|{last}|{number}", earliest=time(7), span_minutes=900
        )
        handler = None
        if outcome != Outcome.NEW and coordinators.get(carer.department_code):
            handler = rng.choice(coordinators[carer.department_code])
        # One request in three followed up is the carer's own answer, from her space.
        answer = CARER_ANSWERS.get(outcome) if number % 3 == 0 else None
        answered_at = None
        if answer is not None:
            handler = None
            answered_at = moment(outcome_on, f"answer|{number}", earliest=time(8), span_minutes=600)
        session.add(
            ContactRequest(
                carer=carer,
                parent_name=f"{first} {last}",
                email=email,
                phone=phone,
                commune_insee=place,
                child_birth_date=birth,
                start_date=start,
                half_days=half_day_mask(names),
                needs=needs_mask(needs),
                is_job_seeker=job_seeker,
                message=message,
                consent_at=at,
                consent_version=consent_version(created_on),
                outcome=outcome,
                outcome_on=outcome_on,
                handled_by=handler,
                carer_answer=answer,
                answered_at=answered_at,
                created_at=at,
            )
        )
        outcomes[outcome] += 1
    return outcomes
