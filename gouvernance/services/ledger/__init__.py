"""The treasurer's ledger: calls, payments, balances, letters, reminders, exports, mandates."""
