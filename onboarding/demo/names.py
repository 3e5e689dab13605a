"""Invented people for the demo: French names, contact details that reach nobody, identifiers."""

import random
from datetime import date, timedelta

from onboarding.pathway.geography import fold

# Common first names of adults living in France today; childminders are nearly all women.
WOMEN = (
    "Nathalie", "Isabelle", "Sylvie", "Catherine", "Sandrine", "Valérie", "Christelle",
    "Stéphanie", "Céline", "Aurélie", "Émilie", "Julie", "Virginie", "Sophie", "Caroline",
    "Laetitia", "Audrey", "Élodie", "Mélanie", "Sabrina", "Karine", "Vanessa", "Jennifer",
    "Amandine", "Camille", "Laura", "Marion", "Pauline", "Manon", "Sarah", "Chloé", "Léa",
    "Océane", "Anaïs", "Marine", "Justine", "Charlotte", "Clémence", "Mathilde", "Morgane",
    "Jessica", "Cindy", "Coralie", "Magali", "Delphine", "Patricia", "Nadia", "Samira",
    "Fatima", "Leïla", "Myriam", "Inès", "Yasmina", "Aïcha", "Sonia", "Corinne", "Florence",
    "Hélène", "Anne", "Marie", "Laurence", "Véronique", "Martine", "Christine", "Fabienne",
    "Séverine", "Gaëlle", "Alexandra", "Elsa", "Lucie", "Noémie", "Ophélie", "Perrine",
    "Solène", "Estelle", "Marina", "Maëva", "Sabine", "Nadège", "Muriel", "Adeline",
    "Angélique", "Emma", "Sandra", "Ludivine", "Aline", "Élise", "Maud", "Claire", "Fanny",
    "Gwendoline", "Kelly", "Lydie", "Mélissa", "Nora", "Rachida", "Soraya", "Dalila", "Naïma",
    "Khadija", "Malika", "Mariama", "Aminata", "Fatoumata", "Ana", "Rosa", "Béatrice",
)  # fmt: skip
MEN = (
    "Thomas", "Nicolas", "Julien", "Sébastien", "David", "Karim", "Mehdi", "Olivier",
    "Mathieu", "Romain", "Kévin", "Alexandre", "Yannick", "Franck", "Christophe", "Stéphane",
    "Jérôme", "Antoine", "Hugo", "Lucas", "Maxime", "Florian", "Bruno", "Laurent", "Samir",
    "Youssef", "Moussa", "Pierre", "Benoît", "Damien",
)  # fmt: skip
LAST_NAMES = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "André", "Lefèvre", "Mercier", "Dupont",
    "Lambert", "Bonnet", "François", "Martinez", "Legrand", "Garnier", "Faure", "Rousseau",
    "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Perrin", "Morin", "Mathieu", "Clément",
    "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin", "Masson", "Sanchez",
    "Gérard", "Nguyen", "Boyer", "Denis", "Lemaire", "Duval", "Joly", "Roger", "Roche", "Roy",
    "Noël", "Meyer", "Lucas", "Meunier", "Perez", "Marchand", "Dufour", "Blanchard", "Barbier",
    "Brun", "Dumas", "Brunet", "Leroux", "Colin", "Fernandez", "Renard", "Arnaud", "Rolland",
    "Caron", "Aubert", "Giraud", "Leclerc", "Vidal", "Bourgeois", "Renaud", "Lemoine",
    "Picard", "Gaillard", "Lacroix", "Fabre", "Dupuis", "Rodriguez", "Da Silva", "Hubert",
    "Guillot", "Rivière", "Le Gall", "Adam", "Rey", "Moulin", "Gonzalez", "Berger", "Lecomte",
    "Ménard", "Fleury", "Deschamps", "Carpentier", "Benoît", "Maillard", "Aubry", "Jacquet",
    "Prévost", "Poirier", "Charpentier", "Huet", "Baron", "Dupuy", "Pons", "Breton", "Rémy",
    "Guyot", "Marty", "Cousin", "Lafargue", "Dufau", "Laborde", "Etcheverry", "Larrieu",
    "Lacoste", "Lasserre", "Castaing", "Labat", "Dupouy", "Bordes", "Lamarque", "Dubos",
    "Peyrat", "Chastang", "Delpech", "Lagarde", "Mounier", "Brousse", "Benali", "Haddad",
    "Mansouri", "Belkacem", "Amrani", "Cherif", "Diallo", "Traoré", "Diop", "Ferreira",
    "Pereira", "Rodrigues", "Dos Santos", "Oliveira", "Lavergne", "Chabrol", "Desmoulins",
)  # fmt: skip
STREETS = (
    "rue Jean Jaurès", "avenue de la République", "rue Victor Hugo", "rue des Écoles",
    "place de la Mairie", "rue du Général de Gaulle", "allée des Tilleuls", "chemin des Vignes",
    "rue Pasteur", "impasse des Lilas", "rue de la Gare", "avenue Aristide Briand",
    "rue des Acacias", "rue du Château d'eau", "rue Gambetta", "rue de la Liberté",
    "avenue du 8 Mai 1945", "rue des Peupliers", "chemin du Moulin", "rue Émile Zola",
    "rue du Stade", "allée des Pins", "rue des Jardins", "rue Jules Ferry", "rue de l'Église",
    "boulevard Clemenceau", "rue des Vergers", "lotissement Les Chênes", "rue du Lavoir",
    "avenue de Verdun",
)  # fmt: skip
EMAIL_DOMAINS = ("example.org", "example.com", "example.net")
# ARCEP keeps these blocks for fiction: no line will ever ring (mobile, and the south-west).
FICTION_MOBILE = "063998"
FICTION_LANDLINE = "053649"


class People:
    """Draws names and contact details, never the same phone or France Travail id twice."""

    def __init__(self, rng: random.Random, taken_france_travail_ids: set[str]):
        self.rng = rng
        self.france_travail_ids = set(taken_france_travail_ids)
        self.phones: set[str] = set()
        self.emails: set[str] = set()

    def with_rng(self, rng: random.Random) -> "People":
        """Another stream of draws that still never repeats a phone or an identifier."""
        other = People(rng, set())
        other.france_travail_ids, other.phones, other.emails = (
            self.france_travail_ids,
            self.phones,
            self.emails,
        )
        return other

    def first_name(self, *, woman_share: float = 0.93) -> str:
        return self.rng.choice(WOMEN if self.rng.random() < woman_share else MEN)

    def last_name(self) -> str:
        return self.rng.choice(LAST_NAMES)

    def email(self, first_name: str, last_name: str) -> str:
        first, last = fold(first_name).replace(" ", ""), fold(last_name).replace(" ", "")
        pattern = self.rng.random()
        if pattern < 0.45:
            local = f"{first}.{last}"
        elif pattern < 0.65:
            local = f"{first}{last}{self.rng.randint(1, 99)}"
        elif pattern < 0.8:
            local = f"{first[0]}.{last}"
        else:
            local = f"{first}_{last}{self.rng.randint(70, 99)}"
        domain = self.rng.choice(EMAIL_DOMAINS)
        address = f"{local}@{domain}"
        while address in self.emails:
            address = f"{local}{self.rng.randint(2, 999)}@{domain}"
        self.emails.add(address)
        return address

    def phone(self, *, landline_share: float = 0.12) -> str:
        prefix = FICTION_LANDLINE if self.rng.random() < landline_share else FICTION_MOBILE
        number = f"{prefix}{self.rng.randint(0, 9999):04d}"
        while number in self.phones:
            number = f"{prefix}{self.rng.randint(0, 9999):04d}"
        self.phones.add(number)
        return number

    def address(self) -> str:
        number = self.rng.randint(1, 120)
        suffix = " bis" if self.rng.random() < 0.05 else ""
        return f"{number}{suffix} {self.rng.choice(STREETS)}"

    def birth_date(self, today: date, youngest: int = 22, oldest: int = 58) -> date:
        return today - timedelta(days=self.rng.randint(youngest * 365, oldest * 365))

    def france_travail_id(self) -> str:
        """8 characters (7 digits and a letter or digit, older ids) or 11 digits (since 2025)."""
        while True:
            if self.rng.random() < 0.6:
                tail = self.rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789")
                value = f"{self.rng.randint(0, 9_999_999):07d}{tail}"
            else:
                value = f"{self.rng.randint(0, 99_999_999_999):011d}"
            if value not in self.france_travail_ids:
                self.france_travail_ids.add(value)
                return value

    def contact(self, first_name: str, last_name: str, *, email_share: float, phone_share: float):
        """(email, phone), at least one of them present."""
        email = self.email(first_name, last_name) if self.rng.random() < email_share else None
        phone = self.phone() if self.rng.random() < phone_share or email is None else None
        return email, phone
