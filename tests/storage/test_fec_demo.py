"""The FEC of the demo year, read back by readers that are not ours, on both databases.

The demo (PTCE Alpilles Réemploi, an association) has its 2027 calls issued on 15 January 2027
from ``demo-bareme-ca`` (21 calls, 6 871,40 €). MISTRAL pays its 1 262,50 € in full on 1 February,
RESSOURCERIE pays 600,00 € of its 648,90 €. The file is read by the PyPI package ``fec-parser``
(an independent FEC reader: it sniffs the separator, decodes UTF-8 or ISO 8859-15, reads the
amounts) and by the standard ``csv`` module with the 18 column names copied from article
A47 A-1 of the LPF (not from our code), to see the lettering columns that ``fec-parser`` skips.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from fec_parser.parser import FECParser

from gouvernance.bootstrap import Application
from gouvernance.domain.calls.accounting import FecOptions
from gouvernance.domain.calls.model import PaymentMethod
from gouvernance.domain.users import SYSTEM, Actor, Role
from gouvernance.services.ledger import calls, payments, treasury

TREASURER = Actor("tresorier", Role.TREASURER)
# Article A47 A-1 du LPF, I : les 18 champs, dans cet ordre.
OFFICIAL_COLUMNS = [
    "JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib",
    "CompAuxNum", "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit",
    "EcritureLet", "DateLet", "ValidDate", "Montantdevise", "Idevise",
]  # fmt: skip
YEAR = (date(2027, 1, 1), date(2027, 12, 31))
RULES = Path(__file__).resolve().parents[2] / "rules"


@pytest.fixture
def demo_year(
    app: Application, demo_loader: Callable[[str], None], database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> Application:  # fmt: skip
    monkeypatch.setenv("GOUVERNANCE_TODAY", "2027-03-31")
    demo_loader(database_url)
    calls.issue_calls(
        app.uows, SYSTEM, "demo-bareme-ca", issued_on=date(2027, 1, 15),
        due_on=date(2027, 2, 28), exclude_incomplete=True,
    )  # fmt: skip
    for member, cents in (("MISTRAL", 126250), ("RESSOURCERIE", 60000)):
        payments.record_payment(
            app.uows, TREASURER, member, cents, date(2027, 2, 1), PaymentMethod.TRANSFER
        )
    return app


def _official_rows(content: bytes, encoding: str) -> list[dict[str, str]]:
    text = content.decode(encoding)
    assert text.endswith("\r\n")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="|", quoting=csv.QUOTE_NONE)
    header, *rows = list(reader)
    assert header == OFFICIAL_COLUMNS
    assert all(len(row) == 18 for row in rows)
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_the_demo_year_fec_reads_back_balanced_and_lettered(demo_year: Application) -> None:
    fec, notice = treasury.export_fec_files(demo_year.uows, TREASURER, *YEAR)
    assert re.fullmatch(r"\d{9}-extrait-FEC-20270101-20271231\.txt", fec.filename)
    assert notice.filename == fec.filename.removesuffix(".txt") + "-notice.txt"
    entries = list(FECParser.from_bytesio(io.BytesIO(fec.content), fec.filename).get_ecritures())
    debit = sum((entry.debit for entry in entries), Decimal(0))
    credit = sum((entry.credit for entry in entries), Decimal(0))
    assert debit == credit == Decimal("6871.40") + Decimal("1262.50") + Decimal("600.00")
    assert {entry.journal_code for entry in entries} == {"CO", "BQ"}
    rows = _official_rows(fec.content, "utf-8")
    mistral = [r for r in rows if r["CompAuxNum"] == "MISTRAL"]
    assert len(mistral) == 2 and len({r["EcritureLet"] for r in mistral}) == 1
    assert mistral[0]["EcritureLet"] == "AAA" and {r["DateLet"] for r in mistral} == {"20270201"}
    ressourcerie = [r for r in rows if r["CompAuxNum"] == "RESSOURCERIE"]
    assert [r["EcritureLet"] for r in ressourcerie] == ["", ""]  # paid in part: not lettered
    lettered = [r for r in rows if r["EcritureLet"]]
    assert sum(
        Decimal(r["Debit"].replace(",", ".")) - Decimal(r["Credit"].replace(",", "."))
        for r in lettered
    ) == Decimal(0)
    assert {r["CompteNum"] for r in rows} == {"411000", "7561", "512"}
    text = notice.content.decode("utf-8")
    assert "débit 8\u202f733,90 €, crédit 8\u202f733,90 € (équilibré)" in text
    assert "2 lignes lettrées" in text


@pytest.fixture
def called_in_advance(
    app: Application, demo_loader: Callable[[str], None], database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> Application:  # fmt: skip
    """The 2027 fees called on 15 December 2026, in advance."""
    monkeypatch.setenv("GOUVERNANCE_TODAY", "2027-01-10")
    demo_loader(database_url)
    calls.issue_calls(
        app.uows, SYSTEM, "demo-bareme-ca", issued_on=date(2026, 12, 15),
        due_on=date(2027, 1, 31), exclude_incomplete=True,
    )  # fmt: skip
    return app


def test_fees_called_in_2026_for_2027_are_deferred_to_487_then_taken_back(
    called_in_advance: Application,
) -> None:
    options = FecOptions(encoding="iso-8859-15", defer_next_year=True)
    closing, notice = treasury.export_fec_files(
        called_in_advance.uows, TREASURER, date(2026, 1, 1), date(2026, 12, 31), options
    )
    assert closing.media_type == "text/plain; charset=iso-8859-15"
    entries = list(FECParser.from_bytesio(io.BytesIO(closing.content)).get_ecritures())
    assert sum(e.debit for e in entries) == sum(e.credit for e in entries)
    deferred = [e for e in entries if e.compte_num == "487"]
    assert [(e.debit, e.credit, e.ecriture_date) for e in deferred] == [
        (Decimal("0.00"), Decimal("6871.40"), date(2026, 12, 31))
    ]
    income = sum(e.credit - e.debit for e in entries if e.compte_num == "7561")
    assert income == Decimal(0)  # nothing of 2027 stays in 2026's income
    rows = _official_rows(closing.content, "iso-8859-15")
    assert {r["PieceRef"] for r in rows if r["CompteNum"] == "487"} == {"PCA-20261231"}
    assert "Produits constatés d'avance (487) : oui" in notice.content.decode("utf-8")
    opening = treasury.export_fec(called_in_advance.uows, TREASURER, *YEAR, options)
    back = list(FECParser.from_bytesio(io.BytesIO(opening.content)).get_ecritures())
    assert [(e.compte_num, e.debit, e.credit, e.ecriture_date) for e in back] == [
        ("487", Decimal("6871.40"), Decimal("0.00"), date(2027, 1, 1)),
        ("7561", Decimal("0.00"), Decimal("6871.40"), date(2027, 1, 1)),
    ]


def test_a_schedule_with_a_counterpart_puts_its_fees_in_7562_and_says_so_in_the_letter(
    app: Application,
    demo_loader: Callable[[str], None],
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("GOUVERNANCE_TODAY", "2027-03-31")
    demo_loader(database_url)
    text = (RULES / "fees" / "demo" / "2-bareme-ca.yaml").read_text("utf-8")
    (tmp_path / "bareme.yaml").write_text(text + "counterpart: true\n", "utf-8")
    calls.issue_calls(
        app.uows, SYSTEM, "demo-bareme-ca", issued_on=date(2027, 1, 15),
        due_on=date(2027, 2, 28), exclude_incomplete=True, folder=tmp_path,
    )  # fmt: skip
    fec = treasury.export_fec(app.uows, TREASURER, *YEAR)
    rows = _official_rows(fec.content, "utf-8")
    income = {(r["CompteNum"], r["CompteLib"]) for r in rows if r["Credit"] != "0,00"}
    assert income == {("7562", "Cotisations avec contrepartie")}
    letter = treasury.call_letter(app.uows, TREASURER, "AC-2027-0001", "html")
    assert "cotisation avec contrepartie" in letter.content.decode("utf-8")
