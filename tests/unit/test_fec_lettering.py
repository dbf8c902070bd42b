"""The FEC an accountant can use: lettering from the allocations, 7561 or 7562 as the schedule
says, deferred income (487) and capital (4562, 1012, 1013) on request, the encodings article
A47 A-1 (XII) allows with every transliteration listed, and the description note.

Each amount can be checked by hand: a call of 200,00 € paid by two payments of 120,00 € and
80,00 € gives three lines on the member's 411 that sum to zero, and share one letter.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gouvernance.domain.calls.accounting import (
    AccountPlan,
    FecContext,
    FecLine,
    FecOptions,
    check_balanced,
    encode_fec_reporting,
    fec_lines,
    fec_notice,
    letter_code,
    load_account_plans,
    render_fec,
)
from gouvernance.domain.calls.model import (
    Allocation,
    Call,
    CallBatch,
    CallKind,
    CreditNote,
    Payment,
    PaymentMethod,
    Refund,
)
from gouvernance.domain.errors import InvalidInput
from gouvernance.domain.fees.documents import parse_schedule_text
from gouvernance.domain.fees.schedule import RuleError

PLANS = load_account_plans()
ASSOCIATION = PLANS.plan_for("association")
SCIC = PLANS.plan_for("SCIC SA")
START, END = date(2027, 1, 1), date(2027, 12, 31)
AT = datetime(2027, 1, 15, 9, 0)


def batch(
    number: int,
    fiscal_year: int = 2027,
    source_text: str = "",
    kind: CallKind = CallKind.FEE,
) -> CallBatch:
    return CallBatch(
        reference=f"LOT-{fiscal_year}-{number:02d}",
        kind=kind,
        fiscal_year=fiscal_year,
        source_id="demo",
        source_label="Barème",
        source_text=source_text,
        source_hash="",
        decision="AG",
        issued_on=date(2027, 1, 15),
        due_on=date(2027, 3, 31),
        issued_by="tresorier",
        issued_at=AT,
        call_count=1,
        total_cents=0,
        id=number,
    )


PLAIN = batch(1)
WITH_COUNTERPART = batch(2, source_text="id: adherents\ncounterpart: true\nfiscal_year: 2027\n")
NEXT_YEAR = batch(3, fiscal_year=2028, source_text="id: n1\nfiscal_year: 2028\n")
CAPITAL = batch(4, kind=CallKind.CAPITAL)
BATCHES = [PLAIN, WITH_COUNTERPART, NEXT_YEAR, CAPITAL]


def call(
    number: int,
    cents: int,
    member: str = "ABEILLE",
    on: date = date(2027, 1, 15),
    of: CallBatch = PLAIN,
) -> Call:
    return Call(
        reference=f"{of.kind.prefix}-{of.fiscal_year}-{number:04d}",
        batch_id=of.id or 0,
        number=number,
        kind=of.kind,
        fiscal_year=of.fiscal_year,
        member_code=member,
        member_name=member.capitalize(),
        cents=cents,
        issued_on=on,
        due_on=date(2027, 3, 31),
        basis="{}",
    )


def payment(
    number: int, cents: int, member: str = "ABEILLE", on: date = date(2027, 2, 10)
) -> Payment:
    return Payment(
        reference=f"RG-2027-{number:04d}",
        member_code=member,
        cents=cents,
        received_on=on,
        method=PaymentMethod.TRANSFER,
        bank_reference="",
        recorded_by="tresorier",
        recorded_at=AT,
    )


def part(paid: Payment, settled: Call, cents: int, on: date | None = None) -> Allocation:
    return Allocation(
        paid.reference, settled.reference, paid.member_code, cents, on or paid.received_on
    )


def lines(
    calls: list[Call],
    payments: list[Payment] = [],  # noqa: B006 — never mutated
    parts: list[Allocation] = [],  # noqa: B006
    credits: list[CreditNote] = [],  # noqa: B006
    refunds: list[Refund] = [],  # noqa: B006
    plan: AccountPlan = ASSOCIATION,
    options: FecOptions | None = None,
    start: date = START,
    end: date = END,
) -> list[FecLine]:
    return fec_lines(
        plan, BATCHES, calls, credits, payments, start, end,
        refunds=refunds, allocations=parts, options=options,
    )  # fmt: skip


def lettering(found: list[FecLine]) -> list[tuple[str, str, int, int, str, str]]:
    return [
        (line.piece_ref, line.compte_num, line.debit, line.credit, line.ecriture_let,
         line.date_let.isoformat() if line.date_let else "")
        for line in found
    ]  # fmt: skip


# --------------------------------------------------------------------------------------------
# Lettering


def test_a_call_settled_by_two_payments_shares_one_letter_dated_the_last_payment() -> None:
    due = call(1, 20000)
    first, second = payment(1, 12000), payment(2, 8000, on=date(2027, 3, 2))
    found = lines([due], [first, second], [part(first, due, 12000), part(second, due, 8000)])
    assert lettering(found) == [
        ("AC-2027-0001", "411000", 20000, 0, "AAA", "2027-03-02"),
        ("AC-2027-0001", "7561", 0, 20000, "", ""),
        ("RG-2027-0001", "512", 12000, 0, "", ""),
        ("RG-2027-0001", "411000", 0, 12000, "AAA", "2027-03-02"),
        ("RG-2027-0002", "512", 8000, 0, "", ""),
        ("RG-2027-0002", "411000", 0, 8000, "AAA", "2027-03-02"),
    ]


def test_a_call_paid_in_part_stays_unlettered() -> None:
    due = call(1, 20000)
    paid = payment(1, 8000)
    found = lines([due], [paid], [part(paid, due, 8000)])
    assert all(line.ecriture_let == "" and line.date_let is None for line in found)


def test_each_member_gets_its_own_letter_and_lettered_lines_always_sum_to_zero() -> None:
    abeille, bruyere = call(1, 20000), call(2, 30000, member="BRUYERE")
    pay_a, pay_b = payment(1, 20000), payment(2, 30000, member="BRUYERE")
    found = lines(
        [abeille, bruyere],
        [pay_a, pay_b],
        [part(pay_a, abeille, 20000), part(pay_b, bruyere, 30000)],
    )
    letters = {(line.comp_aux_num, line.ecriture_let) for line in found if line.ecriture_let}
    assert letters == {("ABEILLE", "AAA"), ("BRUYERE", "AAB")}
    for code in ("AAA", "AAB"):
        group = [line for line in found if line.ecriture_let == code]
        assert sum(line.debit - line.credit for line in group) == 0


def test_a_credit_note_and_an_overpayment_refunded_letter_with_their_call() -> None:
    due = call(1, 20000)
    note = CreditNote("AV-2027-0001", due.reference, "ABEILLE", 5000, "erreur", date(2027, 2, 1),
                      "tresorier", AT)  # fmt: skip
    paid = payment(1, 20000)
    back = Refund("RB-2027-0001", "ABEILLE", 5000, date(2027, 3, 1), PaymentMethod.TRANSFER, "",
                  "trop-perçu", "tresorier", AT)  # fmt: skip
    found = lines([due], [paid], [part(paid, due, 15000)], [note], [back])
    receivable = [line for line in found if line.compte_num == "411000"]
    assert {line.ecriture_let for line in receivable} == {"AAA"}
    assert {line.date_let for line in receivable} == {date(2027, 3, 1)}
    check_balanced(found)


def test_a_credit_used_later_letters_on_the_day_of_the_allocation() -> None:
    # paid on 10/02 before any call, the credit settles the call issued on 15/03 on 20/04
    due = call(1, 5000, on=date(2027, 3, 15))
    paid = payment(1, 5000)
    found = lines([due], [paid], [part(paid, due, 5000, on=date(2027, 4, 20))])
    receivable = [line for line in found if line.compte_num == "411000"]
    assert {(line.ecriture_let, line.date_let) for line in receivable} == {
        ("AAA", date(2027, 4, 20))
    }
    before = lines([due], [paid], [part(paid, due, 5000, on=date(2027, 4, 20))],
                   end=date(2027, 3, 31))  # fmt: skip
    assert all(line.ecriture_let == "" for line in before)  # not yet settled at that end


def test_letter_codes_run_aaa_aab_and_on() -> None:
    assert [letter_code(n) for n in (1, 2, 26, 27, 676, 677)] == [
        "AAA", "AAB", "AAZ", "ABA", "AZZ", "BAA",
    ]  # fmt: skip


# --------------------------------------------------------------------------------------------
# 7561 or 7562 as the schedule says


def test_a_schedule_with_a_counterpart_books_its_fees_in_7562_the_others_in_7561() -> None:
    found = lines([call(1, 10000), call(2, 4000, of=WITH_COUNTERPART)])
    income = {line.piece_ref: line.compte_num for line in found if line.credit}
    assert income == {"AC-2027-0001": "7561", "AC-2027-0002": "7562"}
    labels = {line.compte_num: line.compte_lib for line in found}
    assert labels["7562"] == "Cotisations avec contrepartie"


def test_a_scic_keeps_706_whatever_the_schedule_says() -> None:
    found = lines([call(2, 4000, of=WITH_COUNTERPART)], plan=SCIC)
    assert [line.compte_num for line in found] == ["411000", "706"]


def test_the_schedule_field_counterpart_is_read_and_checked() -> None:
    base = "id: s\nlabel: S\nfiscal_year: 2027\nfee: {amount: '10,00'}\n"
    assert parse_schedule_text(base, "s.yaml").counterpart is False
    assert parse_schedule_text(base + "counterpart: true\n", "s.yaml").counterpart is True
    with pytest.raises(RuleError) as wrong:
        parse_schedule_text(base + "counterpart: parfois\n", "s.yaml")
    assert "counterpart" in str(wrong.value) and "7562" in str(wrong.value)


# --------------------------------------------------------------------------------------------
# Deferred income


def test_fees_called_in_december_for_next_year_go_to_487_on_request() -> None:
    early = call(1, 40000, on=date(2027, 12, 10), of=NEXT_YEAR)
    this_year = call(2, 10000)
    assert not any(line.compte_num == "487" for line in lines([early, this_year]))
    found = lines([early, this_year], options=FecOptions(defer_next_year=True))
    deferral = [line for line in found if line.piece_ref == "PCA-20271231"]
    assert [(d.compte_num, d.debit, d.credit, d.ecriture_date) for d in deferral] == [
        ("7561", 40000, 0, END),
        ("487", 0, 40000, END),
    ]
    check_balanced(found)


def test_next_period_takes_the_deferred_fees_back_on_its_first_day() -> None:
    early = call(1, 40000, on=date(2027, 12, 10), of=NEXT_YEAR)
    found = lines(
        [early], options=FecOptions(defer_next_year=True),
        start=date(2028, 1, 1), end=date(2028, 12, 31),
    )  # fmt: skip
    assert [(d.compte_num, d.debit, d.credit, d.ecriture_date) for d in found] == [
        ("487", 40000, 0, date(2028, 1, 1)),
        ("7561", 0, 40000, date(2028, 1, 1)),
    ]


def test_a_fee_period_straddling_the_year_end_is_deferred_by_the_days_left() -> None:
    straddling = batch(5, source_text="period: {start: 2027-07-01, end: 2028-06-30}\n")
    due = replace(call(1, 36500), batch_id=5)
    found = fec_lines(
        ASSOCIATION, [*BATCHES, straddling], [due], [], [], START, END,
        options=FecOptions(defer_next_year=True),
    )  # fmt: skip
    deferred = next(line for line in found if line.compte_num == "487")
    # 182 days of 366 after 31/12/2027: 36 500 × 182 / 366 = 18 150,27… → 181,50 €
    assert deferred.credit == 18150


# --------------------------------------------------------------------------------------------
# Capital


def test_capital_paid_moves_from_411_to_4562_and_from_1012_to_1013_and_letters() -> None:
    shares = call(1, 5000, of=CAPITAL)
    paid = payment(1, 5000)
    found = lines([shares], [paid], [part(paid, shares, 5000)], plan=SCIC,
                  options=FecOptions(include_capital=True))  # fmt: skip
    moves = [(line.compte_num, line.debit, line.credit, line.ecriture_let) for line in found]
    assert moves == [
        ("4562", 5000, 0, "AAA"),
        ("1012", 0, 5000, ""),
        ("512", 5000, 0, ""),
        ("411000", 0, 5000, "AAA"),
        ("411000", 5000, 0, "AAA"),
        ("4562", 0, 5000, "AAA"),
        ("1012", 5000, 0, ""),
        ("1013", 0, 5000, ""),
    ]
    without = lines([shares], [paid], [part(paid, shares, 5000)], plan=SCIC)
    assert {line.compte_num for line in without} == {"512", "411000"}


def test_a_plan_without_1013_refuses_capital_paid_naming_the_key() -> None:
    shares, paid = call(1, 5000, of=CAPITAL), payment(1, 5000)
    bare = replace(SCIC, capital_paid=None)
    with pytest.raises(InvalidInput, match="capital_paid"):
        lines([shares], [paid], [part(paid, shares, 5000)], plan=bare,
              options=FecOptions(include_capital=True))  # fmt: skip


# --------------------------------------------------------------------------------------------
# Encodings and the note


def test_latin9_and_ascii_transliterate_and_list_every_substitution() -> None:
    text = render_fec(lines([call(1, 100, member="ŁÓDŹ—ŐRS")]))
    latin, changes = encode_fec_reporting(text, "iso-8859-15")
    assert "?" not in latin.decode("iso-8859-15")
    assert {(c.character, c.replacement) for c in changes} >= {("Ł", "L"), ("Ő", "O"), ("—", "-")}
    assert all(c.count >= 1 for c in changes)
    ascii_bytes, ascii_changes = encode_fec_reporting("Société €", "ascii")
    assert ascii_bytes == b"Societe EUR"
    assert [(c.character, c.replacement) for c in ascii_changes] == [("é", "e"), ("€", "EUR")]
    assert encode_fec_reporting("Société", "utf-8") == ("Société".encode(), ())


def test_ebcdic_is_refused_naming_the_three_encodings_a47_a1_allows() -> None:
    with pytest.raises(InvalidInput) as refused:
        FecOptions(encoding="cp500")
    assert refused.value.field == "encoding"
    assert "EBCDIC" in refused.value.message and "ISO 8859-15" in refused.value.message
    assert FecOptions(encoding="Latin-9").encoding == "iso-8859-15"


def test_the_note_says_what_the_file_holds_and_what_was_transliterated() -> None:
    due = call(1, 20000, member="ŁUKASZ")
    paid = payment(1, 20000, member="ŁUKASZ")
    options = FecOptions(encoding="iso-8859-15", defer_next_year=True)
    found = lines([due], [paid], [part(paid, due, 20000)], options=options)
    _, changes = encode_fec_reporting(render_fec(found), options.encoding)
    context = FecContext("552100554-extrait-FEC-20270101-20271231.txt", "PTCE du Vallon",
                         "552100554", START, END, date(2028, 1, 5), "journal n° 12")  # fmt: skip
    note = fec_notice(context, ASSOCIATION, found, options, changes)
    assert note.startswith("Notice descriptive du fichier 552100554-extrait-FEC-")
    assert "Extrait des écritures" in note and "pas le fichier des écritures comptables" in note
    assert "du 01/01/2027 au 31/12/2027" in note
    assert "encodage ISO 8859-15" in note
    assert "débit 400,00 €, crédit 400,00 € (équilibré)" in note
    assert "4 lignes lettrées" not in note and "2 lignes lettrées" in note
    assert "Produits constatés d'avance (487) : oui" in note
    assert "« Ł » (U+0141) → « L »" in note
    assert "7561 Cotisations sans contrepartie : 1 ligne" in note


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["ABEILLE", "BRUYERE"]), st.integers(1, 50_000)),
             min_size=1, max_size=5),
    st.lists(st.tuples(st.integers(0, 4), st.integers(1, 60_000), st.integers(0, 100)),
             max_size=6),
)  # fmt: skip
def test_for_any_allocations_each_letter_sums_to_zero_on_one_member_account(
    calls_drawn: list[tuple[str, int]], payments_drawn: list[tuple[int, int, int]]
) -> None:
    issued = [call(n, cents, member=m) for n, (m, cents) in enumerate(calls_drawn, start=1)]
    left = {c.reference: c.cents for c in issued}
    paid: list[Payment] = []
    parts: list[Allocation] = []
    for number, (target, cents, share) in enumerate(payments_drawn, start=1):
        settled = issued[target % len(issued)]
        received = payment(number, cents, member=settled.member_code)
        paid.append(received)
        part_cents = min(left[settled.reference], cents * share // 100)
        if part_cents:
            left[settled.reference] -= part_cents
            parts.append(part(received, settled, part_cents))
    found = lines(issued, paid, parts)
    check_balanced(found)
    letters: dict[tuple[str, str], list[FecLine]] = {}
    for line in found:
        if line.ecriture_let:
            letters.setdefault((line.compte_num, line.ecriture_let), []).append(line)
    for group in letters.values():
        assert sum(line.debit - line.credit for line in group) == 0
        assert len({line.comp_aux_num for line in group}) == 1
        assert all(line.date_let is not None for line in group)
