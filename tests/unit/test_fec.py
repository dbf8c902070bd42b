"""The accounting entries of the ledger and the FEC file (article A47 A-1 LPF).

Every amount below can be checked by hand: a call of 120,00 € is two lines of 120,00 €, one on
the member's receivable (411000, auxiliary account = member code), one on the income account.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gouvernance.domain.calls.accounting import (
    FEC_COLUMNS,
    AccountPlan,
    AccountPlans,
    FecLine,
    FecOptions,
    UnbalancedEntries,
    check_balanced,
    encode_fec,
    fec_amount,
    fec_cells,
    fec_filename,
    fec_lines,
    fec_notice_filename,
    load_account_plans,
    parse_account_plan_text,
    plan_for,
    render_fec,
)
from gouvernance.domain.calls.model import (
    Call,
    CallBatch,
    CallKind,
    CreditNote,
    Payment,
    PaymentMethod,
)
from gouvernance.domain.errors import InvalidInput
from gouvernance.domain.fees.schedule import RuleError

PLAN_FILE = Path(__file__).resolve().parents[2] / "rules" / "calls" / "comptabilite.yaml"
PLANS = load_account_plans()
ASSOCIATION = PLANS.plan_for("association")
SCIC = PLANS.plan_for("SCIC SA")
START, END = date(2027, 1, 1), date(2027, 12, 31)
AT = datetime(2027, 1, 15, 9, 0)
SIREN = "732829320"  # passes the Luhn check
WITH_CAPITAL = FecOptions(include_capital=True)

BATCH = CallBatch(
    reference="LOT-2027-01",
    kind=CallKind.FEE,
    fiscal_year=2027,
    source_id="demo-forfait",
    source_label="Forfait 2027",
    source_text="",
    source_hash="",
    decision="AG du 10 décembre 2026, résolution 4",
    issued_on=date(2027, 1, 15),
    due_on=date(2027, 3, 31),
    issued_by="tresorier",
    issued_at=AT,
    call_count=2,
    total_cents=15000,
    id=1,
)


def call(
    number: int,
    cents: int,
    member: str = "M0001",
    name: str = "Ressourcerie du Vallon",
    issued_on: date = date(2027, 1, 15),
    kind: CallKind = CallKind.FEE,
) -> Call:
    return Call(
        reference=f"{kind.prefix}-2027-{number:04d}",
        batch_id=1,
        number=number,
        kind=kind,
        fiscal_year=2027,
        member_code=member,
        member_name=name,
        cents=cents,
        issued_on=issued_on,
        due_on=date(2027, 3, 31),
        basis="{}",
    )


def credit(number: int, of: Call, cents: int, on: date = date(2027, 2, 1)) -> CreditNote:
    return CreditNote(
        reference=f"AV-2027-{number:04d}",
        call_reference=of.reference,
        member_code=of.member_code,
        cents=cents,
        reason="erreur de catégorie",
        issued_on=on,
        issued_by="tresorier",
        issued_at=AT,
    )


def payment(
    number: int,
    cents: int,
    member: str = "M0001",
    on: date = date(2027, 2, 10),
    bank_reference: str = "",
) -> Payment:
    return Payment(
        reference=f"RG-2027-{number:04d}",
        member_code=member,
        cents=cents,
        received_on=on,
        method=PaymentMethod.TRANSFER,
        bank_reference=bank_reference,
        recorded_by="tresorier",
        recorded_at=AT,
    )


def lines_of(
    plan: AccountPlan = ASSOCIATION,
    calls: list[Call] | None = None,
    credits: list[CreditNote] | None = None,
    payments: list[Payment] | None = None,
    options: FecOptions | None = None,
) -> list[FecLine]:
    return fec_lines(
        plan, [BATCH], calls or [], credits or [], payments or [], START, END, options=options
    )


def parsed(text: str) -> list[list[str]]:
    assert text.endswith("\r\n")
    return [record.split("|") for record in text.split("\r\n")[:-1]]


# --------------------------------------------------------------------------------------------
# The file


def test_the_header_names_the_18_columns_of_a47_a1_in_order() -> None:
    header = render_fec([]).split("\r\n")[0]
    assert header == (
        "JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum|CompteLib|CompAuxNum|"
        "CompAuxLib|PieceRef|PieceDate|EcritureLib|Debit|Credit|EcritureLet|DateLet|ValidDate|"
        "Montantdevise|Idevise"
    )
    assert len(FEC_COLUMNS) == 18


def test_every_line_has_18_fields_with_the_call_in_its_columns() -> None:
    text = render_fec(lines_of(calls=[call(1, 12000)]))
    header, debit, income = parsed(text)
    assert all(len(record) == 18 for record in (header, debit, income))
    row = dict(zip(header, debit, strict=True))
    assert row == {
        "JournalCode": "CO",
        "JournalLib": "Cotisations et appels",
        "EcritureNum": "CO000001",
        "EcritureDate": "20270115",
        "CompteNum": "411000",
        "CompteLib": "Adhérents",
        "CompAuxNum": "M0001",
        "CompAuxLib": "Ressourcerie du Vallon",
        "PieceRef": "AC-2027-0001",
        "PieceDate": "20270115",
        "EcritureLib": "Cotisation 2027 — Ressourcerie du Vallon",
        "Debit": "120,00",
        "Credit": "0,00",
        "EcritureLet": "",
        "DateLet": "",
        "ValidDate": "20270115",
        "Montantdevise": "",
        "Idevise": "",
    }
    credit_row = dict(zip(header, income, strict=True))
    assert (credit_row["CompteNum"], credit_row["CompAuxNum"]) == ("7561", "")
    assert (credit_row["Debit"], credit_row["Credit"]) == ("0,00", "120,00")


def test_amounts_have_a_decimal_comma_and_no_thousands_separator() -> None:
    assert fec_amount(123450) == "1234,50"
    assert fec_amount(123456789) == "1234567,89"
    assert fec_amount(5) == "0,05"
    assert fec_amount(0) == "0,00"
    record = parsed(render_fec(lines_of(calls=[call(1, 123450)])))[1]
    assert record[11] == "1234,50"


def test_dates_are_written_yyyymmdd() -> None:
    line = lines_of(calls=[call(1, 100, issued_on=date(2027, 3, 5))])[0]
    cells = fec_cells(line)
    assert (cells[3], cells[9], cells[15]) == ("20270305", "20270305", "20270305")


def test_a_pipe_or_a_line_break_in_a_member_name_becomes_a_space() -> None:
    text = render_fec(lines_of(calls=[call(1, 100, name="Dupont | Fils\r\nSARL")]))
    records = parsed(text)
    assert len(records) == 3
    assert all(len(record) == 18 for record in records)
    assert records[1][7] == "Dupont   Fils  SARL"


def test_the_text_is_written_in_utf8_without_bom_or_in_latin9_on_request() -> None:
    text = render_fec(lines_of(calls=[call(1, 100, name="Société d’été")]))
    assert encode_fec(text).startswith(b"JournalCode|")
    assert "Société d’été".encode() in encode_fec(text)
    latin = encode_fec(text, "iso-8859-15")
    assert "Cotisation 2027 - Société d'été".encode("iso-8859-15") in latin


def test_the_file_name_says_it_is_an_extract_never_the_name_of_a_full_fec() -> None:
    name = fec_filename(SIREN, START, END)
    assert name == f"{SIREN}-extrait-FEC-20270101-20271231.txt"
    assert fec_filename("732 829 320", START, END) == name
    assert not re.fullmatch(r"\d{9}FEC\d{8}\.txt", name)
    assert fec_notice_filename(name) == f"{SIREN}-extrait-FEC-20270101-20271231-notice.txt"


def test_the_file_name_needs_the_organisations_siren() -> None:
    with pytest.raises(InvalidInput) as missing:
        fec_filename(None, START, END)
    assert missing.value.field == "organisation.siren"
    assert "SIREN" in missing.value.message
    with pytest.raises(InvalidInput, match="clé de contrôle"):
        fec_filename("732829321", START, END)


# --------------------------------------------------------------------------------------------
# The entries


def test_an_association_books_its_fees_in_7561_and_a_scic_in_706() -> None:
    calls = [call(1, 12000)]
    assert [line.compte_num for line in lines_of(ASSOCIATION, calls)] == ["411000", "7561"]
    assert [line.compte_num for line in lines_of(SCIC, calls)] == ["411000", "706"]
    assert lines_of(SCIC, calls)[0].compte_lib == "Clients - sociétaires"


def test_a_capital_call_goes_to_4562_and_1012_when_capital_is_asked_for() -> None:
    capital = call(1, 5000, kind=CallKind.CAPITAL)
    assert lines_of(SCIC, [capital]) == []
    lines = lines_of(SCIC, [capital], options=WITH_CAPITAL)
    assert [(line.compte_num, line.debit, line.credit) for line in lines] == [
        ("4562", 5000, 0),
        ("1012", 0, 5000),
    ]
    assert lines[0].comp_aux_num == "M0001"
    assert lines[0].piece_ref == "AL-2027-0001"


def test_an_association_has_no_account_for_a_capital_call() -> None:
    with pytest.raises(InvalidInput, match="comptes de capital"):
        lines_of(ASSOCIATION, [call(1, 5000, kind=CallKind.CAPITAL)], options=WITH_CAPITAL)


def test_a_credit_note_reverses_the_call_lines() -> None:
    issued = call(1, 12000)
    lines = lines_of(calls=[issued], credits=[credit(1, issued, 4000)])
    note = [line for line in lines if line.piece_ref == "AV-2027-0001"]
    assert [(n.compte_num, n.comp_aux_num, n.debit, n.credit) for n in note] == [
        ("7561", "", 4000, 0),
        ("411000", "M0001", 0, 4000),
    ]
    assert note[0].ecriture_date == date(2027, 2, 1)
    assert note[0].ecriture_lib == "Avoir AV-2027-0001 sur AC-2027-0001 — Ressourcerie du Vallon"


def test_a_credit_note_on_a_call_of_last_year_is_booked_this_year_only() -> None:
    old = call(1, 12000, issued_on=date(2026, 12, 20))
    lines = lines_of(calls=[old], credits=[credit(1, old, 12000, on=date(2027, 1, 10))])
    assert {line.piece_ref for line in lines} == {"AV-2027-0001"}


def test_a_payment_bigger_than_its_calls_still_balances_the_rest_is_credit_on_411() -> None:
    lines = lines_of(calls=[call(1, 12000)], payments=[payment(1, 20000, bank_reference="VIR 42")])
    check_balanced(lines)
    bank = [line for line in lines if line.journal_code == "BQ"]
    assert [(b.compte_num, b.comp_aux_num, b.debit, b.credit) for b in bank] == [
        ("512", "", 20000, 0),
        ("411000", "M0001", 0, 20000),
    ]
    assert bank[0].piece_ref == "RG-2027-0001"
    assert "VIR 42" in bank[0].ecriture_lib
    assert bank[1].comp_aux_lib == "Ressourcerie du Vallon"
    receivable = sum(line.debit - line.credit for line in lines if line.compte_num == "411000")
    assert receivable == -8000  # the member's credit


def test_a_payment_is_its_own_piece_whatever_its_bank_reference() -> None:
    lines = lines_of(payments=[payment(1, 1000, member="M0009")])
    assert lines[0].piece_ref == "RG-2027-0001"
    assert lines[1].comp_aux_lib == "M0009"  # no call, no name given: the code


def test_only_records_dated_in_the_period_are_written_sorted_by_date_journal_number() -> None:
    calls = [call(10, 100), call(9, 100, member="M0002"), call(2, 100, issued_on=date(2028, 1, 2))]
    payments = [payment(1, 100, on=date(2027, 1, 15)), payment(2, 100, on=date(2026, 12, 31))]
    lines = lines_of(calls=calls, payments=payments)
    order = [
        (line.ecriture_date, line.journal_code, line.ecriture_num, line.piece_ref)
        for line in lines[::2]
    ]
    assert order == [
        (date(2027, 1, 15), "BQ", "BQ000001", "RG-2027-0001"),
        (date(2027, 1, 15), "CO", "CO000001", "AC-2027-0009"),
        (date(2027, 1, 15), "CO", "CO000002", "AC-2027-0010"),
    ]


def test_entry_numbers_run_without_a_gap_in_each_journal_and_both_lines_share_one() -> None:
    calls = [call(n, 100 * n, member=f"M{n:04d}") for n in range(1, 6)]
    lines = lines_of(calls=calls, payments=[payment(1, 100), payment(2, 200)])
    for journal, count in (("CO", 5), ("BQ", 2)):
        numbers = [line.ecriture_num for line in lines if line.journal_code == journal]
        assert numbers == [f"{journal}{n:06d}" for n in range(1, count + 1) for _ in (0, 1)]


def test_a_zero_amount_is_never_written() -> None:
    issued = call(1, 0)
    assert lines_of(calls=[issued], credits=[credit(1, issued, 0)], payments=[payment(1, 0)]) == []


def test_a_credit_note_on_a_call_missing_from_the_export_is_refused() -> None:
    with pytest.raises(InvalidInput, match="AC-2027-0001"):
        lines_of(credits=[credit(1, call(1, 100), 100)])


def test_unbalanced_lines_are_refused() -> None:
    line = lines_of(calls=[call(1, 100)])[0]
    with pytest.raises(UnbalancedEntries):
        check_balanced([line])


@st.composite
def ledgers(draw: st.DrawFn) -> tuple[list[Call], list[CreditNote], list[Payment]]:
    days = st.dates(date(2026, 12, 1), date(2028, 1, 31))
    members = st.sampled_from(["M0001", "M0002", "M0003"])
    amounts = st.integers(0, 10**9)
    calls = [
        call(n, draw(amounts), draw(members), kind=draw(st.sampled_from(CallKind)), issued_on=day)
        for n, day in enumerate(draw(st.lists(days, max_size=8)), start=1)
    ]
    credits = []
    if calls:
        for n in range(draw(st.integers(0, 5))):
            target = draw(st.sampled_from(calls))
            credits.append(credit(n + 1, target, draw(st.integers(0, target.cents)), draw(days)))
    payments = [
        payment(n, draw(amounts), draw(members), on=day)
        for n, day in enumerate(draw(st.lists(days, max_size=8)), start=1)
    ]
    return calls, credits, payments


@settings(max_examples=150, deadline=None)
@given(ledgers())
def test_for_any_calls_credit_notes_and_payments_debits_equal_credits(
    ledger: tuple[list[Call], list[CreditNote], list[Payment]],
) -> None:
    calls, credits, payments = ledger
    lines = lines_of(SCIC, calls, credits, payments)
    assert sum(line.debit for line in lines) == sum(line.credit for line in lines)
    assert all((line.debit == 0) != (line.credit == 0) for line in lines)
    assert all(line.debit >= 0 and line.credit >= 0 for line in lines)
    records = parsed(render_fec(lines))
    assert len(records) == len(lines) + 1
    assert all(len(record) == 18 for record in records)


# --------------------------------------------------------------------------------------------
# The account plan


def test_the_plan_follows_the_legal_form() -> None:
    assert plan_for("association").fee_income.number == "7561"
    assert plan_for("Association loi 1901").form == "association"
    for form in ("scic", "SCIC SAS", "scic_sarl", "Scic SA"):
        assert plan_for(form).fee_income.number == "706"
    assert ASSOCIATION.fee_income.label == "Cotisations sans contrepartie"
    assert ASSOCIATION.fee_income.reference.startswith("Règlement ANC n° 2018-06")
    assert (ASSOCIATION.calls_journal.code, ASSOCIATION.bank_journal.code) == ("CO", "BQ")


def test_a_legal_form_without_a_plan_is_refused_in_french() -> None:
    with pytest.raises(InvalidInput) as refused:
        plan_for("SARL")
    assert refused.value.field == "organisation.legal_form"
    assert "aucun plan de comptes" in refused.value.message


def plan_text(old: str = "", new: str = "") -> AccountPlans:
    text = PLAN_FILE.read_text(encoding="utf-8")
    if old:
        assert text.count(old) == 1
        text = text.replace(old, new)
    return parse_account_plan_text(text, "comptabilite.yaml")


@pytest.mark.parametrize(
    ("old", "new", "path", "reason"),
    [
        (
            'number: "7561"',
            'number: "6561"',
            "forms.association.accounts.fee_income.number",
            "classe 7",
        ),
        ('number: "706"', "number: 70-6", "forms.scic.accounts.fee_income.number", "illisible"),
        ("    code: BQ", "    code: CO", "journals.bank.code", "déjà pris"),
        ("  calls:\n    code: CO", "  call:\n    code: CO", "journals.call", "clé inconnue"),
        ("      capital_called:", "      capital_calld:", "forms.scic.accounts.capital_calld", ""),
        (
            "        label: Adhérents",
            "        label: A|B",
            "forms.association.accounts.receivable.label",
            "barre",
        ),
    ],
)
def test_a_bad_plan_file_names_the_key_and_the_reason(
    old: str, new: str, path: str, reason: str
) -> None:
    with pytest.raises(RuleError) as bad:
        plan_text(old, new)
    assert bad.value.path == path
    assert reason in bad.value.reason
    assert bad.value.source == "comptabilite.yaml"


def test_capital_accounts_go_in_pairs() -> None:
    text = PLAN_FILE.read_text(encoding="utf-8")
    start = text.index("      capital_called:")
    end = text.index("      bank:", start)
    with pytest.raises(RuleError) as bad:
        parse_account_plan_text(text[:start] + text[end:], "comptabilite.yaml")
    assert bad.value.path == "forms.scic.accounts.capital_called"


def test_the_repository_plan_reads_without_error() -> None:
    read = plan_text()
    for form in ("association", "scic"):
        mine, default = getattr(read, form), getattr(PLANS, form)
        assert (mine.receivable, mine.fee_income, mine.bank) == (
            default.receivable,
            default.fee_income,
            default.bank,
        )
    assert PLANS.association.capital_receivable is None
    assert PLANS.scic.capital_receivable is not None
