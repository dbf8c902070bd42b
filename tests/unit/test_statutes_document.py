"""Reading a statutes document: what cannot be read is refused with the file and the key path;
the population formula counts started or full brackets as written."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
import yaml

from gouvernance.domain.fees.schedule import RuleError
from gouvernance.domain.scic.decisions import ProxyLimit
from gouvernance.domain.scic.statutes import PopulationFormula, parse_statutes
from gouvernance.services.scic import scic_rules

SOURCE = "rules/statuts/projet.yaml"
SCOP = ProxyLimit(scop=True)
LAWFUL = """
id: projet
label: Projet
valid_from: 2027-01-01
legal_form: scic_sas
categories:
  - {code: salaries, label: Salariés, kind: employee, registry: [employee]}
  - {code: usagers, label: Usagers, kind: beneficiary, registry: [beneficiary]}
  - {code: producteurs, label: Producteurs, kind: producer, registry: [producer]}
colleges:
  - {code: salaries, label: Collège des salariés, weight: "40 %", categories: [salaries]}
  - {code: usagers, label: Collège des usagers, weight: "30 %", categories: [usagers]}
  - {code: producteurs, label: Collège des producteurs, weight: "30 %", categories: [producteurs]}
capital: {share_value: "50,00"}
"""


def document(**changes: object) -> str:
    data = yaml.safe_load(LAWFUL)
    for path, value in changes.items():
        target = data
        *parents, last = path.split("__")
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[int(last) if last.isdigit() else last] = value
    return yaml.safe_dump(data, allow_unicode=True)


def refusal(text: str) -> RuleError:
    with pytest.raises(RuleError) as caught:
        parse_statutes(text, SOURCE, SCOP)
    return caught.value


def test_a_lawful_document_is_read_with_exact_weights() -> None:
    statutes = parse_statutes(document(), SOURCE, SCOP)
    assert [c.weight for c in statutes.colleges] == [
        Fraction(2, 5), Fraction(3, 10), Fraction(3, 10)
    ]  # fmt: skip
    assert statutes.proxies is SCOP


def test_an_unknown_key_is_refused_with_its_path() -> None:
    error = refusal(document(capital={"share_value": "50,00", "share_valeu": "1"}))
    assert (error.source, error.path) == (SOURCE, "capital.share_valeu")
    assert error.reason == "clé inconnue (faute de frappe ?)"


def test_a_weight_without_percent_sign_is_refused() -> None:
    error = refusal(document(colleges__1__weight="30"))
    assert error.path == "colleges[1].weight"
    assert "part illisible « 30 »" in error.message
    assert error.message.startswith(f"{SOURCE} : colleges[1].weight : ")


def test_a_college_naming_an_unknown_category_is_refused() -> None:
    error = refusal(document(colleges__2__categories=["benevoles"]))
    assert error.path == "colleges[2].categories"
    assert (
        error.reason
        == "catégorie inconnue « benevoles » (connues : producteurs, salaries, usagers)"
    )


def test_two_colleges_sharing_a_category_are_refused() -> None:
    error = refusal(document(colleges__2__categories=["producteurs", "usagers"]))
    assert error.path == "colleges[2].categories"
    assert error.reason == "la catégorie « usagers » est déjà dans le collège « usagers »"


def test_an_override_to_an_unknown_college_is_refused() -> None:
    error = refusal(document(college_rules={"overrides": {"VOL02": "benevoles"}}))
    assert error.path == "college_rules.overrides.VOL02"
    assert error.reason == "collège inconnu « benevoles »"


def test_a_merge_policy_without_merge_into_is_refused() -> None:
    error = refusal(document(college_rules={"empty_college": "merge"}))
    assert error.path == "college_rules.merge_into"
    assert error.reason == "nommez le collège qui recueille le collège vide"


def test_proxies_with_both_a_number_and_the_preset_are_refused() -> None:
    error = refusal(document(proxies={"preset": "scop", "max_per_associate": 2}))
    assert error.path == "proxies"
    assert error.reason == "choisissez un nombre fixe ou le préréglage scop, pas les deux"


def test_a_statutes_folder_with_a_bad_document_names_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path
    (folder / "projet.yaml").write_text(document(colleges__0__weight="40"), encoding="utf-8")
    monkeypatch.setenv(scic_rules.STATUTES_VARIABLE, str(folder))
    with pytest.raises(RuleError) as caught:
        scic_rules.load_statutes("projet")
    # The file where it really is: the folder the environment names, not « rules/statuts/ ».
    assert caught.value.source == (folder / "projet.yaml").as_posix()
    assert caught.value.path == "colleges[0].weight"


STARTED = PopulationFormula(
    base_shares=2, up_to=1000, per=1000, shares_per_bracket=1, bracket="started"
)
FULL = PopulationFormula(base_shares=2, up_to=1000, per=1000, shares_per_bracket=1, bracket="full")


@pytest.mark.parametrize(
    ("population", "started", "full"),
    [(4800, 6, 5), (1000, 2, 2), (1001, 3, 2), (2000, 3, 3), (0, 2, 2)],
)
def test_the_population_formula_counts_started_or_full_brackets(
    population: int, started: int, full: int
) -> None:
    assert STARTED.shares(Decimal(population)) == started
    assert FULL.shares(Decimal(population)) == full


def test_the_population_formula_is_written_out_in_french() -> None:
    assert STARTED.describe() == (
        "2 parts jusqu'à 1\u202f000 habitants, puis 1 part(s) par tranche de 1\u202f000 "
        "habitants commencée"
    )


def test_the_demo_statutes_are_read() -> None:
    statutes = scic_rules.load_statutes("demo-statuts-scic")
    assert statutes.weights_text() == (
        "Collège des salariés 30\u00a0%, Collège des usagers 20\u00a0%, "
        "Collège des structures productrices 30\u00a0%, "
        "Collège des partenaires et des collectivités 20\u00a0%"
    )
    assert statutes.share_values() == {Decimal("50.00")}
