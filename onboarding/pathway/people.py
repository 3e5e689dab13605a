"""Finding people already followed: the likely duplicates of a new referral, and the search that
picks people to enrol (by name, email, phone or France Travail identifier)."""

from datetime import date

from sqlalchemy import and_, false, func, or_, select
from sqlalchemy.orm import Session, selectinload

from onboarding.pathway.geography import fold
from onboarding.pathway.identifiers import normalize_france_travail_id, phone_variants
from onboarding.pathway.models import Candidate

SEARCH_LIMIT = 30


def likely_duplicates(
    session: Session,
    *,
    first_name: str,
    last_name: str,
    birth_date: date | None,
    email: str | None,
    phone: str | None,
    france_travail_id: str | None,
    scope=None,
) -> list[Candidate]:
    """People who may be the same person: same name and birth date, or same email, phone or
    France Travail identifier. `scope` (an SQL clause) keeps those the user may see."""
    same: list = []
    if birth_date is not None:
        same.append(Candidate.birth_date == birth_date)
    if email:
        same.append(func.lower(Candidate.email) == email.strip().lower())
    variants = phone_variants(phone or "")
    if variants:
        same.append(Candidate.phone.in_(variants))
    if france_travail_id:
        same.append(Candidate.france_travail_id == normalize_france_travail_id(france_travail_id))
    if not same:
        return []
    query = select(Candidate).where(or_(*same)).options(selectinload(Candidate.commune))
    if scope is not None:
        query = query.where(scope)
    name = (fold(first_name or ""), fold(last_name or ""))
    found = []
    for candidate in session.scalars(query.order_by(Candidate.id).limit(50)):
        same_person = candidate.birth_date == birth_date and birth_date is not None
        if same_person and (fold(candidate.first_name), fold(candidate.last_name)) != name:
            # Same birth date only: not enough, unless a contact or identifier matches.
            same_person = False
        if (
            same_person
            or (email and (candidate.email or "").lower() == email.strip().lower())
            or (candidate.phone and candidate.phone in variants)
            or (
                france_travail_id
                and candidate.france_travail_id == normalize_france_travail_id(france_travail_id)
            )
        ):
            found.append(candidate)
    return found


def search_clause(text: str):
    """People matching what was typed: a phone number, a France Travail identifier, an email,
    or words of the name (each word in the first or last name, accents and case aside on
    PostgreSQL and for ASCII on SQLite)."""
    text = (text or "").strip()
    if not text:
        return false()
    variants = phone_variants(text)
    if variants:
        return Candidate.phone.in_(variants)
    clauses = []
    identifier = normalize_france_travail_id(text)
    if identifier.isalnum() and any(c.isdigit() for c in identifier):
        clauses.append(Candidate.france_travail_id == identifier)
    if "@" in text:
        clauses.append(func.lower(Candidate.email) == text.lower())
    words = text.split()[:4]
    if words:
        clauses.append(
            and_(
                *[
                    or_(
                        Candidate.last_name.ilike(f"%{word}%", escape="\\"),
                        Candidate.first_name.ilike(f"%{word}%", escape="\\"),
                    )
                    for word in (w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                                 for w in words)
                ]
            )
        )  # fmt: skip
    return or_(*clauses)


def search(session: Session, text: str, *, where=(), limit: int = SEARCH_LIMIT) -> list[Candidate]:
    """The people matching `text` among those `where` keeps, by name, with their commune."""
    return list(
        session.scalars(
            select(Candidate)
            .where(search_clause(text), *where)
            .options(selectinload(Candidate.commune))
            .order_by(Candidate.last_name, Candidate.first_name, Candidate.id)
            .limit(limit)
        )
    )
