"""Finding a commune from what people type: a name, a postcode, or "Name (postcode)" (the
parents' search; "Paris (75)" for a commune without a postcode of its own), or a postcode and a
name when it covers several (forms without a script)."""

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from onboarding.pathway.errors import RuleViolation
from onboarding.pathway.geography import fold
from onboarding.pathway.models import Commune, CommunePostcode

SUGGESTIONS = 10
POSTCODE = re.compile(r"^[0-9]{5}$")
NAME_AND_POSTCODE = re.compile(r"^(?P<name>.*\S)\s*\((?P<postcode>[0-9]{5})\)$")
# A commune without a postcode of its own (Paris, Lyon and Marseille, whose postcodes are their
# arrondissements') is written with its département: "Paris (75)".
NAME_AND_DEPARTMENT = re.compile(r"^(?P<name>.*\S)\s*\((?P<department>[0-9][0-9AB]|97[0-9])\)$")


def suggestions(session: Session, text: str, *, limit: int = SUGGESTIONS) -> list[Commune]:
    """Communes whose name or postcode starts with the text, the most populated first."""
    text = text.strip()
    if not text:
        return []
    if text.isdigit():
        statement = (
            select(Commune)
            .join(CommunePostcode, CommunePostcode.insee_code == Commune.insee_code)
            .where(CommunePostcode.postcode.startswith(text, autoescape=True))
            .distinct()
        )
    else:
        folded = fold(text)
        if not folded:
            return []
        statement = select(Commune).where(Commune.search_name.startswith(folded, autoescape=True))
    statement = statement.order_by(Commune.population.desc(), Commune.insee_code).limit(limit)
    return list(session.scalars(statement))


def candidates(session: Session, text: str) -> list[Commune]:
    """The communes the text may mean: one when it is clear, several to choose from, or none.

    A postcode gives every commune it covers; "Name (postcode)", as the suggestions write it,
    the commune of that name under that postcode; a name, the communes with exactly that name,
    else those whose name starts with it.
    """
    text = text.strip()
    if POSTCODE.match(text):
        return by_postcode(session, text)
    named = NAME_AND_POSTCODE.match(text)
    if named:
        folded = fold(named["name"])
        exact = [c for c in by_postcode(session, named["postcode"]) if c.search_name == folded]
        if exact:
            return exact
        text = named["name"]
    named = NAME_AND_DEPARTMENT.match(text)
    if named:
        exact = list(
            session.scalars(
                select(Commune).where(
                    Commune.search_name == fold(named["name"]),
                    Commune.department_code == named["department"],
                )
            )
        )
        if exact:
            return exact
        text = named["name"]
    folded = fold(text)
    if not folded:
        return []
    exact = list(
        session.scalars(
            select(Commune)
            .where(Commune.search_name == folded)
            .order_by(Commune.population.desc(), Commune.insee_code)
        )
    )
    return exact or suggestions(session, text)


def by_postcode(session: Session, postcode: str) -> list[Commune]:
    """The communes a postcode covers, the most populated first."""
    return list(
        session.scalars(
            select(Commune)
            .join(CommunePostcode, CommunePostcode.insee_code == Commune.insee_code)
            .where(CommunePostcode.postcode == postcode)
            .order_by(Commune.population.desc(), Commune.insee_code)
        )
    )


def by_insee_code(session: Session, code: str) -> Commune | None:
    """The commune of that INSEE code (any case), or None."""
    code = (code or "").strip().upper()
    return session.get(Commune, code) if len(code) == 5 else None


def may_mean(text: str, commune: Commune) -> bool:
    """Whether a typed text may mean that commune: its postcode, its name, or its label. A commune
    chosen from a list stands only while the text it was chosen for is still there."""
    text = text.strip()
    if POSTCODE.match(text):
        return text in (commune.postcodes or "").split()
    name = re.sub(r"\s*\([^()]*\)$", "", text)
    return fold(name) == commune.search_name


def label(commune: Commune) -> str:
    """How a suggestion reads, and what `candidates` understands back: "Bordeaux (33000)"."""
    return str(commune)


def find_commune(session: Session, postcode: str, name: str = "") -> Commune:
    """The one commune of a postcode, or of a postcode and its name; a French refusal otherwise."""
    postcode = (postcode or "").replace(" ", "")
    if not POSTCODE.fullmatch(postcode):
        raise RuleViolation("Le code postal compte 5 chiffres (ex. 33000).", field="postcode")
    communes = sorted(by_postcode(session, postcode), key=lambda c: c.name)
    if not communes:
        raise RuleViolation("Aucune commune n'a ce code postal.", field="postcode")
    if len(communes) == 1:
        return communes[0]
    wanted = fold(name or "")
    matching = [c for c in communes if c.search_name == wanted]
    if len(matching) == 1:
        return matching[0]
    names = ", ".join(c.name for c in communes)
    raise RuleViolation(
        f"Le code postal {postcode} couvre plusieurs communes ({names}) : indiquez le nom de "
        "la vôtre tel qu'il figure dans cette liste.",
        field="commune_name",
    )


def the_one(session: Session, text: str) -> Commune:
    """The one commune a typed text means (as `candidates` reads it); a French refusal, on the
    field "commune", when it means none or several."""
    found = candidates(session, text or "")
    if len(found) == 1:
        return found[0]
    if found:
        raise RuleViolation(
            "Plusieurs communes correspondent : précisez le code postal, par exemple « "
            f"{label(found[0])} ».",
            field="commune",
        )
    raise RuleViolation("Commune introuvable : vérifiez l'orthographe.", field="commune")
