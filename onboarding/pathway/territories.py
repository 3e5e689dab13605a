"""Territories: the steps each candidate follows, one rule in one place.

A région may configure its pathway, and one of its départements may override it. A candidate
follows the configuration of her département as it was when she entered: the version current at
her entry is kept on her row (set by the flush listener below whatever the path of entry) and a
later version does not rewrite her progress. Without any configuration for her territory she
follows the national pathway: the active steps of the catalogue, as before territories existed.

Progress, the dossier rule, next actions, the documents and the funnel all read the steps through
`followed_steps`.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import event, false, func, or_, select
from sqlalchemy.orm import Session

from onboarding.pathway import audit
from onboarding.pathway.errors import PathwayError
from onboarding.pathway.geography import is_department_code, normalize_department_code
from onboarding.pathway.models import (
    ActivityKind,
    AuditAction,
    Candidate,
    ConfigurationStep,
    PathwayConfiguration,
    PathwayStep,
    StaffUser,
    TerritoryKind,
)
from onboarding.pathway.regions import REGIONS, region_name, region_of


@dataclass(frozen=True)
class FollowedStep:
    """A step as one candidate follows it: the catalogue's step (its id, kind and title) with
    the order, the mandatory flag and the requirements of her configuration."""

    id: int
    kind: ActivityKind
    title: str
    position: int
    is_mandatory: bool
    required_sessions: int
    required_hours: Decimal

    def __str__(self) -> str:
        return self.title


@dataclass(frozen=True)
class StepSetting:
    """One step of a configuration being written (by the admin panel or the demo data)."""

    step_id: int
    is_mandatory: bool = True
    required_sessions: int = 1
    required_hours: Decimal = Decimal(0)


@dataclass(frozen=True)
class Territory:
    kind: TerritoryKind
    code: str

    @property
    def label(self) -> str:
        if self.kind == TerritoryKind.REGION:
            return f"Région {region_name(self.code)}"
        return f"Département {self.code}"


def territory(kind: TerritoryKind | str, code: str) -> Territory:
    """A checked territory, refused with a French message when the code is unknown."""
    kind = TerritoryKind(kind)
    code = normalize_department_code(code or "")
    if kind == TerritoryKind.REGION and code not in REGIONS:
        raise PathwayError(f"Région inconnue : « {code} ».", field="territory")
    if kind == TerritoryKind.DEPARTMENT and not is_department_code(code):
        raise PathwayError(f"Département inconnu : « {code} ».", field="territory")
    return Territory(kind, code)


# --- reading -----------------------------------------------------------------------------------
def _followed(step: PathwayStep, setting, position: int) -> FollowedStep:
    """The catalogue's step with the requirements of `setting` (a configuration's row, a
    StepSetting, or the step itself for the national pathway)."""
    return FollowedStep(
        step.id,
        step.kind,
        step.title,
        position,
        setting.is_mandatory,
        setting.required_sessions,
        Decimal(setting.required_hours or 0),
    )


def national_steps(session: Session) -> list[FollowedStep]:
    """The national pathway: the catalogue's active steps with their own requirements."""
    return [
        _followed(step, step, step.position)
        for step in session.scalars(
            select(PathwayStep)
            .where(PathwayStep.is_active.is_(True))
            .order_by(PathwayStep.position, PathwayStep.id)
        )
    ]


def _configured_steps(
    session: Session, configuration_ids: set[int]
) -> dict[int, list[FollowedStep]]:
    steps: dict[int, list[FollowedStep]] = {id_: [] for id_ in configuration_ids}
    if not configuration_ids:
        return steps
    rows = session.execute(
        select(ConfigurationStep, PathwayStep)
        .join(PathwayStep, PathwayStep.id == ConfigurationStep.step_id)
        .where(ConfigurationStep.configuration_id.in_(configuration_ids))
        .order_by(ConfigurationStep.configuration_id, ConfigurationStep.position)
    )
    for setting, step in rows:
        steps[setting.configuration_id].append(_followed(step, setting, setting.position))
    return steps


def followed_steps(session: Session, candidate_ids: list[int]) -> dict[int, list[FollowedStep]]:
    """The steps each candidate follows, in order: her configuration's, else the national ones.
    At most three queries whatever the number of candidates."""
    if not candidate_ids:
        return {}
    configuration_of = dict(
        session.execute(
            select(Candidate.id, Candidate.pathway_configuration_id).where(
                Candidate.id.in_(candidate_ids)
            )
        ).all()
    )
    configured = _configured_steps(session, {c for c in configuration_of.values() if c})
    national = (
        national_steps(session)
        if any(configuration_of.get(id_) is None for id_ in candidate_ids)
        else []
    )
    return {
        id_: configured[configuration_of[id_]] if configuration_of.get(id_) else national
        for id_ in candidate_ids
    }


def followed_pathway(session: Session, candidate: Candidate) -> str:
    """Which pathway she follows, in French: "Région Nouvelle-Aquitaine, version n° 2"."""
    if candidate.pathway_configuration_id is None:
        return "Parcours national"
    configuration = session.get(PathwayConfiguration, candidate.pathway_configuration_id)
    place = Territory(configuration.territory_kind, configuration.territory_code)
    return f"{place.label}, version n° {configuration.version}"


def configuration_for(session: Session, department_code: str) -> PathwayConfiguration | None:
    """The configuration a candidate of this département enters with today: the département's
    latest version, else its région's; None for the national pathway."""
    candidates = [(TerritoryKind.DEPARTMENT, department_code)]
    region = region_of(department_code)
    if region:
        candidates.append((TerritoryKind.REGION, region))
    for kind, code in candidates:
        configuration = latest_configuration(session, Territory(kind, code))
        if configuration is not None:
            return configuration
    return None


def latest_configuration(session: Session, place: Territory) -> PathwayConfiguration | None:
    return session.scalar(
        select(PathwayConfiguration)
        .where(
            PathwayConfiguration.territory_kind == place.kind,
            PathwayConfiguration.territory_code == place.code,
        )
        .order_by(PathwayConfiguration.version.desc())
        .limit(1)
    )


def current_steps(session: Session, place: Territory) -> list[FollowedStep]:
    """The steps a candidate entering this territory today would follow (a région's own
    configuration for a région; for a département its own, else its région's)."""
    if place.kind == TerritoryKind.DEPARTMENT:
        configuration = configuration_for(session, place.code)
    else:
        configuration = latest_configuration(session, place)
    if configuration is None:
        return national_steps(session)
    return _configured_steps(session, {configuration.id})[configuration.id]


# --- the funnel's view of it -------------------------------------------------------------------
@dataclass(frozen=True)
class FunnelStep:
    id: int
    title: str
    # The SQL condition "this candidate follows the step"; None when every candidate does (no
    # territory has a configuration: the national pathway for all).
    follows: object | None
    # The same in values: whether those without a configuration follow it, and which
    # configurations have it (the indicators' summary counts per configuration).
    national: bool = True
    configurations: frozenset[int] = frozenset()


def funnel_steps(session: Session) -> list[FunnelStep]:
    """Every step someone may follow, in the catalogue's order, with who follows it."""
    national = {step.id for step in national_steps(session)}
    configured: dict[int, set[int]] = defaultdict(set)
    for configuration_id, step_id in session.execute(
        select(ConfigurationStep.configuration_id, ConfigurationStep.step_id)
    ):
        configured[step_id].add(configuration_id)
    any_configuration = session.scalar(select(func.count()).select_from(PathwayConfiguration))
    rows = session.execute(
        select(PathwayStep.id, PathwayStep.title)
        .where(PathwayStep.id.in_(national | set(configured)))
        .order_by(PathwayStep.position, PathwayStep.id)
    )
    column = Candidate.pathway_configuration_id
    steps = []
    for step_id, title in rows:
        if not any_configuration:
            follows = None
        else:
            follows = or_(
                column.is_(None) if step_id in national else false(),
                column.in_(sorted(configured[step_id])) if configured[step_id] else false(),
            )
        steps.append(
            FunnelStep(step_id, title, follows, step_id in national, frozenset(configured[step_id]))
        )
    return steps


# --- writing -----------------------------------------------------------------------------------
def preview(session: Session, settings: list[StepSetting]) -> list[FollowedStep]:
    """The steps a configuration would give, in the order given, without writing anything."""
    _check(settings)
    catalogue = {
        step.id: step
        for step in session.scalars(
            select(PathwayStep).where(PathwayStep.id.in_([s.step_id for s in settings]))
        )
    }
    steps = []
    for position, setting in enumerate(settings, start=1):
        step = catalogue.get(setting.step_id)
        if step is None:
            raise PathwayError("Cette étape n'existe pas dans le catalogue.", field="steps")
        steps.append(_followed(step, setting, position))
    return steps


def _check(settings: list[StepSetting]) -> None:
    ids = [setting.step_id for setting in settings]
    if len(ids) != len(set(ids)):
        raise PathwayError("Une étape figure deux fois dans le parcours.", field="steps")
    for setting in settings:
        if setting.required_sessions < 0 or setting.required_hours < 0:
            raise PathwayError(
                "Les séances et heures requises ne peuvent pas être négatives.", field="steps"
            )


def save_configuration(
    session: Session, place: Territory, settings: list[StepSetting], *, actor: StaffUser | None
) -> PathwayConfiguration:
    """A new version of the territory's pathway; candidates already in keep theirs."""
    steps = preview(session, settings)
    latest = latest_configuration(session, place)
    configuration = PathwayConfiguration(
        territory_kind=place.kind,
        territory_code=place.code,
        version=(latest.version + 1) if latest else 1,
        created_by=actor,
        steps=[
            ConfigurationStep(
                step_id=step.id,
                position=step.position,
                is_mandatory=step.is_mandatory,
                required_sessions=step.required_sessions,
                required_hours=step.required_hours,
            )
            for step in steps
        ],
    )
    session.add(configuration)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action=AuditAction.CONFIGURE_PATHWAY,
        object_type="PathwayConfiguration",
        object_id=configuration.id,
        fields=["steps"],
    )
    return configuration


# --- entry -------------------------------------------------------------------------------------
@event.listens_for(Session, "before_flush")
def _configuration_at_entry(session: Session, flush_context, instances) -> None:
    """A new candidate enters with her territory's current configuration."""
    found: dict[str, PathwayConfiguration | None] = {}
    for obj in session.new:
        if (
            isinstance(obj, Candidate)
            and obj.pathway_configuration_id is None
            and obj.department_code
        ):
            if obj.department_code not in found:
                with session.no_autoflush:
                    found[obj.department_code] = configuration_for(session, obj.department_code)
            configuration = found[obj.department_code]
            if configuration is not None:
                obj.pathway_configuration_id = configuration.id
