"""The convocation to an assembly (HTML and PDF), on the demo's open assembly AG-2026-02 of
12 December 2026: the organisation, the title and kind, the agenda with each decision rule, how
to vote online and give a proxy, signed by the president; refused once the assembly is closed."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import pytest

from gouvernance.bootstrap import Application
from gouvernance.domain.errors import Conflict, InvalidInput
from gouvernance.domain.users import Actor, Role
from gouvernance.services.assembly.convocation import convocation

MEMBER = Actor("adherent", Role.MEMBER, member_code="RESSOURCERIE")


@pytest.fixture
def demo(
    app: Application,
    database_url: str,
    demo_loader: Callable[[str], None],
    monkeypatch: pytest.MonkeyPatch,
) -> Application:
    monkeypatch.setenv("GOUVERNANCE_TODAY", "2026-11-25")
    demo_loader(database_url)
    return app


def _text(page: bytes) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page.decode())))


def test_the_convocation_gives_the_agenda_the_rules_and_how_to_vote_and_give_a_proxy(
    demo: Application,
) -> None:
    page = convocation(
        demo.uows, MEMBER, "ag-2026-02", "html", public_url="https://gouvernance.example.org"
    )
    assert page.filename == "convocation-AG-2026-02.html"
    text = _text(page.content)
    assert "Convocation à l'assemblée générale ordinaire du 12 décembre 2026" in text
    assert "PTCE Alpilles Réemploi" in text and "SIREN 843167024" in text
    assert "samedi 12 décembre 2026 (première convocation)" in text
    assert "1. Budget prévisionnel 2027" in text and "2. Élection de deux administrateurs" in text
    assert (
        "Assemblée générale ordinaire : aucun quorum requis ; majorité : plus de la moitié des "
        "voix exprimées."
    ) in text
    assert "vote à bulletin secret" in text
    assert "https://gouvernance.example.org/assemblees/AG-2026-02/voter" in text
    assert "https://gouvernance.example.org/mon-espace/pouvoirs" in text
    assert "Pouvoirs : au plus 2 pouvoirs par associé." in text
    assert "43 associés inscrits" in text
    assert "Fait à Vallon-les-Alpilles, le 25 novembre 2026," in text
    assert "Mireille Aubanel Présidente" in text


def test_without_a_public_address_the_convocation_points_to_the_web_application(
    demo: Application,
) -> None:
    text = _text(convocation(demo.uows, MEMBER, "AG-2026-02", "html").content)
    assert "sur l'application web de PTCE Alpilles Réemploi, rubrique « Assemblées »" in text


def test_the_pdf_is_a_pdf_and_the_same_day_gives_the_same_bytes(demo: Application) -> None:
    first = convocation(demo.uows, MEMBER, "AG-2026-02", "pdf")
    assert first.media_type == "application/pdf" and first.content.startswith(b"%PDF")
    assert convocation(demo.uows, MEMBER, "AG-2026-02", " PDF ").content == first.content


def test_a_closed_assembly_or_an_unknown_format_is_refused(demo: Application) -> None:
    with pytest.raises(Conflict, match="AG-2026-01 est close"):
        convocation(demo.uows, MEMBER, "AG-2026-01", "pdf")
    with pytest.raises(InvalidInput, match="format inconnu « docx »"):
        convocation(demo.uows, MEMBER, "AG-2026-02", "docx")
