"""Two territories that differ: Nouvelle-Aquitaine runs the full pathway; Moselle (Grand Est)
runs intermediation only, parents finding carers with free places, with no pathway steps."""

from sqlalchemy.orm import Session

from onboarding.pathway.models import PathwayStep, TerritoryKind
from onboarding.pathway.territories import (
    StepSetting,
    latest_configuration,
    save_configuration,
    territory,
)

NOUVELLE_AQUITAINE = territory(TerritoryKind.REGION, "75")
MOSELLE = territory(TerritoryKind.DEPARTMENT, "57")


def ensure_territories(session: Session, steps: list[PathwayStep]) -> int:
    """Version 1 of each territory's pathway when it has none; returns how many were written."""
    wanted = {
        NOUVELLE_AQUITAINE: [
            StepSetting(step.id, step.is_mandatory, step.required_sessions, step.required_hours)
            for step in steps
        ],
        # Intermediation only: a configuration without steps. A candidate there is still
        # followed to her dossier, decision and training; no activity is required before.
        MOSELLE: [],
    }
    written = 0
    for place, settings in wanted.items():
        if latest_configuration(session, place) is None:
            save_configuration(session, place, settings, actor=None)
            written += 1
    return written
