"""Départements and communes: codes, names folded for search, and distances."""

import math
import re
import unicodedata

MAINLAND_DEPARTMENTS = (*(f"{n:02d}" for n in range(1, 96) if n != 20), "2A", "2B")
OVERSEAS_DEPARTMENTS = ("971", "972", "973", "974", "976")
DEPARTMENT_CODES = frozenset(MAINLAND_DEPARTMENTS + OVERSEAS_DEPARTMENTS)

NOUVELLE_AQUITAINE = ("16", "17", "19", "23", "24", "33", "40", "47", "64", "79", "86", "87")

INSEE_CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$")


def department_of(insee_code: str) -> str:
    """The département of a commune, read from its INSEE code ("33063" → "33", "97411" → "974")."""
    if insee_code.startswith("97"):
        return insee_code[:3]
    return insee_code[:2]


def is_department_code(code: str) -> bool:
    return code in DEPARTMENT_CODES


def normalize_department_code(code: str) -> str:
    """Accept "1" for "01" and "2a" for "2A", as people type them."""
    code = code.strip().upper()
    if code.isdigit() and len(code) == 1:
        code = "0" + code
    return code


def fold(text: str) -> str:
    """Lower case, no accents, punctuation as spaces: "Saint-Étienne" → "saint etienne"."""
    decomposed = unicodedata.normalize("NFKD", text)
    without_accents = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = re.split(r"[^a-z0-9]+", without_accents.lower().replace("œ", "oe").replace("æ", "ae"))
    return " ".join(word for word in words if word)


EARTH_RADIUS_KM = 6371.0088


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine) between two points given in degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))
