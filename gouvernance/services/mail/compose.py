"""Each e-mail in French: subject, plain-text body (an HTML copy beside it), the PDF attached.

The words are short on purpose: the attached document — the same letter, reminder, convocation
or minutes the post would carry — says everything; the message says what it is, the essentials
(amount and due date, date of the assembly) and who writes. ``build`` makes the
``EmailMessage``: To = the member's name and address, From = the organisation, a Message-ID on
the organisation's domain, the date on the organisation's clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime, formataddr, make_msgid
from html import escape
from typing import Any

from gouvernance.domain.calls.ledger import CallState
from gouvernance.domain.calls.reminders import ReminderLevel, long_date
from gouvernance.domain.errors import InvalidInput
from gouvernance.domain.moments import local
from gouvernance.domain.money import format_cents
from gouvernance.domain.organisation import PrintedOrganisation, Signatory
from gouvernance.services.mail.settings import SENDER

GREETING = "Bonjour,"
CLOSING = "Bien cordialement,"


class _Encoded(str):
    """A header value already encoded by ``email.header`` (RFC 2047), written as it is."""


class _Policy(EmailPolicy):
    """The standard policy, except for headers ``_encoded`` prepared: Python 3.11 folds a long
    accented subject by dropping the space between two encoded words (« —Coopérative »), which
    ``email.header.Header`` does not."""

    def header_store_parse(self, name: str, value: Any) -> tuple[str, Any]:
        if isinstance(value, _Encoded):
            return (name, str(value))
        return super().header_store_parse(name, value)


POLICY = _Policy()


def _encoded(name: str, text: str) -> str:
    if text.isascii():
        return text
    return _Encoded(Header(text, "utf-8", header_name=name).encode())


def _mailbox(name: str, address: str) -> str:
    if name.isascii():
        return str(Address(name, addr_spec=address))
    return _Encoded(formataddr((name, address), charset="utf-8"))


@dataclass(frozen=True)
class Sender:
    """Who the messages come from."""

    address: str
    name: str  # the organisation's name, shown beside the address
    domain: str  # of the Message-IDs: the organisation's own
    time_zone: str
    footer: tuple[str, ...]  # the organisation's name, address and e-mail under the signature
    reply_to: str | None = None  # the organisation's address, when the messages come from another


@dataclass(frozen=True)
class Wording:
    """A message's subject and plain-text body (paragraphs separated by a blank line)."""

    subject: str
    body: str


def sender(organisation: PrintedOrganisation, configured: str | None) -> Sender:
    """``GOUVERNANCE_MAIL_FROM`` if set, else the organisation's own address."""
    address = configured or organisation.email
    if not address:
        raise InvalidInput(
            "aucune adresse d'expéditeur : déclarez l'adresse électronique de l'organisation "
            f"(gouvernance organisation set --email …) ou définissez {SENDER}",
            field=SENDER,
        )
    if usable(address) is None:
        raise InvalidInput(f"adresse d'expéditeur illisible « {address} »", field=SENDER)
    domain = (organisation.email or address).rpartition("@")[2]
    footer = [organisation.name, *organisation.address_lines]
    if organisation.email:
        footer.append(organisation.email)
    reply_to = organisation.email if organisation.email and organisation.email != address else None
    return Sender(
        address, organisation.name, domain, organisation.time_zone, tuple(footer), reply_to
    )


def usable(address: str) -> Address | None:
    """The address as a header holds it, or ``None`` when it cannot be written in one."""
    try:
        return Address(addr_spec=address)
    except (ValueError, IndexError, TypeError):
        return None


def new_message_id(domain: str) -> str:
    """« <173…@alpilles-reemploi.example> »: unique, on the organisation's domain, kept for
    every attempt at the same message (a retry reads as the same message)."""
    return make_msgid(domain=domain)


# --- The words of each kind -------------------------------------------------------------------


def _signed(signatory: Signatory | None, fallback: str) -> list[str]:
    if signatory is None:
        return [fallback]
    return [f"{signatory.name}, {signatory.title.lower()}"]


def _body(*paragraphs: str, signature: list[str], sender: Sender) -> str:
    closing = "\n".join([CLOSING, "", *signature, *sender.footer])
    return "\n\n".join([GREETING, *paragraphs, closing]) + "\n"


def call_wording(
    state: CallState, kind_label: str, attachment: str, org: PrintedOrganisation, sent: Sender
) -> Wording:
    call = state.call
    called = f"l'appel de {kind_label} de l'exercice {call.fiscal_year} ({call.reference})"
    if state.outstanding > 0:
        ask = (
            f"Veuillez trouver ci-joint {called} de {org.name} : {format_cents(state.outstanding)}"
            f" à régler au plus tard le {long_date(call.due_on)}."
        )
    else:
        ask = f"Veuillez trouver ci-joint {called} de {org.name}. Il est entièrement réglé : merci."
    return Wording(
        subject=f"Appel de {kind_label} {call.fiscal_year} — {call.reference} — {org.name}",
        body=_body(
            ask,
            f"La lettre jointe ({attachment}) détaille le calcul du montant et les moyens de "
            f"paiement ; merci de rappeler la référence {call.reference} avec votre règlement.",
            "Pour toute question, répondez simplement à ce message.",
            signature=_signed(org.treasurer, "Le trésorier"),
            sender=sent,
        ),
    )


def reminder_wording(
    state: CallState,
    level: ReminderLevel,
    attachment: str,
    org: PrintedOrganisation,
    sent: Sender,
) -> Wording:
    call = state.call
    return Wording(
        subject=f"{level.label} — appel {call.reference} — {org.name}",
        body=_body(
            level.text(state.outstanding, call.due_on, call.reference),
            f"La lettre de relance jointe ({attachment}) rappelle le montant appelé, ce qui a été "
            "reçu, le reste dû et les moyens de paiement.",
            "Si vous avez réglé entre-temps, merci de ne pas tenir compte de ce message.",
            signature=_signed(org.treasurer, "Le trésorier"),
            sender=sent,
        ),
    )


def convocation_wording(
    kind_label: str,
    title: str,
    held_on: date,
    code: str,
    agenda: list[str],
    attachment: str,
    vote_where: str,
    org: PrintedOrganisation,
    sent: Sender,
) -> Wording:
    kind = kind_label.lower()
    items = "\n".join(f"  {line}" for line in agenda) or "  (ordre du jour à venir)"
    return Wording(
        subject=f"Convocation : {kind} du {long_date(held_on)} — {org.name}",
        body=_body(
            f"Vous êtes convoqué(e) à l'{kind} de {org.name}, « {title} » ({code}), qui se "
            f"tiendra le {long_date(held_on)}.",
            f"Ordre du jour :\n{items}",
            f"Vous pouvez voter en ligne {vote_where}, ou donner pouvoir à un autre associé. "
            f"La convocation jointe ({attachment}) détaille l'ordre du jour, les règles de vote "
            "et la manière de donner un pouvoir.",
            signature=_signed(org.president, "Le conseil d'administration"),
            sender=sent,
        ),
    )


def minutes_wording(
    kind_label: str,
    held_on: date,
    code: str,
    attachment: str,
    org: PrintedOrganisation,
    sent: Sender,
) -> Wording:
    kind = kind_label.lower()
    return Wording(
        subject=f"Procès-verbal de l'{kind} du {long_date(held_on)} — {org.name}",
        body=_body(
            f"Veuillez trouver ci-joint le procès-verbal de l'{kind} de {org.name} tenue le "
            f"{long_date(held_on)} ({code}) : présences, quorum, résultat de chaque résolution "
            "et signatures.",
            f"Le document ({attachment}) est celui que le registre des procès-verbaux conserve.",
            signature=_signed(org.president, "Le conseil d'administration"),
            sender=sent,
        ),
    )


# --- The message -----------------------------------------------------------------------------


def build(
    *,
    sent: Sender,
    to_name: str,
    to_address: str,
    wording: Wording,
    attachment: str,
    pdf: bytes,
    message_id: str,
    now: datetime,
) -> EmailMessage:
    """The message as it leaves: text part, HTML alternative, the PDF attached."""
    recipient = usable(to_address)
    if recipient is None:
        raise InvalidInput(f"adresse électronique illisible « {to_address} »", field="email")
    message = EmailMessage(policy=POLICY)
    message["Subject"] = _encoded("Subject", wording.subject)
    message["From"] = _mailbox(sent.name, sent.address)
    message["To"] = _mailbox(to_name, recipient.addr_spec)
    if sent.reply_to:
        message["Reply-To"] = sent.reply_to
    message["Date"] = format_datetime(local(now, sent.time_zone))
    message["Message-ID"] = message_id
    message["Content-Language"] = "fr"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(wording.body, subtype="plain", charset="utf-8")
    message.add_alternative(_html(wording), subtype="html", charset="utf-8")
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename=attachment)
    return message


def _html(wording: Wording) -> str:
    paragraphs = "\n".join(
        "<p>" + "<br>\n".join(escape(line) for line in block.split("\n")) + "</p>"
        for block in wording.body.strip().split("\n\n")
    )
    return (
        '<!DOCTYPE html>\n<html lang="fr">\n<head><meta charset="utf-8">'
        f"<title>{escape(wording.subject)}</title></head>\n<body>\n{paragraphs}\n</body>\n</html>\n"
    )
