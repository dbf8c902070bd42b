"""The assembly service on a real database (SQLite, and PostgreSQL when its URL is set):
an association's assembly by head, proxies and their limit, ballots that count once, even
when the same associate submits two at the same instant, and nothing changed after closing."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from sqlalchemy import select

from gouvernance.bootstrap import Application
from gouvernance.domain.assembly.model import Attendance, Choice, Method, Proposer, SignatoryRole
from gouvernance.domain.assembly.tally import Outcome
from gouvernance.domain.errors import Conflict, Forbidden, GouvernanceError, InvalidInput
from gouvernance.domain.members import MemberDraft, PersonKind
from gouvernance.domain.users import SYSTEM, Actor, Role
from gouvernance.persistence.orm import assembly_counts, assembly_votes, idempotency_keys
from gouvernance.services import idempotency
from gouvernance.services.assembly import assemblies
from gouvernance.services.registry import members

BOARD = Actor("bureau", Role.BOARD)
SCRUTINEER = Actor("scrutateur", Role.SCRUTINEER)
STATUTES = "demo-statuts-association"
WRITERS = 8


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
        statutes_id=STATUTES,
    )  # fmt: skip
    return view.summary.code


def _attend(app: Application, code: str, member: str, mode: Attendance, holder: str = "") -> None:
    assemblies.record_attendance(app.uows, SCRUTINEER, code, member, mode, holder=holder or None)


def _resolution(app: Application, code: str, method: Method = Method.OPEN) -> int:
    return assemblies.add_resolution(
        app.uows, BOARD, code, title="Approbation des comptes", method=method
    ).number


def test_an_assembly_freezes_its_roll_and_its_rules_when_convened(
    app: Application, code: str, codes: list[str]
) -> None:
    view = assemblies.assembly_view(app.uows, BOARD, code)
    assert code == "AG-2026-01"
    assert (view.entitled, view.not_entitled, view.proxy_limit) == (6, 0, 2)
    assert view.rules.statutes_id == STATUTES and not view.rules.by_college
    assert [line.member_code for line in assemblies.roll_view(app.uows, BOARD, code)] == codes
    # A member joining afterwards is not on this assembly's roll.
    late = MemberDraft(
        kind=PersonKind.NATURAL, category="volunteer", joined_on=date(2026, 1, 1),
        first_name="Tardif", last_name="Essai",
    )  # fmt: skip
    members.create_member(app.uows, SYSTEM, late)
    assert len(assemblies.roll_view(app.uows, BOARD, code)) == 6


def test_a_proxy_beyond_the_statutes_limit_is_refused_with_the_rule(
    app: Application, code: str, codes: list[str]
) -> None:
    _attend(app, code, codes[0], Attendance.PRESENT)
    _attend(app, code, codes[1], Attendance.REPRESENTED, codes[0])
    _attend(app, code, codes[2], Attendance.REPRESENTED, codes[0])
    with pytest.raises(InvalidInput) as refused:
        _attend(app, code, codes[3], Attendance.REPRESENTED, codes[0])
    assert refused.value.field == "holder"
    assert "détient déjà 2 pouvoirs" in refused.value.message
    assert "au plus 2 pouvoirs par associé" in refused.value.message
    line = {r.member_code: r for r in assemblies.roll_view(app.uows, BOARD, code)}
    assert line[codes[0]].proxies_held == (codes[1], codes[2])
    assert line[codes[3]].attendance is None


def test_a_proxy_goes_only_to_another_associate_attending(
    app: Application, code: str, codes: list[str]
) -> None:
    with pytest.raises(InvalidInput, match="doit d'abord émarger"):
        _attend(app, code, codes[1], Attendance.REPRESENTED, codes[0])
    with pytest.raises(InvalidInput, match="lui-même"):
        _attend(app, code, codes[1], Attendance.REPRESENTED, codes[1])
    with pytest.raises(GouvernanceError):
        _attend(app, code, codes[1], Attendance.REPRESENTED, "INCONNU")


def test_a_member_votes_for_themselves_and_the_proxies_they_hold_only(
    app: Application, code: str, codes: list[str]
) -> None:
    _attend(app, code, codes[0], Attendance.PRESENT)
    _attend(app, code, codes[1], Attendance.REPRESENTED, codes[0])
    _attend(app, code, codes[2], Attendance.REMOTE)
    number = _resolution(app, code)
    holder = Actor("m0", Role.MEMBER, member_code=codes[0])
    assemblies.cast_ballot(app.uows, holder, code, number, codes[0], Choice.FOR)
    receipt = assemblies.cast_ballot(app.uows, holder, code, number, codes[1], Choice.FOR)
    assert receipt.cast_by == codes[0]
    with pytest.raises(Forbidden):
        assemblies.cast_ballot(app.uows, holder, code, number, codes[2], Choice.FOR)
    with pytest.raises(Conflict, match="a déjà voté"):
        assemblies.cast_ballot(app.uows, holder, code, number, codes[0], Choice.AGAINST)


def test_a_retried_ballot_with_the_same_key_returns_the_first_receipt(
    app: Application, code: str, codes: list[str]
) -> None:
    _attend(app, code, codes[0], Attendance.PRESENT)
    number = _resolution(app, code)
    first = assemblies.cast_ballot(
        app.uows, SCRUTINEER, code, number, codes[0], Choice.FOR, idempotency_key="b-1"
    )
    again = assemblies.cast_ballot(
        app.uows, SCRUTINEER, code, number, codes[0], Choice.FOR, idempotency_key="b-1"
    )
    assert (first.created, again.created) == (True, False)
    assert again.recorded_at == first.recorded_at


@pytest.mark.parametrize("method", [Method.OPEN, Method.SECRET])
def test_the_same_associate_submitting_ballots_at_once_is_counted_exactly_once(
    app: Application, code: str, codes: list[str], method: Method
) -> None:
    _attend(app, code, codes[0], Attendance.PRESENT)
    number = _resolution(app, code, method)
    choices = [Choice.FOR, Choice.AGAINST] * (WRITERS // 2)

    def vote(choice: Choice) -> str:
        try:
            assemblies.cast_ballot(app.uows, SCRUTINEER, code, number, codes[0], choice)
        except Conflict:
            return "refusé"
        return "compté"

    with ThreadPoolExecutor(WRITERS) as pool:
        outcomes = list(pool.map(vote, choices))

    assert outcomes.count("compté") == 1
    assemblies.close_vote(app.uows, SCRUTINEER, code, number)
    result = assemblies.tally(app.uows, SCRUTINEER, code).tally.resolutions[0]
    assert result.headcount.total == 1
    with app.uows() as uow:
        session = uow.session  # type: ignore[attr-defined]
        assert len(session.execute(select(assembly_votes)).all()) == 1
        counted = session.scalars(select(assembly_counts.c.count)).all()
    assert sum(counted) == (1 if method is Method.SECRET else 0)


def test_a_secret_ballot_records_who_voted_never_what(
    app: Application, code: str, codes: list[str]
) -> None:
    _attend(app, code, codes[0], Attendance.PRESENT)
    number = _resolution(app, code, Method.SECRET)
    receipt = assemblies.cast_ballot(app.uows, SCRUTINEER, code, number, codes[0], Choice.AGAINST)
    assert receipt.secret
    with app.uows() as uow:
        session = uow.session  # type: ignore[attr-defined]
        (vote,) = session.execute(select(assembly_votes)).all()
        assert vote.voter_code == codes[0] and vote.choice is None
        assert "voter_code" not in assembly_counts.c
    live = assemblies.tally(app.uows, SCRUTINEER, code).tally.resolutions[0]
    assert (live.headcount.total, live.outcome) == (0, Outcome.SEALED)
    assert "Vote secret en cours : 1 bulletin reçu ;" in live.explanation[0]
    assemblies.close_vote(app.uows, SCRUTINEER, code, number)
    result = assemblies.tally(app.uows, SCRUTINEER, code).tally.resolutions[0]
    assert (result.headcount.against, result.outcome) == (1, Outcome.REJECTED)


def test_a_blank_proxy_votes_for_the_board_and_against_associates(
    app: Application, code: str, codes: list[str]
) -> None:
    _attend(app, code, codes[0], Attendance.PRESENT)
    _attend(app, code, codes[1], Attendance.PRESENT)
    _attend(app, code, codes[2], Attendance.BLANK_PROXY)
    board = _resolution(app, code)
    theirs = assemblies.add_resolution(
        app.uows, BOARD, code, title="Motion des associés", proposer=Proposer.ASSOCIATES,
        proposed_by=codes[1],
    ).number  # fmt: skip
    for number in (board, theirs):
        assemblies.cast_ballot(app.uows, SCRUTINEER, code, number, codes[0], Choice.FOR)
        assemblies.cast_ballot(app.uows, SCRUTINEER, code, number, codes[1], Choice.AGAINST)
    first, second = assemblies.tally(app.uows, SCRUTINEER, code).tally.resolutions
    assert (first.headcount.for_, first.outcome) == (2, Outcome.ADOPTED)
    assert (second.headcount.against, second.outcome) == (2, Outcome.REJECTED)
    with pytest.raises(InvalidInput, match="pouvoir en blanc"):
        assemblies.cast_ballot(app.uows, SCRUTINEER, code, board, codes[2], Choice.FOR)


def test_nothing_changes_after_the_assembly_is_closed(
    app: Application, code: str, codes: list[str]
) -> None:
    _attend(app, code, codes[0], Attendance.PRESENT)
    _attend(app, code, codes[1], Attendance.PRESENT)
    number = _resolution(app, code)
    assemblies.cast_ballot(app.uows, SCRUTINEER, code, number, codes[0], Choice.FOR)
    closed = assemblies.close_assembly(app.uows, SCRUTINEER, code)
    assert closed.final and closed.tally.resolutions[0].outcome is Outcome.ADOPTED
    for attempt in (
        lambda: assemblies.cast_ballot(app.uows, SCRUTINEER, code, number, codes[1], Choice.FOR),
        lambda: _attend(app, code, codes[2], Attendance.PRESENT),
        lambda: _resolution(app, code),
        lambda: assemblies.close_assembly(app.uows, SCRUTINEER, code),
    ):
        with pytest.raises(Conflict, match="close"):
            attempt()
    member = Actor("m1", Role.MEMBER, member_code=codes[1])
    assert assemblies.tally(app.uows, member, code).tally == closed.tally


def test_the_live_tally_of_an_open_assembly_is_for_the_board_and_scrutineers(
    app: Application, code: str, codes: list[str]
) -> None:
    member = Actor("m1", Role.MEMBER, member_code=codes[1])
    with pytest.raises(Forbidden):
        assemblies.tally(app.uows, member, code)
    with pytest.raises(Forbidden):
        assemblies.live_marker(app.uows, member, code)


def test_the_live_marker_changes_exactly_when_the_tally_could(
    app: Application, code: str, codes: list[str]
) -> None:
    def marker() -> str:
        found = assemblies.live_marker(app.uows, BOARD, code)
        assert assemblies.tally(app.uows, BOARD, code).marker == found
        return found

    seen = [marker()]
    assert marker() == seen[0]
    _attend(app, code, codes[0], Attendance.PRESENT)
    _attend(app, code, codes[1], Attendance.PRESENT)
    seen.append(marker())
    hands = _resolution(app, code, Method.SHOW_OF_HANDS)
    seen.append(marker())
    assemblies.enter_counts(app.uows, SCRUTINEER, code, hands, "-", {Choice.FOR: 2})
    seen.append(marker())
    # The same total, moved from one choice to another.
    assemblies.enter_counts(
        app.uows, SCRUTINEER, code, hands, "-", {Choice.FOR: 1, Choice.AGAINST: 1}
    )
    seen.append(marker())
    secret = _resolution(app, code, Method.SECRET)
    seen.append(marker())
    assemblies.cast_ballot(app.uows, SCRUTINEER, code, secret, codes[0], Choice.FOR)
    seen.append(marker())
    assemblies.close_assembly(app.uows, SCRUTINEER, code)
    seen.append(marker())
    assert len(set(seen)) == len(seen)


def test_the_minutes_are_signed_only_after_closing(
    app: Application, code: str, codes: list[str]
) -> None:
    with pytest.raises(Conflict, match="après la clôture"):
        assemblies.sign_minutes(app.uows, SCRUTINEER, code, SignatoryRole.PRESIDENT, "Anne Roux")
    assemblies.close_assembly(app.uows, SCRUTINEER, code)
    signed = assemblies.sign_minutes(
        app.uows, SCRUTINEER, code, SignatoryRole.PRESIDENT, "Anne Roux"
    )
    assert signed.name == "Anne Roux"
    view = assemblies.assembly_view(app.uows, BOARD, code)
    assert [(s.role, s.name) for s in view.signatures] == [(SignatoryRole.PRESIDENT, "Anne Roux")]


def test_a_secret_ballot_retried_with_its_key_keeps_no_trace_of_the_choice(
    app: Application, code: str, codes: list[str]
) -> None:
    _attend(app, code, codes[0], Attendance.PRESENT)
    number = _resolution(app, code, Method.SECRET)
    first = assemblies.cast_ballot(
        app.uows, SCRUTINEER, code, number, codes[0], Choice.AGAINST, idempotency_key="s-1"
    )
    again = assemblies.cast_ballot(
        app.uows, SCRUTINEER, code, number, codes[0], Choice.FOR, idempotency_key="s-1"
    )
    assert (again.created, again.recorded_at) == (False, first.recorded_at)
    with app.uows() as uow:
        session = uow.session  # type: ignore[attr-defined]
        (stored,) = session.execute(select(idempotency_keys)).all()
    candidates = {
        idempotency.fingerprint(
            {"assembly": code, "resolution": number, "voter": codes[0], "choice": choice.value}
        )
        for choice in Choice
    }
    assert stored.request_hash not in candidates
    assert "against" not in stored.response


def test_simultaneous_proxies_to_one_holder_stop_at_the_limit(
    app: Application, code: str, codes: list[str]
) -> None:
    _attend(app, code, codes[0], Attendance.PRESENT)

    def give(grantor: str) -> str:
        try:
            _attend(app, code, grantor, Attendance.REPRESENTED, codes[0])
        except InvalidInput:
            return "refusé"
        return "accepté"

    with ThreadPoolExecutor(4) as pool:
        outcomes = list(pool.map(give, codes[1:5]))

    assert outcomes.count("accepté") == 2
    line = {r.member_code: r for r in assemblies.roll_view(app.uows, BOARD, code)}
    assert len(line[codes[0]].proxies_held) == 2


def test_an_attendance_behind_a_show_of_hands_cannot_be_struck(
    app: Application, code: str, codes: list[str]
) -> None:
    _attend(app, code, codes[0], Attendance.PRESENT)
    _attend(app, code, codes[1], Attendance.PRESENT)
    number = _resolution(app, code, Method.SHOW_OF_HANDS)
    assemblies.enter_counts(app.uows, SCRUTINEER, code, number, "-", {Choice.FOR: 2})
    with pytest.raises(Conflict, match="main levée"):
        assemblies.cancel_attendance(app.uows, SCRUTINEER, code, codes[1])


def test_closing_waits_for_the_hands_of_every_college_attending(
    app: Application, code: str, codes: list[str]
) -> None:
    _attend(app, code, codes[0], Attendance.PRESENT)
    number = _resolution(app, code, Method.SHOW_OF_HANDS)
    with pytest.raises(Conflict, match="saisissez d'abord les voix"):
        assemblies.close_assembly(app.uows, SCRUTINEER, code)
    assemblies.enter_counts(app.uows, SCRUTINEER, code, number, "-", {Choice.AGAINST: 1})
    assert assemblies.close_assembly(app.uows, SCRUTINEER, code).final


def test_an_assembly_is_not_closed_before_the_day_it_is_held(
    app: Application, codes: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOUVERNANCE_TODAY", "2026-06-19")
    later = assemblies.create_assembly(
        app.uows, BOARD, title="AG", held_on=date(2026, 6, 20), statutes_id=STATUTES
    ).summary.code
    with pytest.raises(InvalidInput, match="avant d'avoir été tenue"):
        assemblies.close_assembly(app.uows, SCRUTINEER, later)


def test_a_second_convocation_follows_a_first_closed_without_quorum(
    app: Application, codes: list[str]
) -> None:
    def convene(convocation: int, previous: str | None = None) -> str:
        return assemblies.create_assembly(
            app.uows, BOARD, title="AGE", held_on=date(2026, 6, 20), kind="extraordinary",
            convocation=convocation, previous_code=previous, statutes_id=STATUTES,
        ).summary.code  # fmt: skip

    with pytest.raises(InvalidInput, match="nomme l'assemblée précédente") as refused:
        convene(2)
    assert refused.value.field == "previous"
    first = convene(1)
    with pytest.raises(InvalidInput, match="n'est pas close"):
        convene(2, first)
    assemblies.close_assembly(app.uows, SCRUTINEER, first)  # nobody came: 0 of 6 < 1/3
    second = convene(2, first)
    assert assemblies.assembly_view(app.uows, BOARD, second).summary.convocation == 2
    quorate = convene(1)
    for member in codes:
        _attend(app, quorate, member, Attendance.PRESENT)
    assemblies.close_assembly(app.uows, SCRUTINEER, quorate)
    with pytest.raises(InvalidInput, match="le quorum était atteint"):
        convene(2, quorate)
