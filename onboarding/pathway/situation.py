"""Where a candidate stands: the legal deadlines that concern them, and THE rule of their next
deadline, with its SQL form (over the columns pathway.next_deadline keeps from the same function)
for the list's order and filter, the panel's home and the indicators."""

from datetime import date, timedelta

from onboarding.pathway import deadlines, training
from onboarding.pathway.deadlines import Deadline
from onboarding.pathway.models import (
    Candidate,
    CandidateStatus,
)

S = CandidateStatus
TRAINING_STATUSES = (S.UNDER_EVALUATION, S.APPROVED)
AGREMENT_STATUSES = (S.APPROVED, S.ACTIVE)

LABELS = {
    "decision": "Décision sur l'agrément (sinon réputé acquis)",
    "training_part1": "Formation initiale, première partie (80 h)",
    "renewal_notice": "Envoi du dossier de renouvellement par le département",
    "expiry": "Fin de validité de l'agrément",
    "training_part2": "Formation initiale, deuxième partie (40 h)",
    "appeal": "Recours gracieux possible jusqu'au",
}


def candidate_deadlines(candidate: Candidate, *, extended_training: bool = False) -> list[Deadline]:
    """The clocks running for this candidate, in date order; met ones carry their date."""
    found: list[Deadline] = []
    complete_on = candidate.dossier_complete_on
    positive = [d for d in candidate.decisions if d.is_positive]
    latest = candidate.decisions[-1] if candidate.decisions else None
    if complete_on and candidate.status in (S.UNDER_EVALUATION, *AGREMENT_STATUSES, S.REFUSED):
        decided = latest.decided_on if latest and latest.decided_on >= complete_on else None
        found.append(
            Deadline(
                "decision",
                LABELS["decision"],
                deadlines.decision_due(complete_on),
                decided,
            )
        )
    if complete_on and candidate.status in (*TRAINING_STATUSES, S.ACTIVE):
        found.append(
            Deadline(
                "training_part1",
                LABELS["training_part1"],
                deadlines.training_part1_due(complete_on, extended=extended_training),
                training.part1_done_on(candidate),
            )
        )
    if positive and candidate.status in AGREMENT_STATUSES:
        current = positive[-1]
        found.append(
            Deadline(
                "renewal_notice",
                LABELS["renewal_notice"],
                deadlines.renewal_notice(current.valid_until),
            )
        )
        found.append(Deadline("expiry", LABELS["expiry"], current.valid_until))
    carer = candidate.carer
    if carer is not None and carer.first_child_on is not None:
        found.append(
            Deadline(
                "training_part2",
                LABELS["training_part2"],
                deadlines.training_part2_due(carer.first_child_on),
                carer.first_child_on if training.part2_done(candidate) else None,
            )
        )
    if candidate.status == S.REFUSED and latest is not None:
        found.append(
            Deadline(
                "appeal",
                LABELS["appeal"],
                deadlines.appeal_deadline(latest.decided_on),
                lapses=True,
            )
        )
    return sorted(found, key=lambda d: d.due_on)


# Where part-1 training is due 8 months after the complete dossier instead of 6 (D421-44): set
# from the deployment's configuration when the app starts (EXTENDED_TRAINING_DEPARTMENTS).
_extended_departments: frozenset[str] = frozenset()


def configure(*, extended_training_departments) -> None:
    global _extended_departments
    _extended_departments = frozenset(str(code) for code in extended_training_departments or ())


def extended_training_departments() -> frozenset[str]:
    return _extended_departments


def deadlines_where(candidate: Candidate, extended_departments=None) -> list[Deadline]:
    """candidate_deadlines, part-1 training getting 8 months in the listed départements (by
    default, the configured ones)."""
    if extended_departments is None:
        extended_departments = _extended_departments
    return candidate_deadlines(
        candidate, extended_training=candidate.department_code in extended_departments
    )


# The clocks that make a candidate's next deadline: those someone must act on. The appeal is the
# candidate's right, not a clock on the programme: the candidate page shows it, the lists do not.
WATCHED = frozenset({"decision", "training_part1", "renewal_notice", "expiry", "training_part2"})


def next_deadline(candidate: Candidate, extended_departments=None) -> Deadline | None:
    """THE rule: the earliest watched deadline not yet met. The panel's list (column, filter,
    sort), the candidate page, the candidate space and the indicators all read it, the SQL side
    through the columns that pathway.next_deadline keeps from this very function."""
    pending = [
        d
        for d in deadlines_where(candidate, extended_departments)
        if d.met_on is None and d.code in WATCHED
    ]
    return min(pending, key=lambda d: d.due_on) if pending else None


def kept_next_deadline(candidate: Candidate) -> Deadline | None:
    """The next deadline as kept on the row: what the list shows beside its SQL order."""
    if candidate.next_deadline_on is None or candidate.next_deadline is None:
        return None
    code = candidate.next_deadline
    return Deadline(code, LABELS.get(code, code), candidate.next_deadline_on)


# --- the same rule in SQL, over the kept columns ------------------------------------------------
def next_deadline_order():
    """Soonest first (past ones first of all), people without a deadline last; an index walk."""
    return (Candidate.next_deadline_on.asc().nulls_last(), Candidate.id.asc())


def deadline_attention_clause(today: date, *, within_days: int = deadlines.NEAR_DAYS):
    """Candidates whose next deadline is past or due within `within_days`."""
    return Candidate.next_deadline_on <= today + timedelta(days=within_days)


def past_deadline_clause(today: date):
    """Candidates whose next deadline is past (due before today, not met)."""
    return Candidate.next_deadline_on < today
