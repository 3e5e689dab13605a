"""Inviting carers to their own space from the panel: by email (queued in the outbox), or a
letter with the link and its QR code for one without email; "Inviter" on a selection."""

from flask import abort, current_app, flash, redirect, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.contrib.sqla.filters import BaseSQLAFilter
from flask_login import current_user
from sqlalchemy import select

from onboarding.admin.forms import PanelForm
from onboarding.admin.scoping import carers_in_scope
from onboarding.admin.views.printing import file_name, issuer, printed, require
from onboarding.candidate.links import qr_code_svg, valid_until
from onboarding.carer.links import carer_access_url
from onboarding.documents.rendering import render_pdf
from onboarding.extensions import db
from onboarding.pathway import invitations
from onboarding.pathway.base import utcnow
from onboarding.pathway.models import Carer
from onboarding.pathway.outputs import Output
from onboarding.web_changes import apply


class WithoutAccessFilter(BaseSQLAFilter):
    """Carers never given a way into their space (imported, not invited yet)."""

    def __init__(self):
        super().__init__(Carer.id, "Espace", options=[("none", "jamais invitée")])

    def apply(self, query, value, alias=None):
        return query.filter(Carer.access_issued_at.is_(None), Carer.candidate_id.is_(None))

    def operation(self):
        return "est"


class CarerInvitationMixin:
    def _invite(self, carer: Carer, *, letter: bool = False) -> invitations.Invitation:
        return invitations.invite_carer(
            db.session, carer, secret_key=current_app.secret_key, now=utcnow(),
            by=current_user._get_current_object(), letter=letter,
        )  # fmt: skip

    @expose("/invite/<int:carer_id>", methods=("POST",))
    def invite_view(self, carer_id: int):
        if self.read_only:
            abort(403)
        carer = self.get_one(carer_id)
        if not PanelForm().validate_on_submit():
            abort(400)
        page = url_for(".details_view", id=carer.id)
        if not carer.email:
            flash("Pas d'adresse e-mail : imprimez son invitation et remettez-la-lui.", "error")
            return redirect(page)
        if apply(lambda: self._invite(carer)):
            flash(f"Invitation envoyée à {carer.email}, avec un lien personnel.", "success")
        return redirect(page)

    @expose("/invite/<int:carer_id>/print", methods=("POST",))
    def invite_letter_view(self, carer_id: int):
        """Her invitation on paper: the link and its QR code."""
        require(Output.ACCESS_LETTER)
        carer = self.get_one(carer_id)
        if not PanelForm().validate_on_submit():
            abort(400)
        by = issuer(carer.department_code)

        def produce():
            invitation = self._invite(carer, letter=True)
            url = carer_access_url(invitation.token)
            data = render_pdf(
                "documents/carer_invitation.html", carer=carer, url=url, qr_code=qr_code_svg(url),
                valid_until=valid_until(carer), issuer=by,
            )  # fmt: skip
            db.session.commit()
            return data

        response = printed(
            produce,
            file_name("invitation", carer.first_name, carer.last_name),
            url_for(".details_view", id=carer.id),
        )
        db.session.rollback()
        return response

    @action("invite", "Inviter à leur espace (par e-mail)")
    def action_invite(self, ids):
        if self.read_only:
            abort(403)
        rows = db.session.scalars(
            select(Carer).where(Carer.id.in_([int(i) for i in ids]), carers_in_scope())
        ).all()
        sent, without_email = 0, []
        for carer in rows:
            if not carer.email:
                without_email.append(str(carer))
                continue
            self._invite(carer)
            sent += 1
        db.session.commit()
        flash(f"Invitations envoyées : {sent}.", "success")
        if without_email:
            flash(
                "Sans adresse e-mail (imprimez leur invitation depuis leur fiche) : "
                + ", ".join(without_email),
                "error",
            )
        return redirect(url_for(".index_view"))
