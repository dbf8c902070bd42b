"""French wording shared by every explanation: counted nouns agree with their number."""

from __future__ import annotations

from gouvernance.domain.money import format_number


def counted(count: int, one: str, many: str | None = None) -> str:
    """« 1 pouvoir », « 2 pouvoirs », « 0 abstention » (French: 0 and 1 take the singular);
    ``many`` when the plural is not the singular plus « s » (« associés ont »)."""
    number = format_number(count) if abs(count) >= 1000 else str(count)  # « 12 999 »
    return f"{number} {one if count < 2 else (many if many is not None else one + 's')}"


def ordinal(number: int) -> str:
    """« 1re », « 2e » (convocation)."""
    return "1re" if number == 1 else f"{number}e"
