"""The audit trail: who changed what (the journals' append-only guard lives with their models)."""

from sqlalchemy import insert
from sqlalchemy.orm import Session

from onboarding.pathway.models import AuditAction, AuditLog, StaffUser


def _checked(action: AuditAction) -> AuditAction:
    if not isinstance(action, AuditAction):
        # A free string would reach the journal without a French label.
        raise TypeError(f"audit.record takes an AuditAction, not {action!r}")
    return action


def record_many(
    session: Session,
    *,
    actor: StaffUser | None,
    action: AuditAction,
    object_type: str,
    object_ids: list,
    fields: list[str],
) -> None:
    """The same change to many rows (an import), written in one statement."""
    _checked(action)
    rows = [
        {"actor_id": actor.id if actor else None, "action": action.value,
         "object_type": object_type, "object_id": str(object_id), "fields": sorted(fields)}
        for object_id in object_ids
    ]  # fmt: skip
    if rows:
        session.execute(insert(AuditLog), rows)


def record(
    session: Session,
    *,
    actor: StaffUser | None,
    action: AuditAction,
    object_type: str,
    object_id: object,
    fields: list[str] | None = None,
) -> AuditLog:
    _checked(action)
    entry = AuditLog(
        actor=actor,
        action=action.value,
        object_type=object_type,
        object_id=str(object_id),
        fields=sorted(fields or []),
    )
    session.add(entry)
    return entry
