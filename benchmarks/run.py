"""Every benchmark on SQLite and, given BENCH_DATABASE_URL, on PostgreSQL; the verdicts, and a
JSON summary in benchmarks/results/<time>.json compared with the previous one (`make bench`).

Usage: python -m benchmarks.run [--small] [--only NAME ...]

BENCH_DATABASE_URL names a PostgreSQL server and a database name used as a prefix: the
benchmarks work in databases of their own beside it, named after what they hold
(<name>_panel_100000, <name>_panel_1000000, <name>_search_250000, <name>_documents), created
when missing; the panel's and the search's populations are kept and reused by the next run, as
long as the models' schema is the one they were built with (a fingerprint of it, kept as the
database's comment; another schema, and the database is made anew); the documents' database is
made anew. The indicators run twice, at 100,000 and 1,000,000 candidates
(their two budgets: "indicators 1000k" in the table); building the larger population takes a while
the first time. SQLite runs work in a temporary directory. Exits 1 when any budget is missed.

--small runs every benchmark on a small population (2,000 candidates, 5,000 carers): a check
that they work, not a measure against the budgets.
"""

import argparse
import hashlib
import json
import os
import platform
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import make_url
from sqlalchemy.schema import CreateIndex, CreateTable

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
FULL = {
    "candidates": 100_000,
    # The indicators' second budget (DESIGN.md).
    "many_candidates": 1_000_000,
    "carers": 250_000,
    "runs": 15,
    "searches": 100,
    "send": 20_000,
    "import": 10_000,
    "requests": 2_000,
}
# Benchmarks whose database is built anew each run (the others' populations are kept).
MADE_ANEW = {"documents", "campaign", "referral_import", "worker_memory"}
SMALL = {
    "candidates": 2_000,
    "many_candidates": 5_000,
    "carers": 5_000,
    "runs": 5,
    "searches": 20,
    "send": 1_000,
    "import": 500,
    "requests": 200,
}


def plan(sizes: dict) -> list[tuple[str, str, list[str]]]:
    """(name, the database it works in, its arguments)."""
    panel = ["--candidates", str(sizes["candidates"]), "--runs", str(sizes["runs"])]
    many = ["--candidates", str(sizes["many_candidates"]), "--runs", str(sizes["runs"])]
    return [
        ("candidate_list", f"panel_{sizes['candidates']}", panel),
        ("indicators", f"panel_{sizes['candidates']}", panel),
        ("indicators", f"panel_{sizes['many_candidates']}", many),
        ("search", f"search_{sizes['carers']}",
         ["--carers", str(sizes["carers"]), "--searches", str(sizes["searches"])]),
        ("documents", "documents", ["--runs", str(sizes["runs"])]),
        ("campaign", "campaign", ["--carers", str(sizes["carers"]), "--send", str(sizes["send"])]),
        ("referral_import", "imports", ["--lines", str(sizes["import"])]),
        ("worker_memory", "worker", ["--requests", str(sizes["requests"])]),
    ]  # fmt: skip


def schema_fingerprint() -> str:
    """A digest of the models' tables and indexes as PostgreSQL would create them."""
    from onboarding.pathway.base import Model
    from onboarding.pathway.models import Candidate  # noqa: F401  (every model registered)

    dialect = postgresql.dialect()
    digest = hashlib.sha256()
    for table in Model.metadata.sorted_tables:
        digest.update(str(CreateTable(table).compile(dialect=dialect)).encode())
        for index in sorted(table.indexes, key=lambda index: index.name or ""):
            digest.update(str(CreateIndex(index).compile(dialect=dialect)).encode())
    return f"onboarding schema {digest.hexdigest()[:16]}"


def made_for_schema(connection, name: str) -> str | None:
    """The schema fingerprint a database was made for (its comment), if any."""
    return connection.scalar(
        text("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = :name"),
        {"name": name},
    )


def postgresql_database(server_url: str, suffix: str, *, anew: bool) -> str:
    """The URL of <database>_<suffix> on that server, created when missing, made anew when asked
    or when it was made for another schema than the models' (its comment says which)."""
    if server_url.startswith(("postgres://", "postgresql://")):
        server_url = "postgresql+psycopg://" + server_url.split("://", 1)[1]
    server = make_url(server_url)
    name = f"{server.database}_{suffix}"
    schema = schema_fingerprint()
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            made_for = made_for_schema(connection, name)
            exists = connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            )
            if exists and (anew or made_for != schema):
                if not anew:
                    print(f"{name}: built for another schema, made anew", flush=True)
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                exists = False
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
                connection.execute(text(f"COMMENT ON DATABASE \"{name}\" IS '{schema}'"))
    finally:
        admin.dispose()
    return server.set(database=name).render_as_string(hide_password=False)


def previous_summary() -> dict | None:
    runs = sorted(RESULTS.glob("*.json"))
    return json.loads(runs[-1].read_text()) if runs else None


def medians(summary: dict | None) -> dict[tuple[str, str, str], float]:
    if not summary:
        return {}
    return {
        (run["benchmark"], run["backend"], figure["label"]): figure["median"]
        for run in summary["runs"]
        for figure in run.get("figures", [])
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="small populations: a quick check")
    parser.add_argument("--only", nargs="*", help="only these benchmarks (candidate_list, …)")
    args = parser.parse_args()
    sizes = SMALL if args.small else FULL
    backends = ["sqlite"] + (["postgresql"] if os.environ.get("BENCH_DATABASE_URL") else [])
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    before = previous_summary()
    started = datetime.now(UTC)
    summary = {
        "started": started.isoformat(timespec="seconds"),
        "small": args.small,
        "sizes": sizes,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip(),
        "runs": [],
    }
    for backend in backends:
        for name, database, arguments in plan(sizes):
            if args.only and name not in args.only:
                continue
            if backend == "sqlite":
                url = f"sqlite:///{workdir / database}.sqlite"
                if name in MADE_ANEW:
                    url = f"sqlite:///{workdir / name}-{len(summary['runs'])}.sqlite"
            else:
                url = postgresql_database(
                    os.environ["BENCH_DATABASE_URL"],
                    database,
                    anew=name in MADE_ANEW,
                )
            # A benchmark run at two sizes is told apart by the larger one's label.
            label = name
            if database == f"panel_{sizes['many_candidates']}":
                label = f"{name} {sizes['many_candidates'] // 1000}k"
            print(f"\n=== {label} on {backend} ===", flush=True)
            figures = workdir / f"{name}-{database}-{backend}.json"
            done = subprocess.run(
                [sys.executable, str(ROOT / "benchmarks" / f"{name}.py"), *arguments,
                 "--database-url", url, "--summary", str(figures)],
                cwd=ROOT,
            )  # fmt: skip
            if figures.is_file():
                summary["runs"].append({**json.loads(figures.read_text()), "benchmark": label})
            else:
                summary["runs"].append(
                    {"benchmark": label, "backend": backend, "met": False,
                     "error": f"exit status {done.returncode}"}
                )  # fmt: skip

    summary["met"] = all(run["met"] for run in summary["runs"])
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{started.strftime('%Y%m%dT%H%M%SZ')}.json"
    path.write_text(json.dumps(summary, indent=2, ensure_ascii=False))

    previous = medians(before)
    header = f"{'benchmark':<15} {'backend':<11} {'figure':<40} {'median':>9} {'before':>9}"
    print(f"\n{header}  verdict")
    for run in summary["runs"]:
        if "error" in run:
            print(f"{run['benchmark']:<15} {run['backend']:<11} {'—':<40} {'':>9} {'':>9}  "
                  f"FAILED ({run['error']})")  # fmt: skip
            continue
        for figure in run["figures"]:
            key = (run["benchmark"], run["backend"], figure["label"])
            earlier = f"{previous[key]:7.1f}ms" if key in previous else ""
            verdict = "ok" if not figure["misses"] else "OVER: " + "; ".join(figure["misses"])
            print(f"{key[0]:<15} {key[1]:<11} {key[2]:<40} {figure['median']:7.1f}ms "
                  f"{earlier:>9}  {verdict}")  # fmt: skip
    print(f"\nSummary: {path.relative_to(ROOT)}")
    print("Every budget met." if summary["met"] else "Some budgets are MISSED.")
    sys.exit(0 if summary["met"] else 1)


if __name__ == "__main__":
    main()
