"""The legal corrections of the 2026 audit (issue 16), on the pure domain: the 2019 switch on
abstentions by fiscal year, the SCIC SAS date, the employees fact, volunteers, the public
bodies' kinds and the capital minimums of a withdrawal."""

from __future__ import annotations

from datetime import UTC, date, datetime
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gouvernance.domain.errors import Conflict
from gouvernance.domain.fees.schedule import RuleError
from gouvernance.domain.members import MemberDraft, PersonKind, ScicKind
from gouvernance.domain.scic import compliance
from gouvernance.domain.scic.capital import (
    CapitalFloor,
    CapitalMinimum,
    CapitalOperation,
    OperationKind,
    Register,
)
from gouvernance.domain.scic.decisions import (
    FiscalYear,
    LegalForm,
    Treatment,
    parse_presets,
)
from gouvernance.domain.scic.statutes import Statutes, parse_statutes
from gouvernance.services.scic import scic_rules

AT = datetime(2026, 11, 22, tzinfo=UTC)
STATUTES = """
id: essai
label: Statuts d'essai
valid_from: 2001-07-19
legal_form: {form}
categories:
  - {{code: usagers, label: Usagers, kind: beneficiary}}
  - {{code: producteurs, label: Producteurs, kind: producer}}
  - {{code: soutiens, label: Soutiens, kind: partner}}
capital:
  share_value: "50,00"
"""


def _statutes(form: str = "scic_sarl") -> Statutes:
    _, scop, _ = scic_rules.load_presets()
    return parse_statutes(STATUTES.format(form=form), "rules/statuts/essai.yaml", scop)


def _codes(form: str, on: date, employees: bool | None) -> list[tuple[str, str]]:
    presets, _, _ = scic_rules.load_presets()
    found = compliance.check(_statutes(form), scic_rules.load_law(), presets, on, None, employees)
    return [(f.code, f.severity.value) for f in found]


def test_the_first_closing_after_the_promulgation_depends_on_the_fiscal_year() -> None:
    promulgation = date(2019, 7, 19)
    assert FiscalYear(1, 1).first_closing_after(promulgation) == date(2019, 12, 31)
    assert FiscalYear(1, 7).first_closing_after(promulgation) == date(2020, 6, 30)
    assert FiscalYear(1, 8).first_closing_after(promulgation) == date(2019, 7, 31)
    # a closing on the very day of the promulgation is not « after » it
    assert FiscalYear(20, 7).first_closing_after(promulgation) == date(2020, 7, 19)


@settings(max_examples=30, deadline=None)
@given(
    month=st.integers(1, 12),
    day=st.integers(1, 28),
    held=st.dates(date(2019, 7, 20), date(2021, 7, 1)),
)
def test_abstentions_stop_counting_against_exactly_after_the_first_closing(
    month: int, day: int, held: date
) -> None:
    presets = scic_rules.load_presets()[0].for_fiscal_year(day, month)
    closing = FiscalYear(day, month).first_closing_after(date(2019, 7, 19))
    rule = presets.rules(LegalForm.SCIC_SA, held)["ordinary"]
    expected = Treatment.EXCLUDED if held > closing else Treatment.AGAINST
    assert rule.abstention is expected
    assert "loi n° 2019-744 du 19 juillet 2019, art. 16 II" in rule.reference


def test_a_fiscal_year_switch_without_its_article_is_refused() -> None:
    text = (scic_rules.law_folder() / "assemblees.yaml").read_text(encoding="utf-8")
    text = text.replace("      transition: loi n° 2019-744 du 19 juillet 2019, art. 16 II\n", "")
    with pytest.raises(RuleError) as caught:
        parse_presets(text, "rules/law/assemblees.yaml")
    assert caught.value.path == "presets.scic_sa[2].transition"


def test_a_scic_sas_before_2_august_2014_gives_one_error_and_nothing_else() -> None:
    assert _codes("scic_sas", date(2014, 8, 1), None) == [("scic_sas_not_yet_allowed", "error")]
    assert ("scic_sas_not_yet_allowed", "error") not in _codes("scic_sas", date(2014, 8, 2), None)


def test_producers_stand_for_employees_only_when_the_organisation_has_none() -> None:
    on = date(2027, 1, 1)
    assert _codes("scic_sarl", on, False) == []
    assert _codes("scic_sarl", on, None) == [("missing_employees_category", "warning")]
    assert _codes("scic_sarl", on, True) == [("missing_employees_category", "error")]
    # before the loi n° 2014-856, employees were mandatory whatever the organisation said
    before = _codes("scic_sarl", date(2014, 8, 1), False)
    assert ("missing_employees_category", "error") in before


def test_a_legal_person_is_refused_in_a_category_of_volunteers_a_natural_person_is_not() -> None:
    legal = MemberDraft(
        kind=PersonKind.LEGAL, category="volunteer", joined_on=date(2026, 1, 1),
        name="Club", siren="552100554",
    )  # fmt: skip
    problems = legal.problems({"volunteer"}, frozenset({"volunteer"}))
    assert [p.field for p in problems] == ["kind"]
    natural = MemberDraft(
        kind=PersonKind.NATURAL, category="volunteer", joined_on=date(2026, 1, 1),
        first_name="Annie", last_name="Castel",
    )  # fmt: skip
    assert natural.problems({"volunteer"}, frozenset({"volunteer"})) == []


def test_the_state_is_a_public_person_distinct_from_territorial_bodies() -> None:
    assert ScicKind("other_public") is ScicKind.OTHER_PUBLIC
    assert ScicKind.PUBLIC_BODY.label == "collectivités territoriales"
    assert ScicKind.OTHER_PUBLIC.label == "autres personnes publiques"


def _register(cents: int) -> Register:
    operation = CapitalOperation(
        number="CAP-2026-0001", kind=OperationKind.SUBSCRIPTION, member_code="A", shares=1,
        cents=cents, paid_cents=cents, day=date(2026, 1, 1), actor="t", recorded_at=AT,
    )  # fmt: skip
    return Register.replay([operation])


def test_the_highest_of_the_capital_minimums_is_the_one_named_when_refused() -> None:
    floor = CapitalFloor(
        Fraction(1, 4),
        "loi n° 47-1775, art. 13",
        (
            CapitalMinimum(100_000, "capital minimal fixé par les statuts", "statuts"),
            CapitalMinimum(1_850_000, "capital minimal d'une SCIC SA", "loi n° 47-1775, art. 27"),
        ),
    )
    floor.check(_register(1_850_000))
    with pytest.raises(Conflict) as caught:
        floor.check(_register(1_849_999))
    assert "sous le capital minimal d'une SCIC SA de 18\u202f500,00\u00a0€" in caught.value.message
    assert caught.value.message.endswith("loi n° 47-1775, art. 27")
