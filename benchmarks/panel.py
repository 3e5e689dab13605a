"""What the panel benchmarks share: a population, an app on it, signed-in clients whose every
request runs in its own context and transaction, and each page against its budget.

Each benchmark gives its pages, {label: (who, path, budget in ms)} with who "admin" or
"coordinator" (of 33 and 24), and calls run_pages(). A coordinator's figures are a
coordinator's: each request loads its user from the session cookie, so the scope applies, and
the run checks that the coordinator's candidate list differs from the admin's.
"""

import argparse
import tempfile
import time

from sqlalchemy import create_engine, event, func, inspect, select

from benchmarks.measure import Figure, ProductionClient, Report
from benchmarks.population import build_population
from onboarding import create_app
from onboarding.extensions import db
from onboarding.pathway import clock, staff
from onboarding.pathway.models import Candidate, Role, StaffUser

PASSWORD = "benchmark password"
ACCOUNTS = (
    ("admin", Role.ADMIN, ""),
    ("coordinator", Role.COORDINATOR, "33,24"),
)


def arguments(description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--candidates", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument(
        "--database-url",
        help="an empty database, or one this benchmark filled before with as many candidates",
    )
    parser.add_argument("--summary", help="write the figures to this JSON file")
    return parser.parse_args()


def measure(client, engine, url: str, runs: int) -> tuple[list[float], int]:
    """Milliseconds of each run after two warm-up runs, and the statements of one request."""
    statements = []

    def count(*args):
        statements.append(1)

    timings = []
    for run in range(runs + 2):
        statements.clear()
        event.listen(engine, "before_cursor_execute", count)
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        event.remove(engine, "before_cursor_execute", count)
        assert response.status_code == 200, (url, response.status_code)
        if run >= 2:  # the first two warm the caches
            timings.append(elapsed)
    return timings, len(statements)


def _population(url: str, candidates: int) -> None:
    """Build the population, or reuse the one a previous run left with as many candidates."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            existing = (
                connection.scalar(select(func.count()).select_from(Candidate))
                if inspect(connection).has_table("candidate")
                else 0
            )
    finally:
        engine.dispose()
    if existing == candidates:
        print(f"   reusing the {existing:,} candidates already there", flush=True)
        return
    if existing:
        raise SystemExit(f"The database has {existing:,} candidates, not {candidates:,}.")
    print("  ", build_population(url, candidates=candidates, today=clock.today()), flush=True)


def _signed_in_clients(app) -> dict:
    with app.app_context():
        for name, role, departments in ACCOUNTS:
            email = f"{name}@bench.example"
            if db.session.scalar(select(StaffUser).where(StaffUser.email == email)) is None:
                staff.create_staff_user(
                    db.session, email=email, role=role, password=PASSWORD,
                    departments=departments,
                )  # fmt: skip
        db.session.commit()
    clients = {}
    for name, _, _ in ACCOUNTS:
        client = app.test_client()
        page = client.get("/auth/login").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        response = client.post(
            "/auth/login",
            data={"csrf_token": token, "email": f"{name}@bench.example",
                  "password": PASSWORD, "next": ""},
        )  # fmt: skip
        assert response.status_code == 302, f"{name} could not sign in"
        clients[name] = client
    return clients


def _check_scope(clients: dict) -> None:
    """The coordinator sees a list of their départements, not the admin's."""
    admin = clients["admin"].get("/admin/candidate/").get_data(as_text=True)
    coordinator = clients["coordinator"].get("/admin/candidate/").get_data(as_text=True)
    assert admin != coordinator, "the coordinator's list is the admin's: the scope is not applied"


def run_pages(benchmark: str, description: str, pages: dict[str, tuple[str, str, float]]) -> None:
    args = arguments(description)
    workdir = tempfile.mkdtemp(prefix="bench-")
    url = args.database_url or f"sqlite:///{workdir}/bench.sqlite"
    if url.startswith(("postgres://", "postgresql://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    backend = url.split("://")[0].split("+")[0]
    print(f"{args.candidates:,} candidates in {backend} …", flush=True)
    _population(url, args.candidates)

    app = create_app(
        {"ONBOARDING_ENV": "testing", "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url,
         "RATELIMIT_ENABLED": False},
        instance_path=workdir,
    )  # fmt: skip
    app.test_client_class = ProductionClient
    clients = _signed_in_clients(app)
    _check_scope(clients)
    with app.app_context():
        engine = db.engine

    report = Report(benchmark, backend, {"candidates": args.candidates, "runs": args.runs})
    print()
    for label, (who, path, budget) in pages.items():
        timings, statements = measure(clients[who], engine, path, args.runs)
        figure = Figure.of(label, timings, median_budget=budget)
        figure.extra["statements"] = statements
        report.add(figure)
    report.finish(args.summary)
