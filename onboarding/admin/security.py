"""Access to the panel: every view requires a signed-in, active staff user."""

import flask_admin.actions
import flask_admin.helpers
import flask_admin.model.base
from flask import abort, redirect, request, url_for
from flask_admin import AdminIndexView, expose
from flask_login import current_user
from sqlalchemy import func, select

from onboarding.extensions import db
from onboarding.pathway import clock, indicators
from onboarding.pathway.models import Candidate, CandidateStatus
from onboarding.pathway.scope import department_filter
from onboarding.redirects import local_target


def staff_signed_in() -> bool:
    return bool(current_user.is_authenticated and current_user.is_active)


def return_target(param_name: str = "url") -> str | None:
    """Flask-Admin's `?url=` return address, decided by the app's one redirect rule."""
    return local_target(request.values.get(param_name))


def use_the_apps_redirect_rule() -> None:
    """Flask-Admin reads `?url=` through its own check in several views and actions: every one
    of them is pointed at `return_target` (each module bound the name when it was imported)."""
    for module in (flask_admin.helpers, flask_admin.model.base, flask_admin.actions):
        module.get_redirect_target = return_target


def to_sign_in():
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


class SecuredViewMixin:
    """Shared by every view of the panel, index included (Flask-Admin leaves it open otherwise)."""

    def is_accessible(self) -> bool:
        return staff_signed_in()

    def inaccessible_callback(self, name, **kwargs):
        # Signed in but not allowed (an admins-only view): say so rather than ask to sign in.
        if staff_signed_in():
            abort(403)
        return to_sign_in()


class DashboardView(SecuredViewMixin, AdminIndexView):
    """The panel's home: people by status and the key figures of the indicators, in scope."""

    @expose("/")
    def index(self):
        counts = dict(
            db.session.execute(
                select(Candidate.status, func.count())
                .where(department_filter(current_user, Candidate.department_code))
                .group_by(Candidate.status)
            ).all()
        )
        rows = [(status, counts.get(status, 0)) for status in CandidateStatus]
        key_figures = indicators.key_figures(
            db.session,
            departments=None if current_user.is_admin else current_user.department_codes,
            today=clock.today(),
        )
        return self.render(
            "admin/dashboard.html",
            status_counts=rows,
            total=sum(counts.values()),
            figures=key_figures,
        )
