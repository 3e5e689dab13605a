"""The Relais Petite Enfance updates a carer's places on her behalf (as RPEs do for
monenfant.fr): only an RPE account, only in its départements, only for a carer who agreed.

Her agreement is one timestamp on her row (`Carer.rpe_mandate_at`): she gives or withdraws it
from her space, or a coordinator records it on her written agreement; the audit log says who.
"""

from datetime import datetime

from sqlalchemy.orm import Session

from onboarding.pathway import audit
from onboarding.pathway.errors import RuleViolation
from onboarding.pathway.models import AuditAction, Carer, Role, StaffUser

NOT_RPE = (
    "Seul un compte du Relais Petite Enfance peut mettre à jour les places d'une assistante "
    "maternelle à sa place."
)
OUT_OF_SCOPE = "Cette assistante maternelle exerce hors des départements de votre Relais."
NO_MANDATE = (
    "Cette assistante maternelle n'a pas donné son accord pour que le Relais Petite Enfance "
    "mette à jour ses places : elle peut le donner depuis son espace."
)


def check_may_act(staff: StaffUser, carer: Carer) -> None:
    """Raise the French refusal unless this RPE account may change her places today."""
    if not staff.is_rpe:
        raise RuleViolation(NOT_RPE)
    if not staff.covers_department(carer.department_code):
        raise RuleViolation(OUT_OF_SCOPE)
    if carer.rpe_mandate_at is None:
        raise RuleViolation(NO_MANDATE)


def mandated_clause():
    """Carers who agreed (the scope by département is the caller's, as everywhere)."""
    return Carer.rpe_mandate_at.is_not(None)


def _check_recorder(by: StaffUser | None, carer: Carer) -> None:
    # She herself (None), or a coordinator or admin of her département on her written agreement.
    if by is None:
        return
    if by.role not in (Role.ADMIN, Role.COORDINATOR) or not by.covers_department(
        carer.department_code
    ):
        raise RuleViolation(
            "Seul un coordinateur de son département peut enregistrer son accord écrit."
        )


def give_mandate(session: Session, carer: Carer, *, now: datetime, by: StaffUser | None = None):
    """She agrees (or `by` records her written agreement); giving it again changes nothing."""
    _check_recorder(by, carer)
    if carer.rpe_mandate_at is not None:
        return
    carer.rpe_mandate_at = now
    audit.record(
        session, actor=by, action=AuditAction.RPE_MANDATE, object_type="Carer",
        object_id=carer.id, fields=["rpe_mandate_at"],
    )  # fmt: skip


def withdraw_mandate(session: Session, carer: Carer, *, by: StaffUser | None = None) -> None:
    """From now on the RPE changes nothing of hers."""
    _check_recorder(by, carer)
    if carer.rpe_mandate_at is None:
        return
    carer.rpe_mandate_at = None
    audit.record(
        session, actor=by, action=AuditAction.RPE_MANDATE_WITHDRAWN, object_type="Carer",
        object_id=carer.id, fields=["rpe_mandate_at"],
    )  # fmt: skip
