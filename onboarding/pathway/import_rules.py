"""What the imports of lists share: who may import, where a line's person lives (her commune,
found from a name, an INSEE code or a postcode) and whether the user may import her there, and
the lines of one file that name the same person."""

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from onboarding.imports.columns import DATE, Column, Columns, Record
from onboarding.imports.report import LineReport, LineStatus, Planned
from onboarding.pathway.commune_search import NAME_AND_POSTCODE, POSTCODE
from onboarding.pathway.errors import RuleViolation
from onboarding.pathway.geography import INSEE_CODE, fold
from onboarding.pathway.models import Commune, CommunePostcode, StaffUser

CHUNK = 500

# Columns both lists have.
LAST_NAME = Column("last_name", "Nom", required=True, max_length=100,
                   aliases=("nom de famille", "nom d'usage", "nom usage", "nom marital",
                            "nom du demandeur"))  # fmt: skip
FIRST_NAME = Column("first_name", "Prénom", required=True, max_length=100,
                    aliases=("prénoms", "prénom du demandeur"))  # fmt: skip
BIRTH_DATE = Column("birth_date", "Date de naissance", DATE,
                    aliases=("née le", "né le", "date naiss"))  # fmt: skip
PHONE = Column(
    "phone",
    "Téléphone",
    aliases=("tel", "téléphone portable", "portable", "mobile", "numéro de téléphone"),
)
EMAIL = Column(
    "email",
    "E-mail",
    aliases=("email", "courriel", "adresse e-mail", "adresse mail", "mail", "adresse électronique"),
)
COMMUNE = Column(
    "commune",
    "Commune",
    aliases=("ville", "code INSEE", "localité", "commune de résidence", "commune d'exercice"),
)
POSTCODE_COLUMN = Column("postcode", "Code postal", aliases=("CP",))


def in_chunks(values: Iterable) -> Iterable[list]:
    """The values in sorted lists small enough for an SQL `IN`."""
    values = sorted(values, key=str)
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


class ListImport:
    """An import of a list of people, by a staff user (`None`: the command line, for every
    département) on a day: admins and coordinators import, partners are refused.

    Each line is placed (its commune, within the user's départements), checked by the list's
    own rules (`check`), refused when it names the same person as an earlier line, then the
    accepted lines are compared with the database all at once (`decide`)."""

    columns: Columns
    # The refusal of a line that repeats an earlier one ({line}: the earlier line's number).
    repeated: str

    def __init__(self, actor: StaffUser | None, *, today: date):
        if actor is not None and actor.is_read_only:
            raise RuleViolation("Un compte partenaire consulte les listes mais n'importe rien.")
        self.actor = actor
        self.today = today

    def who(self, record: Record) -> str:
        """Who a line is about, for the report: "Léa Martin"."""
        values = record.values
        return " ".join(str(values.get(k) or "") for k in ("first_name", "last_name")).strip()

    def check(self, session: Session, values: dict, commune: Commune) -> tuple[object, list]:
        """The line's payload and the keys that recognise its person; RuleViolation (French)
        when the line is refused."""
        raise NotImplementedError

    def decide(self, session: Session, accepted: list[Planned]) -> None:
        """Set each accepted line's status (and reason) against the database."""
        raise NotImplementedError

    def plan(self, session: Session, records: list[Record]) -> list[Planned]:
        index = commune_index(session, records)
        in_file = FirstSeen()
        planned, accepted = [], []
        for record in records:
            report = LineReport(record.line, LineStatus.REFUSED, self.who(record))
            planned.append(Planned(report))
            commune, reason = place(index, record.values, self.actor)
            if commune is None:
                report.reason = reason
                continue
            try:
                payload, keys = self.check(session, record.values, commune)
            except RuleViolation as error:
                report.reason = error.message
                continue
            earlier = in_file.earlier(keys, record.line)
            if earlier is not None:
                report.reason = self.repeated.format(line=earlier)
                continue
            planned[-1].payload = payload
            accepted.append(planned[-1])
        self.decide(session, accepted)
        return planned


def _typed(name: str | None, postcode: str | None) -> tuple[str, str]:
    """The name and postcode typed; "Bordeaux (33000)", as the panel's suggestions write a
    commune, gives both."""
    name, postcode = (name or "").strip(), (postcode or "").replace(" ", "")
    named = NAME_AND_POSTCODE.match(name)
    if named and not postcode:
        return named["name"], named["postcode"]
    return name, postcode


class CommuneIndex:
    """The communes a file's lines may mean, read in a few statements: by name, INSEE code or
    postcode. `find` gives a line's commune, or the French reason it cannot be told."""

    def __init__(self, session: Session, typed: Iterable[tuple[str | None, str | None]]):
        names, codes, postcodes = set(), set(), set()
        for name, postcode in (_typed(*pair) for pair in typed):
            if INSEE_CODE.fullmatch(name.upper()):
                codes.add(name.upper())
                postcodes.add(name)
            elif name:
                names.add(fold(name))
            if postcode:
                postcodes.add(postcode)
        self.by_postcode: dict[str, list[str]] = {}
        for chunk in in_chunks(postcodes):
            statement = select(CommunePostcode.postcode, CommunePostcode.insee_code).where(
                CommunePostcode.postcode.in_(chunk)
            )
            for postcode, code in session.execute(statement):
                self.by_postcode.setdefault(postcode, []).append(code)
                codes.add(code)
        # The communes themselves, held here: the referral's checks get them from the session
        # without a statement each.
        rows = []
        for chunk in in_chunks(codes):
            rows += session.scalars(select(Commune).where(Commune.insee_code.in_(chunk)))
        for chunk in in_chunks(names):
            rows += session.scalars(select(Commune).where(Commune.search_name.in_(chunk)))
        self.by_code = {row.insee_code: row for row in rows}
        self.by_name: dict[str, list[str]] = {}
        for row in self.by_code.values():
            self.by_name.setdefault(row.search_name, []).append(row.insee_code)

    def find(self, name: str | None, postcode: str | None):
        """(the commune, None) or (None, why not)."""
        name, postcode = _typed(name, postcode)
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
                    names = sorted(self.by_code[c].name for c in self.by_postcode[postcode])
                    return None, (
                        f"Le code postal {postcode} couvre plusieurs communes "
                        f"({', '.join(names)}) : indiquez laquelle dans la colonne Commune."
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


def commune_index(session: Session, records) -> CommuneIndex:
    return CommuneIndex(session, ((r.values["commune"], r.values["postcode"]) for r in records))


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
