"""The reminder ladder: reading ``relances.yaml`` with located errors, and which letter is due.

A call climbs one level at a time once the level's delay after the due date has run (the day
itself counts); a paid or cancelled call gets none; there is nothing beyond the last level.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from gouvernance.domain.calls.ledger import CallState
from gouvernance.domain.calls.model import Call, CallKind
from gouvernance.domain.calls.reminders import (
    DueReminder,
    ReminderLadder,
    due_reminders,
    long_date,
    parse_ladder,
    parse_ladder_text,
)
from gouvernance.domain.errors import InvalidInput
from gouvernance.domain.fees.schedule import RuleError
from gouvernance.services.ledger.reminder_rules import RULES_VARIABLE, load_ladder

DUE = date(2027, 3, 31)
SOURCE = "relances.yaml"


def document(*levels: dict[str, Any]) -> dict[str, Any]:
    return {"reminders": list(levels)}


def level(after_days: object, label: object = "Rappel", body: object = "Merci.") -> dict[str, Any]:
    return {"after_days": after_days, "label": label, "body": body}


LADDER = parse_ladder(
    document(
        level(15, "Premier rappel", "Il reste {montant} sur {reference}, échu le {echeance}."),
        level(45, "Deuxième relance"),
        level(90, "Dernière relance avant radiation"),
    ),
    SOURCE,
)


def state(
    number: int = 1,
    member: str = "M0001",
    cents: int = 40000,
    credited: int = 0,
    paid: int = 0,
    on: date = DUE,
) -> CallState:
    call = Call(
        reference=f"AC-2027-{number:04d}",
        batch_id=1,
        number=number,
        kind=CallKind.FEE,
        fiscal_year=2027,
        member_code=member,
        member_name=f"Membre {member}",
        cents=cents,
        issued_on=date(2027, 1, 15),
        due_on=DUE,
        basis="{}",
    )
    return CallState(call=call, credited=credited, paid=paid, on=on)


def due(
    today: date, sent: Mapping[str, int] | None = None, *states: CallState
) -> list[DueReminder]:
    return due_reminders(states or (state(on=today),), sent or {}, LADDER, today)


def refusal(doc: object) -> RuleError:
    with pytest.raises(RuleError) as caught:
        parse_ladder(doc, SOURCE)
    return caught.value


# --- Reading the ladder -------------------------------------------------------------------------


def test_the_repository_ladder_has_three_increasing_levels_with_filled_placeholders() -> None:
    ladder = load_ladder()
    assert [lvl.after_days for lvl in ladder.levels] == [15, 45, 90]
    assert [lvl.level for lvl in ladder.levels] == [1, 2, 3]
    assert ladder.level(3).label == "Dernière relance avant radiation"
    text = ladder.level(1).text(123450, DUE, "AC-2027-0001")
    assert "1\u202f234,50\u00a0€" in text
    assert "31 mars 2027" in text
    assert "AC-2027-0001" in text
    assert "{" not in text


def test_levels_are_numbered_by_position_from_one() -> None:
    assert [lvl.level for lvl in LADDER.levels] == [1, 2, 3]
    assert LADDER.level(2).label == "Deuxième relance"


def test_asking_for_a_level_outside_the_ladder_is_refused_in_french() -> None:
    with pytest.raises(InvalidInput, match="va de 1 à 3"):
        LADDER.level(4)
    with pytest.raises(InvalidInput):
        LADDER.level(0)


def test_a_document_without_the_reminders_list_is_refused() -> None:
    error = refusal({})
    assert error.path == "reminders"
    assert "obligatoire" in error.reason
    assert refusal({"reminders": {"after_days": 15}}).path == "reminders"
    assert refusal(None).path == "(document)"


def test_an_empty_list_of_reminders_is_refused() -> None:
    error = refusal(document())
    assert error.path == "reminders"
    assert "vide" in error.reason


def test_an_unknown_key_is_refused_with_its_key_path() -> None:
    assert refusal({"reminders": [level(15)], "relances": []}).path == "relances"
    error = refusal(document(level(15), {**level(45), "delai": 3}))
    assert error.path == "reminders[1].delai"
    assert "clé inconnue « delai »" in error.reason
    assert error.source == SOURCE
    assert str(error).startswith("relances.yaml : reminders[1].delai : ")


@pytest.mark.parametrize("bad", ["15", 15.0, True, None, [15]])
def test_a_delay_that_is_not_a_whole_number_of_days_is_refused(bad: object) -> None:
    error = refusal(document(level(15), level(bad)))
    assert error.path == "reminders[1].after_days"


def test_a_negative_delay_is_refused() -> None:
    error = refusal(document(level(-1)))
    assert error.path == "reminders[0].after_days"
    assert "entre 0 et" in error.reason


@pytest.mark.parametrize("second", [15, 10])
def test_delays_that_do_not_strictly_increase_are_refused_at_the_later_level(second: int) -> None:
    error = refusal(document(level(15), level(second), level(90)))
    assert error.path == "reminders[1].after_days"
    assert "niveau 2" in error.reason
    assert "niveau 1" in error.reason


@pytest.mark.parametrize("label", ["", "   ", None])
def test_an_empty_label_is_refused(label: object) -> None:
    assert refusal(document(level(15, label=label))).path == "reminders[0].label"


@pytest.mark.parametrize(
    "body",
    ["Il reste {montant_du}.", "{0} €", "{}", "{montant!r}", "{montant:>10}", "{echeance.year}"],
)
def test_a_body_using_an_unknown_placeholder_is_refused(body: str) -> None:
    error = refusal(document(level(15, body=body)))
    assert error.path == "reminders[0].body"
    assert "champ inconnu" in error.reason
    assert "{montant}, {echeance}, {reference}" in error.reason


def test_a_body_with_an_unclosed_brace_is_refused_and_doubled_braces_are_text() -> None:
    assert "accolade" in refusal(document(level(15, body="Il reste {montant."))).reason
    ladder = parse_ladder(document(level(15, body="{{note}} {montant}")), SOURCE)
    assert ladder.level(1).text(500, DUE, "AC-2027-0001") == "{note} 5,00\u00a0€"


def test_unreadable_yaml_is_a_rule_error_naming_the_line() -> None:
    with pytest.raises(RuleError) as caught:
        parse_ladder_text("reminders:\n  - after_days: 15\n   label: [x\n", SOURCE)
    assert caught.value.source == SOURCE
    assert "YAML illisible" in caught.value.reason


def test_the_ladder_file_is_read_from_the_folder_the_variable_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "relances.yaml").write_text(
        "reminders:\n  - after_days: 30\n    label: Rappel unique\n    body: Merci.\n",
        encoding="utf-8",
    )
    monkeypatch.setenv(RULES_VARIABLE, str(tmp_path))
    ladder = load_ladder()
    assert [(lvl.after_days, lvl.label) for lvl in ladder.levels] == [(30, "Rappel unique")]


def test_a_missing_ladder_file_is_a_rule_error_naming_the_file(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match="introuvable"):
        load_ladder(tmp_path / "relances.yaml")


def test_the_first_of_the_month_is_written_premier() -> None:
    assert long_date(date(2027, 3, 1)) == "1er mars 2027"
    assert long_date(date(2027, 3, 31)) == "31 mars 2027"


# --- Which reminders are due --------------------------------------------------------------------


def test_a_reminder_is_due_on_the_exact_day_the_delay_runs_out() -> None:
    today = DUE + timedelta(days=15)
    (found,) = due(today)
    assert found.level.level == 1
    assert found.due_since == today


def test_no_reminder_is_due_the_day_before_the_delay_runs_out() -> None:
    assert due(DUE + timedelta(days=14)) == []


def test_the_next_level_follows_the_highest_level_already_sent() -> None:
    today = DUE + timedelta(days=45)
    (found,) = due(today, {"AC-2027-0001": 1})
    assert found.level.level == 2
    assert found.due_since == today
    assert due(today - timedelta(days=1), {"AC-2027-0001": 1}) == []


def test_a_call_climbs_one_level_at_a_time_even_long_after_the_last_delay() -> None:
    today = DUE + timedelta(days=400)
    assert [d.level.level for d in due(today)] == [1]
    assert [d.level.level for d in due(today, {"AC-2027-0001": 2})] == [3]


def test_there_is_no_level_beyond_the_last() -> None:
    assert due(DUE + timedelta(days=400), {"AC-2027-0001": 3}) == []


def test_a_paid_call_gets_no_reminder() -> None:
    today = DUE + timedelta(days=100)
    assert due(today, None, state(paid=40000, on=today)) == []


def test_a_call_cancelled_by_a_credit_note_gets_no_reminder() -> None:
    today = DUE + timedelta(days=100)
    assert due(today, None, state(credited=40000, on=today)) == []


def test_a_partly_paid_call_is_still_reminded() -> None:
    today = DUE + timedelta(days=20)
    (found,) = due(today, None, state(paid=10000, on=today))
    assert found.state.outstanding == 30000


def test_with_the_date_of_the_last_letter_a_late_first_reminder_delays_the_next() -> None:
    sent = {"AC-2027-0001": 1}
    first_sent_on = DUE + timedelta(days=60)  # the first reminder went out late
    today = DUE + timedelta(days=70)
    call = state(on=today)
    assert due_reminders([call], sent, LADDER, today) != []  # without the date: due
    waiting = due_reminders([call], sent, LADDER, today, last_sent={"AC-2027-0001": first_sent_on})
    assert waiting == []
    gap_over = first_sent_on + timedelta(days=30)
    (found,) = due_reminders(
        [call], sent, LADDER, gap_over, last_sent={"AC-2027-0001": first_sent_on}
    )
    assert found.due_since == gap_over


def test_due_reminders_are_sorted_by_member_then_call_reference() -> None:
    today = DUE + timedelta(days=50)
    states = [
        state(3, "M0002", on=today),
        state(2, "M0001", on=today),
        state(1, "M0002", on=today),
    ]
    found = due_reminders(states, {}, LADDER, today)
    assert [(d.state.call.member_code, d.state.call.reference) for d in found] == [
        ("M0001", "AC-2027-0002"),
        ("M0002", "AC-2027-0001"),
        ("M0002", "AC-2027-0003"),
    ]


def test_the_ladder_is_frozen_data() -> None:
    assert isinstance(LADDER, ReminderLadder)
    with pytest.raises(AttributeError):
        LADDER.source = "autre.yaml"  # type: ignore[misc]
