"""The bundled reference of French communes: reading it, and loading it into the database."""

import csv
import gzip
import io
import math
from collections.abc import Iterator
from importlib import resources

from sqlalchemy import Connection, func, insert, select

from onboarding.pathway.geography import fold
from onboarding.pathway.models import Commune, CommunePostcode

DATA_FILE = "communes.csv.gz"
# Communes the open data leaves without a point and no other commune shares a postcode with:
# their town hall's published coordinates.
KNOWN_POINTS = {"56098": (47.7620, -3.3417)}  # Lanester


def _raw_rows() -> Iterator[dict]:
    raw = resources.files("onboarding.pathway").joinpath("data", DATA_FILE).read_bytes()
    with io.TextIOWrapper(gzip.GzipFile(fileobj=io.BytesIO(raw)), encoding="utf-8") as text:
        for row in csv.DictReader(text):
            yield {
                "insee_code": row["insee_code"],
                "name": row["name"],
                "search_name": fold(row["name"]),
                "department_code": row["department_code"],
                "postcodes": row["postcodes"].strip(),
                "latitude": float(row["latitude"]),
                "longitude": float(row["longitude"]),
                "population": int(row["population"] or 0),
            }


def read_communes() -> list[dict]:
    """Rows of the bundled file, ready to insert (derived from INSEE/La Poste open data).

    A few communes come without a point (NaN); they take the mean point of the communes that
    share their postcodes, which is close enough to measure a distance from commune to commune.
    """
    rows = list(_raw_rows())
    by_postcode: dict[str, list[dict]] = {}
    for row in rows:
        if not math.isnan(row["latitude"]):
            for postcode in row["postcodes"].split():
                by_postcode.setdefault(postcode, []).append(row)
    placed = []
    for row in rows:
        if row["insee_code"] in KNOWN_POINTS:
            row["latitude"], row["longitude"] = KNOWN_POINTS[row["insee_code"]]
        if math.isnan(row["latitude"]) or math.isnan(row["longitude"]):
            neighbours = [n for p in row["postcodes"].split() for n in by_postcode.get(p, [])]
            if not neighbours:
                continue
            row["latitude"] = sum(n["latitude"] for n in neighbours) / len(neighbours)
            row["longitude"] = sum(n["longitude"] for n in neighbours) / len(neighbours)
        placed.append(row)
    return placed


def load_communes(connection: Connection, commune_table=None, postcode_table=None) -> int:
    """Fill empty reference tables; does nothing when communes are already there.

    The migration passes its own table definitions, so that it keeps working when the models
    change later.
    """
    commune_table = commune_table if commune_table is not None else Commune.__table__
    postcode_table = postcode_table if postcode_table is not None else CommunePostcode.__table__
    if connection.scalar(select(func.count()).select_from(commune_table)):
        return 0
    communes = read_communes()
    postcodes = sorted(
        {(postcode, row["insee_code"]) for row in communes for postcode in row["postcodes"].split()}
    )
    for start in range(0, len(communes), 5000):
        connection.execute(insert(commune_table), communes[start : start + 5000])
    rows = [{"postcode": p, "insee_code": c} for p, c in postcodes]
    for start in range(0, len(rows), 5000):
        connection.execute(insert(postcode_table), rows[start : start + 5000])
    return len(communes)
