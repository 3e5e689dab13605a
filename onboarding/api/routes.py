"""GET /api/v1/carers, /api/v1/communes and /api/v1/openapi.json; every error is answered by
onboarding/api/errors.py (the app's error handlers call it for any path under /api/)."""

from flask import current_app, jsonify, request, url_for

from onboarding.api import bp
from onboarding.api.errors import invalid_parameters
from onboarding.api.openapi import document
from onboarding.extensions import db, limiter
from onboarding.pathway import commune_search, search
from onboarding.pathway.clock import today
from onboarding.pathway.schedule import half_day_names
from onboarding.search.links import carer_links
from onboarding.search.params import parse_search

SUGGESTION_LENGTH = 100


def _limit() -> str:
    return current_app.config["API_LIMIT_PER_ADDRESS"]


def hit_json(hit: search.Hit, carer_url: str) -> dict:
    vacancy = hit.vacancy
    return {
        "id": hit.carer_id,
        "first_name": hit.first_name,
        "name": hit.public_name,
        "commune": hit.commune_name,
        "insee_code": hit.insee_code,
        "address": hit.address,
        "latitude": hit.latitude,
        "longitude": hit.longitude,
        "distance_km": round(hit.distance_km, 1),
        "coverage": {
            "half_days": hit.covered,
            "half_days_requested": hit.requested,
            "needs": hit.needs_covered,
            "text": hit.coverage_text,
            "missing_slots": list(hit.missing.half_days),
            "missing_needs": list(hit.missing.needs),
            "missing_text": " ".join(hit.missing.lines),
        },
        "covers_all": hit.covers_all,
        "vacancy": {
            "id": vacancy.id,
            "available_from": vacancy.available_from.isoformat(),
            "age_min_months": vacancy.age_min_months,
            "age_max_months": vacancy.age_max_months,
            "slots": half_day_names(vacancy.half_days),
            "needs": list(vacancy.needs),
        },
        "newly_approved": hit.newly_approved,
        "confirmed_at": hit.confirmed_on.isoformat(),
        "mam": {"id": hit.mam.id, "name": hit.mam.name} if hit.mam else None,
        "url": carer_url,
    }


@bp.route("/carers")
@limiter.limit(_limit)
def carers():
    query, errors = parse_search(request.args, today=today())
    if errors:
        return invalid_parameters(errors)
    try:
        page = search.search(db.session, query, today=today())
    except search.UnknownCommune:
        return invalid_parameters({"commune": "Commune inconnue du référentiel INSEE."})
    urls = carer_links(page.hits, _external=True)
    return jsonify(
        results=[hit_json(hit, urls[hit.carer_id]) for hit in page.hits],
        total=page.total,
        total_is_lower_bound=page.total_is_lower_bound,
        page=query.page,
        per_page=page.per_page,
        pages=page.pages,
    )


@bp.route("/communes")
@limiter.limit(_limit)
def communes():
    text = (request.args.get("q") or "").strip()
    if not text:
        return invalid_parameters(
            {"q": "Indiquez le début d'un nom de commune ou d'un code postal."}
        )
    if len(text) > SUGGESTION_LENGTH:
        return invalid_parameters({"q": f"Au plus {SUGGESTION_LENGTH} caractères."})
    found = commune_search.suggestions(db.session, text)
    return jsonify(
        results=[
            {
                "insee_code": commune.insee_code,
                "name": commune.name,
                "label": commune_search.label(commune),
                "postcodes": commune.postcodes.split(),
                "department_code": commune.department_code,
            }
            for commune in found
        ]
    )


@bp.route("/openapi.json")
def openapi():
    return jsonify(document(url_for("api.carers", _external=True).removesuffix("/carers")))
