"""Demo data shipped with the package: a fictional PTCE (``organisation.yaml``).

Only data lives here; ``gouvernance.services.demo_data.demo`` reads and loads it.
"""
