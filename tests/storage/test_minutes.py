"""The minutes of an assembly: the figures and explanations of the tally, a draft while open,
the signatures once closed; HTML and PDF, on SQLite and PostgreSQL.

An association's extraordinary assembly (the demo association's statutes: no colleges, 2
proxies each, blank proxies for the board, two thirds of the votes cast): five members, three
present, one represented, one blank proxy."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest

from gouvernance.bootstrap import Application
from gouvernance.domain.assembly.model import Attendance, Choice, Method, SignatoryRole
from gouvernance.domain.errors import Forbidden, InvalidInput
from gouvernance.domain.members import MemberDraft, PersonKind
from gouvernance.domain.organisation import Organisation
from gouvernance.domain.users import SYSTEM, Actor, Role
from gouvernance.services.assembly import assemblies
from gouvernance.services.assembly.minutes import TABLE_SIZE, compose, minutes
from gouvernance.services.organisation import setup
from gouvernance.services.printing.documents import font, new_pdf, typo
from gouvernance.services.registry import members

BOARD = Actor("bureau", Role.BOARD)
SCRUTINEER = Actor("scrutateur", Role.SCRUTINEER)
MEMBER = Actor("adherent", Role.MEMBER, member_code="M1")
LONG_CODE = "CRAU-FORMATION-ADH05"  # the longest code a member may have: 20 characters
PEOPLE = {"M1": "Anne", "M2": "Bruno", "M3": "Chantal", "M4": "David", LONG_CODE: "Emma"}


@pytest.fixture
def assembly(app: Application, monkeypatch: pytest.MonkeyPatch) -> str:
    """Five members, an extraordinary assembly with its attendance and one resolution voted."""
    monkeypatch.setenv("GOUVERNANCE_TODAY", "2026-11-22")
    setup.set_organisation(
        app.uows,
        SYSTEM,
        Organisation(name="Association Essai", legal_form="association", rna="W133001234"),
    )
    for code, first in PEOPLE.items():
        draft = MemberDraft(
            kind=PersonKind.NATURAL,
            category="volunteer",
            joined_on=date(2020, 1, 1),
            first_name=first,
            last_name="Essai",
            code=code,
        )
        members.create_member(app.uows, SYSTEM, draft)
    view = assemblies.create_assembly(
        app.uows,
        BOARD,
        title="Assemblée extraordinaire de novembre",
        held_on=date(2026, 11, 14),
        kind="extraordinary",
        statutes_id="demo-statuts-association",
    )
    code = view.summary.code
    for member in ("M1", "M2", "M3"):
        assemblies.record_attendance(app.uows, SCRUTINEER, code, member, Attendance.PRESENT)
    assemblies.record_attendance(
        app.uows, SCRUTINEER, code, "M4", Attendance.REPRESENTED, holder="M1"
    )
    assemblies.record_attendance(app.uows, SCRUTINEER, code, LONG_CODE, Attendance.BLANK_PROXY)
    assemblies.add_resolution(
        app.uows, BOARD, code, title="Modification des statuts", method=Method.OPEN
    )
    for voter, choice in (("M1", Choice.FOR), ("M2", Choice.FOR), ("M3", Choice.AGAINST)):
        assemblies.cast_ballot(app.uows, SCRUTINEER, code, 1, voter, choice)
    assemblies.cast_ballot(app.uows, SCRUTINEER, code, 1, "M4", Choice.FOR)
    return code


def _text(app: Application, actor: Actor, code: str) -> str:
    document = minutes(app.uows, actor, code, "html")
    assert document.filename == f"pv-{code}.html"
    assert document.media_type.startswith("text/html")
    return html.unescape(document.content.decode("utf-8"))


def test_the_minutes_hold_the_attendance_the_quorum_and_the_explained_result(
    app: Application, assembly: str
) -> None:
    assemblies.close_assembly(app.uows, SCRUTINEER, assembly)
    result = assemblies.tally(app.uows, SCRUTINEER, assembly).tally

    page = _text(app, SCRUTINEER, assembly)

    assert "Procès-verbal de l'assemblée générale extraordinaire du 14 novembre 2026" in page
    assert "Association Essai" in page
    assert "Statuts de l'association Alpilles Réemploi" in page
    assert "tenue le 14 novembre 2026." in page
    assert "Enregistrée dans Gouvernance le " in page
    assert "Convoquée" not in page
    assert "5 associés ont le droit de vote à cette assemblée." in page
    assert (
        "5 associés présents, représentés, ayant voté à distance, par correspondance ou par "
        "pouvoir en blanc sur 5 (100\u00a0%)." in page
    )
    assert "Chacun peut détenir au plus 2 pouvoirs." in page
    assert "représenté par M1" in page
    assert "pouvoir en blanc" in page
    quorum = result.quorums[0]
    assert quorum.reached
    assert typo(quorum.explanation) in page
    resolution = result.resolutions[0]
    assert (resolution.headcount.for_, resolution.headcount.against) == (4, 1)
    assert "Résolution 1 — Modification des statuts" in page
    assert page.count("Résolution adoptée.") == 1  # the result, stated once
    assert "des voix en faveur" not in page
    for line in resolution.explanation:
        assert typo(line) in page
    assert "Projet de procès-verbal" not in page


def test_an_open_assembly_gives_a_draft_marked_as_such_and_awaiting_signatures(
    app: Application, assembly: str
) -> None:
    page = _text(app, BOARD, assembly)

    assert "Projet de procès-verbal\u00a0: l'assemblée est encore ouverte" in page
    assert (
        "En attente de signature, après la clôture\u00a0: président de séance, secrétaire, "
        "scrutateur(s)." in page
    )
    assert "Signé par" not in page


def test_a_member_reads_the_minutes_only_once_the_assembly_is_closed(
    app: Application, assembly: str
) -> None:
    with pytest.raises(Forbidden):
        minutes(app.uows, MEMBER, assembly, "html")

    assemblies.close_assembly(app.uows, SCRUTINEER, assembly)

    assert "Résolution adoptée." in _text(app, MEMBER, assembly)


def test_the_signatures_are_listed_with_who_still_has_to_sign(
    app: Application, assembly: str
) -> None:
    assemblies.close_assembly(app.uows, SCRUTINEER, assembly)
    assemblies.sign_minutes(app.uows, SCRUTINEER, assembly, SignatoryRole.PRESIDENT, "Anne Essai")
    assemblies.sign_minutes(app.uows, SCRUTINEER, assembly, SignatoryRole.SECRETARY, "Bruno Essai")

    partly = _text(app, SCRUTINEER, assembly)
    assemblies.sign_minutes(
        app.uows, SCRUTINEER, assembly, SignatoryRole.SCRUTINEER, "Chantal Essai"
    )
    signed = _text(app, SCRUTINEER, assembly)

    assert "Signé par Anne Essai, président de séance, le " in partly
    assert "Signé par Bruno Essai, secrétaire, le " in partly
    assert "En attente de signature\u00a0: scrutateur(s)." in partly
    assert "Signé par Chantal Essai, scrutateur, le " in signed
    assert "Procès-verbal signé." in signed
    assert "En attente de signature" not in signed


def test_the_minutes_print_as_a_pdf_named_after_the_assembly(
    app: Application, assembly: str
) -> None:
    assemblies.close_assembly(app.uows, SCRUTINEER, assembly)

    first = minutes(app.uows, SCRUTINEER, assembly, "PDF")
    again = minutes(app.uows, SCRUTINEER, assembly, "pdf")

    assert first.filename == f"pv-{assembly}.pdf"
    assert first.media_type == "application/pdf"
    assert first.content.startswith(b"%PDF")
    assert first.content == again.content


def test_an_unknown_format_is_refused_naming_the_formats(app: Application, assembly: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        minutes(app.uows, SCRUTINEER, assembly, "docx")

    assert refused.value.field == "format"
    assert "html, pdf" in refused.value.message


def test_in_the_pdf_no_header_nor_member_code_is_cut_in_the_middle_of_a_word(
    app: Application, assembly: str
) -> None:
    assemblies.close_assembly(app.uows, SCRUTINEER, assembly)
    content = compose(
        "Association Essai",
        assemblies.assembly_view(app.uows, SCRUTINEER, assembly),
        assemblies.roll_view(app.uows, SCRUTINEER, assembly),
        assemblies.tally(app.uows, SCRUTINEER, assembly),
    )
    pdf = new_pdf("essai", date(2026, 11, 14))
    pdf.add_page()
    padding = 2 * pdf.c_margin
    tables = [*content.attendance_tables, *(block.table for block in content.resolutions)]
    too_wide = []
    for grid in tables:
        assert sum(grid.widths) == 170
        for row, bold in ((grid.headers, True), *((cells, False) for cells in grid.rows)):
            font(pdf, TABLE_SIZE, bold=bold)
            for cell, width in zip(row, grid.widths, strict=True):
                too_wide += [
                    (grid.title, word)
                    for word in cell.split(" ")
                    if pdf.get_string_width(word) + padding > width
                ]

    assert too_wide == []
    assert any(LONG_CODE in row for row in content.attendance_tables[1].rows)
    assert "Contre" in content.resolutions[0].table.headers


def test_the_counts_of_the_minutes_agree_with_their_numbers(
    app: Application, assembly: str
) -> None:
    assemblies.add_resolution(app.uows, BOARD, assembly, title="Cotisation", method=Method.OPEN)
    for voter, choice in (("M1", Choice.ABSTAIN), ("M2", Choice.ABSTAIN), ("M3", Choice.NULL)):
        assemblies.cast_ballot(app.uows, SCRUTINEER, assembly, 2, voter, choice)
    assemblies.close_assembly(app.uows, SCRUTINEER, assembly)

    page = _text(app, SCRUTINEER, assembly)

    resolution = re.sub(r"<td[^>]*>", "<td>", page[page.index("Résolution 2 — Cotisation") :])
    # pour, contre, abstentions, blancs et nuls, base: the figures, once, in the table
    assert "<td>1</td><td>0</td><td>2</td><td>1</td><td>1</td>" in resolution
    assert resolution.count("Résolution adoptée.") == 1


def test_a_rejected_resolution_quotes_its_text_instead_of_stating_it_as_done(
    app: Application, assembly: str
) -> None:
    text = "L'assemblée élit Mme Anne Essai au conseil d'administration."
    assemblies.add_resolution(
        app.uows, BOARD, assembly, title="Élection", text=text, method=Method.OPEN
    )
    for voter in ("M1", "M2", "M3"):
        assemblies.cast_ballot(app.uows, SCRUTINEER, assembly, 2, voter, Choice.AGAINST)
    assemblies.close_assembly(app.uows, SCRUTINEER, assembly)

    page = _text(app, SCRUTINEER, assembly)
    resolution = page[page.index("Résolution 2 — Élection") :]

    assert f"Texte soumis au vote, non adopté\u00a0: «\u00a0{text}" in resolution
    assert f"<p>{text}</p>" not in resolution
    assert resolution.count("Résolution rejetée.") == 1
    assert "Résolution adoptée." not in resolution


def test_the_organisations_president_signs_with_the_title_as_registered_and_no_login_is_printed(
    app: Application, assembly: str
) -> None:
    setup.set_organisation(
        app.uows,
        SYSTEM,
        Organisation(
            name="Association Essai",
            legal_form="association",
            rna="W133001234",
            president_name="Anne Essai",
            president_title="Présidente",
        ),
    )
    assemblies.close_assembly(app.uows, SCRUTINEER, assembly)
    assemblies.sign_minutes(app.uows, SCRUTINEER, assembly, SignatoryRole.PRESIDENT, "Anne Essai")
    assemblies.sign_minutes(app.uows, SCRUTINEER, assembly, SignatoryRole.SECRETARY, "Bruno Essai")

    page = _text(app, SCRUTINEER, assembly)

    assert "Signé par Anne Essai, Présidente, président de séance, le " in page
    assert "Signé par Bruno Essai, secrétaire, le " in page  # not the registered president
    assert "signature enregistrée par le compte scrutateur" in page
    assert "Enregistrée dans Gouvernance le " in page
    assert "par le compte bureau" in page
    assert "cli:" not in page
