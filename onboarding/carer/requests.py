"""The parents' requests in the carer space: each with its answer ("J'ai pris contact", "Place
pourvue", "Pas de place"), which pathway.contact_answers records and tells the parent."""

from flask import abort, flash, g, redirect, render_template, url_for

from onboarding.carer import bp
from onboarding.carer.forms import AnswerForm
from onboarding.extensions import db
from onboarding.formatting import long_date
from onboarding.pathway import contact_answers
from onboarding.pathway.base import utcnow
from onboarding.pathway.clock import today
from onboarding.pathway.models import CarerAnswer, ContactOutcome, ContactRequest
from onboarding.pathway.schedule import HALF_DAY_LABELS, NEED_LABELS, NEEDS, half_day_names
from onboarding.pathway.search import age_in_months
from onboarding.web_changes import apply, beside_field

DONE = {
    CarerAnswer.CONTACTED: "C'est noté : vous avez pris contact. Le parent en est informé.",
    CarerAnswer.PLACE_FILLED: "C'est noté : la place est pourvue, elle n'apparaît plus aux "
    "parents. Le parent en est informé.",
    CarerAnswer.NO_PLACE: "C'est noté : pas de place pour cet enfant. Le parent en est informé.",
}


def child_age(request: ContactRequest) -> str:
    """The child's age on the start date, in French ("à naître" before birth)."""
    if request.child_birth_date > request.start_date:
        return f"à naître (naissance prévue le {long_date(request.child_birth_date)})"
    months = age_in_months(request.child_birth_date, request.start_date)
    if months < 24:
        return f"{months} mois au début de l'accueil"
    return f"{months // 12} ans au début de l'accueil"


def needs_of(request: ContactRequest) -> list[str]:
    return [NEED_LABELS[name] for bit, name in enumerate(NEEDS) if request.needs >> bit & 1]


def _form(carer) -> AnswerForm:
    form = AnswerForm()
    form.vacancy.choices = [
        (v.id, f"Place libre à partir du {long_date(v.available_from)}") for v in carer.vacancies
    ]
    if len(carer.vacancies) == 1 and form.vacancy.data is None:
        form.vacancy.data = carer.vacancies[0].id
    return form


def _page(carer, forms: dict, status: int = 200):
    rows = contact_answers.requests_for(db.session, carer)
    return (
        render_template(
            "carer/requests.html",
            rows=rows,
            forms={r.id: forms.get(r.id) or _form(carer) for r in rows},
            NEW=ContactOutcome.NEW,
            child_age=child_age,
            needs_of=needs_of,
            half_days=lambda mask: [HALF_DAY_LABELS[n] for n in half_day_names(mask)],
        ),
        status,
    )


@bp.route("/demandes")
def requests():
    return _page(g.carer_session.carer, {})


@bp.route("/demandes/<int:request_id>/reponse", methods=["POST"])
def answer(request_id: int):
    carer = g.carer_session.carer
    row = db.session.get(ContactRequest, request_id)
    if row is None or row.carer_id != carer.id:
        abort(404)
    form = _form(carer)
    if not form.validate_on_submit():
        return _page(carer, {row.id: form}, 400)
    choice = CarerAnswer(form.answer.data)
    vacancy = next((v for v in carer.vacancies if v.id == form.vacancy.data), None)

    def record():
        contact_answers.answer_request(
            db.session, carer, row, choice, today=today(), now=utcnow(), vacancy=vacancy
        )

    if not apply(record, show=beside_field(form)):
        return _page(carer, {row.id: form}, 400)
    flash(DONE[choice], "success")
    return redirect(url_for(".requests"))
