"""Who parents may see, and from when: the one rule read by the search, the API, the carer's page
and the indicators, written once as terms that give both an SQL clause and a Python predicate.

A carer is shown when:
- she is published and her consent to publication is on record (the database refuses the one
  without the other);
- she confirmed her availability within 6 months;
- she has not left the pathway (nor lost her agrément);
- her agrément is in force on the day care would start (`agrement_in_force`: up to its expiry,
  which a renewal moves), and not suspended by the département today (L421-6);
- part 1 of her initial training is done or its end is recorded: her places are offered from
  that day at the earliest ("disponible à partir du …"); while it is unknown she is not shown.
A place of hers is offered from the later of its own date and the end of her training
(`offered_from`); a parent's start suits it when that day comes at most 30 days after it, and
her agrément is still in force on both days.

Each term reads columns of the carer and her vacancy, and parameters (`parameters`): no join,
so that the search stays one statement over an index, and a denormalised copy of these columns
can take the same terms.
"""

import operator
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Date, and_, bindparam, event, or_
from sqlalchemy.orm import Session

from onboarding.pathway import (
    carers,  # a module: carers imports the models, which import us
    training,  # a module: it imports the models, which import us
)
from onboarding.pathway.errors import RuleViolation
from onboarding.pathway.models import CandidateStatus, Carer, Training, TransitionLog, Vacancy

# A place free up to this long after the start date still suits the parent.
START_TOLERANCE = timedelta(days=30)


@dataclass(frozen=True)
class Term:
    """`left op right`: names are "carer.<column>", "vacancy.<column>" or ":<parameter>".
    A missing value (NULL, None) never satisfies a comparison, as in SQL."""

    left: str
    op: str  # "true", "null", "not null", "<=", ">=", "null or <"
    right: str | None = None
    # Why she is not shown when the term fails, told to her in French.
    reason: str = ""


# Her agrément, on the day care would start (`care_from`): not withdrawn, not expired.
AGREMENT_TERMS = (
    Term("carer.withdrawn_on", "null",
         reason="Votre sortie du parcours est enregistrée."),
    Term("carer.agrement_expires_on", ">=", ":care_from",
         reason="Votre agrément n'est plus en cours de validité : demandez son renouvellement "
         "à la PMI."),
)  # fmt: skip
# A place of hers starts while her agrément is in force.
WITHIN_AGREMENT = Term("vacancy.available_from", "<=", "carer.agrement_expires_on")
# Her choice to be shown, which no date changes: the search keeps rows for these carers only
# (`pathway.search_rows`) and applies the other terms to the rows.
PUBLICATION_TERMS = (
    Term("carer.is_published", "true", reason="Vous avez choisi de masquer votre profil."),
    Term("carer.publication_consent_at", "not null",
         reason="Votre accord de publication n'est pas enregistré."),
)  # fmt: skip
# The carer, on the day care would start.
CARER_TERMS = (
    *PUBLICATION_TERMS,
    Term("carer.last_confirmed_on", ">=", ":fresh_since",
         reason="Vos disponibilités n'ont pas été confirmées depuis six mois."),
    *AGREMENT_TERMS,
    # Not suspended (L421-6): no child may be entrusted to her until the suspension has ended,
    # and whether it is lifted early or turns into a withdrawal is not known before.
    Term("carer.agrement_suspended_until", "null or <", ":today",
         reason="Votre agrément est suspendu par le département : aucun enfant ne peut vous être "
         "confié pendant la suspension."),
    # Trained (or with the end of training recorded) while her agrément is in force.
    Term("carer.training_part1_on", "<=", "carer.agrement_expires_on",
         reason="La fin de la première partie de votre formation n'est pas encore "
         "enregistrée : votre coordinatrice ou votre coordinateur s'en charge."),
)  # fmt: skip
# One of her places, for a start on `care_from`: offered by `free_by`, while she is approved.
PLACE_TERMS = (
    Term("vacancy.available_from", "<=", ":free_by"),
    Term("carer.training_part1_on", "<=", ":free_by"),
    WITHIN_AGREMENT,
)

_COMPARE = {"<=": operator.le, ">=": operator.ge}


def parameters(*, today: date, care_from: date, free_by: date | None = None) -> dict[str, date]:
    """The terms' parameters: a start on `care_from` (today on her page), places offered by
    `free_by` (by default `care_from` and the tolerance)."""
    return {
        "today": today,
        "fresh_since": carers.fresh_since(today),
        "care_from": care_from,
        "free_by": care_from + START_TOLERANCE if free_by is None else free_by,
    }


def search_parameters(*, today: date, start: date) -> dict[str, date]:
    return parameters(today=today, care_from=start)


# --- The SQL side ------------------------------------------------------------------------------


def _sql_operand(name: str, columns: Mapping[str, Any], values: Mapping[str, date] | None):
    if name.startswith(":"):
        key = name[1:]
        if values is None:
            return bindparam(key, type_=Date)
        return bindparam(key, values[key], type_=Date)
    owner, column = name.split(".")
    return getattr(columns[owner], column)


def _sql_term(term: Term, columns, values):
    left = _sql_operand(term.left, columns, values)
    if term.op == "true":
        return left.is_(True)
    if term.op == "null":
        return left.is_(None)
    if term.op == "not null":
        return left.is_not(None)
    right = _sql_operand(term.right, columns, values)
    if term.op == "null or <":
        return or_(left.is_(None), left < right)
    return _COMPARE[term.op](left, right)


def clause(
    terms: Iterable[Term], *, carer=Carer, vacancy=Vacancy, values: Mapping[str, date] | None = None
):
    """The terms as one SQL condition over these tables (or aliases). Without `values`, the
    parameters are left named, to be given with the statement (see `parameters`)."""
    columns = {"carer": carer, "vacancy": vacancy}
    return and_(*(_sql_term(term, columns, values) for term in terms))


def carer_clause(**kwargs):
    return clause(CARER_TERMS, **kwargs)


def place_clause(**kwargs):
    """A carer shown with this place."""
    return clause(CARER_TERMS + PLACE_TERMS, **kwargs)


def published_clause(**kwargs):
    """A carer who chose to be shown (the search keeps rows for her places)."""
    return clause(PUBLICATION_TERMS, **kwargs)


def search_row_clause(row, **kwargs):
    """A search row (a place of a published carer, with her columns) shown for that start: the
    place's terms but those of publication, which the row's existence says."""
    terms = tuple(term for term in CARER_TERMS + PLACE_TERMS if term not in PUBLICATION_TERMS)
    return clause(terms, carer=row, vacancy=row, **kwargs)


# --- The Python side ---------------------------------------------------------------------------


def _value(name: str, objects: Mapping[str, Any], values: Mapping[str, date]):
    if name.startswith(":"):
        return values[name[1:]]
    owner, column = name.split(".")
    return getattr(objects[owner], column)


def _holds(term: Term, objects, values) -> bool:
    left = _value(term.left, objects, values)
    if term.op == "true":
        return left is True
    if term.op == "null":
        return left is None
    if term.op == "not null":
        return left is not None
    right = _value(term.right, objects, values)
    if term.op == "null or <":
        return left is None or (right is not None and left < right)
    return left is not None and right is not None and _COMPARE[term.op](left, right)


def holds(terms: Iterable[Term], values: Mapping[str, date], **objects) -> bool:
    return all(_holds(term, objects, values) for term in terms)


def may_show_carer(carer: Carer, *, today: date, care_from: date | None = None) -> bool:
    """May parents see her (her page), for care starting on `care_from` (today by default)?"""
    values = parameters(today=today, care_from=care_from or today)
    return holds(CARER_TERMS, values, carer=carer)


def why_hidden(carer: Carer, *, today: date) -> list[str]:
    """In French, each reason parents cannot see her today; empty when they can."""
    values = parameters(today=today, care_from=today)
    return [term.reason for term in CARER_TERMS if not _holds(term, {"carer": carer}, values)]


def may_show_place(carer: Carer, vacancy: Vacancy, *, today: date, start: date) -> bool:
    """May parents see her with this place, for a child starting on `start`?"""
    return holds(CARER_TERMS + PLACE_TERMS, search_parameters(today=today, start=start),
                 carer=carer, vacancy=vacancy)  # fmt: skip


def agrement_in_force(carer: Carer, on: date) -> bool:
    """Her agrément allows her to care for children on that day: not withdrawn, not expired
    (`Carer.agrement_expires_on`: the decision's validity, which a renewal moves)."""
    return holds(AGREMENT_TERMS, {"care_from": on}, carer=carer)


def offered_from(carer: Carer | Any, available_from: date) -> date:
    """The day a place of hers is offered from: its own date, or the end of her training when
    later ("disponible à partir du …")."""
    trained = carer.training_part1_on
    return available_from if trained is None else max(available_from, trained)


def offered_places(carer: Carer) -> list[tuple[Vacancy, date]]:
    """Her places shown on her page, with the day each is offered from, soonest first: those
    she may take a child in while her agrément is in force."""
    places = [
        (vacancy, offered_from(carer, vacancy.available_from))
        for vacancy in carer.vacancies
        if holds((WITHIN_AGREMENT,), {}, carer=carer, vacancy=vacancy)
    ]
    return sorted(places, key=lambda place: (place[1], place[0].id))


# --- Keeping the carer's columns true ------------------------------------------------------------


def record_training_end(carer: Carer, expected_on: date, *, today: date) -> None:
    """The end of part 1 of her training, as planned: she is shown from then. A training already
    done keeps its date."""
    if expected_on < today:
        raise RuleViolation(
            "La fin prévue de la formation ne peut pas être passée : enregistrez la formation "
            "suivie.",
            field="expected_on",
        )
    candidate = carer.candidate
    if candidate is not None and training.part1_done_on(candidate) is not None:
        return
    carer.training_part1_on = expected_on


def sync_training(carer: Carer) -> None:
    """Her part-1 training as its records say: done on the day it was; a planned end stays
    while it is not done."""
    if carer.candidate is None:
        return
    done_on = training.part1_done_on(carer.candidate)
    if done_on is not None and carer.training_part1_on != done_on:
        carer.training_part1_on = done_on


@event.listens_for(Session, "before_flush")
def _follow_the_pathway(session: Session, flush_context, instances) -> None:
    """Training recorded, or the candidate leaving the pathway, change what parents see."""
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, Training) and obj.candidate is not None:
            carer = obj.candidate.carer
            if carer is not None:
                sync_training(carer)
        elif (
            isinstance(obj, TransitionLog)
            and obj.to_status == CandidateStatus.WITHDRAWN
            and obj.candidate is not None
            and obj.candidate.carer is not None
            and obj.candidate.carer.withdrawn_on is None
        ):
            obj.candidate.carer.withdrawn_on = obj.effective_on
