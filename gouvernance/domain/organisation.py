"""The organisation this database keeps the books for (one per database)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(eq=False)
class Organisation:
    name: str
    legal_form: str
    siren: str | None = None
    address: str | None = None
    postal_code: str | None = None
    city: str | None = None
    email: str | None = None
    iban: str | None = None  # where members pay by transfer; the account debited by SEPA
    bic: str | None = None
    sepa_creditor_id: str | None = None  # ICS, identifiant créancier SEPA
    statutes_id: str | None = None  # the statutes document in force (rules/statuts/)
    id: int | None = None
