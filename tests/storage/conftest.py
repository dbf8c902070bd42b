"""The ledger fixtures (an adopted schedule in a temporary rules folder, eight members),
shared by the ledger's storage tests; defined in ``ledger_setup.py``."""

from ledger_setup import registry, rules

__all__ = ["registry", "rules"]
