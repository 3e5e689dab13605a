"""Importing an adviser's list of referrals (a France Travail export): each line is checked as a
referral typed in the panel would be (`referral.clean_referral`), then created, or matched to
the person already followed, or refused with the reason.

The same person is recognised, in the file and in the database, by her France Travail
identifier, then her name and birth date, then her email or her phone: a line that repeats an
earlier line is refused, a line of someone already followed is matched and changes nothing, so
that importing the same file again changes nothing."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from onboarding.imports.columns import DATE, Column, Columns
from onboarding.imports.report import LineStatus, Planned
from onboarding.pathway import audit
from onboarding.pathway.geography import fold
from onboarding.pathway.identifiers import phone_variants
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
from onboarding.pathway.models import AuditAction, Candidate, ReferralSource
from onboarding.pathway.referral import Referral, clean_referral, create_many_referred

COLUMNS = Columns(
    (
        LAST_NAME,
        FIRST_NAME,
        BIRTH_DATE,
        Column("france_travail_id", "Identifiant France Travail",
               aliases=("identifiant FT", "id FT", "identifiant Pôle emploi", "identifiant PE",
                        "identifiant", "IDE")),
        EMAIL,
        PHONE,
        COMMUNE,
        POSTCODE_COLUMN,
        Column("agency", "Agence", max_length=100,
               aliases=("agence France Travail", "agence prescriptrice", "structure",
                        "agence de rattachement")),
        Column("adviser", "Conseiller", max_length=90,
               aliases=("conseillère", "conseiller référent", "conseiller France Travail",
                        "référent", "prescripteur")),
        Column("referred_on", "Date d'orientation", DATE,
               aliases=("date", "date de prescription", "orientation le")),
    ),
    one_of=(("commune", "postcode"),),
)  # fmt: skip


def _identity_keys(referral: Referral) -> list[tuple[str, tuple]]:
    """The keys a person is recognised by, strongest first, each with what it is called."""
    keys = []
    if referral.france_travail_id:
        keys.append(("même identifiant France Travail", ("ft", referral.france_travail_id)))
    if referral.birth_date:
        name = (fold(referral.first_name), fold(referral.last_name))
        keys.append(("même nom et date de naissance", ("born", *name, referral.birth_date)))
    if referral.email:
        keys.append(("même e-mail", ("email", referral.email.lower())))
    for variant in sorted(phone_variants(referral.phone or "")):
        keys.append(("même téléphone", ("phone", variant)))
    return keys


class ReferralImport(ListImport):
    """Referrals from France Travail (job seekers), followed by the coordinator who imports."""

    columns = COLUMNS
    repeated = "Même personne que la ligne {line} du fichier."

    def _referral(self, values: dict, commune_insee: str) -> Referral:
        referred_by = " — ".join(v for v in (values["agency"], values["adviser"]) if v) or None
        return Referral(
            first_name=values["first_name"],
            last_name=values["last_name"],
            commune_insee=commune_insee,
            referral_source=ReferralSource.FRANCE_TRAVAIL,
            referred_on=values["referred_on"] or self.today,
            is_job_seeker=True,
            france_travail_id=values["france_travail_id"],
            email=values["email"],
            phone=values["phone"],
            birth_date=values["birth_date"],
            referred_by=referred_by,
            coordinator=self.actor if self.actor and not self.actor.is_admin else None,
        )

    def check(self, session: Session, values: dict, commune) -> tuple[Referral, list]:
        referral = self._referral(values, commune.insee_code)
        # Those already followed are matched in `decide`, all at once.
        clean_referral(session, referral, today=self.today, check_identifier_taken=False)
        return referral, [key for _, key in _identity_keys(referral)]

    def decide(self, session: Session, accepted: list[Planned]) -> None:
        keys_by_line = [_identity_keys(item.payload) for item in accepted]
        followed = self._followed(session, keys_by_line)
        for item, keys in zip(accepted, keys_by_line, strict=True):
            report = item.report
            match = next(((label, followed[key]) for label, key in keys if key in followed), None)
            if match is None:
                report.status = LineStatus.CREATED
                continue
            label, (candidate_id, department) = match
            report.status = LineStatus.MATCHED
            if self.actor is None or self.actor.covers_department(department):
                report.reason = f"fiche n° {candidate_id}, {label}."
            else:
                report.reason = f"dans un autre département, {label}."

    def _followed(self, session: Session, keys_by_line: list[list]) -> dict[tuple, tuple]:
        """The people already followed under any of these keys: key → (id, département)."""
        wanted = {key for keys in keys_by_line for _, key in keys}
        by_kind: dict[str, set] = {"ft": set(), "born": set(), "email": set(), "phone": set()}
        for key in wanted:
            by_kind[key[0]].add(key[-1])
        columns = (
            Candidate.id,
            Candidate.department_code,
            Candidate.france_travail_id,
            Candidate.first_name,
            Candidate.last_name,
            Candidate.birth_date,
            Candidate.email,
            Candidate.phone,
        )
        clauses = (
            ("ft", lambda chunk: Candidate.france_travail_id.in_(chunk)),
            ("born", lambda chunk: Candidate.birth_date.in_(chunk)),
            ("email", lambda chunk: func.lower(Candidate.email).in_(chunk)),
            ("phone", lambda chunk: Candidate.phone.in_(chunk)),
        )
        found: dict[tuple, tuple] = {}
        for kind, clause in clauses:
            for chunk in in_chunks(by_kind[kind]):
                for row in session.execute(select(*columns).where(clause(chunk))):
                    for key in self._keys_of(row):
                        if key in wanted:
                            found.setdefault(key, (row.id, row.department_code))
        return found

    @staticmethod
    def _keys_of(row) -> list[tuple]:
        keys = []
        if row.france_travail_id:
            keys.append(("ft", row.france_travail_id))
        if row.birth_date:
            keys.append(("born", fold(row.first_name), fold(row.last_name), row.birth_date))
        if row.email:
            keys.append(("email", row.email.lower()))
        keys.extend(("phone", variant) for variant in phone_variants(row.phone or ""))
        return keys

    def write(self, session: Session, planned: list[Planned]) -> list[Candidate]:
        created = create_many_referred(session, [p.payload for p in planned])
        fields = ["first_name", "last_name", "birth_date", "france_travail_id", "email", "phone",
                  "commune_insee", "referral_source", "referred_by", "referred_on"]  # fmt: skip
        audit.record_many(session, actor=self.actor, action=AuditAction.IMPORT_CREATE,
                          object_type="Candidate", object_ids=[c.id for c in created],
                          fields=fields)  # fmt: skip
        return created
