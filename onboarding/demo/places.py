"""Real Nouvelle-Aquitaine communes from the database, and the believable places built on them."""

import random
from bisect import bisect_left
from dataclasses import dataclass
from itertools import accumulate

from sqlalchemy import select
from sqlalchemy.orm import Session

from onboarding.pathway.geography import NOUVELLE_AQUITAINE, distance_km
from onboarding.pathway.identifiers import LA_POSTE_SIREN
from onboarding.pathway.models import Commune

# With the article the French use: "Caf de la Gironde", "Caf des Landes".
DEPARTMENTS = {
    "16": ("Charente", "de la Charente"),
    "17": ("Charente-Maritime", "de la Charente-Maritime"),
    "19": ("Corrèze", "de la Corrèze"),
    "23": ("Creuse", "de la Creuse"),
    "24": ("Dordogne", "de la Dordogne"),
    "33": ("Gironde", "de la Gironde"),
    "40": ("Landes", "des Landes"),
    "47": ("Lot-et-Garonne", "de Lot-et-Garonne"),
    "64": ("Pyrénées-Atlantiques", "des Pyrénées-Atlantiques"),
    "79": ("Deux-Sèvres", "des Deux-Sèvres"),
    "86": ("Vienne", "de la Vienne"),
    "87": ("Haute-Vienne", "de la Haute-Vienne"),
}
TRAINING_PROVIDERS = {
    **dict.fromkeys(("24", "33", "40", "47", "64"), "Greta-CFA Aquitaine"),
    **dict.fromkeys(("16", "17", "79", "86"), "Greta Poitou-Charentes"),
    **dict.fromkeys(("19", "23", "87"), "Greta du Limousin"),
}
# Communes smaller than this rarely see a candidate in a demo of a few hundred.
MIN_POPULATION = 400
# Big départements hold their activities in two towns at least this far apart.
SECOND_POLE_MIN_KM = 35
SECOND_POLE_MIN_CANDIDATES = 50


@dataclass(frozen=True)
class Place:
    insee_code: str
    name: str
    department_code: str
    population: int
    latitude: float
    longitude: float

    def km_to(self, other: "Place") -> float:
        return distance_km(self.latitude, self.longitude, other.latitude, other.longitude)


class WeightedChoice:
    """rng.choices with the cumulative weights computed once."""

    def __init__(self, items: list, weights: list[float]):
        self.items = items
        self.cumulative = list(accumulate(weights))

    def pick(self, rng: random.Random):
        point = rng.random() * self.cumulative[-1]
        return self.items[min(bisect_left(self.cumulative, point), len(self.items) - 1)]


class Atlas:
    """The communes of Nouvelle-Aquitaine, weighted so that towns come up more than hamlets."""

    def __init__(self, session: Session):
        # Held here, the entities stay in the session's identity map: the pathway engine's
        # look-ups of a commune then cost no query.
        self.communes = list(
            session.scalars(
                select(Commune)
                .where(Commune.department_code.in_(NOUVELLE_AQUITAINE))
                .order_by(Commune.insee_code)
            )
        )
        self.by_department: dict[str, list[Place]] = {code: [] for code in NOUVELLE_AQUITAINE}
        for c in self.communes:
            self.by_department[c.department_code].append(
                Place(
                    c.insee_code, c.name, c.department_code, c.population, c.latitude, c.longitude
                )
            )
        missing = [code for code, places in self.by_department.items() if not places]
        if missing:
            raise RuntimeError(
                "The commune table has no commune for the départements "
                f"{', '.join(missing)}: load the communes first (flask db upgrade)."
            )
        self._choices = {}
        for code, places in self.by_department.items():
            populated = [p for p in places if p.population >= MIN_POPULATION] or places
            # Population to the power 0.8: cities dominate, as they do, without taking everything.
            weights = [max(p.population, 1) ** 0.8 for p in populated]
            self._choices[code] = WeightedChoice(populated, weights)
        populations = {c: sum(p.population for p in ps) for c, ps in self.by_department.items()}
        self.departments = WeightedChoice(
            list(NOUVELLE_AQUITAINE), [max(populations[c], 1) ** 0.85 for c in NOUVELLE_AQUITAINE]
        )
        self.by_insee = {p.insee_code: p for ps in self.by_department.values() for p in ps}

    def commune(self, rng: random.Random, department: str) -> Place:
        return self._choices[department].pick(rng)

    def largest(self, department: str, count: int) -> list[Place]:
        return sorted(self.by_department[department], key=lambda p: (-p.population, p.insee_code))[
            :count
        ]

    def poles(self, department: str, expected_candidates: int) -> list[Place]:
        """The towns where a département holds its activities: its largest town, and for the
        busiest départements a second one far enough to spare candidates the journey."""
        towns = self.largest(department, 12)
        poles = [towns[0]]
        if expected_candidates >= SECOND_POLE_MIN_CANDIDATES:
            far = [t for t in towns[1:] if t.km_to(towns[0]) >= SECOND_POLE_MIN_KM]
            if far:
                poles.append(far[0])
        return poles

    def near(self, place: Place, km: float, *, min_population: int = 300) -> list[Place]:
        """Populated communes within km of a place (the place itself included)."""
        return [
            p
            for p in self.by_department[place.department_code]
            if (p.population >= min_population or p == place) and p.km_to(place) <= km
        ]


def siret(rng: random.Random) -> str:
    """An invented SIRET that passes the Luhn check (and is not one of La Poste's)."""
    while True:
        body = f"{rng.randint(1, 9)}{rng.randint(0, 10**12 - 1):012d}"
        if body.startswith(LA_POSTE_SIREN):
            continue
        for check in range(10):
            candidate = body + str(check)
            if luhn_valid(candidate):
                return candidate


def luhn_valid(number: str) -> bool:
    total = 0
    for position, digit in enumerate(reversed(number)):
        n = int(digit)
        if position % 2 == 1:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


# Immersion hosts: a MAM association or a crèche has a SIRET, which a PMSMP convention needs.
HOST_NAMES = (
    "MAM Les P'tits Loups", "MAM Les Bout'chous", "MAM Les Petits Pas", "MAM Graines d'éveil",
    "MAM Les Lucioles", "MAM Pomme d'Api", "MAM Les Coccinelles", "MAM Les Petits Mousses",
    "MAM Ô p'tits bonheurs", "MAM Les Pitchouns", "MAM La Ribambelle", "MAM Les Câlinous",
    "Multi-accueil Les Lutins", "Crèche Les Marmousets", "Micro-crèche Les Farfadets",
    "Multi-accueil La Maison des Doudous", "Crèche associative Les Galopins",
    "Micro-crèche Les Petits Bouchons",
)  # fmt: skip


@dataclass(frozen=True)
class Host:
    name: str
    siret: str
    place: Place
    address: str


@dataclass(frozen=True)
class Venue:
    name: str
    address: str
    place: Place


VOWELS = tuple("AEIOUYÂÊÎÔÛÉÈ")


def of_town(name: str) -> str:
    """ "de Bordeaux", "d'Agen", "du Bouscat", "des Eyzies", "de La Rochelle"."""
    if name.startswith("Le "):
        return "du " + name.removeprefix("Le ")
    if name.startswith("Les "):
        return "des " + name.removeprefix("Les ")
    if name.startswith(VOWELS):
        return "d'" + name
    return "de " + name


def in_town(name: str) -> str:
    """ "à Bordeaux", "au Bouscat", "aux Eyzies", "à La Rochelle"."""
    if name.startswith("Le "):
        return "au " + name.removeprefix("Le ")
    if name.startswith("Les "):
        return "aux " + name.removeprefix("Les ")
    return "à " + name


def venue_names(kind: str, title: str, pole: Place) -> tuple[str, ...]:
    """Where a kind of activity is believably held in a town."""
    dep = DEPARTMENTS[pole.department_code][1]
    of = of_town(pole.name)
    if kind == "information":
        return (
            f"Agence France Travail {of}",
            f"Caf {dep} – accueil {of}",
            f"Relais Petite Enfance {of}",
        )
    if kind == "coaching":
        return (f"Relais Petite Enfance {of}", f"Centre social et culturel {of}")
    if "secours" in title.lower():
        return (
            f"Croix-Rouge française – unité locale {of}",
            f"Protection civile – antenne {of}",
        )
    if "numérique" in title.lower():
        return (f"Maison France Services {of}", f"Médiathèque {of}")
    return (f"Relais Petite Enfance {of}", f"Maison France Services {of}")
