"""What the imports of lists share: who may import, where a line's person lives and whether the
user may import her there, and the lines of one file that name the same person."""

from onboarding.pathway.commune_search import CommuneIndex
from onboarding.pathway.errors import RuleViolation
from onboarding.pathway.models import StaffUser


def check_importer(actor: StaffUser | None) -> None:
    """Admins and coordinators import; `None` is the command line run for every département."""
    if actor is not None and actor.is_read_only:
        raise RuleViolation("Un compte partenaire consulte les listes mais n'importe rien.")


def place(index: CommuneIndex, values: dict, actor: StaffUser | None):
    """(the commune's row, None), or (None, why the line is refused): the commune unknown or
    ambiguous, or outside the user's départements."""
    commune, reason = index.find(values.get("commune"), values.get("postcode"))
    if commune is None:
        return None, reason
    if actor is not None and not actor.covers_department(commune.department_code):
        covered = ", ".join(actor.department_codes) or "aucun"
        return None, (
            f"{commune.name} est dans le département {commune.department_code}, hors de vos "
            f"départements ({covered})."
        )
    return commune, None


class FirstSeen:
    """The first line of the file that gave each key (an identifier, a name and birth date)."""

    def __init__(self):
        self.lines: dict[tuple, int] = {}

    def earlier(self, keys: list[tuple], line: int) -> int | None:
        """The earlier line that shares one of these keys, else None (and the keys are kept)."""
        for key in keys:
            if key in self.lines:
                return self.lines[key]
        for key in keys:
            self.lines[key] = line
        return None
