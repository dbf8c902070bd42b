"""Errors a person can read: a French message and, when there is one, the offending field.

Every layer raises these; the API turns them into HTTP 4xx and the CLI into a clear message,
so bad input never surfaces as a crash or a half-written state.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where, and why, in French."""

    message: str
    field: str | None = None
    line: int | None = None

    def render(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"ligne {self.line}")
        if self.field:
            where.append(f"champ « {self.field} »")
        return f"{', '.join(where)} : {self.message}" if where else self.message


class GouvernanceError(Exception):
    """Base of the errors that reach a person; ``status`` is the HTTP status the API uses."""

    status = 400
    code = "erreur"

    def __init__(
        self, message: str, field: str | None = None, problems: list[Problem] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.problems = problems or []

    def __str__(self) -> str:
        if self.field:
            return f"{self.message} (champ « {self.field} »)"
        return self.message


class InvalidInput(GouvernanceError):
    """The input breaks a rule of the domain (format, range, missing value)."""

    status = 422
    code = "donnee_invalide"


class NotFound(GouvernanceError):
    status = 404
    code = "introuvable"


class Conflict(GouvernanceError):
    """The input clashes with what is already recorded (duplicate, closed record)."""

    status = 409
    code = "conflit"


class Unauthenticated(GouvernanceError):
    status = 401
    code = "non_authentifie"


class Forbidden(GouvernanceError):
    status = 403
    code = "interdit"


class TooManyAttempts(GouvernanceError):
    """Too many failed sign-ins: wait ``retry_after`` seconds (sent as ``Retry-After``)."""

    status = 429
    code = "trop_de_tentatives"

    def __init__(self, retry_after: int, field: str | None = None) -> None:
        self.retry_after = max(1, retry_after)
        super().__init__(
            "trop de tentatives de connexion : réessayez dans "
            f"{self.retry_after} seconde{'s' if self.retry_after > 1 else ''}",
            field=field,
        )


class ServiceUnavailable(GouvernanceError):
    """The database cannot serve the request (unreachable, disk full, read-only): nothing was
    written, and the message says what an administrator must do. ``retry_after`` (seconds) is
    sent as ``Retry-After``."""

    status = 503
    code = "service_indisponible"

    def __init__(self, message: str, field: str | None = None, retry_after: int = 60) -> None:
        self.retry_after = max(1, retry_after)
        super().__init__(message, field=field)


class ReadOnlyStorage(ServiceUnavailable):
    """The database still answers reads but refuses writes; sign-in falls back to memory."""

    code = "lecture_seule"
