"""A load test of our own (threads and http.client, no extra dependency): gunicorn with 4 workers
on the demo data, virtual staff users running weighted scenarios for a bounded time, then counts
checked in the database: concurrent roll calls and enrolments into a nearly full activity lose
nothing and never over-book.

Scenarios are data (SCENARIOS), one function and one weight each: the panel's lists, roll calls
and enrolments; the parents' search API and search page on communes where the demo has carers
(queries checked to return results before the run); contact requests sent through the carer's
page with its CSRF token, every acknowledged one found stored afterwards.

The per-address limits of the contact form and of the API are raised in the load app's
configuration (LOAD_CONFIG): every virtual user comes from 127.0.0.1, and the test measures
concurrency, not the limiter. Run by hand for the full figures:

    .venv/bin/python -m tests.load.harness --seconds 60 --users 50 [--database-url postgresql+psycopg://…]
"""

import argparse
import http.client
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import time as clock_time
from datetime import timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import func, select

PROJECT_ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
ADMIN = ("admin@assmat-demo.example", "demo-admin-2026")
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
# The nearly full activity: this many seats left when the run starts.
SEATS_LEFT = 3
PRE_ENROLLED = 5
CONTENDERS = 24


# Every user is 127.0.0.1: the per-address limits would turn the run into a limiter test.
LOAD_LIMITS = {
    "CONTACT_LIMIT_PER_ADDRESS": "1000000 per hour",
    "API_LIMIT_PER_ADDRESS": "1000000 per minute",
}
# The search's figures are printed on their own (p95 of the API and of the page).
SEARCH_SCENARIOS = ("search API", "search page")


# --- the server ----------------------------------------------------------------------------


def server_environment(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "ONBOARDING_ENV": "development",
        "SECRET_KEY": "load-test-secret",
        "DATABASE_URL": database_url,
        "FLASK_DEBUG": "0",
    }


def prepare_database(database_url: str) -> None:
    """Schema by the migrations, then the demo data, as a deployment would have them."""
    env = server_environment(database_url)
    for command in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run(
            [str(BIN / "flask"), "--app", "onboarding", *command],
            env=env,
            cwd=PROJECT_ROOT,
            check=True,
            capture_output=True,
        )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def load_config(outbox: str) -> dict[str, str]:
    """The app's configuration for the run: raised limits, and mail kept out of instance/."""
    return {**LOAD_LIMITS, "MAIL_OUTBOX": outbox}


class Server:
    """gunicorn with 4 workers on loopback, stopped by its own process id. `config` is laid over
    the load test's configuration; `options` are added to gunicorn's command line."""

    def __init__(
        self,
        database_url: str,
        workers: int = 4,
        config: dict | None = None,
        options: tuple[str, ...] = (),
    ):
        self.port = free_port()
        self.outbox = tempfile.mkdtemp(prefix="load-outbox-")
        settings = {**load_config(self.outbox), **(config or {})}
        factory = f"onboarding:create_app({settings!r})"
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--workers", str(workers), "--bind",
             f"127.0.0.1:{self.port}", "--log-level", "warning", *options, factory],
            env=server_environment(database_url),
            cwd=PROJECT_ROOT,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                status, _, _ = Client(self.port).request("GET", "/healthz")
                if status == 200:
                    return
            except OSError:
                pass
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn stopped at start-up")
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not answer within 30 s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


# --- one virtual user --------------------------------------------------------------------------


class Client:
    """One browser: a keep-alive connection and a cookie jar."""

    def __init__(self, port: int):
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None):
        headers = {"Host": f"127.0.0.1:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (http.client.HTTPException, OSError):
            # A worker closed the kept-alive connection: one retry on a new one.
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, response.headers, text

    def sign_in(self, email: str, password: str) -> str:
        _, _, page = self.request("GET", "/auth/login")
        token = CSRF.search(page).group(1)
        status, _headers, _ = self.request(
            "POST",
            "/auth/login",
            {"csrf_token": token, "email": email, "password": password, "next": ""},
        )
        if status != 302:
            raise RuntimeError(f"sign-in refused ({status})")
        _, _, page = self.request("GET", "/auth/logout")
        return CSRF.search(page).group(1)


# --- the plan: what the users do, and what must hold afterwards ---------------------------------


@dataclass
class Plan:
    activity_id: int
    capacity: int
    contenders: list[int]
    roll_calls: dict[int, list[int]]  # past activity id → its enrolment ids
    # The parents' side: search queries that return carers, and the contact form's values.
    searches: list[dict[str, str]] = field(default_factory=list)
    carers: list[int] = field(default_factory=list)
    contact: dict[str, str] = field(default_factory=dict)


# A child of one, care from next month, on Tuesday mornings: most of the demo's grids offer it.
SEARCH_RADIUS_KM = 10
SEARCH_SLOTS = "tue_am"
SEARCH_COMMUNES = 6


def search_plan(session, today) -> tuple[list[dict[str, str]], list[int], dict[str, str]]:
    """Queries on the communes with the most published carers, kept when they return some; the
    carers they return (for contact requests); a valid contact form from the first commune."""
    from dateutil.relativedelta import relativedelta

    from onboarding.pathway import commune_search, search
    from onboarding.pathway.models import Carer, Commune
    from onboarding.search.params import parse_search

    busiest = session.execute(
        select(Carer.commune_insee, func.count())
        .where(Carer.is_published.is_(True))
        .group_by(Carer.commune_insee)
        .order_by(func.count().desc(), Carer.commune_insee)
        .limit(SEARCH_COMMUNES * 2)
    ).all()
    birth, start = today - relativedelta(months=12), today + relativedelta(months=1)
    searches, carers, contact = [], [], {}
    for insee, _ in busiest:
        args = {
            "commune": insee,
            "radius_km": str(SEARCH_RADIUS_KM),
            "birth_date": birth.isoformat(),
            "start": start.isoformat(),
            "slots": SEARCH_SLOTS,
        }
        query, errors = parse_search(args, today=today)
        if errors:
            raise RuntimeError(f"the load test's search is refused: {errors}")
        page = search.search(session, query, today=today)
        if page.total == 0:
            continue
        searches.append(args)
        carers += [hit.carer_id for hit in page.hits if hit.carer_id not in carers]
        if not contact:
            contact = {
                "parent_name": "Parent Charge",
                "email": "parent.charge@example.org",
                "phone": "",
                "commune": commune_search.label(session.get(Commune, insee)),
                "child_birth_date": birth.isoformat(),
                "start_date": start.isoformat(),
                "slots": SEARCH_SLOTS,
                "is_job_seeker": "non",
                "message": "Bonjour, je cherche une place à partir du mois prochain.",
                "consent": "y",
                "website": "",
            }
        if len(searches) == SEARCH_COMMUNES:
            break
    if not searches:
        raise RuntimeError("no search on the demo data returns carers")
    return searches, carers, contact


def make_plan(database_url: str) -> Plan:
    """A nearly full activity with candidates competing for its last seats, and past activities
    whose roll call several coordinators take at once."""
    from onboarding import create_app
    from onboarding.extensions import db
    from onboarding.pathway import clock, enrollment
    from onboarding.pathway.enrollment import CLOSED_STATUSES
    from onboarding.pathway.models import Activity, ActivityKind, Candidate, PathwayStep

    app = create_app(
        {"ONBOARDING_ENV": "testing", "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": database_url},
        instance_path=str(PROJECT_ROOT / "instance"),
    )
    with app.app_context():
        session = db.session
        today = clock.today()
        step = session.scalar(
            select(PathwayStep).where(PathwayStep.kind == ActivityKind.INFORMATION).limit(1)
        )
        activity = Activity(
            step=step, kind=step.kind, title="Réunion d'information (test de charge)",
            date=today + timedelta(days=9), start_time=clock_time(9), end_time=clock_time(11),
            place_name="Agence France Travail", commune_insee="33063",
            capacity=PRE_ENROLLED + SEATS_LEFT,
        )  # fmt: skip
        session.add(activity)
        session.flush()
        eligible = session.scalars(
            select(Candidate)
            .where(Candidate.status.not_in(CLOSED_STATUSES), Candidate.department_code == "33")
            .order_by(Candidate.id)
            .limit(PRE_ENROLLED + CONTENDERS)
        ).all()
        if len(eligible) < PRE_ENROLLED + CONTENDERS:
            raise RuntimeError("the demo data has too few candidates in pathway in Gironde")
        for candidate in eligible[:PRE_ENROLLED]:
            enrollment.enroll(session, candidate, activity, actor=None, today=today)
        past = session.scalars(
            select(Activity)
            .where(Activity.date < today, Activity.is_cancelled.is_(False))
            .where(Activity.enrollments.any())
            .order_by(Activity.date.desc())
            .limit(4)
        ).all()
        roll_calls = {a.id: [e.id for e in a.enrollments] for a in past}
        session.commit()
        searches, carers, contact = search_plan(session, today)
        plan = Plan(
            activity.id,
            activity.capacity,
            [c.id for c in eligible[PRE_ENROLLED:]],
            roll_calls,
            searches,
            carers,
            contact,
        )
        db.session.remove()
        db.engine.dispose()
    return plan


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    roll_calls_sent: int = 0
    # The past activities whose roll call was answered at least once.
    roll_called: set[int] = field(default_factory=set)
    enrol_attempts: int = 0
    contacts_acknowledged: int = 0
    search_hits: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, scenario: str, status: int, seconds: float, expected=(200, 302)) -> None:
        with self.lock:
            self.latencies[scenario].append(seconds)
            if status not in expected:
                self.errors.append(f"{scenario}: HTTP {status}")


class Run:
    def __init__(self, port: int, plan: Plan, results: Results):
        self.port = port
        self.plan = plan
        self.results = results
        self.contenders = list(plan.contenders)
        self.lock = threading.Lock()
        # When the load ends: set once every user has signed in (run_load).
        self.deadline = 0.0

    def next_contender(self) -> int | None:
        with self.lock:
            return self.contenders.pop() if self.contenders else None


def timed(run: Run, user: Client, scenario: str, method: str, path: str, form=None):
    started = time.perf_counter()
    status, _, body = user.request(method, path, form)
    run.results.record(scenario, status, time.perf_counter() - started)
    return status, body


def read_candidate_list(run: Run, user: Client, token: str) -> None:
    timed(run, user, "candidate list", "GET", "/admin/candidate/")


def read_dashboard(run: Run, user: Client, token: str) -> None:
    timed(run, user, "dashboard", "GET", "/admin/")


def take_roll_call(run: Run, user: Client, token: str) -> None:
    activity_id, enrolments = random.choice(list(run.plan.roll_calls.items()))
    form = {"csrf_token": token}
    for enrolment_id in enrolments:
        form[f"attendance-{enrolment_id}"] = "attended"
        form[f"hours-{enrolment_id}"] = ""
    status, _ = timed(
        run, user, "roll call", "POST", f"/admin/activity/roll-call/{activity_id}", form
    )
    if status == 302:
        with run.results.lock:
            run.results.roll_calls_sent += 1
            run.results.roll_called.add(activity_id)


def enrol(run: Run, user: Client, token: str) -> None:
    candidate_id = run.next_contender()
    if candidate_id is None:
        read_dashboard(run, user, token)
        return
    with run.results.lock:
        run.results.enrol_attempts += 1
    timed(
        run, user, "enrol", "POST", f"/admin/activity/enrol/{run.plan.activity_id}",
        {"csrf_token": token, "candidate_id": str(candidate_id)},
    )  # fmt: skip


def search_api(run: Run, user: Client, token: str) -> None:
    args = random.choice(run.plan.searches)
    status, body = timed(run, user, "search API", "GET", f"/api/v1/carers?{urlencode(args)}")
    if status == 200 and '"total":0' not in body.replace(" ", ""):
        with run.results.lock:
            run.results.search_hits += 1


def search_page(run: Run, user: Client, token: str) -> None:
    args = random.choice(run.plan.searches)
    timed(run, user, "search page", "GET", f"/recherche?{urlencode(args)}")


def request_contact(run: Run, user: Client, token: str) -> None:
    """A parent reads a carer's page and sends the contact form; a 302 is the acknowledgement."""
    carer_id = random.choice(run.plan.carers)
    status, page = timed(run, user, "carer page", "GET", f"/assmat/{carer_id}")
    found = CSRF.search(page) if status == 200 else None
    if found is None:
        return
    form = {"csrf_token": found.group(1), **run.plan.contact}
    status, _ = timed(run, user, "contact", "POST", f"/assmat/{carer_id}", form)
    if status == 302:
        with run.results.lock:
            run.results.contacts_acknowledged += 1


# (name, function, weight).
SCENARIOS = [
    ("candidate list", read_candidate_list, 3),
    ("dashboard", read_dashboard, 2),
    ("roll call", take_roll_call, 3),
    ("enrol", enrol, 2),
    ("search API", search_api, 4),
    ("search page", search_page, 4),
    ("contact", request_contact, 2),
]
# The full search run: parents searching, nothing else.
SEARCH_ONLY = [("search API", search_api, 1), ("search page", search_page, 1)]


def user_loop(run: Run, start: threading.Barrier, scenarios=None) -> None:
    scenarios = scenarios or SCENARIOS
    user = Client(run.port)
    try:
        token = user.sign_in(*ADMIN)
        start.wait()
        deadline = run.deadline
        if scenarios is SCENARIOS:
            # Everyone goes for the last seats at once: the race the seat counter must win.
            enrol(run, user, token)
        weights = [weight for _, _, weight in scenarios]
        while time.monotonic() < deadline:
            _, action, _ = random.choices(scenarios, weights)[0]
            action(run, user, token)
    except Exception as error:
        start.abort()  # the others stop waiting for this user
        with run.results.lock:
            run.results.errors.append(f"user: {type(error).__name__}: {error}")
    finally:
        user.connection.close()


def run_load(port: int, plan: Plan, *, users: int, seconds: float, scenarios=None) -> Results:
    """`users` sign in, then load the server together for `seconds` (sign-ins not counted)."""
    results = Results()
    run = Run(port, plan, results)

    def set_deadline() -> None:
        run.deadline = time.monotonic() + seconds

    start = threading.Barrier(users, action=set_deadline)
    threads = [
        threading.Thread(target=user_loop, args=(run, start, scenarios)) for _ in range(users)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    return results


# --- afterwards: what the database must say ----------------------------------------------------


@dataclass
class Counts:
    capacity: int
    seats_taken: int
    enrolled: int
    enrol_audits: int
    roll_call_audits: int
    unmarked_in_roll_calls: int
    contact_requests_stored: int = 0


def count(
    database_url: str,
    plan: Plan,
    started_audit_id: int,
    contacts_before: int,
    roll_called: Collection[int] = (),
) -> Counts:
    """What the database holds after the run; `roll_called`: the activities whose roll call
    was answered (each marks every enrolment of its activity present)."""
    from onboarding import create_app
    from onboarding.extensions import db
    from onboarding.pathway.models import (
        Activity,
        Attendance,
        AuditLog,
        ContactRequest,
        Enrollment,
    )

    app = create_app(
        {"ONBOARDING_ENV": "testing", "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": database_url},
        instance_path=str(PROJECT_ROOT / "instance"),
    )
    with app.app_context():
        session = db.session
        activity = session.get(Activity, plan.activity_id)

        def audits(action: str) -> int:
            return session.scalar(
                select(func.count())
                .select_from(AuditLog)
                .where(AuditLog.action == action, AuditLog.id > started_audit_id)
            )

        counts = Counts(
            capacity=activity.capacity,
            seats_taken=activity.seats_taken,
            enrolled=session.scalar(
                select(func.count()).where(Enrollment.activity_id == plan.activity_id)
            ),
            enrol_audits=audits("enrol"),
            roll_call_audits=audits("roll_call"),
            unmarked_in_roll_calls=session.scalar(
                select(func.count()).where(
                    Enrollment.activity_id.in_(list(roll_called)),
                    Enrollment.attendance != Attendance.ATTENDED,
                )
            ),
            contact_requests_stored=session.scalar(select(func.count()).select_from(ContactRequest))
            - contacts_before,
        )
        db.session.remove()
        db.engine.dispose()
    return counts


def last_audit_id(database_url: str) -> int:
    from sqlalchemy import create_engine

    from onboarding.pathway.models import AuditLog

    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.scalar(select(func.coalesce(func.max(AuditLog.id), 0)))
    finally:
        engine.dispose()


def contact_request_count(database_url: str) -> int:
    from sqlalchemy import create_engine

    from onboarding.pathway.models import ContactRequest

    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.scalar(select(func.count()).select_from(ContactRequest))
    finally:
        engine.dispose()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def report(results: Results, seconds: float) -> str:
    lines = [f"{'scenario':<16} {'requests':>8} {'req/s':>7} {'median ms':>10} {'p95 ms':>8}"]
    everything = []
    for name, values in sorted(results.latencies.items()):
        everything += values
        lines.append(
            f"{name:<16} {len(values):>8} {len(values) / seconds:>7.1f} "
            f"{percentile(values, 0.5) * 1000:>10.0f} {percentile(values, 0.95) * 1000:>8.0f}"
        )
    if everything:
        lines.append(
            f"{'all':<16} {len(everything):>8} {len(everything) / seconds:>7.1f} "
            f"{percentile(everything, 0.5) * 1000:>10.0f} "
            f"{percentile(everything, 0.95) * 1000:>8.0f}"
        )
    for name in SEARCH_SCENARIOS:
        if results.latencies.get(name):
            lines.append(f"p95 {name}: {percentile(results.latencies[name], 0.95) * 1000:.0f} ms")
    lines.append(f"contact requests acknowledged: {results.contacts_acknowledged}")
    lines.append(f"errors: {len(results.errors)}")
    return "\n".join(lines)


def load_test(
    database_url: str, *, users: int, seconds: float, prepare: bool = True, scenarios=None
):
    """Prepare, serve, load, count. Returns (results, counts, plan, printed report)."""
    if prepare:
        prepare_database(database_url)
    plan = make_plan(database_url)
    started_audit_id = last_audit_id(database_url)
    contacts_before = contact_request_count(database_url)
    server = Server(database_url)
    try:
        results = run_load(server.port, plan, users=users, seconds=seconds, scenarios=scenarios)
    finally:
        server.stop()
        shutil.rmtree(server.outbox, ignore_errors=True)
    counts = count(database_url, plan, started_audit_id, contacts_before, results.roll_called)
    printed = report(results, seconds) + f"\n{counts}"
    return results, counts, plan, printed


def check(results: Results, counts: Counts, plan: Plan, *, writes: bool = True) -> list[str]:
    """What must hold after the run; an empty list when it all does. Without `writes` (the
    search-only run) only errors and contact requests are checked."""
    problems = list(results.errors[:10])
    if counts.contact_requests_stored != results.contacts_acknowledged:
        problems.append(
            f"contact requests lost: {results.contacts_acknowledged} acknowledged, "
            f"{counts.contact_requests_stored} stored"
        )
    if not writes:
        return problems
    if counts.seats_taken != counts.enrolled:
        problems.append(f"seat counter {counts.seats_taken} ≠ {counts.enrolled} enrolments")
    if counts.enrolled > counts.capacity:
        problems.append(f"over-booked: {counts.enrolled} enrolled for {counts.capacity} seats")
    if counts.enrolled != counts.capacity:
        problems.append(f"seats lost: {counts.enrolled} enrolled for {counts.capacity} seats")
    if counts.enrol_audits != SEATS_LEFT:
        problems.append(f"{counts.enrol_audits} enrolments recorded, {SEATS_LEFT} seats were left")
    if counts.roll_call_audits != results.roll_calls_sent:
        problems.append(
            f"roll calls lost: {results.roll_calls_sent} answered, "
            f"{counts.roll_call_audits} recorded"
        )
    if counts.unmarked_in_roll_calls:
        problems.append(f"{counts.unmarked_in_roll_calls} enrolments left unmarked")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument(
        "--database-url", help="an EMPTY database to fill (default: a new SQLite file)"
    )
    parser.add_argument(
        "--search-only",
        action="store_true",
        help="only the search API and the search page (50 users for 60 s by default)",
    )
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='load-')}/load.sqlite"
    scenarios = SEARCH_ONLY if args.search_only else None
    results, counts, plan, printed = load_test(
        url, users=args.users, seconds=args.seconds, scenarios=scenarios
    )
    print(printed)
    problems = check(results, counts, plan, writes=not args.search_only)
    print("\n".join(problems) or "all counts hold")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
