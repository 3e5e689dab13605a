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
from onboarding.pathway.models.alerts import SearchAlert
from onboarding.pathway.models.candidates import (
    Candidate,
    CandidateStatus,
    ReferralSource,
    StatusAssignmentError,
    WithdrawalReason,
)
from onboarding.pathway.models.carers import (
    Carer,
    CarerAnswer,
    CarerSource,
    ContactOutcome,
    ContactRequest,
    Vacancy,
)
from onboarding.pathway.models.imports import ImportKind, ImportUpload
from onboarding.pathway.models.indicators import IndicatorCount
from onboarding.pathway.models.intake import PreRegistration, PreRegistrationStatus, Situation
from onboarding.pathway.models.logs import AppendOnlyError, AuditAction, AuditLog, TransitionLog
from onboarding.pathway.models.mam import Mam
from onboarding.pathway.models.messages import (
    Channel,
    MessageKind,
    MessageStatus,
    OutboxMessage,
)
from onboarding.pathway.models.reference import Commune, CommunePostcode
from onboarding.pathway.models.referrals import ParentReferral
from onboarding.pathway.models.search_rows import SearchRow
from onboarding.pathway.models.staff import PartnerKind, RecoveryCode, Role, StaffUser
from onboarding.pathway.models.territories import (
    ConfigurationStep,
    PathwayConfiguration,
    TerritoryKind,
)
from onboarding.pathway.models.waiting_lists import WaitingListEntry, WaitingStatus

__all__ = [
    "Activity",
    "ActivityKind",
    "AgrementDecision",
    "AppendOnlyError",
    "Attendance",
    "AuditAction",
    "AuditLog",
    "Candidate",
    "CandidateStatus",
    "Carer",
    "CarerAnswer",
    "CarerSource",
    "Channel",
    "Commune",
    "CommunePostcode",
    "ConfigurationStep",
    "ContactOutcome",
    "ContactRequest",
    "DecisionOutcome",
    "DossierItem",
    "DossierItemKind",
    "DossierItemStatus",
    "Enrollment",
    "ImmersionConvention",
    "ImmersionPurpose",
    "ImportKind",
    "ImportUpload",
    "IndicatorCount",
    "Mam",
    "MessageKind",
    "MessageStatus",
    "OutboxMessage",
    "ParentReferral",
    "PartnerKind",
    "PathwayConfiguration",
    "PathwayStep",
    "PreRegistration",
    "PreRegistrationStatus",
    "RecoveryCode",
    "ReferralSource",
    "Role",
    "SearchAlert",
    "SearchRow",
    "Situation",
    "StaffUser",
    "StatusAssignmentError",
    "TerritoryKind",
    "Training",
    "TrainingKind",
    "TransitionLog",
    "Vacancy",
    "WaitingListEntry",
    "WaitingStatus",
    "WithdrawalReason",
]

# Registers the flush listeners (imported last: they use the models above): the messages that
# changes call for, Candidate.steps_reached, missing_pieces and next_deadline_on, a carer's
# training and withdrawal dates.
from onboarding.pathway import (
    missing_pieces,  # noqa: F401
    next_deadline,  # noqa: F401
    notifications,  # noqa: F401
    search_rows,  # noqa: F401
    shown,  # noqa: F401
    steps_reached,  # noqa: F401
    territories,  # noqa: F401
)

# isort: split
# After those: the indicators' summary counts what the flush and those listeners wrote.
from onboarding.pathway import indicator_listeners  # noqa: F401
