"""The compliance check beyond the scenarios of features/statuts_conformite.feature: ordering,
articles taken from the law book, the demo statutes, the SA and SAS specifics."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from gouvernance.domain.scic import compliance
from gouvernance.domain.scic.compliance import CapitalPicture, ComplianceReport, Severity
from gouvernance.domain.scic.decisions import (
    AssemblyPresets,
    Convocation,
    DecisionRule,
    LegalForm,
    Treatment,
    VoteBase,
)
from gouvernance.domain.scic.law import LawBook
from gouvernance.domain.scic.statutes import Statutes, SurplusPolicy
from gouvernance.services.scic import scic_rules

ON = date(2027, 1, 1)


@pytest.fixture(scope="module")
def law() -> LawBook:
    return scic_rules.load_law()


@pytest.fixture(scope="module")
def presets() -> AssemblyPresets:
    return scic_rules.load_presets()[0]


@pytest.fixture(scope="module")
def demo() -> Statutes:
    return scic_rules.load_statutes("demo-statuts-scic")


def rule(majority: Fraction, strict: bool) -> DecisionRule:
    convocation = Convocation(Fraction(0), majority, strict, VoteBase.VOTES_CAST)
    return DecisionRule("ordinary", "AGO", (convocation,), Treatment.EXCLUDED, Treatment.EXCLUDED)


def codes(findings: list[compliance.Finding]) -> list[str]:
    return [f.code for f in findings]


@pytest.mark.parametrize("on", [date(2015, 1, 1), date(2025, 6, 30), ON])
def test_the_demo_statutes_give_no_error(
    demo: Statutes, law: LawBook, presets: AssemblyPresets, on: date
) -> None:
    findings = compliance.check(demo, law, presets, on)
    assert [f for f in findings if f.severity is Severity.ERROR] == []


def test_errors_come_first_then_warnings_each_by_key_path(
    demo: Statutes, law: LawBook, presets: AssemblyPresets
) -> None:
    surplus = SurplusPolicy(Fraction(1, 10), Fraction(2, 5), Fraction(1, 10), Fraction(0))
    statutes = dataclasses.replace(demo, surplus=surplus)
    findings = compliance.check(statutes, law, presets, date(2025, 6, 30))
    assert [(f.severity, f.path) for f in findings] == [
        (Severity.ERROR, "surplus.legal_reserve"),
        (Severity.ERROR, "surplus.statutory_reserve"),
        (Severity.WARNING, "surplus.interest_rate"),
    ]


def test_the_article_is_read_from_the_law_book(
    demo: Statutes, law: LawBook, presets: AssemblyPresets
) -> None:
    renumbered = dict(law.parameters)
    renumbered["legal_reserve_rate"] = dataclasses.replace(
        law.parameters["legal_reserve_rate"], reference="loi n° 47-1775, art. 16 (nouveau)"
    )
    book = dataclasses.replace(law, parameters=renumbered)
    statutes = dataclasses.replace(
        demo, surplus=dataclasses.replace(demo.surplus, legal_reserve=Fraction(1, 10))
    )
    (finding,) = compliance.check(statutes, book, presets, ON)
    assert finding.article == "loi n° 47-1775, art. 16 (nouveau)"


def test_an_sa_without_a_minimum_capital_is_an_error(
    demo: Statutes, law: LawBook, presets: AssemblyPresets
) -> None:
    statutes = dataclasses.replace(demo, legal_form=LegalForm.SCIC_SA, preset=None)
    (finding,) = compliance.check(statutes, law, presets, ON)
    assert (finding.code, finding.path) == ("sa_capital_below_min", "capital.minimum")
    assert finding.message == (
        "les statuts d'une SCIC SA ne fixent pas de capital minimal : il doit être d'au moins "
        "18\u202f500,00\u00a0€"
    )
    enough = dataclasses.replace(
        statutes, capital=dataclasses.replace(demo.capital, minimum=Decimal("18500.00"))
    )
    assert compliance.check(enough, law, presets, ON) == []


@pytest.mark.parametrize(
    ("majority", "strict", "lawful"),
    [
        (Fraction(1, 2), True, True),
        (Fraction(1, 2), False, False),
        (Fraction(2, 5), True, False),
        (Fraction(2, 3), False, True),
    ],
)
def test_an_sas_decision_needs_a_majority_of_votes_cast(
    demo: Statutes,
    law: LawBook,
    presets: AssemblyPresets,
    majority: Fraction,
    strict: bool,
    lawful: bool,
) -> None:
    decisions = {**demo.decisions, "ordinary": rule(majority, strict)}
    statutes = dataclasses.replace(demo, decisions=decisions)
    findings = compliance.check(statutes, law, presets, ON)
    assert codes(findings) == ([] if lawful else ["sas_majority_below_votes_cast"])
    if not lawful:
        assert findings[0].path == "assemblies.ordinary"


def test_a_weak_custom_decision_is_flagged_at_its_custom_path(
    demo: Statutes, law: LawBook, presets: AssemblyPresets
) -> None:
    weak = dataclasses.replace(rule(Fraction(1, 3), False), kind="exclusion")
    statutes = dataclasses.replace(demo, decisions={"exclusion": weak})
    (finding,) = compliance.check(statutes, law, presets, ON)
    assert finding.path == "assemblies.custom.exclusion"


def test_the_sas_floor_does_not_apply_to_an_sarl(
    demo: Statutes, law: LawBook, presets: AssemblyPresets
) -> None:
    statutes = dataclasses.replace(
        demo, legal_form=LegalForm.SCIC_SARL, preset=None,
        decisions={"ordinary": rule(Fraction(1, 3), False)},
    )  # fmt: skip
    assert compliance.check(statutes, law, presets, ON) == []


def test_equal_weights_of_three_colleges_sum_exactly_to_one(
    demo: Statutes, law: LawBook, presets: AssemblyPresets
) -> None:
    colleges = tuple(dataclasses.replace(c, weight=Fraction(1, 3)) for c in demo.colleges[:3])
    statutes = dataclasses.replace(demo, colleges=colleges, overrides={})
    assert compliance.check(statutes, law, presets, ON) == []


def test_the_capital_picture_label_prefixes_the_message(
    demo: Statutes, law: LawBook, presets: AssemblyPresets
) -> None:
    picture = CapitalPicture(Decimal("1000.00"), Decimal("500.01"), "registre au 31/12/2027")
    (finding,) = compliance.check(demo, law, presets, ON, picture)
    assert finding.message.startswith("registre au 31/12/2027 : les collectivités territoriales")
    assert compliance.check(demo, law, presets, ON, CapitalPicture(Decimal(0), Decimal(0))) == []


def test_the_report_lists_the_law_values_applied(demo: Statutes, law: LawBook) -> None:
    values = compliance.law_values(demo, law, ON)
    keys = [v.key for v in values]
    assert "sas_majority_min" in keys and "sa_capital_min" not in keys
    report = ComplianceReport(demo.id, demo.label, demo.legal_form, ON, (), values)
    assert report.lawful and (report.errors, report.warnings) == (0, 0)
