"""`Candidate.missing_pieces`: the number of dossier pieces still missing, kept by every flush
that adds, removes or changes a piece, and by the bulk creation of checklists; a write that
bypasses both is caught by the recount the tests compare with."""

import random

from sqlalchemy import func, select, update

from onboarding.pathway import dossier, missing_pieces, workload
from onboarding.pathway.models import (
    Candidate,
    CandidateStatus,
    DossierItem,
    DossierItemKind,
    DossierItemStatus,
)
from tests import builders
from tests.builders import TODAY

S = CandidateStatus
PIECES = len(DossierItemKind)


def recounted(session) -> dict[int, int]:
    """Every candidate's missing pieces, counted from the pieces themselves."""
    missing = dict(
        session.execute(
            select(DossierItem.candidate_id, func.count())
            .where(DossierItem.status == DossierItemStatus.MISSING)
            .group_by(DossierItem.candidate_id)
        ).all()
    )
    return {id_: missing.get(id_, 0) for id_ in session.scalars(select(Candidate.id))}


def kept(session) -> dict[int, int]:
    return dict(session.execute(select(Candidate.id, Candidate.missing_pieces)).all())


def piece(candidate: Candidate, kind: DossierItemKind) -> DossierItem:
    return next(item for item in candidate.dossier_items if item.kind == kind)


def test_each_piece_marked_changes_the_count_at_the_flush(session):
    candidate = builders.make_candidate(session, S.IN_PATHWAY)
    session.commit()
    assert candidate.missing_pieces == PIECES
    assert session.scalar(select(func.count()).where(workload.has_missing_pieces())) == 1

    dossier.mark_item(
        piece(candidate, DossierItemKind.CERFA_FORM), DossierItemStatus.RECEIVED, on=TODAY,
        today=TODAY,
    )  # fmt: skip
    dossier.mark_item(
        piece(candidate, DossierItemKind.RESIDENCE_PERMIT), DossierItemStatus.NOT_APPLICABLE,
        on=None, today=TODAY,
    )  # fmt: skip
    session.flush()
    # The loaded candidate sees it without a reload.
    assert candidate.missing_pieces == PIECES - 2
    for item in candidate.dossier_items:
        dossier.mark_item(item, DossierItemStatus.RECEIVED, on=TODAY, today=TODAY)
    session.commit()
    assert candidate.missing_pieces == 0
    assert session.scalar(select(func.count()).where(workload.has_missing_pieces())) == 0

    dossier.mark_item(
        piece(candidate, DossierItemKind.IDENTITY), DossierItemStatus.MISSING, on=None, today=TODAY
    )
    session.commit()
    session.expire_all()
    assert session.get(Candidate, candidate.id).missing_pieces == 1


def test_a_piece_removed_or_moved_to_someone_else_is_counted_for_both(session):
    first = builders.make_candidate(session, S.IN_PATHWAY, last_name="Première")
    second = builders.make_candidate(session, S.IN_PATHWAY, last_name="Seconde")
    session.commit()
    session.delete(piece(first, DossierItemKind.PROOF_OF_ADDRESS))
    session.delete(piece(first, DossierItemKind.MEDICAL_CERTIFICATE))
    session.flush()
    assert first.missing_pieces == PIECES - 2
    piece(second, DossierItemKind.MEDICAL_CERTIFICATE).candidate = first
    session.commit()
    assert kept(session) == recounted(session)
    assert (kept(session)[first.id], kept(session)[second.id]) == (PIECES - 1, PIECES - 1)


def test_checklists_written_in_bulk_are_counted(session):
    people = [builders.make_candidate(session, S.REFERRED, last_name=f"N{n}") for n in range(3)]
    ids = [person.id for person in people]
    session.execute(
        DossierItem.__table__.delete().where(DossierItem.candidate_id.in_(ids)),
    )
    missing_pieces.recompute(session.connection(), ids)
    assert {kept(session)[id_] for id_ in ids} == {0}
    dossier.create_checklists(session, ids)
    assert {kept(session)[id_] for id_ in ids} == {PIECES}
    assert kept(session) == recounted(session)


def test_random_changes_keep_the_count_and_a_bulk_update_is_caught(session):
    rng = random.Random(7)
    people = [
        builders.make_candidate(session, rng.choice((S.IN_PATHWAY, S.DOSSIER_FILED)))
        for _ in range(8)
    ]
    session.commit()
    statuses = list(DossierItemStatus)
    for _ in range(40):
        candidate = rng.choice(people)
        item = rng.choice(sorted(candidate.dossier_items, key=lambda i: i.id))
        status = rng.choice(statuses)
        if (
            status == DossierItemStatus.NOT_APPLICABLE
            and item.kind != DossierItemKind.RESIDENCE_PERMIT
        ):
            status = DossierItemStatus.MISSING
        dossier.mark_item(item, status, on=TODAY, today=TODAY)
        if rng.random() < 0.3:
            session.flush()
    session.commit()
    assert kept(session) == recounted(session)

    # The check can fail: an UPDATE no flush sees leaves the count behind.
    item = session.scalars(
        select(DossierItem).where(DossierItem.status == DossierItemStatus.RECEIVED)
    ).first()
    session.execute(
        update(DossierItem)
        .where(DossierItem.id == item.id)
        .values(status=DossierItemStatus.MISSING)
        .execution_options(synchronize_session=False)
    )
    assert kept(session) != recounted(session)
    missing_pieces.recompute(session.connection(), [item.candidate_id])
    assert kept(session) == recounted(session)
