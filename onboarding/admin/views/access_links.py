"""Candidates' personal access links from the panel: sent by email or printed, for one candidate
from their page or for a selection from the list (each row re-checked and reported)."""

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_login import current_user
from wtforms import HiddenField

from onboarding.admin.forms import PanelForm
from onboarding.admin.views.bulk import apply_to_each, parse_ids
from onboarding.admin.views.printing import file_name, issuer, printed, require
from onboarding.candidate import links
from onboarding.documents.rendering import render_pdf
from onboarding.extensions import db
from onboarding.pathway import audit
from onboarding.pathway.models import AuditAction
from onboarding.pathway.outputs import Output
from onboarding.web_changes import apply

BULK_TITLE = "Générer et envoyer les liens d'accès personnels"


class LinksForm(PanelForm):
    ids = HiddenField()


class AccessLinkMixin:
    def _record_link(self, candidate) -> None:
        audit.record(
            db.session, actor=current_user._get_current_object(), action=AuditAction.ACCESS_LINK,
            object_type="Candidate", object_id=candidate.id, fields=["access_nonce"],
        )  # fmt: skip

    @action("send_links", BULK_TITLE)
    def action_send_links(self, ids):
        return redirect(url_for(".bulk_links_view", ids=",".join(ids)))

    @expose("/bulk/links/", methods=("GET", "POST"))
    def bulk_links_view(self):
        if self.read_only:
            abort(403)
        ids = parse_ids(request.values.get("ids"))
        form = LinksForm()
        form.ids.data = ",".join(ids)
        if not form.validate_on_submit():
            return self._bulk_page(BULK_TITLE, form, ids)
        sender = str(current_user)

        def send(candidate):
            links.send_personal_link(candidate, sender=sender)
            self._record_link(candidate)
            until = links.valid_until(candidate)
            return f"Lien envoyé à {candidate.email} (valable jusqu'au {until})."

        return self._bulk_page(BULK_TITLE, form, ids, apply_to_each(ids, send))

    @expose("/access-link/<int:candidate_id>/send", methods=("POST",))
    def send_link_view(self, candidate_id: int):
        if self.read_only:
            abort(403)
        candidate = self.get_one(candidate_id)
        page = url_for(".details_view", id=candidate.id)
        if not LinksForm().validate_on_submit():
            abort(400)

        def send():
            links.send_personal_link(candidate, sender=str(current_user))
            self._record_link(candidate)

        if not apply(send):
            return redirect(page)
        flash(
            f"Lien personnel envoyé à {candidate.email}, valable jusqu'au "
            f"{links.valid_until(candidate)}. Le lien précédent ne fonctionne plus.",
            "success",
        )
        return redirect(page)

    @expose("/access-link/<int:candidate_id>/print", methods=("POST",))
    def print_link_view(self, candidate_id: int):
        """A new link on paper, for a candidate without email or who prefers it by hand."""
        require(Output.ACCESS_LETTER)
        candidate = self.get_one(candidate_id)
        if not LinksForm().validate_on_submit():
            abort(400)
        by = issuer(candidate.department_code)

        def produce():
            url = links.new_personal_link(candidate)
            data = render_pdf(
                "documents/access_letter.html", candidate=candidate, url=url,
                qr_code=links.qr_code_svg(url), valid_until=links.valid_until(candidate),
                issuer=by,
            )  # fmt: skip
            self._record_link(candidate)
            db.session.commit()
            return data

        response = printed(
            produce,
            file_name("lien-personnel", candidate.first_name, candidate.last_name),
            url_for(".details_view", id=candidate.id),
        )
        db.session.rollback()
        return response
