"""An app worker's memory on the demo data (DESIGN.md: < 150 MB RSS): one gunicorn worker, as
deployed, serves a mix of what people do all day, then its resident memory is read from the
system, at the end and at its peak (VmRSS, VmHWM).

The mix, repeated in order: the parents' search page and API, a carer's page, the panel's
dashboard, candidate list (pages, a name search, a filter) and candidate pages, the activities,
the indicators, and one PDF every twenty requests (a sign-in sheet, an attendance certificate,
the indicators' report, in turn: the first one loads WeasyPrint into the worker).

Usage: python benchmarks/worker_memory.py [--requests 2000] [--database-url URL (an EMPTY
database, filled by `db upgrade` and `seed-demo`)] [--summary FILE]
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, select

from benchmarks.measure import Figure, Report
from onboarding.pathway import clock
from onboarding.pathway.models import Activity, Candidate, Carer
from tests.load import harness

MEMORY_BUDGET_MB = 150
PDF_EVERY = 20


def paths_to_visit(database_url: str) -> tuple[list[str], list[str]]:
    """The mix's pages, and the PDFs it prints in turn."""
    from sqlalchemy.orm import Session

    engine = create_engine(database_url)
    try:
        with Session(engine) as session:
            searches, carers, _ = harness.search_plan(session, clock.today())
            candidates = list(session.scalars(select(Candidate.id).order_by(Candidate.id)))
            activity = session.scalar(
                select(Activity.id).where(Activity.date < clock.today()).order_by(Activity.id)
            )
            published = list(
                session.scalars(select(Carer.id).where(Carer.is_published.is_(True)).limit(20))
            )
    finally:
        engine.dispose()
    pages = []
    for number, query in enumerate(searches):
        boxes = {**query, "slots": query["slots"].split(",")}
        pages.append(f"/recherche?{urlencode(boxes, doseq=True)}")
        pages.append(f"/api/v1/carers?{urlencode(query)}")
        carer = carers[number % len(carers)] if carers else published[0]
        pages.append(f"/assmat/{carer}")
    step = max(1, len(candidates) // 40)
    pages += [
        "/admin/",
        "/admin/candidate/",
        "/admin/candidate/?page=2",
        "/admin/candidate/?search=Martin",
        "/admin/candidate/?flt0_0=33",
        *(f"/admin/candidate/details/?id={id_}" for id_ in candidates[::step][:10]),
        "/admin/activity/",
        "/admin/indicators/",
        "/",
    ]
    pdfs = [
        f"/admin/activity/documents/{activity}/feuille-emargement.pdf",
        f"/admin/candidate/documents/{candidates[0]}/attestation-presence.pdf",
        "/admin/indicators/rapport.pdf",
    ]
    return pages, pdfs


def worker_pid(master: int) -> int:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    if len(children) != 1:
        raise RuntimeError(f"gunicorn has {len(children)} workers, not one")
    return int(children[0])


def memory_mb(pid: int) -> dict[str, float]:
    """The process's resident memory now (VmRSS) and at its peak (VmHWM), in MB."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            found[name] = int(value.split()[0]) / 1024
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--database-url", help="an EMPTY database (default: a new SQLite file)")
    parser.add_argument("--summary", help="write the figures to this JSON file")
    args = parser.parse_args()

    url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='bench-worker-')}/demo.sqlite"
    if url.startswith(("postgres://", "postgresql://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    backend = url.split("://")[0].split("+")[0]
    print(f"Demo data in {backend} (db upgrade, seed-demo) …", flush=True)
    harness.prepare_database(url)
    pages, pdfs = paths_to_visit(url)

    server = harness.Server(url, workers=1)
    try:
        pid = worker_pid(server.process.pid)
        started = memory_mb(pid)
        client = harness.Client(server.port)
        client.sign_in(*harness.ADMIN)
        timings, failures, printed = [], [], 0
        for number in range(args.requests):
            if number % PDF_EVERY == PDF_EVERY - 1:
                path = pdfs[printed % len(pdfs)]
                printed += 1
            else:
                path = pages[number % len(pages)]
            began = time.perf_counter()
            status, _, _ = client.request("GET", path)
            timings.append((time.perf_counter() - began) * 1000)
            if status != 200:
                failures.append(f"{path}: {status}")
        ended = memory_mb(pid)
    finally:
        server.stop()

    print(
        f"one worker, {args.requests:,} requests ({printed} PDFs): "
        f"{started['VmRSS']:.0f} MB once started, {ended['VmRSS']:.0f} MB at the end, "
        f"peak {ended['VmHWM']:.0f} MB (budget < {MEMORY_BUDGET_MB} MB)"
    )
    misses = [f"{len(failures)} requests failed: {failures[:3]}"] * bool(failures)
    if ended["VmHWM"] >= MEMORY_BUDGET_MB:
        misses.append(f"peak memory {ended['VmHWM']:.0f} MB ≥ {MEMORY_BUDGET_MB} MB")
    report = Report("worker_memory", backend, {"requests": args.requests})
    report.add(
        Figure(
            "worker: ms per request of the mix",
            statistics.median(timings),
            statistics.quantiles(timings, n=20, method="inclusive")[-1],
            max(timings),
            extra={
                "started_mb": round(started["VmRSS"]),
                "end_mb": round(ended["VmRSS"]),
                "peak_mb": round(ended["VmHWM"]),
                "pdfs": printed,
                "misses": misses,
            },
        )
    )
    report.finish(args.summary)


if __name__ == "__main__":
    main()
