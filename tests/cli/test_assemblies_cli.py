"""``gouvernance assemblies …`` run as the board and the scrutineers would, on the demo (22
November 2026) with the association's statutes: one member one vote, two proxies at most."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from gouvernance.cli import app
from gouvernance.services.clock import VARIABLE as TODAY

runner = CliRunner()


def flat(output: str) -> str:
    """The output with Rich's wrapping undone and Babel's no-break spaces made ordinary."""
    return re.sub(r" *\n *", " ", output).replace("\u202f", " ").replace("\u00a0", " ")


@pytest.fixture
def db(
    database_url: str, demo_loader: Callable[[str], None], monkeypatch: pytest.MonkeyPatch
) -> list[str]:
    """The demo (which holds assemblies of its own), on the day of the assemblies the tests
    convene: one may not be closed before it is held."""
    monkeypatch.setenv("COLUMNS", "160")
    monkeypatch.setenv(TODAY, "2026-12-12")
    demo_loader(database_url)  # what « gouvernance demo » leaves, from a template
    return ["--database", database_url]


@pytest.fixture
def code(db: list[str]) -> str:
    """A new ordinary assembly of the association on 12 December 2026, as the board convenes."""
    created = ok("assemblies", "create", "AG ordinaire 2026", "--on", "12/12/2026",
                 "--statutes", "demo-statuts-association", *db)  # fmt: skip
    found = re.match(r"(AG-2026-\d+) convoquée : AG ordinaire 2026 — Assemblée générale", created)
    assert found, created
    return found.group(1)


def run(*args: str) -> Result:
    return runner.invoke(app, list(args))


def ok(*args: str) -> str:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return flat(result.output)


def refused(*args: str) -> str:
    result = run(*args)
    assert result.exit_code == 1, result.output
    return flat(result.output)


def test_a_whole_assembly_from_the_sheet_to_the_signed_minutes(
    db: list[str], code: str, tmp_path: Path
) -> None:
    ok("assemblies", "attend", code, "RESSOURCERIE", "--mode", "présent", *db)
    proxy = ok("assemblies", "attend", code, "MISTRAL", "--mode", "represented",
               "--holder", "RESSOURCERIE", *db)  # fmt: skip
    assert "MISTRAL (SARL Mistral Recyclage) : représenté, pouvoir à RESSOURCERIE" in proxy
    ok("assemblies", "attend", code, "GARRIGUE", "--mode", "postal", *db)
    resolved = ok("assemblies", "resolve", code, "Approbation des comptes 2026", *db)
    assert "Résolution n° 1 inscrite : Approbation des comptes 2026 — vote nominatif" in resolved
    voted = ok("assemblies", "vote", code, "1", "RESSOURCERIE", "pour", *db)
    assert "Bulletin de RESSOURCERIE enregistré (résolution n° 1)." in voted
    ok("assemblies", "vote", code, "1", "MISTRAL", "for", *db)
    ok("assemblies", "vote", code, "1", "GARRIGUE", "contre", *db)

    shown = ok("assemblies", "show", code, *db)
    assert "Sans collèges : un associé, une voix" in shown
    assert "au plus 2 pouvoirs par associé — 2 à cette assemblée" in shown
    assert "présent 1, à distance 0, par correspondance 1, représenté 1" in shown
    tally = ok("assemblies", "tally", code, *db)
    assert "Résolution n° 1 : Approbation des comptes 2026" in tally
    assert "Résultat : ≈ 66,67 % (majorité : plus de 50 %) — résolution adoptée" in tally
    assert "dépouillement en cours" in tally

    closed = ok("assemblies", "close", code, *db)
    assert f"{code} close." in closed and "résultats définitifs" in closed
    signed = ok("assemblies", "sign", code, "--role", "président", "--name", "Annie Castel", *db)
    assert "signé par Annie Castel, président de séance" in signed
    pdf, page = tmp_path / "pv.pdf", tmp_path / "pv.html"
    ok("assemblies", "minutes", code, "--output", str(pdf), *db)
    ok("assemblies", "minutes", code, "-o", str(page), *db)
    assert pdf.read_bytes().startswith(b"%PDF")
    assert "Annie Castel" in page.read_text(encoding="utf-8")
    listed = ok("assemblies", "list", *db)
    assert re.search(rf"{code} +12/12/2026 .* AG ordinaire 2026 +close", listed)


def test_the_sheet_shows_who_holds_whose_proxy(db: list[str], code: str) -> None:
    ok("assemblies", "attend", code, "GARRIGUE", *db)
    ok("assemblies", "attend", code, "SAL01", "--mode", "représenté", "--holder", "GARRIGUE",
       *db)  # fmt: skip
    again = ok("assemblies", "attend", code, "GARRIGUE", *db)
    assert "déjà enregistré" in again

    sheet = ok("assemblies", "roll", code, *db)
    assert re.search(r"SAL01 Camille Roux +oui +représenté +GARRIGUE", sheet)
    assert re.search(r"GARRIGUE Garrigue Environnement SCOP +oui +présent +SAL01", sheet)
    assert "Émargement de SAL01 rayé." in ok("assemblies", "unattend", code, "SAL01", *db)


def test_a_proxy_beyond_the_limit_is_refused_in_french_with_exit_code_1(
    db: list[str], code: str
) -> None:
    ok("assemblies", "attend", code, "GARRIGUE", *db)
    for member in ("SAL01", "SAL02"):
        ok("assemblies", "attend", code, member, "--mode", "represented", "--holder", "GARRIGUE",
           *db)  # fmt: skip
    out = refused("assemblies", "attend", code, "SAL03", "--mode", "represented",
                  "--holder", "GARRIGUE", *db)  # fmt: skip
    assert "Erreur :" in out and "2" in out


def test_a_second_ballot_and_a_ballot_after_closing_are_refused(db: list[str], code: str) -> None:
    ok("assemblies", "attend", code, "GARRIGUE", *db)
    ok("assemblies", "resolve", code, "Rapport moral", "--method", "secret", *db)
    first = ok("assemblies", "vote", code, "1", "GARRIGUE", "abstention", *db)
    assert "Bulletin secret de GARRIGUE enregistré" in first
    assert "abstention" not in first
    assert "Erreur :" in refused("assemblies", "vote", code, "1", "GARRIGUE", "pour", *db)

    ok("assemblies", "close", code, *db)
    assert "Erreur :" in refused("assemblies", "attend", code, "SAL01", *db)


def test_the_chair_closes_a_secret_vote_which_is_then_counted_and_takes_no_more_ballot(
    db: list[str], code: str
) -> None:
    ok("assemblies", "attend", code, "GARRIGUE", *db)
    ok("assemblies", "attend", code, "MISTRAL", *db)
    ok("assemblies", "resolve", code, "Élection au conseil", "--method", "secret", *db)
    ok("assemblies", "vote", code, "1", "GARRIGUE", "contre", *db)
    assert "Vote secret en cours : 1 bulletin reçu" in ok("assemblies", "tally", code, *db)
    closed = ok("assemblies", "close-vote", code, "1", *db)
    assert closed == (
        "Vote clos sur la résolution n° 1 : 1 bulletin (bulletins secrets ouverts et comptés, "
        "clé détruite). "
    )
    assert "1 contre" in ok("assemblies", "tally", code, *db)
    late = refused("assemblies", "vote", code, "1", "MISTRAL", "pour", *db)
    assert "le vote sur la résolution n° 1 est clos" in late


def test_a_show_of_hands_is_counted_without_colleges_with_a_dash(db: list[str], code: str) -> None:
    for member in ("GARRIGUE", "SAL01", "SAL02", "SAL03"):
        ok("assemblies", "attend", code, member, *db)
    ok("assemblies", "resolve", code, "Budget 2027", "--method", "main levée", *db)
    counted = ok("assemblies", "hands", code, "1", "-", "--for", "2", "--against", "2", *db)
    assert "Résolution n° 1, sans collèges : 2 pour, 2 contre." in counted

    tally = ok("assemblies", "tally", code, *db)
    assert "Résultat : 50 % (majorité : plus de 50 %) — résolution rejetée" in tally


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["vote", "CODE", "1", "GARRIGUE", "peut-être"], "valeur inconnue « peut-être »"),
        (["hands", "CODE", "1", "-", "--for", "1,5"], "nombre de voix invalide « 1,5 »"),
        (["attend", "CODE", "GARRIGUE", "--mode", "ailleurs"], "valeur inconnue « ailleurs »"),
        (["sign", "CODE", "--role", "trésorier", "--name", "X"], "valeur inconnue « trésorier »"),
        (["create", "AG", "--on", "31/02/2027"], "date invalide « 31/02/2027 »"),
    ],
)
def test_bad_input_is_refused_in_french_before_anything_is_written(
    db: list[str], code: str, args: list[str], message: str
) -> None:
    before = ok("assemblies", "list", *db)
    assert message in refused("assemblies", *[a.replace("CODE", code) for a in args], *db)
    assert ok("assemblies", "list", *db) == before


@pytest.mark.parametrize("count", ["²", "١", "9" * 5000, "1234567890", "-1"])
def test_a_count_in_superscript_other_digits_or_too_long_is_refused_naming_the_option(
    db: list[str], code: str, count: str
) -> None:
    ok("assemblies", "resolve", code, "Budget 2027", "--method", "main levée", *db)
    before = ok("assemblies", "tally", code, *db)
    out = refused("assemblies", "hands", code, "1", "-", "--against", count, *db)
    assert "nombre de voix invalide" in out and "(option --against)" in out
    assert ok("assemblies", "tally", code, *db) == before


def test_a_count_of_nine_digits_is_still_a_count(db: list[str], code: str) -> None:
    for member in ("GARRIGUE", "SAL01", "SAL02"):
        ok("assemblies", "attend", code, member, *db)
    ok("assemblies", "resolve", code, "Budget 2027", "--method", "main levée", *db)
    counted = ok("assemblies", "hands", code, "1", "-", "--for", "000000003", *db)
    assert "Résolution n° 1, sans collèges : 3 pour." in counted


def test_an_unknown_choice_is_refused_with_the_english_and_french_words(
    db: list[str], code: str
) -> None:
    ok("assemblies", "resolve", code, "Rapport moral", *db)
    out = refused("assemblies", "vote", code, "1", "GARRIGUE", "maybe", *db)
    assert "valeur inconnue « maybe » (attendu : for (pour), against (contre), abstain " in out
    assert "blank (blanc), null (nul))" in out


@pytest.mark.parametrize("name", ["pv.txt", "pv", "pv.PDF.docx"])
def test_the_minutes_are_refused_into_a_file_neither_pdf_nor_html_naming_the_output(
    db: list[str], code: str, tmp_path: Path, name: str
) -> None:
    target = tmp_path / name
    out = refused("assemblies", "minutes", code, "--output", str(target), *db)
    assert f"« {name} » : le procès-verbal s'écrit en .pdf ou en .html" in out
    assert "(option --output)" in out
    assert not target.exists()


def test_the_minutes_into_a_missing_folder_are_refused_in_french(
    db: list[str], code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ok("assemblies", "close", code, *db)
    out = refused("assemblies", "minutes", code, "-o", str(tmp_path / "absent" / "pv.html"), *db)
    assert "impossible d'écrire" in out and "(option --output)" in out
