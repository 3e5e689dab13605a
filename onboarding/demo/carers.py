"""Carers in front of parents: publication consent, freshness, free places, and imported carers."""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from onboarding.demo.names import MEN, People
from onboarding.demo.places import Atlas, in_town
from onboarding.demo.timestamps import moment
from onboarding.pathway.carers import VacancyInput, add_vacancy
from onboarding.pathway.deadlines import agrement_expiry
from onboarding.pathway.models import Carer, CarerSource, Vacancy
from onboarding.pathway.schedule import WORKING_WEEK, half_day_mask

# The wording of the publication consent changes now and then; each consent keeps its version.
CONSENT_VERSIONS = (
    (date(2024, 9, 1), "2024-09"),
    (date(2025, 6, 1), "2025-06"),
    (date(2026, 1, 1), "2026-01"),
)
TARGET_CARERS = 150
# Imported carers came in one batch, from the départements' lists of approved carers.
IMPORTED_DAYS_AGO = 240
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def consent_version(on: date) -> str:
    version = CONSENT_VERSIONS[0][1]
    for since, name in CONSENT_VERSIONS:
        if on >= since:
            version = name
    return version


def _days(*names: str) -> int:
    return half_day_mask(f"{day}_{period}" for day in names for period in ("am", "pm"))


# Weekly grids that carers offer: (mask, age range in months, periscolaire, weight).
GRIDS = (
    (WORKING_WEEK, (0, 36), False, 0.3),
    (_days("mon", "tue", "thu", "fri"), (3, 36), False, 0.2),
    (_days("mon", "tue", "thu"), (10, 36), False, 0.1),
    (half_day_mask(f"{day}_am" for day in WEEKDAYS), (12, 48), False, 0.07),
    (WORKING_WEEK | half_day_mask(["sat_am"]), (0, 36), False, 0.05),
    (_days("wed") | half_day_mask(f"{day}_pm" for day in ("mon", "tue", "thu", "fri")),
     (36, 132), True, 0.13),
    (_days("tue", "wed", "thu"), (18, 48), False, 0.15),
)  # fmt: skip


@dataclass
class CarerCounts:
    published: int = 0
    stale: int = 0
    vacancies: int = 0
    imported: int = 0


OPENINGS = (
    "{title} depuis {year}, j'accueille vos enfants {in_town}.",
    "{title} {in_town} depuis {year}, j'ai à cœur d'offrir un cadre calme et rassurant.",
    "Après quinze ans dans le commerce, j'ai choisi ce métier en {year} ; j'habite {in_town}.",
)
NEW_OPENINGS = (
    "Tout juste {agreed} après le parcours d'accompagnement, je commence mon activité {in_town}.",
    "Nouvellement {agreed} ({year}), je suis disponible pour accueillir vos enfants {in_town}.",
)
HOMES = (
    "Maison de plain-pied avec jardin clos.",
    "Appartement lumineux au rez-de-chaussée, à deux pas du parc.",
    "Une pièce dédiée aux jeux et à la sieste, avec lits à barreaux.",
    "Maison avec jardin, proche de l'école maternelle.",
)
ACTIVITIES = (
    "Matinées d'éveil au Relais Petite Enfance chaque semaine.",
    "Peinture, pâte à sel, comptines et lecture d'albums.",
    "Promenades quotidiennes et petit potager selon la saison.",
    "Motricité libre et jeux d'extérieur tous les jours.",
)
EXTRAS = (
    "Repas faits maison.",
    "Foyer non fumeur, pas d'animaux.",
    "Je parle aussi l'espagnol.",
    "Gestes de premiers secours à jour (PSC1).",
    "Sorties à la médiathèque une fois par mois.",
)


def presentation(rng: random.Random, carer: Carer, town: str, today: date) -> str:
    man = carer.first_name in MEN
    title = "Assistant maternel agréé" if man else "Assistante maternelle agréée"
    values = {
        "title": title,
        "agreed": "agréé" if man else "agréée",
        "year": carer.agrement_on.year,
        "in_town": in_town(town),
    }
    recent = carer.agrement_on > today - timedelta(days=365)
    opening = rng.choice(NEW_OPENINGS if recent else OPENINGS).format(**values)
    parts = [opening, rng.choice(HOMES), rng.choice(ACTIVITIES)]
    if rng.random() < 0.6:
        parts.append(rng.choice(EXTRAS))
    return " ".join(parts)


class CarerDesk:
    """Publishes carers the way they would have done it themselves, and records their places."""

    def __init__(self, session: Session, rng: random.Random, atlas: Atlas, today: date):
        self.session = session
        self.rng = rng
        self.atlas = atlas
        self.today = today
        self.yesterday = today - timedelta(days=1)
        self.counts = CarerCounts()

    def present(self, carer: Carer, *, children: int, consent_from: date, publish: float) -> None:
        """Consent (or not yet), freshness, contact shown, and free places."""
        rng = self.rng
        # Created in this run, she has no vacancy yet: saying so spares a query per carer.
        set_committed_value(carer, "vacancies", [])
        town = self.atlas.by_insee[carer.commune_insee].name
        carer.presentation = presentation(rng, carer, town, self.today)
        if rng.random() >= publish or consent_from > self.yesterday:
            return
        consent_on = min(consent_from + timedelta(days=rng.randint(0, 60)), self.yesterday)
        carer.is_published = True
        carer.publication_consent_at = moment(consent_on, f"consent|{carer}")
        carer.publication_consent_version = consent_version(consent_on)
        show_email = carer.email is not None and rng.random() < 0.85
        show_phone = carer.phone is not None and rng.random() < 0.8
        if not (show_email or show_phone):
            show_phone, show_email = carer.phone is not None, carer.phone is None
        carer.show_email, carer.show_phone = show_email, show_phone
        carer.show_address = carer.address is not None and rng.random() < 0.25
        stale = (self.yesterday - consent_on).days > 200 and rng.random() < 0.18
        if stale:
            # Six months and more without a word: hidden from parents until she confirms.
            confirmed = self.today - timedelta(days=rng.randint(190, 420))
            self.counts.stale += 1
        else:
            confirmed = self.today - timedelta(days=rng.randint(1, 170))
        carer.last_confirmed_on = min(max(confirmed, consent_on), self.yesterday)
        self.counts.published += 1
        free = max(0, carer.agrement_capacity - children)
        wanted = rng.choices((0, 1, 2, 3), (0.15, 0.5, 0.25, 0.1))[0]
        for _ in range(min(free, wanted)):
            self._vacancy(carer)

    def children(self, carer: Carer) -> int:
        """Children a working carer already looks after, within her agrément."""
        return min(
            carer.agrement_capacity, self.rng.choices((1, 2, 3, 4), (0.4, 0.35, 0.2, 0.05))[0]
        )

    def _vacancy(self, carer: Carer) -> None:
        rng = self.rng
        grids = [g[:3] for g in GRIDS]
        mask, (age_min, age_max), periscolaire = rng.choices(grids, [g[3] for g in GRIDS])[0]
        if not periscolaire and rng.random() < 0.3:
            age_min = rng.choice((0, 2, 3))
        flags = {
            "early": rng.random() < 0.15,
            "late": rng.random() < 0.15,
            "night": rng.random() < 0.02,
            "periscolaire": periscolaire,
            "holidays": rng.random() < (0.5 if periscolaire else 0.2),
            "emergency": rng.random() < 0.1,
            "disability": rng.random() < 0.08,
        }
        confirmed = carer.last_confirmed_on
        if rng.random() < 0.4 or confirmed < self.today - timedelta(days=180):
            # Free since a while: a row as it was kept, its start date now past.
            available_from = confirmed + timedelta(days=rng.randint(0, 30))
            available_from = min(available_from, self.yesterday)
            stamp = moment(confirmed, f"vacancy|{carer}|{mask}")
            self.session.add(
                Vacancy(
                    carer=carer,
                    available_from=available_from,
                    age_min_months=age_min,
                    age_max_months=age_max,
                    half_days=mask,
                    created_at=stamp,
                    updated_at=stamp,
                    **flags,
                )
            )
        else:
            available_from = self.today + timedelta(days=rng.randint(0, 150))
            vacancy = add_vacancy(
                self.session,
                carer,
                VacancyInput(available_from, age_min, age_max, mask, **flags),
                today=self.today,
            )
            vacancy.created_at = vacancy.updated_at = moment(confirmed, f"vacancy|{carer}|{mask}")
        self.counts.vacancies += 1

    def _renewed_expiry(self, agrement_on: date) -> date:
        """Her agrément's expiry, renewed every 5 years up to now."""
        expires = agrement_expiry(agrement_on, is_renewal=False, has_cap_aepe_units=False)
        while expires < self.today:
            expires = agrement_expiry(
                expires + timedelta(days=1), is_renewal=True, has_cap_aepe_units=False
            )
        return expires

    def import_carers(self, people: People, count: int) -> list[Carer]:
        """Approved carers known to the départements before the pathway existed."""
        rng = self.rng
        imported_on = self.today - timedelta(days=IMPORTED_DAYS_AGO)
        carers = []
        for _ in range(count):
            department = self.atlas.departments.pick(rng)
            place = self.atlas.commune(rng, department)
            first, last = people.first_name(woman_share=0.97), people.last_name()
            email, phone = people.contact(first, last, email_share=0.8, phone_share=0.95)
            agrement_on = self.today - timedelta(days=rng.randint(400, 7000))
            first_child_on = agrement_on + timedelta(days=rng.randint(20, 200))
            stamp = moment(imported_on, f"import|{first}|{last}")
            carer = Carer(
                source=CarerSource.IMPORTED,
                first_name=first,
                last_name=last,
                email=email,
                phone=phone,
                address=people.address(),
                commune_insee=place.insee_code,
                latitude=place.latitude,
                longitude=place.longitude,
                agrement_on=agrement_on,
                agrement_capacity=rng.choices((4, 3, 2), (0.55, 0.35, 0.1))[0],
                # Trained before her agrément, as the PMI's list implies (renewed since).
                training_part1_on=agrement_on,
                agrement_expires_on=self._renewed_expiry(agrement_on),
                first_child_on=first_child_on if first_child_on < self.today else None,
                show_email=email is not None,
                show_phone=phone is not None,
                created_at=stamp,
                updated_at=stamp,
            )
            self.session.add(carer)
            children = self.children(carer) if carer.first_child_on else 0
            self.present(carer, children=children, consent_from=imported_on, publish=0.8)
            carers.append(carer)
        self.counts.imported += len(carers)
        return carers
