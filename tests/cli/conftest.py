"""The CLI console reads its width from COLUMNS at each print, not once at import.

Rich fixes a console's width when COLUMNS is set at the moment it is built; under pytest-xdist
the first test to import the CLI may have set it to its own width. Clearing the fixed width lets
each test's ``monkeypatch.setenv("COLUMNS", …)`` decide how wide its tables are.
"""

from __future__ import annotations

import pytest

from gouvernance.cli import shell as cli_shell


@pytest.fixture(autouse=True)
def console_width_from_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli_shell.console, "_width", None)


@pytest.fixture(autouse=True)
def acting_as_the_demo_administrator(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands act for a named account (``--as`` or GOUVERNANCE_OPERATOR): the demo's
    administrator, ``admin``, unless a test names another or none."""
    monkeypatch.setenv("GOUVERNANCE_OPERATOR", "admin")
