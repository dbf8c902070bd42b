"""SEPA direct debits without a database: the file validates against the ISO 20022 XSD vendored in
tests/xsd (.08 by default, .02 on request), the collection date is a TARGET2 business day far
enough ahead, a BIC no bank carries is refused, FRST then RCUR follow the mandate's history."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import xmlschema
from hypothesis import given, settings
from hypothesis import strategies as st
from sepa_xsd import debits as read_debits
from sepa_xsd import schema, validate

from gouvernance.domain.audit import ChainHead
from gouvernance.domain.calls.model import Call, CallKind, Mandate
from gouvernance.domain.calls.sepa import (
    LEAD_DAYS,
    SCHEMA_02,
    SCHEMA_08,
    DebitReturn,
    ReturnKind,
    SentDebit,
    add_business_days,
    check_collection_date,
    check_schema,
    is_business_day,
    pending,
    stops_mandate,
    used_mandates,
)
from gouvernance.domain.errors import InvalidInput
from gouvernance.domain.organisation import Organisation
from gouvernance.services.ledger.call_exports import known_bic, sepa_debit, sepa_direct_debit

ORGANISATION = Organisation(
    name="Pôle Coopératif du Vallon", legal_form="association",
    iban="FR7630006000011234567890189", bic="AGRIFRPP", sepa_creditor_id="FR72ZZZ123456",
)  # fmt: skip
FRIDAY = date(2027, 1, 15)


def a_call(number: int, cents: int, member: str = "M0001") -> Call:
    return Call(
        reference=f"AC-2027-{number:04d}", batch_id=1, number=number, kind=CallKind.FEE,
        fiscal_year=2027, member_code=member, member_name="Société d'Été", cents=cents,
        issued_on=date(2027, 1, 15), due_on=date(2027, 3, 31), basis="{}",
    )  # fmt: skip


def a_mandate(member: str = "M0001", bic: str = "COBADEFFXXX") -> Mandate:
    return Mandate(
        member_code=member, mandate_id=f"RUM-{member}-01", signed_on=date(2026, 11, 2),
        iban="DE89370400440532013000", bic=bic, debtor_name="Société d'Été",
    )  # fmt: skip


def a_file(schema_name: str = SCHEMA_08, bic: str = "COBADEFFXXX") -> bytes:
    return sepa_direct_debit(
        ORGANISATION,
        [
            sepa_debit(a_mandate(bic=bic), a_call(1, 12000), 12000, first=True),
            sepa_debit(a_mandate("M0002", ""), a_call(2, 3050, "M0002"), 3050),
        ],
        date(2027, 2, 15),
        "GV-20270215-0123456789ab",
        created_at=datetime(2027, 2, 10, 9, 0, tzinfo=UTC),
        journal=ChainHead(42, "a" * 64),
        schema=schema_name,
    )


# --- The file against the XSD -----------------------------------------------------------------


@pytest.mark.parametrize("schema_name", [SCHEMA_08, SCHEMA_02])
def test_the_file_validates_against_the_iso_20022_xsd_of_its_version(schema_name: str) -> None:
    content = a_file(schema_name)
    assert validate(content) == schema_name
    assert b"<!-- Gouvernance, journal d'audit a l'export : entree n. 42" in content
    read = read_debits(content)
    assert [(d.end_to_end, d.sequence, str(d.amount)) for d in read] == [
        ("AC-2027-0001", "FRST", "120.00"),
        ("AC-2027-0002", "RCUR", "30.50"),
    ]


def test_the_default_file_is_pain_008_001_08_with_bicfi_agents() -> None:
    content = a_file().decode()
    assert 'xmlns="urn:iso:std:iso:20022:tech:xsd:pain.008.001.08"' in content
    assert "<BICFI>COBADEFFXXX</BICFI>" in content and "<BIC>" not in content


def test_a_file_whose_content_breaks_the_xsd_is_caught_by_the_vendored_schema() -> None:
    broken = a_file().replace(b"<SeqTp>FRST</SeqTp>", b"<SeqTp>FIRST</SeqTp>")
    with pytest.raises(xmlschema.XMLSchemaValidationError, match="FIRST"):
        schema(SCHEMA_08).validate(broken.decode())


def test_an_unknown_schema_is_refused_naming_the_two_offered() -> None:
    assert check_schema("02") == SCHEMA_02 and check_schema(None) == SCHEMA_08
    with pytest.raises(InvalidInput, match=r"pain\.008\.001\.08 \(par défaut\) ou") as refused:
        check_schema("pain.008.001.05")
    assert refused.value.field == "schema"


# --- BIC ----------------------------------------------------------------------------------------


def test_a_well_formed_bic_that_no_bank_carries_is_refused_naming_the_member() -> None:
    assert not known_bic("ZZZZFRPP") and known_bic("BNPAFRPP") and known_bic("COBADEFFXXX")
    with pytest.raises(InvalidInput, match="M0001 : BIC « ZZZZFRPP » inconnu") as refused:
        a_file(bic="ZZZZFRPP")
    assert refused.value.field == "mandates[M0001].bic"


# --- The TARGET2 calendar -----------------------------------------------------------------------


def test_a_sunday_is_refused_in_french_with_the_next_business_day() -> None:
    with pytest.raises(InvalidInput) as refused:
        check_collection_date(date(2027, 2, 7), FRIDAY)
    assert refused.value.message == (
        "date de prélèvement refusée : le 07/02/2027 est un dimanche, pas un jour ouvré "
        "TARGET2 ; prochain jour ouvré possible : lundi 08/02/2027"
    )
    assert refused.value.field == "collection_date"


def test_tomorrow_is_too_close_and_the_first_day_the_bank_takes_is_given() -> None:
    monday = date(2027, 2, 1)
    with pytest.raises(InvalidInput, match=r"trop proche.*mercredi 03/02/2027"):
        check_collection_date(monday + timedelta(days=1), monday)
    assert check_collection_date(date(2027, 2, 3), monday) == date(2027, 2, 3)


def test_the_target2_closing_days_are_refused_by_name() -> None:
    with pytest.raises(InvalidInput, match=r"fermeture de TARGET2 \(Vendredi saint\).*mardi"):
        check_collection_date(date(2027, 3, 26), FRIDAY)  # Good Friday, then Easter Monday
    with pytest.raises(InvalidInput, match=r"\(Noël\).*lundi 28/12/2026"):
        check_collection_date(date(2026, 12, 25), date(2026, 12, 1))
    assert not is_business_day(date(2027, 5, 1)) and is_business_day(date(2027, 5, 3))
    assert add_business_days(date(2026, 12, 24), 1) == date(2026, 12, 28)


@settings(max_examples=40, deadline=None)
@given(st.dates(date(2026, 1, 1), date(2030, 12, 31)), st.integers(0, 60))
def test_a_refused_date_always_comes_with_a_later_day_that_is_accepted(
    today: date, ahead: int
) -> None:
    asked = today + timedelta(days=ahead)
    try:
        accepted = check_collection_date(asked, today)
    except InvalidInput as refused:
        day = datetime.strptime(refused.message.rsplit(" ", 1)[-1], "%d/%m/%Y").date()
        assert day > asked
        assert check_collection_date(day, today) == day
    else:
        assert is_business_day(accepted)
        assert accepted >= add_business_days(today, LEAD_DAYS)


# --- Sequence and returns -----------------------------------------------------------------------


def sent(call: str, rum: str = "RUM-1", file: str = "F1") -> SentDebit:
    return SentDebit(file, call, "M0001", rum, 1000, "FRST", date(2027, 2, 5), FRIDAY)


def came_back(call: str, kind: ReturnKind, file: str = "F1", reason: str = "AM04") -> DebitReturn:
    return DebitReturn(
        file, call, "M0001", "RUM-1", kind, reason, date(2027, 2, 8), "saisie", "t",
        datetime(2027, 2, 8, tzinfo=UTC),
    )  # fmt: skip


def test_a_debit_sent_stays_on_its_way_until_it_comes_back() -> None:
    debits = [sent("AC-1"), sent("AC-2")]
    assert set(pending(debits, [])) == {"AC-1", "AC-2"}
    assert set(pending(debits, [came_back("AC-1", ReturnKind.RETURN)])) == {"AC-2"}
    # sent again in a later file after it came back: on its way again
    again = [*debits, sent("AC-1", file="F2")]
    assert set(pending(again, [came_back("AC-1", ReturnKind.RETURN)])) == {"AC-1", "AC-2"}


def test_a_rejected_first_debit_leaves_the_mandate_unused_a_returned_one_does_not() -> None:
    assert used_mandates([sent("AC-1")], []) == {"RUM-1"}
    assert used_mandates([sent("AC-1")], [came_back("AC-1", ReturnKind.REJECT)]) == set()
    assert used_mandates([sent("AC-1")], [came_back("AC-1", ReturnKind.RETURN)]) == {"RUM-1"}


def test_a_closed_account_stops_the_mandate_insufficient_funds_does_not() -> None:
    assert stops_mandate("ac04") and stops_mandate("MD01") and stops_mandate("MD07")
    assert not stops_mandate("AM04") and not stops_mandate("MS03")
