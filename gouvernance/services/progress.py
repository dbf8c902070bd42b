"""Long work reports how far it got, so that a shell can draw a progress bar.

A use case that walks thousands of rows (import, batch issue, letters, simulation) takes an
optional ``progress`` callback and calls it with (done, total); the CLI draws a Rich bar, the
API ignores it. Reporting never changes what is computed or written.
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[int, int], None]


def silent(done: int, total: int) -> None:
    """The default: nobody is watching."""
