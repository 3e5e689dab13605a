"""The models of the pathway, one module per concept, all importable from here."""

from onboarding.pathway.models.activities import (
    Activity,
    ActivityKind,
    Attendance,
    Enrollment,
    ImmersionConvention,
    ImmersionPurpose,
    PathwayStep,
)
from onboarding.pathway.models.agrement import (
    AgrementDecision,
    DecisionOutcome,
    DossierItem,
    DossierItemKind,
    DossierItemStatus,
    Training,
    TrainingKind,
)
from onboarding.pathway.models.candidates import (
    Candidate,
    CandidateStatus,
    ReferralSource,
    StatusAssignmentError,
    WithdrawalReason,
)
from onboarding.pathway.models.carers import (
    Carer,
    CarerSource,
    ContactOutcome,
    ContactRequest,
    Vacancy,
)
from onboarding.pathway.models.logs import AppendOnlyError, AuditLog, TransitionLog
from onboarding.pathway.models.reference import Commune, CommunePostcode
from onboarding.pathway.models.staff import Role, StaffUser

__all__ = [
    "Activity",
    "ActivityKind",
    "AgrementDecision",
    "AppendOnlyError",
    "Attendance",
    "AuditLog",
    "Candidate",
    "CandidateStatus",
    "Carer",
    "CarerSource",
    "Commune",
    "CommunePostcode",
    "ContactOutcome",
    "ContactRequest",
    "DecisionOutcome",
    "DossierItem",
    "DossierItemKind",
    "DossierItemStatus",
    "Enrollment",
    "ImmersionConvention",
    "ImmersionPurpose",
    "PathwayStep",
    "ReferralSource",
    "Role",
    "StaffUser",
    "StatusAssignmentError",
    "Training",
    "TrainingKind",
    "TransitionLog",
    "Vacancy",
    "WithdrawalReason",
]

# Register the flush listeners that keep Candidate.steps_reached and Candidate.next_deadline_on
# true (imported last: they use the models above).
from onboarding.pathway import next_deadline, steps_reached  # noqa: F401
