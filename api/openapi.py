"""The OpenAPI document states every error a client may meet, with the API's one error body.

FastAPI documents only a 422, with its own ``HTTPValidationError`` schema, which is not what
this API sends (see ``api.errors``). The error statuses are added here, once the document is
built, by a rule that follows from the shape of each operation, so a new route gets them without
anyone having to remember:

- every operation: 400, 422, 500 and 503;
- behind the bearer token (the operation has a security requirement): 401 and 403;
- a path parameter (the member, call or assembly named in the address may not exist): 404;
- a write (POST, PUT, PATCH, DELETE): 404, for a code named in the body, and 409 (duplicate,
  stale version, closed record);
- sign-in (the OAuth2 token URL, not a write in that sense): 401 and 429 instead.

Every 4xx and 5xx response, declared here or by a route, points to ``ErrorOut``; FastAPI's
English « Successful Response » becomes « Succès ».
"""

from __future__ import annotations

import json
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI

from api.errors import ErrorOut, body
from gouvernance.domain.errors import Problem

ERROR_SCHEMA = "ErrorOut"
ERROR_REF = {"$ref": f"#/components/schemas/{ERROR_SCHEMA}"}
WRITES = frozenset({"post", "put", "patch", "delete"})
_FASTAPI_VALIDATION = ("HTTPValidationError", "ValidationError")
_FASTAPI_SUCCESS = "Successful Response"

DESCRIPTIONS = {
    400: "Requête mal formée",
    401: "Authentification requise : jeton absent, expiré ou révoqué",
    403: "Action que le rôle du compte ne permet pas",
    404: "Introuvable : aucun enregistrement ne porte ce code",
    409: "Conflit avec ce qui est enregistré (doublon, version dépassée, dossier clos)",
    422: "Donnée invalide : le champ en faute dans « field », chaque problème dans « problems »",
    429: "Trop de tentatives de connexion : réessayez après le délai de l'en-tête Retry-After",
    500: "Erreur interne : rien n'a été enregistré",
    503: "Service momentanément indisponible (base de données) : réessayez après Retry-After",
}
SIGN_IN_401 = "Identifiant ou mot de passe incorrect"

EXAMPLES: dict[int, dict[str, Any]] = {
    400: body("http", "requête mal formée", None),
    401: body(
        "non_authentifie",
        "authentification requise : envoyez « Authorization: Bearer <jeton> »",
        None,
    ),
    403: body("interdit", "le rôle adhérent ne permet pas de lire les appels", None),
    404: body("introuvable", "aucun membre n'a le code MISTRAL", "code"),
    409: body(
        "conflit",
        "la fiche MISTRAL a été modifiée entre-temps (version 3, vous aviez la version 2) : "
        "rechargez-la",
        "version",
    ),
    422: body(
        "donnee_invalide",
        "une date au format AAAA-MM-JJ est attendue",
        "received_on",
        [Problem("une date au format AAAA-MM-JJ est attendue", "received_on")],
    ),
    429: body(
        "trop_de_tentatives", "trop de tentatives de connexion : réessayez dans 60 secondes", None
    ),
    500: body("erreur_interne", "erreur interne : rien n'a été enregistré", None),
    503: body(
        "service_indisponible",
        "la base de données ne répond pas : réessayez dans une minute, puis prévenez "
        "l'administrateur si cela dure",
        None,
    ),
}
SIGN_IN_EXAMPLE = body("non_authentifie", "identifiant ou mot de passe incorrect", "password")


def token_urls(schema: dict[str, Any]) -> set[str]:
    """The sign-in paths, read from the OAuth2 password flows of the security schemes."""
    schemes = schema.get("components", {}).get("securitySchemes", {})
    return {
        str(scheme["flows"]["password"]["tokenUrl"])
        for scheme in schemes.values()
        if "password" in scheme.get("flows", {})
    }


def expected_statuses(
    path: str, method: str, operation: dict[str, Any], sign_in: set[str]
) -> set[int]:
    """The error statuses an operation declares, by the rule of this module's docstring."""
    statuses = {400, 422, 500, 503}
    if path in sign_in:
        return statuses | {401, 429}
    if operation.get("security"):
        statuses |= {401, 403}
    if any(p.get("in") == "path" for p in operation.get("parameters", [])):
        statuses.add(404)
    if method in WRITES:
        statuses |= {404, 409}
    return statuses


def _error_response(description: str, example: dict[str, Any]) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": dict(ERROR_REF), "example": example}},
    }


def _add_error_schema(components: dict[str, Any]) -> None:
    schema = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
    definitions: dict[str, Any] = {**schema.pop("$defs", {}), ERROR_SCHEMA: schema}
    for name, definition in definitions.items():
        if components.get(name, definition) != definition:
            raise RuntimeError(f"deux schémas OpenAPI portent le nom {name}")
        components[name] = definition


def _refers_to(document: Any, name: str) -> bool:
    return f'"#/components/schemas/{name}"' in json.dumps(document)


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Declare the error responses of every operation in ``schema`` (changed in place)."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    _add_error_schema(components)
    sign_in = token_urls(schema)
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses: dict[str, Any] = operation["responses"]
            for status in sorted(expected_statuses(path, method, operation, sign_in)):
                declared = responses.get(str(status))
                description = DESCRIPTIONS[status]
                example = EXAMPLES[status]
                if status == 401 and path in sign_in:
                    description, example = SIGN_IN_401, SIGN_IN_EXAMPLE
                said = (declared or {}).get("description")
                if status != 422 and said and said != HTTPStatus(status).phrase:
                    description = said  # the route's own words
                responses[str(status)] = _error_response(description, example)
            for code, response in responses.items():
                if response.get("description") == _FASTAPI_SUCCESS:
                    response["description"] = "Succès"
                if code[0] in "45" and code.isdigit():  # declared by a route beyond the rule
                    media = response.get("content", {}).get("application/json", {})
                    example = media.get("example", EXAMPLES.get(int(code)))
                    shown = {} if example is None else {"example": example}
                    response["content"] = {"application/json": {"schema": dict(ERROR_REF), **shown}}
            operation["responses"] = dict(sorted(responses.items()))
    used = {
        tag
        for item in schema.get("paths", {}).values()
        for op in item.values()
        if isinstance(op, dict)
        for tag in op.get("tags", [])
    }
    if "tags" in schema:  # a tag declared for routes not yet written would show empty
        schema["tags"] = [tag for tag in schema["tags"] if tag["name"] in used]
    for name in _FASTAPI_VALIDATION:
        if name in components and not _refers_to(schema["paths"], name):
            del components[name]
    return schema


def install(app: FastAPI) -> None:
    """Post-process each document FastAPI builds, once: FastAPI caches it and builds it again
    only when routes were added since, so a document not seen before is a new one."""
    build: Callable[[], dict[str, Any]] = app.openapi
    done: list[dict[str, Any]] = []

    def openapi() -> dict[str, Any]:
        schema = build()
        if not done or done[0] is not schema:
            done[:] = [document_errors(schema)]
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
