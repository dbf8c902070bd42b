"""The audit log's hash chain as the API gives it: intact or where it breaks, and its head."""

from __future__ import annotations

from pydantic import BaseModel, Field

from gouvernance.domain.audit import Break, ChainHead
from gouvernance.services.audit_chain import Verification


class ChainHeadOut(BaseModel):
    number: int = Field(description="numéro de l'entrée")
    digest: str = Field(description="empreinte SHA-256 de l'entrée, 64 chiffres hexadécimaux")
    text: str = Field(description="« journal n° 1 234, empreinte 9f3a5c0d12345678… »")

    @classmethod
    def of(cls, head: ChainHead) -> ChainHeadOut:
        return cls(number=head.number, digest=head.digest, text=head.text)


class ChainBreakOut(BaseModel):
    kind: Break = Field(description="modifiée, manquante ou chaînon (lien rompu)")
    number: int = Field(description="la première entrée en cause")
    message: str


class AuditChainOut(BaseModel):
    intact: bool = Field(description="vrai : la chaîne est cohérente et contient la tête donnée")
    entries: int = Field(description="entrées vérifiées avant la première rupture")
    head: ChainHeadOut | None = Field(description="dernière entrée vérifiée")
    broken: ChainBreakOut | None = Field(description="le premier maillon rompu")
    held_problem: str | None = Field(description="ce qui ne va pas avec la tête donnée (head)")
    messages: list[str] = Field(description="le verdict, en français")

    @classmethod
    def of(cls, result: Verification) -> AuditChainOut:
        report = result.report
        broken = report.broken
        return cls(
            intact=result.intact,
            entries=report.count,
            head=ChainHeadOut.of(report.head) if report.head is not None else None,
            broken=(
                ChainBreakOut(kind=broken.kind, number=broken.number, message=broken.message)
                if broken is not None
                else None
            ),
            held_problem=result.held_problem,
            messages=list(result.lines),
        )
