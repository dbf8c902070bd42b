"""Bodies of the verification of a closed assembly (``POST /assemblies/verify``)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from gouvernance.domain.assembly.publication import Verification, normal_receipt


class ReceiptFoundOut(BaseModel):
    receipt: str = Field(description="le reçu cherché, écrit comme sur le reçu de vote")
    counted: bool = Field(description="vrai : parmi les reçus comptés d'une résolution")
    line: str = Field(description="« reçu … : compté pour la résolution n° 1 (parmi 39 reçus) »")


class VerificationOut(BaseModel):
    assembly: str = Field(description="code de l'assemblée, ex. AG-2026-01")
    conforming: bool = Field(description="vrai : chaque résultat recalculé correspond au PV")
    verdict: str = Field(description="« conforme : les 3 résolutions recalculées … »")
    findings: list[str] = Field(description="chaque écart, en français ; aucun si conforme")
    lines: list[str] = Field(description="ce qu'écrivent la commande et le script de docs/")
    file_sha256: str = Field(description="empreinte SHA-256 du fichier, imprimée dans le PV")
    roll_sha256: str = Field(description="empreinte SHA-256 de la liste d'émargement")
    resolutions: int = Field(description="résolutions du procès-verbal")
    receipt: ReceiptFoundOut | None = Field(default=None, description="le reçu demandé")

    @classmethod
    def of(cls, report: Verification, receipt: str | None) -> VerificationOut:
        found = None
        lines = report.lines()
        if receipt is not None:
            counted, line = report.receipt(receipt)
            found = ReceiptFoundOut(receipt=normal_receipt(receipt), counted=counted, line=line)
            lines.append(line)
        return cls(
            assembly=report.code, conforming=report.conforming, verdict=report.verdict,
            findings=list(report.findings), lines=lines, file_sha256=report.file_sha256,
            roll_sha256=report.roll_sha256, resolutions=report.resolutions, receipt=found,
        )  # fmt: skip
