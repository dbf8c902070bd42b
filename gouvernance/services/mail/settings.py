"""The SMTP server, read from the environment: host, port, security, account, sender.

The password is configuration, never data: it is read from ``GOUVERNANCE_SMTP_PASSWORD`` or
from the file ``GOUVERNANCE_SMTP_PASSWORD_FILE`` names (a secret mounted by the host), and
is never written to the database, the audit log, an error or a ``repr``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from gouvernance.domain.errors import InvalidInput

HOST = "GOUVERNANCE_SMTP_HOST"
PORT = "GOUVERNANCE_SMTP_PORT"
SECURITY = "GOUVERNANCE_SMTP_SECURITY"
USER = "GOUVERNANCE_SMTP_USER"
PASSWORD = "GOUVERNANCE_SMTP_PASSWORD"
PASSWORD_FILE = "GOUVERNANCE_SMTP_PASSWORD_FILE"
SENDER = "GOUVERNANCE_MAIL_FROM"
TIMEOUT = "GOUVERNANCE_SMTP_TIMEOUT"
CA_FILE = "GOUVERNANCE_SMTP_CA_FILE"
PUBLIC_URL = "GOUVERNANCE_PUBLIC_URL"
VARIABLES = (HOST, PORT, SECURITY, USER, PASSWORD, PASSWORD_FILE, SENDER, TIMEOUT, CA_FILE)
HIDDEN = "•••"
DEFAULT_TIMEOUT = 30.0
MAX_TIMEOUT = 600.0


class Security(StrEnum):
    STARTTLS = "starttls"  # plain connection upgraded to TLS (port 587)
    TLS = "tls"  # TLS from the first byte (port 465)
    NONE = "none"  # no encryption: a relay on the same machine or network only

    @property
    def default_port(self) -> int:
        return {Security.STARTTLS: 587, Security.TLS: 465, Security.NONE: 25}[self]


@dataclass(frozen=True)
class MailSettings:
    """Where and how to send. ``repr`` and ``describe`` never show the password."""

    host: str
    port: int
    security: Security = Security.STARTTLS
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    sender: str | None = None  # None: the organisation's e-mail address
    timeout: float = DEFAULT_TIMEOUT
    ca_file: str | None = None  # a private authority that signed the server's certificate

    def __repr__(self) -> str:
        secret = HIDDEN if self.password else None
        return (
            f"MailSettings(host={self.host!r}, port={self.port}, security={self.security.value!r}"
            f", user={self.user!r}, password={secret!r}, sender={self.sender!r}"
            f", timeout={self.timeout}, ca_file={self.ca_file!r})"
        )

    __str__ = __repr__

    @property
    def server(self) -> str:
        """« smtp.example.org:587 (STARTTLS) »."""
        return f"{self.host}:{self.port} ({self.security.value.upper()})"

    def describe(self) -> list[tuple[str, str]]:
        """The settings as a person reads them (the password only as « défini » or not)."""
        return [
            ("Serveur", f"{self.host}:{self.port}"),
            ("Sécurité", _SECURITY_LABELS[self.security]),
            ("Identifiant", self.user or "—"),
            ("Mot de passe", "défini" if self.password else "—"),
            ("Expéditeur", self.sender or "l'adresse électronique de l'organisation"),
            ("Délai", f"{self.timeout:g} s"),
        ]

    def secrets(self) -> tuple[str, ...]:
        """What must never be shown: scrubbed from any text a server sends back."""
        return tuple(s for s in (self.password,) if s)


_SECURITY_LABELS = {
    Security.STARTTLS: "STARTTLS (connexion chiffrée après l'accueil)",
    Security.TLS: "TLS dès la connexion",
    Security.NONE: "aucune (relais local seulement)",
}


def from_environment(environ: Mapping[str, str] | None = None) -> MailSettings:
    """The settings the variables give; a missing host or a wrong value is refused in French,
    naming the variable (and never repeating a password)."""
    env = os.environ if environ is None else environ
    host = _get(env, HOST)
    if host is None:
        raise InvalidInput(
            f"aucun serveur de courriel n'est configuré : définissez {HOST} (et au besoin "
            f"{PORT}, {SECURITY}, {USER}, {PASSWORD} ou {PASSWORD_FILE}), voir docs/courriels.md",
            field=HOST,
        )
    security = _security(_get(env, SECURITY))
    return MailSettings(
        host=host,
        port=_port(_get(env, PORT), security),
        security=security,
        user=_get(env, USER),
        password=_password(env),
        sender=_get(env, SENDER),
        timeout=_timeout(_get(env, TIMEOUT)),
        ca_file=_ca_file(_get(env, CA_FILE)),
    )


def sender_from_environment(environ: Mapping[str, str] | None = None) -> str | None:
    """``GOUVERNANCE_MAIL_FROM`` alone (a test's own transport needs no server)."""
    return _get(os.environ if environ is None else environ, SENDER)


def public_url(environ: Mapping[str, str] | None = None) -> str | None:
    """The address members reach the web application at (« https://gouvernance.example.org »)."""
    found = _get(os.environ if environ is None else environ, PUBLIC_URL)
    return found.rstrip("/") if found else None


def _get(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    return value or None


def _security(text: str | None) -> Security:
    if text is None:
        return Security.STARTTLS
    try:
        return Security(text.lower())
    except ValueError:
        known = ", ".join(s.value for s in Security)
        raise InvalidInput(
            f"sécurité SMTP inconnue « {text} » (valeurs : {known})", field=SECURITY
        ) from None


def _port(text: str | None, security: Security) -> int:
    if text is None:
        return security.default_port
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise InvalidInput(f"port SMTP invalide « {text} » (1 à 65535)", field=PORT)
    return int(text)


def _timeout(text: str | None) -> float:
    if text is None:
        return DEFAULT_TIMEOUT
    try:
        seconds = float(text.replace(",", "."))
    except ValueError:
        seconds = -1.0
    if not 0 < seconds <= MAX_TIMEOUT:
        raise InvalidInput(
            f"délai SMTP invalide « {text} » (en secondes, de 1 à {MAX_TIMEOUT:g})", field=TIMEOUT
        )
    return seconds


def _password(env: Mapping[str, str]) -> str | None:
    given = env.get(PASSWORD, "")
    if given:
        return given
    path = _get(env, PASSWORD_FILE)
    if path is None:
        return None
    try:
        content = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "illisible"
        raise InvalidInput(
            f"impossible de lire le mot de passe SMTP dans « {path} » : {reason}",
            field=PASSWORD_FILE,
        ) from None
    return content.rstrip("\r\n") or None


def _ca_file(path: str | None) -> str | None:
    if path is not None and not Path(path).is_file():
        raise InvalidInput(f"certificat d'autorité introuvable : « {path} »", field=CA_FILE)
    return path
