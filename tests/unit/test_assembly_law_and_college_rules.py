"""The law's floor in the tally (a SAS clause below the majority of votes cast is set aside),
the statutes' college rules (abstention as consent, block vote), and explanations that never
mislead: a quorum short by one associate in 65 000 does not print like the quorum required,
and large counts carry French thousands separators."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest

from gouvernance.domain.assembly.model import NO_COLLEGE
from gouvernance.domain.assembly.rules import AssemblyRules, LegalFloor, legal_floor
from gouvernance.domain.assembly.tally import (
    CollegeTurnout,
    Counts,
    Outcome,
    Turnout,
    quorum,
    tally_resolution,
)
from gouvernance.domain.fees.schedule import RuleError
from gouvernance.domain.scic.decisions import LegalForm, VoteBase
from gouvernance.domain.scic.statutes import BlockVote, CollegeVotes, parse_statutes
from gouvernance.services.assembly import assemblies
from gouvernance.services.scic import scic_rules
from tests.unit.test_assembly_tally import (
    SALARIES,
    SOUTIENS,
    USAGERS,
    ballots,
    college,
    decision,
    everyone,
    make_rules,
    pct,
    turnout,
)

NNBSP = "\u202f"
FLOOR = LegalFloor(Fraction(1, 2), "C. com. L227-9")
THIRD = decision(majority=Fraction(1, 3), strict=False)


# --- The law's floor ---------------------------------------------------------------------------


def test_a_sas_clause_of_one_third_is_set_aside_and_46_percent_is_rejected_with_the_article() -> (
    None
):
    rules = replace(make_rules((), decisions={"ordinary": THIRD}), legal_floor=FLOOR)
    result = tally_resolution(
        rules, 1, turnout(**{NO_COLLEGE: (13, 13)}), everyone(Counts(for_=6, against=7))
    )
    assert result.weighted == Fraction(6, 13)
    assert result.outcome is Outcome.REJECTED
    assert result.rule.majority == Fraction(1, 2) and result.rule.strict
    assert result.explanation[-2] == (
        f"Les statuts fixent la majorité à au moins {pct('≈ 33,33 %')} des voix exprimées : "
        "cette clause est réputée non écrite, car la loi exige pour une décision de SAS plus de "
        "la moitié des voix exprimées (C. com. L227-9) ; le décompte applique la règle de la loi"
    )
    assert result.explanation[-1] == (
        f"Majorité requise : plus de la moitié des voix exprimées ({pct('50 %')}) → rejetée"
    )


def test_without_the_floor_the_same_ballots_follow_the_statutes_and_are_adopted() -> None:
    rules = make_rules((), decisions={"ordinary": THIRD})
    result = tally_resolution(
        rules, 1, turnout(**{NO_COLLEGE: (13, 13)}), everyone(Counts(for_=6, against=7))
    )
    assert result.outcome is Outcome.ADOPTED
    assert not any("réputée non écrite" in line for line in result.explanation)


def test_half_without_more_than_becomes_more_than_half_and_a_lawful_clause_is_kept() -> None:
    half = decision(majority=Fraction(1, 2), strict=False)
    rules = replace(make_rules((), decisions={"ordinary": half}), legal_floor=FLOOR)
    tie = tally_resolution(
        rules, 1, turnout(**{NO_COLLEGE: (4, 4)}), everyone(Counts(for_=2, against=2))
    )
    assert tie.outcome is Outcome.REJECTED
    two_thirds = decision(majority=Fraction(2, 3), strict=False, base=VoteBase.PRESENT_REPRESENTED)
    kept = replace(make_rules((), decisions={"ordinary": two_thirds}), legal_floor=FLOOR)
    result = tally_resolution(
        kept, 1, turnout(**{NO_COLLEGE: (3, 3)}), everyone(Counts(for_=2, against=1))
    )
    assert result.rule == two_thirds.convocations[0]
    assert result.outcome is Outcome.ADOPTED


def test_the_floor_comes_from_the_law_book_for_a_sas_only() -> None:
    law = scic_rules.load_law()
    floor = legal_floor(LegalForm.SCIC_SAS, law, date(2027, 6, 15))
    assert floor is not None and floor.majority == Fraction(1, 2)
    assert "L227-9" in floor.reference
    assert legal_floor(LegalForm.SCIC_SA, law, date(2027, 6, 15)) is None
    assert legal_floor(LegalForm.ASSOCIATION, law, date(2027, 6, 15)) is None


# --- College rules -----------------------------------------------------------------------------

THREE = (SALARIES, USAGERS, SOUTIENS)  # 50 %, 30 %, 20 %, at least 3 associates each
ROOM = turnout(salaries=(4, 4), usagers=(4, 4), soutiens=(4, 4))


def test_an_abstention_counts_for_inside_its_college_and_in_its_base() -> None:
    rules = replace(make_rules(THREE), college_votes=CollegeVotes(abstention_as_consent=True))
    result = tally_resolution(
        rules, 1, ROOM,
        ballots(salaries=Counts(for_=1, against=1, abstain=2),
                usagers=Counts(against=4), soutiens=Counts(for_=4)),
    )  # fmt: skip
    salaries = college(result, "salaries")
    assert (salaries.in_favour, salaries.base) == (3, 4)
    # 50 % × 3/4 + 30 % × 0 + 20 % × 1 = 37,5 % + 20 % = 57,5 %
    assert result.weighted == Fraction(23, 40)
    assert result.outcome is Outcome.ADOPTED
    assert "3 (dont 2 abstentions comptées « pour »" in salaries.explanation
    # The headcount stays the ballots as cast.
    assert result.headcount == Counts(for_=5, against=5, abstain=2)


def test_a_block_vote_carries_the_whole_weight_and_at_the_threshold_a_strict_one_fails() -> None:
    block = CollegeVotes(block_vote=BlockVote(Fraction(3, 5), strict=True))
    rules = replace(make_rules(THREE), college_votes=block)
    counts = ballots(
        salaries=Counts(for_=3, against=2),  # 60 % exactly: not « plus de 60 % »
        usagers=Counts(for_=3, against=1),  # 75 %: the whole 30 % for
        soutiens=Counts(for_=4),
    )
    result = tally_resolution(rules, 1, turnout(salaries=(5, 5), usagers=(4, 4), soutiens=(4, 4)),
                              counts)  # fmt: skip
    assert college(result, "salaries").block is False
    assert college(result, "usagers").block is True
    assert result.weighted == Fraction(1, 2)  # 30 % + 20 %
    assert result.outcome is Outcome.REJECTED  # not more than half
    at_least = replace(
        rules, college_votes=CollegeVotes(block_vote=BlockVote(Fraction(3, 5), False))
    )
    adopted = tally_resolution(
        at_least, 1, turnout(salaries=(5, 5), usagers=(4, 4), soutiens=(4, 4)), counts
    )
    assert adopted.weighted == 1
    assert adopted.outcome is Outcome.ADOPTED
    assert (
        pct("vote bloqué (au moins 60 % de « pour » : atteint)")
        in college(adopted, "salaries").explanation
    )


def test_consent_and_block_vote_together_and_the_rules_read_back_from_storage() -> None:
    votes = CollegeVotes(True, BlockVote(Fraction(3, 5)))
    rules = replace(make_rules(THREE), college_votes=votes, legal_floor=FLOOR,
                    unlawful=("majorité trop faible (C. com. L227-9)",))  # fmt: skip
    again = AssemblyRules.from_json(rules.to_json())
    assert again == rules
    # 1 pour + 2 abstentions out of 4: 3/4 with consent, more than 60 %: all 50 % for.
    result = tally_resolution(
        again, 1, ROOM,
        ballots(salaries=Counts(for_=1, against=1, abstain=2), usagers=Counts(against=4),
                soutiens=Counts(against=4)),
    )  # fmt: skip
    assert result.weighted == Fraction(1, 2)
    assert result.outcome is Outcome.REJECTED


def test_rules_frozen_before_these_options_read_back_plain_and_their_json_is_unchanged() -> None:
    plain = make_rules(THREE)
    dumped = json.loads(plain.to_json())
    assert not {"college_votes", "legal_floor", "unlawful"} & dumped.keys()
    again = AssemblyRules.from_json(plain.to_json())
    assert again.college_votes == CollegeVotes()
    assert again.legal_floor is None and again.unlawful == ()


STATUTES = """
id: essai
label: Statuts d'essai
valid_from: 2020-01-01
legal_form: scic_sas
categories:
  - {code: salaries, label: Salariés, kind: employee}
colleges: COLLEGES
college_rules:
  RULE
capital:
  share_value: "10,00"
"""


def statutes_text(
    rule: str, colleges: str = "[{code: s, label: S, categories: [salaries]}]"
) -> str:
    return STATUTES.replace("RULE", rule).replace("COLLEGES", colleges)


def test_the_statutes_read_both_college_rules() -> None:
    _, scop, _ = scic_rules.load_presets()
    statutes = parse_statutes(
        statutes_text('abstention_as_consent: true\n  block_vote: {threshold: "60 %"}'),
        "statuts.yaml", scop,
    )  # fmt: skip
    assert statutes.college_votes == CollegeVotes(True, BlockVote(Fraction(3, 5), True))
    frozen = AssemblyRules.from_statutes(statutes, scic_rules.load_presets()[0], date(2027, 6, 15))
    assert frozen.college_votes == statutes.college_votes


@pytest.mark.parametrize(
    ("rule", "colleges", "key", "said"),
    [
        ("abstention_as_consent: true", "[]", "college_rules.abstention_as_consent",
         "règle de vote par collège sans collège"),
        ('block_vote: {threshold: "100 %"}', None, "college_rules.block_vote.threshold",
         "le seuil du vote bloqué doit être entre 0 et 100 % exclus"),
    ],
)  # fmt: skip
def test_a_college_rule_that_cannot_apply_is_refused_naming_the_key(
    rule: str, colleges: str | None, key: str, said: str
) -> None:
    _, scop, _ = scic_rules.load_presets()
    text = statutes_text(rule) if colleges is None else statutes_text(rule, colleges)
    with pytest.raises(RuleError) as refused:
        parse_statutes(text, "statuts.yaml", scop)
    assert refused.value.source == "statuts.yaml"
    assert refused.value.path == key
    assert said in refused.value.reason


# --- Explanations that never mislead ------------------------------------------------------------


def test_a_quorum_one_short_in_65000_prints_the_decimals_that_separate_it_from_20_percent() -> None:
    rules = make_rules((), decisions={"ordinary": decision(quorum=Fraction(1, 5))})
    found = quorum(
        rules, "ordinary", 1, Turnout({NO_COLLEGE: CollegeTurnout(NO_COLLEGE, 65000, 12999)})
    )
    assert not found.reached
    assert found.explanation == (
        f"12{NNBSP}999 associés présents, représentés, ayant voté à distance ou par "
        f"correspondance sur 65{NNBSP}000 inscrits, soit {pct('≈ 19,998 %')} ; quorum requis en "
        f"1re convocation pour l'assemblée générale ordinaire : {pct('20 %')} : non atteint"
    )
    assert "20,00" not in found.explanation  # never « ≈ 20,00 % … non atteint »


def test_a_quorum_far_from_its_threshold_keeps_two_decimals() -> None:
    rules = make_rules((), decisions={"ordinary": decision(quorum=Fraction(1, 5))})
    found = quorum(rules, "ordinary", 1, Turnout({NO_COLLEGE: CollegeTurnout(NO_COLLEGE, 12, 2)}))
    assert f"soit {pct('≈ 16,67 %')} ;" in found.explanation
    assert found.explanation.endswith(f": {pct('20 %')} : non atteint")


def test_large_counts_carry_french_thousands_separators() -> None:
    rules = make_rules((), decisions={"ordinary": decision()})
    result = tally_resolution(
        rules, 1, turnout(**{NO_COLLEGE: (30000, 25000)}),
        everyone(Counts(for_=12999, against=12001)),
    )  # fmt: skip
    assert result.explanation[0].endswith(
        f"12{NNBSP}999 pour, 12{NNBSP}001 contre, 0 abstention, 0 blanc ou nul ; "
        f"12{NNBSP}999 sur 25{NNBSP}000 voix exprimées, soit {pct('51,996 %')}"
    )
    assert result.explanation[1] == (
        f"Résultat : 12{NNBSP}999 pour sur 25{NNBSP}000 voix exprimées, soit {pct('51,996 %')}"
    )


def test_a_statutes_error_names_the_file_in_the_folder_the_environment_sets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "projet.yaml").write_text(
        statutes_text('block_vote: {threshold: "0 %"}'), encoding="utf-8"
    )
    monkeypatch.setenv(scic_rules.STATUTES_VARIABLE, str(tmp_path))
    with pytest.raises(RuleError) as refused:
        scic_rules.list_statutes()
    assert refused.value.source == f"{tmp_path.as_posix()}/projet.yaml"
    assert not refused.value.source.startswith("rules/statuts/")


def test_convening_on_a_day_the_law_book_cannot_check_says_so_instead_of_refusing() -> None:
    law = scic_rules.load_law()
    presets, _, _ = scic_rules.load_presets()
    statutes = scic_rules.load_statutes("demo-statuts-scic")
    (said,) = assemblies._unlawful(statutes, law, presets, date(1999, 1, 1))
    assert said.startswith("contrôle de conformité impossible au 01/01/1999 : ")
    assert assemblies._unlawful(statutes, law, presets, date(2027, 6, 15)) == ()
