"""General assemblies: convene, attendance sheet, resolutions, ballots, tally, minutes.

Board and admin convene and set the agenda; scrutineers record attendance, paper and postal
ballots, show-of-hands counts, close and sign; a member casts their own and proxied ballots.
The scrutineers' screen reads ``/assemblies/{code}/live``. POSTs accept an Idempotency-Key."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["assemblées"])
