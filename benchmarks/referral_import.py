"""Importing 10,000 lines (DESIGN.md: a referral or carer import of 10,000 lines < 30 s): an
adviser's referrals and a PMI's carers, each timed as a dry run, a wet run (committed) and the
same file again (every line matched, nothing written).

Usage: python benchmarks/referral_import.py [--lines N] [--database-url URL] [--summary FILE]
Without --database-url it works in a temporary SQLite file; the database must be empty. Exits 1
when a budget is missed or an import does not do what it should.
"""

import argparse
import csv
import io
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select

from benchmarks.measure import Figure, Report
from onboarding import create_app
from onboarding.extensions import db
from onboarding.imports.report import LineStatus
from onboarding.imports.run import run_import
from onboarding.pathway import clock
from onboarding.pathway.base import Model
from onboarding.pathway.carer_import import COLUMNS as CARER_COLUMNS
from onboarding.pathway.carer_import import CarerImport
from onboarding.pathway.communes import load_communes
from onboarding.pathway.geography import NOUVELLE_AQUITAINE
from onboarding.pathway.models import Candidate, Carer, Commune
from onboarding.pathway.referral_import import COLUMNS as REFERRAL_COLUMNS
from onboarding.pathway.referral_import import ReferralImport

BUDGET_MS = 30_000
FIRST_NAMES = ("Élodie", "Maëlle", "Chloé", "Inès", "Noémie", "Zoé", "Anaïs", "Hélène")
LAST_NAMES = ("Lefèvre", "Béranger", "Nguyễn", "Da Silva-Gonçalves", "Dupré", "Martin")


def csv_file(columns, rows) -> bytes:
    """As French Excel writes it: a byte order mark and ";" between cells."""
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
    writer.writerow([column.label for column in columns])
    writer.writerows(rows)
    return text.getvalue().encode("utf-8-sig")


def phone(prefix: str, n: int) -> str:
    return f"{prefix} {n // 10000 % 100:02d} {n // 100 % 100:02d} {n % 100:02d} 00"


def places() -> list[tuple[str, str]]:
    """(name, postcode) of Nouvelle-Aquitaine communes with a postcode of their own, as lists
    write them."""
    rows = db.session.execute(
        select(Commune.name, Commune.postcodes).where(
            Commune.department_code.in_(NOUVELLE_AQUITAINE)
        )
    )
    return [(name, postcodes.split()[0]) for name, postcodes in rows if postcodes]


def referrals(count: int, seed: int) -> bytes:
    rng = random.Random(seed)
    communes = places()
    today = clock.today()
    rows = []
    for n in range(count):
        name, postcode = rng.choice(communes)
        birth = today - timedelta(days=rng.randint(20 * 365, 55 * 365))
        rows.append([
            f"{rng.choice(LAST_NAMES)} {n}", rng.choice(FIRST_NAMES), f"{birth:%d/%m/%Y}",
            f"{n:07d}{chr(65 + n % 26)}", f"personne.{n}@example.org",
            phone("06", n), name, postcode,
            "Agence de Bordeaux", "Conseillère", f"{today - timedelta(days=n % 60):%d/%m/%Y}",
        ])  # fmt: skip
    return csv_file(REFERRAL_COLUMNS, rows)


def carers(count: int, seed: int) -> bytes:
    rng = random.Random(seed)
    communes = places()
    today = clock.today()
    rows = []
    for n in range(count):
        name, postcode = rng.choice(communes)
        birth = today - timedelta(days=rng.randint(25 * 365, 60 * 365))
        decided = today - timedelta(days=rng.randint(30, 4 * 365))
        rows.append([
            f"{rng.choice(LAST_NAMES)} {n}", rng.choice(FIRST_NAMES), "", f"{birth:%d/%m/%Y}",
            f"AG-{n:06d}", f"{decided:%d/%m/%Y}", "", str(rng.randint(1, 4)), name, postcode,
            f"{n} rue des Lilas", phone("07", n),
            f"am.{n}@example.org", "",
        ])  # fmt: skip
    return csv_file(CARER_COLUMNS, rows)


def timed(importer, data: bytes, *, wet_run: bool):
    """One import in its own transaction, as the command runs it; (milliseconds, report)."""
    started = time.perf_counter()
    report = run_import(db.session, importer, data, "liste.csv", wet_run=wet_run)
    if report.applied:
        db.session.commit()
    else:
        db.session.rollback()
    elapsed = (time.perf_counter() - started) * 1000
    db.session.expire_all()
    return elapsed, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=10_000)
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
    backend = url.split("://")[0].split("+")[0]
    report = Report("referral_import", backend, {"lines": args.lines})
    problems = []
    with app.app_context():
        with db.engine.begin() as connection:
            if db.inspect(connection).has_table("candidate"):
                sys.exit("The database already has tables: give an empty one.")
            Model.metadata.create_all(connection)
            load_communes(connection)
        print(f"{args.lines} lines a file, {backend}\n")
        for kind, importer, data, model, new, again in (
            ("referrals", ReferralImport, referrals(args.lines, 1), Candidate,
             LineStatus.CREATED, LineStatus.MATCHED),
            ("carers", CarerImport, carers(args.lines, 2), Carer,
             LineStatus.CREATED, LineStatus.UNCHANGED),
        ):  # fmt: skip
            for label, wet_run, expected in (
                ("dry run", False, new),
                ("wet run", True, new),
                ("same file again", False, again),
            ):
                elapsed, result = timed(importer(None, today=clock.today()), data, wet_run=wet_run)
                report.add(Figure.of(f"{kind}: {label}", [elapsed], max_budget=BUDGET_MS))
                if result.count(expected) != args.lines:
                    problems.append(f"{kind} {label}: {result.summary()}")
            stored = db.session.scalar(select(func.count()).select_from(model))
            if stored != args.lines:
                problems.append(f"{kind}: {stored} rows stored, {args.lines} expected")
    for problem in problems:
        print(f"WRONG: {problem}")
    if problems:
        sys.exit(1)
    report.finish(args.summary)


if __name__ == "__main__":
    main()
