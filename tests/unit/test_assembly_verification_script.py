"""The verification file of an assembly, without a database: for random small assemblies the
standalone script of docs/ (imported from its path, as a suspicious associate would run it)
agrees with the tally of Gouvernance, line for line, on the file as published and on the file
with one count changed; the file is canonical and its roll digest is the documented one."""

from __future__ import annotations

import hashlib
import importlib.util
import json
from collections.abc import Mapping
from datetime import UTC, date, datetime
from fractions import Fraction
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gouvernance.domain.assembly import publication
from gouvernance.domain.assembly.model import NO_COLLEGE, Attendance, Choice, Method, Proposer
from gouvernance.domain.assembly.publication import (
    Publication,
    PublishedResolution,
    RollSize,
    check_file,
    roll_digest,
)
from gouvernance.domain.assembly.rules import AssemblyRules, CollegeRule, LegalFloor
from gouvernance.domain.assembly.tally import (
    CollegeTurnout,
    Counts,
    ResolutionBallots,
    Turnout,
    tally_assembly,
)
from gouvernance.domain.errors import InvalidInput
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
    BlockVote,
    CollegeVotes,
    EmptyCollege,
    EmptyCollegePolicy,
    RollPolicy,
)

SCRIPT = Path(__file__).parents[2] / "docs" / "verifier_assemblee.py"
KINDS = ("ordinary", "extraordinary")
MODES = (Attendance.PRESENT, Attendance.REMOTE, Attendance.POSTAL, Attendance.REPRESENTED)


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("verifier_assemblee", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


verifier = load_script()


def script_lines(content: bytes) -> list[str]:
    lines, _ = verifier.verifier(content)
    return list(lines)


# --- Random small assemblies ------------------------------------------------------------------


shares = st.sampled_from([Fraction(0), Fraction(1, 4), Fraction(1, 3), Fraction(1, 2)])
majorities = st.sampled_from([Fraction(1, 3), Fraction(1, 2), Fraction(2, 3), Fraction(3, 4)])
# The statutes' college rules and the law's floor (a SAS), drawn often enough to meet.
college_votes = st.builds(
    CollegeVotes,
    st.booleans(),
    st.one_of(
        st.none(),
        st.builds(
            BlockVote,
            st.sampled_from([Fraction(1, 2), Fraction(3, 5), Fraction(2, 3)]),
            st.booleans(),
        ),
    ),
)
floors = st.one_of(
    st.none(),
    st.just(LegalFloor(Fraction(1, 2), "C. com. L227-9 ; Cass. ass. plén., 15 nov. 2024")),
)
treatments = st.sampled_from(list(Treatment))


@st.composite
def decisions(draw: st.DrawFn, kind: str) -> DecisionRule:
    convocations = draw(
        st.lists(
            st.builds(
                Convocation, shares, majorities, st.booleans(), st.sampled_from(list(VoteBase))
            ),
            min_size=1,
            max_size=2,
        )
    )
    label = "Assemblée générale " + ("ordinaire" if kind == "ordinary" else "extraordinaire")
    return DecisionRule(
        kind, label, tuple(convocations), draw(treatments), draw(treatments), "art. 1"
    )


@st.composite
def rules(draw: st.DrawFn) -> AssemblyRules:
    size = draw(st.integers(0, 3))
    weights = [draw(st.integers(1, 5)) for _ in range(size)]
    colleges = tuple(
        CollegeRule(f"c{i}", f"Collège c{i}", Fraction(w, sum(weights)), draw(st.integers(1, 3)))
        for i, w in enumerate(weights)
    )
    # Merging happens only when the college named is formed and another is not: drawn often.
    policy = draw(st.sampled_from([*EmptyCollegePolicy, EmptyCollegePolicy.MERGE]))
    codes = [c.code for c in colleges]
    into = draw(st.sampled_from([None, *codes[:1], *codes]))
    return AssemblyRules(
        statutes_id="essai",
        statutes_label="Statuts d'essai",
        statutes_digest="0" * 64,
        legal_form=LegalForm.SCIC_SAS,
        colleges=colleges,
        empty_college=EmptyCollege(policy, into, "le président tranche"),
        decisions={kind: draw(decisions(kind)) for kind in KINDS},
        proxies=ProxyLimit(fixed=2),
        blank_proxies=draw(st.sampled_from(list(BlankProxies))),
        roll=RollPolicy(),
        college_votes=draw(college_votes) if colleges else CollegeVotes(),
        legal_floor=draw(floors),
    )


@st.composite
def counts_within(draw: st.DrawFn, voters: int) -> Counts:
    """Up to ``voters`` ballots, « pour » drawn first so that resolutions are adopted too."""
    cells = []
    left = voters
    for _ in Choice:
        cells.append(draw(st.integers(0, left)))
        left -= cells[-1]
    return Counts(*cells)


@st.composite
def assemblies(draw: st.DrawFn) -> Publication:
    frozen = draw(rules())
    codes = [c.code for c in frozen.colleges] or [NO_COLLEGE]
    turnout: dict[str, CollegeTurnout] = {}
    modes: dict[str, dict[Attendance, int]] = {}
    roll: dict[str, RollSize] = {}
    for code in codes:
        entitled = draw(st.integers(0, 6))
        attending = draw(st.integers(0, entitled))
        blank = draw(st.integers(0, attending))
        turnout[code] = CollegeTurnout(code, entitled, attending, blank)
        spread = {mode: 0 for mode in Attendance}
        for _ in range(attending - blank):
            spread[draw(st.sampled_from(MODES))] += 1
        spread[Attendance.BLANK_PROXY] = blank
        modes[code] = spread
        roll[code] = RollSize(entitled, draw(st.integers(0, 2)))
    resolutions = []
    for number in range(1, draw(st.integers(0, 3)) + 1):
        method = draw(st.sampled_from(list(Method)))
        counts = {
            code: draw(counts_within(t.attending - t.blank_proxies)) for code, t in turnout.items()
        }
        ballots = sum(c.total for c in counts.values())
        receipts = () if method is Method.SHOW_OF_HANDS else fake_receipts(number, ballots)
        resolutions.append(
            PublishedResolution(
                number,
                f"Résolution {number}",
                draw(st.sampled_from(KINDS)),
                draw(st.sampled_from(list(Proposer))),
                method,
                counts,
                receipts,
            )
        )
    kind, convocation = draw(st.sampled_from(KINDS)), draw(st.integers(1, 3))
    stated = tally_assembly(
        frozen, kind, convocation, Turnout(turnout),
        [ResolutionBallots(r.number, r.title, r.decision_kind, r.proposer, r.counts)
         for r in resolutions],
    )  # fmt: skip
    return Publication(
        code="AG-2027-01", title="Assemblée d'essai", kind=kind, convocation=convocation,
        held_on=date(2027, 6, 12), cutoff=date(2027, 6, 1),
        closed_at=datetime(2027, 6, 12, 18, 30, tzinfo=UTC), previous_code=None,
        statutes_id="essai", statutes_digest="0" * 64, rules=frozen.to_json(), roll=roll,
        roll_sha256="1" * 64, turnout=Turnout(turnout), modes=modes,
        resolutions=tuple(resolutions), results=stated.to_json(),
    )  # fmt: skip


def fake_receipts(number: int, count: int) -> tuple[str, ...]:
    digests = (hashlib.sha256(f"{number}-{i}".encode()).hexdigest()[:16] for i in range(count))
    return tuple(publication.normal_receipt(d) for d in digests)


def with_one_more(document: dict[str, Any], number: int, college: str) -> bytes:
    """The file with one more « pour » in a college of resolution ``number``."""
    changed = json.loads(json.dumps(document))
    resolution = next(r for r in changed["resolutions"] if r["number"] == number)
    resolution["counts"][college]["for"] += 1
    return publication.canonical(changed)


# --- The script agrees with the tally ---------------------------------------------------------


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(assemblies())
def test_the_script_recomputes_what_the_tally_found_on_random_small_assemblies(
    found: Publication,
) -> None:
    content = found.to_bytes()
    report = check_file(content)
    assert report.conforming, report.findings
    assert script_lines(content) == report.lines()
    # And the script's own figures, one by one, are the tally's.
    _, recomputed = verifier.recalculer(json.loads(content))
    stated = json.loads(found.results)["resolutions"]
    for result in stated:
        mine = recomputed[result["number"]]
        assert mine["outcome"] == result["outcome"]
        weighted = None if result["weighted"] is None else Fraction(result["weighted"])
        assert mine["weighted"] == weighted
        assert [c["state"] for c in mine["colleges"]] == [c["state"] for c in result["colleges"]]
        assert [c["base"] for c in mine["colleges"]] == [c["base"] for c in result["colleges"]]
        assert [c["effective_weight"] for c in mine["colleges"]] == [
            Fraction(c["effective_weight"]) for c in result["colleges"]
        ]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(assemblies(), st.data())
def test_the_script_and_the_tally_name_the_same_gaps_when_a_count_is_changed(
    found: Publication, data: st.DataObject
) -> None:
    document = found.document()
    voted = [r for r in document["resolutions"] if r["counts"]]
    if not voted:
        return
    resolution = data.draw(st.sampled_from(voted))
    college = data.draw(st.sampled_from(sorted(resolution["counts"])))
    content = with_one_more(document, resolution["number"], college)
    report = check_file(content)
    assert not report.conforming
    assert any(f"résolution n° {resolution['number']}" in f for f in report.findings)
    assert script_lines(content) == report.lines()


# --- The file --------------------------------------------------------------------------------


def small_assembly() -> Publication:
    frozen = AssemblyRules(
        statutes_id="essai", statutes_label="Statuts d'essai", statutes_digest="0" * 64,
        legal_form=LegalForm.ASSOCIATION, colleges=(),
        empty_college=EmptyCollege(EmptyCollegePolicy.REDISTRIBUTE, None, ""),
        decisions={"ordinary": DecisionRule(
            "ordinary", "Assemblée générale ordinaire",
            (Convocation(Fraction(1, 4), Fraction(1, 2), True, VoteBase.VOTES_CAST),),
            Treatment.EXCLUDED, Treatment.EXCLUDED, "art. 12",
        )},
        proxies=ProxyLimit(fixed=2), blank_proxies=BlankProxies.BOARD, roll=RollPolicy(),
    )  # fmt: skip
    turnout = Turnout({NO_COLLEGE: CollegeTurnout(NO_COLLEGE, 4, 3, 1)})
    counts = {NO_COLLEGE: Counts.of({Choice.FOR: 1, Choice.AGAINST: 1})}
    ballots = ResolutionBallots(1, "Budget 2028", "ordinary", Proposer.BOARD, counts)
    stated = tally_assembly(frozen, "ordinary", 1, turnout, [ballots])
    spread: Mapping[Attendance, int] = {Attendance.PRESENT: 2, Attendance.BLANK_PROXY: 1}
    return Publication(
        code="AG-2027-02", title="AG de juin", kind="ordinary", convocation=1,
        held_on=date(2027, 6, 12), cutoff=date(2027, 6, 12),
        closed_at=datetime(2027, 6, 12, 20, 0, tzinfo=UTC), previous_code=None,
        statutes_id="essai", statutes_digest="0" * 64, rules=frozen.to_json(),
        roll={NO_COLLEGE: RollSize(4, 1)},
        roll_sha256=roll_digest([("M2", "", True), ("M1", "", True), ("M5", "", False)]),
        turnout=turnout, modes={NO_COLLEGE: spread},
        resolutions=(PublishedResolution(
            1, "Budget 2028", "ordinary", Proposer.BOARD, Method.SECRET, counts,
            ("BBBB-0000-0000-0001", "AAAA-0000-0000-0002"),
        ),),
        results=stated.to_json(),
    )  # fmt: skip


def test_the_file_is_canonical_sorted_json_ending_with_a_newline() -> None:
    content = small_assembly().to_bytes()
    assert content == small_assembly().to_bytes()
    assert content.endswith(b"}\n")
    document = json.loads(content)
    assert (
        content
        == (json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode()
    )
    assert document["schema"] == "gouvernance-verification-assemblee/1"
    assert document["resolutions"][0]["receipts"] == ["AAAA-0000-0000-0002", "BBBB-0000-0000-0001"]
    assert document["turnout"][""]["modes"] == {
        "present": 2, "remote": 0, "postal": 0, "represented": 0, "blank_proxy": 1,
    }  # fmt: skip
    assert document["roll"]["colleges"] == {"": {"entitled": 4, "not_entitled": 1}}


def test_the_roll_digest_is_the_sha256_of_the_documented_lines_sorted_by_code() -> None:
    expected = hashlib.sha256(b"M1\t\t1\nM2\t\t1\nM5\t\t0\n").hexdigest()
    assert small_assembly().roll_sha256 == expected
    assert roll_digest([("M5", "", False), ("M1", "", True), ("M2", "", True)]) == expected
    assert roll_digest([("M1", "", True), ("M2", "", True), ("M5", "", True)]) != expected


def test_a_conforming_file_says_so_with_both_digests_and_the_number_of_resolutions() -> None:
    content = small_assembly().to_bytes()
    lines = check_file(content).lines()
    assert lines == [
        "Assemblée AG-2027-02 : AG de juin, tenue le 12/06/2027",
        f"Fichier : empreinte SHA-256 {hashlib.sha256(content).hexdigest()}",
        "Liste d'émargement : 5 inscrits, dont 4 ayant droit de vote ; empreinte SHA-256 "
        + small_assembly().roll_sha256,
        "conforme : la résolution recalculée correspond au procès-verbal",
    ]
    assert script_lines(content) == lines


def test_an_outcome_changed_in_the_minutes_is_named_with_both_figures() -> None:
    document = small_assembly().document()
    document["results"]["resolutions"][0]["outcome"] = "rejected"
    content = publication.canonical(document)
    report = check_file(content)
    assert report.findings == (
        "résolution n° 1 : le document dit rejetée (Ensemble des associés : 2 pour, 1 contre, "
        "0 abstention, 0 blanc, 0 nul, base 3, compté ; résultat 2/3 (≈ 66,67 %)), le recalcul "
        "donne adoptée (Ensemble des associés : 2 pour, 1 contre, 0 abstention, 0 blanc, 0 nul, "
        "base 3, compté ; résultat 2/3 (≈ 66,67 %))",
    )
    assert report.verdict == "non conforme : 1 écart entre le document et le recalcul"
    assert script_lines(content) == report.lines()


def test_missing_or_duplicated_receipts_and_an_impossible_turnout_are_named() -> None:
    document = small_assembly().document()
    document["resolutions"][0]["receipts"] = ["AAAA-0000-0000-0002", "AAAA-0000-0000-0002", "C"]
    document["turnout"][""]["attending"] = 5
    content = publication.canonical(document)
    report = check_file(content)
    assert "Ensemble des associés : 5 participants, plus que les 4 ayant droit de vote" in (
        report.findings
    )
    assert (
        "Ensemble des associés : les modes de participation totalisent 3, la participation 5"
        in report.findings
    )
    assert "résolution n° 1 : reçus publiés : 3, bulletins comptés : 2" in report.findings
    assert "résolution n° 1 : le reçu AAAA-0000-0000-0002 figure 2 fois" in report.findings
    assert script_lines(content) == report.lines()


def test_a_receipt_is_found_whatever_its_case_and_dashes_and_an_unknown_one_is_not() -> None:
    content = small_assembly().to_bytes()
    report = check_file(content)
    document = json.loads(content)
    for typed in ("aaaa 0000 0000 0002", "AAAA-0000-0000-0002", "aaaa000000000002"):
        found = (True, "reçu AAAA-0000-0000-0002 : compté pour la résolution n° 1 (parmi 2 reçus)")
        assert report.receipt(typed) == found
        assert verifier.chercher_recu(document, typed) == found
    missing = (False, "reçu 0000-0000-0000-0000 : absent de ce document")
    assert report.receipt("0000-0000-0000-0000") == missing
    assert verifier.chercher_recu(document, "0000-0000-0000-0000") == missing


def broken(path: tuple[str, ...], value: object) -> bytes:
    """The small assembly's file with one field of its rules replaced."""
    document = small_assembly().document()
    target = document["rules"]
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return publication.canonical(document)


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"\xff\xfe", "ce fichier n'est pas du JSON en UTF-8"),
        (b'{"schema": "autre"}', "ce n'est pas un fichier de vérification d'assemblée"),
        (
            publication.canonical({"schema": publication.SCHEMA, "assembly": {}}),
            "champ « rules » absent",
        ),
        (broken(("decisions", "ordinary", "convocations"), []), "n'a pas la forme attendue"),
        (broken(("colleges",), [{"code": "c", "label": "C", "weight": "1/0"}]), "une valeur"),
    ],
)
def test_a_file_that_is_not_a_verification_file_is_refused_in_french(
    content: bytes, said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_file(content)
    assert refused.value.message.startswith("document illisible : ")
    assert said in refused.value.message
    file = tmp_path / "fichier.json"
    file.write_bytes(content)
    assert verifier.main([str(file)]) == 1
    assert capsys.readouterr().out.startswith("Erreur : document illisible : ")
