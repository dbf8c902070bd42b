"""Handing messages to an SMTP server, and saying in French why it failed.

A ``Transport`` sends one message and returns the server's answer (« 250 2.0.0 Ok: queued as
4F2A »), or raises ``SendFailure``: the French reason, the server's code and words, and whether
the connection itself is lost (refused, dropped, timed out, TLS or sign-in refused) — then the
rest of the run cannot go either and fails with the same reason, to be retried later.
``SmtpTransport`` opens one connection for a whole run, on first use; the tests may pass their
own transport. No text that leaves here holds the password.
"""

from __future__ import annotations

import base64
import contextlib
import smtplib
import socket
import ssl
from email.message import EmailMessage
from typing import Any, Protocol

from gouvernance.services.mail.settings import HIDDEN, PASSWORD, SECURITY, MailSettings, Security

MAX_ANSWER = 500  # characters of the server's answer kept (a server may say a lot)


class SendFailure(Exception):
    """Why a message did not go. ``connection``: the connection is lost, nothing more goes."""

    def __init__(
        self,
        reason: str,
        *,
        code: int | None = None,
        answer: str | None = None,
        connection: bool = False,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code
        self.answer = answer
        self.connection = connection


class Transport(Protocol):
    def send(self, message: EmailMessage) -> str:
        """Hand ``message`` to the server; its answer, or ``SendFailure``."""
        ...

    def close(self) -> None: ...


class _Answers:
    """Keeps the server's reply to DATA, which ``smtplib`` checks and then forgets."""

    last_reply: tuple[int, bytes] = (0, b"")

    def data(self, msg: Any) -> tuple[int, bytes]:
        code, reply = super().data(msg)  # type: ignore[misc]
        self.last_reply = (code, reply)
        return code, reply


class _SMTP(_Answers, smtplib.SMTP):
    pass


class _SMTPS(_Answers, smtplib.SMTP_SSL):
    pass


class SmtpTransport:
    """One SMTP connection (plain, STARTTLS or TLS, then sign-in if an account is set),
    opened by the first message and kept for the run."""

    def __init__(self, settings: MailSettings) -> None:
        self.settings = settings
        self._smtp: _SMTP | _SMTPS | None = None

    def send(self, message: EmailMessage) -> str:
        smtp = self._smtp or self._connect()
        try:
            smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = next(iter(exc.recipients.values()), (0, b""))
            address = next(iter(exc.recipients), "")
            raise self._refusal(f"le serveur refuse l'adresse {address}", code, reply) from None
        except smtplib.SMTPSenderRefused as exc:
            self._drop()
            failure = self._refusal(
                f"le serveur refuse l'expéditeur {exc.sender} (vérifiez GOUVERNANCE_MAIL_FROM "
                "ou l'adresse de l'organisation)",
                exc.smtp_code,
                exc.smtp_error,
            )
            failure.connection = True
            raise failure from None
        except smtplib.SMTPDataError as exc:
            raise self._refusal(
                "le serveur refuse le message", exc.smtp_code, exc.smtp_error
            ) from None
        except smtplib.SMTPNotSupportedError:
            raise SendFailure(
                "le serveur n'accepte pas les adresses accentuées (SMTPUTF8) : écrivez l'adresse "
                "du membre sans accent"
            ) from None
        except smtplib.SMTPResponseException as exc:
            raise self._refusal(
                "le serveur refuse l'envoi", exc.smtp_code, exc.smtp_error
            ) from None
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            raise self._lost(exc) from None
        code, reply = smtp.last_reply
        return self._text(f"{code} {_decode(reply)}")

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()

    # --- the connection ---------------------------------------------------------------------

    def _connect(self) -> _SMTP | _SMTPS:
        settings = self.settings
        context = ssl.create_default_context(cafile=settings.ca_file)
        smtp: _SMTP | _SMTPS | None = None
        try:
            if settings.security is Security.TLS:
                smtp = _SMTPS(
                    settings.host, settings.port, timeout=settings.timeout, context=context
                )
            else:
                smtp = _SMTP(settings.host, settings.port, timeout=settings.timeout)
            smtp.ehlo()
            if settings.security is Security.STARTTLS:
                if not smtp.has_extn("starttls"):
                    raise SendFailure(
                        f"le serveur {self._where} ne propose pas STARTTLS : réglez {SECURITY} "
                        "sur tls (port 465) ou, pour un relais local seulement, sur none",
                        connection=True,
                    )
                smtp.starttls(context=context)
                smtp.ehlo()
            if settings.user:
                smtp.login(settings.user, settings.password or "")
        except SendFailure:
            _close_quietly(smtp)
            raise
        except smtplib.SMTPAuthenticationError as exc:
            _close_quietly(smtp)
            failure = self._refusal(
                f"le serveur {self._where} refuse l'identifiant ou le mot de passe SMTP "
                f"(vérifiez {PASSWORD})",
                exc.smtp_code,
                exc.smtp_error,
            )
            failure.connection = True
            raise failure from None
        except (smtplib.SMTPException, OSError) as exc:
            _close_quietly(smtp)
            raise self._lost(exc) from None
        self._smtp = smtp
        return smtp

    def _drop(self) -> None:
        smtp, self._smtp = self._smtp, None
        _close_quietly(smtp)

    @property
    def _where(self) -> str:
        return f"{self.settings.host}:{self.settings.port}"

    def _lost(self, exc: BaseException) -> SendFailure:
        """A connection that could not be made or was lost, in French."""
        where = self._where
        if isinstance(exc, socket.gaierror):
            reason = f"serveur de courriel introuvable : « {self.settings.host} » (vérifiez le nom)"
        elif isinstance(exc, ConnectionRefusedError):
            reason = f"le serveur de courriel {where} refuse la connexion (arrêté, ou mauvais port)"
        elif isinstance(exc, TimeoutError) or isinstance(exc.__context__, TimeoutError):
            seconds = f"{self.settings.timeout:g}".replace(".", ",")
            reason = f"le serveur de courriel {where} ne répond pas (délai de {seconds} s dépassé)"
        elif isinstance(exc, smtplib.SMTPServerDisconnected | ConnectionResetError):
            reason = f"le serveur de courriel {where} a coupé la connexion"
        elif isinstance(exc, ssl.SSLCertVerificationError):
            reason = (
                f"le certificat du serveur {where} n'est pas reconnu ({exc.verify_message}) : "
                "vérifiez le nom du serveur ou GOUVERNANCE_SMTP_CA_FILE"
            )
        elif isinstance(exc, ssl.SSLError):
            reason = f"échec du chiffrement TLS avec {where} : vérifiez {SECURITY} et le port"
        elif isinstance(exc, OSError) and exc.strerror:
            reason = f"connexion impossible au serveur de courriel {where} : {exc.strerror}"
        else:
            reason = f"échec de l'échange avec le serveur de courriel {where}"
        return SendFailure(self._text(reason), answer=self._text(str(exc)), connection=True)

    def _refusal(self, what: str, code: int | None, reply: bytes | str) -> SendFailure:
        answer = self._text(f"{code} {_decode(reply)}" if code else _decode(reply))
        if code is not None and 400 <= code < 500:
            why = f"{what} pour l'instant (refus temporaire {code}) : réessayez plus tard"
        elif code is not None and code >= 500:
            why = f"{what} (refus {code})"
        else:
            why = what
        return SendFailure(
            self._text(f"{why} : {answer}" if answer else why), code=code, answer=answer
        )

    def _text(self, text: str) -> str:
        return scrub(text, self.settings.secrets())[:MAX_ANSWER]


def scrub(text: str, secrets: tuple[str, ...]) -> str:
    """``text`` with every secret (and its base64 form, as AUTH sends it) hidden."""
    for secret in secrets:
        for form in (secret, base64.b64encode(secret.encode()).decode()):
            text = text.replace(form, HIDDEN)
    return text


def _decode(reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return " ".join(text.split())


def _close_quietly(smtp: smtplib.SMTP | None) -> None:
    if smtp is None:
        return
    with contextlib.suppress(OSError):
        smtp.close()
