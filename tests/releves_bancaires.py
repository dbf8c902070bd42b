"""Bank statements made by the tests: a CAMT.053 (any version from .02 to .08) and the same
movements as a French bank's CSV export (« ; », decimal comma, cp1252).

The sample is written for the demo once its 2027 calls are issued (LOT-2027-01, 1 December
2026): AC-2027-0003 is GARRIGUE's call (400,00 €, SEPA mandate PTCE-ALPILLES-GARRIGUE-001),
AC-2027-0004 HUILES-DU-VAL's (400,00 €), AC-2027-0005 MISTRAL's (1 262,50 €), AC-2027-0007
SAL01's (Camille Roux, 20,00 €). Its movements, booked in early December 2026:

1. MISTRAL's transfer naming AC-2027-0005 → recorded, certain by reference;
2. Camille Roux's transfer naming AC-2027-0007 → recorded;
3. GARRIGUE's direct debit collected (end-to-end AC-2027-0003) → recorded as « prélèvement »;
4. a gift from someone unknown, « DON », 75,00 € → waits, unmatched;
5. « LES HUILES DU VALLON », 400,00 €, no reference → waits, to confirm (HUILES-DU-VAL);
6. GARRIGUE's direct debit returned, AM04 → recorded as a return of (3);
7. the bank's fees → ignored.

Module with a name of its own (not ``conftest``), imported by the unit, storage, API, web,
browser and feature tests alike (``tests/`` is on the path through its conftest).
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

ORG_IBAN = "FR7630006000011234567890189"  # the demo organisation's account
GARRIGUE_IBAN = "FR7610278078209876543210156"  # GARRIGUE's mandate
GARRIGUE_MANDATE = "PTCE-ALPILLES-GARRIGUE-001"
VERSIONS = ("02", "04", "06", "08")


@dataclass(frozen=True)
class Movement:
    """One entry of the statement (``Ntry``), with one transaction (``TxDtls``)."""

    cents: int
    credit: bool
    booked: str  # AAAA-MM-JJ
    reference: str | None  # AcctSvcrRef; None: the bank gives none
    remittance: str = ""
    name: str = ""
    iban: str = ""
    code: tuple[str, str, str] = ("PMNT", "RCDT", "ESCT")
    end_to_end: str = ""
    mandate: str = ""
    reason: str = ""  # RtrInf/Rsn/Cd of a return
    status: str = "BOOK"
    reversal: bool = False

    @property
    def csv_label(self) -> str:
        parts = [self.remittance]
        if self.name:
            parts.append(f"/DE {self.name}")
        if self.end_to_end and self.end_to_end not in self.remittance:
            parts.append(self.end_to_end)
        return " ".join(p for p in parts if p)


SAMPLE = (
    Movement(126250, True, "2026-12-03", "BQ-20261203-0001", "COTISATION 2027 AC-2027-0005",
             "SARL MISTRAL RECYCLAGE", "FR7630004000031234567890143"),
    Movement(2000, True, "2026-12-04", "BQ-20261204-0002", "AC-2027-0007 cotisation",
             "ROUX CAMILLE", "FR7612548029981234567890161"),
    Movement(40000, True, "2026-12-05", "BQ-20261205-0003", "REMISE PRLV SEPA COTISATION 2027",
             "GARRIGUE ENVIRONNEMENT", GARRIGUE_IBAN, ("PMNT", "IDDT", "ESDD"),
             end_to_end="AC-2027-0003", mandate=GARRIGUE_MANDATE),
    Movement(7500, True, "2026-12-06", "BQ-20261206-0004", "DON", "DUPONT JEAN",
             "FR7617515900000412345678953"),
    Movement(40000, True, "2026-12-07", "BQ-20261207-0005", "VIREMENT", "LES HUILES DU VALLON",
             "FR7614508000301234567890150"),
    Movement(40000, False, "2026-12-09", "BQ-20261209-0006", "REJET PRLV SEPA",
             "GARRIGUE ENVIRONNEMENT", GARRIGUE_IBAN, ("PMNT", "IDDT", "UPDD"),
             end_to_end="AC-2027-0003", mandate=GARRIGUE_MANDATE, reason="AM04"),
    Movement(1200, False, "2026-12-10", "BQ-20261210-0007", "FRAIS TENUE DE COMPTE",
             code=("ACMT", "MDOP", "CHRG")),
)  # fmt: skip

ENTITY_BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<Stmt><Id>&lol3;</Id></Stmt></BkToCstmrStmt></Document>
"""


def _amount(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _party(role: str, name: str, version: str) -> str:
    if not name:
        return ""
    inner = f"<Nm>{escape(name)}</Nm>"
    return (
        f"<{role}><Pty>{inner}</Pty></{role}>" if version >= "08" else f"<{role}>{inner}</{role}>"
    )


def _entry(movement: Movement, version: str) -> str:
    direction = "CRDT" if movement.credit else "DBIT"
    domain, family, sub = movement.code
    status = (
        f"<Sts><Cd>{movement.status}</Cd></Sts>"
        if version >= "06"
        else f"<Sts>{movement.status}</Sts>"
    )
    amount = f'<Amt Ccy="EUR">{_amount(movement.cents)}</Amt>'
    tx_amount = amount if version >= "04" else f"<AmtDtls><TxAmt>{amount}</TxAmt></AmtDtls>"
    refs = ""
    if movement.end_to_end or movement.mandate:
        refs = "<Refs>"
        refs += f"<EndToEndId>{escape(movement.end_to_end or 'NOTPROVIDED')}</EndToEndId>"
        refs += f"<MndtId>{escape(movement.mandate)}</MndtId>" if movement.mandate else ""
        refs += "</Refs>"
    debtor = movement.credit or movement.reason
    parties = ""
    if movement.name or movement.iban:
        role = "Dbtr" if debtor else "Cdtr"
        account = (
            f"<{role}Acct><Id><IBAN>{movement.iban}</IBAN></Id></{role}Acct>"
            if movement.iban
            else ""
        )
        parties = f"<RltdPties>{_party(role, movement.name, version)}{account}</RltdPties>"
    remittance = (
        f"<RmtInf><Ustrd>{escape(movement.remittance)}</Ustrd></RmtInf>"
        if movement.remittance
        else ""
    )
    returned = f"<RtrInf><Rsn><Cd>{movement.reason}</Cd></Rsn></RtrInf>" if movement.reason else ""
    reference = f"<AcctSvcrRef>{movement.reference}</AcctSvcrRef>" if movement.reference else ""
    reversal = "<RvslInd>true</RvslInd>" if movement.reversal else ""
    return (
        f"<Ntry>{amount}<CdtDbtInd>{direction}</CdtDbtInd>{reversal}{status}"
        f"<BookgDt><Dt>{movement.booked}</Dt></BookgDt><ValDt><Dt>{movement.booked}</Dt></ValDt>"
        f"{reference}<BkTxCd><Domn><Cd>{domain}</Cd><Fmly><Cd>{family}</Cd>"
        f"<SubFmlyCd>{sub}</SubFmlyCd></Fmly></Domn></BkTxCd>"
        f"<NtryDtls><TxDtls>{refs}{tx_amount}{parties}{remittance}{returned}</TxDtls></NtryDtls>"
        "</Ntry>"
    )  # fmt: skip


def camt053(
    movements: tuple[Movement, ...] = SAMPLE,
    *,
    version: str = "08",
    iban: str = ORG_IBAN,
    statement_id: str = "RELEVE-2026-12-10",
    namespace: bool = True,
) -> bytes:
    """A CAMT.053 statement of ``movements`` in the given version (« 02 » … « 08 »)."""
    xmlns = f' xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.{version}"' if namespace else ""
    entries = "".join(_entry(m, version) for m in movements)
    document = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Document{xmlns}><BkToCstmrStmt>'
        "<GrpHdr><MsgId>MSG-20261210</MsgId><CreDtTm>2026-12-10T20:00:00</CreDtTm></GrpHdr>"
        f"<Stmt><Id>{statement_id}</Id><CreDtTm>2026-12-10T20:00:00</CreDtTm>"
        "<FrToDt><FrDtTm>2026-12-01T00:00:00</FrDtTm><ToDtTm>2026-12-10T23:59:59</ToDtTm></FrToDt>"
        f"<Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>{entries}</Stmt>"
        "</BkToCstmrStmt></Document>\n"
    )
    return document.encode("utf-8")


def _french_amount(cents: int) -> str:
    euros = f"{cents // 100:,}".replace(",", " ")
    return f"{euros},{cents % 100:02d}"


def csv_francais(movements: tuple[Movement, ...] = SAMPLE, *, encoding: str = "cp1252") -> bytes:
    """The same movements as a French bank exports them: a line about the account first,
    then « Date;Libellé;Débit;Crédit;Référence;Solde », JJ/MM/AAAA, decimal comma."""
    lines = [f"Compte courant {ORG_IBAN};;;;;", "", "Date;Libellé;Débit;Crédit;Référence;Solde"]
    for m in movements:
        day = f"{m.booked[8:10]}/{m.booked[5:7]}/{m.booked[0:4]}"
        label = m.csv_label
        if not m.credit and m.reason:
            label = f"{m.remittance} {m.reason} {m.end_to_end} {m.name}".strip()
        debit = "" if m.credit else _french_amount(m.cents)
        credit = _french_amount(m.cents) if m.credit else ""
        lines.append(f"{day};{label};{debit};{credit};{m.reference or ''};")
    return ("\r\n".join(lines) + "\r\n").encode(encoding)
