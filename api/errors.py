"""Every error leaves the API as JSON with a French message and the field at fault.

``{"error": {"code": "...", "message": "...", "field": "...", "problems": [...]}}`` — the same
shape for domain errors, request validation errors and the unexpected, so a client (or a
person reading the response) never meets a bare 500 page or an English stack trace.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from gouvernance.domain.errors import GouvernanceError, Problem

log = logging.getLogger("gouvernance.api")

_MESSAGES = {
    "missing": "champ obligatoire",
    "string_type": "un texte est attendu",
    "string_too_short": "texte trop court",
    "string_too_long": "texte trop long (au plus {max_length} caractères)",
    "int_type": "un nombre entier est attendu",
    "int_parsing": "un nombre entier est attendu",
    "int_from_float": "un nombre entier est attendu",
    "bool_type": "vrai ou faux (true/false) est attendu",
    "bool_parsing": "vrai ou faux (true/false) est attendu",
    "date_type": "une date au format AAAA-MM-JJ est attendue",
    "date_parsing": "une date au format AAAA-MM-JJ est attendue",
    "date_from_datetime_parsing": "une date au format AAAA-MM-JJ est attendue",
    "date_from_datetime_inexact": "une date sans heure est attendue",
    "enum": "valeur non permise (attendu : {expected})",
    "literal_error": "valeur non permise (attendu : {expected})",
    "json_invalid": "le corps de la requête n'est pas du JSON valide",
    "model_type": "un objet JSON est attendu",
    "model_attributes_type": "un objet JSON est attendu",
    "dict_type": "un objet JSON est attendu",
    "extra_forbidden": "champ inconnu",
    "greater_than_equal": "doit être supérieur ou égal à {ge}",
    "less_than_equal": "doit être inférieur ou égal à {le}",
    "greater_than": "doit être supérieur à {gt}",
    "value_error": "{error}",
}
_STATUS_MESSAGES = {
    400: "requête mal formée",
    404: "ressource introuvable",
    405: "méthode non permise sur cette ressource",
    401: "authentification requise",
}


def _field(loc: Sequence[Any]) -> str | None:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or None


def _message(error: dict[str, Any]) -> str:
    template = _MESSAGES.get(error.get("type", ""))
    if template is None:
        return "valeur invalide"
    context = {k: v for k, v in (error.get("ctx") or {}).items()}
    if "expected" in context:
        context["expected"] = str(context["expected"]).replace(" or ", " ou ")
    try:
        return template.format(**context)
    except (KeyError, IndexError):
        return template.split(" (")[0]


def body(
    code: str, message: str, field: str | None, problems: Sequence[Problem] = ()
) -> dict[str, Any]:
    return {
        "error": {
            "code": code,
            "message": message,
            "field": field,
            "problems": [
                {"message": p.message, "field": p.field, "line": p.line} for p in problems
            ],
        }
    }


class ErrorProblemOut(BaseModel):
    """One problem among several (an import line, a field of a refused body)."""

    message: str = Field(description="ce qui ne va pas, en français")
    field: str | None = Field(description="le champ en faute, s'il y en a un")
    line: int | None = Field(description="la ligne du fichier importé, s'il y en a une")


class ErrorDetailOut(BaseModel):
    code: str = Field(description="ex. donnee_invalide, introuvable, conflit, interdit")
    message: str = Field(description="le message à montrer, en français")
    field: str | None = Field(description="le champ en faute (ex. amount), ou null")
    problems: list[ErrorProblemOut] = Field(description="tous les problèmes trouvés, ou vide")


class ErrorOut(BaseModel):
    """The body of every error response (see ``body``), documented once in the OpenAPI."""

    error: ErrorDetailOut


def install(app: FastAPI) -> None:
    @app.exception_handler(GouvernanceError)
    async def domain_error(_: Request, exc: GouvernanceError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        retry_after = getattr(exc, "retry_after", None)  # TooManyAttempts, ServiceUnavailable
        if retry_after is not None:
            headers = {"Retry-After": str(retry_after)}
        return JSONResponse(
            body(exc.code, exc.message, exc.field, exc.problems),
            status_code=exc.status,
            headers=headers,
        )

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            Problem(_message(e), None if e.get("type") == "json_invalid" else _field(e["loc"]))
            for e in exc.errors()
        ]
        first = problems[0] if problems else Problem("requête invalide")
        return JSONResponse(
            body("donnee_invalide", first.message, first.field, problems), status_code=422
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = _STATUS_MESSAGES.get(exc.status_code, str(exc.detail))
        return JSONResponse(
            body("http", message, None), status_code=exc.status_code, headers=exc.headers
        )

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("erreur inattendue", exc_info=exc)
        return JSONResponse(
            body("erreur_interne", "erreur interne : rien n'a été enregistré", None),
            status_code=500,
        )
