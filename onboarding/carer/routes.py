"""The carer space's pages: her link and sign-out, a new link, her profile and places (what
parents see), her confirmation, and her agreement that the Relais Petite Enfance updates them."""

from flask import (
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

from onboarding.candidate.forms import ActionForm
from onboarding.candidate.renewal import new_link_page
from onboarding.candidate.session import link_refused, private, session_candidate
from onboarding.carer import bp
from onboarding.carer.forms import ProfileForm, VacancyForm
from onboarding.carer.session import SESSION_KEYS, open_session, session_carer
from onboarding.extensions import db, limiter
from onboarding.pathway import access, carers, notifications, places, rpe, shown
from onboarding.pathway.base import utcnow
from onboarding.pathway.clock import today
from onboarding.pathway.commune_search import find_commune
from onboarding.pathway.errors import RuleViolation
from onboarding.pathway.models import Carer, Vacancy
from onboarding.pathway.schedule import (
    DAYS,
    HALF_DAY_LABELS,
    NEED_LABELS,
    NEEDS,
    PERIODS,
    UnknownName,
    half_day_mask,
    half_day_names,
)
from onboarding.web_changes import apply, beside_field

OPEN_ENDPOINTS = {"carer_space.open_link", "carer_space.new_link"}


def _no_access():
    return render_template("carer/no_access.html"), 403


@bp.before_request
def _require_carer():
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    opened = session_carer()
    if opened is None and session_candidate() is not None:
        abort(404)  # a candidate not (or no longer) a carer: her space has no such page
    if opened is None:
        for key in SESSION_KEYS:
            session.pop(key, None)
        return _no_access()
    g.carer_session = opened
    return None


bp.after_request(private)


@bp.app_context_processor
def _carer_context():
    return {"space_carer": g.get("carer_session")}


def _carer() -> Carer:
    return g.carer_session.carer


@bp.route("/acces/<token>")
@limiter.limit(lambda: current_app.config["CANDIDATE_LINK_LIMIT"], deduct_when=link_refused)
def open_link(token: str):
    try:
        carer = access.carer_for(db.session, token, secret_key=current_app.secret_key, now=utcnow())
    except access.LinkRefused:
        return _no_access()
    open_session(carer)
    return redirect(url_for(".availability"))


@bp.route("/deconnexion", methods=["POST"])
def sign_out():
    if not ActionForm().validate_on_submit():
        abort(400)
    # Server-side: a copy of this session's cookie, or the space open elsewhere, ends too.
    access.end_sessions(g.carer_session.holder)
    db.session.commit()
    session.clear()
    return render_template("carer/signed_out.html")


@bp.route("/nouveau-lien", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["NEW_LINK_LIMIT"], methods=["POST"])
def new_link():
    """The same answer whatever was typed: it tells nobody who is a carer here."""
    return new_link_page(
        "carer/new_link.html", "carer/new_link_sent.html",
        access.carers_reached_at, notifications.carer_link_sent,
    )  # fmt: skip


# --- what parents see -------------------------------------------------------------------------
def _profile_form(carer: Carer) -> ProfileForm:
    if request.method == "POST":
        return ProfileForm()
    return ProfileForm(
        data={
            "is_published": "1" if carer.is_published else "0",
            "presentation": carer.presentation,
            "postcode": carer.commune.postcodes.split(" ")[0] if carer.commune.postcodes else "",
            "commune_name": carer.commune.name,
            "show_address": carer.show_address,
            "show_email": carer.show_email,
            "show_phone": carer.show_phone,
        }
    )


def _availability_page(carer: Carer, profile_form: ProfileForm, status: int = 200):
    now = today()
    return (
        render_template(
            "carer/availability.html",
            carer=carer,
            today=now,
            reminder=carers.availability_reminder(carer, now),
            stale=carers.is_stale(carer, now),
            hidden_because=shown.why_hidden(carer, today=now),
            consented=carer.publication_consent_version == carers.PUBLICATION_CONSENT_VERSION,
            profile_form=profile_form,
            form=ActionForm(),
            half_day_labels=HALF_DAY_LABELS,
            half_day_names=half_day_names,
            need_labels=[(name, NEED_LABELS[name]) for name in NEEDS],
        ),
        status,
    )


@bp.route("/")
def availability():
    carer = _carer()
    return _availability_page(carer, _profile_form(carer))


@bp.route("/profil", methods=["POST"])
def profile():
    carer = _carer()
    form = _profile_form(carer)
    if not form.validate_on_submit():
        return _availability_page(carer, form)

    def save_profile():
        commune = find_commune(db.session, form.postcode.data, form.commune_name.data)
        carers.update_profile(
            db.session,
            carer,
            carers.ProfileInput(
                is_published=form.is_published.data == "1",
                presentation=form.presentation.data or "",
                commune_insee=commune.insee_code,
                show_address=form.show_address.data,
                show_email=form.show_email.data,
                show_phone=form.show_phone.data,
                consents=form.consents.data,
            ),
            now=utcnow(),
        )

    if not apply(save_profile, show=beside_field(form, {"commune": "postcode"})):
        return _availability_page(carer, form)
    flash(
        "Votre profil est publié : les parents le voient."
        if carer.is_published
        else "Votre profil est masqué : les parents ne le voient pas.",
        "success",
    )
    return redirect(url_for(".availability"))


@bp.route("/confirmer", methods=["POST"])
def confirm():
    carer = _carer()
    if not ActionForm().validate_on_submit():
        abort(400)
    carers.confirm_availability(carer, today=today())
    db.session.commit()
    flash("Merci : vos disponibilités sont confirmées à la date d'aujourd'hui.", "success")
    return redirect(url_for(".availability"))


@bp.route("/aucune-place", methods=["POST"])
def no_vacancy():
    carer = _carer()
    if not ActionForm().validate_on_submit():
        abort(400)
    carers.declare_no_vacancy(db.session, carer, today=today())
    db.session.commit()
    flash(
        "C'est noté : pas de place pour le moment. Vos disponibilités sont confirmées à la date "
        "d'aujourd'hui.",
        "success",
    )
    return redirect(url_for(".availability"))


@bp.route("/accord-rpe", methods=["POST"])
def rpe_mandate():
    """She gives (or withdraws) her agreement that the RPE updates her places."""
    carer = _carer()
    if not ActionForm().validate_on_submit():
        abort(400)
    give = request.form.get("accord") == "1"
    if give:
        done = apply(lambda: rpe.give_mandate(db.session, carer, now=utcnow()))
        message = "C'est noté : le Relais Petite Enfance peut mettre à jour vos places."
    else:
        done = apply(lambda: rpe.withdraw_mandate(db.session, carer))
        message = "C'est noté : le Relais Petite Enfance ne change plus vos places."
    if done:
        flash(message, "success")
    return redirect(url_for(".availability", _anchor="relais"))


# --- places: the same domain functions as the RPE's (pathway.places) --------------------------
def own_vacancy(carer: Carer, vacancy_id: int) -> Vacancy:
    """Her place; anyone else's, or none, is a 404."""
    vacancy = db.session.scalar(
        select(Vacancy).where(Vacancy.id == vacancy_id, Vacancy.carer_id == carer.id)
    )
    if vacancy is None:
        abort(404)
    return vacancy


def vacancy_input(form: VacancyForm) -> carers.VacancyInput:
    try:
        mask = half_day_mask(form.half_days.data or [])
    except UnknownName:
        raise RuleViolation("Demi-journée inconnue.", field="half_days") from None
    return carers.VacancyInput(
        available_from=form.available_from.data,
        age_min_months=form.age_min_months.data,
        age_max_months=form.age_max_months.data,
        half_days=mask,
        day_starts_at=form.day_starts_at.data,
        day_ends_at=form.day_ends_at.data,
        **{name: form[name].data for name in NEEDS},
    )


def vacancy_form(vacancy: Vacancy | None) -> VacancyForm:
    if request.method == "POST":
        return VacancyForm()
    if vacancy is None:
        return VacancyForm(
            data={"available_from": today(), "age_min_months": 0, "age_max_months": 36}
        )
    form = VacancyForm(obj=vacancy)
    form.half_days.data = half_day_names(vacancy.half_days)
    return form


def save_vacancy(carer: Carer, vacancy: Vacancy | None, form: VacancyForm, *, by=None):
    """Apply the form through pathway.places; true when saved, else the refusal is shown."""

    def save():
        data = vacancy_input(form)
        if vacancy is None:
            places.add_place(db.session, carer, data, today=today(), by=by)
        else:
            places.update_place(db.session, vacancy, data, today=today(), by=by)

    return form.validate_on_submit() and apply(save, show=beside_field(form))


VACANCY_PAGE = {"days": DAYS, "periods": PERIODS, "needs": NEEDS}


def _edit_vacancy(vacancy: Vacancy | None):
    carer = _carer()
    form = vacancy_form(vacancy)
    if not save_vacancy(carer, vacancy, form):
        return render_template(
            "carer/vacancy.html", form=form, vacancy=vacancy, today=today(), **VACANCY_PAGE
        )
    flash(
        "La place est enregistrée. Pensez à confirmer vos disponibilités quand tout est à jour.",
        "success",
    )
    return redirect(url_for(".availability", _anchor="places"))


@bp.route("/places/nouvelle", methods=["GET", "POST"])
def new_vacancy():
    return _edit_vacancy(None)


@bp.route("/places/<int:vacancy_id>", methods=["GET", "POST"])
def edit_vacancy(vacancy_id: int):
    return _edit_vacancy(own_vacancy(_carer(), vacancy_id))


@bp.route("/places/<int:vacancy_id>/supprimer", methods=["POST"])
def delete_vacancy(vacancy_id: int):
    vacancy = own_vacancy(_carer(), vacancy_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if apply(lambda: places.close_place(db.session, vacancy)):
        flash("La place est retirée.", "success")
    return redirect(url_for(".availability", _anchor="places"))
