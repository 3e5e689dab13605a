"""The parents' search at national scale: 250,000 published carers over real communes.

Prints the median, 95th percentile and maximum of the search (API and page) against the
design's budgets (median < 10 ms, p95 ≤ 30 ms, max ≤ 60 ms), and the ratio of the whole request
to the bare SQL it runs (≤ 2). Each request runs in its own context and transaction, as in
production. Before timing, every query's first two pages are compared with the statement the
search ran before its rows (`benchmarks/search_reference.py`): the same carers, order, places,
distances and coverage, and the same total (or more than 1,000 when the total says "plus de").
Exits 1 when a budget is missed or a result differs.

Usage: python benchmarks/search.py [--carers N] [--searches N] [--database-url URL]
    [--summary FILE]
Without --database-url it works in a temporary SQLite file. A database that already holds the
carers is reused (the build is skipped), so that SQLite and PostgreSQL runs can be repeated.
"""

import argparse
import random
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, event, func, insert, select

from benchmarks.measure import Figure, ProductionClient, Report
from benchmarks.population import FIRST_NAMES, LAST_NAMES
from benchmarks.search_reference import page_of, reference_page
from onboarding import create_app
from onboarding.extensions import db
from onboarding.pathway import clock, search, search_rows
from onboarding.pathway.base import Model, utcnow
from onboarding.pathway.communes import load_communes
from onboarding.pathway.models import Carer, Commune, SearchRow, Vacancy
from onboarding.pathway.schedule import HALF_DAYS, NEEDS, WORKING_WEEK
from onboarding.pathway.search import RADII_KM
from onboarding.search.params import parse_search

MEDIAN_BUDGET_MS = 10
P95_BUDGET_MS = 30
MAX_BUDGET_MS = 60
RATIO_BUDGET = 2.0
BATCH = 10_000
# Grids carers commonly offer: the working week, four days without Wednesday, mornings, …
GRIDS = (
    WORKING_WEEK,
    WORKING_WEEK & ~0b110000,
    0b0101010101,
    0b1010101010,
    WORKING_WEEK | 0b11 << 10,
)


def build_carers(url: str, *, carers: int, seed: int, today: date) -> dict:
    """Published carers where people live (communes weighted by population), 1 to 3 places each."""
    started = time.perf_counter()
    rng = random.Random(seed)
    engine = create_engine(url)
    with engine.begin() as connection:
        Model.metadata.create_all(connection)
        load_communes(connection)
        existing = connection.scalar(select(func.count()).select_from(Carer))
        if existing:
            rows = connection.scalar(select(func.count()).select_from(SearchRow))
            if not rows:  # a population built before the search rows
                rows = _fill_search_rows(connection)
            engine.dispose()
            return {"reused": existing, "search rows": rows}
        communes = connection.execute(
            select(
                Commune.insee_code, Commune.department_code, Commune.latitude,
                Commune.longitude, Commune.population,
            ).where(Commune.population > 0).order_by(Commune.insee_code)
        ).all()  # fmt: skip
        weights = [row.population for row in communes]
        now = utcnow()
        carer_rows, vacancy_rows = [], []
        for number, commune in enumerate(rng.choices(communes, weights, k=carers), start=1):
            confirmed = today - timedelta(days=int(rng.triangular(0, 300, 30)))
            carer_rows.append(
                {
                    "id": number,
                    "first_name": rng.choice(FIRST_NAMES),
                    "last_name": rng.choice(LAST_NAMES),
                    "email": f"am{number}@example.org",
                    "commune_insee": commune.insee_code,
                    "department_code": commune.department_code,
                    "latitude": commune.latitude,
                    "longitude": commune.longitude,
                    "agrement_on": today - timedelta(days=rng.randint(0, 20 * 365)),
                    "agrement_capacity": rng.randint(2, 4),
                    # Renewed as needed; a few expire within the searches' reach.
                    "agrement_expires_on": today + timedelta(days=rng.randint(20, 5 * 365)),
                    "training_part1_on": today - timedelta(days=rng.randint(30, 20 * 365)),
                    "presentation": "",
                    "is_published": True,
                    "publication_consent_at": now,
                    "show_address": rng.random() < 0.3,
                    "show_email": True,
                    "show_phone": True,
                    "last_confirmed_on": confirmed,
                    "source": "imported",
                    "created_at": now,
                    "updated_at": now,
                }
            )
            for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
                low = rng.choice((0, 0, 0, 3, 12, 36))
                flags = {name: rng.random() < 0.08 for name in NEEDS}
                vacancy_rows.append(
                    {
                        "carer_id": number,
                        "available_from": today + timedelta(days=rng.randint(-60, 150)),
                        "age_min_months": low,
                        "age_max_months": rng.choice((36, 48, 72, 132)) if low < 36 else 132,
                        "half_days": rng.choice(GRIDS),
                        **flags,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
        for model, rows in ((Carer, carer_rows), (Vacancy, vacancy_rows)):
            for start in range(0, len(rows), BATCH):
                connection.execute(insert(model), rows[start : start + BATCH])
        # Bulk inserts bypass the session's flushes, which keep the search rows.
        _fill_search_rows(connection)
    engine.dispose()
    return {
        "carers": len(carer_rows),
        "vacancies": len(vacancy_rows),
        "seconds": round(time.perf_counter() - started, 1),
    }


def _fill_search_rows(connection) -> int:
    rows = search_rows.rebuild(connection)
    if connection.dialect.name == "postgresql":
        for table in ("carer", "vacancy", "search_row"):
            connection.exec_driver_sql(f"ANALYZE {table}")
    else:
        connection.exec_driver_sql("ANALYZE")
    return rows


def vacuum(url: str) -> None:
    """What autovacuum does in production after bulk writes: PostgreSQL reads an index alone
    (an index-only scan) only where the table's pages are marked all-visible."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            for table in ("carer", "vacancy", "search_row"):
                connection.exec_driver_sql(f"VACUUM (ANALYZE) {table}")
    engine.dispose()


def compare_with_reference(session, asked: list[dict], today: date) -> list[str]:
    """Pages 1 and 2 of every query, against the search as it was: what differs, in words."""
    differences = []
    for params in asked:
        first, errors = parse_search({k: str(v) for k, v in params.items()}, today=today)
        assert not errors, errors
        for page in (1, 2):
            query = replace(first, page=page)
            found = search.search(session, query, today=today)
            total, expected = reference_page(session, query, today=today)
            if page_of(found) != expected:
                differences.append(f"{params} page {page}: results differ")
            elif found.total != total and not (found.total_is_lower_bound and total > found.total):
                differences.append(f"{params} page {page}: total {found.total}, before {total}")
    return differences


def searches(count: int, *, seed: int, today: date, connection) -> list[dict]:
    """What parents ask: from where people live, for a baby or a toddler, soon, some half-days."""
    rng = random.Random(seed + 1)
    communes = connection.execute(
        select(Commune.insee_code, Commune.population)
        .where(Commune.population > 0)
        .order_by(Commune.insee_code)
    ).all()
    origins = rng.choices(communes, [c.population for c in communes], k=count)
    asked = []
    for origin in origins:
        start = today + timedelta(days=rng.randint(7, 120))
        slots = [name for name in HALF_DAYS[:10] if rng.random() < 0.7] or ["mon_am"]
        needs = [name for name in NEEDS if rng.random() < 0.1]
        params = {
            "commune": origin.insee_code,
            "radius_km": rng.choice(RADII_KM),
            "birth_date": (start - timedelta(days=rng.randint(60, 900))).isoformat(),
            "start": start.isoformat(),
            "slots": ",".join(slots),
        }
        if needs:
            params["needs"] = ",".join(needs)
        asked.append(params)
    return asked


class Recorder:
    """The SQL statements a request runs, to run them again bare."""

    def __init__(self, engine):
        self.engine = engine
        self.statements = []

    def __enter__(self):
        self.statements.clear()
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._record)

    def _record(self, connection, cursor, statement, parameters, context, executemany):
        self.statements.append((statement, parameters))


def bare_sql_ms(engine, statements, repeats: int) -> float:
    """The statements run through the driver's cursor, rows fetched, nothing else (best run).

    Each run is a transaction, as each request is: on PostgreSQL the driver opens it (BEGIN)
    before the first statement, and the run ends it (ROLLBACK), two round trips the request
    makes too and its SQL cannot do without."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        best = float("inf")
        for _ in range(repeats):
            started = time.perf_counter()
            for statement, parameters in statements:
                cursor.execute(statement, parameters)
                cursor.fetchall()
            raw.rollback()
            best = min(best, (time.perf_counter() - started) * 1000)
        cursor.close()
        return best
    finally:
        raw.close()


def measure(engine, client, paths: list[str], repeats: int = 3) -> tuple[list[float], list[float]]:
    """Each search's best time of a few runs, and the ratio to its SQL timed the same way."""
    times, ratios = [], []
    recorder = Recorder(engine)
    for path in paths:
        client.get(path)  # warm: the same search twice, as caches would be in production
        best = float("inf")
        for _ in range(repeats):
            with recorder:
                started = time.perf_counter()
                response = client.get(path)
                best = min(best, (time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        times.append(best)
        ratios.append(best / bare_sql_ms(engine, list(recorder.statements), repeats))
    return times, ratios


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--carers", type=int, default=250_000)
    parser.add_argument("--searches", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url")
    parser.add_argument("--summary", help="write the figures to this JSON file")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="bench-search-")
    url = args.database_url or f"sqlite:///{workdir}/bench.sqlite"
    if url.startswith(("postgres://", "postgresql://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    backend = url.split("://")[0].split("+")[0]
    today = clock.today()
    print(f"Building {args.carers:,} published carers in {backend} …", flush=True)
    print("  ", build_carers(url, carers=args.carers, seed=args.seed, today=today), flush=True)
    vacuum(url)

    app = create_app(
        {"ONBOARDING_ENV": "testing", "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url,
         "RATELIMIT_ENABLED": False, "SERVER_NAME": "localhost"},
        instance_path=workdir,
    )  # fmt: skip
    app.test_client_class = ProductionClient
    client = app.test_client()
    with app.app_context():
        engine = db.engine
        with engine.connect() as connection:
            asked = searches(args.searches, seed=args.seed, today=today, connection=connection)
        differences = compare_with_reference(db.session, asked, today)
        db.session.rollback()
    found = [client.get("/api/v1/carers?" + urlencode(p)).get_json() for p in asked]
    totals = [body["total"] for body in found]
    print(
        f"   {len(asked)} searches; carers found: median {statistics.median(totals):.0f}, "
        f"more than {search.TOTAL_CAP} for {sum(1 for b in found if b['total_is_lower_bound'])}, "
        f"none for {sum(1 for t in totals if t == 0)}"
    )
    print(
        f"   results as before (pages 1 and 2): {2 * len(asked) - len(differences)} of "
        f"{2 * len(asked)}",
        *(f"\n     {difference}" for difference in differences[:10]),
        "\n",
    )
    pages = {
        "API /api/v1/carers": ["/api/v1/carers?" + urlencode(p) for p in asked],
        "page /recherche": [
            "/recherche?" + urlencode({**p, "slots": p["slots"].split(",")}, doseq=True)
            for p in asked
        ],
    }
    report = Report("search", backend, {"carers": args.carers, "searches": len(asked)})
    for label, paths in pages.items():
        times, ratios = measure(engine, client, paths)
        figure = Figure.of(
            label, times, median_budget=MEDIAN_BUDGET_MS, p95_budget=P95_BUDGET_MS,
            max_budget=MAX_BUDGET_MS,
        )  # fmt: skip
        ratio = statistics.median(ratios)
        figure.extra["ratio to bare SQL"] = round(ratio, 2)
        figure.extra["misses"] = [f"{len(differences)} pages differ from before"] * bool(
            differences
        )
        if ratio > RATIO_BUDGET:
            figure.extra["misses"].append(f"request {ratio:.2f}× its SQL > {RATIO_BUDGET:g}×")
        report.add(figure)
        print(f"{'':<40} request / bare SQL: {ratio:.2f}× (≤ {RATIO_BUDGET:g}×)")
    report.finish(args.summary)


if __name__ == "__main__":
    main()
