"""Importing a PMI's or an RPE's list of carers already approved: each line creates an imported
carer, updates the one already known, leaves her unchanged, or is refused with the reason.

A carer is recognised by her agrément number, else by her name, birth date and commune, in the
file (a repeated line is refused) and in the database, so that importing the same list again
changes nothing. An imported carer is never published: she is shown to parents only once she
has opened her space and consented (`pathway.shown`). The list updates what the département
decides (the agrément, its dates and capacity, her names and commune) but only fills contact
details that are missing: once she has her space, they are hers to keep up to date. A carer
who came through the pathway keeps what her decisions say; the list only adds her agrément
number, birth name and MAM."""

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from onboarding.imports.columns import DATE, INTEGER, Column, Columns
from onboarding.imports.report import LineStatus, Planned
from onboarding.pathway import audit, clock, invitations
from onboarding.pathway import mam as mams
from onboarding.pathway.deadlines import agrement_expiry
from onboarding.pathway.errors import RuleViolation
from onboarding.pathway.geography import fold
from onboarding.pathway.import_rules import (
    BIRTH_DATE,
    COMMUNE,
    EMAIL,
    FIRST_NAME,
    LAST_NAME,
    PHONE,
    POSTCODE_COLUMN,
    ListImport,
    in_chunks,
)
from onboarding.pathway.models import AuditAction, Candidate, Carer, CarerSource
from onboarding.pathway.referral import normalize_email, normalize_phone_number

COLUMNS = Columns(
    (
        LAST_NAME,
        FIRST_NAME,
        Column("birth_name", "Nom de naissance", max_length=100,
               aliases=("nom de jeune fille", "née", "nom patronymique")),
        BIRTH_DATE,
        Column("agrement_number", "Numéro d'agrément", max_length=30,
               aliases=("agrément", "n° agrément", "référence agrément")),
        Column("agrement_on", "Date de décision", DATE, required=True,
               aliases=("date d'agrément", "date de la décision", "décision du",
                        "date agrément", "agréée le", "agréé le")),
        Column("agrement_expires_on", "Date d'expiration", DATE,
               aliases=("expiration", "fin de validité", "date de fin", "échéance",
                        "valable jusqu'au", "date de fin d'agrément")),
        Column("agrement_capacity", "Capacité", INTEGER, required=True,
               aliases=("capacité d'accueil", "nombre d'enfants", "nombre de places",
                        "places agréées", "nombre d'enfants agréés", "enfants")),
        COMMUNE,
        POSTCODE_COLUMN,
        Column("address", "Adresse", max_length=200,
               aliases=("adresse postale", "adresse d'exercice", "voie")),
        PHONE,
        EMAIL,
        Column("mam_label", "MAM", max_length=120,
               aliases=("nom de la MAM", "maison d'assistants maternels", "MAM d'exercice")),
    ),
    one_of=(("commune", "postcode"),),
)  # fmt: skip
# What the département decides, which the list updates on an imported carer.
DECIDED = ("last_name", "first_name", "birth_name", "birth_date", "agrement_number",
           "agrement_on", "agrement_expires_on", "agrement_capacity", "commune_insee",
           "mam_label")  # fmt: skip
# Hers once she has her space: the list only fills them when missing.
CONTACT = ("address", "phone", "email")
# What the list adds to a carer who came through the pathway.
ADDED_TO_PATHWAY = ("agrement_number", "birth_name", "mam_label")


def _label(attribute: str) -> str:
    key = "commune" if attribute == "commune_insee" else attribute
    return COLUMNS.label(key).lower() if key != "mam_label" else "MAM"


def _clean(values: dict, commune, today: date) -> dict:
    """The carer's fields from a line, or RuleViolation with the French reason."""
    decided_on = values["agrement_on"]
    if decided_on > today:
        raise RuleViolation("La date de décision ne peut pas être dans le futur.")
    expires_on = values["agrement_expires_on"] or agrement_expiry(
        decided_on, is_renewal=False, has_cap_aepe_units=False
    )
    if expires_on <= decided_on:
        raise RuleViolation("La date d'expiration précède la date de décision.")
    if expires_on < today:
        raise RuleViolation(
            f"Agrément expiré le {expires_on:%d/%m/%Y} : seule une assistante maternelle "
            "agréée s'importe."
        )
    if not 1 <= values["agrement_capacity"] <= 4:
        raise RuleViolation("La capacité va de 1 à 4 enfants (L421-4).")
    if values["birth_date"] and values["birth_date"] >= today:
        raise RuleViolation("La date de naissance doit être passée.")
    number = values["agrement_number"]
    return {
        "last_name": values["last_name"],
        "first_name": values["first_name"],
        "birth_name": values["birth_name"],
        "birth_date": values["birth_date"],
        "agrement_number": "".join(number.split()).upper() if number else None,
        "agrement_on": decided_on,
        "agrement_expires_on": expires_on,
        "agrement_capacity": values["agrement_capacity"],
        "commune_insee": commune.insee_code,
        "mam_label": values["mam_label"],
        "address": values["address"],
        "phone": normalize_phone_number(values["phone"]) if values["phone"] else None,
        "email": normalize_email(values["email"]) if values["email"] else None,
    }


def _person_key(fields: dict, birth_date: date | None) -> tuple | None:
    if birth_date is None:
        return None
    return ("person", fold(fields["first_name"]), fold(fields["last_name"]), birth_date,
            fields["commune_insee"])  # fmt: skip


def _same_person(carer: Carer, fields: dict) -> bool:
    names = {fold(carer.last_name), fold(carer.birth_name or "")}
    return fold(fields["first_name"]) == fold(carer.first_name) and bool(
        {fold(fields["last_name"]), fold(fields["birth_name"] or "")} & names - {""}
    )


class CarerImport(ListImport):
    columns = COLUMNS
    repeated = "Même assistante maternelle que la ligne {line} du fichier."

    def check(self, session: Session, values: dict, commune) -> tuple[dict, list]:
        fields = _clean(values, commune, self.today)
        keys = [("number", fields["agrement_number"])] if fields["agrement_number"] else []
        person = _person_key(fields, fields["birth_date"])
        return {"fields": fields, "commune": commune}, keys + ([person] if person else [])

    def decide(self, session: Session, accepted: list[Planned]) -> None:
        by_number, by_person = self._known(session, [p.payload["fields"] for p in accepted])
        for item in accepted:
            self._decide(item, by_number, by_person)

    def _known(self, session: Session, lines: list[dict]) -> tuple[dict, dict]:
        """Carers already known by the lines' agrément numbers, and by name, birth date (hers,
        or her candidate's) and commune."""
        numbers = {f["agrement_number"] for f in lines if f["agrement_number"]}
        births = {f["birth_date"] for f in lines if f["birth_date"]}
        by_number, by_person = {}, {}
        for chunk in in_chunks(numbers):
            for carer in session.scalars(select(Carer).where(Carer.agrement_number.in_(chunk))):
                by_number[carer.agrement_number] = carer
        for chunk in in_chunks(births):
            rows = session.execute(
                select(Carer, Candidate.birth_date)
                .outerjoin(Candidate, Carer.candidate_id == Candidate.id)
                .where(or_(Carer.birth_date.in_(chunk), Candidate.birth_date.in_(chunk)))
            )
            for carer, candidate_birth_date in rows:
                fields = {"first_name": carer.first_name, "last_name": carer.last_name,
                          "commune_insee": carer.commune_insee}  # fmt: skip
                for name in {carer.last_name, carer.birth_name} - {None}:
                    key = _person_key({**fields, "last_name": name},
                                      carer.birth_date or candidate_birth_date)  # fmt: skip
                    by_person.setdefault(key, carer)
        return by_number, by_person

    def _decide(self, item: Planned, by_number: dict, by_person: dict) -> None:
        report, fields = item.report, item.payload["fields"]
        number = fields["agrement_number"]
        carer = by_number.get(number) if number else None
        if carer is not None and not _same_person(carer, fields):
            report.reason = (
                f"Le numéro d'agrément {number} est déjà celui d'une autre assistante "
                "maternelle" + self._which(carer) + "."
            )
            return
        if carer is None:
            carer = next(
                (by_person[key] for key in self._person_keys(fields) if key in by_person), None
            )
            if carer is not None and number and carer.agrement_number not in (None, number):
                report.reason = (
                    "Même nom, date de naissance et commune qu'une assistante maternelle "
                    f"déjà connue{self._which(carer)}, mais avec un autre numéro d'agrément "
                    f"({carer.agrement_number})."
                )
                return
        if carer is None:
            report.status = LineStatus.CREATED
            return
        if self.actor is not None and not self.actor.covers_department(carer.department_code):
            report.reason = "Déjà connue dans un autre département."
            return
        changes = self._changes(carer, fields)
        item.payload["carer"], item.payload["changes"] = carer, changes
        if changes:
            report.status = LineStatus.UPDATED
            report.reason = "Mis à jour : " + ", ".join(_label(name) for name in changes) + "."
        else:
            report.status = LineStatus.UNCHANGED
            if carer.source == CarerSource.PATHWAY:
                report.reason = "Issue du parcours : ses décisions font foi."

    @staticmethod
    def _person_keys(fields: dict) -> list[tuple]:
        keys = [_person_key(fields, fields["birth_date"])]
        if fields["birth_name"]:
            keys.append(_person_key({**fields, "last_name": fields["birth_name"]},
                                    fields["birth_date"]))  # fmt: skip
        return [key for key in keys if key]

    def _which(self, carer: Carer) -> str:
        if self.actor is None or self.actor.covers_department(carer.department_code):
            return f" (fiche n° {carer.id})"
        return ""

    @staticmethod
    def _changes(carer: Carer, fields: dict) -> dict:
        if carer.source == CarerSource.PATHWAY:
            changed = {n: fields[n] for n in ADDED_TO_PATHWAY if fields[n] is not None}
        else:
            changed = {n: fields[n] for n in DECIDED if fields[n] is not None}
        changed.update({n: fields[n] for n in CONTACT if fields[n] and not getattr(carer, n)})
        return {n: v for n, v in changed.items() if getattr(carer, n) != v}

    def write(self, session: Session, planned: list[Planned]) -> list[Carer]:
        created = []
        for item in planned:
            if item.report.status == LineStatus.CREATED:
                fields, commune = item.payload["fields"], item.payload["commune"]
                carer = Carer(
                    source=CarerSource.IMPORTED,
                    latitude=commune.latitude,
                    longitude=commune.longitude,
                    # Shown by default, each only when she has one (R421-39).
                    show_email=fields["email"] is not None or fields["phone"] is None,
                    show_phone=fields["phone"] is not None or fields["email"] is None,
                    is_published=False,
                    **fields,
                )
                session.add(carer)
                created.append(carer)
            else:
                carer, changes = item.payload["carer"], item.payload["changes"]
                for name, value in changes.items():
                    setattr(carer, name, value)
                if "commune_insee" in changes:
                    commune = item.payload["commune"]
                    carer.latitude, carer.longitude = commune.latitude, commune.longitude
                self._audit(session, AuditAction.IMPORT_UPDATE, carer, list(changes))
        session.flush()
        audit.record_many(session, actor=self.actor, action=AuditAction.IMPORT_CREATE,
                          object_type="Carer", object_ids=[carer.id for carer in created],
                          fields=[*DECIDED, *CONTACT])  # fmt: skip
        # Invited to open her space and publish, in the import's transaction: by email when the
        # list gives one; the others' letters are printed from the carers' list ("jamais
        # invitée").
        invitations.invite_many_by_email(
            session, [carer for carer in created if carer.email], now=clock.now(), by=self.actor
        )
        # The MAM the list names, when the département has it on record.
        updated = [item.payload["carer"] for item in planned if "carer" in item.payload]
        for carer in [*created, *updated]:
            mams.join_named(session, carer, actor=self.actor)
        return created

    def _audit(self, session: Session, action: AuditAction, carer: Carer, fields: list) -> None:
        audit.record(session, actor=self.actor, action=action, object_type="Carer",
                     object_id=carer.id, fields=fields)  # fmt: skip
