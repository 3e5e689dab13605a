"""A suspension of a carer's agrément by the département, recorded from her page in the panel:
parents do not see her until it has ended (the rule of who may be shown reads it)."""

from datetime import date

from flask import abort, flash, redirect, url_for
from flask_admin import expose
from flask_login import current_user
from wtforms.validators import InputRequired

from onboarding.admin.forms import PanelForm
from onboarding.extensions import db
from onboarding.fields import DATE_MESSAGE, FrenchDateField
from onboarding.pathway import agrement
from onboarding.pathway.clock import today
from onboarding.web_changes import apply


class SuspensionForm(PanelForm):
    until = FrenchDateField("Suspendu jusqu'au", validators=[InputRequired(DATE_MESSAGE)])


class CarerSuspensionMixin:
    def suspension_in_force(self, carer) -> date | None:
        """For her page: the end of the suspension in force today, if any."""
        return agrement.suspended_until(carer, today())

    def _suspension_target(self, carer_id: int, form: PanelForm):
        if self.read_only:
            abort(403)
        carer = self.get_one(carer_id)
        if carer is None:
            abort(404)
        if not form.validate_on_submit():
            if "csrf_token" in form.errors:
                abort(400)
            for errors in form.errors.values():
                flash(errors[0], "error")
            return carer, False
        return carer, True

    @expose("/suspension/<int:carer_id>", methods=("POST",))
    def suspension_view(self, carer_id: int):
        form = SuspensionForm()
        carer, valid = self._suspension_target(carer_id, form)
        until = form.until.data

        def suspend():
            actor = current_user._get_current_object()
            agrement.record_suspension(db.session, carer, until=until, today=today(), actor=actor)

        if valid and apply(suspend):
            flash(
                f"Agrément suspendu jusqu'au {until:%d/%m/%Y} : elle n'apparaît plus aux parents "
                "jusqu'à la fin de la suspension.",
                "success",
            )
        return redirect(url_for(".details_view", id=carer.id))

    @expose("/suspension/<int:carer_id>/fin", methods=("POST",))
    def lift_suspension_view(self, carer_id: int):
        carer, valid = self._suspension_target(carer_id, PanelForm())
        if valid and apply(
            lambda: agrement.lift_suspension(
                db.session, carer, today=today(), actor=current_user._get_current_object()
            )
        ):
            flash("Suspension levée : elle apparaît de nouveau aux parents.", "success")
        return redirect(url_for(".details_view", id=carer.id))
