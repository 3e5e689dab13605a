"""The audit trail: who changed what (the journals' append-only guard lives with their models)."""

from sqlalchemy.orm import Session

from onboarding.pathway.models import AuditAction, AuditLog, StaffUser


def record(
    session: Session,
    *,
    actor: StaffUser | None,
    action: AuditAction,
    object_type: str,
    object_id: object,
    fields: list[str] | None = None,
) -> AuditLog:
    if not isinstance(action, AuditAction):
        # A free string would reach the journal without a French label.
        raise TypeError(f"audit.record takes an AuditAction, not {action!r}")
    entry = AuditLog(
        actor=actor,
        action=action.value,
        object_type=object_type,
        object_id=str(object_id),
        fields=sorted(fields or []),
    )
    session.add(entry)
    return entry
