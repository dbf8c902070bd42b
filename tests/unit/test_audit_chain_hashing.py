"""The audit log's hash chain, without a database: the documented canonical form, a chain that
verifies, and each way it can break named at the right entry; the head as documents print it;
an accounting file carrying the head (XLSX sheet « Journal », SEPA comment)."""

from __future__ import annotations

import hashlib
import io
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from sepaxml.validation import try_valid_xml

from gouvernance.domain.audit import (
    GENESIS,
    AuditEntry,
    Break,
    ChainHead,
    ChainReport,
    check_held,
    entry_digest,
    seal,
    verify_chain,
)
from gouvernance.domain.calls.model import Call, CallKind, Mandate
from gouvernance.domain.errors import InvalidInput
from gouvernance.domain.organisation import Organisation
from gouvernance.services.audit_chain import parse_head
from gouvernance.services.ledger.call_exports import (
    JOURNAL_SHEET,
    SEPA_SCHEMA,
    calls_csv,
    calls_xlsx,
    sepa_debit,
    sepa_direct_debit,
)

NNBSP = "\u202f"
DIGEST = "9f3a5c0d12345678" + "ab" * 24


def entry(n: int, action: str = "membre.créé") -> AuditEntry:
    return AuditEntry(
        at=datetime(2026, 12, 7, 9, 33, 12, n, tzinfo=UTC),
        actor="admin",
        action=action,
        entity="member",
        entity_key=f"M{n:04d}",
        detail='{"nom": "Élodie"}',
    )


def chained(count: int) -> list[AuditEntry]:
    entries = [entry(n) for n in range(1, count + 1)]
    seal(entries, 0, GENESIS)
    return entries


def test_the_digest_is_the_sha256_of_the_documented_canonical_form() -> None:
    """The JSON array written by hand, as docs/architecture.md describes it: a script that does
    not import Gouvernance recomputes the same digest."""
    paris = datetime(2026, 12, 7, 9, 33, 12, tzinfo=ZoneInfo("Europe/Paris"))
    first = AuditEntry(paris, "admin", "membre.créé", "member", "M0001", '{"nom": "Élodie"}', 1)
    by_hand = (
        '[1,"2026-12-07T08:33:12.000000Z","admin","membre.créé","member","M0001",'
        '"{\\"nom\\": \\"Élodie\\"}","' + "0" * 64 + '"]'
    )
    assert GENESIS == "0" * 64
    assert entry_digest(first, GENESIS) == hashlib.sha256(by_hand.encode("utf-8")).hexdigest()


def test_sealed_entries_are_numbered_after_the_head_and_each_names_the_one_before() -> None:
    entries = [entry(8), entry(9)]
    seal(entries, 7, DIGEST)
    assert [e.id for e in entries] == [8, 9]
    assert entries[0].previous_digest == DIGEST
    assert entries[1].previous_digest == entries[0].digest
    assert entries[1].digest == entry_digest(entries[1], entries[0].digest)


def test_an_untouched_chain_is_intact_and_gives_its_head() -> None:
    entries = chained(1234)
    report = verify_chain(entries)
    assert report.intact
    assert report.count == 1234
    assert report.head == ChainHead(1234, entries[-1].digest)
    assert report.message == (
        f"journal intègre : 1{NNBSP}234 entrées, tête n° 1{NNBSP}234, empreinte "
        f"{entries[-1].digest[:16]}…"
    )


def test_an_empty_log_is_intact() -> None:
    assert verify_chain([]) == ChainReport(0, None, None)
    assert verify_chain([]).message == "journal intègre : aucune entrée"


def test_an_entry_edited_afterwards_is_named() -> None:
    entries = chained(10)
    entries[6].actor = "quelqu'un d'autre"
    report = verify_chain(entries)
    assert report.broken is not None
    assert (report.broken.kind, report.broken.number) == (Break.MODIFIED, 7)
    assert report.message == (
        "l'entrée n° 7 ne correspond plus à son empreinte : modifiée après coup"
    )
    assert report.count == 6


def test_an_entry_rewritten_with_a_new_digest_breaks_the_link_to_the_next_one() -> None:
    entries = chained(10)
    entries[6].detail = "{}"
    entries[6].digest = entry_digest(entries[6], entries[6].previous_digest)
    broken = verify_chain(entries).broken
    assert broken is not None
    assert (broken.kind, broken.number) == (Break.LINK, 8)
    assert broken.message == (
        "l'entrée n° 8 ne suit plus l'entrée n° 7 : chaînon rompu (l'une des deux a été "
        "réécrite après coup)"
    )


@pytest.mark.parametrize(
    ("deleted", "message"),
    [
        ([5], "l'entrée n° 5 manque : supprimée après coup"),
        ([5, 6, 7], "les entrées n° 5 à 7 manquent : supprimées après coup"),
        ([1], "l'entrée n° 1 manque : supprimée après coup"),
    ],
)
def test_deleted_entries_are_named(deleted: list[int], message: str) -> None:
    entries = [e for e in chained(10) if e.id not in deleted]
    broken = verify_chain(entries).broken
    assert broken is not None
    assert (broken.kind, broken.number, broken.message) == (Break.MISSING, deleted[0], message)


def test_a_deleted_entry_whose_follower_was_relinked_names_the_follower_and_the_hole() -> None:
    entries = chained(10)
    del entries[4]  # n° 5
    entries[4].previous_digest = entries[3].digest  # n° 6 made to follow n° 4
    broken = verify_chain(entries).broken
    assert broken is not None
    assert (broken.kind, broken.number) == (Break.MODIFIED, 6)
    assert broken.message == (
        "l'entrée n° 6 ne correspond plus à son empreinte : modifiée après coup (le n° 5, juste "
        "avant, absent du journal)"
    )


def test_an_entry_edited_after_an_old_hole_is_named_as_edited() -> None:
    entries = [entry(1), entry(2), entry(5)]
    previous = GENESIS
    for number, item in zip((1, 2, 5), entries, strict=True):
        item.id = number
        item.previous_digest, item.digest = previous, entry_digest(item, previous)
        previous = item.digest
    entries[2].actor = "quelqu'un d'autre"
    broken = verify_chain(entries).broken
    assert broken is not None
    assert (broken.kind, broken.number) == (Break.MODIFIED, 5)


def test_holes_older_than_the_chain_are_accepted_when_the_link_across_them_holds() -> None:
    """A log chained by the migration keeps the numbers PostgreSQL skipped before (a rolled
    back transaction): the chain spans them."""
    entries = [entry(1), entry(2), entry(5)]
    for number, item in zip((1, 2, 5), entries, strict=True):
        item.id = number
    previous = GENESIS
    for item in entries:
        item.previous_digest, item.digest = previous, entry_digest(item, previous)
        previous = item.digest
    report = verify_chain(entries)
    assert report.intact
    assert report.head == ChainHead(5, previous)


def test_the_head_reads_as_printed_on_a_document() -> None:
    head = ChainHead(1234, DIGEST)
    assert head.text == f"journal n° 1{NNBSP}234, empreinte 9f3a5c0d12345678…"
    assert head.header == f"1234 {DIGEST}"


@pytest.mark.parametrize(
    "printed",
    [
        "1234:9f3a5c0d12345678",
        "1234 9f3a5c0d12345678",
        f"journal n° 1{NNBSP}234, empreinte 9f3a5c0d12345678…",
        "journal n° 1 234, empreinte 9F3A5C0D12345678...",
        f"1234 {DIGEST}",
        f"1 234:{DIGEST}",
    ],
)
def test_a_printed_head_is_read_back_in_each_form_it_is_given(printed: str) -> None:
    head = parse_head(printed)
    assert head.number == 1234
    assert DIGEST.startswith(head.digest)


def test_a_digest_that_starts_with_digits_is_not_taken_for_thousands() -> None:
    """The HTTP header gives « 208 959a… »: 208, then the 64 digits."""
    digest = "959" + DIGEST[3:]
    assert parse_head(f"208 {digest}") == ChainHead(208, digest)


@pytest.mark.parametrize("typed", ["", "bla", "1234", "1234:9f3a5c0d", "1234:xyz0000000000000"])
def test_something_else_than_a_head_is_refused_in_french(typed: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_head(typed)
    assert "n'est pas une tête de journal" in refused.value.message
    assert refused.value.field == "head"


def test_a_held_head_is_found_again_or_the_rewrite_is_named() -> None:
    entries = chained(20)
    report = verify_chain(entries)
    held = ChainHead(12, entries[11].digest[:16])
    assert check_held(report, held, entries[11]) is None
    rewritten = replace(entries[11], digest="0" * 64)
    assert check_held(report, held, rewritten) == (
        "l'entrée n° 12 n'a plus l'empreinte imprimée sur le document : le journal a été "
        "réécrit depuis"
    )
    assert check_held(report, ChainHead(25, "0" * 16), None) == (
        "l'entrée n° 25 imprimée sur un document n'est plus dans le journal"
    )


# --- The head on the accounting files ---------------------------------------------------------


def test_the_xlsx_export_keeps_its_table_and_gives_the_head_on_a_sheet_journal() -> None:
    book = openpyxl.load_workbook(io.BytesIO(calls_xlsx([], ChainHead(1234, DIGEST))))
    assert book.sheetnames == ["Appels", JOURNAL_SHEET]
    assert book.active is not None and book.active.max_row == 1  # the headers, as before
    cells = {row[0]: row[1] for row in book[JOURNAL_SHEET].iter_rows(values_only=True)}
    assert cells["Entrée n°"] == 1234
    assert cells["Empreinte (SHA-256)"] == DIGEST
    assert cells["Vérifier"] == "gouvernance audit verify --head 1234:9f3a5c0d12345678"


def test_the_csv_export_holds_nothing_but_its_table() -> None:
    assert len(calls_csv([]).decode("utf-8-sig").splitlines()) == 1


def test_the_sepa_file_carries_the_head_in_a_comment_and_stays_valid() -> None:
    organisation = Organisation(
        name="Pôle Coopératif du Vallon", legal_form="association",
        iban="FR7630006000011234567890189", bic="AGRIFRPP", sepa_creditor_id="FR72ZZZ123456",
    )  # fmt: skip
    call = Call(
        reference="AC-2027-0001", batch_id=1, number=1, kind=CallKind.FEE, fiscal_year=2027,
        member_code="M0001", member_name="Ressourcerie", cents=12000,
        issued_on=date(2027, 1, 15), due_on=date(2027, 3, 31), basis="{}",
    )  # fmt: skip
    mandate = Mandate(
        member_code="M0001", mandate_id="RUM-M0001-01", signed_on=date(2026, 11, 2),
        iban="DE89370400440532013000", bic="COBADEFFXXX", debtor_name="Société d'Été",
    )  # fmt: skip
    content = sepa_direct_debit(
        organisation, [sepa_debit(mandate, call, 12000)], date(2027, 2, 15), "PRLV-2027-02-15",
        created_at=datetime(2027, 2, 10, 9, 0), journal=ChainHead(1234, DIGEST),
    )  # fmt: skip
    comment = (
        f"<!-- Gouvernance, journal d'audit a l'export : entree n. 1234, empreinte {DIGEST} -->"
    )
    assert content.startswith(b"<?xml")
    assert content.splitlines()[1].decode("ascii") == comment
    try_valid_xml(content, SEPA_SCHEMA)
    assert ET.fromstring(content).tag.endswith("Document")
