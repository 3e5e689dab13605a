"""The API's error bodies: one builder for every status the API answers, in the shape of the
OpenAPI document's Error schema (onboarding/api/openapi.py reads the same names)."""

import json

from flask import current_app

# The `error` field of each status. A 400 names the parameter at fault (invalid_parameter); a
# 400 that no parameter explains (a body too large…) is a bad_request.
NAMES = {
    400: "invalid_parameter",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",
}
BAD_REQUEST = "bad_request"
ALL_NAMES = (*NAMES.values(), BAD_REQUEST)

# The messages may quote the parameter as sent: <, > and & are written as JSON escapes, so that
# no markup is ever in the body, whatever reads it (the decoded text is the same).
HTML_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def error_response(status: int, message: str, *, errors: dict[str, str] | None = None):
    """The JSON answer for `status`, with the French `message`; `errors` (parameter → message)
    names the parameters at fault, the first one in `parameter`."""
    body: dict = {"error": NAMES.get(status, NAMES[500]), "message": message}
    if status == 400:
        if errors:
            body["parameter"] = next(iter(errors))
            body["errors"] = errors
        else:
            body["error"] = BAD_REQUEST
    text = json.dumps(body, sort_keys=True).translate(HTML_SAFE)
    return current_app.response_class(text + "\n", status=status, mimetype="application/json")


def invalid_parameters(errors: dict[str, str]):
    """400: the parameters at fault and what is wrong with each, the first one's message shown."""
    return error_response(400, errors[next(iter(errors))], errors=errors)
