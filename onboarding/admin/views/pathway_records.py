"""The pathway recorded from the candidate page: PMSMP conventions and their printed summary,
training (one person, or a whole session's attendees), agrément renewal and expiry, the prime
d'installation, and the end-of-pathway attestation given with a written reason. Each route is a
thin caller of a domain function; a refusal shows its French message and changes nothing."""

from decimal import Decimal

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user
from sqlalchemy import select

from onboarding.admin.record_forms import (
    ConventionForm,
    CourseForm,
    DateForm,
    EvaluationForm,
    ReasonForm,
    RenewalDecisionForm,
    TrainingSessionForm,
)
from onboarding.admin.scoping import candidates_in_scope
from onboarding.admin.views.printing import file_name, issuer, pdf_response, printed, require
from onboarding.documents import papers
from onboarding.extensions import db
from onboarding.pathway import agrement, immersion, installation_bonus, training, transitions
from onboarding.pathway.clock import today
from onboarding.pathway.models import Candidate, ImmersionConvention
from onboarding.pathway.outputs import Output
from onboarding.pathway.progress import candidate_progress
from onboarding.web_changes import apply


def _actor():
    return current_user._get_current_object()


def _form_errors(form) -> bool:
    """Flash each field's message; True when the form had any."""
    if form.validate_on_submit():
        return False
    for field in form:
        for error in field.errors:
            if field.name == "csrf_token":
                abort(400)
            flash(f"{field.label.text} : {error}", "error")
    return True


class PathwayRecordsMixin:
    def pathway_records_context(self, candidate: Candidate, now) -> dict:
        """What the candidate page's record sections show and ask."""
        carer = candidate.carer
        convention_form = ConventionForm()
        convention_form.renewal_of.choices = [("", "Non, convention initiale")] + [
            (str(c.id), f"{c.host_name}, du {c.starts_on:%d/%m/%Y} au {c.ends_on:%d/%m/%Y}")
            for c in immersion.renewable(candidate)
        ]
        return {
            "convention_form": convention_form,
            "course_form": CourseForm(),
            "evaluation_form": EvaluationForm(),
            "date_form": DateForm(),
            "renewal_form": RenewalDecisionForm(),
            "reason_form": ReasonForm(),
            "part1_missing": training.part1_missing(candidate),
            "part1_done_on": training.part1_done_on(candidate),
            "part1_evaluations": training.part1_evaluations(candidate),
            "part1_hours": training.course_hours(candidate, 1),
            "part2_hours": training.course_hours(candidate, 2),
            "training_blocks": {
                number: (title, minimum, training.course_hours(candidate, 1, block=number))
                for number, (title, minimum) in training.BLOCKS.items()
            },
            "can_train": candidate.status in training.STATUSES_IN_TRAINING,
            "steps_not_done": transitions.steps_not_done(db.session, candidate, now),
            "expiry_notice": agrement.expiry_notice(carer, now) if carer else None,
            "agrement_expires_on": agrement.agrement_expires_on(carer) if carer else None,
            "can_renew": candidate.status in agrement.AGREMENT_STATUSES and carer is not None,
            "bonus": installation_bonus.bonus_situation(carer, now) if carer else None,
            "bonus_amount": installation_bonus.AMOUNT_EUROS,
        }

    # --- shared -------------------------------------------------------------------------
    def _record(self, candidate: Candidate, form, change, success: str, anchor: str):
        page = url_for(".details_view", id=candidate.id) + f"#{anchor}"
        if _form_errors(form):
            return redirect(page)
        if apply(lambda: change(form)):
            flash(success, "success")
        return redirect(page)

    # --- PMSMP conventions --------------------------------------------------------------
    @expose("/<int:candidate_id>/convention/", methods=("POST",))
    def convention_create_view(self, candidate_id: int):
        candidate = self.get_one(candidate_id)
        form = ConventionForm()
        form.renewal_of.choices = [("", "")] + [(str(c.id), "") for c in candidate.conventions]

        def change(form):
            renewal_of = None
            if form.renewal_of.data:
                renewal_of = next(
                    c for c in candidate.conventions if str(c.id) == form.renewal_of.data
                )
            immersion.create_convention(
                db.session,
                candidate,
                host_name=form.host_name.data,
                host_siret=form.host_siret.data,
                host_tutor=form.host_tutor.data,
                host_address=form.host_address.data,
                prescriber=form.prescriber.data,
                purpose=form.purpose.data,
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
                renewal_of=renewal_of,
                actor=_actor(),
            )

        return self._record(
            candidate, form, change, "La convention PMSMP est enregistrée.", "conventions"
        )

    @expose("/<int:candidate_id>/convention/<int:convention_id>/convention-pmsmp.pdf")
    def convention_pdf_view(self, candidate_id: int, convention_id: int):
        require(Output.DOCUMENT)
        candidate = self.get_one(candidate_id)
        convention = db.session.get(ImmersionConvention, convention_id)
        if convention is None or convention.candidate_id != candidate.id:
            abort(404)
        return printed(
            lambda: papers.convention_summary(convention, issuer(candidate.department_code)),
            file_name("convention-pmsmp", candidate.first_name, candidate.last_name),
            url_for(".details_view", id=candidate.id),
        )

    # --- training -----------------------------------------------------------------------
    @staticmethod
    def _course_values(form) -> dict:
        return {
            "part": int(form.part.data),
            "block": int(form.block.data) if form.block.data else None,
            "hours": form.hours.data if form.hours.data is not None else Decimal(0),
            "includes_first_aid": form.includes_first_aid.data,
            "completed_on": form.completed_on.data,
            "provider": form.provider.data or "",
        }

    @expose("/<int:candidate_id>/training/course/", methods=("POST",))
    def training_course_view(self, candidate_id: int):
        candidate = self.get_one(candidate_id)

        def change(form):
            training.record_course(
                db.session, candidate, today=today(), actor=_actor(), **self._course_values(form)
            )

        return self._record(
            candidate, CourseForm(), change, "Les heures de formation sont enregistrées.",
            "training",
        )  # fmt: skip

    @expose("/<int:candidate_id>/training/evaluation/", methods=("POST",))
    def training_evaluation_view(self, candidate_id: int):
        candidate = self.get_one(candidate_id)

        def change(form):
            training.record_part1_evaluation(
                db.session,
                candidate,
                passed=form.result.data == "passed",
                completed_on=form.completed_on.data,
                today=today(),
                actor=_actor(),
            )

        return self._record(
            candidate, EvaluationForm(), change, "L'évaluation est enregistrée.", "training"
        )

    @expose("/training-session/", methods=("GET", "POST"))
    def training_session_view(self):
        """One session of training for all its attendees: everyone's hours, or nobody's."""
        form = TrainingSessionForm()
        people = db.session.scalars(
            select(Candidate)
            .where(candidates_in_scope(), Candidate.status.in_(training.STATUSES_IN_TRAINING))
            .order_by(Candidate.last_name, Candidate.first_name, Candidate.id)
        ).all()
        form.candidate_ids.choices = [(str(c.id), c.full_name) for c in people]
        if request.method == "POST" and not _form_errors(form):
            wanted = set(form.candidate_ids.data or [])
            chosen = [c for c in people if str(c.id) in wanted]
            if len(chosen) != len(wanted):
                # An id typed by hand: outside the scope, or not in training.
                abort(404)
            done = apply(
                lambda: training.record_session(
                    db.session, chosen, today=today(), actor=_actor(), **self._course_values(form)
                )
            )
            if done:
                rows = done.value
                flash(
                    f"Session enregistrée pour {len(rows)} personne{'s' if len(rows) > 1 else ''}.",
                    "success",
                )
                return redirect(url_for(".training_session_view"))
        return self.render(
            "admin/training_session.html",
            form=form,
            people=people,
            chosen=set(form.candidate_ids.data or []),
            can_act=not self.read_only,
            return_url=self.get_url(".index_view"),
        )

    # --- agrément: renewal --------------------------------------------------------------
    @expose("/<int:candidate_id>/renewal/request/", methods=("POST",))
    def renewal_request_view(self, candidate_id: int):
        candidate = self.get_one(candidate_id)

        def change(form):
            agrement.record_renewal_request(
                db.session, candidate, on=form.on.data, today=today(), actor=_actor()
            )

        return self._record(
            candidate, DateForm(), change, "La demande de renouvellement est enregistrée.",
            "agrement",
        )  # fmt: skip

    @expose("/<int:candidate_id>/renewal/decision/", methods=("POST",))
    def renewal_decision_view(self, candidate_id: int):
        candidate = self.get_one(candidate_id)

        def change(form):
            decision = agrement.record_renewal(
                db.session,
                candidate,
                decided_on=form.decided_on.data,
                granted=form.outcome.data == "granted",
                capacity=form.capacity.data,
                reason=form.reason.data or "",
                has_cap_aepe_units=form.has_cap_aepe_units.data,
                today=today(),
                actor=_actor(),
            )
            if decision.valid_until:
                flash(f"Agrément valable jusqu'au {decision.valid_until:%d/%m/%Y}.", "info")

        return self._record(
            candidate, RenewalDecisionForm(), change,
            "La décision de renouvellement est enregistrée.", "agrement",
        )  # fmt: skip

    # --- prime d'installation -----------------------------------------------------------
    def _carer(self, candidate: Candidate):
        if candidate.carer is None:
            abort(404)
        return candidate.carer

    @expose("/<int:candidate_id>/bonus/request/", methods=("POST",))
    def bonus_request_view(self, candidate_id: int):
        candidate = self.get_one(candidate_id)
        carer = self._carer(candidate)

        def change(form):
            installation_bonus.record_request(
                db.session, carer, on=form.on.data, today=today(), actor=_actor()
            )

        return self._record(
            candidate, DateForm(), change,
            "La demande de prime d'installation est enregistrée.", "bonus",
        )  # fmt: skip

    @expose("/<int:candidate_id>/bonus/payment/", methods=("POST",))
    def bonus_payment_view(self, candidate_id: int):
        candidate = self.get_one(candidate_id)
        carer = self._carer(candidate)

        def change(form):
            installation_bonus.record_payment(
                db.session, carer, on=form.on.data, today=today(), actor=_actor()
            )

        return self._record(
            candidate, DateForm(), change,
            "Le versement de la prime d'installation est enregistré.", "bonus",
        )  # fmt: skip

    # --- the end-of-pathway attestation with steps not done -----------------------------
    @expose("/documents/<int:candidate_id>/attestation-fin-parcours.pdf", methods=("POST",))
    def completion_attestation_reason_view(self, candidate_id: int):
        """Steps not done: printed with the written reason, which the transition log keeps."""
        candidate = self.get_one(candidate_id)
        page = url_for(".details_view", id=candidate.id)
        form = ReasonForm()
        if _form_errors(form):
            return redirect(page)
        now = today()
        reason = form.reason.data or ""

        def attest():
            transitions.attest_completion(
                db.session, candidate, actor=_actor(), today=now, reason=reason
            )
            return papers.completion_attestation(
                candidate,
                candidate_progress(db.session, candidate.id, now),
                issuer(candidate.department_code),
                reason=reason,
            )

        done = apply(attest)
        if not done:
            return redirect(page)
        return pdf_response(
            done.value,
            file_name("attestation-fin-parcours", candidate.first_name, candidate.last_name),
        )
