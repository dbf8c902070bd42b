"""Today's date for the use cases: the real one, or the one ``GOUVERNANCE_TODAY`` names.

A training session or a test replays a year of treasury (« nous sommes le 15 avril 2027 »)
without waiting for it; production never sets the variable.
"""

from __future__ import annotations

import os
from datetime import date

from gouvernance.domain.errors import InvalidInput
from gouvernance.domain.moments import today_in

VARIABLE = "GOUVERNANCE_TODAY"


def today(time_zone: str | None = None) -> date:
    """The day it is where the organisation is (Europe/Paris unless ``time_zone`` says
    otherwise): at 00:30 in Paris on 1 January it is already the new fiscal year, even though
    UTC still says 31 December."""
    configured = os.environ.get(VARIABLE, "").strip()
    if not configured:
        return today_in(time_zone)
    try:
        return date.fromisoformat(configured)
    except ValueError:
        raise InvalidInput(
            f"date du jour invalide « {configured} » (AAAA-MM-JJ attendu)", field=VARIABLE
        ) from None
