"""The Caf's prime d'installation (€1,200, once): who may claim it, until when, its request and
payment, and the carers who may claim it and have not."""

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from sqlalchemy import and_
from sqlalchemy.orm import Session

from onboarding.pathway import audit, training
from onboarding.pathway.errors import RuleViolation
from onboarding.pathway.models import AuditAction, Carer, StaffUser

AMOUNT_EUROS = 1200
# caf.fr: at least 2 months of activity when asking; asked within 1 year of the first agrément.
ACTIVITY_BEFORE_CLAIM = relativedelta(months=2)
CLAIM_WITHIN = relativedelta(years=1)


def claimable_from(carer: Carer) -> date | None:
    return carer.first_child_on + ACTIVITY_BEFORE_CLAIM if carer.first_child_on else None


def claim_until(carer: Carer) -> date:
    """The last day to ask: one year from the first agrément."""
    return carer.agrement_on + CLAIM_WITHIN - relativedelta(days=1)


@dataclass(frozen=True)
class BonusSituation:
    claimable_from: date
    claim_until: date
    # Why she may not claim it on that day, in French; empty when she may.
    blockers: list[str]
    requested_on: date | None
    paid_on: date | None

    @property
    def may_claim(self) -> bool:
        return not self.blockers and self.requested_on is None


def _blockers(carer: Carer, on: date) -> list[str]:
    blockers = []
    if carer.candidate is None:
        blockers.append(
            "la prime suit un premier agrément : celui de cette assistante maternelle, importée, "
            "n'est pas connu du parcours"
        )
    elif not training.part1_done(carer.candidate):
        blockers.append("la première partie de la formation n'est pas terminée")
    start = claimable_from(carer)
    if start is None:
        blockers.append("l'accueil du premier enfant n'est pas enregistré")
    elif on < start:
        blockers.append(
            f"2 mois d'activité sont nécessaires : demande possible à partir du {start:%d/%m/%Y}"
        )
    last = claim_until(carer)
    if on > last:
        blockers.append(
            f"la demande se fait dans l'année du premier agrément, soit au plus tard le "
            f"{last:%d/%m/%Y}"
        )
    return blockers


def bonus_situation(carer: Carer, today: date) -> BonusSituation | None:
    """None until the first child is recorded: before that, nothing to claim yet."""
    start = claimable_from(carer)
    if start is None:
        return None
    return BonusSituation(
        claimable_from=start,
        claim_until=claim_until(carer),
        blockers=[] if carer.bonus_requested_on else _blockers(carer, today),
        requested_on=carer.bonus_requested_on,
        paid_on=carer.bonus_paid_on,
    )


def record_request(
    session: Session, carer: Carer, *, on: date, today: date, actor: StaffUser | None
) -> None:
    if on > today:
        raise RuleViolation("La date ne peut pas être dans le futur.", field="on")
    if carer.bonus_requested_on is not None:
        raise RuleViolation(
            "La prime d'installation n'est versée qu'une fois : la demande a été faite le "
            f"{carer.bonus_requested_on:%d/%m/%Y}."
        )
    blockers = _blockers(carer, on)
    if blockers:
        raise RuleViolation(
            "La prime d'installation ne peut pas être demandée : " + " ; ".join(blockers) + ".",
            field="on",
        )
    carer.bonus_requested_on = on
    _audit(session, actor, carer, ["bonus_requested_on"])


def record_payment(
    session: Session, carer: Carer, *, on: date, today: date, actor: StaffUser | None
) -> None:
    if carer.bonus_requested_on is None:
        raise RuleViolation("Enregistrez d'abord la demande de prime d'installation.")
    if carer.bonus_paid_on is not None:
        raise RuleViolation(
            f"La prime d'installation a déjà été versée le {carer.bonus_paid_on:%d/%m/%Y}."
        )
    if on > today:
        raise RuleViolation("La date ne peut pas être dans le futur.", field="on")
    if on < carer.bonus_requested_on:
        raise RuleViolation(
            f"Le versement ne peut pas précéder la demande ({carer.bonus_requested_on:%d/%m/%Y}).",
            field="on",
        )
    carer.bonus_paid_on = on
    _audit(session, actor, carer, ["bonus_paid_on"])


def may_claim_clause(today: date):
    """Carers from the pathway who may claim the prime today and have not (SQL over Carer): the
    first child recorded (so part 1 of the training done) 2 months ago or more, within the year
    of the agrément."""
    return and_(
        Carer.candidate_id.is_not(None),
        Carer.first_child_on <= today - ACTIVITY_BEFORE_CLAIM,
        Carer.agrement_on > today - CLAIM_WITHIN,
        Carer.bonus_requested_on.is_(None),
    )


def _audit(session: Session, actor: StaffUser | None, carer: Carer, fields: list[str]) -> None:
    if actor is not None:
        audit.record(
            session,
            actor=actor,
            action=AuditAction.UPDATE,
            object_type="Carer",
            object_id=carer.id,
            fields=fields,
        )
