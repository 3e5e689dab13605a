"""Median time of the indicators page (and the dashboard) at 100,000 candidates, against the 300 ms
budget.

Usage: python benchmarks/indicators.py [--candidates N] [--runs N] [--database-url URL]
Without --database-url it works in a temporary SQLite file.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event

from benchmarks.population import build_population
from onboarding import create_app
from onboarding.extensions import db
from onboarding.pathway import clock, staff
from onboarding.pathway.models import Role

BUDGET_MS = 300
PAGES = {
    "indicators, admin (all départements)": ("admin", "/admin/indicators/"),
    "indicators, coordinator of 33 and 24": ("coordinator", "/admin/indicators/"),
    "indicators, 33, one cohort": ("admin", "/admin/indicators/?departement=33&cohorte=2025-09"),
    "indicators, one year's period": (
        "admin",
        "/admin/indicators/?debut=2025-03-16&fin=2026-03-16",
    ),
    "indicators CSV export, admin": ("admin", "/admin/indicators/export.csv"),
    "dashboard, admin": ("admin", "/admin/"),
}


def measure(client, url: str, runs: int) -> tuple[list[float], int]:
    statements = []

    def count(*args):
        statements.append(1)

    timings = []
    for run in range(runs + 2):
        statements.clear()
        event.listen(db.engine, "before_cursor_execute", count)
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        event.remove(db.engine, "before_cursor_execute", count)
        assert response.status_code == 200, (url, response.status_code)
        if run >= 2:  # the first two warm the caches
            timings.append(elapsed)
    return timings, len(statements)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--candidates", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--database-url")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="bench-")
    url = args.database_url or f"sqlite:///{workdir}/bench.sqlite"
    today = clock.today()
    print(f"Building {args.candidates:,} candidates in {url.split('://')[0]} …", flush=True)
    print("  ", build_population(url, candidates=args.candidates, today=today), flush=True)

    app = create_app(
        {"ONBOARDING_ENV": "testing", "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url,
         "RATELIMIT_ENABLED": False},
        instance_path=workdir,
    )  # fmt: skip
    with app.app_context():
        for email, role, departments in (
            ("admin@bench.example", Role.ADMIN, ""),
            ("coordinator@bench.example", Role.COORDINATOR, "33,24"),
        ):
            staff.create_staff_user(
                db.session, email=email, role=role, password="benchmark password",
                departments=departments,
            )  # fmt: skip
        db.session.commit()

    clients = {}
    for name in ("admin", "coordinator"):
        client = app.test_client()
        page = client.get("/auth/login").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        client.post(
            "/auth/login",
            data={"csrf_token": token, "email": f"{name}@bench.example",
                  "password": "benchmark password", "next": ""},
        )  # fmt: skip
        clients[name] = client

    print(f"\n{'page':<40} {'median':>9} {'p95':>9} {'statements':>11}  budget {BUDGET_MS} ms")
    worst = 0.0
    with app.app_context():
        for label, (who, path) in PAGES.items():
            timings, statements = measure(clients[who], path, args.runs)
            median = statistics.median(timings)
            p95 = statistics.quantiles(timings, n=20)[-1]
            worst = max(worst, median)
            verdict = "ok" if median < BUDGET_MS else "OVER"
            print(f"{label:<40} {median:>7.1f}ms {p95:>7.1f}ms {statements:>11}  {verdict}")
    print(f"\nworst median {worst:.1f} ms = {worst / BUDGET_MS:.2f} × the budget")


if __name__ == "__main__":
    main()
