"""Parents' search: published, fresh carers with a place for a child, near a commune, ranked.

A `SearchQuery` goes in, a `SearchPage` of `Hit`s comes out. The whole filter and the ranking
run in SQL over the search rows (one per place of a published carer, `pathway.search_rows`; the
statements in `pathway.search_statements`): a latitude/longitude bounding box on an index, the
terms of who may be shown, the place's age range and half-day bitmask, the exact great-circle
distance, and the ranking key whose `max()` is a carer's best place.

Rules:
- the carer may be shown with that vacancy for that start (`pathway.shown`: published with her
  consent, confirmed within 6 months, agrément in force, training done, the place offered on
  the start date or within 30 days after);
- the vacancy takes a child of that age (full months on the start date) and shares at least one
  requested half-day;
- her commune is within the radius of the parent's commune (great circle, commune to commune);
- the setting asked for: any, in a MAM only, or at home only (`CareSetting`).
Order (the key's quality, `search_statements`): vacancies that cover every requested half-day
and need first, then more half-days covered, then more needs covered; between carers then
nearer, then the older profile (smaller id) first. A carer appears once, with her vacancy that
ranks best by the same order (then the earliest, then the smaller id). A partial match says
which requested half-days and needs it misses (`missing`).
Totals above `TOTAL_CAP` are told as lower bounds ("plus de 1 000"); the widenings' counts are
exact.
"""

import math
from calendar import monthrange
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cached_property, lru_cache

from dateutil.relativedelta import relativedelta
from sqlalchemy.orm import Session

from onboarding.pathway import search_rows, shown
from onboarding.pathway import search_statements as statements
from onboarding.pathway.base import Choice
from onboarding.pathway.carers import MAX_AGE_MONTHS, newly_approved_after
from onboarding.pathway.driver_statements import driver_statement
from onboarding.pathway.geography import EARTH_RADIUS_KM
from onboarding.pathway.models import Commune
from onboarding.pathway.schedule import (
    FULL_WEEK,
    HALF_DAY_LABELS,
    NEED_LABELS,
    NEEDS,
    count_half_days,
    half_day_names,
    need_names,
    needs_mask,
)

RADII_KM = (5, 10, 20, 30)
PER_PAGE = 20
# Beyond this many carers, the total says "plus de 1 000" (`SearchPage.total_is_lower_bound`).
TOTAL_CAP = 1000
# The circles tried before the radius asked, for a page of carers who cover everything.
NEAR_FIRST_KM = (2, 5, 10, 20)
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

    @property
    def setting_value(self) -> str:
        return CareSetting(self.setting).value


@lru_cache(maxsize=16)
def latest_start(today: date) -> date:
    """The latest start a parent may ask for (changes once a day)."""
    return today + LATEST_START


def age_in_months(birth_date: date, on: date) -> int:
    """Full months from birth to that day, as `relativedelta` counts them: a month after 31
    January ends on the last day of February (the query rules refuse a start before birth).
    Counted here without building a relativedelta, which took a tenth of a small search."""
    if on < birth_date:
        delta = relativedelta(on, birth_date)
        return delta.years * 12 + delta.months
    months = (on.year - birth_date.year) * 12 + on.month - birth_date.month
    # The same day of on's month (or its last day): not reached yet, a month less.
    if min(birth_date.day, monthrange(on.year, on.month)[1]) > on.day:
        months -= 1
    return months


def query_errors(query: SearchQuery, *, today: date) -> dict[str, str]:
    """The rules a query breaks, by field, in French; empty when it can run."""
    errors = {}
    if query.radius_km not in RADII_KM:
        errors["radius_km"] = "Choisissez une distance de 5, 10, 20 ou 30 km."
    if query.start < today:
        errors["start"] = "La date de début ne peut pas être dans le passé."
    elif query.start > latest_start(today):
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


# Built for each result: plain slotted classes, whose fields are set at a third of the cost of a
# frozen dataclass's (which sets each through object.__setattr__).
@dataclass(slots=True)
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

    @cached_property
    def lines(self) -> tuple[str, ...]:
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
        return tuple(lines)


def missing(query: SearchQuery, facts: VacancyFacts) -> Shortfall:
    return _shortfall(query.half_days & ~facts.half_days & FULL_WEEK,
                      query.needs & ~needs_mask(facts.needs))  # fmt: skip


@lru_cache(maxsize=4096)
def _shortfall(half_days: int, needs: int) -> Shortfall:
    """The same few masks recur on a page and from page to page: their names and sentences are
    written once (`Shortfall` is frozen; its `lines` are computed once)."""
    return Shortfall(half_days=tuple(half_day_names(half_days)), needs=tuple(need_names(needs)))


@dataclass(frozen=True)
class MamFacts:
    """The maison d'assistants maternels a carer works in, as parents see it."""

    id: int
    name: str


@dataclass(slots=True)
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


class UnknownCommune(LookupError):
    """The INSEE code is not in the communes reference."""


@dataclass(frozen=True)
class Origin:
    """The parent's commune, with what the search and its page read of it."""

    insee_code: str
    name: str
    postcodes: str
    department_code: str
    latitude: float
    longitude: float

    __str__ = Commune.__str__


@dataclass(frozen=True)
class SearchPage:
    query: SearchQuery
    origin: Origin
    hits: list[Hit]
    total: int
    # True when there are more than `total` (TOTAL_CAP): the total and the pages are then
    # lower bounds ("plus de 1 000").
    total_is_lower_bound: bool = False
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


# Communes a process keeps once read (about 2 MB): the reference of communes is the package's
# own (`communes.load_communes`, from its communes.csv), loaded once into an empty database and
# never changed there, so a commune read once stays true as long as the process runs.
ORIGINS_KEPT = 5000
_origins: dict[str, Origin] = {}


def origin_of(session: Session, insee_code: str) -> Origin:
    """The commune the search starts from (`UnknownCommune` when it is not a commune)."""
    origin = _origins.get(insee_code)
    if origin is not None:
        return origin
    found = _run(session, statements.origin_statement(), {"insee_code": insee_code})
    if not found:
        raise UnknownCommune(insee_code)
    origin = Origin(*found[0])
    if len(_origins) < ORIGINS_KEPT:
        _origins[insee_code] = origin
    return origin


def _bounding_box(latitude: float, longitude: float, radius_km: float):
    """Degrees around the point that contain every point within the radius (and a little more)."""
    dlat = radius_km / KM_PER_DEGREE
    # Longitude degrees shrink towards the poles: take the box edge nearest the pole.
    widest = min(89.0, abs(latitude) + dlat)
    dlon = radius_km / (KM_PER_DEGREE * math.cos(math.radians(widest)))
    return latitude - dlat, latitude + dlat, longitude - dlon, longitude + dlon


def _within(origin: Origin, radius_km: float) -> dict:
    """The parameters of the circle: its box and its radius."""
    south, north, west, east = _bounding_box(origin.latitude, origin.longitude, radius_km)
    return {"south": south, "north": north, "west": west, "east": east,
            "bands": search_rows.bands_between(south, north),
            "radius_km": float(radius_km)}  # fmt: skip


def _parameters(query: SearchQuery, origin: Origin, *, today: date, arrays: bool = False) -> dict:
    requested, needs_requested = count_half_days(query.half_days), bin(query.needs).count("1")
    return {
        "latitude": origin.latitude,
        "longitude": origin.longitude,
        "cos_latitude": math.cos(math.radians(origin.latitude)),
        **_within(origin, query.radius_km),
        **shown.search_parameters(today=today, start=query.start),
        "age": age_in_months(query.birth_date, query.start),
        "half_days": query.half_days,
        "needs": query.needs,
        "full_quality": statements.quality_of(
            covers_all=True, covered=requested, needs_covered=needs_requested
        ),
        "limit": PER_PAGE,
        "offset": (query.page - 1) * PER_PAGE,
        # Rows read to count more than TOTAL_CAP carers: a carer has one or two places found.
        "sample": 2 * (TOTAL_CAP + 1),
        # Choose the statements (`search_statements.SETTINGS`, and whether they take their lists
        # as arrays) rather than bound in them.
        "setting": query.setting_value,
        "arrays": arrays,
    }


def _run(session: Session, statement, parameters: dict) -> list:
    """A statement of `search_statements` on the session's connection, compiled once for its
    database (`driver_statements`): its rows, plain named tuples, which the ORM's execution
    would only pass through (a third of the time of a small page)."""
    if session.autoflush:  # as the ORM would: the rows a pending change rewrites, up to date
        session.flush()
    connection = session.connection()
    return driver_statement(statement, connection.dialect).rows(connection, parameters)


def _capped_count(session: Session, parameters: dict) -> int:
    """How many carers the search finds; any number above TOTAL_CAP means more than it."""
    setting, arrays = parameters["setting"], parameters["arrays"]
    sampled = statements.sampled_count_statement(setting, arrays)
    ((carers, rows),) = _run(session, sampled, parameters)
    if carers > TOTAL_CAP or rows < parameters["sample"]:
        return carers
    ((count,),) = _run(session, statements.count_statement(setting, arrays), parameters)
    return count


def _with_needs(query: SearchQuery, at_least: int) -> list[int]:
    """The needs bitmasks that have at least that many of the needs asked."""
    return list(_masks_with(query.needs, at_least))


@lru_cache(maxsize=512)
def _masks_with(needs: int, at_least: int) -> tuple[int, ...]:
    """The needs masks (of all 128) holding at least `at_least` of `needs`: written once for
    each pair."""
    return tuple(mask for mask in range(1 << len(NEEDS))
                 if bin(mask & needs).count("1") >= at_least)  # fmt: skip


def _tiers(query: SearchQuery, origin: Origin, parameters: dict):
    """(tier, parameters) of the pages to try, best places first (`search_statements._ranked`).

    Carers rank by the quality of their best place, then by distance. When the carers whose
    best place is at least of some quality fill the page past the offset, they are that page,
    whoever else there is. So first those who cover everything: within the circles of
    `NEAR_FIRST_KM`, then the radius asked (when a smaller circle holds a page of them, nobody
    beyond it comes before them: they all have the best quality, and are nearer). Then, when
    needs are asked, within the radius, those who cover every half-day and some of the needs,
    each time fewer. Places with needs are few: they are read from an index on the needs.
    """
    asked = bin(query.needs).count("1")
    covers_all = "covers_all_with_needs" if asked else "covers_all"
    everything = {**parameters, "with_needs": _with_needs(query, asked)}
    for radius in NEAR_FIRST_KM:
        if radius < query.radius_km:
            yield covers_all, {**everything, **_within(origin, radius)}, radius
    yield covers_all, everything, query.radius_km
    for at_least in range(asked - 1, 0, -1):
        yield "with_needs", {**parameters, "with_needs": _with_needs(query, at_least)}, None


def _ranked_rows(session: Session, query: SearchQuery, origin: Origin, parameters: dict):
    """The page's rows, and whether they are the last ones. A circle that would likely hold
    too few (as many per km² as the last one tried) is not tried: it proves nothing."""
    wanted = parameters["offset"] + PER_PAGE
    tried = None
    for tier, tier_parameters, radius in _tiers(query, origin, parameters):
        if tier.startswith("covers_all") and radius < query.radius_km and tried:
            last_radius, found = tried
            if found * (radius / last_radius) ** 2 < wanted:
                continue
        statement = statements.page_statement(tier, query.setting_value, parameters["arrays"])
        rows = _run(session, statement, tier_parameters)
        if len(rows) == PER_PAGE:
            return rows, False
        if radius is not None:
            tried = (radius, parameters["offset"] + len(rows) if rows else 0)
    statement = statements.page_statement("all", query.setting_value, parameters["arrays"])
    rows = _run(session, statement, parameters)
    return rows, len(rows) < PER_PAGE


def search(session: Session, query: SearchQuery, *, today: date) -> SearchPage:
    """One page of results; the query must have passed `query_errors`."""
    origin = origin_of(session, query.commune_insee)
    parameters = _parameters(query, origin, today=today, arrays=statements.arrays_bound(session))
    rows, last = _ranked_rows(session, query, origin, parameters)
    offset = parameters["offset"]
    if rows and last:
        total, beyond = offset + len(rows), False
    elif not rows and offset == 0:
        total, beyond = 0, False
    else:
        # Past the last page too: the total still says how many there are.
        found = _capped_count(session, parameters)
        total, beyond = min(found, TOTAL_CAP), found > TOTAL_CAP
        if rows:  # a page deep beyond the cap
            total = max(total, offset + len(rows))
    requested = count_half_days(query.half_days)
    approved_after = newly_approved_after(today)
    hits = []
    for row in rows:
        facts = vacancy_facts(row, row)
        covers_all, covered, needs_covered = statements.read_quality(row.quality)
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
            covered=covered,
            requested=requested,
            needs_covered=needs_covered,
            covers_all=covers_all,
            vacancy=facts,
            missing=missing(query, facts),
            newly_approved=row.agrement_on > approved_after,
            confirmed_on=row.last_confirmed_on,
            mam=MamFacts(row.mam_id, row.mam_name) if row.mam_id is not None else None,
        ))  # fmt: skip
    return SearchPage(query=query, origin=origin, hits=hits, total=total,
                      total_is_lower_bound=beyond)  # fmt: skip


def count(session: Session, query: SearchQuery, *, today: date) -> int:
    """How many carers the query finds, over all pages (exactly: the widenings say it)."""
    origin = origin_of(session, query.commune_insee)
    arrays = statements.arrays_bound(session)
    parameters = _parameters(query, origin, today=today, arrays=arrays)
    ((found,),) = _run(session, statements.count_statement(query.setting_value, arrays), parameters)
    return found


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
    """For an empty result: the widenings that find someone, among those a search may ask (a
    start a month later may pass the two years ahead a search looks)."""
    return [
        Widening(field, label, wider, found)
        for field, label, wider in _wider_queries(query)
        if not query_errors(wider, today=today) and (found := count(session, wider, today=today))
    ]
