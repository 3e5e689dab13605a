"""The search rows: every flush that changes a carer or a place rewrites her rows, so that they
are always what a rebuild from the tables gives; `flask rebuild-search-rows` rebuilds them."""

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import inspect, select

from onboarding.pathway import search_rows
from onboarding.pathway.models import SearchRow, Vacancy
from onboarding.pathway.schedule import FULL_WEEK, NEEDS
from tests.builders import TODAY
from tests.conftest import empty_tables
from tests.search.conftest import LIBOURNE, MERIGNAC, make_carer


def stored(session) -> list[tuple]:
    return [
        tuple(row)
        for row in session.execute(select(SearchRow.__table__).order_by(SearchRow.vacancy_id))
    ]


def rebuilt(session) -> list[tuple]:
    """The rows a rebuild gives (the incremental ones are put back after)."""
    kept = stored(session)
    connection = session.connection()
    search_rows.rebuild(connection)
    rows = stored(session)
    table = SearchRow.__table__
    connection.execute(table.delete())
    if kept:
        columns = table.columns.keys()
        connection.execute(table.insert(), [dict(zip(columns, row, strict=True)) for row in kept])
    return rows


@pytest.fixture
def two_carers(session):
    first = make_carer(session, vacancies=[{}, {"half_days": 0b11, "night": True}])
    second = make_carer(session, MERIGNAC, first_name="Léa", vacancies=[{"age_max_months": 48}])
    session.commit()
    return first, second


def test_a_published_carer_has_a_row_per_place_with_her_columns_and_the_key_tail(
    two_carers, session
):
    first, second = two_carers
    rows = session.scalars(select(SearchRow).order_by(SearchRow.vacancy_id)).all()
    places = sorted(
        (vacancy.id, vacancy.carer_id) for vacancy in [*first.vacancies, *second.vacancies]
    )
    assert [(row.vacancy_id, row.carer_id) for row in rows] == places
    [night] = [row for row in rows if row.needs]
    assert (night.latitude, night.longitude) == (first.latitude, first.longitude)
    assert night.band == search_rows.band_of(first.latitude)
    assert night.needs == 1 << NEEDS.index("night")
    assert night.half_days == 0b11
    assert search_rows.vacancy_of(night.rank_tail) == night.vacancy_id
    # The earlier place, then the smaller id, has the greater tail.
    assert rows[0].rank_tail > rows[1].rank_tail
    assert stored(session) == rebuilt(session)


def _move_to_libourne(carer, session):
    from onboarding.pathway.models import Commune

    place = session.get(Commune, LIBOURNE)
    carer.commune_insee, carer.latitude, carer.longitude = LIBOURNE, place.latitude, place.longitude


CHANGES = {
    "a place's half-days": lambda c, s: setattr(c.vacancies[0], "half_days", 0b1100),
    "a place's date": lambda c, s: setattr(c.vacancies[0], "available_from", TODAY + timedelta(9)),
    "a place's ages": lambda c, s: setattr(c.vacancies[0], "age_max_months", 60),
    "a place's need": lambda c, s: setattr(c.vacancies[0], "holidays", True),
    "a new place": lambda c, s: s.add(Vacancy(carer=c, available_from=TODAY, half_days=1)),
    "a place deleted": lambda c, s: s.delete(c.vacancies[1]),
    "unpublished": lambda c, s: setattr(c, "is_published", False),
    "unpublished, consent withdrawn": lambda c, s: (
        setattr(c, "is_published", False),
        setattr(c, "publication_consent_at", None),
    ),
    "confirmed": lambda c, s: setattr(c, "last_confirmed_on", TODAY),
    "moved": _move_to_libourne,
    "withdrawn": lambda c, s: setattr(c, "withdrawn_on", TODAY),
    "agrément renewed": lambda c, s: setattr(c, "agrement_expires_on", date(2035, 1, 1)),
    "trained": lambda c, s: setattr(c, "training_part1_on", TODAY + timedelta(days=5)),
}


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_every_change_of_a_carer_or_a_place_rewrites_her_rows(two_carers, session, change):
    first, _ = two_carers
    before = stored(session)

    CHANGES[change](first, session)
    session.commit()

    assert stored(session) != before
    assert stored(session) == rebuilt(session)


def test_a_place_moved_to_another_carer_leaves_the_first_one(two_carers, session):
    first, second = two_carers
    first.vacancies[1].carer = second
    session.commit()

    assert stored(session) == rebuilt(session)
    assert len([row for row in stored(session) if row[1] == second.id]) == 2


def test_a_carer_published_again_gets_her_rows_back(session):
    carer = make_carer(session, published=False, consented=True)
    session.commit()
    assert stored(session) == []

    carer.is_published = True
    session.commit()

    assert len(stored(session)) == 1
    assert stored(session) == rebuilt(session)


def test_a_carer_deleted_with_her_places_leaves_no_row(two_carers, session):
    first, _ = two_carers
    for vacancy in list(first.vacancies):
        session.delete(vacancy)
    session.flush()
    session.delete(first)
    session.commit()

    assert {row[1] for row in stored(session)} == {two_carers[1].id}
    assert stored(session) == rebuilt(session)


def test_a_change_rolled_back_leaves_the_rows_as_they_were(two_carers, session):
    first, _ = two_carers
    before = stored(session)
    first.is_published = False
    session.flush()
    assert stored(session) != before

    session.rollback()

    assert stored(session) == before


def test_the_command_rebuilds_rows_written_behind_the_applications_back(app, two_carers, session):
    session.execute(SearchRow.__table__.delete())
    session.commit()

    result = app.test_cli_runner().invoke(args=["rebuild-search-rows"])

    assert result.exit_code == 0, result.output
    assert "3 search row(s) rebuilt." in result.output
    session.expire_all()
    assert len(stored(session)) == 3


# --- Any sequence of changes ------------------------------------------------------------------

DAY = st.integers(-30, 60).map(lambda n: TODAY + timedelta(days=n))
edits = st.one_of(
    st.tuples(st.just("vacancy"), st.integers(0, 9), st.sampled_from(
        ("half_days", "available_from", "age_max_months", *NEEDS))),
    st.tuples(st.just("carer"), st.integers(0, 3), st.sampled_from(
        ("is_published", "last_confirmed_on", "withdrawn_on", "agrement_expires_on",
         "training_part1_on", "position"))),
    st.tuples(st.just("add"), st.integers(0, 3), st.just("")),
    st.tuples(st.just("delete"), st.integers(0, 9), st.just("")),
    st.tuples(st.just("move"), st.integers(0, 9), st.integers(0, 3)),
)  # fmt: skip


def _apply(session, carers, edit, value, day: date) -> None:
    kind, index, what = edit
    vacancies = [vacancy for carer in carers for vacancy in carer.vacancies]
    if kind in ("vacancy", "delete", "move") and not vacancies:
        return
    if kind == "vacancy":
        vacancy = vacancies[index % len(vacancies)]
        if what == "half_days":
            vacancy.half_days = value % FULL_WEEK + 1
        elif what == "available_from":
            vacancy.available_from = day
        elif what == "age_max_months":
            vacancy.age_max_months = (vacancy.age_min_months or 0) + value % 60
        else:
            setattr(vacancy, what, not getattr(vacancy, what))
    elif kind == "carer":
        carer = carers[index]
        if what == "is_published":
            carer.is_published = not carer.is_published
        elif what == "position":
            _move_to_libourne(carer, session)
        elif what in ("withdrawn_on", "training_part1_on"):
            setattr(carer, what, None if getattr(carer, what) else day)
        else:
            setattr(carer, what, day)
    elif kind == "add":
        session.add(Vacancy(carer=carers[index], available_from=day, half_days=value % 16 + 1))
    elif kind == "delete":
        vacancy = vacancies[index % len(vacancies)]
        vacancy.carer.vacancies.remove(vacancy)
        if inspect(vacancy).persistent:
            session.delete(vacancy)
        else:
            session.expunge(vacancy)
    else:
        vacancies[index % len(vacancies)].carer = carers[what]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(
        st.lists(st.tuples(edits, st.integers(0, 10_000), DAY), min_size=1, max_size=4),
        min_size=1, max_size=4,
    )
)  # fmt: skip
def test_after_any_changes_the_rows_are_what_a_rebuild_gives(app, steps):
    from onboarding.extensions import db

    session = db.session
    empty_tables()
    carers = [
        make_carer(session, vacancies=[{}, {"night": True}]),
        make_carer(session, MERIGNAC, vacancies=[{"half_days": 0b101}]),
        make_carer(session, published=False, consented=True, vacancies=[{}]),
        make_carer(session, LIBOURNE, vacancies=[]),
    ]
    session.commit()
    for flush in steps:
        for edit, value, day in flush:
            _apply(session, carers, edit, value, day)
        session.flush()  # several flushes in one transaction
    session.commit()

    assert stored(session) == rebuilt(session)
