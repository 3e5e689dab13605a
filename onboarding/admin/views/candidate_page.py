"""The candidate page: one screen with the whole situation, the transition buttons, and the
documents to print (attestation de présence, livret de parcours, attestation de fin de parcours)."""

import json

from flask import Response, abort, current_app, flash, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user
from flask_wtf import FlaskForm

from onboarding.admin.forms import DATE_INPUTS, INPUTS, TransitionForm
from onboarding.admin.views.printing import file_name, issuer, printed, require
from onboarding.candidate import links
from onboarding.documents import papers
from onboarding.extensions import db
from onboarding.pathway import privacy, situation, territories, transitions
from onboarding.pathway.clock import today
from onboarding.pathway.outputs import Output
from onboarding.pathway.progress import candidate_progress
from onboarding.web_changes import apply


class CandidatePageMixin:
    @expose("/details/")
    def details_view(self):
        candidate = self.get_one(request.args.get("id"))
        now = today()
        enrollments = sorted(
            candidate.enrollments, key=lambda e: (e.activity.date, e.activity.start_time)
        )
        form = TransitionForm()
        form.on.data = form.decided_on.data = now
        return self.render(
            self.details_template,
            candidate=candidate,
            today=now,
            progress=candidate_progress(db.session, candidate.id, now),
            pathway=territories.followed_pathway(db.session, candidate),
            upcoming=[e for e in enrollments if e.activity.date >= now],
            past=[e for e in enrollments if e.activity.date < now],
            deadlines=situation.deadlines_where(
                candidate, current_app.config["EXTENDED_TRAINING_DEPARTMENTS"]
            ),
            transitions=transitions.allowed_transitions(candidate),
            inputs=INPUTS,
            form=form,
            can_act=not self.read_only,
            link_valid_until=links.valid_until(candidate),
            link_still_valid=links.link_still_valid(candidate),
            return_url=self.get_url(".index_view"),
            **self.pathway_records_context(candidate, now),
        )

    @expose("/transition/<int:candidate_id>/<transition>", methods=("POST",))
    def transition_view(self, candidate_id: int, transition: str):
        name = transition
        candidate = self.get_one(candidate_id)
        if name not in transitions.TRANSITIONS:
            abort(404)
        page = url_for(".details_view", id=candidate.id)
        form = TransitionForm()
        if not form.validate_on_submit():
            for field in form:
                for error in field.errors:
                    flash(f"{field.label.text} : {error}", "error")
            return redirect(page)
        values = {key: form[key].data for key in INPUTS[name]}
        for key in DATE_INPUTS:
            if key in values and values[key] is None:
                flash("Indiquez la date.", "error")
                return redirect(page)
        if name == "file_dossier":
            # Asked only when steps of the pathway are not done (the programme warns).
            values["reason"] = form.reason.data or ""
        if "reason" in values:
            values["reason"] = values["reason"] or ""
        if "withdrawal_reason" in values:
            values["reason"] = values.pop("withdrawal_reason") or None
            values["note"] = values["note"] or ""
        if "capacity" in values and values["capacity"] is None:
            flash("Indiquez le nombre d'enfants accueillis simultanément.", "error")
            return redirect(page)
        if not apply(
            lambda: getattr(transitions, name)(
                db.session,
                candidate,
                actor=current_user._get_current_object(),
                today=today(),
                **values,
            )
        ):
            return redirect(page)
        label = transitions.TRANSITIONS[name].label
        flash(f"« {label} » : c'est enregistré. Statut : {candidate.status.label}.", "success")
        return redirect(page)

    # --- personal data: right of access and erasure, for those who may change the file -------
    def _personal_data_candidate(self, candidate_id: int):
        if self.read_only:
            abort(403)
        candidate = self.get_one(candidate_id)
        form = FlaskForm()
        if not form.validate_on_submit():
            abort(400)
        return candidate

    @expose("/personal-data/<int:candidate_id>/export.json", methods=("POST",))
    def personal_data_export_view(self, candidate_id: int):
        require(Output.PERSONAL_DATA)
        candidate = self._personal_data_candidate(candidate_id)
        export = privacy.export_candidate(
            db.session, candidate, actor=current_user._get_current_object()
        )
        db.session.commit()
        body = json.dumps(export, ensure_ascii=False, indent=2, sort_keys=True)
        name = f"donnees-candidat-{candidate.id}.json"
        return Response(
            body,
            mimetype="application/json",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    @expose("/personal-data/<int:candidate_id>/anonymise", methods=("POST",))
    def anonymise_view(self, candidate_id: int):
        candidate = self._personal_data_candidate(candidate_id)
        page = url_for(".details_view", id=candidate.id)
        if not apply(
            lambda: privacy.anonymise_candidate(
                db.session, candidate, actor=current_user._get_current_object()
            )
        ):
            return redirect(page)
        flash("La fiche est anonymisée : l'identité est effacée, les chiffres restent.", "success")
        return redirect(page)

    # --- printed documents: one at a time, so partners in scope may print them too -----
    def _printed(self, candidate, produce, kind: str):
        require(Output.DOCUMENT)
        return printed(
            produce,
            file_name(kind, candidate.first_name, candidate.last_name),
            url_for(".details_view", id=candidate.id),
        )

    @expose("/documents/<int:candidate_id>/attestation-presence.pdf")
    def presence_attestation_view(self, candidate_id: int):
        candidate = self.get_one(candidate_id)
        by = issuer(candidate.department_code)
        return self._printed(
            candidate,
            lambda: papers.presence_attestations([candidate], by),
            "attestation-presence",
        )

    @expose("/documents/<int:candidate_id>/livret-parcours.pdf")
    def pathway_booklet_view(self, candidate_id: int):
        candidate = self.get_one(candidate_id)
        now = today()
        by = issuer(candidate.department_code)
        progress = candidate_progress(db.session, candidate.id, now)
        deadlines = situation.deadlines_where(
            candidate, current_app.config["EXTENDED_TRAINING_DEPARTMENTS"]
        )
        return self._printed(
            candidate,
            lambda: papers.pathway_booklet(candidate, progress, deadlines, by),
            "livret-parcours",
        )

    @expose("/documents/<int:candidate_id>/attestation-fin-parcours.pdf")
    def completion_attestation_view(self, candidate_id: int):
        candidate = self.get_one(candidate_id)
        by = issuer(candidate.department_code)
        progress = candidate_progress(db.session, candidate.id, today())
        return self._printed(
            candidate,
            lambda: papers.completion_attestation(candidate, progress, by),
            "attestation-fin-parcours",
        )
