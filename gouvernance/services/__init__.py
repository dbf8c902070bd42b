"""The use cases: each one a transaction over a unit of work, shared by the API and the CLI."""
