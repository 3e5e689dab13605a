"""Mise en relation accompagnée: an adviser searches for a parent with the parents' own search,
picks carers, records the parent's consent and sends the requests; then follows them ("Mes
mises en relation") to an outcome."""

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.sqla.filters import BaseSQLAFilter
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from onboarding.admin.base import row_id
from onboarding.admin.referral_forms import ParentReferralForm
from onboarding.admin.scoping import covers, referrals_in_scope
from onboarding.admin.views.carers import ContactRequestView
from onboarding.extensions import db
from onboarding.fields import format_date
from onboarding.pathway import contact, referrals, search
from onboarding.pathway.clock import now, today
from onboarding.pathway.geography import department_of
from onboarding.pathway.models import ContactRequest, ParentReferral
from onboarding.pathway.schedule import HALF_DAY_LABELS, HALF_DAYS, NEED_LABELS, NEEDS
from onboarding.search.params import form_values, parse_search, query_parameters
from onboarding.search.routes import PLACE_LENGTH, resolve_place
from onboarding.web_changes import apply, beside_field

FOLLOWED_BY = "Suivies par"
MINE = "mine"


class FollowedByFilter(BaseSQLAFilter):
    """The adviser's own referrals, or her whole team's (within her départements)."""

    def __init__(self):
        super().__init__(ParentReferral.adviser_id, FOLLOWED_BY,
                         options=[(MINE, "moi"), ("all", "toute l'équipe")])  # fmt: skip

    def apply(self, query, value, alias=None):
        if value != MINE:
            return query
        mine = ParentReferral.adviser_id == current_user.id
        return query.filter(ContactRequest.referral.has(mine))

    def operation(self):
        return "est"


def _adviser(view, context, model, name):
    adviser = model.referral.adviser if model.referral else None
    return str(adviser) if adviser else "Compte supprimé"


class ReferralView(ContactRequestView):
    """The requests sent by advisers; opens on the signed-in adviser's own."""

    list_template = "admin/referral_list.html"
    column_list = ("created_at", "parent_name", "carer", "is_job_seeker", "outcome",
                   "outcome_on", "referral")  # fmt: skip
    column_labels = {**ContactRequestView.column_labels, "created_at": "Envoyée le",
                     "referral": "Conseillère"}  # fmt: skip
    column_formatters = {**ContactRequestView.column_formatters, "referral": _adviser}
    column_filters = [FollowedByFilter(), *ContactRequestView.column_filters]

    def __init__(self):
        super().__init__(name="Mises en relation accompagnées", endpoint="referral")

    def scope_clause(self):
        return ContactRequest.referral.has(referrals_in_scope())

    def _get_list_filter_args(self):
        """Without a filter asked for, the list opens on the signed-in adviser's own."""
        asked = super()._get_list_filter_args()
        if asked:
            return asked
        index = next(i for i, f in enumerate(self._filters) if isinstance(f, FollowedByFilter))
        return [(index, FOLLOWED_BY, MINE)]

    # --- a new referral: search, choose, send ----------------------------------------
    @expose("/nouvelle/", methods=("GET", "POST"))
    def new_view(self):
        if self.read_only:
            abort(403)
        source = request.form if request.method == "POST" else request.args
        form = ParentReferralForm()
        page, query, errors, choices = self._search(source)
        chosen = [value for value in source.getlist("carer_ids") if row_id(value) is not None]
        if request.method == "POST" and query is not None:
            sent = self._send(form, query, chosen)
            if sent:
                count = len(sent.value.requests)
                flash(f"{count} demande{'s' if count > 1 else ''} envoyée{'s' if count > 1 else ''}"
                      f" pour {sent.value.parent_name}.", "success")  # fmt: skip
                return redirect(url_for(".index_view"))
        values = form_values(source, PLACE_LENGTH)
        if query is not None:
            # The boxes say JJ/MM/AAAA: the dates read are shown so, whatever carried them back
            # (the results' form carries them as the API writes them).
            values["birth_date"] = format_date(query.birth_date)
            values["start"] = format_date(query.start)
        return self.render(
            "admin/referral_new.html",
            form=form,
            values=values,
            errors=errors,
            choices=choices,
            results=page,
            chosen=set(chosen),
            hidden=query_parameters(query) if query else {},
            max_carers=referrals.MAX_CARERS,
            half_days=HALF_DAYS,
            half_day_labels=HALF_DAY_LABELS,
            needs=NEEDS,
            need_labels=NEED_LABELS,
            radii=search.RADII_KM,
            settings=search.CareSetting.choices(),
            return_url=url_for(".index_view"),
        )

    @staticmethod
    def _search(source):
        """The parents' search, run as a parent would (same parsing, same domain function)."""
        if not source.get("q") and not source.get("commune"):
            return None, None, {}, []
        args, choices, place_error = resolve_place(MultiDict(source))
        query, errors = parse_search(args, today=today())
        errors = {("q" if key == "commune" else key): value for key, value in errors.items()}
        if place_error:
            errors["q"] = place_error
            return None, None, errors, choices
        if query is None:
            return None, None, errors, choices
        try:
            page = search.search(db.session, query, today=today())
        except search.UnknownCommune:
            return None, None, {"q": "Commune inconnue."}, choices
        return page, query, errors, choices

    def _send(self, form, query, chosen):
        if not form.validate_on_submit():
            return None
        if not covers(department_of(query.commune_insee)):
            flash("La commune du parent n'est pas dans vos départements.", "error")
            return None
        data = referrals.ReferralInput(
            request=contact.ContactInput(
                parent_name=(form.parent_name.data or "").strip(),
                email=(form.email.data or "").strip() or None,
                phone=(form.phone.data or "").strip() or None,
                commune_insee=query.commune_insee,
                child_birth_date=query.birth_date,
                start_date=query.start,
                half_days=query.half_days,
                needs=query.needs,
                is_job_seeker=form.is_job_seeker.data == "oui",
                message=(form.message.data or "").strip(),
                consent=bool(form.consent.data),
            ),
            carer_ids=tuple(int(value) for value in chosen),
            france_travail_id=(form.france_travail_id.data or "").strip(),
        )
        return apply(
            lambda: referrals.refer_parent(
                db.session, data, adviser=current_user._get_current_object(),
                today=today(), now=now(),
            ),
            show=beside_field(form, {"carers": None, "commune": None}, also_flash=True),
        )  # fmt: skip
