"""The law refuses; the programme warns: a mandatory step of the configured pathway not done
asks for a written reason, then the dossier filing or the end-of-pathway attestation proceeds,
the reason kept in the transition log. The legal rules still refuse."""

from datetime import timedelta

import pytest

from onboarding.pathway import transitions
from onboarding.pathway.errors import ReasonRequired, RuleViolation
from onboarding.pathway.models import CandidateStatus
from tests import builders
from tests.pathway.expectations import nothing_changes

S = CandidateStatus
TODAY = builders.TODAY


@pytest.fixture
def candidate(session):
    builders.make_step(session, title="Réunion d'information")
    return builders.make_candidate(session, S.IN_PATHWAY)


def test_file_dossier_with_a_reason_proceeds_and_logs_it(session, candidate):
    log = transitions.file_dossier(
        session, candidate, actor=None, on=TODAY, today=TODAY, reason="  Déposé à la PMI.  "
    )
    assert candidate.status == S.DOSSIER_FILED
    assert candidate.dossier_filed_on == TODAY
    assert log.note == (
        "Étapes non terminées : Réunion d'information (1 séance à suivre). Motif : Déposé à la PMI."
    )


@pytest.mark.parametrize("reason", ["", "   "])
def test_file_dossier_without_a_reason_asks_for_one(session, candidate, reason):
    with pytest.raises(ReasonRequired) as asked, nothing_changes(session, candidate):
        transitions.file_dossier(
            session, candidate, actor=None, on=TODAY, today=TODAY, reason=reason
        )
    assert asked.value.missing == ["Réunion d'information (1 séance à suivre)"]
    assert asked.value.field == "reason"


def test_the_law_still_refuses_with_a_reason(session, candidate):
    with (
        pytest.raises(RuleViolation, match="ne peut pas être dans le futur"),
        nothing_changes(session, candidate),
    ):
        transitions.file_dossier(
            session, candidate, actor=None, on=TODAY + timedelta(days=1), today=TODAY,
            reason="Déposé à la PMI.",
        )  # fmt: skip


def test_a_reason_is_not_asked_nor_logged_when_every_step_is_done(session):
    candidate = builders.make_candidate(session, S.IN_PATHWAY)
    log = transitions.file_dossier(session, candidate, actor=None, on=TODAY, today=TODAY)
    assert log.note == ""
    assert transitions.attest_completion(session, candidate, actor=None, today=TODAY) is None


def test_too_long_a_reason_is_refused(session, candidate):
    with pytest.raises(RuleViolation, match="2000 caractères au plus"):
        transitions.file_dossier(
            session, candidate, actor=None, on=TODAY, today=TODAY, reason="x" * 2001
        )
    assert candidate.status == S.IN_PATHWAY


def test_the_attestation_with_steps_missing_asks_a_reason_then_logs_it(session, candidate):
    with pytest.raises(ReasonRequired, match="pourquoi l'attestation est délivrée quand même"):
        transitions.attest_completion(session, candidate, actor=None, today=TODAY)
    log = transitions.attest_completion(
        session, candidate, actor=None, today=TODAY, reason="Entrée en CAP AEPE."
    )
    assert (log.name, log.from_status, log.to_status) == (
        "attest_completion", S.IN_PATHWAY, S.IN_PATHWAY,
    )  # fmt: skip
    assert log.note.endswith("Motif : Entrée en CAP AEPE.")
    assert candidate.status == S.IN_PATHWAY
