"""A large, believable population written with bulk inserts, for benchmarks."""

import random
import time as clock_time
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import bindparam, create_engine, func, insert, select, text, update
from sqlalchemy.orm import Session

from onboarding.pathway import next_deadline, steps_reached
from onboarding.pathway.base import Model, utcnow
from onboarding.pathway.communes import load_communes
from onboarding.pathway.geography import NOUVELLE_AQUITAINE
from onboarding.pathway.indicators import summary
from onboarding.pathway.models import (
    Activity,
    ActivityKind,
    AgrementDecision,
    Attendance,
    Candidate,
    CandidateStatus,
    Carer,
    Commune,
    ContactOutcome,
    ContactRequest,
    DecisionOutcome,
    DossierItem,
    DossierItemKind,
    DossierItemStatus,
    Enrollment,
    PathwayStep,
    ReferralSource,
    Training,
    TrainingKind,
    TransitionLog,
    Vacancy,
    WithdrawalReason,
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
# Candidates made, then written, at a time.
CHUNK = 50_000


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
        positions = {
            insee: (latitude, longitude)
            for insee, latitude, longitude in connection.execute(
                select(Commune.insee_code, Commune.latitude, Commune.longitude).where(
                    Commune.department_code.in_(NOUVELLE_AQUITAINE)
                )
            )
        }
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
        carers, vacancies, requests, trainings, logs = [], [], [], [], []
        reasons = list(WithdrawalReason)
        outcomes = list(ContactOutcome)
        seats = [0] * (activity_count + 1)
        _insert(connection, Activity, activities)
        written: dict[str, int] = {}

        def write() -> None:
            """The rows of the candidates made so far, written and forgotten: a million
            candidates' rows never wait in memory together."""
            for label, model, made in (
                ("candidates", Candidate, rows), ("dossier items", DossierItem, items),
                ("enrollments", Enrollment, enrollments),
                ("decisions", AgrementDecision, decisions), ("logs", TransitionLog, logs),
                ("trainings", Training, trainings), ("carers", Carer, carers),
                ("vacancies", Vacancy, vacancies), ("contact requests", ContactRequest, requests),
            ):  # fmt: skip
                _insert(connection, model, made)
                written[label] = written.get(label, 0) + len(made)
                made.clear()

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
                    "withdrawal_reason": rng.choice(reasons) if status == S.WITHDRAWN else None,
                }
            )
            if status == S.WITHDRAWN:
                logs.append(
                    {
                        "candidate_id": number,
                        "name": "withdraw",
                        "from_status": rng.choice((S.REFERRED, S.IN_PATHWAY, S.DOSSIER_FILED)),
                        "to_status": S.WITHDRAWN,
                        "effective_on": min(today, referred_on + timedelta(days=30)),
                        "note": "",
                        "created_at": now,
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
            reached = set()
            for activity_id in rng.sample(range(1, activity_count + 1), k=rng.randint(0, 5)):
                if seats[activity_id] >= 60:
                    continue
                seats[activity_id] += 1
                past = activities[activity_id - 1]["date"] < today
                if past:
                    reached.add(activities[activity_id - 1]["step_id"])
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
            # Written directly, so the derived columns are filled here, as the flush would.
            rows[-1]["steps_reached"] = steps_reached.encode(reached)
            rows[-1]["missing_pieces"] = 0 if advanced else len(DossierItemKind)
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
                if not refused:
                    _carer_rows(
                        rng, number, rows[-1], positions[insee], decided_on, status == S.ACTIVE,
                        today, now, carers, vacancies, requests, trainings, outcomes,
                    )  # fmt: skip
            if number % CHUNK == 0:
                write()
        write()
        table = Activity.__table__
        connection.execute(
            update(table)
            .where(table.c.id == bindparam("key"))
            .values(seats_taken=bindparam("seats")),
            [{"key": activity["id"], "seats": seats[activity["id"]]} for activity in activities],
        )
    # Bulk inserts skip the flushes that keep each candidate's next deadline and the indicators'
    # summary: computed here, by the same functions.
    with Session(engine) as session:
        next_deadline.recompute(session)
        session.commit()
    with Session(engine) as session:
        summary.rebuild(session)
        session.commit()
    if engine.dialect.name == "sqlite":
        # The statistics `flask db upgrade` gathers (migration 0011); the planner needs them.
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    if engine.dialect.name == "postgresql":
        # What autovacuum does within a minute of a bulk load. Without statistics the planner
        # takes each table for a few rows and nests loops over thousands; without the
        # visibility map, index-only scans go back to the table for every row.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    engine.dispose()
    return {
        "candidates": candidates,
        "activities": activity_count,
        **{
            label: written[label]
            for label in (
                "enrollments",
                "dossier items",
                "decisions",
                "carers",
                "vacancies",
                "contact requests",
            )
        },
        "seconds": round(clock_time.perf_counter() - started, 1),
    }


def _carer_rows(
    rng, number, candidate, position, decided_on, active, today, now,
    carers, vacancies, requests, trainings, outcomes,
) -> None:  # fmt: skip
    """The carer an agrément created, half of them published with a place and parents' requests."""
    if active:
        trainings.append(
            {
                "candidate_id": number,
                "part": 1,
                "block": None,
                "kind": TrainingKind.EVALUATION,
                "hours": 3,
                "includes_first_aid": False,
                "passed": True,
                "completed_on": decided_on,
                "provider": "",
                "created_at": now,
            }
        )
    published = rng.random() < 0.5
    carers.append(
        {
            "id": number,
            "candidate_id": number,
            "first_name": candidate["first_name"],
            "last_name": candidate["last_name"],
            "email": candidate["email"],
            "commune_insee": candidate["commune_insee"],
            "department_code": candidate["department_code"],
            "latitude": position[0],
            "longitude": position[1],
            "agrement_on": decided_on,
            "agrement_capacity": rng.randint(2, 4),
            "presentation": "",
            "is_published": published,
            # The database refuses a published profile without the consent on record.
            "publication_consent_at": now if published else None,
            "publication_consent_version": "2026-01" if published else None,
            "last_confirmed_on": today - timedelta(days=rng.randint(0, 240)),
            "training_part1_on": decided_on if active else None,
            "show_address": False,
            "show_email": True,
            "show_phone": True,
            "created_at": now,
            "updated_at": now,
        }
    )
    if not published:
        return
    created = datetime.combine(
        min(today, decided_on + timedelta(days=rng.randint(1, 60))), time(10, 0), tzinfo=UTC
    )
    vacancies.append(
        {
            "carer_id": number,
            "available_from": created.date() + timedelta(days=rng.randint(0, 90)),
            "age_min_months": 0,
            "age_max_months": 36,
            "half_days": 1023,
            "created_at": created,
            "updated_at": created,
        }
    )
    for _ in range(rng.randint(0, 2)):
        asked = created + timedelta(days=rng.randint(0, 30))
        outcome = rng.choice(outcomes)
        requests.append(
            {
                "carer_id": number,
                "parent_name": "Parent",
                "email": "parent@example.org",
                "commune_insee": candidate["commune_insee"],
                "child_birth_date": date(2025, 1, 1),
                "start_date": asked.date() + timedelta(days=30),
                "is_job_seeker": rng.random() < 0.4,
                "consent_at": asked,
                "consent_version": "2026-01",
                "outcome": outcome,
                "outcome_on": None
                if outcome == ContactOutcome.NEW
                else asked.date() + timedelta(days=rng.randint(0, 14)),
                "created_at": asked,
            }
        )
