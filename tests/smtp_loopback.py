"""Real SMTP servers on 127.0.0.1 for the e-mail tests (aiosmtpd), started and stopped by
fixtures: one that accepts and keeps every message, one that refuses some recipients or every
message, one that asks for an account, a socket that accepts and hangs up at once, and a port
where nothing listens. Import the fixtures a test module needs (``from smtp_loopback import …``).
"""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from gouvernance.services.mail.settings import MailSettings, Security

HOST = "127.0.0.1"
USER = "tresorerie@alpilles-reemploi.example"
PASSWORD = "s3cr3t-Du-Relais!"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@dataclass
class Received:
    """What the server was handed: the envelope, and the message parsed back."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class Collector:
    """Accepts everything (« 250 2.0.0 Ok: queued as N »), except the addresses in ``refuse``
    (550 at RCPT) and, with ``refuse_data``, every message (554 at DATA)."""

    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    refuse_data: bool = False

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if address in self.refuse:
            return f"550 5.1.1 <{address}>: boîte aux lettres inconnue"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse_data:
            return "554 5.7.1 Message refusé : politique du relais"
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return f"250 2.0.0 Ok: queued as Q{len(self.received):04d}"


@dataclass
class Server:
    host: str
    port: int
    handler: Collector

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def settings(self, **changes: Any) -> MailSettings:
        """Settings pointing at this server (no encryption on loopback)."""
        values: dict[str, Any] = {"host": self.host, "port": self.port, "security": Security.NONE}
        return MailSettings(**(values | changes))

    def environment(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """The variables a person would set to use this server."""
        monkeypatch.setenv("GOUVERNANCE_SMTP_HOST", self.host)
        monkeypatch.setenv("GOUVERNANCE_SMTP_PORT", str(self.port))
        monkeypatch.setenv("GOUVERNANCE_SMTP_SECURITY", "none")


def _start(handler: Collector, **kwargs: Any) -> Iterator[Server]:
    port = free_port()
    controller = Controller(handler, hostname=HOST, port=port, **kwargs)
    controller.start()
    try:
        yield Server(HOST, port, handler)
    finally:
        controller.stop()


@pytest.fixture
def smtp_server() -> Iterator[Server]:
    """A server that accepts every message."""
    yield from _start(Collector())


@pytest.fixture
def refusing_smtp_server() -> Iterator[Server]:
    """A server that refuses every message at DATA (554); ``handler.refuse`` adds recipients
    refused at RCPT (550)."""
    yield from _start(Collector(refuse_data=True))


def _authenticator(
    server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
) -> AuthResult:
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login.decode() == USER
        and auth_data.password.decode() == PASSWORD
    )
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def authenticated_smtp_server() -> Iterator[Server]:
    """A server that asks for the account ``USER`` / ``PASSWORD`` (AUTH without TLS: loopback
    only) before it takes any message."""
    yield from _start(
        Collector(), authenticator=_authenticator, auth_required=True, auth_require_tls=False
    )


@dataclass
class Dropping:
    host: str
    port: int
    connections: int = 0


@pytest.fixture
def dropping_server() -> Iterator[Dropping]:
    """A socket that accepts each connection and closes it at once, before any greeting."""
    listener = socket.socket()
    listener.bind((HOST, 0))
    listener.listen(8)
    dropping = Dropping(HOST, int(listener.getsockname()[1]))
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            connection.close()
            if stop.is_set():
                return
            dropping.connections += 1

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield dropping
    finally:
        stop.set()
        with socket.create_connection((HOST, dropping.port)):
            pass  # wakes ``accept`` up, which then sees ``stop``
        thread.join(timeout=5)
        listener.close()


@pytest.fixture
def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens: the connection is refused."""
    return free_port()


def attachments(message: EmailMessage) -> list[EmailMessage]:
    return [part for part in message.iter_attachments() if isinstance(part, EmailMessage)]


def plain_text(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert isinstance(body, EmailMessage)
    return str(body.get_content())
