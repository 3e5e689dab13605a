"""A carer's places changed by someone: she herself (`by=None`) from her space, or the Relais
Petite Enfance on her recorded agreement (pathway.rpe). The rules of a place are
pathway.carers'; each change is kept in the audit log with who made it."""

from datetime import date

from sqlalchemy.orm import Session

from onboarding.pathway import audit, carers, rpe
from onboarding.pathway.models import AuditAction, Carer, StaffUser, Vacancy


def _check(carer: Carer, by: StaffUser | None) -> None:
    if by is not None:
        rpe.check_may_act(by, carer)


def _record(session: Session, action: AuditAction, vacancy_id: int, by, fields) -> None:
    audit.record(
        session, actor=by, action=action, object_type="Vacancy", object_id=vacancy_id,
        fields=fields,
    )  # fmt: skip


def add_place(
    session: Session, carer: Carer, data: carers.VacancyInput, *, today: date,
    by: StaffUser | None = None,
) -> Vacancy:  # fmt: skip
    _check(carer, by)
    vacancy = carers.add_vacancy(session, carer, data, today=today)
    session.flush()
    _record(session, AuditAction.PLACE_ADD, vacancy.id, by, list(data.__dict__))
    return vacancy


def update_place(
    session: Session, vacancy: Vacancy, data: carers.VacancyInput, *, today: date,
    by: StaffUser | None = None,
) -> None:  # fmt: skip
    _check(vacancy.carer, by)
    before = {name: getattr(vacancy, name) for name in data.__dict__}
    carers.update_vacancy(vacancy, data, today=today)
    changed = [name for name, value in before.items() if getattr(vacancy, name) != value]
    if changed:
        _record(session, AuditAction.PLACE_UPDATE, vacancy.id, by, changed)


def close_place(session: Session, vacancy: Vacancy, *, by: StaffUser | None = None) -> None:
    """The place is filled or withdrawn: it leaves the parents' search."""
    _check(vacancy.carer, by)
    _record(session, AuditAction.PLACE_CLOSE, vacancy.id, by, [])
    carers.remove_vacancy(session, vacancy)
