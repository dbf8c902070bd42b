"""The tally of an assembly: quorum per head, per-college results on the statutes' base, the
empty-college policies, the weighted result against the majority, and the French explanation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from fractions import Fraction

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from gouvernance.domain.assembly.model import NO_COLLEGE, Proposer
from gouvernance.domain.assembly.rules import AssemblyRules, CollegeRule
from gouvernance.domain.assembly.tally import (
    ALL_ASSOCIATES_LABEL,
    AssemblyTally,
    CollegeResult,
    CollegeState,
    CollegeTurnout,
    Counts,
    Outcome,
    ResolutionBallots,
    ResolutionResult,
    Turnout,
    among,
    quorum,
    share_text,
    tally_assembly,
    tally_resolution,
)
from gouvernance.domain.scic.decisions import (
    Convocation,
    DecisionRule,
    LegalForm,
    ProxyLimit,
    Treatment,
    VoteBase,
)
from gouvernance.domain.scic.statutes import (
    BlankProxies,
    EmptyCollege,
    EmptyCollegePolicy,
    RollPolicy,
)
from gouvernance.services.scic import scic_rules

NBSP = "\u00a0"
HALF = Fraction(1, 2)
TWO_THIRDS = Fraction(2, 3)
SALARIES = CollegeRule("salaries", "Collège des salariés", Fraction(1, 2), 3)
USAGERS = CollegeRule("usagers", "Collège des usagers", Fraction(3, 10), 3)
SOUTIENS = CollegeRule("soutiens", "Collège des soutiens", Fraction(1, 5), 3)


def pct(text: str) -> str:
    """A percentage as ``format_share`` writes it (no-break spaces)."""
    return text.replace(" %", f"{NBSP}%").replace("≈ ", f"≈{NBSP}")


def decision(
    kind: str = "ordinary",
    *,
    quorum: Fraction = Fraction(0),
    majority: Fraction = HALF,
    strict: bool = True,
    base: VoteBase = VoteBase.VOTES_CAST,
    abstention: Treatment = Treatment.EXCLUDED,
    blank: Treatment = Treatment.EXCLUDED,
    label: str = "Assemblée générale ordinaire",
) -> DecisionRule:
    return DecisionRule(
        kind, label, (Convocation(quorum, majority, strict, base),), abstention, blank, "art. 1"
    )


def make_rules(
    colleges: tuple[CollegeRule, ...] = (SALARIES, USAGERS, SOUTIENS),
    *,
    decisions: Mapping[str, DecisionRule] | None = None,
    policy: EmptyCollegePolicy = EmptyCollegePolicy.REDISTRIBUTE,
    into: str | None = None,
    text: str = "",
    blank_proxies: BlankProxies = BlankProxies.BOARD,
) -> AssemblyRules:
    return AssemblyRules(
        statutes_id="essai",
        statutes_label="Statuts d'essai",
        statutes_digest="0" * 64,
        legal_form=LegalForm.SCIC_SAS,
        colleges=colleges,
        empty_college=EmptyCollege(policy, into, text),
        decisions=decisions or {"ordinary": decision()},
        proxies=ProxyLimit(fixed=2),
        blank_proxies=blank_proxies,
        roll=RollPolicy(),
    )


def demo_rules(statutes_id: str = "demo-statuts-scic") -> AssemblyRules:
    presets, _, _ = scic_rules.load_presets()
    statutes = scic_rules.load_statutes(statutes_id)
    return AssemblyRules.from_statutes(statutes, presets, date(2027, 6, 15))


def turnout(**colleges: tuple[int, int] | tuple[int, int, int]) -> Turnout:
    """``code=(entitled, attending[, blank proxies])``."""
    return Turnout({code: CollegeTurnout(code, *figures) for code, figures in colleges.items()})


def ballots(
    proposer: Proposer = Proposer.BOARD, kind: str = "ordinary", number: int = 1, **counts: Counts
) -> ResolutionBallots:
    return ResolutionBallots(number, f"Résolution {number}", kind, proposer, counts)


def everyone(
    counts: Counts, proposer: Proposer = Proposer.BOARD, kind: str = "ordinary"
) -> ResolutionBallots:
    """The ballots of an assembly without colleges."""
    return ResolutionBallots(1, "Résolution 1", kind, proposer, {NO_COLLEGE: counts})


def college(result: ResolutionResult, code: str) -> CollegeResult:
    return next(c for c in result.colleges if c.code == code)


def effective(result: ResolutionResult) -> dict[str, Fraction]:
    return {c.code: c.effective_weight for c in result.colleges}


# --- the weighted result against the majority ------------------------------------------------


def test_a_resolution_is_adopted_by_the_weighted_result_though_the_headcount_is_against() -> None:
    rules = demo_rules()
    seen = turnout(salaries=(4, 4), usagers=(3, 3), producteurs=(3, 3), partenaires=(30, 30))
    result = tally_resolution(
        rules,
        1,
        seen,
        ballots(
            salaries=Counts(for_=4),
            usagers=Counts(for_=3),
            producteurs=Counts(against=3),
            partenaires=Counts(for_=10, against=20),
        ),
    )
    assert result.headcount == Counts(for_=17, against=23)
    assert result.weighted == Fraction(3, 10) + Fraction(1, 5) + Fraction(1, 5) * Fraction(1, 3)
    assert result.outcome is Outcome.ADOPTED
    assert result.explanation[4:] == (
        pct("Résultat pondéré : 30 % × 100 % + 20 % × 100 % + 30 % × 0 % + 20 % × ≈ 33,33 % "
            "= ≈ 56,67 %"),
        pct("Majorité requise : plus de la moitié des voix exprimées (50 %) → adoptée"),
        "Décompte par tête, tous collèges confondus : 17 pour, 23 contre, 0 abstention, "
        "0 blanc ou nul",
    )  # fmt: skip
    assert result.colleges[3].explanation == pct(
        "Collège des partenaires et des collectivités (poids 20 %) : 10 pour, 20 contre, "
        "0 abstention, 0 blanc ou nul ; 10 sur 30 voix exprimées, soit ≈ 33,33 %"
    )


def test_a_result_of_exactly_half_under_a_more_than_half_rule_is_rejected() -> None:
    result = tally_resolution(
        make_rules(()),
        1,
        turnout(**{NO_COLLEGE: (20, 20)}),
        everyone(Counts(for_=10, against=10)),
    )
    assert result.weighted == HALF
    assert result.outcome is Outcome.REJECTED
    assert result.explanation[-2:] == (
        pct("Résultat : 10 pour sur 20 voix exprimées, soit 50 %"),
        pct("Majorité requise : plus de la moitié des voix exprimées (50 %) → rejetée"),
    )


def test_a_result_of_exactly_two_thirds_under_an_at_least_two_thirds_rule_is_adopted() -> None:
    rule = decision("extraordinary", majority=TWO_THIRDS, strict=False)
    halves = (replace(SALARIES, weight=HALF), replace(USAGERS, weight=HALF))
    result = tally_resolution(
        make_rules(halves, decisions={"extraordinary": rule}),
        1,
        turnout(salaries=(3, 3), usagers=(6, 6)),
        ballots(kind="extraordinary", salaries=Counts(for_=1, against=2), usagers=Counts(for_=6)),
    )
    assert result.weighted == TWO_THIRDS
    assert result.outcome is Outcome.ADOPTED
    assert result.explanation[-2] == pct(
        "Majorité requise : au moins les deux tiers des voix exprimées (≈ 66,67 %) → adoptée"
    )


def test_one_ballot_short_of_two_thirds_is_rejected() -> None:
    rule = decision("extraordinary", majority=TWO_THIRDS, strict=False)
    result = tally_resolution(
        make_rules((), decisions={"extraordinary": rule}),
        1,
        turnout(**{NO_COLLEGE: (30, 30)}),
        everyone(Counts(for_=19, against=10), kind="extraordinary"),
    )
    assert result.weighted == Fraction(19, 29)
    assert result.outcome is Outcome.REJECTED


def test_a_result_just_short_of_two_thirds_never_prints_like_the_threshold() -> None:
    rule = decision("extraordinary", majority=TWO_THIRDS, strict=False)
    result = tally_resolution(
        make_rules((), decisions={"extraordinary": rule}),
        1,
        turnout(**{NO_COLLEGE: (35000, 35000)}),
        everyone(Counts(for_=23333, against=11667), kind="extraordinary"),
    )
    assert result.outcome is Outcome.REJECTED
    assert result.explanation[-2:] == (
        pct("Résultat : 23\u202f333 pour sur 35\u202f000 voix exprimées, soit ≈ 66,666 %"),
        pct("Majorité requise : au moins les deux tiers des voix exprimées (≈ 66,667 %) → rejetée"),
    )
    assert share_text(result, Fraction(23333, 35000)) == pct("≈ 66,666 %")


def test_a_result_just_above_half_never_prints_like_the_threshold() -> None:
    result = tally_resolution(
        make_rules(()),
        1,
        turnout(**{NO_COLLEGE: (35001, 35001)}),
        everyone(Counts(for_=17501, against=17500)),
    )
    assert result.outcome is Outcome.ADOPTED
    assert result.explanation[-2:] == (
        pct("Résultat : 17\u202f501 pour sur 35\u202f001 voix exprimées, soit ≈ 50,001 %"),
        pct("Majorité requise : plus de la moitié des voix exprimées (50 %) → adoptée"),
    )


def test_a_weighted_result_near_the_threshold_gets_the_decimals_that_tell_them_apart() -> None:
    halves = (replace(SALARIES, weight=HALF), replace(USAGERS, weight=HALF))
    result = tally_resolution(
        make_rules(halves),
        1,
        turnout(salaries=(35001, 35001), usagers=(35001, 35001)),
        ballots(
            salaries=Counts(for_=17501, against=17500), usagers=Counts(for_=17501, against=17500)
        ),
    )
    assert result.outcome is Outcome.ADOPTED
    assert result.explanation[-3:-1] == (
        pct("Résultat pondéré : 50 % × ≈ 50,001 % + 50 % × ≈ 50,001 % = ≈ 50,001 %"),
        pct("Majorité requise : plus de la moitié des voix exprimées (50 %) → adoptée"),
    )


def test_a_result_too_close_to_the_threshold_for_eight_decimals_adds_the_exact_fraction() -> None:
    votes = 10**12
    result = tally_resolution(
        make_rules(()),
        1,
        turnout(**{NO_COLLEGE: (votes, votes)}),
        everyone(Counts(for_=votes // 2 + 1, against=votes // 2 - 1)),
    )
    assert result.outcome is Outcome.ADOPTED
    assert result.explanation[-2] == pct(
        "Résultat : 500\u202f000\u202f000\u202f001 pour sur "
        "1\u202f000\u202f000\u202f000\u202f000 voix exprimées, soit ≈ 50,00000000 % "
        "(500000000001/1000000000000)"
    )


# --- empty and absent colleges ----------------------------------------------------------------


def test_an_empty_college_is_redistributed_pro_rata_of_the_other_weights() -> None:
    rules = demo_rules()
    seen = turnout(salaries=(4, 4), producteurs=(3, 3), partenaires=(5, 5))
    result = tally_resolution(
        rules,
        1,
        seen,
        ballots(
            salaries=Counts(for_=4),
            producteurs=Counts(against=3),
            partenaires=Counts(for_=1, against=4),
        ),
    )
    assert effective(result) == {
        "salaries": Fraction(3, 8),
        "usagers": Fraction(0),
        "producteurs": Fraction(3, 8),
        "partenaires": Fraction(1, 4),
    }
    assert result.weighted == Fraction(3, 8) + Fraction(1, 4) * Fraction(1, 5)
    usagers = result.colleges[1]
    assert usagers.state is CollegeState.NOT_FORMED
    assert usagers.result is None
    assert usagers.explanation == pct(
        "Collège des usagers (poids 20 %) : non formé (0 inscrit pour un minimum de 3) : "
        "poids redistribué"
    )
    assert (
        pct(
            "Poids retenus après redistribution : Collège des salariés 37,50 %, Collège des "
            "structures productrices 37,50 %, Collège des partenaires et des collectivités 25 %"
        )
        in result.explanation
    )


def test_a_college_below_its_minimum_size_is_not_formed_and_its_ballots_are_left_out() -> None:
    result = tally_resolution(
        make_rules(),
        1,
        turnout(salaries=(5, 5), usagers=(2, 2), soutiens=(4, 4)),
        ballots(salaries=Counts(for_=5), usagers=Counts(against=2), soutiens=Counts(against=4)),
    )
    assert college(result, "usagers").state is CollegeState.NOT_FORMED
    assert effective(result) == {
        "salaries": Fraction(5, 7),
        "usagers": Fraction(0),
        "soutiens": Fraction(2, 7),
    }
    assert result.weighted == Fraction(5, 7)
    assert result.headcount == Counts(for_=5, against=6)
    assert result.explanation[1] == pct(
        "Collège des usagers (poids 30 %) : non formé (2 inscrits pour un minimum de 3) : "
        "poids redistribué"
    )


def test_a_formed_college_where_nobody_voted_is_absent_and_its_weight_redistributed() -> None:
    result = tally_resolution(
        make_rules(),
        1,
        turnout(salaries=(5, 5), usagers=(3, 1), soutiens=(4, 4)),
        ballots(salaries=Counts(for_=2, against=3), soutiens=Counts(for_=4)),
    )
    usagers = result.colleges[1]
    assert usagers.state is CollegeState.ABSENT
    assert (usagers.base, usagers.result, usagers.effective_weight) == (0, None, Fraction(0))
    assert usagers.explanation == pct(
        "Collège des usagers (poids 30 %) : 0 pour, 0 contre, 0 abstention, 0 blanc ou nul ; "
        "absent (aucune voix) : poids redistribué"
    )
    assert result.weighted == Fraction(5, 7) * Fraction(2, 5) + Fraction(2, 7)


def test_a_college_of_abstentions_only_is_absent_when_abstentions_are_not_votes_cast() -> None:
    result = tally_resolution(
        make_rules(),
        1,
        turnout(salaries=(5, 5), usagers=(3, 3), soutiens=(4, 4)),
        ballots(salaries=Counts(for_=5), usagers=Counts(abstain=3), soutiens=Counts(against=4)),
    )
    assert result.colleges[1].state is CollegeState.ABSENT
    assert result.colleges[1].explanation.endswith("; absent (aucune voix) : poids redistribué")


def test_under_merge_a_college_not_formed_is_counted_inside_the_named_college() -> None:
    rules = make_rules(policy=EmptyCollegePolicy.MERGE, into="salaries")
    result = tally_resolution(
        rules,
        1,
        turnout(salaries=(5, 5), usagers=(3, 3), soutiens=(2, 2)),
        ballots(
            salaries=Counts(for_=1, against=4),
            usagers=Counts(against=3),
            soutiens=Counts(for_=2),
        ),
    )
    salaries, _, soutiens = result.colleges
    assert soutiens.state is CollegeState.MERGED
    assert (salaries.entitled, salaries.attending, salaries.counts) == (
        7, 7, Counts(for_=3, against=4)
    )  # fmt: skip
    assert salaries.result == Fraction(3, 7)
    assert effective(result) == {
        "salaries": Fraction(7, 10),
        "usagers": Fraction(3, 10),
        "soutiens": Fraction(0),
    }
    assert result.weighted == Fraction(3, 10)
    assert soutiens.explanation == pct(
        "Collège des soutiens (poids 20 %) : non formé (2 inscrits pour un minimum de 3), "
        "fusionné dans le collège des salariés"
    )
    assert salaries.explanation.startswith(
        pct("Collège des salariés (poids 50 %), avec le collège des soutiens : 3 pour, 4 contre")
    )
    assert pct("Poids retenus après redistribution : Collège des salariés 70 %, "
               "Collège des usagers 30 %") in result.explanation  # fmt: skip


def test_under_merge_the_weight_of_an_absent_college_goes_to_the_named_college() -> None:
    rules = make_rules(policy=EmptyCollegePolicy.MERGE, into="salaries")
    result = tally_resolution(
        rules,
        1,
        turnout(salaries=(5, 5), usagers=(3, 0), soutiens=(4, 4)),
        ballots(salaries=Counts(for_=5), soutiens=Counts(against=4)),
    )
    assert result.colleges[1].state is CollegeState.ABSENT
    assert effective(result) == {
        "salaries": Fraction(4, 5),
        "usagers": Fraction(0),
        "soutiens": Fraction(1, 5),
    }
    assert result.colleges[1].explanation.endswith(
        "absent (aucune voix) : poids reporté sur le collège des salariés"
    )


def test_under_merge_a_named_college_not_counted_leaves_the_weights_pro_rata() -> None:
    rules = make_rules(policy=EmptyCollegePolicy.MERGE, into="salaries")
    result = tally_resolution(
        rules,
        1,
        turnout(salaries=(1, 1), usagers=(3, 3), soutiens=(4, 4)),
        ballots(salaries=Counts(for_=1), usagers=Counts(for_=3), soutiens=Counts(against=4)),
    )
    assert [c.state for c in result.colleges] == [
        CollegeState.NOT_FORMED, CollegeState.COUNTED, CollegeState.COUNTED
    ]  # fmt: skip
    assert effective(result)["usagers"] == Fraction(3, 5)
    assert result.weighted == Fraction(3, 5)


def test_under_the_statutes_own_clause_the_outcome_is_left_to_the_chair() -> None:
    clause = "Si un collège est vide, l'assemblée statue à la majorité des présents."
    rules = make_rules(policy=EmptyCollegePolicy.STATUTES, text=clause)
    result = tally_resolution(
        rules,
        1,
        turnout(salaries=(5, 5), soutiens=(4, 4)),
        ballots(salaries=Counts(for_=5), soutiens=Counts(against=4)),
    )
    assert result.outcome is Outcome.UNDECIDED
    assert result.weighted is None
    assert result.colleges[1].explanation.endswith(": poids selon la clause des statuts")
    assert f"Un collège n'est pas formé ou est absent ; les statuts disposent : « {clause} »" in (
        result.explanation
    )
    assert result.explanation[-2].endswith(
        "→ à trancher par le président selon la clause des statuts"
    )


def test_under_the_statutes_own_clause_every_college_counted_decides_as_usual() -> None:
    rules = make_rules(policy=EmptyCollegePolicy.STATUTES, text="Clause.")
    result = tally_resolution(
        rules,
        1,
        turnout(salaries=(5, 5), usagers=(3, 3), soutiens=(4, 4)),
        ballots(salaries=Counts(for_=5), usagers=Counts(for_=3), soutiens=Counts(against=4)),
    )
    assert result.outcome is Outcome.ADOPTED
    assert result.weighted == Fraction(4, 5)


def test_a_resolution_nobody_voted_on_is_rejected_for_want_of_votes() -> None:
    result = tally_resolution(make_rules(), 1, turnout(salaries=(5, 5)), ballots())
    assert result.outcome is Outcome.REJECTED
    assert result.weighted is None
    assert "Aucune voix sur la base retenue : la résolution est rejetée" in result.explanation


# --- blank proxies ----------------------------------------------------------------------------


def test_blank_proxies_vote_for_a_resolution_of_the_board() -> None:
    result = tally_resolution(
        make_rules(()),
        1,
        turnout(**{NO_COLLEGE: (10, 6, 2)}),
        everyone(Counts(for_=1, against=3), Proposer.BOARD),
    )
    only = result.colleges[0]
    assert only.counts == Counts(for_=3, against=3)
    assert only.blank_proxies == 2
    assert result.headcount == Counts(for_=3, against=3)
    assert only.explanation == pct(
        "Ensemble des associés : 3 pour, 3 contre, 0 abstention, 0 blanc ou nul, dont 2 pouvoirs "
        "en blanc ; 3 sur 6 voix exprimées, soit 50 %"
    )
    assert result.outcome is Outcome.REJECTED


def test_blank_proxies_vote_against_a_resolution_of_associates_in_their_college() -> None:
    result = tally_resolution(
        make_rules(),
        1,
        turnout(salaries=(5, 5, 1), usagers=(3, 3), soutiens=(4, 4)),
        ballots(
            Proposer.ASSOCIATES,
            salaries=Counts(for_=4),
            usagers=Counts(for_=3),
            soutiens=Counts(for_=4),
        ),
    )
    assert result.colleges[0].counts == Counts(for_=4, against=1)
    assert result.colleges[1].counts == Counts(for_=3)
    assert result.headcount == Counts(for_=11, against=1)
    assert result.weighted == HALF * Fraction(4, 5) + Fraction(3, 10) + Fraction(1, 5)


def test_blank_proxies_are_not_counted_when_the_statutes_refuse_them() -> None:
    result = tally_resolution(
        make_rules((), blank_proxies=BlankProxies.REFUSED),
        1,
        turnout(**{NO_COLLEGE: (10, 6, 2)}),
        everyone(Counts(for_=1, against=3), Proposer.BOARD),
    )
    assert result.colleges[0].counts == Counts(for_=1, against=3)
    assert result.headcount == Counts(for_=1, against=3)
    assert result.colleges[0].explanation == pct(
        "Ensemble des associés : 1 pour, 3 contre, 0 abstention, 0 blanc ou nul, 2 pouvoirs en "
        "blanc non comptés : les statuts n'admettent pas les pouvoirs en blanc ; 1 sur 4 voix "
        "exprimées, soit 25 %"
    )


# --- bases and treatments -----------------------------------------------------------------


def sa_rules(on: date) -> AssemblyRules:
    presets, _, _ = scic_rules.load_presets()
    return replace(make_rules(()), decisions=presets.rules(LegalForm.SCIC_SA, on))


SA_TURNOUT = turnout(**{NO_COLLEGE: (10, 10)})
SA_BALLOTS = everyone(Counts(for_=5, against=3, abstain=2))


def test_before_the_2019_change_abstentions_in_an_sa_count_against() -> None:
    result = tally_resolution(sa_rules(date(2019, 7, 20)), 1, SA_TURNOUT, SA_BALLOTS)
    assert result.rule.base is VoteBase.PRESENT_REPRESENTED
    assert (result.colleges[0].in_favour, result.colleges[0].base) == (5, 10)
    assert result.outcome is Outcome.REJECTED
    assert result.explanation[-1] == pct(
        "Majorité requise : plus de la moitié des voix des associés présents ou représentés "
        "(50 %) → rejetée"
    )


def test_from_the_2019_change_abstentions_in_an_sa_are_not_votes_cast() -> None:
    """Loi 2019-744 art. 16 II: from the assemblies on the first fiscal year closed after its
    promulgation — for a calendar year, the 2019 accounts, approved in 2020."""
    result = tally_resolution(sa_rules(date(2020, 1, 1)), 1, SA_TURNOUT, SA_BALLOTS)
    assert result.rule.base is VoteBase.VOTES_CAST
    assert (result.colleges[0].in_favour, result.colleges[0].base) == (5, 8)
    assert result.weighted == Fraction(5, 8)
    assert result.outcome is Outcome.ADOPTED


def test_on_the_votes_cast_base_blank_and_null_ballots_may_count_against() -> None:
    rule = decision(abstention=Treatment.EXCLUDED, blank=Treatment.AGAINST)
    result = tally_resolution(
        make_rules((), decisions={"ordinary": rule}),
        1,
        turnout(**{NO_COLLEGE: (12, 11)}),
        everyone(Counts(for_=5, against=2, abstain=1, blank=1, null=1)),
    )
    assert result.colleges[0].base == 9
    assert result.weighted == Fraction(5, 9)


def test_on_the_votes_cast_base_abstentions_may_count_against() -> None:
    rule = decision(abstention=Treatment.AGAINST, blank=Treatment.EXCLUDED)
    result = tally_resolution(
        make_rules((), decisions={"ordinary": rule}),
        1,
        turnout(**{NO_COLLEGE: (12, 11)}),
        everyone(Counts(for_=5, against=2, abstain=1, blank=1, null=1)),
    )
    assert result.colleges[0].base == 8


def test_on_the_present_base_excluded_ballots_are_taken_out_of_those_attending() -> None:
    rule = decision(
        base=VoteBase.PRESENT_REPRESENTED, abstention=Treatment.AGAINST, blank=Treatment.EXCLUDED
    )
    result = tally_resolution(
        make_rules((), decisions={"ordinary": rule}),
        1,
        turnout(**{NO_COLLEGE: (12, 11)}),
        everyone(Counts(for_=5, against=2, abstain=1, blank=1, null=1)),
    )
    assert result.colleges[0].base == 9  # 11 attending, one blank and one null left out
    assert result.colleges[0].explanation.endswith(
        pct("5 sur 9 voix des associés présents ou représentés, soit ≈ 55,56 %")
    )


def test_on_the_all_associates_base_those_absent_count_against() -> None:
    presets, _, _ = scic_rules.load_presets()
    rules = replace(make_rules(()), decisions=presets.rules(LegalForm.SCIC_SARL, date(2027, 1, 1)))
    result = tally_resolution(
        rules,
        1,
        turnout(**{NO_COLLEGE: (20, 12)}),
        everyone(Counts(for_=9, against=3)),
    )
    assert result.weighted == Fraction(9, 20)
    assert result.outcome is Outcome.REJECTED
    assert result.explanation[-2] == pct(
        "Résultat : 9 pour sur 20 voix de tous les associés, soit 45 %"
    )


# --- quorum ----------------------------------------------------------------------------------


def test_a_quorum_of_exactly_the_required_share_is_reached() -> None:
    rules = demo_rules()
    result = quorum(rules, "ordinary", 1, turnout(salaries=(10, 2), partenaires=(10, 2)))
    assert result.reached
    assert result.explanation == pct(
        "4 associés présents, représentés, ayant voté à distance ou par correspondance sur 20 "
        "inscrits, soit 20 % ; "
        "quorum requis en 1re convocation pour l'assemblée générale ordinaire : 20 % : atteint"
    )


def test_a_quorum_one_associate_short_on_first_convocation_is_not_reached() -> None:
    rules = demo_rules()
    seen = turnout(salaries=(10, 2), partenaires=(10, 1))
    result = tally_resolution(rules, 1, seen, ballots(salaries=Counts(for_=2)))
    assert not result.quorum.reached
    assert result.outcome is Outcome.NOT_DELIBERATED
    assert result.weighted is None
    assert result.colleges[0].counts == Counts(for_=2)
    assert result.quorum.explanation == pct(
        "3 associés présents, représentés, ayant voté à distance ou par correspondance sur 20 "
        "inscrits, soit 15 % ; "
        "quorum requis en 1re convocation pour l'assemblée générale ordinaire : 20 % : "
        "non atteint"
    )
    assert result.explanation[-2] == pct(
        "Majorité requise : plus de la moitié des voix exprimées (50 %) → non délibérée "
        "(quorum non atteint)"
    )


def test_on_second_convocation_without_quorum_any_attendance_deliberates() -> None:
    result = quorum(demo_rules(), "ordinary", 2, turnout(salaries=(40, 1)))
    assert result.reached
    assert result.required == 0
    assert result.explanation == pct(
        "1 associé présent, représenté, ayant voté à distance ou par correspondance sur 40 "
        "inscrits, soit 2,50 % ; "
        "aucun quorum requis en 2e convocation pour l'assemblée générale ordinaire"
    )


def test_a_quorum_with_nobody_on_the_roll_is_not_reached() -> None:
    result = quorum(demo_rules(), "extraordinary", 1, Turnout({}))
    assert not result.reached
    assert result.explanation == pct(
        "0 associé présent, représenté, ayant voté à distance ou par correspondance sur 0 "
        "inscrit ; quorum requis "
        "en 1re convocation pour l'assemblée générale extraordinaire : 25 % : non atteint"
    )


# --- without colleges -------------------------------------------------------------------------


def test_without_colleges_each_associate_has_one_vote() -> None:
    rules = demo_rules("demo-statuts-association")
    result = tally_resolution(
        rules,
        1,
        turnout(**{NO_COLLEGE: (25, 20)}),
        everyone(Counts(for_=12, against=8, abstain=1)),
    )
    (only,) = result.colleges
    assert (only.code, only.label, only.weight, only.effective_weight) == (
        NO_COLLEGE, ALL_ASSOCIATES_LABEL, Fraction(1), Fraction(1)
    )  # fmt: skip
    assert result.weighted == Fraction(12, 20)
    assert result.outcome is Outcome.ADOPTED
    assert result.explanation == (
        pct("Ensemble des associés : 12 pour, 8 contre, 1 abstention, 0 blanc ou nul ; 12 sur 20 "
            "voix exprimées, soit 60 %"),
        pct("Résultat : 12 pour sur 20 voix exprimées, soit 60 %"),
        pct("Majorité requise : plus de la moitié des voix exprimées (50 %) → adoptée"),
    )  # fmt: skip


def test_without_colleges_a_resolution_nobody_voted_on_says_no_vote_was_cast() -> None:
    result = tally_resolution(
        demo_rules("demo-statuts-association"),
        1,
        turnout(**{NO_COLLEGE: (5, 3)}),
        everyone(Counts(abstain=3)),
    )
    assert result.outcome is Outcome.REJECTED
    assert result.explanation == (
        "Ensemble des associés : 0 pour, 0 contre, 3 abstentions, 0 blanc ou nul ; "
        "aucune voix exprimée",
        "Aucune voix sur la base retenue : la résolution est rejetée",
        pct("Majorité requise : plus de la moitié des voix exprimées (50 %) → rejetée"),
    )


def test_the_quorum_names_blank_proxies_when_some_were_given() -> None:
    result = quorum(demo_rules(), "ordinary", 1, turnout(salaries=(10, 3, 1), usagers=(10, 1)))
    assert result.explanation == pct(
        "4 associés présents, représentés, ayant voté à distance, par correspondance ou par "
        "pouvoir en blanc sur 20 inscrits, soit 20 % ; quorum requis en 1re convocation pour "
        "l'assemblée générale ordinaire : 20 % : atteint"
    )


def test_every_count_word_agrees_with_its_number() -> None:
    result = tally_resolution(
        make_rules(()),
        1,
        turnout(**{NO_COLLEGE: (9, 9, 2)}),
        everyone(Counts(for_=1, against=1, abstain=2, blank=1, null=1)),
    )
    assert result.explanation[0].startswith(
        "Ensemble des associés : 3 pour, 1 contre, 2 abstentions, 2 blancs ou nuls, "
        "dont 2 pouvoirs en blanc ;"
    )
    single = tally_resolution(
        make_rules(()),
        1,
        turnout(**{NO_COLLEGE: (9, 9, 1)}),
        everyone(Counts(for_=1, abstain=1, blank=1)),
    )
    assert single.explanation[0].startswith(
        "Ensemble des associés : 2 pour, 0 contre, 1 abstention, 1 blanc ou nul, "
        "dont 1 pouvoir en blanc ;"
    )


# --- the assembly and its storage -----------------------------------------------------------


def demo_tally() -> AssemblyTally:
    rules = demo_rules()
    seen = turnout(salaries=(10, 10, 1), usagers=(2, 2), producteurs=(5, 4), partenaires=(26, 11))
    return tally_assembly(
        rules,
        "ordinary",
        1,
        seen,
        [
            ballots(Proposer.ASSOCIATES, "exclusion", 3),
            ballots(
                number=1,
                salaries=Counts(6, 2, 1),
                usagers=Counts(2),
                producteurs=Counts(1, 3),
                partenaires=Counts(4, 7),
            ),
            ballots(kind="extraordinary", number=2, salaries=Counts(5, 1, 0, 1, 1)),
        ],
    )


def test_the_assembly_states_its_own_quorum_first_then_each_other_kind_on_the_agenda() -> None:
    tally = demo_tally()
    assert [q.decision_kind for q in tally.quorums] == ["ordinary", "extraordinary", "exclusion"]
    assert [r.number for r in tally.resolutions] == [1, 2, 3]
    assert tally.resolutions[2].quorum == tally.quorums[2]
    assert tally.resolutions[2].decision_label == "Exclusion d'un associé"
    assert pct("pour l'exclusion d'un associé : 25 %") in tally.quorums[2].explanation


def test_the_tally_reads_back_from_its_json_unchanged() -> None:
    tally = demo_tally()
    text = tally.to_json()
    assert AssemblyTally.from_json(text) == tally
    assert '"weight": "3/10"' in text


def test_an_undecided_tally_reads_back_from_its_json_unchanged() -> None:
    rules = make_rules(policy=EmptyCollegePolicy.STATUTES, text="Clause.")
    tally = tally_assembly(
        rules, "ordinary", 1, turnout(salaries=(5, 5)), [ballots(salaries=Counts(for_=5))]
    )
    assert tally.resolutions[0].outcome is Outcome.UNDECIDED
    assert AssemblyTally.from_json(tally.to_json()) == tally


# --- properties ------------------------------------------------------------------------------

BASES = st.sampled_from(list(VoteBase))
TREATMENTS = st.sampled_from(list(Treatment))


@st.composite
def college_figures(draw: st.DrawFn, quiet: bool) -> tuple[CollegeTurnout, Counts]:
    """Consistent figures: the ballots and blank proxies never outnumber those attending;
    ``quiet`` keeps one attending associate who has not voted yet, when there is one."""
    entitled = draw(st.integers(0, 8))
    attending = draw(st.integers(0, entitled))
    proxies = draw(st.integers(0, attending))
    left = attending - proxies
    left -= 1 if quiet and left else 0
    values = []
    for _ in range(5):
        value = draw(st.integers(0, left))
        values.append(value)
        left -= value
    return CollegeTurnout("", entitled, attending, proxies), Counts(*values)


@st.composite
def scenarios(
    draw: st.DrawFn, quiet: bool = False
) -> tuple[AssemblyRules, Turnout, ResolutionBallots]:
    size = draw(st.integers(1, 4))
    raw = draw(st.lists(st.integers(1, 9), min_size=size, max_size=size))
    codes = [f"c{i}" for i in range(size)]
    colleges = tuple(
        CollegeRule(code, f"Collège {code}", Fraction(w, sum(raw)), draw(st.integers(1, 3)))
        for code, w in zip(codes, raw, strict=True)
    )
    merge = draw(st.booleans())
    rule = decision(
        base=draw(BASES),
        abstention=draw(TREATMENTS),
        blank=draw(TREATMENTS),
        majority=draw(st.sampled_from([HALF, TWO_THIRDS])),
        strict=draw(st.booleans()),
    )
    rules = make_rules(
        colleges,
        decisions={"ordinary": rule},
        policy=EmptyCollegePolicy.MERGE if merge else EmptyCollegePolicy.REDISTRIBUTE,
        into=draw(st.sampled_from(codes)) if merge else None,
    )
    figures = {code: draw(college_figures(quiet)) for code in codes}
    seen = Turnout({code: replace(t, code=code) for code, (t, _) in figures.items()})
    proposer = draw(st.sampled_from(list(Proposer)))
    return (
        rules,
        seen,
        ResolutionBallots(
            1, "Résolution 1", "ordinary", proposer, {code: c for code, (_, c) in figures.items()}
        ),
    )


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_the_weighted_result_is_a_share_and_the_weights_used_sum_to_one(
    scenario: tuple[AssemblyRules, Turnout, ResolutionBallots],
) -> None:
    rules, seen, given_ballots = scenario
    result = tally_resolution(rules, 1, seen, given_ballots)
    counted = [c for c in result.colleges if c.state is CollegeState.COUNTED]
    if counted:
        assert result.weighted is not None
        assert 0 <= result.weighted <= 1
        assert sum(c.effective_weight for c in counted) == 1
        assert result.weighted == sum(c.effective_weight * (c.result or 0) for c in counted)
    else:
        assert result.weighted is None
        assert result.outcome is Outcome.REJECTED
    assert all(c.effective_weight == 0 for c in result.colleges if c not in counted)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(1, 9), min_size=1, max_size=5),
    st.integers(0, 5),
    st.integers(0, 5).filter(bool),
    st.lists(st.integers(1, 4), min_size=5, max_size=5),
)
def test_colleges_with_the_same_result_give_that_result_whatever_the_weights(
    weights: list[int], in_favour: int, against: int, scale: list[int]
) -> None:
    codes = [f"c{i}" for i in range(len(weights))]
    colleges = tuple(
        CollegeRule(code, code, Fraction(w, sum(weights)), 1)
        for code, w in zip(codes, weights, strict=True)
    )
    size = in_favour + against
    scale = scale[: len(codes)]
    result = tally_resolution(
        make_rules(colleges),
        1,
        Turnout(
            {c: CollegeTurnout(c, size * k, size * k) for c, k in zip(codes, scale, strict=True)}
        ),
        ResolutionBallots(
            1,
            "Résolution 1",
            "ordinary",
            Proposer.BOARD,
            {c: Counts(in_favour * k, against * k) for c, k in zip(codes, scale, strict=True)},
        ),
    )
    assert result.weighted == Fraction(in_favour, size)


@settings(max_examples=300, deadline=None)
@given(scenarios(quiet=True), st.data())
def test_one_more_ballot_for_never_turns_an_adopted_resolution_into_a_rejected_one(
    scenario: tuple[AssemblyRules, Turnout, ResolutionBallots], data: st.DataObject
) -> None:
    rules, seen, given_ballots = scenario
    before = tally_resolution(rules, 1, seen, given_ballots)
    room = [
        code
        for code, t in seen.colleges.items()
        if given_ballots.counts[code].total + t.blank_proxies < t.attending
    ]
    assume(room)
    code = data.draw(st.sampled_from(room))
    more = dict(given_ballots.counts)
    more[code] = more[code] + Counts(for_=1)
    after = tally_resolution(rules, 1, seen, replace(given_ballots, counts=more))
    if before.weighted is not None:
        assert after.weighted is not None
        assert after.weighted >= before.weighted
    if before.outcome is Outcome.ADOPTED:
        assert after.outcome is Outcome.ADOPTED


def test_a_count_is_placed_among_all_associates_or_in_a_college_with_the_right_article() -> None:
    assert among(ALL_ASSOCIATES_LABEL) == "parmi l'ensemble des associés"
    assert among("Collège des salariés") == "dans le collège des salariés"
    assert among("Fondateurs") == "dans le collège « Fondateurs »"
