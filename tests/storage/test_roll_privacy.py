"""What an assembly's roll tells whom (issue 15): every member reads who is on it, their college
and whether they vote; why an associate may not vote (dues unpaid, with the call's reference and
amount) is for the board, the treasurer, the scrutineers, the admin — and the associate."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import update

from gouvernance.bootstrap import Application
from gouvernance.domain.members import MemberDraft, PersonKind
from gouvernance.domain.users import SYSTEM, Actor, Role
from gouvernance.persistence.orm import assembly_roll
from gouvernance.services.assembly import assemblies
from gouvernance.services.registry import members

BOARD = Actor("bureau", Role.BOARD)
UNPAID = (
    "cotisation non à jour au 20/05/2026 : appel AC-2026-0005 échu le 31/03/2026, 120,00 € impayés"
)


@pytest.fixture
def roll(app: Application) -> tuple[str, list[str]]:
    """An assembly of three associates; the second has not paid the call due before the cut-off."""
    codes = [
        members.create_member(
            app.uows, SYSTEM,
            MemberDraft(kind=PersonKind.NATURAL, category="volunteer",
                        joined_on=date(2020, 1, 1), first_name=f"Associé {i}", last_name="Rôle"),
        ).code
        for i in range(3)
    ]  # fmt: skip
    code = assemblies.create_assembly(
        app.uows, BOARD, title="AG 2026", held_on=date(2026, 6, 20),
        statutes_id="demo-statuts-association",
    ).summary.code  # fmt: skip
    with app.uows() as uow:
        uow.session.execute(  # type: ignore[attr-defined]
            update(assembly_roll)
            .where(assembly_roll.c.member_code == codes[1])
            .values(entitled=False, reason=UNPAID)
        )
        uow.commit()
    return code, codes


@pytest.mark.parametrize("role", [Role.BOARD, Role.TREASURER, Role.SCRUTINEER, Role.ADMIN])
def test_those_who_keep_the_books_or_the_desk_read_why_an_associate_may_not_vote(
    app: Application, roll: tuple[str, list[str]], role: Role
) -> None:
    code, codes = roll
    lines = {
        line.member_code: line for line in assemblies.roll_view(app.uows, Actor("x", role), code)
    }
    assert (lines[codes[1]].entitled, lines[codes[1]].reason) == (False, UNPAID)


def test_another_member_reads_that_an_associate_may_not_vote_never_their_unpaid_dues(
    app: Application, roll: tuple[str, list[str]]
) -> None:
    code, codes = roll
    member = Actor("adherent", Role.MEMBER, member_code=codes[0])
    lines = {line.member_code: line for line in assemblies.roll_view(app.uows, member, code)}
    assert (lines[codes[1]].name, lines[codes[1]].entitled) == ("Associé 1 Rôle", False)
    assert lines[codes[1]].reason == ""
    assert all("€" not in line.reason and "AC-" not in line.reason for line in lines.values())


def test_the_associate_concerned_reads_their_own_reason(
    app: Application, roll: tuple[str, list[str]]
) -> None:
    code, codes = roll
    member = Actor("concerne", Role.MEMBER, member_code=codes[1])
    lines = {line.member_code: line for line in assemblies.roll_view(app.uows, member, code)}
    assert lines[codes[1]].reason == UNPAID
