"""The CLI console reads its width from COLUMNS at each print, not once at import.

Rich fixes a console's width when COLUMNS is set at the moment it is built; under pytest-xdist
the first test to import the CLI may have set it to its own width. Clearing the fixed width lets
each test's ``monkeypatch.setenv("COLUMNS", …)`` decide how wide its tables are.
"""

from __future__ import annotations

import pytest

from gouvernance import cli_shell


@pytest.fixture(autouse=True)
def console_width_from_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli_shell.console, "_width", None)
