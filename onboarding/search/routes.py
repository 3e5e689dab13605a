"""/recherche, /assmat/<id> and its contact form: read the input, call the domain, render."""

import contextlib
import logging
from functools import lru_cache

from flask import abort, current_app, redirect, render_template, request, url_for
from markupsafe import Markup, escape
from werkzeug.datastructures import MultiDict

from onboarding.extensions import db, limiter
from onboarding.formatting import long_date
from onboarding.pathway import commune_search, contact, search
from onboarding.pathway.base import utcnow
from onboarding.pathway.carers import is_newly_approved
from onboarding.pathway.clock import today
from onboarding.pathway.errors import RuleViolation
from onboarding.pathway.schedule import (
    DAYS,
    HALF_DAY_LABELS,
    HALF_DAYS,
    NEED_LABELS,
    NEEDS,
    PERIODS,
    half_day_mask,
    half_day_names,
    needs_mask,
)
from onboarding.search import bp
from onboarding.search.alerts import alert_context
from onboarding.search.forms import ContactForm
from onboarding.search.links import carer_links
from onboarding.search.params import (
    ParamsInput,
    form_values,
    parse_date,
    parse_search,
    query_parameters,
)
from onboarding.web_changes import apply

log = logging.getLogger(__name__)
PLACE_LENGTH = 120


# The search form's grid: each day's words and its two half-days (name, words); the needs'
# boxes (name, words). Written once rather than put together by every form.
HALF_DAY_ROWS = tuple(
    (
        day_label,
        tuple((f"{day}_{period}", HALF_DAY_LABELS[f"{day}_{period}"]) for period, _ in PERIODS),
    )
    for day, day_label in DAYS
)
NEED_CHOICES = tuple((name, NEED_LABELS[name]) for name in NEEDS)
# The distances offered, as the form's values read.
RADII = tuple(str(radius) for radius in search.RADII_KM)


@bp.app_template_global("checkbox")
def checkbox(name: str, value: str, label: str, checked: bool, group: str) -> Markup:
    """A checkbox of the forms (`_fields.html`'s checkbox_markup), each written once; written
    each time where templates are reloaded when edited (development)."""
    if current_app.jinja_env.auto_reload:
        return _checkbox.__wrapped__(name, value, label, bool(checked), group)
    return _checkbox(name, value, label, bool(checked), group)


@lru_cache(maxsize=512)
def _checkbox(name: str, value: str, label: str, checked: bool, group: str) -> Markup:
    fields = current_app.jinja_env.get_template("search/_fields.html").module
    return Markup(fields.checkbox_markup(name, value, label, checked, group))


def _grid_context() -> dict:
    return {
        "half_day_rows": HALF_DAY_ROWS,
        "need_choices": NEED_CHOICES,
        "radii": RADII,
        "settings": search.CareSetting.choices(),
    }


def resolve_place(args: MultiDict) -> tuple[MultiDict, list, str | None]:
    """Turn the typed place into an INSEE code: (args with commune, communes to choose, error)."""
    args = MultiDict(args)
    place = (args.get("q") or "").strip()[:PLACE_LENGTH]
    if args.get("commune"):
        chosen = commune_search.by_insee_code(db.session, args["commune"])
        if not place or chosen is None or commune_search.may_mean(place, chosen):
            return args, [], None
        # The place was typed again after a commune was picked from a list: the text wins.
        del args["commune"]
    if not place:
        return args, [], "Indiquez une commune ou un code postal."
    found = commune_search.candidates(db.session, place)
    if not found:
        return args, [], f"Aucune commune ne correspond à « {place} » : vérifiez l'orthographe."
    if len(found) > 1:
        return args, found, "Plusieurs communes correspondent : choisissez la vôtre."
    args["commune"] = found[0].insee_code
    return args, [], None


@bp.app_template_filter("km")
def km(value: float) -> str:
    """2,4 km; under 100 m reads "moins de 1 km"."""
    if value < 1:
        return "moins de 1 km"
    return f"{value:.1f} km".replace(".", ",")


def _months(months: int) -> str:
    if months < 24:
        return f"{months} mois"
    years, rest = divmod(months, 12)
    return f"{years} ans" + (f" et {rest} mois" if rest else "")


# The texts of ages and half-days come from a few values each, and every card writes them:
# each is written once.
@bp.app_template_filter("age_range")
@lru_cache(maxsize=1024)
def age_range(low: int, high: int) -> str:
    """de 0 à 36 mois, de 3 mois à 3 ans"""
    if high < 24:
        return f"de {low} à {high} mois"
    return f"de {_months(low)} à {_months(high)}"


@bp.app_template_filter("half_days_text")
@lru_cache(maxsize=1024)
def half_days_text(mask: int) -> str:
    return ", ".join(HALF_DAY_LABELS[name] for name in half_day_names(mask))


@bp.app_template_filter("needs_text")
def needs_text(names) -> str:
    return ", ".join(NEED_LABELS[name] for name in names)


@lru_cache(maxsize=4096)
def _in_markup(words, *values) -> Markup:
    """`words(*values)` escaped, once for the same values (days, ages, half-days, needs)."""
    return escape(words(*values))


@bp.app_template_filter("vacancy_text")
def vacancy_text(vacancy) -> Markup:
    """A place in words: from when, for which ages, which half-days, which needs (one filter
    rather than a macro calling four: each result's card writes one). Each part is escaped once
    for its values; Markup.format would do the same through string.Formatter, in twice the
    card's time."""
    text = (
        f"Place disponible à partir du {_in_markup(long_date, vacancy.available_from)}, pour un "
        f"enfant {_in_markup(age_range, vacancy.age_min_months, vacancy.age_max_months)}.\n"
        f"<br>{_in_markup(half_days_text, vacancy.half_days)}"
    )
    if vacancy.needs:
        text += f"<br>{_in_markup(needs_text, vacancy.needs)}"
    return Markup(text)


@bp.app_template_filter("shortfall_lines")
@lru_cache(maxsize=1024)
def shortfall_lines(shortfall: search.Shortfall) -> Markup:
    """What a place lacks, one sentence under the other (the same few for every page)."""
    return Markup("<br>").join(shortfall.lines)


@bp.app_template_filter("first_or_none")
def first_or_none(errors):
    return errors[0] if errors else None


@bp.app_template_filter("has_errors")
def has_errors(form) -> bool:
    # Not form.errors: WTForms caches it before the domain's own messages are added.
    return any(field.errors for field in form)


@bp.route("/recherche")
def search_page():
    context = _grid_context()
    values = form_values(request.args, PLACE_LENGTH)
    if not request.args:
        return render_template("search/search.html", values=values, errors={}, choices=[],
                               results=None, **context)  # fmt: skip
    args, choices, place_error = resolve_place(request.args)
    query, errors = parse_search(args, today=today())
    errors = {("q" if k == "commune" else k): v for k, v in errors.items()}
    if place_error:
        errors["q"] = place_error
    results, widenings, page_links = None, [], {}
    if query is not None and not place_error:
        try:
            results = search.search(db.session, query, today=today())
        except search.UnknownCommune:
            errors["q"] = "Commune inconnue : choisissez-la dans la liste proposée."
    if query is not None:
        # A date input shows only YYYY-MM-DD: a date typed "01/06/2025" is shown back as read.
        values["birth_date"] = query.birth_date.isoformat()
        values["start"] = query.start.isoformat()
    if results is not None:
        values["q"] = commune_search.label(results.origin)
        if results.total == 0:
            widenings = search.widenings(db.session, query, today=today())
        base = {**query_parameters(query), "q": values["q"]}
        page_links = _page_links(base, query.page, results.pages)
        widenings = [
            (w, url_for(".search_page", **query_parameters(w.query), q=values["q"]))
            for w in widenings
        ]
    contact_args = query_parameters(query) if query else {}
    return render_template(
        "search/search.html",
        values=values,
        errors=errors,
        choices=choices,
        results=results,
        widenings=widenings,
        page_links=page_links,
        map_tiles=current_app.config["MAP_TILE_URL"],
        map_attribution=current_app.config["MAP_ATTRIBUTION"],
        contact_args=contact_args,
        carer_links=carer_links(results.hits if results else [], **contact_args),
        **alert_context(),
        **context,
    )


def _page_links(base: dict, current: int, pages: int) -> dict:
    """First, previous, next, and a window of pages around the current one (None for a gap)."""

    # Each link is the same but for its page number, the last parameter: encoded once.
    stem = url_for(".search_page", **base, page=0).removesuffix("0")

    def link(number: int) -> str:
        return f"{stem}{number}"

    shown = sorted({1, pages, *range(max(1, current - 2), min(pages, current + 2) + 1)})
    window, last = [], 0
    for number in shown:
        if number > last + 1:
            window.append((None, None))
        window.append((number, link(number)))
        last = number
    return {
        "first": link(1),
        "previous": link(max(1, min(current, pages + 1) - 1)),
        "next": link(current + 1),
        "window": window,
    }


def _public_carer_or_404(carer_id: int):
    carer = contact.public_carer(db.session, carer_id, today=today())
    if carer is None:
        abort(404)
    return carer


def _carer_context(carer, form) -> dict:
    return {
        "carer": carer,
        "form": form,
        "vacancies": contact.current_vacancies(carer),
        "newly_approved": is_newly_approved(carer, today()),
        **_grid_context(),
    }


def _prefill(form: ContactForm, args) -> None:
    """From the search the parent came from: her commune, the child, the start and half-days."""
    params = ParamsInput(args)
    origin = commune_search.by_insee_code(db.session, params.value("commune"))
    if origin is not None:
        form.commune.data = commune_search.label(origin)
    for field, name in ((form.child_birth_date, "birth_date"), (form.start_date, "start")):
        with contextlib.suppress(ValueError):
            field.data = parse_date(params.value(name))
    form.slots.data = [n for n in params.values("slots") if n in HALF_DAYS]
    form.needs.data = [n for n in params.values("needs") if n in NEEDS]


def _contact_limit() -> str:
    return current_app.config["CONTACT_LIMIT_PER_ADDRESS"]


@bp.route("/assmat/<int:carer_id>", methods=["GET", "POST"])
@limiter.limit(_contact_limit, methods=["POST"])
def carer_page(carer_id: int):
    carer = _public_carer_or_404(carer_id)
    form = ContactForm()
    if request.method == "GET":
        _prefill(form, request.args)
        return render_template("search/carer.html", **_carer_context(carer, form))

    valid = form.validate_on_submit()
    if form.website.data:
        # A bot: it sees what a person sees after sending, and nothing is kept.
        log.info("contact form honeypot filled; request dropped")
        return redirect(url_for(".contact_sent", carer_id=carer.id))
    commune = None
    if form.commune.data and not form.commune.errors:
        try:
            commune = commune_search.the_one(db.session, form.commune.data)
        except RuleViolation as refusal:
            form.commune.errors.append(refusal.message)
    data = contact.ContactInput(
        parent_name=(form.parent_name.data or "").strip(),
        email=(form.email.data or "").strip() or None,
        phone=(form.phone.data or "").strip() or None,
        commune_insee=commune.insee_code if commune else "",
        child_birth_date=form.child_birth_date.data,
        start_date=form.start_date.data,
        half_days=half_day_mask(n for n in form.slots.data or [] if n in HALF_DAYS),
        needs=needs_mask(n for n in form.needs.data or [] if n in NEEDS),
        is_job_seeker=form.is_job_seeker.data == "oui",
        message=(form.message.data or "").strip(),
        consent=bool(form.consent.data),
    )
    rule_errors = contact.contact_errors(data, today=today())
    for field, message in rule_errors.items():
        if not getattr(form, field).errors:
            getattr(form, field).errors.append(message)
    # The same rules as above: a refusal never stores a broken request.
    if (
        valid
        and commune is not None
        and not rule_errors
        and apply(
            lambda: contact.request_contact(db.session, carer, data, today=today(), now=utcnow()),
            show=lambda error: getattr(form, error.field).errors.append(error.message),
        )
    ):
        # The outbox tells her (or, without her email, the coordinators) right away.
        notified = bool(carer.email)
        return redirect(url_for(".contact_sent", carer_id=carer.id, prevenue=int(notified)))
    return render_template("search/carer.html", **_carer_context(carer, form)), 200


@bp.route("/assmat/<int:carer_id>/demande-envoyee")
def contact_sent(carer_id: int):
    carer = _public_carer_or_404(carer_id)
    notified = request.args.get("prevenue") != "0"
    return render_template("search/contact_sent.html", carer=carer, notified=notified)
