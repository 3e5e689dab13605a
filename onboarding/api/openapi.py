"""The OpenAPI 3.1 description of the API, built from the same names the code reads."""

from onboarding.api.errors import ALL_NAMES, NAMES
from onboarding.pathway.schedule import HALF_DAYS, NEEDS
from onboarding.pathway.search import PER_PAGE, RADII_KM, TOTAL_CAP, CareSetting


def _parameter(name, description, schema, *, required=True, explode=None):
    parameter = {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": schema,
    }
    if explode is not None:
        parameter["style"] = "form"
        parameter["explode"] = explode
    return parameter


ERROR = {
    "type": "object",
    "required": ["error", "message"],
    "properties": {
        "error": {"type": "string", "enum": list(ALL_NAMES)},
        "message": {"type": "string", "description": "What is wrong, in French."},
        "parameter": {"type": "string", "description": "The first parameter at fault."},
        "errors": {
            "type": "object",
            "description": "Each parameter at fault and what is wrong with it, in French.",
            "additionalProperties": {"type": "string"},
        },
    },
    "additionalProperties": False,
}

# What each error status of an operation means; its body is the Error schema with that status's
# `error`. An operation's 400 always names the parameter at fault (bad_request, a 400 that no
# parameter explains, is for paths outside the operations).
ERROR_STATUSES = {
    400: "A parameter is missing or malformed",
    404: "No such resource",
    405: "Method not allowed on this resource (the Allow header lists the allowed ones)",
    429: "Too many requests from this address (Retry-After says when to try again)",
    500: "An error on the service's side",
    503: "The service is unavailable for a moment (its database does not answer)",
}


def _error_responses() -> dict:
    responses = {}
    for status, description in ERROR_STATUSES.items():
        if status == 400:
            narrowed = {
                "required": ["parameter", "errors"],
                "properties": {"error": {"const": NAMES[400]}},
            }
        else:
            narrowed = {"properties": {"error": {"const": NAMES[status]}}}
        responses[str(status)] = {
            "description": description,
            "content": {
                "application/json": {
                    "schema": {"allOf": [{"$ref": "#/components/schemas/Error"}, narrowed]}
                }
            },
        }
    responses["429"]["headers"] = {
        "Retry-After": {
            "description": "Seconds to wait before trying again",
            "schema": {"type": "integer", "minimum": 0},
        }
    }
    return responses


CARER = {
    "type": "object",
    "required": [
        "id",
        "first_name",
        "commune",
        "insee_code",
        "distance_km",
        "coverage",
        "covers_all",
        "vacancy",
        "newly_approved",
        "confirmed_at",
        "mam",
    ],
    "properties": {
        "id": {"type": "integer"},
        "first_name": {"type": "string"},
        "name": {"type": "string", "description": "First name and initial: « Camille M. »"},
        "commune": {"type": "string"},
        "insee_code": {"type": "string"},
        "address": {"type": ["string", "null"], "description": "Only if the carer shows it."},
        "latitude": {"type": "number", "description": "Of the commune, not of the home."},
        "longitude": {"type": "number"},
        "distance_km": {"type": "number", "description": "Commune to commune, great circle."},
        "coverage": {
            "type": "object",
            "properties": {
                "half_days": {"type": "integer"},
                "half_days_requested": {"type": "integer"},
                "needs": {"type": "integer", "description": "Requested needs the place meets."},
                "text": {"type": "string", "examples": ["8 demi-journées sur 10"]},
                "missing_slots": {
                    "type": "array",
                    "items": {"type": "string", "enum": list(HALF_DAYS)},
                    "description": "Requested half-days the place does not offer (a partial "
                    "match); empty when it offers them all.",
                },
                "missing_needs": {
                    "type": "array",
                    "items": {"type": "string", "enum": list(NEEDS)},
                    "description": "Requested needs the place does not meet.",
                },
                "missing_text": {
                    "type": "string",
                    "description": "What is missing, in French; empty when nothing is.",
                    "examples": [
                        "Demi-journée non couverte : mercredi matin. Besoin non couvert : la nuit."
                    ],
                },
            },
            "required": [
                "half_days",
                "half_days_requested",
                "needs",
                "text",
                "missing_slots",
                "missing_needs",
                "missing_text",
            ],
        },
        "covers_all": {"type": "boolean", "description": "Every half-day and need requested."},
        "vacancy": {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "available_from": {
                    "type": "string",
                    "format": "date",
                    "description": "The day the place is offered from: its own date, or the end "
                    "of the carer's initial training when later.",
                },
                "age_min_months": {"type": "integer"},
                "age_max_months": {"type": "integer"},
                "slots": {"type": "array", "items": {"type": "string", "enum": list(HALF_DAYS)}},
                "needs": {"type": "array", "items": {"type": "string", "enum": list(NEEDS)}},
            },
        },
        "newly_approved": {"type": "boolean", "description": "Agrément within 12 months."},
        "confirmed_at": {"type": "string", "format": "date"},
        "mam": {
            "type": ["object", "null"],
            "description": "The maison d'assistants maternels she works in; null at home.",
            "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
            "required": ["id", "name"],
        },
        "url": {"type": "string", "format": "uri"},
    },
}


def document(server_url: str) -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Parcours Assmat – places d'accueil",
            "version": "1",
            "description": (
                "Published assistants maternels with a free place, near a commune. Profiles not "
                "confirmed for 6 months are left out."
            ),
        },
        "servers": [{"url": server_url}],
        "paths": {
            "/carers": {
                "get": {
                    "operationId": "searchCarers",
                    "summary": "Carers with a place for a child, ranked",
                    "description": (
                        "Published carers confirmed within 6 months, with a vacancy taking a "
                        "child of that age on the start date, free then or within 30 days, "
                        "sharing at least one requested half-day, within the radius. Ordered: "
                        "covers every half-day and need first, then more half-days covered, "
                        "then more needs covered, then distance, then id. "
                        f"{PER_PAGE} per page."
                    ),
                    "parameters": [
                        _parameter(
                            "commune",
                            "INSEE code of the parent's commune",
                            {"type": "string", "pattern": "^(\\d{5}|2[AB]\\d{3})$"},
                        ),
                        _parameter(
                            "radius_km",
                            "Distance from commune to commune",
                            {"type": "integer", "enum": list(RADII_KM)},
                        ),
                        _parameter(
                            "birth_date",
                            "Child's birth date (or expected)",
                            {"type": "string", "format": "date"},
                        ),
                        _parameter(
                            "start",
                            "Start of care, today or later",
                            {"type": "string", "format": "date"},
                        ),
                        _parameter(
                            "slots",
                            "Half-days needed, comma-separated",
                            {
                                "type": "array",
                                "minItems": 1,
                                "items": {"type": "string", "enum": list(HALF_DAYS)},
                            },
                            explode=False,
                        ),
                        _parameter(
                            "needs",
                            "Atypical needs, comma-separated",
                            {"type": "array", "items": {"type": "string", "enum": list(NEEDS)}},
                            required=False,
                            explode=False,
                        ),
                        _parameter(
                            "setting",
                            "Where the child is cared for: in a MAM (maison d'assistants "
                            "maternels), at the carer's home, or any",
                            {
                                "type": "string",
                                "enum": [m.value for m in CareSetting],
                                "default": CareSetting.ANY.value,
                            },
                            required=False,
                        ),
                        _parameter(
                            "page",
                            "Page number",
                            {"type": "integer", "minimum": 1, "default": 1},
                            required=False,
                        ),
                    ],
                    "responses": {
                        "200": {
                            "description": "One page of results",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": [
                                            "results",
                                            "total",
                                            "total_is_lower_bound",
                                            "page",
                                        ],
                                        "properties": {
                                            "results": {
                                                "type": "array",
                                                "items": {"$ref": "#/components/schemas/Carer"},
                                            },
                                            "total": {
                                                "type": "integer",
                                                "description": (
                                                    "Carers found, over all pages; at most "
                                                    f"{TOTAL_CAP:,}: see total_is_lower_bound"
                                                ),
                                            },
                                            "total_is_lower_bound": {
                                                "type": "boolean",
                                                "description": (
                                                    f"true when more than {TOTAL_CAP:,} "
                                                    "carers are found: total and pages are then "
                                                    "lower bounds, and later pages can still "
                                                    "be asked"
                                                ),
                                            },
                                            "page": {"type": "integer"},
                                            "per_page": {"type": "integer"},
                                            "pages": {
                                                "type": "integer",
                                                "description": (
                                                    "Pages of results (a lower bound when "
                                                    "total_is_lower_bound is true)"
                                                ),
                                            },
                                        },
                                    }
                                }
                            },
                        },
                        **_error_responses(),
                    },
                }
            },
            "/communes": {
                "get": {
                    "operationId": "suggestCommunes",
                    "summary": "Communes whose name or postcode starts with the text",
                    "parameters": [
                        _parameter(
                            "q",
                            "Start of a commune name or postcode",
                            {"type": "string", "minLength": 1, "maxLength": 100},
                        ),
                    ],
                    "responses": {
                        "200": {
                            "description": "Up to 10 communes, most populated first",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "results": {
                                                "type": "array",
                                                "items": {"$ref": "#/components/schemas/Commune"},
                                            }
                                        },
                                    }
                                }
                            },
                        },
                        **_error_responses(),
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Carer": CARER,
                "Commune": {
                    "type": "object",
                    "properties": {
                        "insee_code": {"type": "string"},
                        "name": {"type": "string"},
                        "label": {"type": "string", "examples": ["Bordeaux (33000)"]},
                        "postcodes": {"type": "array", "items": {"type": "string"}},
                        "department_code": {"type": "string"},
                    },
                },
                "Error": ERROR,
            }
        },
    }
