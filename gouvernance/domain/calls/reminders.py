"""The reminder ladder (« relances »): which letter an unpaid call gets, and when.

The ladder is data (``rules/calls/relances.yaml``), so that the board words its letters and sets
its delays without a developer. Each level is sent a number of days after the due date; a call
climbs one level at a time, never skipping one, so that a member who was never reminded does not
receive the last letter first, even when the treasurer runs the reminders late.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise
from string import Formatter
from typing import Any

from babel.dates import format_date

from gouvernance.domain.calls.ledger import CallState
from gouvernance.domain.calls.model import CallStatus
from gouvernance.domain.errors import InvalidInput
from gouvernance.domain.fees.documents import read_yaml
from gouvernance.domain.fees.schedule import RuleError
from gouvernance.domain.money import LOCALE, format_cents

PLACEHOLDERS = ("montant", "echeance", "reference")
LEVEL_KEYS = ("after_days", "label", "body")
MAX_DAYS = 3650  # ten years: beyond, a typo (and a date overflow)
_SETTLED = frozenset({CallStatus.PAID, CallStatus.CANCELLED})

__all__ = [
    "PLACEHOLDERS",
    "DueReminder",
    "ReminderLadder",
    "ReminderLevel",
    "due_reminders",
    "long_date",
    "parse_ladder",
    "parse_ladder_text",
]


def long_date(day: date) -> str:
    """« 31 mars 2027 », and « 1er mars 2027 » as French writes the first of the month."""
    text = format_date(day, format="long", locale=LOCALE)
    return "1er" + text[1:] if day.day == 1 and text.startswith("1 ") else text


@dataclass(frozen=True)
class ReminderLevel:
    """One rung: sent ``after_days`` days after the due date, with its title and paragraph."""

    level: int
    after_days: int
    label: str
    body: str

    def text(self, outstanding_cents: int, due_on: date, reference: str) -> str:
        """The paragraph with {montant} (still due), {echeance} and {reference} filled in."""
        return self.body.format(
            montant=format_cents(outstanding_cents),
            echeance=long_date(due_on),
            reference=reference,
        )


@dataclass(frozen=True)
class ReminderLadder:
    levels: tuple[ReminderLevel, ...]
    source: str

    def level(self, number: int) -> ReminderLevel:
        """Level ``number`` (1-based), refused in French when the ladder has no such rung."""
        if not 1 <= number <= len(self.levels):
            raise InvalidInput(
                f"niveau de relance {number} inconnu : l'échelle {self.source} "
                f"va de 1 à {len(self.levels)}",
                field="level",
            )
        return self.levels[number - 1]


@dataclass(frozen=True)
class DueReminder:
    """A call whose next reminder is due; ``due_since`` is the first day it could be sent."""

    state: CallState
    level: ReminderLevel
    due_since: date


# --------------------------------------------------------------------------------------------
# Reading the ladder


def parse_ladder_text(text: str, source: str) -> ReminderLadder:
    """The ladder of a YAML text; unreadable YAML is a RuleError naming the line."""
    return parse_ladder(read_yaml(text, source), source)


def parse_ladder(document: object, source: str) -> ReminderLadder:
    """Check a parsed document and number its levels by position (1-based)."""
    data = _mapping(document, source, "(document)")
    _only(data, source, "", ("reminders",))
    raw = data.get("reminders")
    if not isinstance(raw, list):
        reason = (
            "la liste des relances est obligatoire"
            if raw is None
            else "une liste est attendue (une entrée « - after_days: … » par niveau)"
        )
        raise RuleError(source, "reminders", reason)
    if not raw:
        raise RuleError(source, "reminders", "la liste est vide : au moins un niveau est attendu")
    levels = tuple(_level(item, source, position) for position, item in enumerate(raw))
    _check_increasing(levels, source)
    return ReminderLadder(levels=levels, source=source)


def _mapping(raw: object, source: str, where: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise RuleError(source, where, "une table de clés est attendue")
    for key in raw:
        if not isinstance(key, str):
            raise RuleError(source, where, f"clé non textuelle « {key} »")
    return raw


def _only(data: dict[str, Any], source: str, where: str, allowed: Sequence[str]) -> None:
    for key in data:
        if key not in allowed:
            path = f"{where}.{key}" if where else key
            raise RuleError(
                source, path, f"clé inconnue « {key} » (attendu : {', '.join(allowed)})"
            )


def _level(raw: object, source: str, position: int) -> ReminderLevel:
    where = f"reminders[{position}]"
    data = _mapping(raw, source, where)
    _only(data, source, where, LEVEL_KEYS)
    return ReminderLevel(
        level=position + 1,
        after_days=_days(data.get("after_days"), source, f"{where}.after_days"),
        label=_text(data.get("label"), source, f"{where}.label", "le titre de la relance"),
        body=_body(data.get("body"), source, f"{where}.body"),
    )


def _days(raw: object, source: str, where: str) -> int:
    if raw is None:
        raise RuleError(source, where, "le délai en jours après l'échéance est obligatoire")
    if not isinstance(raw, int) or isinstance(raw, bool):
        raise RuleError(source, where, f"« {raw} » : un nombre entier de jours est attendu")
    if not 0 <= raw <= MAX_DAYS:
        raise RuleError(source, where, f"{raw} jours : entre 0 et {MAX_DAYS} jours attendus")
    return raw


def _text(raw: object, source: str, where: str, what: str) -> str:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise RuleError(source, where, f"{what} est obligatoire et ne peut pas être vide")
    if not isinstance(raw, str):
        raise RuleError(source, where, "un texte est attendu")
    return raw.strip()


def _body(raw: object, source: str, where: str) -> str:
    """The paragraph, whose only placeholders are {montant}, {echeance} and {reference}."""
    body = _text(raw, source, where, "le texte de la relance")
    known = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
    try:
        fields = [(name, spec, conversion) for _, name, spec, conversion in Formatter().parse(body)]
    except ValueError:
        raise RuleError(
            source, where, "accolade non refermée : pour écrire une accolade, doublez-la ({{ ou }})"
        ) from None
    for name, spec, conversion in fields:
        if name is None:
            continue
        if name not in PLACEHOLDERS or spec or conversion:
            shown = "{}" if not name else f"{{{name}}}"
            raise RuleError(
                source, where, f"champ inconnu « {shown} » (champs possibles : {known})"
            )
    return body


def _check_increasing(levels: tuple[ReminderLevel, ...], source: str) -> None:
    for before, level in pairwise(levels):
        if level.after_days <= before.after_days:
            raise RuleError(
                source,
                f"reminders[{level.level - 1}].after_days",
                f"{level.after_days} jours (niveau {level.level}) : doit dépasser les "
                f"{before.after_days} jours du niveau {before.level}, les délais vont croissant",
            )


# --------------------------------------------------------------------------------------------
# Which reminders are due


def due_reminders(
    states: Sequence[CallState],
    sent: Mapping[str, int],
    ladder: ReminderLadder,
    today: date,
    *,
    last_sent: Mapping[str, date] | None = None,
) -> list[DueReminder]:
    """The next reminder of every unpaid call whose delay has run, by member then reference.

    ``sent`` maps a call reference to the highest level already sent. With ``last_sent`` (call
    reference → date the last letter went out), a level also waits, after the previous letter,
    the gap the ladder puts between the two levels: a late first reminder does not bring the
    second one the next day.
    """
    found = [due for state in states if (due := _next(state, sent, ladder, today, last_sent))]
    return sorted(found, key=lambda due: (due.state.call.member_code, due.state.call.reference))


def _next(
    state: CallState,
    sent: Mapping[str, int],
    ladder: ReminderLadder,
    today: date,
    last_sent: Mapping[str, date] | None,
) -> DueReminder | None:
    found = next_reminder(
        state.call.reference,
        state.call.due_on,
        state.outstanding,
        state.status,
        sent,
        ladder,
        today,
        last_sent,
    )
    return DueReminder(state=state, level=found[0], due_since=found[1]) if found else None


def next_reminder(
    reference: str,
    due_on: date,
    outstanding: int,
    status: CallStatus,
    sent: Mapping[str, int],
    ladder: ReminderLadder,
    today: date,
    last_sent: Mapping[str, date] | None,
) -> tuple[ReminderLevel, date] | None:
    """The rung due on ``today`` for one call and the day it became due, or None: the rule of
    ``due_reminders``, on a call's figures (the desk counts them without reading the calls)."""
    if outstanding <= 0 or status in _SETTLED:
        return None
    number = max(sent.get(reference, 0), 0) + 1
    if number > len(ladder.levels):
        return None
    level = ladder.level(number)
    since = due_on + timedelta(days=level.after_days)
    previous = (last_sent or {}).get(reference)
    if previous is not None and number > 1:
        gap = level.after_days - ladder.level(number - 1).after_days
        since = max(since, previous + timedelta(days=gap))
    return (level, since) if today >= since else None
