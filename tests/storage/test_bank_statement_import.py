"""Importing bank statements on SQLite and PostgreSQL: the demo with its 2027 calls issued (see
``tests/releves_bancaires.py`` for what the sample statement holds), on 12 December 2026."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

import pytest
from releves_bancaires import GARRIGUE_MANDATE, SAMPLE, camt053, csv_francais

from gouvernance.bootstrap import Application
from gouvernance.domain.bank.model import LineKind, LineStatus
from gouvernance.domain.calls.model import CallStatus, PaymentMethod
from gouvernance.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from gouvernance.domain.users import SYSTEM, Actor, Role
from gouvernance.services import audit
from gouvernance.services.bank import statements
from gouvernance.services.ledger import calls, payments, refunds

TREASURER = Actor("tresoriere", Role.TREASURER)
BOARD = Actor("bureau", Role.BOARD)
MEMBER = Actor("adherent", Role.MEMBER, "RESSOURCERIE")


@pytest.fixture
def bank(
    app: Application,
    demo_loader: Callable[[str], None],
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> Application:
    """The demo on 12 December 2026, its 2027 calls issued on the 1st (due on the 31st)."""
    monkeypatch.setenv("GOUVERNANCE_TODAY", "2026-12-12")
    demo_loader(database_url)
    calls.issue_calls(
        app.uows, SYSTEM, "demo-bareme-ca", issued_on=date(2026, 12, 1),
        due_on=date(2026, 12, 31), exclude_incomplete=True,
    )  # fmt: skip
    return app


def recorded(app: Application) -> list[tuple[str, str, int, PaymentMethod]]:
    return [
        (p.member_code, p.bank_reference, p.cents, p.method)
        for p in payments.list_payments(app.uows, SYSTEM)
    ]


def status_of(app: Application, reference: str) -> CallStatus:
    return calls.call_detail(app.uows, SYSTEM, reference).call.status


def line_of(app: Application, bank_reference: str) -> statements.LineView:
    return next(
        line for line in statements.lines(app.uows, SYSTEM) if line.bank_reference == bank_reference
    )


# --- The must-show ---------------------------------------------------------------------------


def test_a_camt_statement_imported_twice_records_each_payment_once(bank: Application) -> None:
    first = statements.import_statement(bank.uows, TREASURER, camt053(), "releve-decembre.xml")
    assert first.created and first.statement is not None
    assert first.statement.reference == "RLV-2026-0001"
    assert [line.member_code for line in first.recorded] == ["MISTRAL", "SAL01", "GARRIGUE"]
    assert [line.status for line in first.lines] == [
        LineStatus.RECORDED, LineStatus.RECORDED, LineStatus.RECORDED, LineStatus.UNMATCHED,
        LineStatus.TO_CONFIRM, LineStatus.RETURNED, LineStatus.IGNORED,
    ]  # fmt: skip
    assert recorded(bank) == [
        ("MISTRAL", "BQ-20261203-0001", 126250, PaymentMethod.TRANSFER),
        ("SAL01", "BQ-20261204-0002", 2000, PaymentMethod.TRANSFER),
        ("GARRIGUE", "BQ-20261205-0003", 40000, PaymentMethod.DIRECT_DEBIT),
    ]
    assert status_of(bank, "AC-2027-0005") is CallStatus.PAID
    assert status_of(bank, "AC-2027-0007") is CallStatus.PAID

    again = statements.import_statement(bank.uows, TREASURER, camt053(), "releve-decembre.xml")
    assert not again.created and again.lines == ()
    assert again.known == len(SAMPLE)
    assert again.summary == (
        "Rien de nouveau : les 7 ligne(s) de ce relevé sont déjà importées (RLV-2026-0001)."
    )
    assert len(recorded(bank)) == 3
    assert len(statements.lines(bank.uows, SYSTEM)) == len(SAMPLE)
    assert len(statements.statements(bank.uows, SYSTEM)) == 1


def test_the_unknown_credit_waits_in_the_list(bank: Application) -> None:
    statements.import_statement(bank.uows, TREASURER, camt053(), "releve.xml")
    statements.import_statement(bank.uows, TREASURER, camt053(version="02"), "releve-v2.xml")
    waiting = statements.pending_lines(bank.uows, BOARD)
    assert [(line.cents, line.status) for line in waiting] == [
        (7500, LineStatus.UNMATCHED),
        (40000, LineStatus.TO_CONFIRM),
    ]
    unknown, close = waiting
    assert unknown.counterparty_name == "DUPONT JEAN" and unknown.candidates == ()
    assert close.suggested_member == "HUILES-DU-VAL"
    assert [(c.code, c.open_calls) for c in close.candidates] == [
        ("HUILES-DU-VAL", ("AC-2027-0004",))
    ]
    assert statements.waiting_count(bank.uows, BOARD) == 2


def test_a_returned_direct_debit_is_recorded_as_the_reversal_of_its_payment(
    bank: Application,
) -> None:
    report = statements.import_statement(bank.uows, TREASURER, camt053(), "releve.xml")
    (returned,) = report.returns
    collected = line_of(bank, "BQ-20261205-0003")
    assert returned.reversed_payment == collected.payment_reference == "RG-2026-0003"
    assert returned.payment_reference == "RJ-2026-0001"
    assert returned.return_label == "AM04 — provision insuffisante"
    assert returned.match_reason == f"mandat {GARRIGUE_MANDATE}"
    (record,) = refunds.list_refunds(bank.uows, SYSTEM, "GARRIGUE")
    assert (record.reference, record.cents, record.method) == (
        "RJ-2026-0001", 40000, PaymentMethod.DIRECT_DEBIT
    )  # fmt: skip
    assert record.reason == "rejet du prélèvement RG-2026-0003 : AM04 — provision insuffisante"
    assert status_of(bank, "AC-2027-0003") is CallStatus.DUE
    assert payments.member_balance(bank.uows, SYSTEM, "GARRIGUE").owed == 40000
    (payment,) = payments.list_payments(bank.uows, SYSTEM, "GARRIGUE")
    assert [(a.call_reference, a.cents) for a in payment.allocations] == [
        ("AC-2027-0003", 40000), ("AC-2027-0003", -40000)
    ]  # fmt: skip
    assert payments.apply_credit(bank.uows, TREASURER, "GARRIGUE") == []
    assert status_of(bank, "AC-2027-0003") is CallStatus.DUE
    assert refunds.refundable_credit(bank.uows, TREASURER, "GARRIGUE") == 0


def test_the_same_movements_through_a_french_csv_are_recorded_once(bank: Application) -> None:
    first = statements.import_statement(bank.uows, TREASURER, csv_francais(), "releve.csv")
    assert first.statement is not None and first.statement.profile == "csv-standard"
    assert [line.status for line in first.lines] == [
        LineStatus.RECORDED, LineStatus.RECORDED, LineStatus.RECORDED, LineStatus.UNMATCHED,
        LineStatus.TO_CONFIRM, LineStatus.RETURNED, LineStatus.IGNORED,
    ]  # fmt: skip
    assert first.lines[2].kind is LineKind.DIRECT_DEBIT
    assert first.returns[0].return_reason == "AM04"
    again = statements.import_statement(bank.uows, TREASURER, csv_francais(), "releve.csv")
    assert not again.created
    assert len(recorded(bank)) == 3
    assert [line.cents for line in statements.pending_lines(bank.uows, SYSTEM)] == [7500, 40000]


def test_a_csv_export_of_a_statement_already_imported_as_camt_adds_nothing(
    bank: Application,
) -> None:
    statements.import_statement(bank.uows, TREASURER, camt053(), "releve.xml")
    report = statements.import_statement(bank.uows, TREASURER, csv_francais(), "releve.csv")
    assert not report.created and report.known == len(SAMPLE)
    assert len(recorded(bank)) == 3


def test_unknown_csv_columns_are_refused_naming_the_line_and_column(bank: Application) -> None:
    data = csv_francais().replace(b"Solde", b"Cat\xe9gorie client")
    with pytest.raises(InvalidInput) as refused:
        statements.import_statement(bank.uows, TREASURER, data, "releve.csv")
    assert refused.value.message.startswith(
        "« releve.csv » : ligne 3, colonne 6 « Catégorie client » : colonne inconnue du profil "
        "« csv-standard »"
    )
    assert (refused.value.problems[0].line, refused.value.problems[0].field) == (
        3, "Catégorie client"
    )  # fmt: skip
    assert recorded(bank) == []
    assert statements.statements(bank.uows, SYSTEM) == []


def test_a_file_that_is_not_camt_records_nothing(bank: Application) -> None:
    broken = camt053().replace(b"</Stmt>", b"")
    with pytest.raises(InvalidInput, match="n'est pas un fichier XML lisible"):
        statements.import_statement(bank.uows, TREASURER, broken, "releve.xml")
    assert recorded(bank) == [] and statements.lines(bank.uows, SYSTEM) == []


def test_one_line_that_cannot_be_recorded_leaves_the_whole_statement_unrecorded(
    bank: Application,
) -> None:
    future = replace(SAMPLE[1], booked="2026-12-20", reference="BQ-FUTUR")
    with pytest.raises(InvalidInput) as refused:
        statements.import_statement(bank.uows, TREASURER, camt053((SAMPLE[0], future)), "r.xml")
    assert refused.value.message == (
        "écriture 2 (Ntry) (20/12/2026, 20,00\u00a0€) : un paiement ne peut pas être daté du futur"
    )
    assert recorded(bank) == [] and statements.statements(bank.uows, SYSTEM) == []


# --- Payments typed by hand -------------------------------------------------------------------


def test_a_payment_typed_by_hand_with_the_bank_reference_is_not_recorded_again(
    bank: Application,
) -> None:
    typed = payments.record_payment(
        bank.uows, TREASURER, "MISTRAL", 126250, date(2026, 12, 3), PaymentMethod.TRANSFER,
        bank_reference="BQ-20261203-0001",
    )  # fmt: skip
    report = statements.import_statement(bank.uows, TREASURER, camt053(SAMPLE[:1]), "r.xml")
    (line,) = report.lines
    assert (line.status, line.payment_reference) == (LineStatus.ALREADY_RECORDED, typed.reference)
    assert len(recorded(bank)) == 1


def test_a_payment_typed_by_hand_for_the_same_amount_that_day_waits_for_confirmation(
    bank: Application,
) -> None:
    payments.record_payment(
        bank.uows, TREASURER, "MISTRAL", 126250, date(2026, 12, 3), PaymentMethod.TRANSFER,
        bank_reference="virement Mistral",
    )  # fmt: skip
    report = statements.import_statement(bank.uows, TREASURER, camt053(SAMPLE[:1]), "r.xml")
    (line,) = report.to_confirm
    assert line.suggested_member == "MISTRAL"
    assert "RG-2026-0001 du 03/12/2026, du même montant, est déjà enregistré" in line.match_reason
    assert len(recorded(bank)) == 1


# --- The waiting list -------------------------------------------------------------------------


def test_confirming_a_waiting_line_records_its_payment_on_the_calls_chosen(
    bank: Application,
) -> None:
    statements.import_statement(bank.uows, TREASURER, camt053(), "releve.xml")
    close = line_of(bank, "BQ-20261207-0005")
    confirmed = statements.confirm_match(
        bank.uows, TREASURER, close.id, "huiles-du-val", ["ac-2027-0004"]
    )
    assert confirmed.status is LineStatus.RECORDED and confirmed.member_code == "HUILES-DU-VAL"
    assert confirmed.resolved_by == "tresoriere"
    assert status_of(bank, "AC-2027-0004") is CallStatus.PAID
    (payment,) = payments.list_payments(bank.uows, SYSTEM, "HUILES-DU-VAL")
    assert payment.bank_reference == "BQ-20261207-0005"
    assert [line.cents for line in statements.pending_lines(bank.uows, SYSTEM)] == [7500]
    with pytest.raises(Conflict, match="n'attend plus rien : paiement enregistré"):
        statements.confirm_match(bank.uows, TREASURER, close.id, "HUILES-DU-VAL")
    entries = [e for e in audit.recent(bank.uows, SYSTEM, 20) if e.entity == "bank_line"]
    assert entries[0].action == "ligne_bancaire.confirmée"


def test_a_call_of_another_member_is_refused_on_confirmation(bank: Application) -> None:
    statements.import_statement(bank.uows, TREASURER, camt053(), "releve.xml")
    close = line_of(bank, "BQ-20261207-0005")
    with pytest.raises(InvalidInput) as refused:
        statements.confirm_match(bank.uows, TREASURER, close.id, "HUILES-DU-VAL", ["AC-2027-0005"])
    assert (
        refused.value.message == "l'appel AC-2027-0005 n'est pas un appel du membre HUILES-DU-VAL"
    )
    assert refused.value.field == "calls[0]"
    assert line_of(bank, "BQ-20261207-0005").status is LineStatus.TO_CONFIRM


def test_an_iban_confirmed_once_is_recognised_the_next_time(bank: Application) -> None:
    statements.import_statement(bank.uows, TREASURER, camt053(), "releve.xml")
    close = line_of(bank, "BQ-20261207-0005")
    statements.confirm_match(bank.uows, TREASURER, close.id, "HUILES-DU-VAL")
    later = replace(SAMPLE[4], reference="BQ-20261211-0009", booked="2026-12-11", cents=1000)
    report = statements.import_statement(bank.uows, TREASURER, camt053((later,)), "suite.xml")
    (line,) = report.recorded
    assert line.member_code == "HUILES-DU-VAL"
    assert line.match_reason.startswith("IBAN FR76…")


def test_dismissing_a_line_needs_a_reason_and_is_audited(bank: Application) -> None:
    statements.import_statement(bank.uows, TREASURER, camt053(), "releve.xml")
    unknown = line_of(bank, "BQ-20261206-0004")
    with pytest.raises(InvalidInput, match="texte obligatoire"):
        statements.dismiss_line(bank.uows, TREASURER, unknown.id, "  ")
    dismissed = statements.dismiss_line(bank.uows, TREASURER, unknown.id, "don, hors cotisations")
    assert (dismissed.status, dismissed.note) == (LineStatus.DISMISSED, "don, hors cotisations")
    (entry,) = [e for e in audit.recent(bank.uows, SYSTEM, 10) if e.entity == "bank_line"]
    assert entry.action == "ligne_bancaire.écartée" and "hors cotisations" in entry.detail
    assert [line.cents for line in statements.pending_lines(bank.uows, SYSTEM)] == [40000]
    with pytest.raises(NotFound, match="aucune ligne de relevé n'a le numéro 999"):
        statements.dismiss_line(bank.uows, TREASURER, 999, "x")


def test_a_return_without_a_direct_debit_to_undo_waits_and_is_confirmed_once_collected(
    bank: Application,
) -> None:
    returned = SAMPLE[5]
    first = statements.import_statement(bank.uows, TREASURER, camt053((returned,)), "rejet.xml")
    (line,) = first.to_confirm
    assert line.kind is LineKind.RETURN and line.suggested_member == "GARRIGUE"
    assert "aucun prélèvement de 400,00\u00a0€ de ce membre n'est enregistré" in line.match_reason
    with pytest.raises(Conflict, match="n'est à contre-passer"):
        statements.confirm_match(bank.uows, TREASURER, line.id, "GARRIGUE")
    payments.record_payment(
        bank.uows, TREASURER, "GARRIGUE", 40000, date(2026, 12, 5), PaymentMethod.DIRECT_DEBIT,
        bank_reference="PRLV-GARRIGUE",
    )  # fmt: skip
    confirmed = statements.confirm_match(bank.uows, TREASURER, line.id, "GARRIGUE")
    assert confirmed.status is LineStatus.RETURNED and confirmed.reversed_payment == "RG-2026-0001"
    assert payments.member_balance(bank.uows, SYSTEM, "GARRIGUE").owed == 40000


def test_a_return_in_a_later_statement_undoes_the_earlier_collection(bank: Application) -> None:
    statements.import_statement(bank.uows, TREASURER, camt053(SAMPLE[:3]), "debut.xml")
    assert status_of(bank, "AC-2027-0003") is CallStatus.PAID
    report = statements.import_statement(bank.uows, TREASURER, camt053(SAMPLE[5:6]), "fin.xml")
    assert report.returns[0].reversed_payment == "RG-2026-0003"
    assert status_of(bank, "AC-2027-0003") is CallStatus.DUE


# --- Who may ----------------------------------------------------------------------------------


def test_only_those_who_record_payments_import_statements(bank: Application) -> None:
    with pytest.raises(Forbidden):
        statements.import_statement(bank.uows, BOARD, camt053(), "releve.xml")
    with pytest.raises(Forbidden):
        statements.lines(bank.uows, MEMBER)
    statements.import_statement(bank.uows, TREASURER, camt053(), "releve.xml")
    assert len(statements.lines(bank.uows, BOARD)) == len(SAMPLE)
    with pytest.raises(Forbidden):
        statements.dismiss_line(bank.uows, BOARD, 1, "non")


def test_the_import_is_audited_with_its_counts(bank: Application) -> None:
    statements.import_statement(bank.uows, TREASURER, camt053(), "releve.xml")
    entry = next(e for e in audit.recent(bank.uows, SYSTEM, 50) if e.action == "relevé.importé")
    assert entry.entity_key == "RLV-2026-0001"
    for part in ('"enregistrées": 3', '"rejets": 1', '"sans_correspondance": 1',
                 '"à_confirmer": 1', '"ignorées": 1'):  # fmt: skip
        assert part in entry.detail


def test_a_statement_of_another_account_is_imported_with_a_warning(bank: Application) -> None:
    other = "FR7611808009101234567890147"
    report = statements.import_statement(bank.uows, TREASURER, camt053(iban=other), "autre.xml")
    assert report.notes == (
        f"ce relevé est celui du compte {other}, l'organisation déclare le compte "
        "FR7630006000011234567890189 : vérifiez que c'est le bon fichier",
    )


def test_an_unknown_csv_profile_is_refused_by_name(bank: Application) -> None:
    with pytest.raises(InvalidInput, match="profil CSV inconnu « ma-banque »"):
        statements.import_statement(bank.uows, TREASURER, csv_francais(), "r.csv", "ma-banque")
