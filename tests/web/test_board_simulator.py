"""The board's simulator through HTTP: the demo's three scenarios side by side with their
totals and charts, a member's calculation step by step, the spreadsheet, the refusals in French.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from html import unescape
from io import BytesIO
from urllib.parse import unquote

import pytest
from navigateur import SignIn
from openpyxl import load_workbook

from gouvernance.bootstrap import Application
from gouvernance.domain.fees.comparison import format_cents
from gouvernance.domain.money import from_cents
from gouvernance.domain.users import Actor, Role
from gouvernance.services.contributions import fees
from web.routes import board

BOARD = Actor("bureau", Role.BOARD)
DEMO = ("demo-forfait", "demo-bareme-ca", "demo-quote-part")
SVG = re.compile(r"<svg\b.*?</svg>", re.DOTALL)


def _text(html: str) -> str:
    """The page as a person reads it: tags dropped, entities decoded, runs of ordinary spaces
    collapsed (the no-break spaces of amounts are kept, as the page shows them)."""
    return re.sub(r"[ \t\r\n]+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def _row(html: str, header: str) -> str:
    """The text of the table row headed by ``header`` (its ``<th scope="row">``)."""
    for row in re.findall(r"<tr>.*?</tr>", html, re.DOTALL):
        if re.search(rf'<th scope="row">\s*(<a [^>]*>)?{re.escape(header)}\s*<', row):
            return _text(row)
    raise AssertionError(f"pas de ligne « {header} »")


def test_the_board_compares_the_three_demo_scenarios_with_their_totals(
    sign_in: SignIn, web_demo: Application
) -> None:
    page = sign_in("bureau").get("/conseil/simulation")
    assert page.status_code == 200
    assert page.text.count("<h1") == 1
    for schedule_id in DEMO:
        assert re.search(rf'value="{schedule_id}" checked', page.text)
    assert not re.search(r'value="exemple-cae" checked', page.text)
    expected = fees.simulate(web_demo.uows, BOARD, [], None)
    assert [s.id for s in expected.scenarios] == list(DEMO)
    totals = _row(page.text, "Total appelé")
    assert (
        totals.split()
        == (
            "Total appelé " + " ".join(format_cents(s.total_cents) for s in expected.scenarios)
        ).split()
    )
    # The figure the terminal prints for the flat fee (« gouvernance simulate »).
    assert "3\u202f880,00\u00a0€" in totals
    assert "Membres sans données (hors total) 0 2 2" in _row(
        page.text, "Membres sans données (hors total)"
    )
    mistral = _row(page.text, "MISTRAL")
    assert "1\u202f262,50\u00a0€ écart +862,50\u00a0€ effort 0,10\u00a0%" in mistral
    missing = _text(page.text.split('id="manques-titre"')[1].split("</section>")[0])
    assert "CRAU-FORMATION Crau Formation bénéfice 2026" in missing
    changes = _text(page.text.split('id="variations-titre"')[1].split("</section>")[0])
    assert "CC-ALPILLES" in changes and "+2\u202f600,00\u00a0€" in changes


def test_the_charts_are_svg_with_a_title_a_description_and_their_data_as_a_table(
    sign_in: SignIn,
) -> None:
    page = sign_in("bureau").get("/conseil/simulation")
    drawings = SVG.findall(page.text)
    assert len(drawings) == 3  # totals, distribution, winners and losers
    titles = []
    for drawing in drawings:
        svg = ET.fromstring(drawing)
        assert svg.get("role") == "img" and svg.get("viewBox", "").startswith("0 0 ")
        assert "style" not in drawing
        title = svg.find("{http://www.w3.org/2000/svg}title")
        desc = svg.find("{http://www.w3.org/2000/svg}desc")
        assert title is not None and desc is not None and desc.text
        assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
        titles.append(title.text)
    assert titles == [
        "Total appelé par barème",
        "Répartition des montants par barème",
        "Qui paierait plus, qui paierait moins, par rapport à A",
    ]
    assert page.text.count('<figure class="graphique"') == 3
    assert page.text.count("<figcaption>") == 3
    assert page.text.count("Voir les données du graphique") == 3
    totals_figure = page.text.split('id="graphique-totaux"')[1].split("</figure>")[0]
    data = _text(totals_figure.split("<details>")[1])
    assert "B — Barème par tranches de chiffre d'affaires 6\u202f871,40\u00a0€" in data
    assert "hors total : 2 membres sans données" in data


def test_the_board_reads_a_members_calculation_step_by_step(sign_in: SignIn) -> None:
    client = sign_in("bureau")
    page = client.get("/conseil/simulation")
    link = re.search(r'href="(/conseil/simulation/membres/CRAU-FORMATION\?[^"]+)"', page.text)
    assert link is not None
    explained = client.get(unescape(link.group(1)))
    assert explained.status_code == 200
    text = _text(explained.text)
    assert "Calcul de la cotisation — CRAU-FORMATION (Crau Formation)" in text
    assert "montant fixe 400,00\u00a0€" in text
    assert "Montant non calculable — manque : bénéfice 2026" in text
    assert "donnée manquante : chiffre d'affaires 2026 de Crau Formation" in text
    mistral = client.get(
        "/conseil/simulation/membres/MISTRAL",
        params={"baremes": list(DEMO), "reference": "demo-forfait"},
    )
    assert "2 % du bénéfice 2026 (48\u202f000,00\u00a0€) = 960,00\u00a0€" in _text(mistral.text)
    assert "écart avec A : +560,00\u00a0€" in _text(mistral.text)


def test_the_board_downloads_the_comparison_as_a_spreadsheet(
    sign_in: SignIn, web_demo: Application
) -> None:
    client = sign_in("bureau")
    page = client.get("/conseil/simulation")
    link = re.search(r'href="(/conseil/simulation\.xlsx\?[^"]+)"', page.text)
    assert link is not None
    download = client.get(unescape(link.group(1)))
    assert download.status_code == 200
    assert download.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    disposition = unquote(download.headers["content-disposition"])
    assert "attachment" in disposition and "comparaison-baremes-cotisation-2027.xlsx" in disposition
    book = load_workbook(BytesIO(download.content), read_only=True)
    assert book.sheetnames == [*DEMO, "Membres"]
    summary = {row[0]: row[1] for row in book["demo-bareme-ca"].iter_rows(values_only=True)}
    expected = fees.simulate(web_demo.uows, BOARD, list(DEMO), None).scenarios[1]
    # A spreadsheet number: compared through its text, exact to the cent.
    assert Decimal(str(summary["Total appelé (€)"])) == from_cents(expected.total_cents)
    assert from_cents(expected.total_cents) == Decimal("6871.40")
    members = [row[0] for row in book["Membres"].iter_rows(values_only=True)]
    assert "MISTRAL" in members and "CRAU-FORMATION" in members


def test_a_member_account_is_refused_in_french(sign_in: SignIn) -> None:
    client = sign_in("adherent")
    for address in (
        "/conseil/simulation",
        "/conseil/simulation.xlsx",
        "/conseil/simulation/membres/RESSOURCERIE",
    ):
        refused = client.get(address)
        assert refused.status_code == 403, address
        assert "ne permet pas de simuler les barèmes de cotisation" in unescape(refused.text)
        assert "<svg" not in refused.text
    assert "Barèmes" not in client.get("/").text


def test_a_bad_schedule_id_is_a_french_error_on_the_page(sign_in: SignIn) -> None:
    page = sign_in("bureau").get("/conseil/simulation", params={"baremes": ["inexistant"]})
    assert page.status_code == 404
    text = _text(page.text)
    assert "aucun barème n'a l'identifiant « inexistant »" in text
    assert 'id="erreur-schedules"' in page.text and 'name="baremes"' in page.text
    assert "<svg" not in page.text


def test_a_reference_outside_the_comparison_and_an_empty_choice_are_said_in_french(
    sign_in: SignIn,
) -> None:
    client = sign_in("bureau")
    outside = client.get(
        "/conseil/simulation", params={"baremes": "demo-forfait", "reference": "demo-quote-part"}
    )
    assert outside.status_code == 422
    assert 'id="erreur-reference"' in outside.text
    assert "ne fait pas partie de la comparaison" in _text(outside.text)
    empty = client.get("/conseil/simulation", params={"comparer": "1", "reference": ""})
    assert empty.status_code == 422
    assert "choisissez au moins un barème à comparer" in _text(empty.text)


def test_choosing_another_reference_changes_the_differences(sign_in: SignIn) -> None:
    client = sign_in("bureau")
    flat = client.get("/conseil/simulation", params={"baremes": list(DEMO), "comparer": "1"})
    brackets = client.get(
        "/conseil/simulation",
        params={"baremes": list(DEMO), "reference": "demo-bareme-ca", "comparer": "1"},
    )
    assert brackets.status_code == 200
    assert "écart +862,50\u00a0€" in _row(flat.text, "MISTRAL")
    mistral = _row(brackets.text, "MISTRAL")
    assert "400,00\u00a0€ écart -862,50\u00a0€" in mistral
    assert "960,00\u00a0€ écart -302,50\u00a0€" in mistral
    assert "Écart du total avec B -2\u202f991,40\u00a0€ -3\u202f828,20\u00a0€" in _row(
        brackets.text, "Écart du total avec B"
    )
    assert 'value="demo-bareme-ca" selected' in brackets.text
    assert "par rapport à B" in brackets.text
    assert "reference=demo-bareme-ca" in brackets.text  # the links keep the choice


def test_the_board_simulates_the_ptce_quote_part_and_reads_a_producers_share(
    sign_in: SignIn, web_demo: Application
) -> None:
    client = sign_in("bureau")
    wanted = {"baremes": ["exemple-quote-part-ptce"], "reference": "exemple-quote-part-ptce"}
    page = client.get("/conseil/simulation", params=wanted)
    assert page.status_code == 200
    expected = fees.simulate(web_demo.uows, BOARD, ["exemple-quote-part-ptce"])
    assert format_cents(expected.scenarios[0].total_cents) in _row(page.text, "Total appelé")
    mistral = _text(client.get("/conseil/simulation/membres/MISTRAL", params=wanted).text)
    assert "quote-part de 1\u202f000,00\u00a0€ répartie entre" in mistral
    assert "de bénéfices, soit " in mistral


def test_a_large_member_table_is_shown_a_page_at_a_time(
    sign_in: SignIn, web_demo: Application, monkeypatch: pytest.MonkeyPatch
) -> None:
    """10 000 members would be 10 000 rows: the table goes by pages, the totals and charts
    stay those of the whole registry, the spreadsheet keeps every member."""
    monkeypatch.setattr(board, "ROWS_PER_PAGE", 10)
    monkeypatch.setattr(board, "MISSING_SHOWN", 1)
    client = sign_in("bureau")
    whole = fees.simulate(web_demo.uows, BOARD, [], None)
    count = len(whole.members)
    first = client.get("/conseil/simulation").text
    second = client.get("/conseil/simulation", params={"page": "2"}).text
    members = re.compile(r'<th scope="row"><a href="/conseil/simulation/membres/([^?"]+)\?')
    shown = [members.findall(page) for page in (first, second)]
    assert all(len(found) >= 10 for found in shown)  # the table's page, then the other lists
    assert not set(shown[0][:10]) & set(shown[1][:10])
    assert f"Membres 11 à 20 sur {count} (page 2 sur {-(-count // 10)})" in _text(second)
    assert 'rel="next"' in second and 'rel="prev"' in second and 'rel="prev"' not in first
    assert _row(first, "Total appelé") == _row(second, "Total appelé")
    for wrong in ("abc", "0", "99999999999", "²"):
        page = client.get("/conseil/simulation", params={"page": wrong})
        assert page.status_code == 200
    last = client.get("/conseil/simulation", params={"page": "999"}).text
    assert f"à {count} sur {count}" in _text(last)
    assert "autre membre sans données, non listé ici" in _text(first)  # B misses 2
