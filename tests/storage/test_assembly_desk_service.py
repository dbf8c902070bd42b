"""The assembly desk's services on a real database (SQLite, and PostgreSQL when its URL is set),
on the demo's open assembly AG-2026-02 (43 associates, six lines on the sheet, proxies: 2 at
most): the door's page of the roll searched in SQL, a holder typed by name, a postal voting
form recorded in one transaction, the sheet of a show of hands, what closing still lacks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from gouvernance.bootstrap import Application
from gouvernance.domain.assembly.model import NO_COLLEGE, Attendance, Choice, Method
from gouvernance.domain.assembly.tally import Counts
from gouvernance.domain.errors import Conflict, Forbidden, InvalidInput
from gouvernance.domain.members import MemberDraft, PersonKind
from gouvernance.domain.users import SYSTEM, Actor, Role
from gouvernance.services import audit
from gouvernance.services.assembly import assemblies, desk, minutes
from gouvernance.services.registry import members

OPEN = "AG-2026-02"
BOARD = Actor("bureau", Role.BOARD)
SCRUTINEER = Actor("scrutateur", Role.SCRUTINEER)
MEMBER = Actor("adherent", Role.MEMBER, member_code="RESSOURCERIE")
SIGNED = ["BEN01", "BEN02", "MISTRAL", "RESSOURCERIE", "SAL01", "VALLON"]


@pytest.fixture
def demo(
    app: Application, demo_loader: Callable[[str], None], database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> Application:  # fmt: skip
    """The demo on the day of its open assembly (12 December 2026)."""
    monkeypatch.setenv("GOUVERNANCE_TODAY", "2026-12-12")
    demo_loader(database_url)
    return app


def codes(page: desk.RollPage) -> list[str]:
    return [d.line.member_code for d in page.lines]


def found(app: Application, search: str, **options: object) -> list[str]:
    return codes(desk.roll_page(app.uows, SCRUTINEER, OPEN, search=search, **options))  # type: ignore[arg-type]


def show_of_hands(app: Application) -> int:
    return assemblies.add_resolution(
        app.uows, BOARD, OPEN, title="Pouvoirs au conseil", method=Method.SHOW_OF_HANDS
    ).number


# --- the door ---------------------------------------------------------------------------------


def test_the_roll_is_searched_in_the_database_by_name_without_accents_or_by_code(
    demo: Application,
) -> None:
    assert found(demo, "aicha") == ["BEN09"]  # Aïcha Traoré
    assert found(demo, "TRAORÉ") == ["BEN09"]
    assert found(demo, "ÉLODIE") == ["BEN03"]
    assert found(demo, "chloe martin") == ["BEN11"]
    assert found(demo, "ben1") == [f"BEN{n}" for n in range(10, 20)]
    assert found(demo, "%") == [] and found(demo, "_") == []  # wildcards matched as typed


def test_capitals_ligatures_and_letters_outside_french_are_found_as_typed(
    demo: Application,
) -> None:
    for first, last, code in (("Zoé", "ÉVRARD", "ZEV"), ("Cœur", "de Crau", "CDC"),
                              ("Ñuria", "Øster", "NOS")):  # fmt: skip
        draft = MemberDraft(
            kind=PersonKind.NATURAL, category="volunteer", joined_on=date(2026, 1, 1),
            first_name=first, last_name=last, code=code,
        )  # fmt: skip
        members.create_member(demo.uows, SYSTEM, draft)
    code = assemblies.create_assembly(
        demo.uows, BOARD, title="AG de décembre", held_on=date(2026, 12, 19),
        statutes_id="demo-statuts-association",
    ).summary.code  # fmt: skip

    def search(text: str) -> list[str]:
        return codes(desk.roll_page(demo.uows, SCRUTINEER, code, search=text))

    assert search("evrard") == search("Évrard") == search("zoe ÉV") == ["ZEV"]
    assert search("coeur") == search("CŒUR") == ["CDC"]
    assert search("ñuria") == search("ÑURIA") == search("øster") == ["NOS"]
    assert search("zev") == ["ZEV"]  # the code


def test_the_door_gets_one_page_of_the_roll_and_the_whole_sheet_s_counts(
    demo: Application,
) -> None:
    page = desk.roll_page(demo.uows, SCRUTINEER, OPEN, page=5, per_page=10)
    assert (page.total, page.pages, len(page.lines), page.page) == (43, 5, 3, 5)
    assert page.attendance == {
        Attendance.PRESENT: 4, Attendance.REMOTE: 0, Attendance.POSTAL: 1,
        Attendance.REPRESENTED: 1, Attendance.BLANK_PROXY: 0,
    }  # fmt: skip
    assert (page.attending, page.entitled, page.proxy_limit, page.blank_proxies) == (6, 43, 2, True)
    assert codes(desk.roll_page(demo.uows, SCRUTINEER, OPEN, signed=True)) == SIGNED
    waiting = desk.roll_page(demo.uows, SCRUTINEER, OPEN, signed=False, per_page=100)
    assert waiting.total == 37 and not set(codes(waiting)) & set(SIGNED)


def test_each_line_of_the_door_says_what_may_still_be_done_with_it(demo: Application) -> None:
    assemblies.cast_ballot(demo.uows, SCRUTINEER, OPEN, 1, "SAL01", Choice.FOR)
    page = desk.roll_page(demo.uows, SCRUTINEER, OPEN, signed=True)
    lines = {d.line.member_code: d for d in page.lines}
    holder = lines["RESSOURCERIE"]
    assert holder.line.proxies_held == ("BEN02",)
    assert (holder.may_strike, holder.why_not_strike) == (False, "détient les pouvoirs de BEN02")
    assert (lines["SAL01"].voted, lines["SAL01"].why_not_strike) == (True, "a déjà voté")
    assert lines["BEN01"].may_strike and not lines["BEN01"].may_sign
    assert lines["BEN02"].line.holder_code == "RESSOURCERIE"
    newcomer = desk.roll_page(demo.uows, SCRUTINEER, OPEN, search="BEN03").lines[0]
    assert newcomer.may_sign and not newcomer.may_strike and newcomer.why_not_strike == ""


def test_a_holder_typed_by_name_is_found_among_those_attending_in_person_or_remotely(
    demo: Application,
) -> None:
    assemblies.record_attendance(demo.uows, SCRUTINEER, OPEN, "BEN03", Attendance.PRESENT)
    view = desk.represent(demo.uows, SCRUTINEER, OPEN, "BEN05", "perrin")
    assert (view.member_code, view.mode, view.holder_code, view.proxies_held) == (
        "BEN05", Attendance.REPRESENTED, "BEN03", 1,
    )  # fmt: skip
    assert desk.represent(demo.uows, SCRUTINEER, OPEN, "ben06", "ben03").holder_code == "BEN03"

    with pytest.raises(InvalidInput) as past:
        desk.represent(demo.uows, SCRUTINEER, OPEN, "BEN07", "Élodie")
    assert past.value.field == "holder"
    assert "pouvoir refusé : Élodie Perrin (BEN03) détient déjà 2 pouvoirs" in past.value.message
    with pytest.raises(InvalidInput) as absent:
        desk.represent(demo.uows, SCRUTINEER, OPEN, "BEN07", "Nadia")  # BEN05: represented
    assert "aucun associé présent ou à distance ne répond à « Nadia »" in absent.value.message
    assemblies.record_attendance(demo.uows, SCRUTINEER, OPEN, "BEN04", Attendance.REMOTE)
    with pytest.raises(InvalidInput) as several:
        desk.represent(demo.uows, SCRUTINEER, OPEN, "BEN07", "e")
    assert "6 associés présents ou à distance répondent à « e » : Marie Aubert (BEN01)" in (
        several.value.message
    )
    assert "Camille Roux (SAL01)" not in several.value.message  # five named, then the count
    assert "et 1 autre ; tapez le code" in several.value.message
    with pytest.raises(InvalidInput) as empty:
        desk.represent(demo.uows, SCRUTINEER, OPEN, "BEN07", "  ")
    assert empty.value.message.startswith("tapez le code ou le nom")
    with pytest.raises(Forbidden):
        desk.represent(demo.uows, BOARD, OPEN, "BEN07", "BEN03")


# --- postal ballots ---------------------------------------------------------------------------


def test_a_postal_form_is_recorded_in_one_transaction_and_a_retry_records_nothing_more(
    demo: Application,
) -> None:
    choices = {1: Choice.FOR, 2: Choice.AGAINST}
    receipts = desk.cast_paper_ballots(
        demo.uows, SCRUTINEER, OPEN, "vallon", choices, idempotency_key="formulaire-vallon"
    )
    assert [(r.resolution, r.voter_code, r.secret, r.choice) for r in receipts] == [
        (1, "VALLON", False, Choice.FOR), (2, "VALLON", True, None),
    ]  # fmt: skip
    entries = [e for e in audit.recent(demo.uows, SYSTEM, 5) if e.action == "assemblee.vote"]
    assert len(entries) == 2
    assert all("against" not in e.detail for e in entries)  # never the secret choice

    again = desk.cast_paper_ballots(
        demo.uows, SCRUTINEER, OPEN, "VALLON", choices, idempotency_key="formulaire-vallon"
    )
    assert [(r.resolution, r.created) for r in again] == [(1, False), (2, False)]
    assert [r.ballots for r in assemblies.assembly_view(demo.uows, BOARD, OPEN).resolutions] == [
        1, 1,
    ]  # fmt: skip
    sheet = desk.paper_ballots(demo.uows, SCRUTINEER, OPEN, "VALLON")
    assert sorted(sheet.receipts) == [1, 2] and sheet.receipts[2].choice is None
    assert sheet.may_vote and sheet.line.attendance is Attendance.POSTAL


def test_a_postal_form_with_one_refused_ballot_writes_none(demo: Application) -> None:
    assemblies.cast_ballot(demo.uows, SCRUTINEER, OPEN, 1, "SAL01", Choice.FOR)
    with pytest.raises(Conflict) as twice:
        desk.cast_paper_ballots(
            demo.uows, SCRUTINEER, OPEN, "SAL01", {1: Choice.AGAINST, 2: Choice.FOR}
        )
    assert "a déjà voté sur la résolution n° 1" in twice.value.message
    number = show_of_hands(demo)
    with pytest.raises(InvalidInput) as hands:
        desk.cast_paper_ballots(
            demo.uows, SCRUTINEER, OPEN, "VALLON", {2: Choice.FOR, number: Choice.FOR}
        )
    assert "se vote à main levée" in hands.value.message
    assert [r.ballots for r in assemblies.assembly_view(demo.uows, BOARD, OPEN).resolutions] == [
        1, 0, 0,
    ]  # fmt: skip
    with pytest.raises(InvalidInput) as nothing:
        desk.cast_paper_ballots(demo.uows, SCRUTINEER, OPEN, "VALLON", {})
    assert nothing.value.field == "choices"
    with pytest.raises(Forbidden):
        desk.cast_paper_ballots(demo.uows, MEMBER, OPEN, "RESSOURCERIE", {1: Choice.FOR})


def test_no_paper_ballot_is_offered_for_a_blank_proxy_or_an_associate_not_signed_in(
    demo: Application,
) -> None:
    assemblies.record_attendance(demo.uows, SCRUTINEER, OPEN, "BEN19", Attendance.BLANK_PROXY)
    blank = desk.paper_ballots(demo.uows, SCRUTINEER, OPEN, "BEN19")
    assert not blank.may_vote and "pouvoir en blanc" in blank.reason
    absent = desk.paper_ballots(demo.uows, SCRUTINEER, OPEN, "BEN03")
    assert not absent.may_vote and "n'a pas émargé" in absent.reason


# --- show of hands and closing ----------------------------------------------------------------


def test_the_hand_sheet_shows_the_attendance_behind_each_count_and_the_counts_entered(
    demo: Application,
) -> None:
    number = show_of_hands(demo)
    assemblies.record_attendance(demo.uows, SCRUTINEER, OPEN, "BEN19", Attendance.BLANK_PROXY)
    (college,) = desk.hand_sheet(demo.uows, BOARD, OPEN, number).colleges
    assert (college.code, college.label, college.attending, college.blank_proxies) == (
        NO_COLLEGE, "Ensemble des associés", 6, 1,
    )  # fmt: skip
    assert college.counts is None
    assemblies.enter_counts(
        demo.uows, SCRUTINEER, OPEN, number, NO_COLLEGE, {Choice.FOR: 5, Choice.ABSTAIN: 1}
    )
    (college,) = desk.hand_sheet(demo.uows, BOARD, OPEN, number).colleges
    assert college.counts == Counts(for_=5, abstain=1)
    with pytest.raises(InvalidInput) as ballots:
        desk.hand_sheet(demo.uows, BOARD, OPEN, 1)
    assert "se vote par bulletins" in ballots.value.message


def test_closing_check_lists_what_blocks_the_close_and_what_to_look_at(
    demo: Application, monkeypatch: pytest.MonkeyPatch
) -> None:
    number = show_of_hands(demo)
    check = desk.closing_check(demo.uows, SCRUTINEER, OPEN)
    assert check.open and (check.attending, check.entitled) == (6, 43)
    assert check.blocking == (
        f"résolution n° {number} (main levée) : saisissez les voix de : Ensemble des associés "
        "(0 si personne n'a levé la main)",
    )
    assert check.warnings == (
        "résolution n° 1 « Budget prévisionnel 2027 » : aucun bulletin (elle sera rejetée faute "
        "de voix)",
        "résolution n° 2 « Élection de deux administrateurs » : aucun bulletin (elle sera "
        "rejetée faute de voix)",
    )
    monkeypatch.setenv("GOUVERNANCE_TODAY", "2026-12-11")
    early = desk.closing_check(demo.uows, SCRUTINEER, OPEN)
    assert early.blocking[0] == ("l'assemblée du 12/12/2026 ne se clôt pas avant d'avoir été tenue")
    monkeypatch.setenv("GOUVERNANCE_TODAY", "2026-12-12")
    assemblies.enter_counts(demo.uows, SCRUTINEER, OPEN, number, NO_COLLEGE, {Choice.FOR: 6})
    desk.cast_paper_ballots(demo.uows, SCRUTINEER, OPEN, "VALLON", {1: Choice.FOR, 2: Choice.FOR})
    ready = desk.closing_check(demo.uows, SCRUTINEER, OPEN)
    assert (ready.blocking, ready.warnings) == ((), ())
    assemblies.close_assembly(demo.uows, SCRUTINEER, OPEN)
    assert not desk.closing_check(demo.uows, SCRUTINEER, OPEN).open


# --- who uses the desk, convening, the minutes' text ------------------------------------------


def test_the_desk_is_refused_to_a_member_and_to_the_treasurer_in_french(
    demo: Application,
) -> None:
    for actor, role in ((MEMBER, "adhérent"), (Actor("tresorier", Role.TREASURER), "trésorier")):
        with pytest.raises(Forbidden) as refused:
            desk.roll_page(demo.uows, actor, OPEN)
        assert f"le rôle {role} n'y a pas accès" in refused.value.message
        with pytest.raises(Forbidden):
            desk.closing_check(demo.uows, actor, OPEN)
    desk.require_desk(BOARD)
    desk.require_desk(SCRUTINEER)
    desk.require_desk(SYSTEM)


def test_convening_offers_every_statutes_document_the_organisation_s_first(
    demo: Application,
) -> None:
    choices = desk.convene_choices(demo.uows, BOARD)
    assert choices.chosen == "demo-statuts-scic"
    assert [(s.id, s.chosen) for s in choices.statutes] == [
        ("demo-statuts-scic", True), ("demo-statuts-association", False),
    ]  # fmt: skip
    assert [a.code for a in choices.closed] == ["AG-2026-01"]
    with pytest.raises(Forbidden):
        desk.convene_choices(demo.uows, SCRUTINEER)


def test_the_minutes_text_for_the_page_is_the_one_the_file_prints(demo: Application) -> None:
    content = minutes.content(demo.uows, BOARD, OPEN)
    html = minutes.minutes(demo.uows, BOARD, OPEN, "html").content.decode()
    assert content.title == "Procès-verbal de l'assemblée générale ordinaire du 12 décembre 2026"
    assert content.banner.startswith("Projet de procès-verbal")
    assert content.title.replace("'", "&#39;") in html
    with pytest.raises(Forbidden):
        minutes.content(demo.uows, MEMBER, OPEN)
