"""Median time of one attestation de présence, and of 100 in one PDF, against 300 ms and 3 s.

Usage: python benchmarks/documents.py [--runs N] [--activities N] [--database-url URL]
    [--summary FILE]
Without --database-url it works in a temporary SQLite file; exits 1 when a budget is missed.
Each run loads the candidates afresh (queries included), renders the templates and prints the
PDF with WeasyPrint; the 100 are a bundle, printed in chunks by as many worker processes as the
header says, then joined.
"""

import argparse
import sys
import tempfile
import time
from datetime import time as clock_time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from benchmarks.measure import Figure, Report
from onboarding import create_app
from onboarding.documents import bundles, papers
from onboarding.extensions import db
from onboarding.pathway import clock
from onboarding.pathway.base import Model
from onboarding.pathway.communes import load_communes
from onboarding.pathway.models import (
    Activity,
    ActivityKind,
    Attendance,
    Candidate,
    Enrollment,
    PathwayStep,
    ReferralSource,
)

BUDGET_ONE_MS = 300
BUDGET_HUNDRED_MS = 3000
FIRST_NAMES = ("Élodie", "Maëlle", "Chloé", "Inès", "Noémie", "Zoé", "Anaïs", "Hélène")
LAST_NAMES = ("Œuvray-Dubois", "Lefèvre", "Béranger", "Nguyễn", "Da Silva-Gonçalves", "Dupré")


def build(candidates: int, activities: int) -> None:
    """Benchmark data written directly (not a story told through the pathway engine)."""
    today = clock.today()
    step = PathwayStep(kind=ActivityKind.COACHING, title="Accompagnement collectif", position=1)
    db.session.add(step)
    rows = []
    for number in range(activities):
        rows.append(
            Activity(
                step=step,
                kind=step.kind,
                title=f"Atelier n° {number + 1} : préparer l'entretien avec la PMI",
                date=today - timedelta(days=3 * (activities - number)),
                start_time=clock_time(9, 30),
                end_time=clock_time(12, 0),
                place_name="Agence France Travail Bordeaux Saint-Jean",
                address="12 rue Sainte-Catherine",
                commune_insee="33063",
                capacity=candidates,
                seats_taken=candidates,
            )
        )
    db.session.add_all(rows)
    for number in range(candidates):
        candidate = Candidate(
            first_name=FIRST_NAMES[number % len(FIRST_NAMES)],
            last_name=f"{LAST_NAMES[number % len(LAST_NAMES)]} {number}",
            commune_insee="33063",
            referral_source=ReferralSource.FRANCE_TRAVAIL,
            referred_on=today - timedelta(days=200),
            is_job_seeker=True,
        )
        db.session.add(candidate)
        for activity in rows:
            db.session.add(
                Enrollment(
                    candidate=candidate,
                    activity=activity,
                    attendance=Attendance.ATTENDED,
                    hours_credited=Decimal("2.5"),
                )
            )
    db.session.commit()


def load(limit: int) -> list[Candidate]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Candidate)
            .order_by(Candidate.id)
            .limit(limit)
            .options(
                selectinload(Candidate.commune),
                selectinload(Candidate.enrollments)
                .selectinload(Enrollment.activity)
                .selectinload(Activity.commune),
            )
        )
    )


def measure(count: int, runs: int, issuer: papers.Issuer) -> tuple[list[float], int]:
    timings, size = [], 0
    for run in range(runs + 1):
        started = time.perf_counter()
        data = papers.presence_attestations(load(count), issuer)
        elapsed = (time.perf_counter() - started) * 1000
        size = len(data)
        if run >= 1:  # the first loads the fonts once for the process
            timings.append(elapsed)
    return timings, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--activities", type=int, default=8, help="attended per candidate")
    parser.add_argument("--database-url")
    parser.add_argument("--summary", help="write the figures to this JSON file")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="bench-")
    url = args.database_url or f"sqlite:///{workdir}/bench.sqlite"
    app = create_app(
        {"ONBOARDING_ENV": "testing", "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url,
         "RATELIMIT_ENABLED": False},
        instance_path=workdir,
    )  # fmt: skip
    with app.app_context():
        with db.engine.begin() as connection:
            if db.inspect(connection).has_table("candidate"):
                sys.exit("The database already has tables: give an empty one.")
            Model.metadata.create_all(connection)
            load_communes(connection)
        build(100, args.activities)
        issuer = papers.Issuer(
            "Parcours Assmat – France Travail et Caf, département 33",
            "Ada Coordinatrice",
            clock.today(),
        )
        workers = bundles.workers(100)
        printers = f"by {workers} worker processes" if workers > 1 else "in this process"
        print(
            f"100 candidates, {args.activities} attended activities each, {url.split(':')[0]}, "
            f"bundle printed {printers}"
        )
        backend = url.split("://")[0].split("+")[0]
        report = Report("documents", backend, {"activities": args.activities, "runs": args.runs})
        print()
        for label, count, runs, budget in (
            ("1 attestation", 1, args.runs, BUDGET_ONE_MS),
            ("100 attestations, one PDF", 100, max(3, args.runs // 3), BUDGET_HUNDRED_MS),
        ):
            timings, size = measure(count, runs, issuer)
            figure = Figure.of(label, timings, median_budget=budget)
            figure.extra["kB"] = round(size / 1024)
            report.add(figure)
    report.finish(args.summary)


if __name__ == "__main__":
    main()
