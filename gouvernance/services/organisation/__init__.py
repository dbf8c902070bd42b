"""The organisation the books are kept for, its categories, the first-run steps."""
