"""While an assembly is open, a resolution nobody has voted on yet reads « pas encore de vote »,
never « rejetée »: the live screen, the API and the draft minutes must not announce a
rejection before the vote. Once closed, the same figures are a rejection for want of votes."""

from __future__ import annotations

from datetime import date

from gouvernance.domain.assembly.model import NO_COLLEGE, Proposer
from gouvernance.domain.assembly.rules import AssemblyRules
from gouvernance.domain.assembly.tally import (
    CollegeTurnout,
    Counts,
    Outcome,
    ResolutionBallots,
    Turnout,
    tally_assembly,
    tally_resolution,
)
from gouvernance.services.scic import scic_rules


def association_rules() -> AssemblyRules:
    """The demo association's: one person one vote, blank proxies for the board."""
    presets, _, _ = scic_rules.load_presets()
    statutes = scic_rules.load_statutes("demo-statuts-association")
    return AssemblyRules.from_statutes(statutes, presets, date(2026, 12, 12))


def attending(entitled: int, present: int, blank_proxies: int = 0) -> Turnout:
    return Turnout({NO_COLLEGE: CollegeTurnout(NO_COLLEGE, entitled, present, blank_proxies)})


def resolution(counts: Counts | None = None) -> ResolutionBallots:
    cells = {} if counts is None else {NO_COLLEGE: counts}
    return ResolutionBallots(1, "Budget prévisionnel 2027", "ordinary", Proposer.BOARD, cells)


def test_an_open_assembly_says_pas_encore_de_vote_for_a_resolution_without_ballots() -> None:
    result = tally_resolution(association_rules(), 1, attending(43, 6), resolution(), live=True)

    assert result.outcome is Outcome.PENDING
    assert result.outcome.label == "pas encore de vote"
    assert result.weighted is None
    assert "rejetée" not in " ".join(result.explanation)
    assert result.explanation[-1].endswith("→ pas encore de vote")


def test_blank_proxies_alone_do_not_decide_a_resolution_still_open() -> None:
    result = tally_resolution(
        association_rules(), 1, attending(43, 6, blank_proxies=1), resolution(), live=True
    )
    assert result.outcome is Outcome.PENDING
    assert result.headcount.for_ == 1  # the blank proxy still shows in the counts


def test_the_first_ballot_decides_the_live_outcome_as_the_closing_tally_would() -> None:
    ballots = resolution(Counts(for_=1))
    live = tally_resolution(association_rules(), 1, attending(43, 6), ballots, live=True)
    closing = tally_resolution(association_rules(), 1, attending(43, 6), ballots)
    assert live.outcome is closing.outcome is Outcome.ADOPTED
    assert live == closing


def test_the_closing_tally_rejects_a_resolution_nobody_voted_on() -> None:
    tally = tally_assembly(association_rules(), "ordinary", 1, attending(43, 6), [resolution()])
    (result,) = tally.resolutions
    assert result.outcome is Outcome.REJECTED
    assert "Aucune voix sur la base retenue : la résolution est rejetée" in result.explanation


def test_the_live_assembly_tally_marks_only_the_resolutions_without_ballots() -> None:
    voted = ResolutionBallots(
        2, "Élection", "ordinary", Proposer.BOARD, {NO_COLLEGE: Counts(against=2)}
    )
    tally = tally_assembly(
        association_rules(), "ordinary", 1, attending(43, 6), [resolution(), voted], live=True
    )
    assert [r.outcome for r in tally.resolutions] == [Outcome.PENDING, Outcome.REJECTED]
