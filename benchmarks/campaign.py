"""The May confirmation campaign to 250,000 published carers: queued by one `send-due`, then
sent by one `send-due` process (its OUTBOX_SENDERS threads) to a local SMTP server, against
10,000 messages a minute sent and 200 MB of memory for the sender.

Usage: python benchmarks/campaign.py [--carers N] [--send N] [--database-url URL]
    [--summary FILE]
Without --database-url it works in a temporary SQLite file; exits 1 when a budget is missed.
Every carer gets the whole message: a fresh personal link written to her row, the text and HTML
rendered, and the mail handed over SMTP to an aiosmtpd server in a process of its own (so that
it does not share the sender's CPU time). `--send` bounds how many are sent (the rate is the
figure; sending 250,000 at the budget's rate takes 25 minutes).
"""

import argparse
import multiprocessing
import resource
import socket
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select

from benchmarks.measure import Figure, Report
from onboarding import create_app
from onboarding.extensions import db
from onboarding.messages.delivery import send_due
from onboarding.pathway import campaigns, clock
from onboarding.pathway.base import Model
from onboarding.pathway.communes import load_communes
from onboarding.pathway.models import Candidate, Carer, Commune, MessageKind, OutboxMessage

SENT_PER_MINUTE_BUDGET = 10_000
MEMORY_BUDGET_MB = 200
CAMPAIGN_DAY = datetime(2026, 5, 1, 8, 0, tzinfo=ZoneInfo("Europe/Paris"))
FIRST_NAMES = ("Élodie", "Maëlle", "Chloé", "Inès", "Noémie", "Zoé", "Anaïs", "Hélène")
LAST_NAMES = ("Lefèvre", "Béranger", "Nguyễn", "Da Silva-Gonçalves", "Dupré", "Œuvray")
CHUNK = 10_000


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _sink(port: int, ready, counter) -> None:
    """An SMTP server that counts what it receives and keeps nothing."""
    from aiosmtpd.controller import Controller

    class Count:
        async def handle_DATA(self, server, session, envelope):
            with counter.get_lock():
                counter.value += 1
            return "250 OK"

    controller = Controller(Count(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    while True:
        time.sleep(3600)


def build(carers: int) -> None:
    """Published carers, each with the candidate row her personal link belongs to."""
    places = db.session.execute(
        select(Commune.insee_code, Commune.latitude, Commune.longitude)
        .where(Commune.insee_code.like("33%"))
        .limit(200)
    ).all()
    now = datetime.now(UTC)
    for start in range(0, carers, CHUNK):
        numbers = range(start, min(start + CHUNK, carers))
        db.session.execute(
            insert(Candidate),
            [
                {
                    "id": number + 1,
                    "first_name": FIRST_NAMES[number % len(FIRST_NAMES)],
                    "last_name": LAST_NAMES[number % len(LAST_NAMES)],
                    "email": f"am{number}@example.org",
                    "commune_insee": places[number % len(places)][0],
                    "department_code": "33",
                    "referral_source": "caf",
                    "referred_on": date(2024, 1, 10),
                    "cohort": "2024-01",
                    "status": "active",
                    "status_changed_at": now,
                    "created_at": now,
                    "updated_at": now,
                }
                for number in numbers
            ],
        )
        db.session.execute(
            insert(Carer),
            [
                {
                    "candidate_id": number + 1,
                    "source": "pathway",
                    "first_name": FIRST_NAMES[number % len(FIRST_NAMES)],
                    "last_name": LAST_NAMES[number % len(LAST_NAMES)],
                    "email": f"am{number}@example.org",
                    "commune_insee": places[number % len(places)][0],
                    "department_code": "33",
                    "latitude": places[number % len(places)][1],
                    "longitude": places[number % len(places)][2],
                    "agrement_on": date(2024, 9, 1),
                    "agrement_capacity": 3,
                    "is_published": True,
                    "publication_consent_at": now,
                    "publication_consent_version": "2026-01",
                    "last_confirmed_on": date(2026, 1, 15),
                    "created_at": now,
                    "updated_at": now,
                }
                for number in numbers
            ],
        )
        db.session.commit()


def _build_in_child(url: str, workdir: Path, carers: int) -> None:
    app = create_app(
        {"ONBOARDING_ENV": "testing", "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url},
        instance_path=str(workdir / "instance-build"),
    )
    with app.app_context():
        with db.engine.begin() as connection:
            Model.metadata.drop_all(connection)
            Model.metadata.create_all(connection)
            load_communes(connection)
        started = time.perf_counter()
        build(carers)
        print(f"{carers:,} published carers built in {time.perf_counter() - started:.1f} s")
        if url.startswith("postgres"):
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.exec_driver_sql("VACUUM ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--carers", type=int, default=250_000)
    parser.add_argument("--send", type=int, default=20_000, help="messages sent and timed")
    parser.add_argument("--database-url")
    parser.add_argument("--summary", help="write the figures as JSON to this file")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-campaign-"))
    url = args.database_url or f"sqlite:///{workdir / 'campaign.sqlite'}"
    backend = "postgresql" if url.startswith("postgres") else "sqlite"

    port = _free_port()
    ready, counter = multiprocessing.Event(), multiprocessing.Value("l", 0)
    sink = multiprocessing.Process(target=_sink, args=(port, ready, counter), daemon=True)
    sink.start()
    ready.wait(30)

    app = create_app(
        {
            "ONBOARDING_ENV": "testing",
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": url,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": str(port),
            "PUBLIC_BASE_URL": "https://parcours-assmat.example.org",
            "OUTBOX_BATCH": 500,
        },
        instance_path=str(workdir / "instance"),
    )
    report = Report("campaign", backend, {"carers": args.carers, "send": args.send})
    # The population is built by another process, so that the sender's peak memory is its own.
    builder = multiprocessing.Process(target=_build_in_child, args=(url, workdir, args.carers))
    builder.start()
    builder.join()
    if builder.exitcode != 0:
        sys.exit(f"building the population failed ({builder.exitcode})")
    with app.app_context():
        with clock.frozen_at(CAMPAIGN_DAY):
            started = time.perf_counter()
            queued = campaigns.queue_due(db.session)
            db.session.commit()
            queue_seconds = time.perf_counter() - started
            print(f"queued {queued:,} in {queue_seconds:.2f} s: {queued / queue_seconds:,.0f}/s")

            started, cpu_started = time.perf_counter(), time.process_time()
            result = send_due(db.session, limit=args.send)
            send_seconds = time.perf_counter() - started
            cpu_ms = (time.process_time() - cpu_started) / max(result.sent, 1) * 1000
        left = db.session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(
                OutboxMessage.kind == MessageKind.CARER_CAMPAIGN, OutboxMessage.sent_at.is_(None)
            )
        )
    received = counter.value
    sink.terminate()
    per_minute = result.sent / send_seconds * 60
    memory_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"sent {result.sent:,} ({received:,} received by the server, {left:,} left) in "
        f"{send_seconds:.1f} s: {result.sent / send_seconds:,.0f}/s, {per_minute:,.0f}/min; "
        f"sender's peak memory {memory_mb:.0f} MB; {app.config['OUTBOX_SENDERS']} senders, "
        f"{cpu_ms:.1f} ms of the sender's CPU a message (the rest is waiting: the SMTP server's "
        "answers, and the machine's other processes)"
    )
    misses = []
    if queued != args.carers:
        misses.append(f"queued {queued} of {args.carers}")
    if result.sent != min(args.send, args.carers) or received != result.sent:
        misses.append(f"sent {result.sent}, received {received}")
    if per_minute < SENT_PER_MINUTE_BUDGET:
        misses.append(f"{per_minute:,.0f} a minute < {SENT_PER_MINUTE_BUDGET:,}")
    if memory_mb > MEMORY_BUDGET_MB:
        misses.append(f"memory {memory_mb:.0f} MB > {MEMORY_BUDGET_MB} MB")
    per_message = send_seconds / max(result.sent, 1) * 1000
    report.add(
        Figure(
            "campaign: ms per message sent",
            per_message,
            per_message,
            per_message,
            median_budget=60_000 / SENT_PER_MINUTE_BUDGET,
            extra={
                "queued_per_second": round(queued / queue_seconds),
                "sent_per_minute": round(per_minute),
                "memory_mb": round(memory_mb),
                "cpu_ms_per_message": round(cpu_ms, 2),
                "misses": misses,
            },
        )
    )
    report.finish(args.summary)


if __name__ == "__main__":
    main()
