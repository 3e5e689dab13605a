"""Parents' search: published, fresh carers with a place for a child, near a commune, ranked.

A `SearchQuery` goes in, a `SearchPage` of `Hit`s comes out. The whole filter and the ranking
run in SQL: a latitude/longitude bounding box on the carers' indexed position, the vacancy's
from date and half-day bitmask, then the exact great-circle distance and the coverage.

Rules:
- the carer may be shown with that vacancy for that start (`pathway.shown`: published with her
  consent, confirmed within 6 months, agrément in force, training done, the place offered on
  the start date or within 30 days after);
- the vacancy takes a child of that age (full months on the start date) and shares at least one
  requested half-day;
- her commune is within the radius of the parent's commune (great circle, commune to commune);
- the setting asked for: any, in a MAM only, or at home only (`CareSetting`).
Order (`_match_order`, `_carer_order`): vacancies that cover every requested half-day and need
first, then more half-days covered, then more needs covered; between carers then nearer, then
the older profile (smaller id) first. A carer appears once, with her vacancy that ranks best by
the same order (then the earliest, then the smaller id). A partial match says which requested
half-days and needs it misses (`missing`).
"""

import math
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache

from dateutil.relativedelta import relativedelta
from sqlalchemy import Float, Integer, String, and_, bindparam, case, func, literal, or_, select
from sqlalchemy.orm import Session

from onboarding.pathway import shown
from onboarding.pathway.base import Choice
from onboarding.pathway.carers import MAX_AGE_MONTHS, is_newly_approved
from onboarding.pathway.geography import EARTH_RADIUS_KM
from onboarding.pathway.models import Carer, Commune, Mam, Vacancy
from onboarding.pathway.schedule import (
    FULL_WEEK,
    HALF_DAY_LABELS,
    HALF_DAYS,
    NEED_LABELS,
    NEEDS,
    count_half_days,
    half_day_names,
    need_names,
)

RADII_KM = (5, 10, 20, 30)
PER_PAGE = 20
# How much later a widened search starts.
LATER_START = timedelta(days=30)
# How far ahead a parent may look, and how far before the start a birth may be expected.
LATEST_START = relativedelta(years=2)
KM_PER_DEGREE = EARTH_RADIUS_KM * math.pi / 180


class CareSetting(Choice):
    """Where the child is cared for: a MAM (maison d'assistants maternels) or the carer's home."""

    ANY = "any", "Tous les modes d'accueil"
    MAM = "mam", "En MAM"
    HOME = "home", "À domicile"


@dataclass(frozen=True)
class SearchQuery:
    commune_insee: str
    radius_km: int
    birth_date: date
    start: date
    half_days: int
    needs: int = 0
    page: int = 1
    setting: CareSetting = CareSetting.ANY


def age_in_months(birth_date: date, on: date) -> int:
    """Full months from birth to that day (the query rules refuse a start before birth)."""
    delta = relativedelta(on, birth_date)
    return delta.years * 12 + delta.months


def query_errors(query: SearchQuery, *, today: date) -> dict[str, str]:
    """The rules a query breaks, by field, in French; empty when it can run."""
    errors = {}
    if query.radius_km not in RADII_KM:
        errors["radius_km"] = "Choisissez une distance de 5, 10, 20 ou 30 km."
    if query.start < today:
        errors["start"] = "La date de début ne peut pas être dans le passé."
    elif query.start > today + LATEST_START:
        errors["start"] = "La date de début doit être dans les deux ans qui viennent."
    if query.birth_date > query.start:
        errors["birth_date"] = "L'enfant doit être né à la date de début de l'accueil."
    elif age_in_months(query.birth_date, query.start) > MAX_AGE_MONTHS:
        errors["birth_date"] = "L'enfant doit avoir moins de 18 ans à la date de début."
    if not 0 < query.half_days <= FULL_WEEK:
        errors["half_days"] = "Cochez au moins une demi-journée."
    if not 0 <= query.needs < (1 << len(NEEDS)):
        errors["needs"] = "Besoin inconnu."
    if query.page < 1:
        errors["page"] = "La page commence à 1."
    return errors


@dataclass(frozen=True)
class VacancyFacts:
    """What parents see of a place; `available_from` is the day it is offered from (the later
    of its own date and the end of the carer's training)."""

    id: int
    available_from: date
    age_min_months: int
    age_max_months: int
    half_days: int
    needs: tuple[str, ...]


def vacancy_facts(vacancy, carer) -> VacancyFacts:
    """From a Vacancy and its Carer, or twice from a result row with the same names."""
    return VacancyFacts(
        id=vacancy.id,
        available_from=shown.offered_from(carer, vacancy.available_from),
        age_min_months=vacancy.age_min_months,
        age_max_months=vacancy.age_max_months,
        half_days=vacancy.half_days,
        needs=tuple(name for name in NEEDS if getattr(vacancy, name)),
    )


@dataclass(frozen=True)
class Shortfall:
    """What a partial match lacks: the requested half-days and needs the place does not offer."""

    half_days: tuple[str, ...]
    needs: tuple[str, ...]

    @property
    def lines(self) -> list[str]:
        """In French, one sentence for the half-days and one for the needs it misses."""
        lines = []
        if self.half_days:
            plural = "s" if len(self.half_days) > 1 else ""
            lines.append(
                f"Demi-journée{plural} non couverte{plural} : "
                + ", ".join(HALF_DAY_LABELS[name].lower() for name in self.half_days)
                + "."
            )
        if self.needs:
            plural = "s" if len(self.needs) > 1 else ""
            lines.append(
                f"Besoin{plural} non couvert{plural} : "
                + ", ".join(NEED_LABELS[name].lower() for name in self.needs)
                + "."
            )
        return lines


def missing(query: SearchQuery, facts: VacancyFacts) -> Shortfall:
    return Shortfall(
        half_days=tuple(half_day_names(query.half_days & ~facts.half_days)),
        needs=tuple(name for name in need_names(query.needs) if name not in facts.needs),
    )


@dataclass(frozen=True)
class MamFacts:
    """The maison d'assistants maternels a carer works in, as parents see it."""

    id: int
    name: str


@dataclass(frozen=True)
class Hit:
    carer_id: int
    public_name: str
    first_name: str
    commune_name: str
    insee_code: str
    # Only when the carer chose to show it.
    address: str | None
    latitude: float
    longitude: float
    distance_km: float
    covered: int
    requested: int
    needs_covered: int
    covers_all: bool
    vacancy: VacancyFacts
    missing: Shortfall
    newly_approved: bool
    confirmed_on: date
    mam: MamFacts | None = None

    @property
    def coverage_text(self) -> str:
        """ "8 demi-journées sur 10" """
        plural = "s" if self.covered > 1 else ""
        return f"{self.covered} demi-journée{plural} sur {self.requested}"


@dataclass(frozen=True)
class SearchPage:
    query: SearchQuery
    origin: Commune
    hits: list[Hit]
    total: int
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


class UnknownCommune(LookupError):
    """The INSEE code is not in the communes reference."""


def _bounding_box(latitude: float, longitude: float, radius_km: float):
    """Degrees around the point that contain every point within the radius (and a little more)."""
    dlat = radius_km / KM_PER_DEGREE
    # Longitude degrees shrink towards the poles: take the box edge nearest the pole.
    widest = min(89.0, abs(latitude) + dlat)
    dlon = radius_km / (KM_PER_DEGREE * math.cos(math.radians(widest)))
    return latitude - dlat, latitude + dlat, longitude - dlon, longitude + dlon


def _distance():
    """Haversine in SQL, from the carer's point to the origin's (bound values), in km."""
    half_dlat = func.radians(Carer.latitude - bindparam("latitude", type_=Float)) / 2
    half_dlon = func.radians(Carer.longitude - bindparam("longitude", type_=Float)) / 2
    sin_lat, sin_lon = func.sin(half_dlat), func.sin(half_dlon)
    a = sin_lat * sin_lat + (
        bindparam("cos_latitude", type_=Float)
        * func.cos(func.radians(Carer.latitude))
        * sin_lon
        * sin_lon
    )
    return 2 * EARTH_RADIUS_KM * func.asin(func.sqrt(a))


def _covered():
    """How many of the requested half-days the vacancy's bitmask has (no popcount in SQLite)."""
    common = Vacancy.half_days.op("&")(bindparam("half_days", type_=Integer))
    total = common.op("&")(1)
    for bit in range(1, len(HALF_DAYS)):
        total = total + common.op(">>")(bit).op("&")(1)
    return total


def _needs_covered():
    """How many requested needs the vacancy meets: each flag weighs 1 when asked, else 0."""
    total = literal(0, Integer)
    for name in NEEDS:
        weight = bindparam(f"asks_{name}", type_=Integer)
        total = total + case((getattr(Vacancy, name), weight), else_=0)
    return total


def _setting_clause():
    """The carer works in a MAM, or at home, as the query's setting asks (any: both)."""
    setting = bindparam("setting", type_=String)
    return or_(
        setting == CareSetting.ANY.value,
        and_(setting == CareSetting.MAM.value, Carer.mam_id.is_not(None)),
        and_(setting == CareSetting.HOME.value, Carer.mam_id.is_(None)),
    )


def _match_order(columns) -> tuple:
    """The quality of a match: every half-day and need first, then more half-days, more needs."""
    return (columns.covers_all.desc(), columns.covered.desc(), columns.needs_covered.desc())


def _carer_order(columns) -> tuple:
    """Carers: the quality of their best match, then nearer, then the older profile."""
    return (*_match_order(columns), columns.distance, columns.carer_id)


@cache
def _ranked_statement():
    """The SQL of one page: carer ids with distance, coverage and their best vacancy's id.

    Built once with named parameters (see `_parameters`): the same statement for every search,
    so neither Python nor the database's statement cache rebuild it.
    """
    covered = _covered()
    needs_covered = _needs_covered()
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
            _setting_clause(),
        )
        .subquery("matches")
    )
    ranked = (
        select(
            matches,
            func.row_number()
            .over(
                partition_by=matches.c.carer_id,
                order_by=(
                    *_match_order(matches.c),
                    matches.c.available_from,
                    matches.c.vacancy_id,
                ),
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
        .order_by(*_carer_order(ranked.c))
    )


def _parameters(query: SearchQuery, origin: Commune, *, today: date) -> dict:
    south, north, west, east = _bounding_box(origin.latitude, origin.longitude, query.radius_km)
    return {
        "latitude": origin.latitude,
        "longitude": origin.longitude,
        "cos_latitude": math.cos(math.radians(origin.latitude)),
        "south": south,
        "north": north,
        "west": west,
        "east": east,
        **shown.search_parameters(today=today, start=query.start),
        "age": age_in_months(query.birth_date, query.start),
        "half_days": query.half_days,
        "requested": count_half_days(query.half_days),
        "needs_requested": bin(query.needs).count("1"),
        **{f"asks_{name}": int(bool(query.needs & (1 << bit))) for bit, name in enumerate(NEEDS)},
        "radius_km": float(query.radius_km),
        "setting": CareSetting(query.setting).value,
        "limit": PER_PAGE,
        "offset": (query.page - 1) * PER_PAGE,
    }


@cache
def _page_statement():
    """One page of ranked ids, joined to what the results show: a single statement."""
    page = (
        _ranked_statement()
        .limit(bindparam("limit", type_=Integer))
        .offset(bindparam("offset", type_=Integer))
        .subquery("page")
    )
    return (
        select(
            page,
            Carer.first_name,
            Carer.last_name,
            Carer.address,
            Carer.show_address,
            Carer.latitude,
            Carer.longitude,
            Carer.commune_insee,
            Carer.agrement_on,
            Carer.training_part1_on,
            Carer.last_confirmed_on,
            Commune.name.label("commune_name"),
            Vacancy.id,
            Vacancy.available_from,
            Vacancy.age_min_months,
            Vacancy.age_max_months,
            Vacancy.half_days,
            *(getattr(Vacancy, name) for name in NEEDS),
            Mam.id.label("mam_id"),
            Mam.name.label("mam_name"),
        )
        .join(Carer, Carer.id == page.c.carer_id)
        .join(Commune, Commune.insee_code == Carer.commune_insee)
        .join(Vacancy, Vacancy.id == page.c.vacancy_id)
        .outerjoin(Mam, Mam.id == Carer.mam_id)
        .order_by(*_carer_order(page.c))
    )


def search(session: Session, query: SearchQuery, *, today: date) -> SearchPage:
    """One page of results; the query must have passed `query_errors`."""
    origin = session.get(Commune, query.commune_insee)
    if origin is None:
        raise UnknownCommune(query.commune_insee)
    rows = session.execute(_page_statement(), _parameters(query, origin, today=today)).all()
    total = rows[0].total if rows else 0
    if not rows and query.page > 1:
        # Past the last page: the total still says how many there are.
        total = count(session, query, today=today)
    requested = count_half_days(query.half_days)
    hits = []
    for row in rows:
        facts = vacancy_facts(row, row)
        hits.append(Hit(
            carer_id=row.carer_id,
            public_name=f"{row.first_name} {row.last_name[:1]}.",
            first_name=row.first_name,
            commune_name=row.commune_name,
            insee_code=row.commune_insee,
            address=row.address if row.show_address else None,
            latitude=row.latitude,
            longitude=row.longitude,
            distance_km=float(row.distance),
            covered=int(row.covered),
            requested=requested,
            needs_covered=int(row.needs_covered),
            covers_all=bool(row.covers_all),
            vacancy=facts,
            missing=missing(query, facts),
            newly_approved=is_newly_approved(row, today),
            confirmed_on=row.last_confirmed_on,
            mam=MamFacts(row.mam_id, row.mam_name) if row.mam_id is not None else None,
        ))  # fmt: skip
    return SearchPage(query=query, origin=origin, hits=hits, total=total)


def count(session: Session, query: SearchQuery, *, today: date) -> int:
    """How many carers the query finds, over all pages."""
    origin = session.get(Commune, query.commune_insee)
    if origin is None:
        raise UnknownCommune(query.commune_insee)
    statement = select(func.count()).select_from(_ranked_statement().subquery())
    return session.scalar(statement, _parameters(query, origin, today=today))


@dataclass(frozen=True)
class Widening:
    """A way to find more when a search finds nothing: what to change, the query it gives, and
    how many carers that finds."""

    field: str
    label: str
    query: SearchQuery
    found: int


def _wider_queries(query: SearchQuery) -> list[tuple[str, str, SearchQuery]]:
    """The largest radius, a later start, every half-day of the week: each when it changes
    something."""
    tries = []
    if query.radius_km < RADII_KM[-1]:
        tries.append(("radius_km", f"Élargir la distance à {RADII_KM[-1]} km",
                      replace(query, radius_km=RADII_KM[-1], page=1)))  # fmt: skip
    tries.append(("start", "Commencer un mois plus tard",
                  replace(query, start=query.start + LATER_START, page=1)))  # fmt: skip
    if query.half_days != FULL_WEEK:
        tries.append(("half_days", "Accepter d'autres demi-journées de la semaine",
                      replace(query, half_days=FULL_WEEK, page=1)))  # fmt: skip
    return tries


def widenings(session: Session, query: SearchQuery, *, today: date) -> list[Widening]:
    """For an empty result: the widenings that find someone."""
    return [
        Widening(field, label, wider, found)
        for field, label, wider in _wider_queries(query)
        if (found := count(session, wider, today=today))
    ]
