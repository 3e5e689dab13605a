"""Every answer of the JSON API checked against the API's own OpenAPI document.

An answer of a documented operation is validated by openapi-core (JSON Schema underneath): its
status must be one the operation documents, its media type, headers and body must match. An
answer to a path or method the document does not describe (404, 405, test routes) must be one
of the documented error statuses with a body valid against the document's Error schema
(jsonschema).
`ContractClient` runs the check on every response to /api/ that a test receives."""

from functools import cache

from jsonschema import Draft202012Validator
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from onboarding.api.openapi import ERROR_STATUSES, document
from tests.conftest import IsolatedClient

SERVER = "http://localhost/api/v1"
DOCUMENT_URI = "urn:parcours-assmat:openapi"


@cache
def _document() -> dict:
    return document(SERVER)


@cache
def _openapi() -> OpenAPI:
    return OpenAPI.from_dict(_document())


@cache
def _error_validator(status: int) -> Draft202012Validator:
    """The body every operation documents for that error status (they share it); for a 400, the
    Error schema alone (outside an operation, no parameter may be at fault)."""
    registry = Registry().with_resource(
        DOCUMENT_URI, Resource.from_contents(_document(), default_specification=DRAFT202012)
    )
    pointer = f"/paths/~1carers/get/responses/{status}/content/application~1json/schema"
    if status == 400:
        pointer = "/components/schemas/Error"
    return Draft202012Validator({"$ref": f"{DOCUMENT_URI}#{pointer}"}, registry=registry)


def check(response) -> None:
    """Raise AssertionError (or openapi-core's validation error) when `response`, an answer to
    a request under /api/v1/, breaks the document."""
    request = response.request
    try:
        _openapi().validate_response(
            WerkzeugOpenAPIRequest(request), WerkzeugOpenAPIResponse(response)
        )
    except (PathNotFound, OperationNotFound):
        if request.path == "/api/v1/openapi.json" and response.status_code == 200:
            return  # the document itself
        what = f"{request.method} {request.path} → {response.status_code}"
        assert response.status_code in ERROR_STATUSES, f"{what}: not a documented error status"
        assert response.mimetype == "application/json", f"{what}: {response.mimetype}"
        validator = _error_validator(response.status_code)
        errors = [error.message for error in validator.iter_errors(response.get_json())]
        assert not errors, f"{what}: {errors}"


class ContractClient(IsolatedClient):
    """The test client, checking each answer under /api/ against the document."""

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        if response.request.path.startswith("/api/"):
            check(response)
        return response
