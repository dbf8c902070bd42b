"""The law book: dated parameters with their source, the TMO table, the interest cap, and the
French writing of a share."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from gouvernance.domain.errors import InvalidInput
from gouvernance.domain.fees.schedule import RuleError
from gouvernance.domain.scic.law import build_law_book, format_share, parse_parameters
from gouvernance.services.scic import scic_rules

NBSP = "\u00a0"
TMO = """
label: TMO
reference: art. 14
semesters:
  - {year: 2022, half: 1, rate: "1 %"}
  - {year: 2022, half: 2, rate: "2 %"}
"""


def parameters(values: str, unit: str = "share") -> str:
    return (
        "parameters:\n  seuil:\n    label: un seuil\n    reference: art. 1\n"
        f"    unit: {unit}\n    values:\n{values}"
    )


@pytest.mark.parametrize(
    ("share", "text"),
    [
        (Fraction(15, 100), "15 %"),
        (Fraction(6, 125), "4,80 %"),
        (Fraction(53, 4000), "1,325 %"),
        (Fraction(129, 4000), "3,225 %"),
        (Fraction(1, 3), "≈ 33,33 %"),
        (Fraction(0), "0 %"),
        (Fraction(-1, 5000), "-0,02 %"),
    ],
)
def test_a_share_is_written_the_french_way(share: Fraction, text: str) -> None:
    assert format_share(share) == text.replace(" %", f"{NBSP}%").replace("≈ ", f"≈{NBSP}")


def test_the_public_bodies_cap_went_from_20_to_50_percent_on_2_august_2014() -> None:
    law = scic_rules.load_law()
    assert law.share("public_bodies_capital_max", date(2014, 8, 1)) == Fraction(1, 5)
    assert law.share("public_bodies_capital_max", date(2014, 8, 2)) == Fraction(1, 2)
    assert law.value("public_bodies_capital_max", date(2020, 1, 1)).since == date(2014, 8, 2)


def test_a_parameter_asked_before_its_first_date_is_refused() -> None:
    law = scic_rules.load_law()
    with pytest.raises(InvalidInput) as caught:
        law.euros("sa_capital_min", date(2001, 12, 31))
    assert caught.value.field == "on"
    assert "n'est défini qu'à partir du 01/01/2002" in caught.value.message


def test_the_parameters_in_force_leave_out_those_not_yet_in_force() -> None:
    keys = {v.key for v in scic_rules.load_law().in_force(date(2001, 12, 31))}
    assert "sa_capital_min" not in keys
    assert "categories_min" in keys


def test_a_euro_parameter_prints_to_the_cent() -> None:
    value = scic_rules.load_law().value("sa_capital_min", date(2027, 1, 1))
    assert value.euros == Decimal("18500.00")
    assert value.text == f"18\u202f500,00{NBSP}€"


def test_every_compliance_parameter_has_a_reference() -> None:
    law = scic_rules.load_law()
    assert law.reference("sas_majority_min").startswith(
        "C. com. L227-9 ; Cass. ass. plén., 15 novembre 2024, n° 23-16.670"
    )
    assert "C. com. L223-2" in law.reference("share_values_max")
    assert "art. 12" not in law.reference("share_values_max")
    assert law.value("sas_majority_min", date(2027, 1, 1)).verified


def test_every_parameter_of_the_law_folder_carries_a_confidence_mark() -> None:
    law = scic_rules.load_law()
    for value in law.in_force(date(2027, 1, 1)):
        assert value.reference
        assert value.confidence in ("vérifié", "probable", "à vérifier"), value.key


def test_values_out_of_date_order_are_refused() -> None:
    text = parameters(
        '      - {from: 2014-08-02, value: "50 %"}\n      - {from: 2001-07-19, value: "20 %"}\n'
    )
    with pytest.raises(RuleError) as caught:
        parse_parameters(text, "rules/law/essai.yaml")
    assert caught.value.path == "parameters.seuil.values[1].from"


def test_an_unknown_unit_is_refused() -> None:
    with pytest.raises(RuleError) as caught:
        parse_parameters(parameters("      - {from: 2001-07-19, value: 3}\n", "litres"), "f.yaml")
    assert caught.value.path == "parameters.seuil.unit"


def test_a_parameter_defined_in_two_files_is_refused() -> None:
    text = parameters('      - {from: 2001-07-19, value: "1/4"}\n')
    with pytest.raises(RuleError) as caught:
        build_law_book({"a.yaml": text, "b.yaml": text}, ("tmo.yaml", TMO))
    assert caught.value.source == "b.yaml"
    assert caught.value.reason == "paramètre déjà défini dans a.yaml"


def test_semesters_out_of_order_are_refused() -> None:
    text = TMO.replace("half: 2", "half: 1")
    with pytest.raises(RuleError) as caught:
        build_law_book({}, ("tmo.yaml", text))
    assert caught.value.path == "semesters[1]"


def test_the_2025_interest_cap_is_4_80_percent() -> None:
    cap = scic_rules.load_law().interest_cap(2025)
    assert cap.rate == Fraction(6, 125)
    assert cap.average == Fraction(7, 250)
    assert cap.margin == Fraction(1, 50)
    assert len(cap.semesters) == 6


def test_a_cap_for_an_assembly_before_11_december_2016_is_refused_not_computed() -> None:
    with pytest.raises(InvalidInput) as caught:
        scic_rules.load_law().interest_cap(2016)
    assert "avant le 11/12/2016" in caught.value.message
    assert "n'est pas calculé" in caught.value.message


def test_an_assembly_held_after_11_december_2016_gets_the_three_year_average_cap() -> None:
    cap = scic_rules.load_law().interest_cap(2016, date(2016, 12, 15))
    # 2013 to 2015: 2,30 + 2,62 + 2,28 + 1,50 + 0,96 + 1,19 = 10,85 points, / 6, + 2 points
    assert cap.rate == Fraction(1085, 600) / 100 + Fraction(2, 100)


def test_the_2025_cap_says_how_the_published_cap_bounds_the_derived_2024_semesters() -> None:
    text = scic_rules.load_law().interest_cap(2025).explain()
    # 6 × (4,795 − 2) − 10,345 = 6,425 ; 6 × (4,805 − 2) − 10,345 = 6,485
    assert "[6,425 ; 6,485) points" in text
    assert "la valeur retenue, 6,455, en est le milieu" in text


def test_an_interest_cap_beyond_the_tmo_table_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        scic_rules.load_law().interest_cap(2027)
    assert caught.value.field == "assembly_year"
    assert "le TMO du 1er semestre 2025 manque" in caught.value.message


def test_the_scop_proxy_preset() -> None:
    _, scop, reference = scic_rules.load_presets()
    assert [scop.limit(n) for n in (1, 19, 20, 39, 40, 43, 100)] == [1, 1, 1, 1, 2, 2, 5]
    assert reference.startswith("loi n° 78-763")
