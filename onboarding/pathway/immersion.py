"""PMSMP immersion conventions and their limits (Code du travail D5135-3)."""

from datetime import date

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from sqlalchemy.orm import Session

from onboarding.pathway import audit
from onboarding.pathway.errors import RuleViolation
from onboarding.pathway.identifiers import is_siret, normalize_siret
from onboarding.pathway.models import (
    AuditAction,
    Candidate,
    ImmersionConvention,
    ImmersionPurpose,
    StaffUser,
)

MAX_CONVENTIONS_PER_HOST = 2
MAX_DAYS_PER_HOST = 60
WINDOW = relativedelta(months=12)
TEXT_LIMITS = {"host_name": 150, "host_tutor": 150, "host_address": 200, "prescriber": 150}


def last_day_allowed(starts_on: date) -> date:
    """At most one month, date to date: from 3 March, until 2 April; from 31 January, until the
    end of February (there is no 31 February to stop the eve of)."""
    same_day_next_month = starts_on + relativedelta(months=1)
    if same_day_next_month.day != starts_on.day:
        # relativedelta clipped it to the month's last day: the month runs to that day.
        return same_day_next_month
    return same_day_next_month - relativedelta(days=1)


def _days_within(convention: ImmersionConvention, start: date, end: date) -> int:
    first, last = max(convention.starts_on, start), min(convention.ends_on, end)
    return max(0, (last - first).days + 1)


def create_convention(
    session: Session,
    candidate: Candidate,
    *,
    host_name: str,
    host_siret: str,
    host_tutor: str,
    host_address: str,
    prescriber: str,
    purpose: ImmersionPurpose | str,
    starts_on: date,
    ends_on: date,
    renewal_of: ImmersionConvention | None = None,
    actor: StaffUser | None = None,
) -> ImmersionConvention:
    """A tripartite convention (beneficiary, host, prescriber) within the limits of D5135-3."""
    texts = {
        "host_name": host_name.strip(),
        "host_tutor": host_tutor.strip(),
        "host_address": host_address.strip(),
        "prescriber": prescriber.strip(),
    }
    if not texts["host_name"]:
        raise RuleViolation("Indiquez la structure d'accueil.", field="host_name")
    siret = normalize_siret(host_siret)
    if not is_siret(siret):
        raise RuleViolation(
            "Le SIRET de la structure d'accueil est invalide : 14 chiffres dont le dernier "
            "est une clé de contrôle (vérifiez-le sur l'avis de situation Sirene).",
            field="host_siret",
        )
    if not texts["host_tutor"]:
        raise RuleViolation(
            "Indiquez le tuteur ou la tutrice désigné(e) par la structure d'accueil.",
            field="host_tutor",
        )
    if not texts["host_address"]:
        raise RuleViolation("Indiquez l'adresse du lieu d'immersion.", field="host_address")
    if not texts["prescriber"]:
        raise RuleViolation(
            "Indiquez le prescripteur : la convention PMSMP est tripartite (bénéficiaire, "
            "structure d'accueil, prescripteur).",
            field="prescriber",
        )
    for name, limit in TEXT_LIMITS.items():
        if len(texts[name]) > limit:
            raise RuleViolation(f"{limit} caractères au plus.", field=name)
    try:
        purpose = ImmersionPurpose(purpose)
    except ValueError:
        raise RuleViolation("Choisissez l'objet de l'immersion.", field="purpose") from None
    if ends_on < starts_on:
        raise RuleViolation("La fin de la convention précède son début.", field="ends_on")
    if ends_on > last_day_allowed(starts_on):
        raise RuleViolation(
            "Une convention PMSMP dure au plus un mois de date à date "
            f"(ici jusqu'au {last_day_allowed(starts_on):%d/%m/%Y}).",
            field="ends_on",
        )
    existing = list(
        session.scalars(
            select(ImmersionConvention).where(ImmersionConvention.candidate_id == candidate.id)
        )
    )
    for other in existing:
        if other.starts_on <= ends_on and starts_on <= other.ends_on:
            raise RuleViolation(
                "Cette convention chevauche une autre convention de la même personne "
                f"({other.starts_on:%d/%m/%Y} – {other.ends_on:%d/%m/%Y}).",
                field="starts_on",
            )

    if renewal_of is not None:
        if renewal_of.candidate_id != candidate.id or renewal_of.host_siret != siret:
            raise RuleViolation(
                "Un renouvellement concerne la même personne et la même structure d'accueil."
            )
        if renewal_of.purpose != purpose:
            raise RuleViolation(
                "Un renouvellement poursuit le même objet que la convention initiale."
            )
        if renewal_of.renewal_of_id is not None or any(
            c.renewal_of_id == renewal_of.id for c in existing
        ):
            raise RuleViolation("Une convention PMSMP n'est renouvelable qu'une fois.")
        if starts_on <= renewal_of.ends_on:
            raise RuleViolation(
                "Le renouvellement commence après la fin de la convention initiale."
            )

    window_start = ends_on - WINDOW + relativedelta(days=1)
    same_host = [c for c in existing if c.host_siret == siret and c.ends_on >= window_start]
    if renewal_of is None:
        conventions = [c for c in same_host if c.renewal_of_id is None]
        if len(conventions) >= MAX_CONVENTIONS_PER_HOST:
            raise RuleViolation(
                "Au plus 2 conventions PMSMP avec la même structure d'accueil sur 12 mois "
                "(art. D5135-3)."
            )
    days = sum(_days_within(c, window_start, ends_on) for c in same_host)
    new_days = (ends_on - starts_on).days + 1
    if days + new_days > MAX_DAYS_PER_HOST:
        raise RuleViolation(
            f"Au plus {MAX_DAYS_PER_HOST} jours d'immersion avec la même structure sur 12 mois : "
            f"{days} jours déjà conventionnés, {new_days} demandés (art. D5135-3).",
            field="ends_on",
        )

    convention = ImmersionConvention(
        candidate=candidate,
        host_siret=siret,
        purpose=purpose,
        starts_on=starts_on,
        ends_on=ends_on,
        renewal_of=renewal_of,
        **texts,
    )
    session.add(convention)
    session.flush()
    if actor is not None:
        audit.record(
            session,
            actor=actor,
            action=AuditAction.CREATE,
            object_type="ImmersionConvention",
            object_id=convention.id,
            fields=["candidate_id", "host_siret", "purpose", "starts_on", "ends_on", *texts],
        )
    return convention


def renewable(candidate: Candidate) -> list[ImmersionConvention]:
    """The candidate's conventions that may still be renewed (an initial one, not yet renewed)."""
    renewed = {c.renewal_of_id for c in candidate.conventions if c.renewal_of_id is not None}
    return [c for c in candidate.conventions if c.renewal_of_id is None and c.id not in renewed]


def convention_covering(
    session: Session, candidate: Candidate, host_siret: str, on: date
) -> ImmersionConvention | None:
    return session.scalar(
        select(ImmersionConvention).where(
            ImmersionConvention.candidate_id == candidate.id,
            ImmersionConvention.host_siret == host_siret,
            ImmersionConvention.starts_on <= on,
            ImmersionConvention.ends_on >= on,
        )
    )
