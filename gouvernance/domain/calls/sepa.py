"""SEPA direct debits as the bank sees them: what was sent, what came back, which day may be asked.

Each debit put in a file is recorded as sent (``SentDebit``), with its file (``SepaFile``): a
call with a debit sent and not come back is not debited again, so a second export of the same
calls sends nothing. A debit that comes back (``DebitReturn``) reopens its call:

- a **reject** (« rejet ») comes back before settlement: no money moved, the debit is as if
  never presented, and a first debit rejected leaves the mandate unused (next debit FRST again);
- a **return** (« retour ») comes back after settlement: the mandate was used, the next debit is
  RCUR; the money itself is taken back by the bank statement (``services.bank.statements``).

Some reasons say the mandate cannot be used any more (account closed, no mandate, debtor
deceased…): the mandate is then suspended until the treasurer records a new one.

The collection date is a TARGET2 business day (the ECB's calendar of the euro interbank
system: every weekday but 1 January, Good Friday, Easter Monday, 1 May, 25 and 26 December,
from the ``holidays`` library), at least ``LEAD_DAYS`` business days after the day the file is
made: the bank needs a business day to pass it on, and the debtor's bank gets it the business
day before collection (EPC SDD Core rulebook, D-1).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache

import holidays

from gouvernance.domain.errors import InvalidInput

SCHEMA_08 = "pain.008.001.08"
SCHEMA_02 = "pain.008.001.02"
SCHEMAS = (SCHEMA_08, SCHEMA_02)
FIRST = "FRST"
RECURRENT = "RCUR"
LEAD_DAYS = 2  # TARGET2 business days between the export and the collection date, at least

_WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


class ReturnKind(StrEnum):
    REJECT = "reject"  # before settlement: the debit never reached the account
    RETURN = "return"  # after settlement: the money went back

    @property
    def label(self) -> str:
        return "rejet" if self is ReturnKind.REJECT else "retour"


# Reasons after which the mandate cannot be used: the treasurer needs a new one.
MANDATE_STOPPING_REASONS = frozenset(
    {"AC01", "AC04", "AC06", "AC13", "AG01", "BE05", "MD01", "MD02", "MD07", "RC01"}
)


@dataclass(eq=False)
class SepaFile:
    """A pain.008 file as it was handed over: its message id, schema, date and content."""

    message_id: str
    schema: str
    filename: str
    collection_date: date
    debit_count: int
    total_cents: int
    digest: str  # SHA-256 of the content
    content: bytes
    created_by: str
    created_at: datetime
    id: int | None = None


@dataclass(eq=False)
class SentDebit:
    """One debit of a file: the call, the mandate (RUM) and the sequence it was sent under."""

    message_id: str
    call_reference: str
    member_code: str
    mandate_id: str
    cents: int
    sequence_type: str  # FRST or RCUR
    collection_date: date
    sent_on: date
    id: int | None = None


@dataclass(eq=False)
class DebitReturn:
    """A debit the bank gave back: from a bank statement or entered by hand."""

    message_id: str
    call_reference: str
    member_code: str
    mandate_id: str
    kind: ReturnKind
    reason_code: str
    returned_on: date
    source: str  # « relevé RL-2027-0001, ligne 3 » or « saisie »
    recorded_by: str
    recorded_at: datetime
    id: int | None = None


def returned_keys(returns: Iterable[DebitReturn]) -> set[tuple[str, str]]:
    """(file, call) of every debit that came back."""
    return {(r.message_id, r.call_reference) for r in returns}


def pending(sent: Iterable[SentDebit], returns: Iterable[DebitReturn]) -> dict[str, SentDebit]:
    """The debits sent and not come back, by call: those calls are not debited again."""
    back = returned_keys(returns)
    return {
        debit.call_reference: debit
        for debit in sent
        if (debit.message_id, debit.call_reference) not in back
    }


def used_mandates(sent: Iterable[SentDebit], returns: Iterable[DebitReturn]) -> set[str]:
    """The mandates (RUM) already used: a debit sent under them and not rejected (a debit
    returned after settlement did use the mandate)."""
    rejected = {(r.message_id, r.call_reference) for r in returns if r.kind is ReturnKind.REJECT}
    return {d.mandate_id for d in sent if (d.message_id, d.call_reference) not in rejected}


def stops_mandate(reason_code: str) -> bool:
    return reason_code.strip().upper() in MANDATE_STOPPING_REASONS


# --- The TARGET2 calendar -------------------------------------------------------------------


@lru_cache(maxsize=64)
def _closed_days(year: int) -> Mapping[date, str]:
    return dict(holidays.financial_holidays("XECB", years=year))


def is_business_day(day: date) -> bool:
    """Open for TARGET2 (euro interbank settlement): a weekday that is not a closing day."""
    return day.weekday() < 5 and day not in _closed_days(day.year)


def next_business_day(day: date) -> date:
    """``day`` itself when it is a business day, else the next one."""
    while not is_business_day(day):
        day += timedelta(days=1)
    return day


def add_business_days(day: date, count: int) -> date:
    """The business day ``count`` business days after ``day``."""
    for _ in range(count):
        day = next_business_day(day + timedelta(days=1))
    return day


def earliest_collection(today: date, lead_days: int = LEAD_DAYS) -> date:
    return add_business_days(today, lead_days)


def _why_closed(day: date) -> str:
    if day.weekday() >= 5:
        return f"est un {_WEEKDAYS[day.weekday()]}"
    name = _CLOSING_NAMES.get(_closed_days(day.year).get(day, ""), "jour de fermeture")
    return f"est un jour de fermeture de TARGET2 ({name})"


_CLOSING_NAMES = {
    "New Year's Day": "jour de l'an",
    "Good Friday": "Vendredi saint",
    "Easter Monday": "lundi de Pâques",
    "Labour Day": "fête du Travail",
    "Christmas Day": "Noël",
    "Christmas Holiday": "lendemain de Noël",
}


def _spelled(day: date) -> str:
    return f"{_WEEKDAYS[day.weekday()]} {day:%d/%m/%Y}"


def check_collection_date(
    asked: date, today: date, lead_days: int = LEAD_DAYS, field: str = "collection_date"
) -> date:
    """``asked`` when it is a TARGET2 business day at least ``lead_days`` business days after
    ``today``; else a French refusal that gives the next day that would do."""
    earliest = earliest_collection(today, lead_days)
    if not is_business_day(asked):
        suggestion = next_business_day(max(asked, earliest))
        raise InvalidInput(
            f"date de prélèvement refusée : le {asked:%d/%m/%Y} {_why_closed(asked)}, pas un "
            f"jour ouvré TARGET2 ; prochain jour ouvré possible : {_spelled(suggestion)}",
            field=field,
        )
    if asked < earliest:
        raise InvalidInput(
            f"date de prélèvement refusée : le {asked:%d/%m/%Y} est trop proche, la banque "
            f"demande {lead_days} jours ouvrés TARGET2 au moins ; prochain jour ouvré "
            f"possible : {_spelled(earliest)}",
            field=field,
        )
    return asked


def check_schema(text: str | None, field: str = "schema") -> str:
    """« pain.008.001.08 » (the default, what banks ask now) or « pain.008.001.02 »; « 08 »,
    « 02 » accepted."""
    wanted = (text or SCHEMA_08).strip().lower()
    for schema in SCHEMAS:
        if wanted in (schema, schema[-2:], schema[-6:]):
            return schema
    raise InvalidInput(
        f"schéma SEPA inconnu « {text} » : {SCHEMA_08} (par défaut) ou {SCHEMA_02}", field=field
    )
