"""The weekly grid of half-days (a 14-bit mask) and the atypical needs, with their French words."""

DAYS = (
    ("mon", "Lundi"),
    ("tue", "Mardi"),
    ("wed", "Mercredi"),
    ("thu", "Jeudi"),
    ("fri", "Vendredi"),
    ("sat", "Samedi"),
    ("sun", "Dimanche"),
)
PERIODS = (("am", "matin"), ("pm", "après-midi"))

# "mon_am" is bit 0, "mon_pm" bit 1, … "sun_pm" bit 13.
HALF_DAYS = tuple(f"{day}_{period}" for day, _ in DAYS for period, _ in PERIODS)
HALF_DAY_LABELS = {
    f"{day}_{period}": f"{day_label} {period_label}"
    for day, day_label in DAYS
    for period, period_label in PERIODS
}
FULL_WEEK = (1 << len(HALF_DAYS)) - 1
WORKING_WEEK = sum(1 << HALF_DAYS.index(f"{day}_{p}") for day, _ in DAYS[:5] for p, _ in PERIODS)

# The atypical needs, in the order of their bits in ContactRequest.needs.
NEEDS = ("early", "late", "night", "periscolaire", "holidays", "emergency", "disability")
NEED_LABELS = {
    "early": "Avant 7 h",
    "late": "Après 19 h",
    "night": "La nuit",
    "periscolaire": "Périscolaire",
    "holidays": "Vacances scolaires",
    "emergency": "Accueil d'urgence",
    "disability": "Enfant en situation de handicap",
}


class UnknownName(ValueError):
    """A half-day or need name that is not one of ours."""


def half_day_mask(names) -> int:
    mask = 0
    for name in names:
        if name not in HALF_DAYS:
            raise UnknownName(name)
        mask |= 1 << HALF_DAYS.index(name)
    return mask


def half_day_names(mask: int) -> list[str]:
    return [name for bit, name in enumerate(HALF_DAYS) if mask & (1 << bit)]


def count_half_days(mask: int) -> int:
    return bin(mask & FULL_WEEK).count("1")


def needs_mask(names) -> int:
    mask = 0
    for name in names:
        if name not in NEEDS:
            raise UnknownName(name)
        mask |= 1 << NEEDS.index(name)
    return mask


def need_names(mask: int) -> list[str]:
    return [name for bit, name in enumerate(NEEDS) if mask & (1 << bit)]
