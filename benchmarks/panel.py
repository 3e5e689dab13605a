"""What the panel benchmarks share: a population, an app on it, signed-in clients, and the
median of each page against a budget.

Each benchmark gives its budget and its pages, {label: (who, path)} with who "admin" or
"coordinator" (of 33 and 24), and calls run_pages().
"""

import argparse
import statistics
import tempfile
import time

from sqlalchemy import event

from benchmarks.population import build_population
from onboarding import create_app
from onboarding.extensions import db
from onboarding.pathway import clock, staff
from onboarding.pathway.models import Role

PASSWORD = "benchmark password"
ACCOUNTS = (
    ("admin", Role.ADMIN, ""),
    ("coordinator", Role.COORDINATOR, "33,24"),
)


def arguments(description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--candidates", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--database-url")
    return parser.parse_args()


def measure(client, url: str, runs: int) -> tuple[list[float], int]:
    """Milliseconds of each run after two warm-up runs, and the statements of one request."""
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


def _signed_in_clients(app) -> dict:
    with app.app_context():
        for name, role, departments in ACCOUNTS:
            staff.create_staff_user(
                db.session, email=f"{name}@bench.example", role=role, password=PASSWORD,
                departments=departments,
            )  # fmt: skip
        db.session.commit()
    clients = {}
    for name, _, _ in ACCOUNTS:
        client = app.test_client()
        page = client.get("/auth/login").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        client.post(
            "/auth/login",
            data={"csrf_token": token, "email": f"{name}@bench.example",
                  "password": PASSWORD, "next": ""},
        )  # fmt: skip
        clients[name] = client
    return clients


def run_pages(description: str, budget_ms: float, pages: dict[str, tuple[str, str]]) -> None:
    args = arguments(description)
    workdir = tempfile.mkdtemp(prefix="bench-")
    url = args.database_url or f"sqlite:///{workdir}/bench.sqlite"
    print(f"Building {args.candidates:,} candidates in {url.split('://')[0]} …", flush=True)
    print("  ", build_population(url, candidates=args.candidates, today=clock.today()), flush=True)

    app = create_app(
        {"ONBOARDING_ENV": "testing", "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url,
         "RATELIMIT_ENABLED": False},
        instance_path=workdir,
    )  # fmt: skip
    clients = _signed_in_clients(app)

    width = max(len(label) for label in pages) + 2
    print(
        f"\n{'page':<{width}} {'median':>9} {'p95':>9} {'statements':>11}  budget {budget_ms:g} ms"
    )
    worst = 0.0
    with app.app_context():
        for label, (who, path) in pages.items():
            timings, statements = measure(clients[who], path, args.runs)
            median = statistics.median(timings)
            p95 = statistics.quantiles(timings, n=20)[-1]
            worst = max(worst, median)
            verdict = "ok" if median < budget_ms else "OVER"
            print(f"{label:<{width}} {median:>7.1f}ms {p95:>7.1f}ms {statements:>11}  {verdict}")
    print(f"\nworst median {worst:.1f} ms = {worst / budget_ms:.2f} × the budget")
