"""Bank statements: import CAMT.053 and CSV files, match their credits to members and calls,
record what is certain, keep the rest waiting for the treasurer."""
