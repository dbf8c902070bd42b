"""Today's date for the use cases: the real one, or the one ``GOUVERNANCE_TODAY`` names.

A training session or a test replays a year of treasury (« nous sommes le 15 avril 2027 »)
without waiting for it; production never sets the variable.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

from gouvernance.domain.errors import InvalidInput

VARIABLE = "GOUVERNANCE_TODAY"


def today() -> date:
    configured = os.environ.get(VARIABLE, "").strip()
    if not configured:
        return datetime.now(UTC).date()
    try:
        return date.fromisoformat(configured)
    except ValueError:
        raise InvalidInput(
            f"date du jour invalide « {configured} » (AAAA-MM-JJ attendu)", field=VARIABLE
        ) from None
