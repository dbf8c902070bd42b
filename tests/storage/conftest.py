"""The ledger fixtures (an adopted schedule in a temporary rules folder, eight members),
shared by the ledger's storage tests."""

from tests.storage.test_ledger_concurrency import registry, rules

__all__ = ["registry", "rules"]
