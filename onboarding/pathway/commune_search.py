"""Finding a commune from what people type: a name, a postcode, or "Name (postcode)" (the
parents' search), or a postcode and a name when it covers several (forms without a script)."""

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from onboarding.pathway.errors import RuleViolation
from onboarding.pathway.geography import INSEE_CODE, fold
from onboarding.pathway.models import Commune, CommunePostcode

SUGGESTIONS = 10
POSTCODE = re.compile(r"^[0-9]{5}$")
NAME_AND_POSTCODE = re.compile(r"^(?P<name>.*\S)\s*\((?P<postcode>\d{5})\)$")


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


class CommuneIndex:
    """Every commune and postcode held in memory, to find the communes of a whole file's lines
    in one pass: a name, an INSEE code, a postcode, or a postcode and the name among its
    communes. `find` gives the commune or the French reason it cannot be told."""

    def __init__(self, session: Session):
        self.by_code = {c.insee_code: c for c in session.execute(select(Commune.__table__))}
        self.by_name: dict[str, list[str]] = {}
        for commune in self.by_code.values():
            self.by_name.setdefault(commune.search_name, []).append(commune.insee_code)
        self.by_postcode: dict[str, list[str]] = {}
        for postcode, code in session.execute(select(CommunePostcode.__table__)):
            self.by_postcode.setdefault(postcode, []).append(code)

    def find(self, name: str | None, postcode: str | None):
        """(the commune's row, None) or (None, why not)."""
        name = (name or "").strip()
        postcode = (postcode or "").replace(" ", "")
        if postcode and not POSTCODE.fullmatch(postcode):
            return None, f"Le code postal « {postcode[:10]} » compte 5 chiffres (ex. 33000)."
        if INSEE_CODE.fullmatch(name.upper()):
            # A code in the commune's column: its INSEE code, else a postcode.
            if name.upper() in self.by_code:
                return self.by_code[name.upper()], None
            postcode, name = postcode or name, ""
        if postcode:
            codes = self.by_postcode.get(postcode, [])
            if not codes:
                return None, f"Aucune commune n'a le code postal {postcode}."
            if len(codes) > 1:
                folded = fold(name)
                codes = [code for code in codes if self.by_code[code].search_name == folded]
                if len(codes) != 1:
                    names = ", ".join(
                        sorted(self.by_code[c].name for c in self.by_postcode[postcode])
                    )
                    return None, (
                        f"Le code postal {postcode} couvre plusieurs communes ({names}) : "
                        "indiquez laquelle dans la colonne Commune."
                    )
            return self.by_code[codes[0]], None
        if not name:
            return None, "Indiquez la commune ou son code postal."
        codes = self.by_name.get(fold(name), [])
        if not codes:
            return None, f"Commune inconnue : « {name[:60]} »."
        if len(codes) > 1:
            return None, (
                f"Plusieurs communes s'appellent « {name[:60]} » : indiquez le code postal."
            )
        return self.by_code[codes[0]], None
