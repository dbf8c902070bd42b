"""The treasurer's ledger: batches of calls, credit notes, payments and their allocations."""
