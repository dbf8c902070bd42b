"""Bank statements: what a CAMT.053 file or a bank's CSV export says, and how each credit is
matched to a member and their calls (pure Python: no storage, no web)."""
