"""The candidate space's pages: the personal link, progress, contact details, absences, calendar
files and documents. Once approved, her profile and places are in the carer space
(onboarding/carer/), which this session opens too."""

from flask import (
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from onboarding.candidate import bp
from onboarding.candidate.calendar import calendar_file
from onboarding.candidate.forms import ActionForm, ContactForm
from onboarding.candidate.session import SESSION_KEYS, link_refused, private, session_candidate
from onboarding.documents import papers
from onboarding.documents.rendering import DocumentTooLarge
from onboarding.extensions import db, limiter
from onboarding.pathway import access, enrollment, situation, waiting_lists
from onboarding.pathway.base import utcnow
from onboarding.pathway.clock import today
from onboarding.pathway.contact_details import ContactDetails, correct_contact_details
from onboarding.pathway.errors import PathwayError
from onboarding.pathway.models import (
    Activity,
    Attendance,
    Candidate,
    DossierItemStatus,
    Enrollment,
    WaitingListEntry,
)
from onboarding.pathway.next_actions import next_actions
from onboarding.pathway.progress import candidate_progress, missing_mandatory_steps
from onboarding.web_changes import apply, beside_field

STRUCTURE = "Parcours Assmat – France Travail et Caf"


# --- the session a personal link opens -------------------------------------------------------
def _no_access():
    return render_template("candidate/no_access.html"), 403


# Pages for people who are not (or no longer) in their space.
OPEN_ENDPOINTS = {"candidate_space.open_link", "candidate_space.new_link"}


@bp.before_request
def _require_candidate():
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    candidate = session_candidate()
    if candidate is None:
        for key in SESSION_KEYS:
            session.pop(key, None)
        return _no_access()
    g.candidate = candidate
    return None


bp.after_request(private)


@bp.app_context_processor
def _candidate_context():
    return {"space_candidate": g.get("candidate")}


@bp.route("/acces/<token>")
@limiter.limit(lambda: current_app.config["CANDIDATE_LINK_LIMIT"], deduct_when=link_refused)
def open_link(token: str):
    try:
        candidate = access.candidate_for(
            db.session, token, secret_key=current_app.secret_key, now=utcnow()
        )
    except access.LinkRefused:
        return _no_access()
    # A fresh session: nothing from before (a staff sign-in, another candidate) survives.
    session.clear()
    session["candidate_id"] = candidate.id
    session["candidate_link"] = candidate.access_nonce
    session["candidate_session"] = candidate.session_version or 0
    return redirect(url_for(".home"))


@bp.route("/deconnexion", methods=["POST"])
def sign_out():
    if not ActionForm().validate_on_submit():
        abort(400)
    # Server-side: a copy of this session's cookie, or the space open elsewhere, ends too.
    access.end_sessions(g.candidate)
    db.session.commit()
    session.clear()
    return render_template("candidate/signed_out.html")


# --- progress ------------------------------------------------------------------------------


def _upcoming(candidate: Candidate) -> list[Enrollment]:
    # Every enrolment with its activity and commune in one statement, not one query per row.
    db.session.scalars(
        select(Enrollment)
        .where(Enrollment.candidate_id == candidate.id)
        .options(selectinload(Enrollment.activity).selectinload(Activity.commune))
    ).all()
    return enrollment.upcoming_enrollments(candidate, today())


def _deadlines(candidate: Candidate):
    return situation.deadlines_where(candidate, current_app.config["EXTENDED_TRAINING_DEPARTMENTS"])


@bp.route("/")
def home():
    candidate = g.candidate
    now = today()
    progress = candidate_progress(db.session, candidate.id, now)
    deadlines = _deadlines(candidate)
    upcoming = _upcoming(candidate)
    return render_template(
        "candidate/home.html",
        candidate=candidate,
        today=now,
        progress=progress,
        actions=next_actions(candidate, progress, deadlines, now),
        upcoming=upcoming,
        attending=[e for e in upcoming if e.attendance == Attendance.PENDING],
        missing=[i for i in candidate.dossier_items if i.status == DossierItemStatus.MISSING],
        deadlines=deadlines,
        completed=bool(progress)
        and any(p.step.is_mandatory for p in progress)
        and not missing_mandatory_steps(progress),
        form=ActionForm(),
        offers=waiting_lists.offers_for(db.session, candidate),
        # Out of the programme, she keeps the record of a said absence, not the way back.
        may_take_back=candidate.status not in enrollment.CLOSED_STATUSES,
    )


def _own_offer(activity_id: int) -> WaitingListEntry:
    """The seat offered to the candidate at that activity; anyone else's, or none, is a 404."""
    row = db.session.scalar(
        select(WaitingListEntry).where(
            WaitingListEntry.activity_id == activity_id,
            WaitingListEntry.candidate_id == g.candidate.id,
            WaitingListEntry.status.in_(waiting_lists.ACTIVE_STATUSES),
        )
    )
    if row is None:
        abort(404)
    return row


@bp.route("/activites/<int:activity_id>/place-proposee", methods=["POST"])
def answer_offer(activity_id: int):
    """She takes the seat offered from the waiting list, or lets it go to the next person."""
    row = _own_offer(activity_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    title = row.activity.title
    if request.form.get("answer") == "oui":
        if apply(lambda: waiting_lists.confirm(db.session, row)):
            flash(f"C'est noté : vous êtes inscrit(e) à « {title} ».", "success")
    elif apply(lambda: waiting_lists.leave(db.session, row)):
        flash(f"C'est noté : la place à « {title} » va à la personne suivante.", "success")
    return redirect(url_for(".home", _anchor="activites"))


def _own_enrollment(activity_id: int) -> Enrollment:
    """The candidate's enrolment in that activity; anyone else's, or none, is a 404."""
    row = db.session.scalar(
        select(Enrollment).where(
            Enrollment.activity_id == activity_id, Enrollment.candidate_id == g.candidate.id
        )
    )
    if row is None:
        abort(404)
    return row


@bp.route("/activites/<int:activity_id>/absence", methods=["POST"])
def excuse(activity_id: int):
    row = _own_enrollment(activity_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if apply(lambda: enrollment.excuse(db.session, row, today=today(), by_candidate=True)):
        # Her coordinator is sent a notice only while she has an active one.
        told = (
            "Votre conseiller en est prévenu."
            if g.candidate.contact is not None
            else "L'équipe du parcours de votre département le verra dans son suivi."
        )
        flash(
            f"C'est noté : vous ne viendrez pas à « {row.activity.title} ». {told} "
            "Si vous changez d'avis, vous pouvez reprendre votre place tant qu'il en reste.",
            "success",
        )
    return redirect(url_for(".home", _anchor="activites"))


@bp.route("/activites/<int:activity_id>/retour", methods=["POST"])
def take_back(activity_id: int):
    row = _own_enrollment(activity_id)
    if not ActionForm().validate_on_submit():
        abort(400)

    if apply(lambda: enrollment.take_back(db.session, row, today=today())):
        flash(f"C'est noté : vous venez finalement à « {row.activity.title} ».", "success")
    return redirect(url_for(".home", _anchor="activites"))


def _ics(data: bytes, name: str) -> Response:
    response = Response(data, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.route("/activites/<int:activity_id>.ics")
def activity_calendar(activity_id: int):
    row = _own_enrollment(activity_id)
    if row.attendance != Attendance.PENDING or row not in _upcoming(g.candidate):
        abort(404)
    return _ics(calendar_file([row.activity]), f"activite-{activity_id}.ics")


@bp.route("/activites.ics")
def all_calendar():
    activities = [e.activity for e in _upcoming(g.candidate) if e.attendance == Attendance.PENDING]
    return _ics(calendar_file(activities), "parcours-assmat.ics")


# --- documents -------------------------------------------------------------------------------
def _issuer() -> papers.Issuer:
    candidate = g.candidate
    return papers.Issuer(
        structure=f"{STRUCTURE}, département {candidate.department_code}",
        person="",
        issued_on=today(),
    )


def _pdf(produce, name: str):
    try:
        data = produce()
    except (PathwayError, DocumentTooLarge) as error:
        flash(error.message, "error")
        return redirect(url_for(".home", _anchor="documents"))
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.route("/documents/attestation-presence.pdf")
def presence_attestation():
    candidate, by = g.candidate, _issuer()
    return _pdf(lambda: papers.presence_attestations([candidate], by), "attestation-presence.pdf")


@bp.route("/documents/livret-parcours.pdf")
def pathway_booklet():
    candidate, by = g.candidate, _issuer()
    progress = candidate_progress(db.session, candidate.id, today())
    deadlines = _deadlines(candidate)
    return _pdf(
        lambda: papers.pathway_booklet(candidate, progress, deadlines, by), "livret-parcours.pdf"
    )


@bp.route("/documents/attestation-fin-parcours.pdf")
def completion_attestation():
    candidate, by = g.candidate, _issuer()
    progress = candidate_progress(db.session, candidate.id, today())
    return _pdf(
        lambda: papers.completion_attestation(candidate, progress, by),
        "attestation-fin-parcours.pdf",
    )


# --- forms: a refusal from the domain goes beside its field (web_changes.beside_field) ------
@bp.route("/coordonnees", methods=["GET", "POST"])
def contact():
    candidate = g.candidate
    form = ContactForm(obj=None if request.method == "POST" else candidate)
    if form.validate_on_submit():
        details = ContactDetails(form.email.data, form.phone.data, form.address.data)
        done = apply(
            lambda: correct_contact_details(db.session, candidate, details),
            show=beside_field(form),
        )
        if done:
            flash(
                "Vos coordonnées sont enregistrées." if done.value else "Rien n'a changé.",
                "success",
            )
            return redirect(url_for(".contact"))
    return render_template("candidate/contact.html", candidate=candidate, form=form)


@bp.route("/disponibilites")
def availability():
    """Her profile and places moved to the carer space; links sent before still lead there."""
    return redirect(url_for("carer_space.availability"))
