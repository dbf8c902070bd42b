"""The transition report as a pure function: members placed into statutes, colleges sized, the
empty-college policy applied with exact fractions, capital projected, findings gathered."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from gouvernance.domain.facts import Fact, FactKind
from gouvernance.domain.members import Member, PersonKind
from gouvernance.domain.scic import compliance
from gouvernance.domain.scic.compliance import CapitalPicture, Finding, Severity
from gouvernance.domain.scic.statutes import Statutes, parse_statutes
from gouvernance.domain.scic.transition import TransitionReport, build_report, effective_weights
from gouvernance.services.scic import scic_rules

DEMO = Path(__file__).resolve().parents[2] / "rules" / "statuts" / "demo" / "scic-alpilles.yaml"
ON = date(2027, 1, 1)


def statutes(*changes: tuple[str, str]) -> Statutes:
    text = DEMO.read_text(encoding="utf-8")
    for before, after in changes:
        assert before in text
        text = text.replace(before, after)
    _, scop, _ = scic_rules.load_presets()
    return parse_statutes(text, "test.yaml", scop)


def member(code: str, category: str, *, left: date | None = None, **facts: int) -> Member:
    found = Member(code=code, kind=PersonKind.NATURAL, category=category,
                   joined_on=date(2020, 1, 1), first_name=code, last_name="Test",
                   left_on=left)  # fmt: skip
    for year, value in facts.items():
        found.facts.append(Fact(int(year[1:]), FactKind.POPULATION, Decimal(value)))
    return found


def registry(
    employees: int = 3, beneficiaries: int = 3, producers: int = 3, partners: int = 3
) -> list[Member]:
    groups = [("SAL", "employee", employees), ("BEN", "beneficiary", beneficiaries),
              ("PRO", "producer", producers), ("PAR", "partner", partners)]  # fmt: skip
    return [
        member(
            f"{p}{i:02}",
            c,
        )
        for p, c, n in groups
        for i in range(1, n + 1)
    ]


def report(the_statutes: Statutes, members: list[Member], on: date = ON) -> TransitionReport:
    presets, _, _ = scic_rules.load_presets()
    return build_report(the_statutes, members, scic_rules.load_law(), presets, on)


def test_the_population_of_the_latest_year_up_to_the_report_day_sets_a_communes_minimum() -> None:
    commune = member("COMMUNE", "public_body", y2026=1000, y2027=1001, y2030=50000)
    in_2026 = report(statutes(), [*registry(), commune], date(2026, 6, 1)).placement("COMMUNE")
    in_2027 = report(statutes(), [*registry(), commune], ON).placement("COMMUNE")
    assert in_2026 is not None and in_2027 is not None
    assert (in_2026.population, in_2026.population_year, in_2026.shares) == (1000, 2026, 2)
    assert (in_2027.population, in_2027.shares, in_2027.amount) == (1001, 3, Decimal("150.00"))
    assert in_2027.public_body


def test_a_member_who_left_before_the_report_day_is_not_placed() -> None:
    gone = member("SAL99", "employee", left=date(2026, 12, 31))
    found = report(statutes(), [*registry(), gone])
    assert found.placement("SAL99") is None
    assert len(found.members) == 12


def test_redistribution_shares_the_whole_among_the_formed_colleges_pro_rata() -> None:
    found = report(statutes(), registry(producers=2))
    weights = {c.code: c.effective_weight for c in found.colleges}
    assert weights == {"salaries": Fraction(3, 7), "usagers": Fraction(2, 7),
                       "producteurs": Fraction(0), "partenaires": Fraction(2, 7)}  # fmt: skip
    assert sum(w for w in weights.values() if w is not None) == 1
    codes = [f.code for f in found.findings]
    assert "college_below_minimum_size" in codes


def test_merging_gives_the_named_college_the_weight_of_the_college_not_formed() -> None:
    merged = statutes(
        ("empty_college: redistribute", "empty_college: merge\n  merge_into: partenaires")
    )
    found = report(merged, registry(beneficiaries=0))
    weights = {c.code: c.effective_weight for c in found.colleges}
    assert weights == {"salaries": Fraction(3, 10), "usagers": Fraction(0),
                       "producteurs": Fraction(3, 10), "partenaires": Fraction(2, 5)}  # fmt: skip
    usagers = found.college("usagers")
    assert usagers is not None
    assert "fusionné dans « Collège des partenaires et des collectivités »" in usagers.outcome


def test_a_statutes_clause_leaves_the_weights_to_the_chair_and_is_quoted() -> None:
    clause = "le président de séance constate la carence"
    own = statutes(("empty_college: redistribute",
                    f"empty_college: statutes\n  empty_college_text: {clause}"))  # fmt: skip
    found = report(own, registry(producers=1))
    producteurs = found.college("producteurs")
    assert producteurs is not None
    assert producteurs.effective_weight is None
    assert clause in producteurs.outcome
    assert clause in found.policy_text


def test_no_college_formed_gives_every_college_no_weight() -> None:
    assert effective_weights(statutes(), set()) == {
        "salaries": 0, "usagers": 0, "producteurs": 0, "partenaires": 0,
    }  # fmt: skip


def test_an_empty_mandatory_category_is_an_error_citing_article_19_septies() -> None:
    found = report(statutes(), registry(employees=0))
    errors = [f for f in found.errors if f.code == "mandatory_category_empty"]
    assert len(errors) == 1
    assert errors[0].article == "loi n° 47-1775, art. 19 septies"
    assert "« Salariés »" in errors[0].message


def test_the_compliance_check_is_given_the_projected_capital_and_its_findings_come_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[CapitalPicture | None] = []
    lawful_error = Finding(Severity.ERROR, "some_error", "erreur", "art. 1", "x")

    def check(*_: Any, capital: CapitalPicture | None = None) -> list[Finding]:
        seen.append(capital)
        return [lawful_error]

    monkeypatch.setattr(compliance, "check", check)
    commune = member("COMMUNE", "public_body", y2026=500)
    found = report(statutes(), [*registry(producers=2), commune])
    # 3 × 100 + 3 × 50 + 2 × 1 000 + 3 × 100 + 100 (commune: 2 parts) = 2 850 €
    assert seen == [CapitalPicture(Decimal("2850.00"), Decimal("100.00"),
                                   "capital projeté aux souscriptions minimales")]  # fmt: skip
    assert found.findings[0] == lawful_error
    assert [f.severity for f in found.findings] == sorted(
        (f.severity for f in found.findings), key=lambda s: s is not Severity.ERROR
    )
    assert found.capital.public_share == Fraction(100, 2850)


def test_a_commune_without_population_is_left_out_of_the_capital_and_named() -> None:
    found = report(statutes(), [*registry(), member("COMMUNE", "public_body")])
    assert found.capital.incomplete == ("COMMUNE",)
    assert found.capital.public_bodies == 0
    assert found.capital.public_share == 0
    assert [f.code for f in found.warnings] == ["missing_population"]
