"""The pathway of each territory: admins write a new version after previewing it; every other
staff member reads it.

A version is never edited: saving writes the next one, which candidates entering from then on
follow (pathway.territories)."""

from decimal import Decimal

from flask import abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_login import current_user
from sqlalchemy import select

from onboarding.admin.security import SecuredViewMixin
from onboarding.extensions import db
from onboarding.fields import parse_hours
from onboarding.formatting import decimal_number
from onboarding.pathway import territories
from onboarding.pathway.errors import PathwayError
from onboarding.pathway.models import PathwayConfiguration, PathwayStep
from onboarding.pathway.progress import StepProgress
from onboarding.pathway.regions import REGIONS
from onboarding.web_changes import apply


class TerritoryView(SecuredViewMixin, BaseView):
    @expose("/")
    def index(self):
        configurations = db.session.scalars(
            select(PathwayConfiguration).order_by(
                PathwayConfiguration.territory_kind.desc(),
                PathwayConfiguration.territory_code,
                PathwayConfiguration.version.desc(),
            )
        ).all()
        return self.render(
            "admin/territories.html",
            configurations=configurations,
            label=lambda c: territories.Territory(c.territory_kind, c.territory_code).label,
            regions=sorted(REGIONS.items(), key=lambda item: item[1][0]),
            national=territories.national_steps(db.session),
            can_edit=current_user.is_admin,
        )

    @expose("/parcours/", methods=("GET", "POST"))
    def edit(self):
        try:
            place = territories.territory(
                request.values.get("type", ""), request.values.get("code", "")
            )
        except (PathwayError, ValueError):
            flash("Choisissez une région ou un département connus.", "error")
            return redirect(url_for(".index"))
        if request.method == "POST" and not current_user.is_admin:
            abort(403)
        catalogue = db.session.scalars(
            select(PathwayStep).order_by(PathwayStep.position, PathwayStep.id)
        ).all()
        preview = None
        if request.method == "POST":
            rows, settings, errors = _read_form(catalogue)
            for message in errors:
                flash(message, "error")
            if not errors and request.form.get("action") == "save":
                done = apply(
                    lambda: territories.save_configuration(
                        db.session, place, settings, actor=current_user._get_current_object()
                    )
                )
                if done:
                    flash(
                        f"Version n° {done.value.version} du parcours enregistrée pour "
                        f"{place.label} : elle s'applique aux personnes qui entrent à partir "
                        "d'aujourd'hui.",
                        "success",
                    )
                    return redirect(url_for(".edit", type=place.kind.value, code=place.code))
            elif not errors:
                try:
                    preview = [
                        StepProgress(step, 0, Decimal(0), 0)
                        for step in territories.preview(db.session, settings)
                    ]
                except PathwayError as error:
                    flash(error.message, "error")
        else:
            rows = _rows(catalogue, territories.current_steps(db.session, place))
        return self.render(
            "admin/territory_pathway.html",
            place=place,
            latest=territories.latest_configuration(db.session, place),
            rows=rows,
            preview=preview,
            can_edit=current_user.is_admin,
        )


def _rows(catalogue: list[PathwayStep], current: list[territories.FollowedStep]) -> list[dict]:
    """The form's rows: every step of the catalogue, those of the pathway first in its order."""
    chosen = {step.id: (order, step) for order, step in enumerate(current, start=1)}
    rows = []
    for step in catalogue:
        order, followed = chosen.get(step.id, (None, None))
        source = followed or step
        rows.append(
            {
                "step": step,
                "included": followed is not None,
                "order": order or "",
                "mandatory": source.is_mandatory,
                "sessions": source.required_sessions,
                "hours": decimal_number(source.required_hours or 0),
            }
        )
    return sorted(rows, key=lambda row: (not row["included"], row["order"] or 0))


def _read_form(catalogue: list[PathwayStep]):
    """The rows as typed, the settings they make (in their order) and the French errors."""
    rows, chosen, errors = [], [], []
    for step in catalogue:
        prefix = f"step-{step.id}-"
        row = {
            "step": step,
            "included": bool(request.form.get(prefix + "included")),
            "order": request.form.get(prefix + "order", "").strip(),
            "mandatory": bool(request.form.get(prefix + "mandatory")),
            "sessions": request.form.get(prefix + "sessions", "").strip(),
            "hours": request.form.get(prefix + "hours", "").strip(),
        }
        rows.append(row)
        if not row["included"]:
            continue
        try:
            order = int(row["order"] or 0)
            sessions = int(row["sessions"] or 0)
            hours = parse_hours(row["hours"] or "0")
        except ValueError:
            errors.append(
                f"« {step.title} » : l'ordre et les séances sont des nombres entiers, les heures "
                "un nombre (par exemple 3,5)."
            )
            continue
        setting = territories.StepSetting(step.id, row["mandatory"], sessions, hours)
        chosen.append((order, len(chosen), setting))
    settings = [setting for _, _, setting in sorted(chosen, key=lambda item: item[:2])]
    return rows, settings, errors
