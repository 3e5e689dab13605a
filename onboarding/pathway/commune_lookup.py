"""A commune from what a person types without help from a script: a postcode, and a name when
that postcode covers several communes."""

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from onboarding.pathway.errors import RuleViolation
from onboarding.pathway.geography import fold
from onboarding.pathway.models import Commune, CommunePostcode

POSTCODE = re.compile(r"^[0-9]{5}$", re.ASCII)


def find_commune(session: Session, postcode: str, name: str = "") -> Commune:
    postcode = (postcode or "").replace(" ", "")
    if not POSTCODE.fullmatch(postcode):
        raise RuleViolation("Le code postal compte 5 chiffres (ex. 33000).", field="postcode")
    communes = list(
        session.scalars(
            select(Commune)
            .join(CommunePostcode, CommunePostcode.insee_code == Commune.insee_code)
            .where(CommunePostcode.postcode == postcode)
            .order_by(Commune.name)
        )
    )
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
