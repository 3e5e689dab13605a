"""Who the candidates are: their identities, where they live, who referred them, and the
scenario each one lives (how far along the pathway, and when)."""

import random
from collections import Counter
from dataclasses import dataclass
from datetime import date

from onboarding.demo.names import People
from onboarding.demo.places import (
    DEPARTMENTS,
    Atlas,
    Place,
    of_town,
)
from onboarding.pathway.models import (
    CandidateStatus,
    ReferralSource,
    StaffUser,
    WithdrawalReason,
)

S = CandidateStatus
W = WithdrawalReason


@dataclass(frozen=True)
class Scenario:
    """What happens to a group of candidates, and when its telling event falls (days ago)."""

    name: str
    count: int
    status: CandidateStatus
    anchor_days_ago: tuple[int, int]
    # A first guess of the days from referral to the telling event, refined by planning.
    typical_days: int


SCENARIOS = (
    Scenario("referred", 30, S.REFERRED, (50, 2), 0),
    Scenario("withdrawn_referred", 12, S.WITHDRAWN, (420, 5), 30),
    Scenario("in_pathway", 62, S.IN_PATHWAY, (210, 7), 15),
    Scenario("withdrawn_in_pathway", 22, S.WITHDRAWN, (450, 5), 60),
    Scenario("dossier_filed", 22, S.DOSSIER_FILED, (75, 3), 100),
    Scenario("withdrawn_filed", 6, S.WITHDRAWN, (380, 10), 130),
    Scenario("under_evaluation", 22, S.UNDER_EVALUATION, (84, 3), 125),
    Scenario("overdue_decision", 3, S.UNDER_EVALUATION, (140, 95), 125),
    Scenario("appeal_pending", 3, S.UNDER_EVALUATION, (45, 2), 230),
    Scenario("withdrawn_evaluation", 5, S.WITHDRAWN, (350, 10), 160),
    Scenario("approved", 28, S.APPROVED, (240, 5), 185),
    Scenario("approved_deemed", 8, S.APPROVED, (220, 2), 215),
    Scenario("approved_after_appeal", 2, S.APPROVED, (150, 5), 270),
    Scenario("refused", 10, S.REFUSED, (400, 5), 185),
    Scenario("refused_after_appeal", 2, S.REFUSED, (300, 10), 270),
    Scenario("withdrawn_refused", 3, S.WITHDRAWN, (330, 20), 230),
    Scenario("withdrawn_approved", 2, S.WITHDRAWN, (300, 20), 230),
    Scenario("active", 52, S.ACTIVE, (250, 5), 290),
    Scenario("active_deemed", 6, S.ACTIVE, (220, 5), 310),
)  # fmt: skip

WITHDRAWAL_REASONS = {
    "withdrawn_referred": (W.UNREACHABLE, W.UNREACHABLE, W.PROJECT_ABANDONED, W.JOB_OR_TRAINING),
    "withdrawn_in_pathway": tuple(W),
    "withdrawn_filed": (W.HOUSING, W.FAMILY, W.HEALTH, W.MOVED),
    "withdrawn_evaluation": (W.HOUSING, W.HEALTH, W.MOVED, W.FAMILY),
    "withdrawn_refused": (W.PROJECT_ABANDONED,),
    "withdrawn_approved": (W.JOB_OR_TRAINING,),
}
OTHER_NOTES = (
    "Projet de création d'une MAM reporté à l'an prochain.",
    "Souhaite d'abord préparer le CAP Accompagnant éducatif petite enfance.",
    "S'oriente finalement vers un poste d'agent en crèche.",
)


@dataclass
class Profile:
    key: str
    scenario: Scenario
    first_name: str
    last_name: str
    email: str | None
    phone: str | None
    address: str | None
    birth_date: date
    place: Place
    pole: Place
    source: ReferralSource
    referred_by: str | None
    is_job_seeker: bool
    france_travail_id: str | None
    requested_capacity: int
    has_cap_aepe_units: bool
    coordinator: StaffUser | None
    withdrawal: WithdrawalReason | None = None
    withdrawal_note: str = ""


SOURCES = (
    (ReferralSource.FRANCE_TRAVAIL, 0.44),
    (ReferralSource.CAF, 0.12),
    (ReferralSource.RPE, 0.12),
    (ReferralSource.PMI, 0.06),
    (ReferralSource.MISSION_LOCALE, 0.08),
    (ReferralSource.SELF, 0.15),
    (ReferralSource.OTHER, 0.03),
)
JOB_SEEKER_SHARE = {
    ReferralSource.FRANCE_TRAVAIL: 0.97,
    ReferralSource.MISSION_LOCALE: 0.85,
    ReferralSource.CAF: 0.35,
    ReferralSource.SELF: 0.3,
}
MIN_CANDIDATES_PER_DEPARTMENT = 6


def referred_by(
    rng: random.Random, source: ReferralSource, place: Place, pole: Place
) -> str | None:
    article = DEPARTMENTS[place.department_code][1]
    match source:
        case ReferralSource.FRANCE_TRAVAIL:
            return f"Conseiller France Travail, agence {of_town(pole.name)}"
        case ReferralSource.CAF:
            return f"Caf {article}, service d'action sociale"
        case ReferralSource.RPE:
            return f"Relais Petite Enfance {of_town(place.name)}"
        case ReferralSource.PMI:
            return f"PMI, maison départementale des solidarités {of_town(pole.name)}"
        case ReferralSource.MISSION_LOCALE:
            return f"Mission locale {of_town(pole.name)}"
        case ReferralSource.OTHER:
            return rng.choice(
                (f"Forum de l'emploi {of_town(pole.name)}", "Une assistante maternelle du quartier")
            )
    return None


def draw_profiles(
    rng: random.Random,
    atlas: Atlas,
    people: People,
    today: date,
    coordinators: dict[str, list[StaffUser]],
    scenarios: tuple[Scenario, ...] = SCENARIOS,
) -> tuple[list[Profile], dict[str, list[Place]]]:
    """Every candidate's identity and scenario, and the towns where each département meets them."""
    total = sum(s.count for s in scenarios)
    floor = min(MIN_CANDIDATES_PER_DEPARTMENT, total // len(DEPARTMENTS))
    departments = [code for code in DEPARTMENTS for _ in range(floor)]
    departments += [atlas.departments.pick(rng) for _ in range(total - len(departments))]
    rng.shuffle(departments)
    per_department = Counter(departments)
    poles = {code: atlas.poles(code, per_department[code]) for code in DEPARTMENTS}

    labels = [scenario for scenario in scenarios for _ in range(scenario.count)]
    rng.shuffle(labels)
    reasons_seen: dict[str, int] = Counter()
    profiles = []
    for scenario, department in zip(labels, departments, strict=True):
        place = atlas.commune(rng, department)
        pole = min(poles[department], key=place.km_to)
        source = rng.choices([s for s, _ in SOURCES], [w for _, w in SOURCES])[0]
        job_seeker = rng.random() < JOB_SEEKER_SHARE.get(source, 0.25)
        first, last = people.first_name(), people.last_name()
        email, phone = people.contact(first, last, email_share=0.88, phone_share=0.93)
        profile = Profile(
            key=f"{rng.getrandbits(64):016x}",
            scenario=scenario,
            first_name=first,
            last_name=last,
            email=email,
            phone=phone,
            address=people.address() if rng.random() < 0.85 else None,
            birth_date=people.birth_date(today),
            place=place,
            pole=pole,
            source=source,
            referred_by=referred_by(rng, source, place, pole),
            is_job_seeker=job_seeker,
            # A few job seekers' identifiers are not known yet.
            france_travail_id=people.france_travail_id()
            if job_seeker and rng.random() < 0.96
            else None,
            requested_capacity=rng.choices((4, 3, 2), (0.8, 0.15, 0.05))[0],
            has_cap_aepe_units=rng.random() < 0.1,
            coordinator=rng.choice(coordinators[department])
            if coordinators.get(department)
            else None,
        )
        reasons = WITHDRAWAL_REASONS.get(scenario.name)
        if reasons:
            # Cycle through the reasons first, so that every one of them shows up.
            seen = reasons_seen[scenario.name]
            reasons_seen[scenario.name] += 1
            profile.withdrawal = reasons[seen] if seen < len(reasons) else rng.choice(reasons)
            if profile.withdrawal == W.OTHER:
                profile.withdrawal_note = rng.choice(OTHER_NOTES)
        profiles.append(profile)
    return profiles, poles
