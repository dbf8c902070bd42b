"""Reading a pain.008 file in the tests: validated against the ISO 20022 XSD vendored in
``tests/xsd`` (no network), and its debits read back as the bank would read them."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

import xmlschema

XSD = Path(__file__).parent / "xsd"


@cache
def schema(name: str) -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(XSD / f"{name}.xsd")


def schema_of(content: bytes) -> str:
    """« pain.008.001.08 », from the document's namespace."""
    namespace = ET.fromstring(content).tag.split("}")[0].lstrip("{")
    return namespace.rsplit(":", 1)[-1]


def validate(content: bytes) -> str:
    """The file's schema, after validating the file against it (raises when invalid)."""
    name = schema_of(content)
    schema(name).validate(content.decode("utf-8"))
    return name


@dataclass(frozen=True)
class ReadDebit:
    end_to_end: str
    mandate_id: str
    amount: Decimal
    sequence: str
    collection_date: str


def debits(content: bytes) -> list[ReadDebit]:
    """Each transaction of the file, with the sequence and date of its payment block."""
    root = ET.fromstring(content)
    ns = {"p": root.tag.split("}")[0].lstrip("{")}
    found = []
    for block in root.findall("p:CstmrDrctDbtInitn/p:PmtInf", ns):
        sequence = block.findtext("p:PmtTpInf/p:SeqTp", default="", namespaces=ns)
        day = block.findtext("p:ReqdColltnDt", default="", namespaces=ns)
        for tx in block.findall("p:DrctDbtTxInf", ns):
            found.append(
                ReadDebit(
                    tx.findtext("p:PmtId/p:EndToEndId", default="", namespaces=ns),
                    tx.findtext(".//p:MndtId", default="", namespaces=ns),
                    Decimal(tx.findtext("p:InstdAmt", default="0", namespaces=ns)),
                    sequence,
                    day,
                )
            )
    return sorted(found, key=lambda d: d.end_to_end)
