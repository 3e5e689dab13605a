"""The indicators page and its CSV export: the domain's figures, within the user's scope.

Every signed-in staff user may read and export them, partners included: they are aggregates.
The one list with names (candidates past a legal deadline) is shown on the page to those who may
read those candidates, and never leaves in the CSV.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from flask import Response, request, url_for
from flask_admin import BaseView, expose
from flask_login import current_user

from onboarding.admin.base import csv_for_excel, neutralise_cell
from onboarding.admin.security import SecuredViewMixin
from onboarding.admin.views.printing import file_name, issuer, printed, require
from onboarding.documents import papers
from onboarding.extensions import db
from onboarding.fields import parse_date
from onboarding.pathway import clock, indicators
from onboarding.pathway.geography import (
    NOUVELLE_AQUITAINE,
    is_department_code,
    normalize_department_code,
)
from onboarding.pathway.models import StaffUser
from onboarding.pathway.outputs import Output
from onboarding.pathway.scope import departments_seen

COHORT = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass
class Filters:
    """What the form asked for, once checked, and the départements it comes to."""

    department: str = ""
    cohort: str = ""
    start: date | None = None
    end: date | None = None
    departments: tuple[str, ...] | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def period(self) -> tuple[date, date] | None:
        if self.start is None and self.end is None:
            return None
        return (self.start or date(2000, 1, 1), self.end or clock.today())

    def describe(self) -> str:
        """ "Départements 24, 33 · cohorte de mars 2026 · du 01/01/2026 au 30/06/2026" """
        if self.departments is None:
            parts = ["Tous les départements"]
        elif self.departments:
            plural = "s" if len(self.departments) > 1 else ""
            parts = [f"Département{plural} {', '.join(self.departments)}"]
        else:
            parts = ["Aucun département"]
        if self.cohort:
            parts.append(f"cohorte de {month_label(self.cohort)}")
        if self.period:
            start, end = self.period
            parts.append(f"du {start:%d/%m/%Y} au {end:%d/%m/%Y}")
        return " · ".join(parts)

    def query(self) -> dict[str, str]:
        values = {
            "departement": self.department,
            "cohorte": self.cohort,
            "debut": self.start.isoformat() if self.start else "",
            "fin": self.end.isoformat() if self.end else "",
        }
        return {key: value for key, value in values.items() if value}


MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin",
          "juil.", "août", "sept.", "oct.", "nov.", "déc.")  # fmt: skip


def month_label(month: str) -> str:
    """ "2026-03" → "mars 2026" """
    year, number = month.split("-")
    return f"{MONTHS[int(number) - 1]} {year}"


def _date(raw: str, label: str, errors: list[str]) -> date | None:
    if not raw:
        return None
    try:
        return parse_date(raw)
    except ValueError:
        errors.append(
            f"La date de {label} « {raw} » n'est pas une date valide (JJ/MM/AAAA) : ignorée."
        )
        return None


def read_filters(args, user: StaffUser) -> Filters:
    """Check the query string; a wrong value is reported in French and left out."""
    found = Filters()
    raw_department = args.get("departement", "").strip()
    if raw_department:
        code = normalize_department_code(raw_department)
        if is_department_code(code):
            found.department = code
        else:
            found.errors.append(f"Le département « {raw_department} » n'existe pas : ignoré.")
    raw_cohort = args.get("cohorte", "").strip()
    if raw_cohort:
        if COHORT.match(raw_cohort):
            found.cohort = raw_cohort
        else:
            found.errors.append(
                f"La cohorte « {raw_cohort} » n'est pas un mois au format aaaa-mm : ignorée."
            )
    found.start = _date(args.get("debut", "").strip(), "début", found.errors)
    found.end = _date(args.get("fin", "").strip(), "fin", found.errors)
    if found.start and found.end and found.start > found.end:
        found.errors.append("La période commence après sa fin : elle est ignorée.")
        found.start = found.end = None

    # The form narrows the scope, never widens it.
    if user.is_admin:
        found.departments = (found.department,) if found.department else None
    elif found.department:
        if user.covers_department(found.department):
            found.departments = (found.department,)
        else:
            found.errors.append(
                f"Vous ne suivez pas le département {found.department} : "
                "aucun chiffre n'est affiché."
            )
            found.departments = ()
    else:
        found.departments = user.department_codes
    return found


def department_choices(user: StaffUser) -> tuple[str, ...]:
    return NOUVELLE_AQUITAINE if user.is_admin else user.department_codes


def compute_for(filters: Filters) -> indicators.Indicators:
    return indicators.compute(
        db.session,
        departments=filters.departments,
        cohort=filters.cohort or None,
        period=filters.period,
        today=clock.today(),
    )


def csv_text(result: indicators.Indicators) -> str:
    """The indicators in the panel's one CSV convention (byte order mark included)."""
    rows = [[neutralise_cell(_cell(value)) for value in row] for row in indicators.as_rows(result)]
    return csv_for_excel([["Rubrique", "Indicateur", "Détail", "Valeur"], *rows])


def _cell(value) -> str:
    """French decimals, empty for a figure that has no value (a rate over nothing)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return str(value)


class IndicatorsView(SecuredViewMixin, BaseView):
    """Read-only; open to every signed-in staff user."""

    @expose("/")
    def index(self):
        user = current_user._get_current_object()
        filters = read_filters(request.args, user)
        result = compute_for(filters)
        return self.render(
            "admin/indicators.html",
            filters=filters,
            result=result,
            funnel_chart=[(stage.label, stage.count) for stage in result.funnel.stages],
            requests_chart=[(row.outcome.label, row.count) for row in result.capacity.requests],
            delay_charts=[
                [(month_label(month), median) for month, median in delay.by_month]
                for delay in result.delays.delays
            ],
            month_label=month_label,
            departments=department_choices(user),
            cohorts=indicators.cohorts(db.session, departments_seen(user)),
            deadline_labels=indicators.DEADLINE_LABELS,
            answer_days=indicators.ANSWER_DAYS,
        )

    @expose("/export.csv")
    def export_csv(self):
        require(Output.AGGREGATES)
        filters = read_filters(request.args, current_user._get_current_object())
        body = csv_text(compute_for(filters))
        name = f"indicateurs-{clock.today():%Y-%m-%d}.csv"
        return Response(
            body,
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    @expose("/rapport.pdf")
    def export_pdf(self):
        require(Output.AGGREGATES)
        filters = read_filters(request.args, current_user._get_current_object())
        result = compute_for(filters)
        by = issuer()
        return printed(
            lambda: papers.indicators_report(result, filters.describe(), by),
            file_name("indicateurs", f"{clock.today():%Y-%m-%d}"),
            url_for(".index", **filters.query()),
        )
