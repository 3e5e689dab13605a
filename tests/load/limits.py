"""The rate limits under gunicorn with 4 workers: each limit holds across every worker when the
counters live in a shared Redis, and would not with memory:// (one set of counters a worker).

One server runs with small limits (LIMITS) behind a pretend proxy (PROXY_COUNT = 1), so that
each limit is reached from an address of its own given in X-Forwarded-For. Each scenario sends
three times its limit, every request on a new connection (any worker may take it), and counts
what was let through:

- API calls per address, sent from 8 threads at once (a call is counted as it arrives);
- contact requests per address, valid forms sent from 8 threads at once, each stored one counted;
- failed sign-ins per address (a new email each time) and per account (a new address each time),
  and refused personal links per address, sent one after another: those are counted once
  answered, so attempts in flight together on several workers would all pass the check.

    .venv/bin/python -m tests.load.limits [--storage redis://127.0.0.1:6379/6 | memory://]
"""

import argparse
import http.client
import re
import shutil
import sys
import tempfile
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from sqlalchemy import create_engine, func, select

from tests.load.harness import Server

LIMITS = {
    "API_LIMIT_PER_ADDRESS": 30,
    "CONTACT_LIMIT_PER_ADDRESS": 6,
    "LOGIN_LIMIT_PER_ADDRESS": 8,
    "LOGIN_LIMIT_PER_ACCOUNT": 5,
    "CANDIDATE_LINK_LIMIT": 10,
}
THREADS = 8
WORKERS = 4
# The address each scenario sends from (X-Forwarded-For); per account, a new one each time.
API_ADDRESS, CONTACT_ADDRESS, LOGIN_ADDRESS, LINK_ADDRESS = (
    "198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.4"
)  # fmt: skip
ACCOUNT_ADDRESSES = "203.0.113"
ADDRESSES = {
    API_ADDRESS: "API calls per address",
    CONTACT_ADDRESS: "contact requests per address",
    LOGIN_ADDRESS: "failed sign-ins per address",
    f"{ACCOUNT_ADDRESSES}.*": "failed sign-ins per account",
    LINK_ADDRESS: "refused personal links per address",
}
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def send(port: int, method: str, path: str, *, address: str, form=None, cookies=None):
    """One request on a new connection from `address` (X-Forwarded-For): status, body, cookies."""
    headers = {"Host": f"127.0.0.1:{port}", "X-Forwarded-For": address, "Connection": "close"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    body = None
    if form is not None:
        body = urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        jar = dict(cookies or {})
        for header in response.headers.get_all("Set-Cookie") or []:
            jar.update({name: morsel.value for name, morsel in SimpleCookie(header).items()})
        return response.status, text, jar
    finally:
        connection.close()


def form_session(port: int, path: str, address: str) -> tuple[str, dict]:
    """A CSRF token and the session cookie it belongs to, from the form at `path` (a GET is never
    limited)."""
    status, page, jar = send(port, "GET", path, address=address)
    assert status == 200, (path, status)
    return CSRF.search(page).group(1), jar


@dataclass
class Outcome:
    name: str
    limit: int
    sent: int
    passed: int
    refused: int  # 429
    other: list[int]

    def holds(self) -> bool:
        return abs(self.passed - self.limit) <= 1 and not self.other

    def __str__(self) -> str:
        return (
            f"{self.name}: {self.passed} let through for a limit of {self.limit} "
            f"({self.sent} sent, {self.refused} answered 429"
            + (f", unexpected {sorted(set(self.other))}" if self.other else "")
            + ")"
        )


def _outcome(name: str, limit: int, statuses: list[int], passed_status: set[int]) -> Outcome:
    passed = sum(1 for s in statuses if s in passed_status)
    refused = statuses.count(429)
    other = [s for s in statuses if s not in passed_status and s != 429]
    return Outcome(name, limit, len(statuses), passed, refused, other)


def api_calls(port: int) -> Outcome:
    limit = LIMITS["API_LIMIT_PER_ADDRESS"]

    def call(_):
        return send(port, "GET", "/api/v1/communes?q=bord", address=API_ADDRESS)[0]

    with ThreadPoolExecutor(THREADS) as pool:
        statuses = list(pool.map(call, range(3 * limit)))
    return _outcome("API calls per address", limit, statuses, {200})


def contact_requests(port: int, carer_id: int, form: dict) -> Outcome:
    limit = LIMITS["CONTACT_LIMIT_PER_ADDRESS"]
    address = CONTACT_ADDRESS
    path = f"/assmat/{carer_id}"

    def request(_):
        token, jar = form_session(port, path, address)
        return send(port, "POST", path, address=address, form={"csrf_token": token, **form},
                    cookies=jar)[0]  # fmt: skip

    with ThreadPoolExecutor(THREADS) as pool:
        statuses = list(pool.map(request, range(3 * limit)))
    return _outcome("contact requests per address", limit, statuses, {302})


def failed_sign_ins_per_address(port: int) -> Outcome:
    limit = LIMITS["LOGIN_LIMIT_PER_ADDRESS"]
    address = LOGIN_ADDRESS
    token, jar = form_session(port, "/auth/login", address)
    statuses = []
    for n in range(3 * limit):
        form = {"csrf_token": token, "email": f"personne-{n}@example.org", "password": "non"}
        statuses.append(send(port, "POST", "/auth/login", address=address, form=form,
                             cookies=jar)[0])  # fmt: skip
    return _outcome("failed sign-ins per address", limit, statuses, {200})


def failed_sign_ins_per_account(port: int) -> Outcome:
    limit = LIMITS["LOGIN_LIMIT_PER_ACCOUNT"]
    statuses = []
    for n in range(3 * limit):
        address = f"{ACCOUNT_ADDRESSES}.{n + 1}"
        token, jar = form_session(port, "/auth/login", address)
        form = {"csrf_token": token, "email": "cible@example.org", "password": f"essai-{n}"}
        statuses.append(send(port, "POST", "/auth/login", address=address, form=form,
                             cookies=jar)[0])  # fmt: skip
    return _outcome("failed sign-ins per account", limit, statuses, {200})


def refused_links(port: int) -> Outcome:
    limit = LIMITS["CANDIDATE_LINK_LIMIT"]
    statuses = [
        send(port, "GET", f"/candidat/acces/lien-faux-{n}", address=LINK_ADDRESS)[0]
        for n in range(3 * limit)
    ]
    refused_page = {s for s in statuses if s != 429}
    return _outcome("refused personal links per address", limit, statuses, refused_page)


def prepare(database_url: str) -> tuple[int, dict]:
    """The schema, the communes and one published carer; the contact form's values."""
    from onboarding.pathway.base import Model
    from onboarding.pathway.communes import load_communes
    from onboarding.pathway.models import Carer
    from tests.builders import BORDEAUX
    from tests.search.conftest import make_carer

    engine = create_engine(database_url)
    with engine.begin() as connection:
        Model.metadata.create_all(connection)
        load_communes(connection)
    from sqlalchemy.orm import Session

    today = date.today()
    with Session(engine) as session:
        carer = make_carer(
            session, BORDEAUX, confirmed_on=today - timedelta(days=3),
            agrement_on=today - timedelta(days=400),
        )  # fmt: skip
        session.commit()
        carer_id = carer.id
        assert session.scalar(select(func.count()).select_from(Carer)) == 1
    engine.dispose()
    form = {
        "parent_name": "Parent Limite",
        "email": "parent.limite@example.org",
        "phone": "",
        "commune": "Bordeaux (33000)",
        "child_birth_date": (today - timedelta(days=365)).isoformat(),
        "start_date": (today + timedelta(days=30)).isoformat(),
        "slots": "tue_am",
        "is_job_seeker": "non",
        "message": "Bonjour, je cherche une place.",
        "consent": "y",
        "website": "",
    }
    return carer_id, form


def stored_contact_requests(database_url: str) -> int:
    from onboarding.pathway.models import ContactRequest

    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.scalar(select(func.count()).select_from(ContactRequest))
    finally:
        engine.dispose()


@dataclass
class Run:
    outcomes: list[Outcome]
    contacts_stored: int
    # Scenario → how many worker processes answered its requests (gunicorn's access log).
    workers_seen: dict[str, int]

    def __str__(self) -> str:
        return (
            "\n".join(
                f"{outcome}; {self.workers_seen.get(outcome.name, 0)} workers answered"
                for outcome in self.outcomes
            )
            + f"\ncontact requests stored: {self.contacts_stored}"
        )


def run(storage: str, directory: str) -> Run:
    """Every scenario against one gunicorn (4 workers) whose counters live in `storage`."""
    database_url = f"sqlite:///{directory}/limits.sqlite"
    carer_id, form = prepare(database_url)
    config = {
        **{name: f"{value} per hour" for name, value in LIMITS.items()},
        "RATELIMIT_STORAGE_URI": storage,
        # Counters of this run only, whatever else the Redis database holds.
        "RATELIMIT_KEY_PREFIX": f"limits-test-{uuid.uuid4().hex}",
        "PROXY_COUNT": 1,
    }
    access_log = f"{directory}/access.log"
    # The app is loaded once, then forked: four imports at once would slow the start-up down.
    log_format = "%(p)s %({x-forwarded-for}i)s"
    options = ("--preload", "--access-logfile", access_log, "--access-logformat", log_format)
    server = Server(database_url, workers=WORKERS, config=config, options=options)
    try:
        outcomes = [
            api_calls(server.port),
            contact_requests(server.port, carer_id, form),
            failed_sign_ins_per_address(server.port),
            failed_sign_ins_per_account(server.port),
            refused_links(server.port),
        ]
    finally:
        server.stop()
        shutil.rmtree(server.outbox, ignore_errors=True)
    workers: dict[str, set[str]] = {}
    with open(access_log) as log:
        for line in log:
            pid, address = line.split()
            scenario = ADDRESSES.get(address, ADDRESSES.get(address.rsplit(".", 1)[0] + ".*"))
            workers.setdefault(scenario, set()).add(pid)
    return Run(
        outcomes,
        stored_contact_requests(database_url),
        {scenario: len(pids) for scenario, pids in workers.items()},
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--storage", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args()
    directory = tempfile.mkdtemp(prefix="limits-")
    try:
        result = run(args.storage, directory)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    print(result)
    sys.exit(0 if all(o.holds() for o in result.outcomes) else 1)


if __name__ == "__main__":
    main()
