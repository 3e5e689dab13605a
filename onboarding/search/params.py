"""Reading a search from URL parameters, shared by the page and the JSON API.

Parameters: commune (INSEE code), radius_km, birth_date and start (YYYY-MM-DD; the page also
takes DD/MM/YYYY), slots and needs (names, comma-separated or repeated), setting (any, mam or
home; any when absent), page.
"""

import contextlib
import re
from collections.abc import Mapping
from datetime import date, datetime

from onboarding.pathway.geography import INSEE_CODE
from onboarding.pathway.schedule import HALF_DAYS, NEEDS, UnknownName, half_day_mask, needs_mask
from onboarding.pathway.search import CareSetting, SearchQuery, query_errors

REQUIRED = ("commune", "radius_km", "birth_date", "start", "slots")
# The domain's field names, as the URL names them.
PARAMETER_OF_FIELD = {"half_days": "slots", "commune_insee": "commune"}
MISSING = {
    "commune": "Indiquez une commune ou un code postal.",
    "radius_km": "Choisissez une distance.",
    "birth_date": "Indiquez la date de naissance (ou de naissance prévue) de l'enfant.",
    "start": "Indiquez la date de début de l'accueil.",
    "slots": "Cochez au moins une demi-journée.",
}
MAX_PAGE = 10_000


class ParamsInput:
    """Values by name, whatever the mapping (werkzeug's MultiDict, a plain dict of lists)."""

    def __init__(self, args: Mapping):
        self.args = args

    def values(self, name: str) -> list[str]:
        if hasattr(self.args, "getlist"):
            raw = self.args.getlist(name)
        else:
            value = self.args.get(name)
            raw = value if isinstance(value, list) else ([] if value is None else [value])
        return [part.strip() for item in raw for part in item.split(",") if part.strip()]

    def value(self, name: str) -> str:
        values = self.values(name)
        return values[0] if values else ""


def form_values(args: Mapping, place_length: int) -> dict:
    """What the search form shows back, as typed (the typed place cut to `place_length`)."""
    params = ParamsInput(args)
    return {
        "q": (args.get("q") or "")[:place_length],
        "radius_km": params.value("radius_km") or "10",
        "birth_date": params.value("birth_date"),
        "start": params.value("start"),
        "slots": set(params.values("slots")),
        "needs": set(params.values("needs")),
        "setting": params.value("setting") or CareSetting.ANY.value,
    }


ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_date(text: str) -> date:
    # The common case, the form's and the API's YYYY-MM-DD, without strptime's slow parse.
    if ISO_DATE.fullmatch(text):
        with contextlib.suppress(ValueError):
            return date.fromisoformat(text)
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def parse_search(args: Mapping, *, today: date) -> tuple[SearchQuery | None, dict[str, str]]:
    """The query, or the French message for each parameter that is missing or wrong."""
    params = ParamsInput(args)
    errors: dict[str, str] = {}
    for name in REQUIRED:
        if not params.values(name):
            errors[name] = MISSING[name]

    commune = params.value("commune").upper()
    if commune and not INSEE_CODE.match(commune):
        errors["commune"] = "Code commune INSEE invalide (5 caractères, par exemple 33063)."
    radius = _integer(params, "radius_km", errors, "Distance invalide : 5, 10, 20 ou 30 km.")
    page = _integer(params, "page", errors, "Numéro de page invalide.", default=1)
    if page is not None and page > MAX_PAGE:
        errors["page"] = "Numéro de page invalide."
    dates = {}
    for name, message in (
        ("birth_date", "Date de naissance invalide : utilisez le format JJ/MM/AAAA."),
        ("start", "Date de début invalide : utilisez le format JJ/MM/AAAA."),
    ):
        if params.value(name):
            try:
                dates[name] = parse_date(params.value(name))
            except ValueError:
                errors[name] = message
    try:
        slots = half_day_mask(params.values("slots"))
    except UnknownName as unknown:
        errors["slots"] = (
            f"Demi-journée inconnue : {str(unknown)[:20]} (attendu : {HALF_DAYS[0]}…)."
        )
        slots = 0
    try:
        needs = needs_mask(params.values("needs"))
    except UnknownName as unknown:
        errors["needs"] = f"Besoin inconnu : {str(unknown)[:20]} (attendu : {', '.join(NEEDS)})."
        needs = 0
    try:
        setting = CareSetting(params.value("setting") or CareSetting.ANY.value)
    except ValueError:
        expected = ", ".join(member.value for member in CareSetting)
        errors["setting"] = f"Mode d'accueil inconnu (attendu : {expected})."
    if errors:
        return None, errors

    query = SearchQuery(
        commune_insee=commune,
        radius_km=radius,
        birth_date=dates["birth_date"],
        start=dates["start"],
        half_days=slots,
        needs=needs,
        page=page,
        setting=setting,
    )
    rule_errors = query_errors(query, today=today)
    if rule_errors:
        return None, {PARAMETER_OF_FIELD.get(k, k): v for k, v in rule_errors.items()}
    return query, {}


def _integer(params, name, errors, message, default=None):
    text = params.value(name)
    if not text:
        return default
    # Not str.isdigit(): it accepts "²", which int() refuses.
    if not text.isdecimal() or len(text) > 6:
        errors[name] = message
        return None
    return int(text)


def query_parameters(query: SearchQuery) -> dict[str, str]:
    """The URL parameters that give this query back (for links to other pages and the API)."""
    from onboarding.pathway.schedule import half_day_names, need_names

    parameters = {
        "commune": query.commune_insee,
        "radius_km": str(query.radius_km),
        "birth_date": query.birth_date.isoformat(),
        "start": query.start.isoformat(),
        "slots": ",".join(half_day_names(query.half_days)),
    }
    if query.needs:
        parameters["needs"] = ",".join(need_names(query.needs))
    if query.setting != CareSetting.ANY:
        parameters["setting"] = query.setting.value
    return parameters
