"""Activities in date order, and the activity page: the roll call and enrolment from there, the
sign-in sheet and the attendees' attestations to print."""

from datetime import timedelta

from flask import abort, flash, g, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.sqla.filters import BaseSQLAFilter, FilterEqual
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select

from onboarding.admin.base import ScopedAjaxLoader, StaffModelView, row_id
from onboarding.admin.scoping import (
    activities_in_scope,
    candidates_in_scope,
    communes_in_scope,
    covers,
)
from onboarding.admin.views.printing import candidates_to_print, file_name, issuer, printed, require
from onboarding.documents import papers
from onboarding.extensions import db
from onboarding.formatting import counted
from onboarding.pathway import enrollment as enrolment
from onboarding.pathway import people, waiting_lists, workload
from onboarding.pathway.clock import today
from onboarding.pathway.errors import PathwayError
from onboarding.pathway.identifiers import is_siret, normalize_siret
from onboarding.pathway.models import (
    Activity,
    ActivityKind,
    Attendance,
    Candidate,
    Commune,
    Enrollment,
    WaitingListEntry,
)
from onboarding.pathway.outputs import Output
from onboarding.web_changes import apply, flashed

CLOSED = enrolment.CLOSED_STATUSES


class RollCallFilter(BaseSQLAFilter):
    """Past activities whose roll call is not (fully) taken."""

    def apply(self, query, value, alias=None):
        if value == "to_take":
            return query.filter(workload.roll_call_to_take(today()))
        return query

    def operation(self):
        return "est"


class PeriodFilter(BaseSQLAFilter):
    """Upcoming (the list's default; cancelled ones aside, as the home counts them), past, or
    all activities."""

    def apply(self, query, value, alias=None):
        if value == "upcoming":
            return query.filter(Activity.date >= today(), Activity.is_cancelled.is_(False))
        if value == "past":
            return query.filter(Activity.date < today())
        return query

    def operation(self):
        return "est"


ROLL_CALL_MARK = Markup(
    '<span class="badge badge-warning fr-badge fr-badge--warning">appel à faire</span>'
)


def _roll_call(view, context, model, name):
    return ROLL_CALL_MARK if model.id in g.get("roll_calls_to_take", ()) else ""


CANCELLED_MARK = Markup('<span class="badge badge-secondary fr-badge">annulée</span>')


def _fill_rate(view, context, model, name):
    if model.is_cancelled:
        return CANCELLED_MARK
    rate = round(100 * model.seats_taken / model.capacity) if model.capacity else 0
    css = "badge-danger" if rate >= 100 else ("badge-warning" if rate >= 80 else "badge-light")
    return Markup('<span class="badge {}">{} %</span> {}/{}').format(
        css, rate, model.seats_taken, model.capacity
    )


class ActivityView(StaffModelView):
    details_template = "admin/activity_page.html"
    column_list = (
        "date", "start_time", "title", "kind", "place_name", "commune", "fill_rate", "roll_call",
    )  # fmt: skip
    column_labels = {
        "date": "Date", "start_time": "Début", "end_time": "Fin", "title": "Intitulé",
        "kind": "Type", "place_name": "Lieu", "commune": "Commune", "fill_rate": "Remplissage",
        "roll_call": "Appel",
        "capacity": "Places", "step": "Étape du parcours", "address": "Adresse",
        "host_name": "Structure d'accueil (immersion)", "host_siret": "SIRET de la structure",
        "what_to_bring": "À apporter", "is_cancelled": "Annulée",
    }  # fmt: skip
    column_formatters = {
        "kind": lambda v, c, m, n: m.kind.label,
        "date": lambda v, c, m, n: f"{m.date:%d/%m/%Y}",
        "start_time": lambda v, c, m, n: f"{m.start_time:%H:%M}–{m.end_time:%H:%M}",
        "fill_rate": _fill_rate,
        "roll_call": _roll_call,
    }
    column_sortable_list = ("date", "title", "kind")
    column_default_sort = [("date", False), ("start_time", False)]
    column_searchable_list = ("title", "place_name")
    column_export_list = ("date", "start_time", "end_time", "title", "kind", "place_name",
                          "commune", "capacity", "seats_taken")  # fmt: skip
    column_formatters_export = {"kind": lambda v, c, m, n: m.kind.label}
    form_columns = (
        "step", "title", "date", "start_time", "end_time", "place_name", "address", "commune",
        "host_name", "host_siret", "capacity", "what_to_bring", "is_cancelled",
    )  # fmt: skip

    def __init__(self):
        self.column_filters = [
            PeriodFilter(Activity.date, "Période",
                         options=[("upcoming", "à venir"), ("past", "passées"), ("all", "toutes")]),
            FilterEqual(Activity.kind, "Type", options=ActivityKind.choices()),
            FilterEqual(Activity.department_code, "Département"),
            RollCallFilter(Activity.id, "Appel", options=[("to_take", "à faire")]),
        ]  # fmt: skip
        self.form_ajax_refs = {
            "commune": ScopedAjaxLoader(
                "commune", Commune, communes_in_scope,
                fields=["search_name", "insee_code", "postcodes"], page_size=15,
            ),
        }  # fmt: skip
        super().__init__(Activity, name="Activités", endpoint="activity")

    def scope_clause(self):
        return activities_in_scope()

    def _get_list_filter_args(self):
        """Without any filter (or search) in the URL, the list opens on what is coming."""
        chosen = super()._get_list_filter_args()
        if chosen or request.args.get("search") or any(k.startswith("flt") for k in request.args):
            return chosen
        index = next(i for i, f in enumerate(self._filters) if isinstance(f, PeriodFilter))
        return [(index, self._filters[index].name, "upcoming")]

    def get_list(self, *args, **kwargs):
        count, rows = super().get_list(*args, **kwargs)
        if kwargs.get("execute", True) and rows:
            # The page's "roll call to take" marks, in one statement.
            g.roll_calls_to_take = set(
                db.session.scalars(
                    select(Activity.id).where(
                        Activity.id.in_([row.id for row in rows]),
                        workload.roll_call_to_take(today()),
                    )
                )
            )
        return count, rows

    def on_model_change(self, form, model, is_created):
        if model.commune_insee and not covers(model.department_code):
            raise PathwayError("Cette commune n'est pas dans vos départements.")
        if model.end_time <= model.start_time:
            raise PathwayError("L'heure de fin doit suivre l'heure de début.")
        if model.capacity < (model.seats_taken or 0):
            raise PathwayError(
                f"{model.seats_taken} personnes sont déjà inscrites : la capacité ne peut pas "
                "descendre en dessous."
            )
        if model.host_siret:
            model.host_siret = normalize_siret(model.host_siret)
            if not is_siret(model.host_siret):
                raise PathwayError("Le SIRET de la structure d'accueil est invalide.")
        model.kind = model.step.kind
        model.seats_taken = model.seats_taken or 0
        raised = not is_created and sa_inspect(model).attrs.capacity.history.deleted
        super().on_model_change(form, model, is_created)
        if raised and model.capacity > raised[0]:
            # New seats go to the people waiting first, as a seat given back does.
            waiting_lists.seats_added(db.session, model)

    # --- the activity page: roll call and enrolment ----------------------------------
    @expose("/details/")
    def details_view(self):
        return self._activity_page(self.get_one(request.args.get("id")), request.args.get("q"))

    def _activity_page(self, activity, query: str | None = None, typed: dict | None = None):
        """The activity's page; `typed`, a refused roll call's marks by enrolment, shown again as
        they were typed rather than as stored."""
        rows = sorted(
            activity.enrollments, key=lambda e: (e.candidate.last_name, e.candidate.first_name)
        )
        query = (query or "").strip()[:100]
        found = []
        if query and not self.read_only and not activity.is_cancelled:
            enrolled = select(Enrollment.candidate_id).where(Enrollment.activity_id == activity.id)
            waiting = select(WaitingListEntry.candidate_id).where(
                WaitingListEntry.activity_id == activity.id,
                WaitingListEntry.status.in_(waiting_lists.ACTIVE_STATUSES),
            )
            found = people.search(
                db.session,
                query,
                where=(
                    candidates_in_scope(),
                    Candidate.department_code == activity.department_code,
                    Candidate.status.not_in(CLOSED),
                    Candidate.id.not_in(enrolled),
                    Candidate.id.not_in(waiting),
                ),
            )
        return self.render(
            self.details_template,
            activity=activity,
            rows=rows,
            query=query,
            found=found,
            search_limit=people.SEARCH_LIMIT,
            waiting_list=waiting_lists.queue_with_states(db.session, activity),
            attendances=[a for a in Attendance if a != Attendance.PENDING],
            can_mark=activity.date <= today(),
            can_act=not self.read_only,
            can_bundle=self.may_take_out(Output.BUNDLE),
            form=FlaskForm(),
            typed=typed or {},
            return_url=self.get_url(".index_view"),
        )

    def _page(self, activity):
        return redirect(url_for(".details_view", id=activity.id))

    @expose("/roll-call/<int:activity_id>", methods=("POST",))
    def roll_call_view(self, activity_id: int):
        activity = self.get_one(activity_id)
        if not FlaskForm().validate_on_submit():
            flash("Le formulaire a expiré : rechargez la page et recommencez.", "error")
            return self._page(activity)
        marks = [
            enrolment.Mark(
                enrollment_id=row.id,
                attendance=request.form.get(f"attendance-{row.id}", ""),
                hours=request.form.get(f"hours-{row.id}", "").strip() or None,
            )
            for row in activity.enrollments
        ]
        actor = current_user._get_current_object()
        if not apply(
            lambda: enrolment.take_roll_call(
                db.session, activity, marks, today=today(), actor=actor
            ),
            show=flashed("Rien n'a été enregistré. "),
        ):
            # Nothing saved, nothing lost: the sheet comes back as it was typed, to correct.
            return self._activity_page(activity, typed={m.enrollment_id: m for m in marks})
        flash(f"Présences enregistrées pour {counted(len(marks), 'personne')}.", "success")
        return self._page(activity)

    @expose("/enrol/<int:activity_id>", methods=("POST",))
    def enrol_view(self, activity_id: int):
        """Enrol the people ticked, each through the domain: those refused are named with the
        reason, the others are enrolled."""
        activity = self.get_one(activity_id)
        if not FlaskForm().validate_on_submit():
            flash("Le formulaire a expiré : rechargez la page et recommencez.", "error")
            return self._page(activity)
        ids = {row_id(value) for value in request.form.getlist("candidate_id")}
        ids.discard(None)
        if not ids:
            flash("Cochez les personnes à inscrire.", "error")
            return self._page(activity)
        chosen = db.session.scalars(
            select(Candidate)
            .where(Candidate.id.in_(ids), candidates_in_scope())
            .order_by(Candidate.last_name, Candidate.first_name, Candidate.id)
        ).all()
        refused = [] if len(chosen) == len(ids) else [
            "une personne hors de vos départements n'a pas été inscrite"
        ]  # fmt: skip
        enrolled = []
        actor = current_user._get_current_object()
        to_waiting_list = request.form.get("waiting") == "1"
        for candidate in chosen:
            try:
                # enroll() and join() refuse before they write anything (a full activity is
                # its seat's UPDATE changing no row), so the others go on in the same
                # transaction; no SAVEPOINT, which would make SQLite start the transaction at
                # the first read.
                if to_waiting_list:
                    waiting_lists.join(db.session, candidate, activity, actor=actor)
                else:
                    enrolment.enroll(db.session, candidate, activity, actor=actor, today=today())
            except PathwayError as error:
                refused.append(error.message)
                continue
            enrolled.append(candidate.full_name)
        db.session.commit()
        if enrolled:
            done = "Inscription en liste d'attente" if to_waiting_list else "Inscription"
            flash(f"{done} enregistrée : {', '.join(enrolled)}.", "success")
        for message in refused:
            flash(f"Refusé : {message}", "error")
        return self._page(activity)

    @expose("/waiting-list/<int:activity_id>/leave/<int:entry_id>", methods=("POST",))
    def waiting_leave_view(self, activity_id: int, entry_id: int):
        """Take someone off the waiting list; a seat held for her passes to the next."""
        activity = self.get_one(activity_id)
        if not FlaskForm().validate_on_submit():
            flash("Le formulaire a expiré : rechargez la page et recommencez.", "error")
            return self._page(activity)
        entry = db.session.get(WaitingListEntry, entry_id)
        if entry is None or entry.activity_id != activity.id:
            abort(404)
        actor = current_user._get_current_object()
        if apply(lambda: waiting_lists.leave(db.session, entry, actor=actor)):
            flash(f"{entry.candidate.full_name} est retirée de la liste d'attente.", "success")
        return self._page(activity)

    # --- printed documents: the sheet is one document, the attestations a bundle --------
    @expose("/documents/<int:activity_id>/feuille-emargement.pdf")
    def sign_in_sheet_view(self, activity_id: int):
        require(Output.DOCUMENT)
        activity = self.get_one(activity_id)
        by = issuer(activity.department_code)
        return printed(
            lambda: papers.sign_in_sheet(activity, by),
            file_name("emargement", activity.title, f"{activity.date:%Y-%m-%d}"),
            url_for(".details_view", id=activity.id),
        )

    @expose("/documents/<int:activity_id>/attestations-presence.pdf")
    def attendees_attestations_view(self, activity_id: int):
        require(Output.BUNDLE)
        activity = self.get_one(activity_id)
        page = url_for(".details_view", id=activity.id)
        # Loaded with their enrolments and activities in a few statements, scope re-checked.
        attended = [
            str(e.candidate_id) for e in activity.enrollments if e.attendance == Attendance.ATTENDED
        ]
        attendees = sorted(
            candidates_to_print(attended),
            key=lambda c: (c.last_name.casefold(), c.first_name.casefold()),
        )
        if not attendees:
            flash("Aucune présence n'est relevée pour cette activité : pas d'attestation.", "error")
            return redirect(page)
        by = issuer(activity.department_code)
        return printed(
            lambda: papers.presence_attestations(attendees, by),
            file_name("attestations", activity.title, f"{activity.date:%Y-%m-%d}"),
            page,
        )


def upcoming_activities_in_scope(days: int = 120):
    """The activities a coordinator may enrol people in (bulk action's choices)."""
    start = today()
    return db.session.scalars(
        select(Activity)
        .where(
            activities_in_scope(),
            Activity.date >= start,
            Activity.date <= start + timedelta(days=days),
            Activity.is_cancelled.is_(False),
        )
        .order_by(Activity.date, Activity.start_time)
    ).all()
