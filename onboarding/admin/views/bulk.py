"""Bulk actions on the candidate list: each row re-checked for scope and rules, each reported;
and the attestations of the selection printed as one PDF."""

from dataclasses import dataclass

from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_login import current_user
from sqlalchemy import select

from onboarding.admin.base import row_id
from onboarding.admin.forms import ActivityChoiceForm, BulkWithdrawForm
from onboarding.admin.scoping import activities_in_scope, candidates_in_scope
from onboarding.admin.views.activities import upcoming_activities_in_scope
from onboarding.admin.views.printing import candidates_to_print, file_name, issuer, printed, require
from onboarding.documents import papers
from onboarding.extensions import db
from onboarding.formatting import counted
from onboarding.pathway import enrollment as enrolment
from onboarding.pathway import transitions
from onboarding.pathway.clock import today
from onboarding.pathway.errors import PathwayError
from onboarding.pathway.models import Activity, Candidate
from onboarding.pathway.outputs import Output

MAX_ROWS = 500
OUT_OF_SCOPE = "Introuvable ou hors de vos départements : rien n'a été fait."


@dataclass(frozen=True)
class RowResult:
    row_id: str
    name: str
    done: bool
    message: str


def parse_ids(raw: str | None) -> list[str]:
    return [part for part in (raw or "").split(",") if part.strip()][:MAX_ROWS]


def candidates_for(ids: list[str]) -> dict[str, Candidate]:
    """The selected candidates the signed-in user may act on, by the id as it was sent."""
    numbers = {n for n in map(row_id, ids) if n is not None}
    rows = db.session.scalars(
        select(Candidate).where(Candidate.id.in_(numbers), candidates_in_scope())
    )
    return {str(c.id): c for c in rows}


def apply_to_each(ids: list[str], operation) -> list[RowResult]:
    """Run `operation(candidate)` per row. The domain raises before it changes anything, so a
    refused row leaves nothing behind while the accepted ones are kept."""
    found = candidates_for(ids)
    results = []
    for typed_id in ids:
        candidate = found.get(typed_id)
        if candidate is None:
            results.append(RowResult(typed_id, f"n° {typed_id}", False, OUT_OF_SCOPE))
            continue
        try:
            message = operation(candidate)
        except PathwayError as error:
            results.append(RowResult(typed_id, candidate.full_name, False, error.message))
        else:
            results.append(RowResult(typed_id, candidate.full_name, True, message))
    db.session.commit()
    return results


class CandidateBulkMixin:
    @action("attestations", "Imprimer les attestations de présence (un PDF)")
    def action_attestations(self, ids):
        require(Output.BUNDLE)
        candidates = candidates_to_print(ids)
        back = self.get_url(".index_view")
        if not candidates:
            flash("Aucune des personnes sélectionnées n'est dans vos départements.", "error")
            return redirect(back)
        by = issuer()
        return printed(
            lambda: papers.presence_attestations(candidates, by),
            file_name("attestations-presence", f"{len(candidates)}-personnes"),
            back,
        )

    @action("enrol", "Inscrire à une activité")
    def action_enrol(self, ids):
        return redirect(url_for(".bulk_enrol_view", ids=",".join(ids)))

    @action("withdraw", "Sortir du parcours")
    def action_withdraw(self, ids):
        return redirect(url_for(".bulk_withdraw_view", ids=",".join(ids)))

    def _bulk_page(self, title, form, ids, results=None):
        found = candidates_for(ids)
        return self.render(
            "admin/bulk_action.html",
            title=title,
            form=form,
            selected=[found.get(i) for i in ids],
            ids=ids,
            results=results,
            return_url=self.get_url(".index_view"),
        )

    @expose("/bulk/enrol/", methods=("GET", "POST"))
    def bulk_enrol_view(self):
        ids = parse_ids(request.values.get("ids"))
        form = ActivityChoiceForm()
        form.ids.data = ",".join(ids)
        form.activity_id.choices = [
            (
                str(a.id),
                f"{a.date:%d/%m/%Y} – {a.title} – {a.place_name} "
                f"({counted(a.seats_left, 'place')})",
            )
            for a in upcoming_activities_in_scope()
        ]
        title = "Inscrire à une activité"
        if not form.validate_on_submit():
            return self._bulk_page(title, form, ids)
        activity = db.session.scalar(
            select(Activity).where(Activity.id == int(form.activity_id.data), activities_in_scope())
        )
        if activity is None:
            form.activity_id.errors.append("Activité hors de vos départements.")
            return self._bulk_page(title, form, ids)
        actor = current_user._get_current_object()

        def enrol(candidate):
            enrolment.enroll(db.session, candidate, activity, actor=actor, today=today())
            return f"Inscrit(e) à « {activity.title} » du {activity.date:%d/%m/%Y}."

        return self._bulk_page(title, form, ids, apply_to_each(ids, enrol))

    @expose("/bulk/withdraw/", methods=("GET", "POST"))
    def bulk_withdraw_view(self):
        ids = parse_ids(request.values.get("ids"))
        form = BulkWithdrawForm()
        form.ids.data = ",".join(ids)
        title = "Sortir du parcours"
        if request.method == "GET":
            form.on.data = today()
        if not form.validate_on_submit():
            return self._bulk_page(title, form, ids)
        actor = current_user._get_current_object()

        def withdraw(candidate):
            transitions.withdraw(
                db.session, candidate, actor=actor, on=form.on.data,
                reason=form.withdrawal_reason.data, note=form.note.data or "", today=today(),
            )  # fmt: skip
            return "Sorti(e) du parcours."

        return self._bulk_page(title, form, ids, apply_to_each(ids, withdraw))
