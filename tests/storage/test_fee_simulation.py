"""Simulating the demo schedules on the demo registry, on SQLite and PostgreSQL.

The totals are checked by hand in each test's comment, from ``rules/fees/demo/*.yaml`` and
``gouvernance/demo/organisation.yaml``.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from gouvernance.bootstrap import Application
from gouvernance.domain.errors import Forbidden, InvalidInput, NotFound
from gouvernance.domain.fees.comparison import Comparison
from gouvernance.domain.fees.schedule import RuleError
from gouvernance.domain.users import SYSTEM, Actor, Role
from gouvernance.services.contributions import fees
from gouvernance.services.demo_data.demo import load_demo
from gouvernance.services.organisation import setup
from gouvernance.services.registry import members

DEMO_IDS = ["demo-forfait", "demo-bareme-ca", "demo-quote-part"]
NBSP, NNBSP = "\u00a0", "\u202f"
BOARD = Actor("bureau", Role.BOARD)
TREASURER = Actor("tresorier", Role.TREASURER)


@pytest.fixture
def demo(app: Application) -> Application:
    load_demo(app.uows)
    return app


def _line(comparison: Comparison, code: str) -> list[int | None]:
    found = next(line for line in comparison.members if line.code == code)
    return [cell.cents for cell in found.cells]


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


SCHEDULE = """
id: {id}
label: Essai
fiscal_year: 2027
fee:
  by_category:
    {category}: "100,00"
    default: "20,00"
"""


# --- The demo ---------------------------------------------------------------------------------


def test_without_ids_the_three_demo_scenarios_are_compared(demo: Application) -> None:
    comparison = fees.simulate(demo.uows, BOARD, [])
    assert [s.id for s in comparison.scenarios] == DEMO_IDS
    assert comparison.reference_id == "demo-forfait"


def test_the_demo_totals_are_the_ones_a_treasurer_finds_by_hand(demo: Application) -> None:
    comparison = fees.simulate(demo.uows, BOARD, DEMO_IDS)
    flat, grid, share = comparison.scenarios
    # 5 producers, 2 partners, 2 public bodies × 400 ; 10 employees + 4 volunteers × 20
    assert flat.total_cents == 9 * 40000 + 14 * 2000
    # MISTRAL 1 262,50 ; RESSOURCERIE 648,90 ; three structures 400 ; VALLON 480 ;
    # CC-ALPILLES 4 800 capped at 3 000 ; 14 persons × 20 ; the two partners lack a revenue
    assert grid.total_cents == 126250 + 64890 + 3 * 40000 + 48000 + 300000 + 14 * 2000
    # 2 % of the 2026 profits: 960 + 434,60 + 109,60 + 159 ; GARRIGUE's loss → floor 100 ;
    # public bodies 2 × 500 ; persons 14 × 20
    assert share.total_cents == 96000 + 43460 + 10960 + 15900 + 10000 + 2 * 50000 + 14 * 2000
    for position, scenario in enumerate(comparison.scenarios):
        shown = [line.cells[position].cents or 0 for line in comparison.members]
        assert scenario.total_cents == sum(shown)


def test_the_same_simulation_gives_the_same_comparison_twice(demo: Application) -> None:
    assert fees.simulate(demo.uows, BOARD, DEMO_IDS) == fees.simulate(demo.uows, BOARD, DEMO_IDS)


def test_crau_formation_without_2026_figures_is_listed_and_left_out_of_the_totals(
    demo: Application,
) -> None:
    comparison = fees.simulate(demo.uows, BOARD, DEMO_IDS)
    share = comparison.scenarios[2]
    assert ("CRAU-FORMATION", "bénéfice 2026") in [(m.code, m.describe()) for m in share.missing]
    assert _line(comparison, "CRAU-FORMATION") == [40000, None, None]


def test_members_get_their_category_label_and_the_expected_amounts(demo: Application) -> None:
    comparison = fees.simulate(demo.uows, BOARD, DEMO_IDS)
    mistral = next(line for line in comparison.members if line.code == "MISTRAL")
    assert (mistral.name, mistral.category_label) == ("SARL Mistral Recyclage", "producteurs")
    assert _line(comparison, "MISTRAL") == [40000, 126250, 96000]
    assert _line(comparison, "GARRIGUE") == [40000, 40000, 10000]  # a loss: the floor
    assert _line(comparison, "VALLON") == [40000, 48000, 50000]  # 4 800 inhabitants × 0,10
    assert _line(comparison, "BEN01") == [0, 0, 0]


def test_huiles_du_val_who_joined_in_july_2026_pays_a_full_2027_fee(demo: Application) -> None:
    comparison = fees.simulate(demo.uows, BOARD, DEMO_IDS)
    assert _line(comparison, "HUILES-DU-VAL") == [40000, 40000, 15900]  # 2 % of 7 950


def test_a_member_who_left_before_the_period_is_not_in_the_comparison(demo: Application) -> None:
    members.end_membership(demo.uows, SYSTEM, "VOL04", date(2026, 12, 31), "déménagement")
    comparison = fees.simulate(demo.uows, BOARD, DEMO_IDS)
    assert "VOL04" not in [line.code for line in comparison.members]
    assert comparison.scenarios[0].liable == 42


def test_the_explanation_of_mistral_shows_2_percent_of_its_2026_profit(demo: Application) -> None:
    explained = fees.explain(demo.uows, BOARD, "mistral", ["demo-quote-part"])
    (assessment,) = explained
    assert assessment.cents == 96000
    assert f"2 % du bénéfice 2026 (48{NNBSP}000,00{NBSP}€) = 960,00{NBSP}€" in assessment.explain()


# --- Permissions ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.BOARD, Role.TREASURER, Role.ADMIN])
def test_board_treasurer_and_admin_may_simulate(demo: Application, role: Role) -> None:
    assert fees.simulate(demo.uows, Actor("x", role), ["demo-forfait"]).scenarios


@pytest.mark.parametrize("role", [Role.SCRUTINEER, Role.MEMBER])
def test_other_roles_may_not_simulate(demo: Application, role: Role) -> None:
    with pytest.raises(Forbidden, match="ne permet pas de simuler les barèmes de cotisation"):
        fees.simulate(demo.uows, Actor("x", role, "RESSOURCERIE"), ["demo-forfait"])


def test_a_member_may_explain_their_own_fee_and_no_one_elses(demo: Application) -> None:
    member = Actor("adherent", Role.MEMBER, "RESSOURCERIE")
    (own,) = fees.explain(demo.uows, member, "ressourcerie", ["demo-quote-part"])
    assert own.cents == 43460
    with pytest.raises(Forbidden, match="propre cotisation"):
        fees.explain(demo.uows, member, "MISTRAL", ["demo-quote-part"])


def test_explaining_an_unknown_member_is_a_not_found(demo: Application) -> None:
    with pytest.raises(NotFound, match="INCONNU"):
        fees.explain(demo.uows, BOARD, "inconnu", ["demo-forfait"])


# --- Schedules in the folder, and against the registry ----------------------------------------


def test_the_rules_folder_is_searched_recursively_and_names_files_by_relative_path() -> None:
    sources = {s.id: s.source for s in fees.list_schedules()}
    assert sources["demo-forfait"] == "demo/1-forfait.yaml"
    assert sources["exemple-federation"] == "exemples/federation.yaml"
    assert fees.default_schedule_ids() == DEMO_IDS


def test_an_unknown_schedule_id_is_a_not_found_naming_it() -> None:
    with pytest.raises(NotFound, match="aucun barème n'a l'identifiant « pas-la »"):
        fees.load_schedules(["demo-forfait", "pas-la"])


def test_an_id_given_twice_across_files_is_refused_naming_both_files(tmp_path: Path) -> None:
    write(tmp_path, "a/un.yaml", SCHEDULE.format(id="double", category="producer"))
    write(tmp_path, "b/deux.yaml", SCHEDULE.format(id="double", category="producer"))
    with pytest.raises(RuleError) as refused:
        fees.list_schedules(tmp_path)
    assert refused.value.source == "b/deux.yaml"
    assert "déjà pris par a/un.yaml" in refused.value.message


def test_the_rules_folder_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "essai.yaml", SCHEDULE.format(id="essai", category="producer"))
    monkeypatch.setenv(fees.RULES_VARIABLE, str(tmp_path))
    assert [s.id for s in fees.list_schedules()] == ["essai"]
    monkeypatch.setenv(fees.RULES_VARIABLE, str(tmp_path / "absent"))
    with pytest.raises(RuleError, match="dossier des barèmes introuvable"):
        fees.list_schedules()


def test_a_category_unknown_to_the_registry_is_refused_with_file_and_key_path(
    demo: Application, tmp_path: Path
) -> None:
    write(tmp_path, "coquille.yaml", SCHEDULE.format(id="coquille", category="producteur"))
    with pytest.raises(RuleError) as refused:
        fees.simulate(demo.uows, BOARD, ["coquille"], folder=tmp_path)
    error = refused.value
    assert (error.source, error.path) == ("coquille.yaml", "fee.by_category.producteur")
    assert "catégorie « producteur » inconnue du registre" in error.message


def test_a_free_category_added_to_the_registry_makes_the_cae_example_usable(
    demo: Application,
) -> None:
    with pytest.raises(RuleError) as refused:
        fees.simulate(demo.uows, BOARD, ["exemple-cae"])
    assert refused.value.path == "fee.sum[0].exemptions[0].category"
    setup.add_category(demo.uows, SYSTEM, "minima_sociaux", "personnes aux minima sociaux")
    comparison = fees.simulate(demo.uows, BOARD, ["exemple-cae"])
    (cae,) = comparison.scenarios
    # the demo holds no 2027 gross margin: nobody can be charged yet, and each one says why
    assert cae.total_cents == 0
    assert {m.describe() for m in cae.missing} == {"marge brute 2027"}


# --- Exports ----------------------------------------------------------------------------------


def test_the_csv_export_reads_back_with_the_exact_amounts(demo: Application) -> None:
    comparison = fees.simulate(demo.uows, BOARD, DEMO_IDS)
    data = fees.export_comparison(comparison, "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == len(comparison.members)
    mistral = next(row for row in rows if row["code"] == "MISTRAL")
    assert mistral["montant demo-quote-part (€)"] == "960,00"
    assert mistral["écart demo-quote-part (€)"] == "560,00"
    assert mistral["effort demo-quote-part (%)"] == "0,08"
    crau = next(row for row in rows if row["code"] == "CRAU-FORMATION")
    assert (crau["montant demo-quote-part (€)"], crau["manque demo-quote-part"]) == (
        "",
        "bénéfice 2026",
    )
    for scenario in comparison.scenarios:
        column = [row[f"montant {scenario.id} (€)"] for row in rows]
        total = sum(Decimal(value.replace(",", ".")) for value in column if value)
        assert total * 100 == scenario.total_cents


def test_the_xlsx_export_has_a_sheet_per_scenario_and_the_members_sheet(
    demo: Application,
) -> None:
    comparison = fees.simulate(demo.uows, BOARD, DEMO_IDS, reference_id="demo-quote-part")
    book = openpyxl.load_workbook(io.BytesIO(fees.export_comparison(comparison, ".XLSX")))
    assert book.sheetnames == [*DEMO_IDS, "Membres"]
    summary = {row[0]: row[1] for row in book["demo-bareme-ca"].iter_rows(values_only=True)}
    assert summary["Barème"] == "Barème par tranches de chiffre d'affaires"
    assert summary["Total appelé (€)"] == pytest.approx(6871.40)
    assert summary["Scénario de référence"] == "non (demo-quote-part)"
    sheet = book["Membres"]
    headers = [cell.value for cell in sheet[1]]
    assert headers[:4] == ["code", "nom", "catégorie", "montant demo-forfait (€)"]
    assert "écart demo-quote-part (€)" not in headers  # the reference has no difference
    amount = sheet.cell(row=2, column=4)
    assert amount.number_format == "#,##0.00"


def test_an_unknown_export_format_is_refused_in_french(demo: Application) -> None:
    comparison = fees.simulate(demo.uows, TREASURER, ["demo-forfait"])
    with pytest.raises(InvalidInput, match="format d'export inconnu « pdf »"):
        fees.export_comparison(comparison, "pdf")
