"""Concurrent writers: nothing lost, nothing doubled, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date

from gouvernance.bootstrap import Application
from gouvernance.domain.errors import GouvernanceError
from gouvernance.domain.members import MemberDraft, PersonKind
from gouvernance.domain.users import Actor
from gouvernance.services.ports import MemberFilter
from gouvernance.services.registry import members

WRITERS = 8


def _draft(first_name: str) -> MemberDraft:
    return MemberDraft(
        kind=PersonKind.NATURAL,
        category="volunteer",
        joined_on=date(2026, 1, 1),
        first_name=first_name,
        last_name="Simultané",
    )


def test_simultaneous_creations_each_get_their_own_generated_code(
    app: Application, admin: Actor
) -> None:
    def create(i: int) -> str:
        return members.create_member(app.uows, admin, _draft(f"Personne {i}")).code

    with ThreadPoolExecutor(WRITERS) as pool:
        codes = list(pool.map(create, range(WRITERS)))
    assert len(set(codes)) == WRITERS
    assert members.list_members(app.uows, admin, MemberFilter()).total == WRITERS


def test_the_same_request_sent_simultaneously_creates_one_member(
    app: Application, admin: Actor
) -> None:
    def create(_: int) -> str:
        try:
            return members.create_member(app.uows, admin, _draft("Unique"), "cle-unique").code
        except GouvernanceError as error:
            return f"refus : {error.message}"

    with ThreadPoolExecutor(WRITERS) as pool:
        outcomes = list(pool.map(create, range(WRITERS)))
    assert len(set(outcomes)) == 1, outcomes  # every retry replays the one creation
    assert not outcomes[0].startswith("refus")
    assert members.list_members(app.uows, admin, MemberFilter()).total == 1
