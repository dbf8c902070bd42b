"""Online voting and proxies on a real database (SQLite, and PostgreSQL when its URL is set): a
member gives and takes back their own proxy under the sheet's rules and lock, reads their
ballot paper and receipts (a secret one without its choice), and the live tally says « pas
encore de vote » until the first ballot, then follows each change."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import TypeVar

import anyio
import pytest

from gouvernance.bootstrap import Application
from gouvernance.domain.assembly.model import Attendance, Choice, Method
from gouvernance.domain.assembly.tally import Outcome
from gouvernance.domain.errors import Conflict, Forbidden, GouvernanceError, InvalidInput, NotFound
from gouvernance.domain.members import MemberDraft, PersonKind
from gouvernance.domain.users import SYSTEM, Actor, Role
from gouvernance.services import audit
from gouvernance.services.assembly import assemblies, live, online
from gouvernance.services.assembly.assemblies import TallyView
from gouvernance.services.registry import members

BOARD = Actor("bureau", Role.BOARD)
SCRUTINEER = Actor("scrutateur", Role.SCRUTINEER)


@pytest.fixture
def codes(app: Application) -> list[str]:
    """Six members of the association since 2020 (M0001…M0006)."""
    found = []
    for i in range(6):
        draft = MemberDraft(
            kind=PersonKind.NATURAL, category="volunteer", joined_on=date(2020, 1, 1),
            first_name=f"Associé {i}", last_name="Essai",
        )  # fmt: skip
        found.append(members.create_member(app.uows, SYSTEM, draft).code)
    return found


@pytest.fixture
def code(app: Application, codes: list[str]) -> str:
    view = assemblies.create_assembly(
        app.uows, BOARD, title="AG ordinaire 2026", held_on=date(2026, 6, 20),
        statutes_id="demo-statuts-association",
    )  # fmt: skip
    return view.summary.code


def member(code: str) -> Actor:
    return Actor(code.lower(), Role.MEMBER, member_code=code)


def attend(app: Application, code: str, who: str, mode: Attendance, holder: str = "") -> None:
    assemblies.record_attendance(app.uows, SCRUTINEER, code, who, mode, holder=holder or None)


def sheet_line(app: Application, code: str, who: str) -> tuple[Attendance | None, str | None]:
    line = {r.member_code: r for r in assemblies.roll_view(app.uows, BOARD, code)}[who]
    return line.attendance, line.holder_code


# --- proxies ----------------------------------------------------------------------------------


def test_a_member_gives_their_own_proxy_to_an_associate_attending_and_it_is_audited(
    app: Application, code: str, codes: list[str]
) -> None:
    attend(app, code, codes[0], Attendance.PRESENT)
    view = assemblies.give_proxy(app.uows, member(codes[1]), code, codes[0].lower())

    assert (view.mode, view.holder_code, view.proxies_held, view.proxy_limit) == (
        Attendance.REPRESENTED, codes[0], 1, 2,
    )  # fmt: skip
    assert sheet_line(app, code, codes[1]) == (Attendance.REPRESENTED, codes[0])
    (entry,) = audit.recent(app.uows, SYSTEM, 1)
    assert (entry.action, entry.actor, entry.entity_key) == (
        "assemblee.pouvoir_donne",
        "m0002",
        code,
    )
    again = assemblies.give_proxy(app.uows, member(codes[1]), code, codes[0])
    assert again.created is False  # the same proxy twice changes nothing


def test_a_proxy_past_the_limit_is_refused_with_the_rule_and_nothing_written(
    app: Application, code: str, codes: list[str]
) -> None:
    attend(app, code, codes[0], Attendance.PRESENT)
    attend(app, code, codes[1], Attendance.REPRESENTED, codes[0])
    assemblies.give_proxy(app.uows, member(codes[2]), code, codes[0])
    with pytest.raises(InvalidInput) as refused:
        assemblies.give_proxy(app.uows, member(codes[3]), code, codes[0])
    assert refused.value.field == "holder"
    assert refused.value.message.startswith("pouvoir refusé : ")
    assert "détient déjà 2 pouvoirs" in refused.value.message
    assert "au plus 2 pouvoirs par associé, soit 2 pour 6 associés" in refused.value.message
    assert sheet_line(app, code, codes[3]) == (None, None)


def test_members_giving_the_last_proxy_at_the_same_instant_never_pass_the_limit(
    app: Application, code: str, codes: list[str]
) -> None:
    attend(app, code, codes[0], Attendance.PRESENT)
    attend(app, code, codes[1], Attendance.REPRESENTED, codes[0])

    def give(who: str) -> str:
        try:
            assemblies.give_proxy(app.uows, member(who), code, codes[0])
            return "donné"
        except GouvernanceError as error:
            return error.message

    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(give, codes[2:5]))
    assert results.count("donné") == 1, results
    held = {r.member_code: r for r in assemblies.roll_view(app.uows, BOARD, code)}[codes[0]]
    assert len(held.proxies_held) == 2


def test_a_proxy_goes_only_to_an_associate_attending_and_never_from_staff(
    app: Application, code: str, codes: list[str]
) -> None:
    with pytest.raises(InvalidInput, match="doit d'abord émarger présent ou à distance"):
        assemblies.give_proxy(app.uows, member(codes[1]), code, codes[0])
    with pytest.raises(InvalidInput, match="choisissez l'associé"):
        assemblies.give_proxy(app.uows, member(codes[1]), code, " ")
    with pytest.raises(Forbidden, match="seul un adhérent"):
        assemblies.give_proxy(app.uows, SCRUTINEER, code, codes[0])


def test_a_member_already_present_keeps_voting_themself(
    app: Application, code: str, codes: list[str]
) -> None:
    attend(app, code, codes[0], Attendance.PRESENT)
    attend(app, code, codes[1], Attendance.PRESENT)
    with pytest.raises(Conflict, match=r"vous avez déjà émargé \(présent\)"):
        assemblies.give_proxy(app.uows, member(codes[1]), code, codes[0])


def test_a_member_takes_back_their_proxy_until_its_holder_votes_for_them(
    app: Application, code: str, codes: list[str]
) -> None:
    attend(app, code, codes[0], Attendance.PRESENT)
    number = assemblies.add_resolution(app.uows, BOARD, code, title="Comptes").number
    assemblies.give_proxy(app.uows, member(codes[1]), code, codes[0])
    assemblies.withdraw_proxy(app.uows, member(codes[1]), code)
    assert sheet_line(app, code, codes[1]) == (None, None)
    assert audit.recent(app.uows, SYSTEM, 1)[0].action == "assemblee.pouvoir_retire"
    with pytest.raises(NotFound, match="vous n'avez pas donné de pouvoir"):
        assemblies.withdraw_proxy(app.uows, member(codes[1]), code)

    assemblies.give_proxy(app.uows, member(codes[1]), code, codes[0])
    assemblies.cast_ballot(app.uows, member(codes[0]), code, number, codes[1], Choice.FOR)
    with pytest.raises(Conflict, match="a déjà voté pour vous"):
        assemblies.withdraw_proxy(app.uows, member(codes[1]), code)
    assert sheet_line(app, code, codes[1]) == (Attendance.REPRESENTED, codes[0])


def test_no_proxy_is_given_nor_taken_back_once_the_assembly_is_closed(
    app: Application, code: str, codes: list[str]
) -> None:
    attend(app, code, codes[0], Attendance.PRESENT)
    assemblies.give_proxy(app.uows, member(codes[1]), code, codes[0])
    assemblies.close_assembly(app.uows, SCRUTINEER, code)
    with pytest.raises(Conflict, match="est close"):
        assemblies.give_proxy(app.uows, member(codes[2]), code, codes[0])
    with pytest.raises(Conflict, match="est close"):
        assemblies.withdraw_proxy(app.uows, member(codes[1]), code)
    assert online.proxy_sheets(app.uows, member(codes[1])) == ()


def test_the_proxy_sheet_lists_who_may_receive_a_proxy_and_what_the_member_holds(
    app: Application, code: str, codes: list[str]
) -> None:
    attend(app, code, codes[0], Attendance.PRESENT)
    attend(app, code, codes[2], Attendance.REMOTE)
    attend(app, code, codes[3], Attendance.POSTAL)
    attend(app, code, codes[4], Attendance.REPRESENTED, codes[0])

    (giver,) = online.proxy_sheets(app.uows, member(codes[1]))
    assert [(h.member_code, h.proxies_held) for h in giver.holders] == [
        (codes[0], 1), (codes[2], 0),
    ]  # fmt: skip
    assert (giver.may_give, giver.may_withdraw, giver.reason) == (True, False, "")
    assert (giver.limit, giver.rule) == (2, "au plus 2 pouvoirs par associé")

    (holder,) = online.proxy_sheets(app.uows, member(codes[0]))
    assert holder.held == ((codes[4], "Associé 4 Essai"),)
    assert not holder.may_give and "vous votez vous-même" in holder.reason

    (given,) = online.proxy_sheets(app.uows, member(codes[4]))
    assert given.given_to is not None and given.given_to.member_code == codes[0]
    assert given.may_withdraw and not given.may_give


# --- the ballot paper and the receipts ---------------------------------------------------------


def test_the_ballot_paper_lists_the_member_and_their_proxies_with_receipts_without_secret(
    app: Application, code: str, codes: list[str]
) -> None:
    attend(app, code, codes[0], Attendance.PRESENT)
    attend(app, code, codes[1], Attendance.REPRESENTED, codes[0])
    assemblies.add_resolution(app.uows, BOARD, code, title="Comptes")
    assemblies.add_resolution(app.uows, BOARD, code, title="Élection", method=Method.SECRET)
    holder = member(codes[0])
    open_receipt = assemblies.cast_ballot(app.uows, holder, code, 1, codes[0], Choice.AGAINST)
    secret_receipt = assemblies.cast_ballot(app.uows, holder, code, 2, codes[1], Choice.FOR)

    sheet = online.ballot_sheet(app.uows, holder, code)
    mine, proxy = sheet.voters
    assert (mine.member_code, mine.own, mine.may_vote) == (codes[0], True, True)
    assert (proxy.member_code, proxy.own, proxy.may_vote) == (codes[1], False, True)
    assert set(mine.receipts) == {1} and set(proxy.receipts) == {2}
    assert mine.receipts[1].choice is Choice.AGAINST
    assert proxy.receipts[2].secret and proxy.receipts[2].choice is None
    assert secret_receipt.choice is None and open_receipt.choice is Choice.AGAINST
    # What the voter was given is what the database gives back: same fingerprint.
    assert mine.receipts[1].fingerprint == open_receipt.fingerprint
    read = online.ballot_receipt(app.uows, member(codes[1]), code, 2, codes[1])
    assert read.fingerprint == secret_receipt.fingerprint and read.choice is None


def test_a_receipt_is_read_by_the_voter_the_holder_and_the_scrutineers_only(
    app: Application, code: str, codes: list[str]
) -> None:
    attend(app, code, codes[0], Attendance.PRESENT)
    attend(app, code, codes[1], Attendance.REPRESENTED, codes[0])
    attend(app, code, codes[2], Attendance.PRESENT)
    assemblies.add_resolution(app.uows, BOARD, code, title="Comptes")
    assemblies.cast_ballot(app.uows, member(codes[0]), code, 1, codes[1], Choice.FOR)

    for reader in (member(codes[0]), member(codes[1]), SCRUTINEER):
        assert online.ballot_receipt(app.uows, reader, code, 1, codes[1]).cast_by == codes[0]
    with pytest.raises(Forbidden):
        online.ballot_receipt(app.uows, member(codes[2]), code, 1, codes[1])
    with pytest.raises(NotFound, match="pas de bulletin"):
        online.ballot_receipt(app.uows, member(codes[2]), code, 1, codes[2])


def test_the_ballot_paper_says_why_a_member_does_not_vote_online(
    app: Application, code: str, codes: list[str]
) -> None:
    attend(app, code, codes[0], Attendance.PRESENT)
    attend(app, code, codes[1], Attendance.REPRESENTED, codes[0])
    (absent,) = online.ballot_sheet(app.uows, member(codes[2]), code).voters
    assert not absent.may_vote and "demandez aux scrutateurs" in absent.reason
    (represented,) = online.ballot_sheet(app.uows, member(codes[1]), code).voters
    assert "vous avez donné votre pouvoir à Associé 0 Essai" in represented.reason
    with pytest.raises(Forbidden):
        online.ballot_sheet(app.uows, BOARD, code)


# --- the live tally ---------------------------------------------------------------------------


def test_the_live_tally_says_pas_encore_de_vote_until_the_first_ballot_and_rejects_at_closing(
    app: Application, code: str, codes: list[str]
) -> None:
    attend(app, code, codes[0], Attendance.PRESENT)
    assemblies.add_resolution(app.uows, BOARD, code, title="Comptes")
    assemblies.add_resolution(app.uows, BOARD, code, title="Budget")
    assemblies.cast_ballot(app.uows, SCRUTINEER, code, 2, codes[0], Choice.FOR)

    opened = assemblies.tally(app.uows, SCRUTINEER, code).tally.resolutions
    assert [r.outcome for r in opened] == [Outcome.PENDING, Outcome.ADOPTED]
    closed = assemblies.close_assembly(app.uows, SCRUTINEER, code).tally.resolutions
    assert [r.outcome for r in closed] == [Outcome.REJECTED, Outcome.ADOPTED]


T = TypeVar("T")


def run_apart(function: Callable[[], Awaitable[T]]) -> T:
    """``anyio.run`` in a thread of its own: in the same test process, the browser tests'
    Playwright keeps an event loop running in the main thread."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(anyio.run, function).result()


def test_the_live_stream_yields_the_tally_then_each_change_and_ends_on_closing(
    app: Application, code: str, codes: list[str]
) -> None:
    attend(app, code, codes[0], Attendance.PRESENT)
    assemblies.add_resolution(app.uows, BOARD, code, title="Comptes")

    async def watch() -> list[TallyView]:
        seen: list[TallyView] = []
        async for view in live.follow(app.uows, SCRUTINEER, code, poll_seconds=0.02):
            seen.append(view)
            if len(seen) == 1:
                await anyio.to_thread.run_sync(
                    lambda: assemblies.cast_ballot(
                        app.uows, SCRUTINEER, code, 1, codes[0], Choice.FOR
                    )
                )
            elif len(seen) == 2:
                await anyio.to_thread.run_sync(
                    assemblies.close_assembly, app.uows, SCRUTINEER, code
                )
        return seen

    first, voted, final = run_apart(watch)
    assert first.tally.resolutions[0].outcome is Outcome.PENDING
    assert voted.tally.resolutions[0].outcome is Outcome.ADOPTED and not voted.final
    assert final.final
    data = live.tally_data(final)
    assert data["resolutions"][0]["outcome_label"] == "adoptée"
    assert data["resolutions"][0]["weighted"] == "1"


def test_the_live_stream_stops_after_its_limit_and_raises_a_refusal(
    app: Application, code: str
) -> None:
    async def first_only() -> list[TallyView]:
        return [v async for v in live.follow(app.uows, SCRUTINEER, code, limit=1)]

    assert len(run_apart(first_only)) == 1

    async def as_member() -> list[TallyView]:
        return [v async for v in live.follow(app.uows, member("M0001"), code, limit=1)]

    with pytest.raises(Forbidden):
        run_apart(as_member)
