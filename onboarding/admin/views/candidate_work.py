"""The candidate page's work sections: enrol the person in an activity to come, and tick the
dossier's pieces as they arrive. Each goes through the domain (enrollment.enroll,
dossier.mark_item); a refusal shows its French message and changes nothing."""

from datetime import date

from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from onboarding.admin.base import row_id
from onboarding.admin.scoping import activities_in_scope
from onboarding.extensions import db
from onboarding.fields import parse_date
from onboarding.pathway import dossier, situation, waiting_lists
from onboarding.pathway import enrollment as enrolment
from onboarding.pathway.clock import today
from onboarding.pathway.errors import PathwayError, RuleViolation
from onboarding.pathway.models import (
    Activity,
    AuditAction,
    DossierItemStatus,
    Enrollment,
    WaitingListEntry,
)
from onboarding.web_changes import apply, flashed

# How far ahead the candidate page offers activities.
ENROL_AHEAD_DAYS = 180


def typed_date(raw: str) -> date | None:
    """A date typed JJ/MM/AAAA (or AAAA-MM-JJ), read as every date of the app is; None when
    empty."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return parse_date(raw)
    except ValueError as error:
        raise RuleViolation(f"« {raw[:40]} » : {error}", field="on") from None


class CandidateWorkMixin:
    def next_deadline(self, candidate):
        """The one rule of the next deadline (what the list shows, sorts and filters by)."""
        return situation.next_deadline(candidate)

    def enrolable_activities(self, candidate) -> list[Activity]:
        """Activities to come in the person's département, not already hers nor waited for: those
        with seats left to enrol in, the full ones to join their waiting list."""
        if self.read_only or candidate.status in enrolment.CLOSED_STATUSES:
            return []
        now = today()
        mine = select(Enrollment.activity_id).where(Enrollment.candidate_id == candidate.id)
        waited = select(WaitingListEntry.activity_id).where(
            WaitingListEntry.candidate_id == candidate.id,
            WaitingListEntry.status.in_(waiting_lists.ACTIVE_STATUSES),
        )
        return list(
            db.session.scalars(
                select(Activity)
                .where(
                    activities_in_scope(),
                    Activity.department_code == candidate.department_code,
                    Activity.date >= now,
                    Activity.date <= date.fromordinal(now.toordinal() + ENROL_AHEAD_DAYS),
                    Activity.is_cancelled.is_(False),
                    Activity.id.not_in(mine),
                    Activity.id.not_in(waited),
                )
                .order_by(Activity.date, Activity.start_time, Activity.id)
                .limit(60)
            )
        )

    def _work_page(self, candidate, anchor: str):
        return redirect(url_for(".details_view", id=candidate.id) + f"#{anchor}")

    @expose("/enrol-in/<int:candidate_id>", methods=("POST",))
    def enrol_in_view(self, candidate_id: int):
        candidate = self.get_one(candidate_id)
        if not FlaskForm().validate_on_submit():
            flash("Le formulaire a expiré : rechargez la page et recommencez.", "error")
            return self._work_page(candidate, "enrol")
        activity_id = row_id(request.form.get("activity_id"))
        activity = (
            db.session.scalar(
                select(Activity).where(Activity.id == activity_id, activities_in_scope())
            )
            if activity_id
            else None
        )
        if activity is None:
            flash("Choisissez une activité de vos départements.", "error")
            return self._work_page(candidate, "enrol")
        actor = current_user._get_current_object()
        if request.form.get("waiting") == "1":
            joined = apply(lambda: waiting_lists.join(db.session, candidate, activity, actor=actor))
            if joined:
                flash(
                    f"{candidate.full_name} est sur la liste d'attente de « {activity.title} » du "
                    f"{activity.date:%d/%m/%Y} ({waiting_lists.rank_text(db.session, joined.value)}"
                    ").",
                    "success",
                )
            return self._work_page(candidate, "enrol")
        if not apply(
            lambda: enrolment.enroll(db.session, candidate, activity, actor=actor, today=today())
        ):
            return self._work_page(candidate, "enrol")
        flash(
            f"{candidate.full_name} est inscrit(e) à « {activity.title} » du "
            f"{activity.date:%d/%m/%Y}.",
            "success",
        )
        return self._work_page(candidate, "enrol")

    @expose("/dossier/<int:candidate_id>", methods=("POST",))
    def dossier_view(self, candidate_id: int):
        """Every piece of the form at once, or none: the first refusal names its piece."""
        candidate = self.get_one(candidate_id)
        if not FlaskForm().validate_on_submit():
            flash("Le formulaire a expiré : rechargez la page et recommencez.", "error")
            return self._work_page(candidate, "dossier")
        now = today()
        changed = []

        def mark_all():
            for item in candidate.dossier_items:
                status = request.form.get(f"status-{item.id}")
                if status is None:
                    continue
                try:
                    on = typed_date(request.form.get(f"on-{item.id}", ""))
                    if (
                        status == DossierItemStatus.RECEIVED.value
                        and item.status == DossierItemStatus.RECEIVED
                        and on is None
                    ):
                        on = item.received_on
                    before = (item.status, item.received_on)
                    dossier.mark_item(item, status, on=on, today=now)
                except PathwayError as error:
                    raise RuleViolation(f"{item.kind.label} : {error.message}") from None
                if (item.status, item.received_on) != before:
                    changed.append(item)
            for item in changed:
                self._audit(AuditAction.UPDATE, item, ["status", "received_on"])

        if not apply(mark_all, show=flashed("Rien n'a été enregistré. ")):
            return self._work_page(candidate, "dossier")
        if changed:
            flash(f"Pièces du dossier enregistrées ({len(changed)} modifiée(s)).", "success")
        else:
            flash("Aucune pièce n'a changé.", "info")
        return self._work_page(candidate, "dossier")
