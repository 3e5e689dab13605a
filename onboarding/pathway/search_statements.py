"""The parents' search in SQL, over the search rows (`pathway.search_rows`): each statement is
built once with named parameters (see `search._parameters`), the same for every search, so that
neither Python nor the database's statement cache rebuild it. Its constants are written in its
text, not bound: the parameters are the query's alone. On PostgreSQL a list (the latitude bands,
the needs bitmasks) is one array parameter (`arrays`): the text is then the same whatever the
list's length, kept parsed by the driver and prepared once per connection.

A row matches when it lies in the latitude/longitude box and within the radius, its carer may be
shown with it for that start (`shown.search_row_clause`), it takes a child of that age and shares
a requested half-day. Its key (`_key`) packs the quality of the match over the row's constant
tail: a carer's best place is the `max()` of her keys, her rank is that key's quality, then her
distance, then her id.
"""

from functools import cache

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Float,
    Integer,
    and_,
    any_,
    bindparam,
    case,
    distinct,
    func,
    literal_column,
    select,
)

from onboarding.pathway import shown
from onboarding.pathway.geography import EARTH_RADIUS_KM
from onboarding.pathway.models import Carer, Commune, Mam, SearchRow, Vacancy
from onboarding.pathway.schedule import HALF_DAYS, NEEDS
from onboarding.pathway.search_rows import ID_MASK, QUALITY_SHIFT, TAIL_MASK

Row = SearchRow
# The quality's bits: covers every half-day and need, then half-days covered (at most 14), then
# needs covered (at most 7).
COVERS_ALL = 1 << 7
COVERED_SHIFT = 3
NEEDS_MASK = (1 << COVERED_SHIFT) - 1


def quality_of(*, covers_all: bool, covered: int, needs_covered: int) -> int:
    return (COVERS_ALL if covers_all else 0) | covered << COVERED_SHIFT | needs_covered


def read_quality(quality: int) -> tuple[bool, int, int]:
    """(covers all, half-days covered, needs covered)"""
    covered = (quality & ~COVERS_ALL) >> COVERED_SHIFT
    return bool(quality & COVERS_ALL), covered, quality & NEEDS_MASK


def _param(name: str, type_=Integer):
    return bindparam(name, type_=type_)


def _const(value: int | str, type_=Integer):
    """A constant written in the statement's text rather than bound."""
    return literal_column(str(value), type_)


def _any_of(column, name: str, *, arrays: bool):
    """The column's value is in the list bound as `name`: `= ANY` of one array parameter where
    `arrays` (PostgreSQL), or an IN list expanded to as many parameters as it has values."""
    if arrays:
        return column == any_(bindparam(name, type_=ARRAY(Integer)))
    return column.in_(bindparam(name, expanding=True))


def arrays_bound(session) -> bool:
    """Whether the statements for this session's database take their lists as arrays."""
    return session.get_bind().dialect.name == "postgresql"


def _distance():
    """Haversine in SQL, from the row's point to the origin's (bound values), in km."""
    half_dlat = func.radians(Row.latitude - _param("latitude", Float)) / _const(2)
    half_dlon = func.radians(Row.longitude - _param("longitude", Float)) / _const(2)
    sin_lat, sin_lon = func.sin(half_dlat), func.sin(half_dlon)
    a = sin_lat * sin_lat + (
        _param("cos_latitude", Float) * func.cos(func.radians(Row.latitude)) * sin_lon * sin_lon
    )
    return _const(repr(2 * EARTH_RADIUS_KM), Float) * func.asin(func.sqrt(a))


# How many bits a value of at most 14 bits has, in 64-bit integer arithmetic (no popcount in
# SQLite): its bits spread one to a nibble by a multiplication, summed modulo 15.
POPCOUNT_SPREAD = 0x200040008001
POPCOUNT_NIBBLES = 0x111111111111111


def _bits(mask, width: int):
    """How many bits the mask has (its bits are among the `width` lowest, at most 14)."""
    assert width <= 14, "the product would overflow 64 bits"
    spread = (mask * _const(POPCOUNT_SPREAD, BigInteger)).op("&")(
        _const(POPCOUNT_NIBBLES, BigInteger)
    )
    return spread % _const(15)


def _covers_all():
    """Every requested half-day and need: two mask comparisons, no counting."""
    return and_(
        Row.half_days.op("&")(_param("half_days")) == _param("half_days"),
        Row.needs.op("&")(_param("needs")) == _param("needs"),
    )


def _key():
    """The row's ranking key for this query (see `pathway.search_rows`)."""
    covered = _bits(Row.half_days.op("&")(_param("half_days")), len(HALF_DAYS))
    needs_covered = _bits(Row.needs.op("&")(_param("needs")), len(NEEDS))
    quality = case((_covers_all(), _const(COVERS_ALL)), else_=_const(0))
    quality = quality + covered * _const(1 << COVERED_SHIFT) + needs_covered
    return quality * _const(1 << QUALITY_SHIFT, BigInteger) + Row.rank_tail


# Where the child would be cared for (`search.CareSetting`'s values): a carer in a MAM, or at
# her home; "any" filters nothing.
SETTINGS = {"any": (), "mam": (Row.mam_id.is_not(None),), "home": (Row.mam_id.is_(None),)}


def _row_filters(*conditions, setting: str = "any", arrays: bool = False) -> tuple:
    """The rows a search finds, with these conditions first (SQLite tests the terms in this
    order: the cheap and selective ones before the dates and the distance). A filter on the
    carer is one more term here (its column copied on the row, see
    `search_rows.CARER_COLUMNS`), like the setting."""
    return (
        _any_of(Row.band, "bands", arrays=arrays),
        Row.longitude.between(_param("west", Float), _param("east", Float)),
        Row.latitude.between(_param("south", Float), _param("north", Float)),
        *conditions,
        *SETTINGS[setting],
        Row.half_days.op("&")(_param("half_days")) != _const(0),
        Row.age_min_months <= _param("age"),
        Row.age_max_months >= _param("age"),
        shown.search_row_clause(Row),
        _distance() <= _param("radius_km", Float),
    )


def _ranked(tier: str, setting: str, arrays: bool):
    """Carers in rank order: id, distance, the quality of their best place and its key's tail.

    `tier`: "all" the places found; "with_needs" only those that cover every half-day asked
    and have some of the needs (those in `with_needs`, read from the index that starts with the
    needs); "covers_all" only those that cover every half-day and need asked, all of the same
    quality, which the query gives (`full_quality`): distance and id alone then rank the
    carers ("covers_all_with_needs": the same, read from the needs' index).
    """
    distance = _distance().label("distance")
    every_half_day = Row.half_days.op("&")(_param("half_days")) == _param("half_days")
    conditions = (every_half_day,)
    if tier.endswith("with_needs"):
        conditions += (_any_of(Row.needs, "with_needs", arrays=arrays),)
    if tier.startswith("covers_all"):
        quality = _param("full_quality").label("quality")
        tail = func.max(Row.rank_tail).label("tail")
        conditions += (Row.needs.op("&")(_param("needs")) == _param("needs"),)
        order = (distance, Row.carer_id)
    else:
        best = func.max(_key())
        # PostgreSQL shifts a bigint by an integer only.
        quality = best.op(">>")(_const(QUALITY_SHIFT)).label("quality")
        tail = best.op("&")(_const(TAIL_MASK, BigInteger)).label("tail")
        order = (quality.desc(), distance, Row.carer_id)
        if tier == "all":
            conditions = ()
    return (
        select(Row.carer_id, distance, quality, tail)
        .where(*_row_filters(*conditions, setting=setting, arrays=arrays))
        # Her position is the same on each of her rows: grouping by it computes her distance
        # once.
        .group_by(Row.carer_id, Row.latitude, Row.longitude)
        .order_by(*order)
        .limit(_param("limit"))
        .offset(_param("offset"))
    )


@cache
def page_statement(tier: str = "all", setting: str = "any", arrays: bool = False):
    """One page of ranked carers, joined to what the results show: a single statement."""
    page = _ranked(tier, setting, arrays).subquery("page")
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
        .join(
            Vacancy,
            Vacancy.id == _const(ID_MASK, BigInteger) - page.c.tail.op("&")(_const(ID_MASK)),
        )
        .outerjoin(Mam, Mam.id == Carer.mam_id)
        .order_by(page.c.quality.desc(), page.c.distance, page.c.carer_id)
    )


@cache
def count_statement(setting: str = "any", arrays: bool = False):
    """How many carers the search finds."""
    return select(func.count(distinct(Row.carer_id))).where(
        *_row_filters(setting=setting, arrays=arrays)
    )


@cache
def sampled_count_statement(setting: str = "any", arrays: bool = False):
    """How many carers the first `sample` rows found have, and how many rows that was: the
    rows are read in the index's order and no further (a DISTINCT under the LIMIT would read
    them all on PostgreSQL)."""
    found = (
        select(Row.carer_id)
        .where(*_row_filters(setting=setting, arrays=arrays))
        .limit(_param("sample"))
        .subquery()
    )
    return select(func.count(distinct(found.c.carer_id)), func.count())


@cache
def origin_statement():
    """The parent's commune: what the search reads of it (`search.Origin`), by its INSEE code."""
    return select(
        Commune.insee_code,
        Commune.name,
        Commune.postcodes,
        Commune.department_code,
        Commune.latitude,
        Commune.longitude,
    ).where(Commune.insee_code == _param("insee_code", Commune.insee_code.type))
