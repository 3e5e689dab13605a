"""The queue "Demandes à qualifier": requests from the public page, in the coordinator's
départements, each accepted into the pathway (a referral) or closed with a written reason."""

from flask import abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_login import current_user

from onboarding.admin.security import SecuredViewMixin, staff_signed_in
from onboarding.extensions import db
from onboarding.pathway import clock, intake, staff
from onboarding.pathway.models import PreRegistration, ReferralSource
from onboarding.web_changes import apply, flashed


class PreRegistrationView(SecuredViewMixin, BaseView):
    """Coordinators and admins; partners, who change nothing, do not see it (403)."""

    def is_accessible(self) -> bool:
        return staff_signed_in() and not current_user.is_read_only

    def is_visible(self) -> bool:
        return staff_signed_in() and not current_user.is_read_only

    def _request_or_404(self, request_id: int) -> PreRegistration:
        found = db.session.get(PreRegistration, request_id)
        if found is None or not current_user.covers_department(found.department_code):
            abort(404)
        return found

    @expose("/")
    def index(self):
        user = current_user._get_current_object()
        waiting = db.session.scalars(intake.queue_query(user)).all()
        return self.render("admin/pre_registrations.html", waiting=waiting)

    @expose("/<int:request_id>", methods=["GET", "POST"])
    def answer(self, request_id: int):
        found = self._request_or_404(request_id)
        user = current_user._get_current_object()
        if request.method == "POST":
            if request.form.get("decision") == "accept":
                chosen = request.form.get("coordinator_id", "")
                coordinators = staff.coordinators_of(db.session, found.department_code)
                coordinator = next((c for c in coordinators if str(c.id) == chosen), None)
                outcome = apply(
                    lambda: intake.accept(
                        db.session, found, actor=user,
                        referral_source=request.form.get("referral_source", ""),
                        referred_by=request.form.get("referred_by"),
                        coordinator=coordinator,
                        france_travail_id=request.form.get("france_travail_id") or None,
                        today=clock.today(),
                    ),
                    show=flashed("Demande non acceptée : "),
                )  # fmt: skip
                if outcome:
                    flash(
                        f"{outcome.value.full_name} entre dans le parcours ; un message de "
                        "bienvenue avec son lien personnel part dans quelques minutes.",
                        "success",
                    )
                    return redirect(url_for("candidate.details_view", id=outcome.value.id))
            elif request.form.get("decision") == "close":
                reason = request.form.get("closing_reason", "")
                if apply(
                    lambda: intake.close(db.session, found, actor=user, reason=reason),
                    show=flashed("Demande non close : "),
                ):
                    flash(f"La demande de {found.full_name} est close ; elle en est prévenue.",
                          "success")  # fmt: skip
                    return redirect(url_for(".index"))
            else:
                abort(400)
        return self.render(
            "admin/pre_registration.html",
            found=found,
            sources=list(ReferralSource),
            coordinators=staff.coordinators_of(db.session, found.department_code),
        )
