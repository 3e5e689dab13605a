"""Requests from the public page "Devenir assistant maternel" (most still to qualify, some
answered) and waiting lists on a few full activities to come, through the domain."""

import random
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from onboarding.demo.names import People
from onboarding.demo.places import Atlas
from onboarding.demo.timestamps import moment
from onboarding.pathway import clock, enrollment, intake, waiting_lists
from onboarding.pathway.models import (
    Activity,
    ActivityKind,
    Candidate,
    CandidateStatus,
    Enrollment,
    ReferralSource,
    Situation,
    StaffUser,
)

TARGET_PRE_REGISTRATIONS = 24
WAITING_LISTS = 3
# Who the demo puts on waiting lists: people still preparing their application.
STILL_PREPARING = (CandidateStatus.REFERRED, CandidateStatus.IN_PATHWAY)
PROJECTS = (
    "J'ai élevé mes enfants et j'aimerais en faire mon métier.",
    "Je suis en reconversion après dix ans dans le commerce.",
    "Je voudrais travailler chez moi et m'occuper d'enfants.",
    "",
)
CLOSING_REASONS = (
    "Votre projet concerne la garde à domicile chez les parents : nous vous orientons vers "
    "votre conseiller France Travail.",
    "Vous résidez hors de Nouvelle-Aquitaine : le Relais Petite Enfance de votre commune vous "
    "renseignera.",
)


def make_pre_registrations(
    session: Session,
    rng: random.Random,
    people: People,
    atlas: Atlas,
    today: date,
    coordinators: dict[str, list[StaffUser]],
    count: int = TARGET_PRE_REGISTRATIONS,
) -> int:
    for number in range(count):
        department = atlas.departments.pick(rng)
        first, last = people.first_name(), people.last_name()
        email, phone = people.contact(first, last, email_share=0.85, phone_share=0.8)
        day = today - timedelta(days=rng.randint(0, 40))
        with clock.frozen_at(moment(day, f"pre-{number}")):
            request = intake.pre_register(
                session,
                intake.PreRegistrationInput(
                    first_name=first, last_name=last,
                    commune_insee=atlas.commune(rng, department).insee_code,
                    situation=rng.choice(list(Situation)), email=email,
                    phone=phone if phone or email else people.phone(landline_share=0),
                    message=rng.choice(PROJECTS), consent=True,
                ),
            )  # fmt: skip
        age = (today - day).days
        covering = coordinators.get(request.department_code) or []
        if age < 10 or not covering or rng.random() < 0.5:
            continue  # still to qualify
        actor = covering[0]
        with clock.frozen_at(moment(day + timedelta(days=rng.randint(2, 8)), f"ans-{number}")):
            if rng.random() < 0.6:
                intake.accept(
                    session, request, actor=actor, referral_source=ReferralSource.SELF,
                    referred_by=None, coordinator=actor, today=clock.today(),
                )  # fmt: skip
            else:
                intake.close(session, request, actor=actor, reason=rng.choice(CLOSING_REASONS))
    return count


def make_waiting_lists(session: Session, rng: random.Random, today: date) -> int:
    """Fill a few small activities to come and put two or three more people on their lists."""
    activities = session.scalars(
        select(Activity)
        .where(
            Activity.date > today + timedelta(days=3),
            Activity.kind.in_((ActivityKind.INFORMATION, ActivityKind.COACHING)),
            Activity.is_cancelled.is_(False),
        )
        .order_by(Activity.capacity, Activity.date, Activity.id)
    ).all()
    made = 0
    for activity in activities:
        if made == WAITING_LISTS:
            break
        enrolled = select(Enrollment.candidate_id).where(Enrollment.activity_id == activity.id)
        free = session.scalars(
            select(Candidate)
            .where(
                Candidate.department_code == activity.department_code,
                Candidate.status.in_(STILL_PREPARING),
                Candidate.id.not_in(enrolled),
            )
            .order_by(Candidate.id)
        ).all()
        extra, seats = rng.randint(2, 3), activity.seats_left
        if len(free) < seats + extra:
            continue
        for candidate in free[:seats]:
            enrollment.enroll(session, candidate, activity, actor=None, today=today)
        for candidate in free[seats : seats + extra]:
            waiting_lists.join(session, candidate, activity, actor=None)
        made += 1
    return made
