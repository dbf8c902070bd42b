"""API resources, one module per domain concept."""
