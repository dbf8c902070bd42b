"""What the web tests share: reading a page's CSRF value, the type of ``sign_in``.

A module with a name of its own (not ``conftest``): test modules import it directly."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient

SignIn = Callable[[str], TestClient]
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    """The CSRF value of the first form of a page."""
    found = _CSRF.search(html)
    assert found, "la page n'a pas de formulaire protégé"
    return found.group(1)
