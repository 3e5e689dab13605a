"""The parents' search as it was before the search rows: one statement over the carer and vacancy
tables, a `row_number()` window for each carer's best place and `count(*) OVER ()` for the total.
Kept only to check that the search returns the same carers, in the same order, with the same
places, for every query of the benchmark (`benchmarks/search.py`)."""

from datetime import date
from functools import cache

from sqlalchemy import Float, Integer, and_, bindparam, case, func, literal, select
from sqlalchemy.orm import Session

from onboarding.pathway import search, shown
from onboarding.pathway.models import Carer, Commune, Vacancy
from onboarding.pathway.schedule import HALF_DAYS, NEEDS, count_half_days


def _distance():
    half_dlat = func.radians(Carer.latitude - bindparam("latitude", type_=Float)) / 2
    half_dlon = func.radians(Carer.longitude - bindparam("longitude", type_=Float)) / 2
    sin_lat, sin_lon = func.sin(half_dlat), func.sin(half_dlon)
    a = sin_lat * sin_lat + (
        bindparam("cos_latitude", type_=Float)
        * func.cos(func.radians(Carer.latitude))
        * sin_lon
        * sin_lon
    )
    return 2 * search.EARTH_RADIUS_KM * func.asin(func.sqrt(a))


def _covered():
    common = Vacancy.half_days.op("&")(bindparam("half_days", type_=Integer))
    total = common.op("&")(1)
    for bit in range(1, len(HALF_DAYS)):
        total = total + common.op(">>")(bit).op("&")(1)
    return total


def _needs_covered():
    total = literal(0, Integer)
    for name in NEEDS:
        weight = bindparam(f"asks_{name}", type_=Integer)
        total = total + case((getattr(Vacancy, name), weight), else_=0)
    return total


def _match_order(columns) -> tuple:
    return (columns.covers_all.desc(), columns.covered.desc(), columns.needs_covered.desc())


@cache
def _statement():
    covered, needs_covered = _covered(), _needs_covered()
    matches = (
        select(
            Carer.id.label("carer_id"),
            Vacancy.id.label("vacancy_id"),
            Vacancy.available_from,
            _distance().label("distance"),
            covered.label("covered"),
            needs_covered.label("needs_covered"),
            case(
                (
                    and_(
                        covered == bindparam("requested", type_=Integer),
                        needs_covered == bindparam("needs_requested", type_=Integer),
                    ),
                    1,
                ),
                else_=0,
            ).label("covers_all"),
        )
        .join(Vacancy, Vacancy.carer_id == Carer.id)
        .where(
            Carer.latitude.between(bindparam("south"), bindparam("north")),
            Carer.longitude.between(bindparam("west"), bindparam("east")),
            shown.place_clause(),
            Vacancy.age_min_months <= bindparam("age", type_=Integer),
            Vacancy.age_max_months >= bindparam("age", type_=Integer),
            Vacancy.half_days.op("&")(bindparam("half_days", type_=Integer)) != 0,
        )
        .subquery("matches")
    )
    ranked = (
        select(
            matches,
            func.row_number()
            .over(
                partition_by=matches.c.carer_id,
                order_by=(*_match_order(matches.c), matches.c.available_from, matches.c.vacancy_id),
            )
            .label("rank"),
        )
        .where(matches.c.distance <= bindparam("radius_km", type_=Float))
        .subquery("ranked")
    )
    return (
        select(
            ranked.c.carer_id,
            ranked.c.vacancy_id,
            ranked.c.distance,
            ranked.c.covered,
            ranked.c.needs_covered,
            ranked.c.covers_all,
            func.count().over().label("total"),
        )
        .where(ranked.c.rank == 1)
        .order_by(*_match_order(ranked.c), ranked.c.distance, ranked.c.carer_id)
        .limit(bindparam("limit", type_=Integer))
        .offset(bindparam("offset", type_=Integer))
    )


def reference_page(session: Session, query: search.SearchQuery, *, today: date):
    """(total, [(carer id, place id, distance, covered, needs covered, covers all), …])"""
    origin = session.get(Commune, query.commune_insee)
    south, north, west, east = search._bounding_box(
        origin.latitude, origin.longitude, query.radius_km
    )
    parameters = {
        **search._parameters(query, origin, today=today),
        "south": south, "north": north, "west": west, "east": east,
        "requested": count_half_days(query.half_days),
        "needs_requested": bin(query.needs).count("1"),
        **{f"asks_{name}": int(bool(query.needs & 1 << bit)) for bit, name in enumerate(NEEDS)},
    }  # fmt: skip
    rows = session.execute(_statement(), parameters).all()
    total = rows[0].total if rows else 0
    if not rows and query.page > 1:  # past the last page: the total still says how many
        first = session.execute(_statement(), {**parameters, "offset": 0}).first()
        total = first.total if first else 0
    return total, [
        (row.carer_id, row.vacancy_id, float(row.distance), row.covered, row.needs_covered,
         bool(row.covers_all))
        for row in rows
    ]  # fmt: skip


def page_of(result: search.SearchPage) -> list[tuple]:
    """The same tuples from the search's page."""
    return [
        (hit.carer_id, hit.vacancy.id, hit.distance_km, hit.covered, hit.needs_covered,
         hit.covers_all)
        for hit in result.hits
    ]  # fmt: skip
