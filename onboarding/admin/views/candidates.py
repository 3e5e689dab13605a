"""Candidates: the list coordinators work from, and creation and edits through the domain."""

from flask import flash, g, request
from flask_admin.contrib.sqla import tools
from flask_admin.contrib.sqla.filters import BaseSQLAFilter, FilterEqual
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from onboarding.admin.base import ScopedAjaxLoader, StaffModelView
from onboarding.admin.forms import select_choices
from onboarding.admin.scoping import candidates_in_scope, communes_in_scope, covers, signed_in
from onboarding.admin.views.access_links import AccessLinkMixin
from onboarding.admin.views.bulk import CandidateBulkMixin
from onboarding.admin.views.candidate_page import CandidatePageMixin
from onboarding.admin.views.candidate_work import CandidateWorkMixin
from onboarding.admin.views.pathway_records import PathwayRecordsMixin
from onboarding.extensions import db
from onboarding.formatting import month_year
from onboarding.pathway import people, situation, workload
from onboarding.pathway.clock import today
from onboarding.pathway.errors import PathwayError
from onboarding.pathway.geography import department_of
from onboarding.pathway.identifiers import phone_variants
from onboarding.pathway.models import (
    AuditAction,
    Candidate,
    CandidateStatus,
    Commune,
    ReferralSource,
    Role,
    StaffUser,
)
from onboarding.pathway.progress import progress_by_candidate
from onboarding.pathway.referral import Referral, clean_referral, refer_candidate
from onboarding.web_changes import apply, beside_field

IDENTITY_FIELDS = (
    "first_name", "last_name", "birth_date", "email", "phone", "address", "commune_insee",
    "referral_source", "referred_by", "referred_on", "is_job_seeker", "france_travail_id",
    "requested_capacity", "has_cap_aepe_units",
)  # fmt: skip


# The deadline filter's choices: the days ahead it looks (0: past only), by option.
DEADLINE_HORIZONS = {"overdue": None, "14": 14, "30": 30}
DEADLINE_OPTIONS = [
    ("overdue", "dépassée"),
    ("14", "dépassée ou dans les 14 jours"),
    ("30", "dépassée ou dans les 30 jours"),
]


class DeadlineFilter(BaseSQLAFilter):
    """The next deadline (situation.next_deadline, kept on the row) past or near."""

    def apply(self, query, value, alias=None):
        if value not in DEADLINE_HORIZONS:
            return query
        days = DEADLINE_HORIZONS[value]
        if days is None:
            return query.filter(situation.past_deadline_clause(today()))
        return query.filter(situation.deadline_attention_clause(today(), within_days=days))

    def operation(self):
        return "est"


class DossierFilter(BaseSQLAFilter):
    """Dossier pieces: some still missing, or all received (or not applicable)."""

    def apply(self, query, value, alias=None):
        if value == "missing":
            return query.filter(workload.has_missing_pieces())
        if value == "complete":
            return query.filter(~workload.has_missing_pieces())
        return query

    def operation(self):
        return "est"


class CommuneFilter(BaseSQLAFilter):
    """The commune's name contains the text (as Flask-Admin's "contains": ^ for "starts with",
    = for "is"). The communes are read first, then their candidates from the index on the
    commune: joining every candidate in scope to its commune to compare names took longer."""

    def apply(self, query, value, alias=None):
        named = select(Commune.insee_code).where(Commune.name.ilike(tools.parse_like_term(value)))
        return query.filter(Candidate.commune_insee.in_(named))

    def operation(self):
        return "contient"


class MineFilter(BaseSQLAFilter):
    """ "Mes candidats": those whose coordinator is the signed-in user."""

    def apply(self, query, value, alias=None):
        if value == "1" and signed_in():
            return query.filter(Candidate.coordinator_id == current_user.id)
        return query

    def operation(self):
        return "est"


def _distinct_in_scope(column):
    """The column's values among the candidates in scope, smallest first, on every list page.

    SQLite skips along an index that starts with the column by itself (a skip-scan); PostgreSQL
    reads every candidate in scope: there the values are found one after the other (the smallest
    above the last one found), a few dozen index probes."""
    if db.session.get_bind().dialect.name != "postgresql":
        return select(column).distinct().where(candidates_in_scope()).order_by(column)
    walk = select(func.min(column).label("value")).where(candidates_in_scope()).cte(recursive=True)
    following = select(
        select(func.min(column)).where(candidates_in_scope(), column > walk.c.value)
        .scalar_subquery()
    ).where(walk.c.value.is_not(None))  # fmt: skip
    walk = walk.union_all(following)
    return select(walk.c.value).where(walk.c.value.is_not(None)).order_by(walk.c.value)


def _distinct_values(column, label=str):
    def options():
        if not signed_in():
            return []
        rows = db.session.scalars(_distinct_in_scope(column))
        return [(value, label(value)) for value in rows if value]

    return options


def _coordinator_options():
    """Who may follow the people the user sees: the admins, and the staff of her départements
    (not every coordinator in the country)."""
    if not signed_in():
        return []
    rows = db.session.scalars(
        select(StaffUser)
        .where(_staff_in_scope() | (StaffUser.role == Role.ADMIN), StaffUser.is_active.is_(True))
        .order_by(StaffUser.full_name, StaffUser.email)
    )
    return [(str(user.id), str(user)) for user in rows]


def _staff_in_scope():
    """Coordinators a candidate may be assigned to: admins and those sharing a département."""
    if current_user.is_admin:
        return StaffUser.role != Role.PARTNER
    shared = [StaffUser.departments.contains(code) for code in current_user.department_codes]
    return (StaffUser.role != Role.PARTNER) & db.or_(StaffUser.id == current_user.id, *shared)


def _status_label(view, context, model, name):
    return model.status.label


def _progress(view, context, model, name):
    steps = g.get("candidate_progress", {}).get(model.id)
    if not steps:
        return ""
    done = sum(1 for step in steps if step.is_done)
    return f"{done}/{len(steps)} étapes"


def _next_deadline(view, context, model, name):
    deadline = situation.kept_next_deadline(model)
    if deadline is None:
        return ""
    state = deadline.state(today())
    css = {"overdue": "badge-danger", "near": "badge-warning"}.get(state, "badge-light")
    return Markup('<span class="badge {}">{}</span> {}').format(
        css, f"{deadline.due_on:%d/%m/%Y}", escape(deadline.label)
    )


class CandidateView(
    CandidatePageMixin,
    PathwayRecordsMixin,
    CandidateWorkMixin,
    CandidateBulkMixin,
    AccessLinkMixin,
    StaffModelView,
):
    details_template = "admin/candidate_page.html"
    create_template = "admin/candidate/create.html"
    column_list = (
        "last_name", "first_name", "status", "department_code", "commune", "coordinator",
        "cohort", "progress", "next_deadline_on",
    )  # fmt: skip
    column_labels = {
        "last_name": "Nom", "first_name": "Prénom", "status": "Statut",
        "department_code": "Dép.", "commune": "Commune", "coordinator": "Coordinateur",
        "cohort": "Cohorte", "progress": "Avancement", "next_deadline_on": "Prochaine échéance",
        "email": "E-mail", "phone": "Téléphone", "address": "Adresse",
        "birth_date": "Date de naissance", "referral_source": "Orienté(e) par",
        "referred_by": "Prescripteur (nom, structure)", "referred_on": "Date d'orientation",
        "is_job_seeker": "Demandeur d'emploi", "france_travail_id": "Identifiant France Travail",
        "requested_capacity": "Nombre d'enfants demandé",
        "has_cap_aepe_units": "Titulaire des unités EP1 et EP3 du CAP AEPE",
    }  # fmt: skip
    column_sortable_list = (
        "last_name", "first_name", "status", "department_code", "cohort",
        "next_deadline_on",
    )  # fmt: skip
    # Soonest deadline first (past ones at the top), people without one last; a search, newest
    # first (see _get_default_order).
    column_default_sort = ("next_deadline_on", False)
    column_searchable_list = ("last_name", "first_name", "email", "france_travail_id")
    column_formatters = {
        "status": _status_label,
        "progress": _progress,
        "next_deadline_on": _next_deadline,
    }
    column_export_list = (
        "id", "last_name", "first_name", "email", "phone", "commune", "department_code",
        "status", "cohort", "referral_source", "referred_on", "is_job_seeker",
        "france_travail_id", "coordinator",
    )  # fmt: skip
    column_formatters_export = {
        "status": lambda v, c, m, n: m.status.label,
        "referral_source": lambda v, c, m, n: m.referral_source.label,
    }
    form_columns = (
        "first_name", "last_name", "birth_date", "email", "phone", "address", "commune",
        "referral_source", "referred_by", "referred_on", "is_job_seeker", "france_travail_id",
        "coordinator", "requested_capacity", "has_cap_aepe_units",
    )  # fmt: skip
    form_choices = {"referral_source": select_choices(ReferralSource, blank=None)}

    def __init__(self):
        self.column_filters = [
            FilterEqual(Candidate.status, "Statut", options=CandidateStatus.choices()),
            FilterEqual(Candidate.department_code, "Département",
                        options=_distinct_values(Candidate.department_code)),
            CommuneFilter(Candidate.commune_insee, "Commune"),
            FilterEqual(Candidate.cohort, "Cohorte",
                        options=_distinct_values(Candidate.cohort, month_year)),
            FilterEqual(Candidate.coordinator_id, "Coordinateur", options=_coordinator_options),
            DeadlineFilter(Candidate.next_deadline_on, "Prochaine échéance",
                           options=DEADLINE_OPTIONS),
            MineFilter(Candidate.coordinator_id, "Mes candidats", options=[("1", "oui")]),
            DossierFilter(Candidate.id, "Pièces du dossier",
                          options=[("missing", "manquantes"), ("complete", "toutes reçues")]),
        ]  # fmt: skip
        self.form_ajax_refs = {
            "commune": ScopedAjaxLoader(
                "commune", Commune, communes_in_scope,
                fields=["search_name", "insee_code", "postcodes"], page_size=15,
            ),
            "coordinator": ScopedAjaxLoader(
                "coordinator", StaffUser, _staff_in_scope, fields=["full_name", "email"],
            ),
        }  # fmt: skip
        super().__init__(Candidate, name="Candidats", endpoint="candidate")

    # The commune and coordinator each row shows are read once the page's rows are chosen (one
    # statement each), not joined to every candidate the filters keep: PostgreSQL then joined
    # tens of thousands of rows before sorting them for a page of 50.
    column_auto_select_related = False

    def scope_clause(self):
        return candidates_in_scope()

    def get_query(self):
        return (
            super()
            .get_query()
            .options(selectinload(Candidate.commune), selectinload(Candidate.coordinator))
        )

    def _apply_search(self, query, count_query, joins, count_joins, search):
        """A phone number, however typed ("06 12 34 56 78", "+33 6…"), finds its owner."""
        variants = phone_variants(search)
        if variants:
            clause = Candidate.phone.in_(variants)
            if count_query is not None:
                count_query = count_query.filter(clause)
            return query.filter(clause), count_query, joins, count_joins
        return super()._apply_search(query, count_query, joins, count_joins, search)

    def _get_default_order(self):
        # A search scans the names anyway: its matches come newest first, read in the table's
        # order, rather than along the deadline index (twice slower at 100,000 candidates).
        if request.args.get("search"):
            return iter([(Candidate.id, [], True)])
        return super()._get_default_order()

    def _order_by(self, query, joins, sort_joins, sort_field, sort_desc):
        if sort_field is Candidate.next_deadline_on:
            # The index's order: NULLS LAST on both databases, and the id to break ties.
            order = Candidate.next_deadline_on.desc() if sort_desc else Candidate.next_deadline_on
            tie = Candidate.id.desc() if sort_desc else Candidate.id
            return query.order_by(order.nulls_last(), tie), joins
        return super()._order_by(query, joins, sort_joins, sort_field, sort_desc)

    def get_list(self, *args, **kwargs):
        count, rows = super().get_list(*args, **kwargs)
        if kwargs.get("execute", True) and rows:
            g.candidate_progress = progress_by_candidate(
                db.session, [row.id for row in rows], today()
            )
        return count, rows

    # --- creation and edits go through the domain's checks ----------------------------
    def _referral_from_form(self, form) -> Referral:
        data = {name: form[name].data for name in IDENTITY_FIELDS if name in form}
        commune = form.commune.data
        data["commune_insee"] = commune.insee_code if commune else ""
        data["coordinator"] = form.coordinator.data
        return Referral(**data)

    def _check_scope(self, referral: Referral) -> None:
        if referral.commune_insee and not covers(department_of(referral.commune_insee)):
            raise PathwayError("Cette commune n'est pas dans vos départements.", field="commune")

    def _beside_field(self, form):
        # Ajax fields are left alone: Flask-Admin's template cannot show an error beside them.
        return beside_field(form, dict.fromkeys(self.form_ajax_refs), also_flash=True)

    def create_form(self, obj=None):
        form = super().create_form(obj)
        if request.method == "GET" and not current_user.is_read_only:
            # The one who refers is, most often, the one who follows.
            form.coordinator.data = current_user._get_current_object()
        return form

    def get_save_return_url(self, model, is_created=False):
        if is_created:
            return self.get_url(".details_view", id=model.id)
        return super().get_save_return_url(model, is_created)

    def _duplicates_to_confirm(self, referral: Referral) -> bool:
        """Likely duplicates not yet confirmed as other people: shown above the form."""
        if request.form.get("create_anyway") == "1":
            return False
        found = people.likely_duplicates(
            db.session,
            first_name=referral.first_name,
            last_name=referral.last_name,
            birth_date=referral.birth_date,
            email=referral.email,
            phone=referral.phone,
            france_travail_id=referral.france_travail_id,
        )
        if not found:
            return False
        g.candidate_duplicates = [c for c in found if covers(c.department_code)]
        g.candidate_duplicates_elsewhere = len(found) - len(g.candidate_duplicates)
        return True

    def create_model(self, form):
        def create():
            referral = self._referral_from_form(form)
            self._check_scope(referral)
            if self._duplicates_to_confirm(referral):
                return None
            candidate = refer_candidate(db.session, referral, today=today())
            self._audit(AuditAction.CREATE, candidate, list(IDENTITY_FIELDS))
            return candidate

        done = apply(create, show=self._beside_field(form))
        if done and done.value is None:
            flash(
                "Cette personne est peut-être déjà suivie : vérifiez les fiches ci-dessous "
                "avant d'enregistrer.",
                "warning",
            )
        return done.value or False

    def update_model(self, form, model):
        def update():
            referral = self._referral_from_form(form)
            self._check_scope(referral)
            cleaned = clean_referral(db.session, referral, today=today(), current=model)
            changed = []
            for name in (*IDENTITY_FIELDS, "coordinator"):
                value = getattr(cleaned, name)
                if getattr(model, name) != value:
                    setattr(model, name, value)
                    changed.append(name)
            self._audit(AuditAction.UPDATE, model, changed)

        return bool(apply(update, show=self._beside_field(form)))
