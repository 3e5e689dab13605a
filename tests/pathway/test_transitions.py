"""The pathway engine: each transition accepted from its source status, refused otherwise and by
each of its rules; a refusal changes nothing (status, journal, decision, carer)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from onboarding.pathway import dossier, enrollment, training, transitions
from onboarding.pathway.errors import ReasonRequired, RuleViolation, TransitionNotAllowed
from onboarding.pathway.models import (
    ActivityKind,
    AgrementDecision,
    CandidateStatus,
    Carer,
    DecisionOutcome,
    DossierItemKind,
    DossierItemStatus,
    WithdrawalReason,
)
from tests import builders
from tests.pathway.expectations import assert_logged, nothing_changes

S = CandidateStatus
TODAY = builders.TODAY
# The timeline make_candidate follows from its default referral date.
REFERRED_ON = TODAY - timedelta(days=150)  # 2025-10-17
STARTED_ON = REFERRED_ON + timedelta(days=7)  # 2025-10-24
FILED_ON = STARTED_ON + timedelta(days=30)  # 2025-11-23
COMPLETE_ON = STARTED_ON + timedelta(days=35)  # 2025-11-28
DECIDED_ON = COMPLETE_ON + timedelta(days=60)  # 2026-01-27
DECISION_DUE = date(2026, 2, 28)  # COMPLETE_ON + 3 months
APPEAL_LIMIT = date(2026, 3, 27)  # DECIDED_ON + 2 months


def _wrong_sources(name: str) -> list[CandidateStatus]:
    return [status for status in S if status not in transitions.TRANSITIONS[name].sources]


# The table itself ---------------------------------------------------------------------------


def test_every_transition_of_the_table_has_its_function_and_a_french_label():
    for name, transition in transitions.TRANSITIONS.items():
        assert callable(getattr(transitions, name)), name
        assert transition.label
        assert transition.sources
        assert transition.target not in transition.sources or name == "withdraw"


def test_every_status_has_a_french_label_and_is_reachable_or_the_start():
    targets = {t.target for t in transitions.TRANSITIONS.values()}
    for status in S:
        assert status.label
        assert status.label != status.value
        assert status in targets or status == S.REFERRED


def test_allowed_transitions_follow_the_source_status(session):
    candidate = builders.make_candidate(session, S.UNDER_EVALUATION)
    names = {t.name for t in transitions.allowed_transitions(candidate)}
    assert names == {"grant", "deem_granted", "refuse", "withdraw"}


ARGUMENTS = {
    "start_pathway": {"on": TODAY},
    "file_dossier": {"on": TODAY},
    "declare_dossier_complete": {"on": TODAY},
    "grant": {"decided_on": TODAY, "capacity": 4},
    "deem_granted": {},
    "refuse": {"decided_on": TODAY, "reason": "Motif"},
    "appeal": {"on": TODAY},
    "record_first_child": {"on": TODAY},
    "withdraw": {"on": TODAY, "reason": WithdrawalReason.MOVED},
}


@pytest.mark.parametrize("name", list(transitions.TRANSITIONS))
def test_a_transition_from_a_status_outside_its_sources_is_refused(session, today, name):
    """Whatever the arguments, the source status is checked first and nothing moves."""
    function = getattr(transitions, name)
    wrong_sources = _wrong_sources(name)
    assert wrong_sources
    for status in wrong_sources:
        candidate = builders.make_candidate(session, status)
        with (
            pytest.raises(TransitionNotAllowed, match=f"au statut « {status.label} »") as refused,
            nothing_changes(session, candidate),
        ):
            function(session, candidate, actor=None, today=today, **ARGUMENTS[name])
        label = transitions.TRANSITIONS[name].label
        assert refused.value.message.startswith(f"« {label} » n'est pas possible")
        assert candidate.status == status


# start_pathway ------------------------------------------------------------------------------


def test_start_pathway_moves_a_referred_candidate_into_the_pathway(session, today, coordinator_33):
    candidate = builders.make_candidate(session)
    log = transitions.start_pathway(
        session, candidate, actor=coordinator_33, on=today - timedelta(days=3), today=today
    )
    assert log is assert_logged(
        session, candidate, name="start_pathway", source=S.REFERRED, target=S.IN_PATHWAY,
        actor=coordinator_33, on=today - timedelta(days=3),
    )  # fmt: skip
    assert len(candidate.transitions) == 1


def test_start_pathway_refuses_a_date_in_the_future(session, today):
    candidate = builders.make_candidate(session)
    with (
        pytest.raises(RuleViolation, match="ne peut pas être dans le futur") as refused,
        nothing_changes(session, candidate),
    ):
        transitions.start_pathway(
            session, candidate, actor=None, on=today + timedelta(days=1), today=today
        )
    assert refused.value.field == "on"


def test_start_pathway_refuses_a_date_before_the_referral(session, today):
    candidate = builders.make_candidate(session)
    with (
        pytest.raises(RuleViolation, match=r"précéder l'orientation \(17/10/2025\)"),
        nothing_changes(session, candidate),
    ):
        transitions.start_pathway(
            session, candidate, actor=None, on=REFERRED_ON - timedelta(days=1), today=today
        )


def test_start_pathway_accepts_the_referral_day_itself(session, today):
    candidate = builders.make_candidate(session)
    transitions.start_pathway(session, candidate, actor=None, on=REFERRED_ON, today=today)
    assert_logged(
        session, candidate, name="start_pathway", source=S.REFERRED, target=S.IN_PATHWAY,
        actor=None, on=REFERRED_ON,
    )  # fmt: skip


# file_dossier (product rule: every mandatory step done) -------------------------------------


def _pathway_with_two_mandatory_steps(session):
    information = builders.make_step(
        session, ActivityKind.INFORMATION, title="Réunion d'information"
    )
    modules = builders.make_step(
        session, ActivityKind.MODULE, title="Premiers secours", sessions=2, hours=Decimal("3.5")
    )
    optional = builders.make_step(session, ActivityKind.COACHING, title="Atelier", mandatory=False)
    return information, modules, optional


def test_file_dossier_once_every_mandatory_step_is_done(session, today, coordinator_33):
    candidate = builders.make_candidate(session, S.IN_PATHWAY)
    information, modules, _optional = _pathway_with_two_mandatory_steps(session)
    builders.attend(session, candidate, builders.make_activity(session, information, on=today))
    for days in (1, 2):
        activity = builders.make_activity(session, modules, on=today - timedelta(days=days))
        builders.attend(session, candidate, activity, hours="1.75")
    transitions.file_dossier(session, candidate, actor=coordinator_33, on=today, today=today)
    assert_logged(
        session, candidate, name="file_dossier", source=S.IN_PATHWAY, target=S.DOSSIER_FILED,
        actor=coordinator_33, on=today,
    )  # fmt: skip
    assert candidate.dossier_filed_on == today


def test_file_dossier_names_the_mandatory_steps_not_done_product_rule(session, today):
    """The message names each unfinished mandatory step with what is left; an optional step
    never blocks."""
    candidate = builders.make_candidate(session, S.IN_PATHWAY)
    _information, modules, _optional = _pathway_with_two_mandatory_steps(session)
    activity = builders.make_activity(session, modules, on=today)
    builders.attend(session, candidate, activity, hours="1.5")
    with (
        pytest.raises(ReasonRequired) as refused,
        nothing_changes(session, candidate),
    ):
        transitions.file_dossier(session, candidate, actor=None, on=today, today=today)
    assert refused.value.message == (
        "Des étapes obligatoires du parcours ne sont pas terminées : "
        "Réunion d'information (1 séance à suivre) ; Premiers secours (1 séance et 2 h à suivre)."
        " Indiquez par écrit pourquoi le dossier est déposé quand même."
    )
    assert refused.value.missing == [
        "Réunion d'information (1 séance à suivre)",
        "Premiers secours (1 séance et 2 h à suivre)",
    ]
    assert "Atelier" not in refused.value.message
    assert candidate.dossier_filed_on is None


def test_file_dossier_ignores_an_inactive_step(session, today):
    candidate = builders.make_candidate(session, S.IN_PATHWAY)
    step = builders.make_step(session, ActivityKind.INFORMATION)
    step.is_active = False
    transitions.file_dossier(session, candidate, actor=None, on=today, today=today)
    assert candidate.status == S.DOSSIER_FILED


def test_file_dossier_refuses_a_date_in_the_future(session, today):
    candidate = builders.make_candidate(session, S.IN_PATHWAY)
    with (
        pytest.raises(RuleViolation, match="dans le futur"),
        nothing_changes(session, candidate),
    ):
        transitions.file_dossier(
            session, candidate, actor=None, on=today + timedelta(days=1), today=today
        )


def test_file_dossier_refuses_a_date_before_the_referral(session, today):
    candidate = builders.make_candidate(session, S.IN_PATHWAY)
    with (
        pytest.raises(RuleViolation, match="précéder l'orientation"),
        nothing_changes(session, candidate),
    ):
        transitions.file_dossier(
            session, candidate, actor=None, on=REFERRED_ON - timedelta(days=1), today=today
        )


# declare_dossier_complete (starts the 3-month and 6-month clocks) ---------------------------


def _receive_all(candidate, *, on: date, today: date) -> None:
    for item in candidate.dossier_items:
        dossier.mark_item(item, DossierItemStatus.RECEIVED, on=on, today=today)


def test_declare_dossier_complete_when_every_piece_is_received(session, today, coordinator_33):
    candidate = builders.make_candidate(session, S.DOSSIER_FILED)
    _receive_all(candidate, on=today, today=today)
    transitions.declare_dossier_complete(
        session, candidate, actor=coordinator_33, on=today, today=today
    )
    assert_logged(
        session, candidate, name="declare_dossier_complete", source=S.DOSSIER_FILED,
        target=S.UNDER_EVALUATION, actor=coordinator_33, on=today,
    )  # fmt: skip
    assert candidate.dossier_complete_on == today


def test_declare_dossier_complete_accepts_a_residence_permit_not_applicable(session, today):
    """An EU/EEA national has no residence permit to give (arrêté of 13 July 2022)."""
    candidate = builders.make_candidate(session, S.DOSSIER_FILED)
    for item in candidate.dossier_items:
        status = (
            DossierItemStatus.NOT_APPLICABLE
            if item.kind == DossierItemKind.RESIDENCE_PERMIT
            else DossierItemStatus.RECEIVED
        )
        dossier.mark_item(item, status, on=today, today=today)
    transitions.declare_dossier_complete(session, candidate, actor=None, on=today, today=today)
    assert candidate.status == S.UNDER_EVALUATION


def test_declare_dossier_complete_names_the_missing_pieces_cerfa_13394(session, today):
    candidate = builders.make_candidate(session, S.DOSSIER_FILED)
    for item in candidate.dossier_items:
        if item.kind not in (DossierItemKind.MEDICAL_CERTIFICATE, DossierItemKind.IDENTITY):
            dossier.mark_item(item, DossierItemStatus.RECEIVED, on=today, today=today)
    with (
        pytest.raises(
            RuleViolation, match=r"Le dossier n'est pas complet\. Pièces manquantes"
        ) as refused,
        nothing_changes(session, candidate),
    ):
        transitions.declare_dossier_complete(session, candidate, actor=None, on=today, today=today)
    assert "Pièce d'identité" in refused.value.message
    assert "Certificat médical (art. R421-3)" in refused.value.message
    assert "Justificatif de domicile" not in refused.value.message
    assert candidate.dossier_complete_on is None


def test_declare_dossier_complete_refuses_an_empty_checklist(session, today):
    candidate = builders.make_candidate(session, S.DOSSIER_FILED)
    for item in list(candidate.dossier_items):
        session.delete(item)
    session.flush()
    session.expire(candidate, ["dossier_items"])
    with (
        pytest.raises(RuleViolation, match="aucune pièce enregistrée"),
        nothing_changes(session, candidate),
    ):
        transitions.declare_dossier_complete(session, candidate, actor=None, on=today, today=today)


def test_declare_dossier_complete_refuses_a_date_in_the_future(session, today):
    candidate = builders.make_candidate(session, S.DOSSIER_FILED)
    _receive_all(candidate, on=today, today=today)
    with pytest.raises(RuleViolation, match="dans le futur"), nothing_changes(session, candidate):
        transitions.declare_dossier_complete(
            session, candidate, actor=None, on=today + timedelta(days=1), today=today
        )


def test_declare_dossier_complete_refuses_a_date_before_the_filing(session, today):
    candidate = builders.make_candidate(session, S.DOSSIER_FILED)
    _receive_all(candidate, on=today, today=today)
    with (
        pytest.raises(RuleViolation, match=r"précéder le dépôt du dossier \(23/11/2025\)"),
        nothing_changes(session, candidate),
    ):
        transitions.declare_dossier_complete(
            session, candidate, actor=None, on=FILED_ON - timedelta(days=1), today=today
        )


# grant (L421-4: 1 to 4 children; a first agrément at least 2; fewer than 4 motivated) -------


def test_grant_records_the_decision_creates_the_carer_and_logs(session, today, coordinator_33):
    candidate = builders.make_candidate(session, S.UNDER_EVALUATION)
    decision = transitions.grant(
        session, candidate, actor=coordinator_33, decided_on=today, capacity=4, today=today
    )
    assert_logged(
        session, candidate, name="grant", source=S.UNDER_EVALUATION, target=S.APPROVED,
        actor=coordinator_33, on=today,
    )  # fmt: skip
    assert decision.outcome == DecisionOutcome.GRANTED
    assert (decision.capacity, decision.reason, decision.is_renewal) == (4, "", False)
    # D421-12: 5 years, the last day being the eve of the anniversary.
    assert decision.valid_until == date(2031, 3, 15)
    assert decision.created_by == coordinator_33
    carer = candidate.carer
    assert carer is not None
    assert carer.agrement_on == today
    assert carer.agrement_capacity == 4
    assert (carer.first_name, carer.last_name) == (candidate.first_name, candidate.last_name)
    assert carer.department_code == "33"
    assert not carer.is_published


def test_grant_refuses_a_capacity_outside_one_to_four_L421_4(session, today):
    candidate = builders.make_candidate(session, S.UNDER_EVALUATION)
    for capacity in (0, 5, -1):
        with (
            pytest.raises(
                RuleViolation, match=r"1 à 4 enfants accueillis simultanément"
            ) as refused,
            nothing_changes(session, candidate),
        ):
            transitions.grant(
                session, candidate, actor=None, decided_on=today, capacity=capacity,
                reason="Même motivé", today=today,
            )  # fmt: skip
        assert refused.value.field == "capacity"


def test_grant_below_four_without_written_reason_is_refused_L421_4(session, today):
    candidate = builders.make_candidate(session, S.UNDER_EVALUATION)
    with (
        pytest.raises(RuleViolation, match="moins de 4 enfants est une restriction") as refused,
        nothing_changes(session, candidate),
    ):
        transitions.grant(
            session, candidate, actor=None, decided_on=today, capacity=3, reason="  ", today=today
        )
    assert refused.value.field == "reason"


def test_grant_below_four_with_written_reason_is_accepted_L421_4(session, today):
    candidate = builders.make_candidate(session, S.UNDER_EVALUATION)
    decision = transitions.grant(
        session, candidate, actor=None, decided_on=today, capacity=3,
        reason="  Surface du logement.  ", today=today,
    )  # fmt: skip
    assert candidate.status == S.APPROVED
    assert (decision.capacity, decision.reason) == (3, "Surface du logement.")
    assert candidate.carer.agrement_capacity == 3


def test_first_agrement_under_two_without_reason_is_refused_L421_4(session, today):
    candidate = builders.make_candidate(session, S.UNDER_EVALUATION)
    with (
        pytest.raises(RuleViolation, match="premier agrément est accordé pour au moins 2"),
        nothing_changes(session, candidate),
    ):
        transitions.grant(session, candidate, actor=None, decided_on=today, capacity=1, today=today)


def test_first_agrement_for_one_child_with_reason_is_accepted_L421_4(session, today):
    candidate = builders.make_candidate(session, S.UNDER_EVALUATION)
    decision = transitions.grant(
        session, candidate, actor=None, decided_on=today, capacity=1,
        reason="Conditions d'accueil limitées à un enfant.", today=today,
    )  # fmt: skip
    assert decision.capacity == 1
    assert candidate.status == S.APPROVED


def test_grant_refuses_a_future_decision_date(session, today):
    candidate = builders.make_candidate(session, S.UNDER_EVALUATION)
    with pytest.raises(RuleViolation, match="dans le futur"), nothing_changes(session, candidate):
        transitions.grant(
            session, candidate, actor=None, decided_on=today + timedelta(days=1), capacity=4,
            today=today,
        )  # fmt: skip


def test_grant_refuses_a_decision_before_the_complete_dossier(session, today):
    candidate = builders.make_candidate(session, S.UNDER_EVALUATION)
    with (
        pytest.raises(RuleViolation, match=r"précéder le dossier complet \(28/11/2025\)"),
        nothing_changes(session, candidate),
    ):
        transitions.grant(
            session, candidate, actor=None, decided_on=COMPLETE_ON - timedelta(days=1),
            capacity=4, today=today,
        )  # fmt: skip


# deem_granted (L421-6: no decision within 3 months of the complete dossier) -----------------


def test_deemed_granted_on_the_day_three_months_after_the_complete_dossier_L421_6(
    session, coordinator_33
):
    candidate = builders.make_candidate(session, S.UNDER_EVALUATION, capacity=3)
    decision = transitions.deem_granted(
        session, candidate, actor=coordinator_33, today=DECISION_DUE
    )
    assert_logged(
        session, candidate, name="deem_granted", source=S.UNDER_EVALUATION, target=S.APPROVED,
        actor=coordinator_33, on=DECISION_DUE,
    )  # fmt: skip
    assert decision.outcome == DecisionOutcome.DEEMED_GRANTED
    # The agrément covers the number of children asked for in the dossier.
    assert (decision.decided_on, decision.capacity) == (DECISION_DUE, 3)
    assert decision.valid_until == date(2031, 2, 27)
    assert candidate.carer.agrement_on == DECISION_DUE
    assert candidate.carer.agrement_capacity == 3


def test_deemed_granted_only_after_three_months_L421_6(session):
    candidate = builders.make_candidate(session, S.UNDER_EVALUATION, today=date(2026, 2, 1))
    with (
        pytest.raises(RuleViolation, match=r"soit à partir du 28/02/2026 \(art. L421-6\)"),
        nothing_changes(session, candidate),
    ):
        transitions.deem_granted(
            session, candidate, actor=None, today=DECISION_DUE - timedelta(days=1)
        )


def test_deemed_granted_needs_the_requested_capacity_L421_6(session, today):
    candidate = builders.make_candidate(session, S.UNDER_EVALUATION, requested_capacity=None)
    with (
        pytest.raises(RuleViolation, match="nombre d'enfants demandé") as refused,
        nothing_changes(session, candidate),
    ):
        transitions.deem_granted(session, candidate, actor=None, today=today)
    assert refused.value.field == "requested_capacity"


def test_no_deemed_agrement_once_a_refusal_was_notified_L421_6(session):
    """A refusal answered the application: after a recours gracieux the file is back under
    evaluation, but the 3 months of the original dossier have long passed and silence on the
    appeal does not make the agrément acquired."""
    later = date(2026, 3, 20)
    candidate = builders.make_candidate(session, S.REFUSED)
    transitions.appeal(session, candidate, actor=None, on=date(2026, 3, 1), today=later)
    with (
        pytest.raises(RuleViolation, match="refus d'agrément a été notifié"),
        nothing_changes(session, candidate),
    ):
        transitions.deem_granted(session, candidate, actor=None, today=later)
    assert candidate.status == S.UNDER_EVALUATION


# refuse (a refusal is motivated in writing) -------------------------------------------------


def test_refuse_records_a_motivated_refusal(session, today, coordinator_33):
    candidate = builders.make_candidate(session, S.UNDER_EVALUATION)
    decision = transitions.refuse(
        session, candidate, actor=coordinator_33, decided_on=today,
        reason="  Logement non sécurisé.  ", today=today,
    )  # fmt: skip
    log = assert_logged(
        session, candidate, name="refuse", source=S.UNDER_EVALUATION, target=S.REFUSED,
        actor=coordinator_33, on=today,
    )  # fmt: skip
    assert log.note == "Logement non sécurisé."
    assert decision.outcome == DecisionOutcome.REFUSED
    assert (decision.capacity, decision.valid_until) == (None, None)
    assert decision.reason == "Logement non sécurisé."
    assert candidate.carer is None
    assert session.scalar(select(func.count()).select_from(Carer)) == 0


def test_refusal_without_written_reason_is_refused(session, today):
    candidate = builders.make_candidate(session, S.UNDER_EVALUATION)
    for reason in ("", "   \n "):
        with (
            pytest.raises(RuleViolation, match="doit être motivé par écrit") as refused,
            nothing_changes(session, candidate),
        ):
            transitions.refuse(
                session, candidate, actor=None, decided_on=today, reason=reason, today=today
            )
        assert refused.value.field == "reason"


def test_refuse_refuses_a_future_date(session, today):
    candidate = builders.make_candidate(session, S.UNDER_EVALUATION)
    with pytest.raises(RuleViolation, match="dans le futur"), nothing_changes(session, candidate):
        transitions.refuse(
            session, candidate, actor=None, decided_on=today + timedelta(days=1),
            reason="Motif", today=today,
        )  # fmt: skip


def test_refuse_refuses_a_date_before_the_complete_dossier(session, today):
    candidate = builders.make_candidate(session, S.UNDER_EVALUATION)
    with (
        pytest.raises(RuleViolation, match="précéder le dossier complet"),
        nothing_changes(session, candidate),
    ):
        transitions.refuse(
            session, candidate, actor=None, decided_on=COMPLETE_ON - timedelta(days=1),
            reason="Motif", today=today,
        )  # fmt: skip


# appeal (recours gracieux within 2 months of the refusal) -----------------------------------


def test_appeal_on_the_last_day_of_the_two_months_puts_the_file_back_under_evaluation(
    session, coordinator_33
):
    later = date(2026, 4, 30)
    candidate = builders.make_candidate(session, S.REFUSED)
    transitions.appeal(session, candidate, actor=coordinator_33, on=APPEAL_LIMIT, today=later)
    assert_logged(
        session, candidate, name="appeal", source=S.REFUSED, target=S.UNDER_EVALUATION,
        actor=coordinator_33, on=APPEAL_LIMIT,
    )  # fmt: skip
    # The refusal stays on record; a new decision may follow.
    assert [d.outcome for d in candidate.decisions] == [DecisionOutcome.REFUSED]
    transitions.grant(session, candidate, actor=None, decided_on=later, capacity=4, today=later)
    assert candidate.status == S.APPROVED


def test_appeal_after_two_months_is_refused(session):
    later = date(2026, 4, 30)
    candidate = builders.make_candidate(session, S.REFUSED)
    with (
        pytest.raises(
            RuleViolation, match="dans les 2 mois suivant le refus, soit au plus tard le 27/03/2026"
        ) as refused,
        nothing_changes(session, candidate),
    ):
        transitions.appeal(
            session, candidate, actor=None, on=APPEAL_LIMIT + timedelta(days=1), today=later
        )
    assert refused.value.field == "on"


def test_appeal_refuses_a_future_date(session, today):
    candidate = builders.make_candidate(session, S.REFUSED)
    with pytest.raises(RuleViolation, match="dans le futur"), nothing_changes(session, candidate):
        transitions.appeal(
            session, candidate, actor=None, on=today + timedelta(days=1), today=today
        )


def test_appeal_refuses_a_date_before_the_refusal(session, today):
    candidate = builders.make_candidate(session, S.REFUSED)
    with (
        pytest.raises(RuleViolation, match=r"précéder le refus \(27/01/2026\)"),
        nothing_changes(session, candidate),
    ):
        transitions.appeal(
            session, candidate, actor=None, on=DECIDED_ON - timedelta(days=1), today=today
        )


# record_first_child (D421-44: no child before part 1 of the training) -----------------------


def _part1_done(session, candidate, on: date, today: date) -> None:
    builders.complete_part1(session, candidate, on=on, today=today)


def test_record_first_child_after_part1_training(session, today, coordinator_33):
    candidate = builders.make_candidate(session, S.APPROVED)
    _part1_done(session, candidate, on=today - timedelta(days=10), today=today)
    transitions.record_first_child(
        session, candidate, actor=coordinator_33, on=today - timedelta(days=2), today=today
    )
    assert_logged(
        session, candidate, name="record_first_child", source=S.APPROVED, target=S.ACTIVE,
        actor=coordinator_33, on=today - timedelta(days=2),
    )  # fmt: skip
    assert candidate.carer.first_child_on == today - timedelta(days=2)


def test_first_child_before_part1_training_is_refused_D421_44(session, today):
    candidate = builders.make_candidate(session, S.APPROVED)
    # 80 hours, but the evaluation is not passed yet.
    for block, hours, first_aid in builders.PART1_BLOCKS:
        training.record_course(
            session, candidate, part=1, block=block, hours=hours, completed_on=today,
            today=today, includes_first_aid=first_aid,
        )  # fmt: skip
    session.flush()
    training.record_part1_evaluation(
        session, candidate, passed=False, completed_on=today, today=today
    )
    with (
        pytest.raises(RuleViolation, match="avant la fin de la première partie de la formation"),
        nothing_changes(session, candidate),
    ):
        transitions.record_first_child(session, candidate, actor=None, on=today, today=today)


def test_first_child_dated_before_the_part1_evaluation_is_refused_D421_44(session, today):
    """The training recorded later does not make an earlier arrival lawful."""
    candidate = builders.make_candidate(session, S.APPROVED)
    _part1_done(session, candidate, on=today - timedelta(days=5), today=today)
    with (
        pytest.raises(RuleViolation, match="achevée le 11/03/2026"),
        nothing_changes(session, candidate),
    ):
        transitions.record_first_child(
            session, candidate, actor=None, on=today - timedelta(days=6), today=today
        )


def test_record_first_child_refuses_a_future_date(session, today):
    candidate = builders.make_candidate(session, S.APPROVED)
    _part1_done(session, candidate, on=today, today=today)
    with pytest.raises(RuleViolation, match="dans le futur"), nothing_changes(session, candidate):
        transitions.record_first_child(
            session, candidate, actor=None, on=today + timedelta(days=1), today=today
        )


def test_record_first_child_refuses_a_date_before_the_agrement(session, today):
    candidate = builders.make_candidate(session, S.APPROVED)
    _part1_done(session, candidate, on=DECIDED_ON, today=today)
    with (
        pytest.raises(RuleViolation, match=r"précéder l'agrément \(27/01/2026\)"),
        nothing_changes(session, candidate),
    ):
        transitions.record_first_child(
            session, candidate, actor=None, on=DECIDED_ON - timedelta(days=1), today=today
        )


# withdraw (a reason; "other" needs a note; upcoming seats are given back) -------------------


def test_withdraw_from_any_status_but_withdrawn(session, today, coordinator_33):
    for status in (s for s in S if s != S.WITHDRAWN):
        candidate = builders.make_candidate(session, status)
        transitions.withdraw(
            session, candidate, actor=coordinator_33, on=today,
            reason=WithdrawalReason.JOB_OR_TRAINING.value, today=today,
        )  # fmt: skip
        log = assert_logged(
            session, candidate, name="withdraw", source=status, target=S.WITHDRAWN,
            actor=coordinator_33, on=today,
        )  # fmt: skip
        assert log.note == "Reprise d'emploi ou de formation"
        assert candidate.withdrawal_reason == WithdrawalReason.JOB_OR_TRAINING
        assert candidate.withdrawal_note is None


def test_withdraw_without_a_known_reason_is_refused(session, today):
    candidate = builders.make_candidate(session, S.IN_PATHWAY)
    for reason in (None, "", "not_a_reason"):
        with (
            pytest.raises(RuleViolation, match="Choisissez le motif") as refused,
            nothing_changes(session, candidate),
        ):
            transitions.withdraw(
                session, candidate, actor=None, on=today, reason=reason, today=today
            )
        assert refused.value.field == "reason"


def test_withdraw_for_other_reason_without_note_is_refused(session, today):
    candidate = builders.make_candidate(session, S.IN_PATHWAY)
    with (
        pytest.raises(RuleViolation, match="Précisez le motif") as refused,
        nothing_changes(session, candidate),
    ):
        transitions.withdraw(
            session, candidate, actor=None, on=today, reason=WithdrawalReason.OTHER,
            note="   ", today=today,
        )  # fmt: skip
    assert refused.value.field == "note"


def test_withdraw_for_other_reason_with_note_keeps_the_note(session, today):
    candidate = builders.make_candidate(session, S.IN_PATHWAY)
    transitions.withdraw(
        session, candidate, actor=None, on=today, reason="other",
        note=" Garde d'un parent malade. ", today=today,
    )  # fmt: skip
    assert candidate.status == S.WITHDRAWN
    assert candidate.withdrawal_reason == WithdrawalReason.OTHER
    assert candidate.withdrawal_note == "Garde d'un parent malade."


def test_withdraw_refuses_a_future_date(session, today):
    candidate = builders.make_candidate(session, S.IN_PATHWAY)
    with pytest.raises(RuleViolation, match="dans le futur"), nothing_changes(session, candidate):
        transitions.withdraw(
            session, candidate, actor=None, on=today + timedelta(days=1),
            reason=WithdrawalReason.MOVED, today=today,
        )  # fmt: skip


def test_withdraw_refuses_a_date_before_the_referral(session, today):
    candidate = builders.make_candidate(session, S.IN_PATHWAY)
    with (
        pytest.raises(RuleViolation, match="précéder l'orientation"),
        nothing_changes(session, candidate),
    ):
        transitions.withdraw(
            session, candidate, actor=None, on=REFERRED_ON - timedelta(days=1),
            reason=WithdrawalReason.MOVED, today=today,
        )  # fmt: skip


def test_withdraw_gives_back_upcoming_seats_and_keeps_the_past(session, today):
    candidate = builders.make_candidate(session, S.IN_PATHWAY)
    step = builders.make_step(session, ActivityKind.COACHING)
    past = builders.make_activity(session, step, on=today - timedelta(days=7))
    builders.attend(session, candidate, past)
    upcoming = builders.make_activity(session, step, on=today + timedelta(days=7), capacity=2)
    enrollment.enroll(session, candidate, upcoming, actor=None, today=today)
    assert upcoming.seats_taken == 1
    transitions.withdraw(
        session, candidate, actor=None, on=today, reason=WithdrawalReason.HEALTH, today=today
    )
    session.flush()
    session.expire_all()
    assert upcoming.seats_taken == 0
    assert [e.activity_id for e in candidate.enrollments] == [past.id]
    assert past.seats_taken == 1


# A refused transition leaves the database as it was ----------------------------------------


def test_a_refused_grant_adds_no_decision_and_no_carer_row(session, today):
    candidate = builders.make_candidate(session, S.UNDER_EVALUATION)
    with pytest.raises(RuleViolation):
        transitions.grant(session, candidate, actor=None, decided_on=today, capacity=2, today=today)
    session.commit()
    assert session.scalar(select(func.count()).select_from(AgrementDecision)) == 0
    assert session.scalar(select(func.count()).select_from(Carer)) == 0
    session.refresh(candidate)
    assert candidate.status == S.UNDER_EVALUATION
    assert [log.name for log in candidate.transitions] == [
        "start_pathway",
        "file_dossier",
        "declare_dossier_complete",
    ]
