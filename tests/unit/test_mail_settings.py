"""The SMTP settings read from the environment, and the transport's French failures against
real sockets on 127.0.0.1 (no database): a server without STARTTLS, one that never answers."""

from __future__ import annotations

import base64
import re
import socket
import threading
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from smtp_loopback import HOST, Server, smtp_server

from gouvernance.domain.errors import InvalidInput
from gouvernance.domain.mail import MailKind, parse_kind
from gouvernance.services.mail import settings
from gouvernance.services.mail.settings import MailSettings, Security
from gouvernance.services.mail.transport import SendFailure, SmtpTransport, scrub

__all__ = ["smtp_server"]

SECRET = "mot-de-passe-du-relais"


def test_a_host_alone_gives_starttls_on_port_587_with_a_30_second_timeout() -> None:
    found = settings.from_environment({"GOUVERNANCE_SMTP_HOST": " smtp.example.org "})
    assert (found.host, found.port, found.security, found.timeout) == (
        "smtp.example.org", 587, Security.STARTTLS, 30.0,
    )  # fmt: skip
    assert found.user is None and found.password is None and found.sender is None


@pytest.mark.parametrize(("security", "port"), [("tls", 465), ("NONE", 25), ("starttls", 587)])
def test_each_security_has_its_usual_port(security: str, port: int) -> None:
    env = {"GOUVERNANCE_SMTP_HOST": "smtp.example.org", "GOUVERNANCE_SMTP_SECURITY": security}
    assert settings.from_environment(env).port == port


def test_without_a_host_the_error_names_the_variable() -> None:
    with pytest.raises(InvalidInput, match="définissez GOUVERNANCE_SMTP_HOST") as refused:
        settings.from_environment({"GOUVERNANCE_SMTP_PORT": "587"})
    assert refused.value.field == "GOUVERNANCE_SMTP_HOST"


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("GOUVERNANCE_SMTP_PORT", "0", "port SMTP invalide « 0 » (1 à 65535)"),
        ("GOUVERNANCE_SMTP_PORT", "smtp", "port SMTP invalide « smtp » (1 à 65535)"),
        ("GOUVERNANCE_SMTP_SECURITY", "ssl", "sécurité SMTP inconnue « ssl »"),
        ("GOUVERNANCE_SMTP_TIMEOUT", "jamais", "délai SMTP invalide « jamais »"),
        ("GOUVERNANCE_SMTP_CA_FILE", "/nulle/part.pem", "certificat d'autorité introuvable"),
    ],
)
def test_a_wrong_value_is_refused_in_french_naming_its_variable(
    variable: str, value: str, message: str
) -> None:
    with pytest.raises(InvalidInput, match=re.escape(message)) as refused:
        settings.from_environment({"GOUVERNANCE_SMTP_HOST": "smtp.example.org", variable: value})
    assert refused.value.field == variable


def test_the_password_may_come_from_a_file_and_is_never_shown(tmp_path: Path) -> None:
    secret = tmp_path / "smtp-password"
    secret.write_text(SECRET + "\n", encoding="utf-8")
    found = settings.from_environment(
        {
            "GOUVERNANCE_SMTP_HOST": "smtp.example.org",
            "GOUVERNANCE_SMTP_USER": "tresorerie",
            "GOUVERNANCE_SMTP_PASSWORD_FILE": str(secret),
            "GOUVERNANCE_MAIL_FROM": "tresorerie@alpilles.example",
            "GOUVERNANCE_SMTP_TIMEOUT": "7,5",
        }
    )
    assert found.password == SECRET and found.timeout == 7.5
    assert SECRET not in repr(found) and SECRET not in str(found)
    assert "password='•••'" in repr(found)
    assert ("Mot de passe", "défini") in found.describe()
    assert SECRET not in str(found.describe())


def test_an_unreadable_password_file_is_refused_without_its_content(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="impossible de lire le mot de passe SMTP") as refused:
        settings.from_environment(
            {
                "GOUVERNANCE_SMTP_HOST": "smtp.example.org",
                "GOUVERNANCE_SMTP_PASSWORD_FILE": str(tmp_path / "absent"),
            }
        )
    assert refused.value.field == "GOUVERNANCE_SMTP_PASSWORD_FILE"


def test_a_password_and_its_base64_form_are_scrubbed_from_a_servers_words() -> None:
    encoded = base64.b64encode(SECRET.encode()).decode()
    said = scrub(f"535 refusé pour {SECRET} ({encoded})", (SECRET,))
    assert SECRET not in said and encoded not in said and said.count("•••") == 2


def test_kinds_are_read_in_french_or_in_english() -> None:
    assert parse_kind("relances") is MailKind.REMINDERS
    assert parse_kind("Procès-verbal") is MailKind.MINUTES
    assert parse_kind("calls") is MailKind.CALLS
    with pytest.raises(InvalidInput, match="types : appels, relances, convocation, pv"):
        parse_kind("lettres")


def _message() -> EmailMessage:
    message = EmailMessage()
    message["From"] = "contact@alpilles.example"
    message["To"] = "membre@alpilles.example"
    message["Subject"] = "Essai"
    message.set_content("Bonjour,")
    return message


def test_starttls_asked_of_a_server_that_offers_none_fails_the_connection_in_french(
    smtp_server: Server,
) -> None:
    transport = SmtpTransport(smtp_server.settings(security=Security.STARTTLS, timeout=5))
    with pytest.raises(SendFailure) as failed:
        transport.send(_message())
    assert failed.value.connection
    assert failed.value.reason == (
        f"le serveur 127.0.0.1:{smtp_server.port} ne propose pas STARTTLS : réglez "
        "GOUVERNANCE_SMTP_SECURITY sur tls (port 465) ou, pour un relais local seulement, sur none"
    )
    transport.close()
    assert smtp_server.received == []


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A socket that accepts connections and never says a word."""
    listener = socket.socket()
    listener.bind((HOST, 0))
    listener.listen(4)
    held: list[socket.socket] = []
    done = threading.Event()

    def hold() -> None:
        while not done.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            held.append(connection)

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        done.set()
        with socket.create_connection((HOST, listener.getsockname()[1])):
            pass
        thread.join(timeout=5)
        listener.close()
        for connection in held:
            connection.close()


def test_a_server_that_never_answers_fails_after_the_timeout(silent_server: int) -> None:
    quick = MailSettings(host=HOST, port=silent_server, security=Security.NONE, timeout=0.3)
    with pytest.raises(SendFailure) as failed:
        SmtpTransport(quick).send(_message())
    assert failed.value.connection
    assert failed.value.reason == (
        f"le serveur de courriel 127.0.0.1:{silent_server} ne répond pas (délai de 0,3 s dépassé)"
    )
