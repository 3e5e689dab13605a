"""The audit trail: who changed what (the journals' append-only guard lives with their models)."""

from sqlalchemy.orm import Session

from onboarding.pathway.models import AuditLog, StaffUser


def record(
    session: Session,
    *,
    actor: StaffUser | None,
    action: str,
    object_type: str,
    object_id: object,
    fields: list[str] | None = None,
) -> AuditLog:
    entry = AuditLog(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        fields=sorted(fields or []),
    )
    session.add(entry)
    return entry
