"""What hangs off a candidate: enrolments, dossier pieces, agrément decisions."""

from flask_admin.contrib.sqla.filters import BaseSQLAFilter, FilterEqual

from onboarding.admin.base import StaffModelView
from onboarding.admin.forms import select_choices
from onboarding.admin.scoping import candidates_in_scope
from onboarding.extensions import db
from onboarding.pathway import dossier, workload
from onboarding.pathway import enrollment as enrolment
from onboarding.pathway.clock import today
from onboarding.pathway.models import (
    AgrementDecision,
    Attendance,
    AuditAction,
    DecisionOutcome,
    DossierItem,
    DossierItemKind,
    DossierItemStatus,
    Enrollment,
)
from onboarding.web_changes import apply

CANDIDATE_LABELS = {"candidate": "Personne", "activity": "Activité"}


class ExcusedAheadFilter(BaseSQLAFilter):
    """Absences excused in advance for activities still to come."""

    def apply(self, query, value, alias=None):
        if value == "1":
            return query.filter(workload.excused_ahead(today()))
        return query

    def operation(self):
        return "est"


def _of_candidates_in_scope(model):
    return model.candidate.has(candidates_in_scope())


class EnrollmentView(StaffModelView):
    """Enrolments are made from the activity page or the candidates' bulk action; cancelling one
    here gives its seat back."""

    allows_create = False
    allows_edit = False
    allows_delete = True
    column_list = ("candidate", "activity", "attendance", "hours_credited", "excused_by_candidate")
    column_labels = {
        **CANDIDATE_LABELS, "attendance": "Présence", "hours_credited": "Heures créditées",
        "excused_by_candidate": "Absence signalée par la personne",
    }  # fmt: skip
    column_formatters = {"attendance": lambda v, c, m, n: m.attendance.label}
    column_formatters_export = column_formatters
    column_default_sort = ("id", True)
    column_filters = [
        FilterEqual(Enrollment.attendance, "Présence", options=Attendance.choices()),
        ExcusedAheadFilter(Enrollment.id, "Absence excusée", options=[("1", "à venir")]),
    ]

    def __init__(self):
        super().__init__(Enrollment, name="Inscriptions", endpoint="enrollment")

    def scope_clause(self):
        return _of_candidates_in_scope(Enrollment)

    def delete_model(self, model):
        def cancel():
            self._audit(AuditAction.DELETE, model, [])
            enrolment.cancel_enrollment(db.session, model)

        return bool(apply(cancel))


class DossierItemView(StaffModelView):
    allows_create = False
    column_list = ("candidate", "kind", "status", "received_on", "note")
    column_labels = {
        **CANDIDATE_LABELS, "kind": "Pièce", "status": "État", "received_on": "Reçue le",
        "note": "Remarque",
    }  # fmt: skip
    column_formatters = {
        "kind": lambda v, c, m, n: m.kind.label,
        "status": lambda v, c, m, n: m.status.label,
    }
    column_formatters_export = column_formatters
    column_filters = [
        FilterEqual(DossierItem.status, "État", options=DossierItemStatus.choices()),
        FilterEqual(DossierItem.kind, "Pièce", options=DossierItemKind.choices()),
    ]
    form_columns = ("status", "received_on", "note")
    form_choices = {"status": select_choices(DossierItemStatus, blank=None)}

    def __init__(self):
        super().__init__(DossierItem, name="Pièces du dossier", endpoint="dossier_item")

    def scope_clause(self):
        return _of_candidates_in_scope(DossierItem)

    def update_model(self, form, model):
        def mark():
            dossier.mark_item(model, form.status.data, on=form.received_on.data, today=today())
            model.note = (form.note.data or "").strip()
            self._audit(AuditAction.UPDATE, model, ["status", "received_on", "note"])

        return bool(apply(mark))


class DecisionView(StaffModelView):
    """Decisions are recorded by the transitions of the candidate page; here they are read."""

    allows_create = False
    allows_edit = False
    column_list = ("candidate", "outcome", "decided_on", "capacity", "valid_until", "reason")
    column_labels = {
        **CANDIDATE_LABELS, "outcome": "Décision", "decided_on": "Date", "capacity": "Enfants",
        "valid_until": "Valable jusqu'au", "reason": "Motivation",
    }  # fmt: skip
    column_formatters = {"outcome": lambda v, c, m, n: m.outcome.label}
    column_formatters_export = column_formatters
    column_default_sort = ("decided_on", True)
    column_filters = [
        FilterEqual(AgrementDecision.outcome, "Décision", options=DecisionOutcome.choices())
    ]

    def __init__(self):
        super().__init__(AgrementDecision, name="Décisions d'agrément", endpoint="decision")

    def scope_clause(self):
        return AgrementDecision.candidate.has(candidates_in_scope())
