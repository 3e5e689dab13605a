"""What the pathway yields, for coordinators and funders: funnel, delays, capacity, requests and
activities, each computed by grouped SQL queries and returned as plain dataclasses of figures.

Filters, the same for every section:
- `departments`: None for every département, else a tuple of codes (an empty tuple yields nothing);
- `cohort`: "2026-03", the month of entry; it narrows the candidate-based sections (funnel,
  delays, places approved and free) and not the parents' requests nor the activities;
- `period`: (start, end), inclusive. Candidate-based sections keep those who entered within it;
  parents' requests those made within it; attendance the activities held within it. Without a
  period, attendance covers every activity held up to today.

The page reads the summary rows (`summarised`, kept by `summary`); `plain=True` computes the
same figures from the records themselves (`conversion`, `timing`, `places`, `attendance`), which
the tests compare with the summary's.

Percentiles follow PostgreSQL's percentile_cont (linear interpolation between ranks): the SQL
returns one integer per candidate (the days between two dates, computed by the database) and
Python only sorts those integers; no ORM row is loaded.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from onboarding.pathway.clock import month_in_words
from onboarding.pathway.indicators import intermediation, summarised
from onboarding.pathway.indicators.attendance import Activities, activities
from onboarding.pathway.indicators.conversion import Funnel, Stage, funnel
from onboarding.pathway.indicators.intermediation import Intermediation
from onboarding.pathway.indicators.places import Capacity, capacity
from onboarding.pathway.indicators.sql import ANSWER_DAYS, Period, in_scope, percentile
from onboarding.pathway.indicators.timing import (
    DEADLINE_LABELS,
    Delays,
    delays,
    past_deadlines,
)
from onboarding.pathway.models import Activity, Candidate

__all__ = [
    "ANSWER_DAYS",
    "DEADLINE_LABELS",
    "Indicators",
    "KeyFigures",
    "activities",
    "as_rows",
    "capacity",
    "cohorts",
    "compute",
    "delays",
    "funnel",
    "key_figures",
    "percentile",
]


# --- everything --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Indicators:
    departments: tuple[str, ...] | None
    cohort: str | None
    period: Period | None
    today: date
    funnel: Funnel
    delays: Delays
    capacity: Capacity
    activities: Activities
    intermediation: Intermediation


def compute(
    session: Session,
    *,
    departments: tuple[str, ...] | None,
    cohort: str | None = None,
    period: Period | None = None,
    today: date,
    plain: bool = False,
) -> Indicators:
    """Every section; `plain`: computed from the records rather than read from the summary."""
    filters = {"departments": departments, "cohort": cohort, "period": period, "today": today}
    source = _plain if plain else summarised
    return Indicators(
        departments=departments,
        cohort=cohort,
        period=period,
        today=today,
        funnel=source.funnel(session, **filters),
        delays=source.delays(session, **filters),
        capacity=source.capacity(session, **filters),
        activities=source.activities(session, **filters),
        intermediation=intermediation.section(
            session, **filters, own_parents=None if plain else summarised.own_job_seeker_parents
        ),
    )


class _plain:
    """The sections computed from the records themselves."""

    funnel = staticmethod(funnel)
    delays = staticmethod(delays)
    capacity = staticmethod(capacity)
    activities = staticmethod(activities)

    @staticmethod
    def past_deadline_counts(session: Session, **filters) -> dict[str, int]:
        return past_deadlines(session, **filters)[0]


@dataclass(frozen=True)
class KeyFigures:
    """The dashboard's few figures, without the costlier sections of the indicators page."""

    today: date
    stages: list[Stage]
    capacity: Capacity
    coming_activities: int
    past_deadline_count: int

    @property
    def entered(self) -> int:
        return self.stages[0].count


def key_figures(
    session: Session, *, departments: tuple[str, ...] | None, today: date, plain: bool = False
) -> KeyFigures:
    filters = {"departments": departments, "cohort": None, "period": None, "today": today}
    source = _plain if plain else summarised
    past = source.past_deadline_counts(session, **filters)
    coming = session.scalar(
        select(func.count())
        .select_from(Activity)
        .where(
            in_scope(Activity.department_code, departments),
            Activity.date >= today,
            Activity.is_cancelled.is_(False),
        )
    )
    return KeyFigures(
        today=today,
        stages=source.funnel(session, **filters, with_steps=False).stages,
        capacity=source.capacity(session, **filters),
        coming_activities=coming,
        past_deadline_count=sum(past.values()),
    )


def cohorts(
    session: Session, departments: tuple[str, ...] | None, *, plain: bool = False
) -> list[str]:
    """The months of entry present in scope, newest first, for the filter's choices."""
    if not plain:
        return summarised.cohorts(session, departments)
    return list(
        session.scalars(
            select(Candidate.cohort)
            .where(in_scope(Candidate.department_code, departments))
            .group_by(Candidate.cohort)
            .order_by(Candidate.cohort.desc())
        )
    )


def as_rows(indicators: Indicators) -> list[tuple[str, str, str, object]]:
    """Every figure as (section, figure, detail, value): what the CSV export and a report need.
    Aggregates only: no name leaves through here."""
    rows: list[tuple[str, str, str, object]] = []
    f = indicators.funnel
    for position, stage in enumerate(f.stages):
        rows.append(("Entonnoir", stage.label, "effectif", stage.count))
        # Every stage but the first has a rate line, empty when there is nothing to divide by.
        if position:
            rows.append(
                ("Entonnoir", stage.label, "taux depuis l'étape précédente (%)", stage.conversion)
            )
    labels = dict(f.stage_labels)
    for title, groups in (
        ("Entonnoir par cohorte", f.by_cohort),
        ("Entonnoir par département", f.by_department),
    ):
        for group in groups:
            for key, value in group.counts.items():
                rows.append((title, labels[key], month_in_words(group.key), value))
    rows.append(("Sorties", "Sorties du parcours", "total", f.withdrawals.total))
    for reason, value in f.withdrawals.by_reason:
        rows.append(("Sorties", "par motif", reason.label, value))
    for stage, value in f.withdrawals.by_stage:
        rows.append(
            ("Sorties", "par étape quittée", stage.label if stage else "Non renseignée", value)
        )
    for delay in indicators.delays.delays:
        rows.append(("Délais (jours)", delay.label, "nombre", delay.count))
        rows.append(("Délais (jours)", delay.label, "médiane", delay.median))
        rows.append(("Délais (jours)", delay.label, "80e centile", delay.p80))
        for month, median in delay.by_month:
            rows.append(("Délais (jours)", delay.label, f"médiane {month_in_words(month)}", median))
    for key, value in indicators.delays.past_deadline_by_kind.items():
        rows.append(("Échéances dépassées", DEADLINE_LABELS[key], "personnes", value))
    c = indicators.capacity
    rows.append(("Places", "Places agréées", "total", c.places_approved))
    rows.append(("Places", "Places libres aujourd'hui", "total", c.places_free))
    for row in c.by_department:
        rows.append(("Places", "Places agréées", row.department_code, row.places_approved))
        rows.append(("Places", "Places libres aujourd'hui", row.department_code, row.places_free))
    rows.append(("Demandes des parents", "Demandes", "total", c.request_count))
    rows.append(
        ("Demandes des parents", "dont demandeurs d'emploi", "total", c.job_seeker_requests)
    )
    for row in c.requests:
        rows.append(("Demandes des parents", row.outcome.label, "demandes", row.count))
        rows.append(
            ("Demandes des parents", row.outcome.label, "dont demandeurs d'emploi", row.job_seekers)
        )
    rows.append(
        ("Demandes des parents", f"Traitées sous {ANSWER_DAYS} jours", "nombre", c.answered_in_time)
    )
    rows.append(
        ("Demandes des parents", f"Traitées sous {ANSWER_DAYS} jours", "%", c.answered_in_time_rate)
    )
    a = indicators.activities
    rows.append(("Activités", "Activités à venir", "nombre", a.coming_count))
    for item in a.attendance:
        rows.append(("Activités", item.kind.label, "présents", item.attended))
        rows.append(("Activités", item.kind.label, "émargements", item.marked))
        rows.append(("Activités", item.kind.label, "taux de présence (%)", item.rate))
    rows.extend(_intermediation_rows(indicators.intermediation))
    return rows


def _intermediation_rows(i: Intermediation) -> list[tuple[str, str, str, object]]:
    section = "Mises en relation accompagnées"
    rows: list[tuple[str, str, str, object]] = [
        (section, "Parents accompagnés", "nombre", i.parents_helped),
        (section, "Demandes envoyées", "total", i.request_count),
    ]
    rows += [(section, outcome.label, "demandes", count) for outcome, count in i.requests]
    median = i.contract_days_median
    rows.append((section, "Délai jusqu'au contrat signé", "médiane (jours)", median))
    rows.append((section, "Parents demandeurs d'emploi", "nombre", i.job_seeker_parents))
    rows.append(
        (section, "Parents demandeurs d'emploi ayant trouvé", "nombre", i.job_seeker_parents_found)
    )
    rows.append(
        (section, "Parents demandeurs d'emploi ayant trouvé", "%", i.job_seekers_found_rate)
    )
    return rows
