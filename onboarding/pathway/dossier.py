"""The agrément application's checklist (Cerfa n° 13394*05 and its pieces)."""

from datetime import date

from sqlalchemy import insert
from sqlalchemy.orm import Session

from onboarding.pathway import missing_pieces
from onboarding.pathway.errors import RuleViolation
from onboarding.pathway.models import Candidate, DossierItem, DossierItemKind, DossierItemStatus


def create_checklists(session: Session, candidate_ids: list[int]) -> None:
    """The checklist of many candidates just created (an import), in one statement."""
    rows = [
        {"candidate_id": id_, "kind": kind} for id_ in candidate_ids for kind in DossierItemKind
    ]
    if rows:
        session.execute(insert(DossierItem), rows)
        # No flush sees a bulk insert: the count it keeps is written here.
        missing_pieces.recompute(session.connection(), candidate_ids)


def create_checklist(session: Session, candidate: Candidate) -> list[DossierItem]:
    present = {item.kind for item in candidate.dossier_items}
    items = [
        DossierItem(candidate=candidate, kind=kind)
        for kind in DossierItemKind
        if kind not in present
    ]
    session.add_all(items)
    return items


def mark_item(
    item: DossierItem, status: DossierItemStatus | str, *, on: date | None, today: date
) -> None:
    try:
        status = DossierItemStatus(status)
    except ValueError:
        raise RuleViolation("État de pièce non reconnu.", field="status") from None
    if status == DossierItemStatus.NOT_APPLICABLE and item.kind != DossierItemKind.RESIDENCE_PERMIT:
        raise RuleViolation(
            f"« {item.kind.label} » est exigé de toute personne qui demande l'agrément.",
            field="status",
        )
    received_on = None
    if status == DossierItemStatus.RECEIVED:
        received_on = on or today
        if received_on > today:
            raise RuleViolation("La date de réception ne peut pas être dans le futur.", field="on")
    item.received_on = received_on
    item.status = status


def missing_items(candidate: Candidate) -> list[DossierItem]:
    return [item for item in candidate.dossier_items if item.status == DossierItemStatus.MISSING]
