"""The application checklist (Cerfa n° 13394*05, arrêté of 13 July 2022): only the residence
permit may be "not applicable"."""

import re
from datetime import date, timedelta

import pytest

from onboarding.pathway import dossier
from onboarding.pathway.errors import RuleViolation
from onboarding.pathway.models import (
    CandidateStatus,
    DossierItem,
    DossierItemKind,
    DossierItemStatus,
)
from tests import builders

TODAY = date(2026, 3, 16)
K, St = DossierItemKind, DossierItemStatus


def _item(kind=K.IDENTITY) -> DossierItem:
    return DossierItem(kind=kind, status=St.MISSING)


def test_received_piece_keeps_its_date_or_today():
    item = _item()
    dossier.mark_item(item, "received", on=date(2026, 3, 2), today=TODAY)
    assert (item.status, item.received_on) == (St.RECEIVED, date(2026, 3, 2))
    other = _item(K.PROOF_OF_ADDRESS)
    dossier.mark_item(other, St.RECEIVED, on=None, today=TODAY)
    assert other.received_on == TODAY


def test_received_in_the_future_refused():
    item = _item()
    with pytest.raises(RuleViolation, match="ne peut pas être dans le futur") as refused:
        dossier.mark_item(item, St.RECEIVED, on=TODAY + timedelta(days=1), today=TODAY)
    assert refused.value.field == "on"
    assert (item.status, item.received_on) == (St.MISSING, None)


def test_back_to_missing_clears_the_date():
    item = _item()
    dossier.mark_item(item, St.RECEIVED, on=TODAY, today=TODAY)
    dossier.mark_item(item, St.MISSING, on=TODAY, today=TODAY)
    assert (item.status, item.received_on) == (St.MISSING, None)


def test_only_the_residence_permit_may_be_not_applicable():
    """An EU/EEA national has no residence permit; every other piece is required of everyone."""
    permit = _item(K.RESIDENCE_PERMIT)
    dossier.mark_item(permit, "not_applicable", on=None, today=TODAY)
    assert (permit.status, permit.received_on) == (St.NOT_APPLICABLE, None)
    for kind in set(K) - {K.RESIDENCE_PERMIT}:
        item = _item(kind)
        with pytest.raises(
            RuleViolation, match=re.escape(f"« {kind.label} » est exigé")
        ) as refused:
            dossier.mark_item(item, St.NOT_APPLICABLE, on=None, today=TODAY)
        assert refused.value.field == "status"
        assert item.status == St.MISSING


def test_unknown_piece_status_refused():
    item = _item()
    with pytest.raises(RuleViolation, match="État de pièce non reconnu"):
        dossier.mark_item(item, "lost", on=None, today=TODAY)
    assert item.status == St.MISSING


def test_checklist_has_each_piece_once_and_lists_the_missing(session, today):
    candidate = builders.make_candidate(session, CandidateStatus.REFERRED)
    assert len(candidate.dossier_items) == len(K)
    assert dossier.create_checklist(session, candidate) == []  # already complete: nothing added
    session.flush()
    assert len(candidate.dossier_items) == len(K)
    identity = next(i for i in candidate.dossier_items if i.kind == K.IDENTITY)
    dossier.mark_item(identity, St.RECEIVED, on=today, today=today)
    missing = {item.kind for item in dossier.missing_items(candidate)}
    assert missing == set(K) - {K.IDENTITY}
