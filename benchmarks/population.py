"""A large, believable population written with bulk inserts, for benchmarks."""

import random
import time as clock_time
from datetime import date, time, timedelta

from sqlalchemy import create_engine, func, insert, select

from onboarding.pathway.base import Model, utcnow
from onboarding.pathway.communes import load_communes
from onboarding.pathway.geography import NOUVELLE_AQUITAINE
from onboarding.pathway.models import (
    Activity,
    ActivityKind,
    AgrementDecision,
    Attendance,
    Candidate,
    CandidateStatus,
    Commune,
    DecisionOutcome,
    DossierItem,
    DossierItemKind,
    DossierItemStatus,
    Enrollment,
    PathwayStep,
    ReferralSource,
)

S = CandidateStatus
# Share of each status in a region's year of referrals.
STATUS_WEIGHTS = {
    S.REFERRED: 10,
    S.IN_PATHWAY: 30,
    S.DOSSIER_FILED: 8,
    S.UNDER_EVALUATION: 10,
    S.APPROVED: 12,
    S.ACTIVE: 8,
    S.REFUSED: 4,
    S.WITHDRAWN: 18,
}
FIRST_NAMES = (
    "Camille",
    "Sarah",
    "Nadia",
    "Julie",
    "Aïcha",
    "Sophie",
    "Inès",
    "Léa",
    "Fatou",
    "Marie",
    "Emma",
    "Chloé",
    "Yasmine",
    "Laura",
    "Manon",
    "Karim",
    "Thomas",
)
LAST_NAMES = (
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Dupont",
)
BATCH = 10_000


def _insert(connection, model, rows) -> None:
    for start in range(0, len(rows), BATCH):
        connection.execute(insert(model), rows[start : start + BATCH])


def build_population(url: str, *, candidates: int, seed: int = 1, today: date) -> dict:
    """Create the schema and fill it; returns the counts written and the seconds it took."""
    started = clock_time.perf_counter()
    rng = random.Random(seed)
    engine = create_engine(url)
    with engine.begin() as connection:
        Model.metadata.create_all(connection)
        load_communes(connection)
        if connection.scalar(select(func.count()).select_from(Candidate)):
            raise SystemExit("The benchmark database already has candidates: give an empty one.")
        communes = connection.execute(
            select(Commune.insee_code, Commune.department_code, Commune.population).where(
                Commune.department_code.in_(NOUVELLE_AQUITAINE), Commune.population > 1500
            )
        ).all()
        weights = [population for _, _, population in communes]
        now = utcnow()

        steps = [
            {
                "id": 1,
                "kind": ActivityKind.INFORMATION,
                "title": "Réunion d'information",
                "position": 1,
                "is_mandatory": True,
                "required_sessions": 1,
                "required_hours": 0,
            },
            {
                "id": 2,
                "kind": ActivityKind.IMMERSION,
                "title": "Journée d'immersion",
                "position": 2,
                "is_mandatory": True,
                "required_sessions": 1,
                "required_hours": 0,
            },
            {
                "id": 3,
                "kind": ActivityKind.COACHING,
                "title": "Accompagnement collectif",
                "position": 3,
                "is_mandatory": True,
                "required_sessions": 3,
                "required_hours": 0,
            },
            {
                "id": 4,
                "kind": ActivityKind.MODULE,
                "title": "Premiers secours",
                "position": 4,
                "is_mandatory": True,
                "required_sessions": 1,
                "required_hours": 7,
            },
        ]
        _insert(
            connection, PathwayStep, [{**s, "description": "", "is_active": True} for s in steps]
        )

        activity_count = max(50, candidates // 20)
        activities = []
        for number in range(1, activity_count + 1):
            insee, department, _ = rng.choices(communes, weights)[0]
            step = rng.choice(steps)
            activities.append(
                {
                    "id": number,
                    "step_id": step["id"],
                    "kind": step["kind"],
                    "title": step["title"],
                    "date": today + timedelta(days=rng.randint(-400, 90)),
                    "start_time": time(9, 0),
                    "end_time": time(12, 0),
                    "place_name": "Agence France Travail",
                    "address": "",
                    "commune_insee": insee,
                    "department_code": department,
                    "capacity": 60,
                    "seats_taken": 0,
                    "what_to_bring": "",
                    "is_cancelled": False,
                    "created_at": now,
                }
            )

        statuses = list(STATUS_WEIGHTS)
        status_weights = list(STATUS_WEIGHTS.values())
        rows, items, enrollments, decisions = [], [], [], []
        seats = [0] * (activity_count + 1)
        for number in range(1, candidates + 1):
            insee, department, _ = rng.choices(communes, weights)[0]
            status = rng.choices(statuses, status_weights)[0]
            referred_on = today - timedelta(days=rng.randint(0, 700))
            advanced = status not in (S.REFERRED, S.IN_PATHWAY, S.WITHDRAWN)
            complete_on = referred_on + timedelta(days=rng.randint(60, 150)) if advanced else None
            if complete_on and complete_on > today:
                complete_on = today
            rows.append(
                {
                    "id": number,
                    "first_name": rng.choice(FIRST_NAMES),
                    "last_name": rng.choice(LAST_NAMES),
                    "email": f"personne{number}@example.org",
                    "commune_insee": insee,
                    "department_code": department,
                    "referral_source": rng.choice(list(ReferralSource)),
                    "referred_on": referred_on,
                    "cohort": f"{referred_on:%Y-%m}",
                    "is_job_seeker": rng.random() < 0.6,
                    "france_travail_id": f"{number:07d}A",
                    "status": status,
                    "status_changed_at": now,
                    "dossier_filed_on": complete_on,
                    "dossier_complete_on": complete_on,
                    "requested_capacity": 4,
                    "has_cap_aepe_units": False,
                    "created_at": now,
                    "updated_at": now,
                    "withdrawal_reason": "moved" if status == S.WITHDRAWN else None,
                }
            )
            for kind in DossierItemKind:
                items.append(
                    {
                        "candidate_id": number,
                        "kind": kind,
                        "note": "",
                        "status": DossierItemStatus.RECEIVED
                        if advanced
                        else DossierItemStatus.MISSING,
                    }
                )
            for activity_id in rng.sample(range(1, activity_count + 1), k=rng.randint(0, 5)):
                if seats[activity_id] >= 60:
                    continue
                seats[activity_id] += 1
                past = activities[activity_id - 1]["date"] < today
                enrollments.append(
                    {
                        "candidate_id": number,
                        "activity_id": activity_id,
                        "attendance": Attendance.ATTENDED if past else Attendance.PENDING,
                        "hours_credited": 3 if past else None,
                        "excused_by_candidate": False,
                        "enrolled_at": now,
                    }
                )
            if status in (S.APPROVED, S.ACTIVE, S.REFUSED):
                decided_on = complete_on + timedelta(days=rng.randint(30, 90))
                refused = status == S.REFUSED
                decisions.append(
                    {
                        "candidate_id": number,
                        "outcome": DecisionOutcome.REFUSED if refused else DecisionOutcome.GRANTED,
                        "decided_on": decided_on,
                        "capacity": None if refused else 4,
                        "reason": "Motif" if refused else "",
                        "is_renewal": False,
                        "valid_until": None if refused else decided_on + timedelta(days=5 * 365),
                        "created_at": now,
                    }
                )
        for activity in activities:
            activity["seats_taken"] = seats[activity["id"]]
        _insert(connection, Activity, activities)
        _insert(connection, Candidate, rows)
        _insert(connection, DossierItem, items)
        _insert(connection, Enrollment, enrollments)
        _insert(connection, AgrementDecision, decisions)
    engine.dispose()
    return {
        "candidates": candidates,
        "activities": activity_count,
        "enrollments": len(enrollments),
        "dossier items": len(items),
        "decisions": len(decisions),
        "seconds": round(clock_time.perf_counter() - started, 1),
    }
