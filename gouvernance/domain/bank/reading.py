"""Which reader a statement file needs: CAMT.053 (XML) or a bank's CSV export."""

from __future__ import annotations

from pathlib import PurePath

from gouvernance.domain.bank.camt import parse_camt053
from gouvernance.domain.bank.csv_statement import CsvProfile, parse_csv
from gouvernance.domain.bank.model import ParsedStatement, StatementFormat
from gouvernance.domain.errors import InvalidInput

XML_SUFFIXES = frozenset({".xml", ".camt", ".053"})
CSV_SUFFIXES = frozenset({".csv", ".txt", ""})
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def statement_format(data: bytes, filename: str) -> StatementFormat:
    """XML by its first character (whatever the name says), else CSV by the file's suffix."""
    head = data.lstrip()
    for bom in _BOMS:
        head = head.removeprefix(bom).lstrip()
    suffix = PurePath(filename).suffix.lower()
    if head.startswith(b"<") or suffix in XML_SUFFIXES:
        return StatementFormat.CAMT053
    if suffix in CSV_SUFFIXES:
        return StatementFormat.CSV
    raise InvalidInput(
        f"« {filename} » n'est ni un relevé CAMT.053 (.xml) ni un export CSV de la banque "
        "(.csv) : téléchargez le relevé dans l'un de ces formats depuis l'espace de la banque",
        field="file",
    )


def read_statement(
    data: bytes, filename: str, profile: CsvProfile | None, account_iban: str = ""
) -> ParsedStatement:
    """The statement's lines; ``profile`` reads a CSV, ``account_iban`` is the account a CSV
    (which never names it) belongs to."""
    if not data.strip():
        raise InvalidInput(f"« {filename} » est vide", field="file")
    if statement_format(data, filename) is StatementFormat.CAMT053:
        return parse_camt053(data, filename)
    if profile is None:
        raise InvalidInput(
            f"« {filename} » est un CSV : un profil de colonnes est nécessaire", field="profile"
        )
    return parse_csv(data, filename, profile, account_iban)
