"""Maisons d'assistants maternels: who works in one, within the law's limits.

Art. L424-1 du code de l'action sociale et des familles: a MAM gathers 1 to 6 assistants
maternels, at most 4 of them at work at the same time, and takes in at most 20 children at the
same time. The record holds no timetable, so the limits it can hold apply to its members: at
most 6 carers, and the sum of their agrément capacities (children at the same time, L421-4) at
most 20. That 4 at most work at once is for their own timetable.
"""

from sqlalchemy import select
from sqlalchemy.orm import Session

from onboarding.pathway import audit
from onboarding.pathway.errors import RuleViolation
from onboarding.pathway.geography import fold
from onboarding.pathway.models import AuditAction, Carer, Mam, StaffUser

MAX_CARERS = 6
MAX_CHILDREN = 20
LAW = "art. L424-1 du code de l'action sociale et des familles"


def refusal_to_join(mam: Mam, carer: Carer) -> str | None:
    """Why she may not join this MAM, in French (another département's, or beyond the law's
    limits); None when she may."""
    if carer.mam_id == mam.id:
        return f"{carer} travaille déjà dans cette MAM."
    if carer.mam_id is not None:
        return (
            f"{carer} travaille déjà dans la MAM « {carer.mam.name} » : "
            "retirez-la d'abord de celle-ci."
        )
    if carer.department_code != mam.department_code:
        # Her agrément, and the team that follows her, are those of the département she works in.
        return (
            f"{carer} exerce dans le département {carer.department_code} : « {mam.name} » est "
            f"dans le département {mam.department_code}."
        )
    members = [c for c in mam.carers if c.id != carer.id]
    if len(members) >= MAX_CARERS:
        return (
            f"Une MAM réunit au plus {MAX_CARERS} assistants maternels ({LAW}) : "
            f"« {mam.name} » en compte déjà {len(members)}."
        )
    children = sum(c.agrement_capacity for c in members) + carer.agrement_capacity
    if children > MAX_CHILDREN:
        return (
            f"Une MAM accueille au plus {MAX_CHILDREN} enfants en même temps ({LAW}) : avec "
            f"{carer}, les agréments de « {mam.name} » en totaliseraient {children}."
        )
    return None


def join(session: Session, mam: Mam, carer: Carer, *, actor: StaffUser | None) -> None:
    """She works in the MAM from now on; refused as `refusal_to_join` says."""
    refusal = refusal_to_join(mam, carer)
    if refusal:
        raise RuleViolation(refusal, field="carer")
    carer.mam = mam
    session.flush()
    audit.record(session, actor=actor, action=AuditAction.MAM_JOIN, object_type="Carer",
                 object_id=carer.id, fields=["mam_id"])  # fmt: skip


def leave(session: Session, carer: Carer, *, actor: StaffUser | None) -> None:
    if carer.mam_id is None:
        raise RuleViolation(f"{carer} ne travaille dans aucune MAM.", field="carer")
    carer.mam = None
    session.flush()
    audit.record(session, actor=actor, action=AuditAction.MAM_LEAVE, object_type="Carer",
                 object_id=carer.id, fields=["mam_id"])  # fmt: skip


def named(session: Session, department_code: str, name: str) -> Mam | None:
    """The MAM of the département called `name` (case, accents and punctuation aside), if one."""
    wanted = fold(name)
    mams = session.scalars(select(Mam).where(Mam.department_code == department_code))
    return next((mam for mam in mams if fold(mam.name) == wanted), None)


def join_named(session: Session, carer: Carer, *, actor: StaffUser | None) -> Mam | None:
    """She joins the MAM an imported list names (`carer.mam_label`) when the département has
    it and the law allows; otherwise nothing changes, and her page shows the name the list gave
    for a coordinator to create the MAM or settle the refusal."""
    if not carer.mam_label or carer.mam_id is not None:
        return None
    mam = named(session, carer.department_code, carer.mam_label)
    if mam is None or refusal_to_join(mam, carer):
        return None
    join(session, mam, carer, actor=actor)
    return mam
