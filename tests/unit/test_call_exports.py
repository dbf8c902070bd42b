"""The treasurer's files: calls and payments as CSV/XLSX, and the SEPA direct-debit XML."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest

from gouvernance.domain.calls.ledger import call_state
from gouvernance.domain.calls.model import (
    Allocation,
    Call,
    CallKind,
    CreditNote,
    Mandate,
    Payment,
    PaymentMethod,
)
from gouvernance.domain.errors import InvalidInput
from gouvernance.domain.organisation import Organisation
from gouvernance.services.ledger.call_exports import (
    CALL_HEADERS,
    PAYMENT_HEADERS,
    CallRow,
    SepaDebit,
    call_row,
    calls_csv,
    calls_xlsx,
    payment_row,
    payments_csv,
    payments_xlsx,
    sepa_debit,
    sepa_direct_debit,
    validate_bic,
    validate_creditor_id,
    validate_iban,
)

AT = datetime(2027, 1, 15, 9, 0)
IBAN_FR = "FR7630006000011234567890189"
IBAN_DE = "DE89370400440532013000"
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.008.001.08"}
COLLECTION = date(2027, 2, 15)


def organisation(
    iban: str | None = IBAN_FR, bic: str | None = "AGRIFRPP", ics: str | None = "FR72ZZZ123456"
) -> Organisation:
    return Organisation(
        name="Pôle Coopératif du Vallon",
        legal_form="association",
        iban=iban,
        bic=bic,
        sepa_creditor_id=ics,
    )


def call(number: int, cents: int, member: str = "M0001") -> Call:
    return Call(
        reference=f"AC-2027-{number:04d}",
        batch_id=1,
        number=number,
        kind=CallKind.FEE,
        fiscal_year=2027,
        member_code=member,
        member_name="Ressourcerie du Vallon",
        cents=cents,
        issued_on=date(2027, 1, 15),
        due_on=date(2027, 3, 31),
        basis="{}",
    )


def mandate(member: str = "M0001", iban: str = IBAN_DE, bic: str = "COBADEFFXXX") -> Mandate:
    return Mandate(
        member_code=member,
        mandate_id=f"RUM-{member}-01",
        signed_on=date(2026, 11, 2),
        iban=iban,
        bic=bic,
        debtor_name="Société d'Été",
    )


def a_row() -> CallRow:
    issued = call(1, 123450)
    credit = CreditNote("AV-2027-0001", issued.reference, "M0001", 450, "remise", date(2027, 2, 1),
                        "t", AT)  # fmt: skip
    paid = Allocation("RG-2027-0001", issued.reference, "M0001", 100000, date(2027, 2, 10))
    return call_row(call_state(issued, [credit], [paid], date(2027, 4, 10)), "LOT-2027-01")


PAYMENT = Payment(
    reference="RG-2027-0001",
    member_code="M0001",
    cents=20000,
    received_on=date(2027, 2, 10),
    method=PaymentMethod.TRANSFER,
    bank_reference="=VIR 42",
    recorded_by="tresorier",
    recorded_at=AT,
)
ALLOCATIONS = [
    Allocation("RG-2027-0001", "AC-2027-0001", "M0001", 12000, date(2027, 2, 10)),
    Allocation("RG-2027-0001", "AC-2027-0002", "M0001", 3000, date(2027, 2, 10)),
    Allocation("RG-2027-0009", "AC-2027-0003", "M0001", 999, date(2027, 2, 10)),
]


def csv_lines(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read the accents
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


# --------------------------------------------------------------------------------------------
# Calls and payments


def test_the_calls_csv_has_french_headers_and_decimal_commas() -> None:
    header, line = csv_lines(calls_csv([a_row()]))
    assert header == CALL_HEADERS
    row = dict(zip(header, line, strict=True))
    assert row["montant appelé (€)"] == "1234,50"
    assert row["avoirs (€)"] == "4,50"
    assert row["payé (€)"] == "1000,00"
    assert row["reste dû (€)"] == "230,00"
    assert row["statut"] == "en retard"
    assert row["jours de retard"] == "10"
    assert row["échéance"] == "31/03/2027"
    assert row["nature"] == "cotisation"


def test_the_payments_csv_lists_the_allocations_and_the_members_credit() -> None:
    row = payment_row(PAYMENT, ALLOCATIONS, "Ressourcerie du Vallon")
    assert (row.allocated_cents, row.unallocated_cents) == (15000, 5000)
    header, line = csv_lines(payments_csv([row]))
    assert header == PAYMENT_HEADERS
    cells = dict(zip(header, line, strict=True))
    assert cells["montant (€)"] == "200,00"
    assert cells["non imputé, crédit du membre (€)"] == "50,00"
    assert cells["moyen de paiement"] == "virement"
    assert cells["référence bancaire"] == "'=VIR 42"  # never a formula
    assert cells["imputations"] == "AC-2027-0001 : 120,00\u00a0€ ; AC-2027-0002 : 30,00\u00a0€"


def test_the_calls_xlsx_reopens_with_numbers_and_dates_not_text() -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(calls_xlsx([a_row()]))).active
    assert sheet.title == "Appels"
    assert [cell.value for cell in sheet[1]] == CALL_HEADERS
    cells = {header: cell for header, cell in zip(CALL_HEADERS, sheet[2], strict=True)}
    amount = cells["montant appelé (€)"]
    assert amount.data_type == "n"
    assert Decimal(str(amount.value)) == Decimal("1234.50")
    assert "€" in amount.number_format
    assert Decimal(str(cells["reste dû (€)"].value)) == Decimal("230.00")
    assert cells["échéance"].is_date
    assert cells["échéance"].value.date() == date(2027, 3, 31)
    assert cells["exercice"].value == 2027
    assert sheet.max_row == 3  # the header, the call, the totals row
    assert sheet["A3"].value == "Total (1 ligne)"
    assert sheet["I3"].value == "=SUBTOTAL(109,I2:I2)"


def test_the_payments_xlsx_keeps_text_as_text() -> None:
    row = payment_row(PAYMENT, ALLOCATIONS, "Ressourcerie du Vallon")
    sheet = openpyxl.load_workbook(io.BytesIO(payments_xlsx([row]))).active
    cells = {header: cell for header, cell in zip(PAYMENT_HEADERS, sheet[2], strict=True)}
    assert cells["référence bancaire"].data_type == "s"
    assert cells["référence bancaire"].value == "=VIR 42"
    assert cells["montant (€)"].data_type == "n"
    assert Decimal(str(cells["non imputé, crédit du membre (€)"].value)) == Decimal("50")
    assert cells["reçu le"].is_date


# --------------------------------------------------------------------------------------------
# IBAN, BIC, ICS


def test_an_iban_is_normalised_and_checked_with_its_rib_key() -> None:
    assert validate_iban(" fr76 3000 6000 0112 3456 7890 189 ", "iban") == IBAN_FR
    with pytest.raises(InvalidInput) as bad:
        validate_iban("FR7630006000011234567890188", "organisation.iban")
    assert bad.value.field == "organisation.iban"
    assert "n'est pas un IBAN valide" in bad.value.message


def test_a_bic_is_normalised_and_checked() -> None:
    assert validate_bic("agri frpp", "bic") == "AGRIFRPP"
    with pytest.raises(InvalidInput, match="n'est pas un BIC valide"):
        validate_bic("AGRIXXPP", "bic")


def test_a_sepa_creditor_identifier_is_checked_with_its_key() -> None:
    assert validate_creditor_id("fr72 zzz 123456", "ics") == "FR72ZZZ123456"
    with pytest.raises(InvalidInput, match="clé de contrôle"):
        validate_creditor_id("FR73ZZZ123456", "ics")


# --------------------------------------------------------------------------------------------
# SEPA


def debits() -> list[SepaDebit]:
    return [
        sepa_debit(mandate("M0001"), call(1, 12000), 12000),
        sepa_debit(mandate("M0002", IBAN_FR, ""), call(2, 3050, "M0002"), 3050, first=True),
    ]


def export(org: Organisation | None = None, items: list[SepaDebit] | None = None) -> bytes:
    return sepa_direct_debit(
        org or organisation(),
        debits() if items is None else items,
        COLLECTION,
        "PRLV-2027-02-15",
        created_at=datetime(2027, 2, 10, 9, 0),
    )


def test_the_sepa_file_parses_and_carries_the_mandates_and_amounts() -> None:
    root = ET.fromstring(export())
    header = root.find("p:CstmrDrctDbtInitn/p:GrpHdr", NS)
    assert header is not None
    assert header.findtext("p:MsgId", namespaces=NS) == "PRLV-2027-02-15"
    assert header.findtext("p:CreDtTm", namespaces=NS) == "2027-02-10T09:00:00"
    assert header.findtext("p:NbOfTxs", namespaces=NS) == "2"
    transactions = root.findall(".//p:DrctDbtTxInf", NS)
    mandates = [t.findtext(".//p:MndtId", default="", namespaces=NS) for t in transactions]
    amounts = [t.findtext("p:InstdAmt", default="", namespaces=NS) for t in transactions]
    assert sorted(mandates) == ["RUM-M0001-01", "RUM-M0002-01"]
    assert sorted(amounts) == ["120.00", "30.50"]
    ends = {t.findtext(".//p:EndToEndId", namespaces=NS) for t in transactions}
    assert ends == {"AC-2027-0001", "AC-2027-0002"}
    texts = {t.findtext(".//p:Ustrd", namespaces=NS) for t in transactions}
    assert "Cotisation 2027 AC-2027-0001" in texts


def test_the_control_sum_is_the_sum_of_the_debits() -> None:
    root = ET.fromstring(export())
    assert root.findtext("p:CstmrDrctDbtInitn/p:GrpHdr/p:CtrlSum", namespaces=NS) == "150.50"
    blocks = root.findall("p:CstmrDrctDbtInitn/p:PmtInf", NS)
    kinds = {b.findtext(".//p:SeqTp", namespaces=NS): b.findtext("p:CtrlSum", namespaces=NS)
             for b in blocks}  # fmt: skip
    assert kinds == {"RCUR": "120.00", "FRST": "30.50"}


def test_the_same_debits_give_the_same_file() -> None:
    assert export() == export()


def test_a_bad_debtor_iban_is_refused_naming_the_member() -> None:
    items = debits()
    items[1] = sepa_debit(mandate("M0002", "FR7630006000011234567890188"), call(2, 100), 100)
    with pytest.raises(InvalidInput) as bad:
        export(items=items)
    assert bad.value.field == "mandates[M0002].iban"
    assert "M0002" in bad.value.message
    assert [problem.field for problem in bad.value.problems] == ["mandates[M0002].iban"]


def test_a_zero_amount_is_refused() -> None:
    with pytest.raises(InvalidInput) as bad:
        export(items=[sepa_debit(mandate(), call(1, 0), 0)])
    assert bad.value.field == "debits[AC-2027-0001].amount"


def test_a_missing_creditor_identifier_is_refused() -> None:
    with pytest.raises(InvalidInput) as bad:
        export(organisation(ics=None))
    assert bad.value.field == "organisation.sepa_creditor_id"
    assert "identifiant créancier SEPA" in bad.value.message


def test_a_missing_organisation_iban_is_refused_in_french() -> None:
    with pytest.raises(InvalidInput) as bad:
        export(organisation(iban=""))
    assert bad.value.message == "l'IBAN de l'organisation est requis pour un prélèvement SEPA"
    assert bad.value.field == "organisation.iban"


def test_a_file_without_debits_is_refused() -> None:
    with pytest.raises(InvalidInput, match="aucun prélèvement"):
        export(items=[])
