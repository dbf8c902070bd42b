"""The verification file of a closed assembly, and its verification.

At the close of an assembly, everything its tally read is published in one JSON file: the rules
frozen with it, the roll size per college, the turnout per college and mode, the counts per
college and choice of every resolution, the results as the minutes state them, the SHA-256 of
the voters' list, and for each resolution voted by ballots the receipts counted (participation
only: a receipt is computed from who voted, for whom and when, never from the choice). The file
is canonical (keys sorted, lists sorted, UTF-8, one trailing newline), so the same assembly
always gives the same bytes, whose SHA-256 the minutes print.

``verify`` re-runs ``tally_assembly`` on the file's own data, compares each quorum and each
resolution with the results stated, checks that the figures hold together (no more ballots
than associates attending, as many receipts as ballots counted…) and says what differs in
French. ``docs/verifier_assemblee.py`` does the same without Gouvernance, with its own
re-implementation of the rules: both print the same lines (``Verification.lines``).

The schema is documented in docs/assemblees.md (« Vérifier une assemblée »).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from fractions import Fraction
from typing import Any

from gouvernance.domain.assembly.model import Attendance, Choice, Method, Proposer
from gouvernance.domain.assembly.rules import AssemblyRules
from gouvernance.domain.assembly.tally import (
    ALL_ASSOCIATES_LABEL,
    AssemblyTally,
    CollegeTurnout,
    Counts,
    QuorumResult,
    ResolutionBallots,
    ResolutionResult,
    Turnout,
    tally_assembly,
)
from gouvernance.domain.errors import GouvernanceError, InvalidInput

SCHEMA = "gouvernance-verification-assemblee/1"

# The words of the verification, the same in docs/verifier_assemblee.py: kept here rather than
# borrowed from the labels of the tally, so that a file stays verifiable by both, word for word.
OUTCOME_WORDS = {
    "adopted": "adoptée",
    "rejected": "rejetée",
    "not_deliberated": "non délibérée (quorum non atteint)",
    "undecided": "à trancher par le président selon la clause des statuts",
}
STATE_WORDS = {
    "counted": "compté",
    "not_formed": "non formé",
    "absent": "absent",
    "merged": "fusionné",
}
PROPOSER_WORDS = {"board": "le conseil", "associates": "des associés"}


# --- The file -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RollSize:
    """The associates of one college on the roll, entitled to vote or not."""

    entitled: int
    not_entitled: int


@dataclass(frozen=True)
class PublishedResolution:
    number: int
    title: str
    decision_kind: str
    proposer: Proposer
    method: Method
    counts: Mapping[str, Counts]  # college code → ballots or hands (blank proxies not included)
    receipts: tuple[str, ...]  # the receipts of the ballots counted; none for a show of hands


@dataclass(frozen=True)
class Publication:
    """What the tally of a closed assembly read, and what it found."""

    code: str
    title: str
    kind: str
    convocation: int
    held_on: date
    cutoff: date
    closed_at: datetime
    previous_code: str | None
    statutes_id: str
    statutes_digest: str
    rules: str  # AssemblyRules.to_json(), as frozen with the assembly
    roll: Mapping[str, RollSize]  # college code → sizes
    roll_sha256: str  # roll_digest() of the roll
    turnout: Turnout
    modes: Mapping[str, Mapping[Attendance, int]]  # college code → associates per mode
    resolutions: tuple[PublishedResolution, ...]
    results: str  # AssemblyTally.to_json(), as stored at closing and printed in the minutes

    def document(self) -> dict[str, Any]:
        moment = self.closed_at
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
        colleges = sorted(self.turnout.colleges.keys() | self.modes.keys())
        return {
            "schema": SCHEMA,
            "assembly": {
                "code": self.code,
                "title": self.title,
                "kind": self.kind,
                "convocation": self.convocation,
                "held_on": self.held_on.isoformat(),
                "cutoff": self.cutoff.isoformat(),
                "closed_at": moment.astimezone(UTC).isoformat(),
                "previous_code": self.previous_code,
            },
            "statutes": {"id": self.statutes_id, "digest": self.statutes_digest},
            "rules": json.loads(self.rules),
            "roll": {
                "colleges": {
                    code: {"entitled": size.entitled, "not_entitled": size.not_entitled}
                    for code, size in self.roll.items()
                },
                "sha256": self.roll_sha256,
            },
            "turnout": {code: self._turnout(code) for code in colleges},
            "resolutions": [_resolution_dump(r) for r in sorted(self.resolutions, key=_number)],
            "results": json.loads(self.results),
        }

    def _turnout(self, code: str) -> dict[str, Any]:
        college = self.turnout.colleges.get(code) or CollegeTurnout(code, 0, 0)
        modes = self.modes.get(code, {})
        return {
            "entitled": college.entitled,
            "attending": college.attending,
            "blank_proxies": college.blank_proxies,
            "modes": {mode.value: modes.get(mode, 0) for mode in Attendance},
        }

    def to_bytes(self) -> bytes:
        """The file: canonical JSON, so that the same assembly always gives the same bytes."""
        return canonical(self.document())

    @property
    def filename(self) -> str:
        return f"verification-{self.code}.json"


def canonical(document: Mapping[str, Any]) -> bytes:
    text = json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1)
    return (text + "\n").encode("utf-8")


def file_digest(content: bytes) -> str:
    """The SHA-256 of the file, as the minutes print it (64 hexadecimal digits)."""
    return hashlib.sha256(content).hexdigest()


def roll_digest(lines: Iterable[tuple[str, str, bool]]) -> str:
    """The SHA-256 of the voters' list: one line per associate on the roll, sorted by member
    code (UTF-8 bytes), « CODE<tab>COLLEGE<tab>1 » (0 when not entitled to vote), each ended by
    a line feed. Codes, not names: a code is unique, stable and written one way only."""
    text = "".join(
        f"{code}\t{college}\t{1 if entitled else 0}\n"
        for code, college, entitled in sorted(lines, key=lambda line: line[0].encode())
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def normal_receipt(text: str) -> str:
    """« 3f2a 91c0-77de0b45 » → « 3F2A-91C0-77DE-0B45 »: a receipt as printed."""
    raw = "".join(c for c in text.upper() if c.isalnum())
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def _number(resolution: PublishedResolution) -> int:
    return resolution.number


def _resolution_dump(resolution: PublishedResolution) -> dict[str, Any]:
    return {
        "number": resolution.number,
        "title": resolution.title,
        "decision_kind": resolution.decision_kind,
        "proposer": resolution.proposer.value,
        "method": resolution.method.value,
        "counts": {
            code: {choice.value: counts.get(choice) for choice in Choice}
            for code, counts in resolution.counts.items()
        },
        "receipts": sorted(resolution.receipts),
    }


# --- Reading it back ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Read:
    """The file's data, as the tally takes it."""

    code: str
    title: str
    held_on: date
    kind: str
    convocation: int
    rules: AssemblyRules
    roll: Mapping[str, RollSize]
    roll_sha256: str
    turnout: Turnout
    modes: Mapping[str, Mapping[str, int]]
    resolutions: tuple[PublishedResolution, ...]
    stated: AssemblyTally


def _illegible(document: object) -> InvalidInput | None:
    """Whether the document is a verification file at all."""
    if isinstance(document, Mapping) and document.get("schema") == SCHEMA:
        return None
    return InvalidInput(
        "document illisible : ce n'est pas un fichier de vérification d'assemblée de "
        f"Gouvernance (schéma « {SCHEMA} » attendu)",
        field="file",
    )


def _fields(document: Mapping[str, Any]) -> _Read:
    assembly = document["assembly"]
    rules = AssemblyRules.from_json(json.dumps(document["rules"]))
    turnout = {
        str(code): CollegeTurnout(
            str(code),
            _count(college["entitled"]),
            _count(college["attending"]),
            _count(college["blank_proxies"]),
        )
        for code, college in document["turnout"].items()
    }
    modes = {
        str(code): {str(mode): _count(n) for mode, n in college["modes"].items()}
        for code, college in document["turnout"].items()
    }
    roll = document["roll"]
    resolutions = tuple(
        PublishedResolution(
            number=_count(r["number"]),
            title=str(r["title"]),
            decision_kind=str(r["decision_kind"]),
            proposer=Proposer(r["proposer"]),
            method=Method(r["method"]),
            counts={
                str(code): Counts.of({Choice(c): _count(n) for c, n in cells.items()})
                for code, cells in r["counts"].items()
            },
            receipts=tuple(str(receipt) for receipt in r["receipts"]),
        )
        for r in document["resolutions"]
    )
    return _Read(
        code=str(assembly["code"]),
        title=str(assembly["title"]),
        held_on=date.fromisoformat(assembly["held_on"]),
        kind=str(assembly["kind"]),
        convocation=_count(assembly["convocation"]),
        rules=rules,
        roll={
            str(code): RollSize(_count(size["entitled"]), _count(size["not_entitled"]))
            for code, size in roll["colleges"].items()
        },
        roll_sha256=str(roll["sha256"]),
        turnout=Turnout(turnout),
        modes=modes,
        resolutions=resolutions,
        stated=AssemblyTally.from_json(json.dumps(document["results"])),
    )


def _count(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInput(f"nombre entier positif ou nul attendu, pas « {value} »", "file")
    return value


# --- The verification -----------------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    code: str
    title: str
    held_on: date
    file_sha256: str
    roll_sha256: str
    on_roll: int
    entitled: int
    resolutions: int  # in the minutes
    findings: tuple[str, ...]  # French, one per difference; none: the file is conforming
    receipts: Mapping[int, tuple[str, ...]]  # resolution number → receipts counted

    @property
    def conforming(self) -> bool:
        return not self.findings

    @property
    def verdict(self) -> str:
        if self.findings:
            many = len(self.findings) > 1
            return (
                f"non conforme : {len(self.findings)} écart{'s' if many else ''} entre le "
                "document et le recalcul"
            )
        if self.resolutions == 0:
            return "conforme : le quorum recalculé correspond au procès-verbal (aucune résolution)"
        if self.resolutions == 1:
            return "conforme : la résolution recalculée correspond au procès-verbal"
        return (
            f"conforme : les {self.resolutions} résolutions recalculées correspondent au "
            "procès-verbal"
        )

    def lines(self) -> list[str]:
        """What ``gouvernance assemblies verify`` and docs/verifier_assemblee.py print."""
        return [
            f"Assemblée {self.code} : {self.title}, tenue le {self.held_on:%d/%m/%Y}",
            f"Fichier : empreinte SHA-256 {self.file_sha256}",
            f"Liste d'émargement : {_plural(self.on_roll, 'inscrit')}, dont {self.entitled} "
            f"ayant droit de vote ; empreinte SHA-256 {self.roll_sha256}",
            self.verdict,
            *(f"  - {finding}" for finding in self.findings),
        ]

    def receipt(self, text: str) -> tuple[bool, str]:
        """Whether a voter's receipt was counted, and the French line saying so."""
        wanted = normal_receipt(text)
        for number, receipts in sorted(self.receipts.items()):
            if wanted in receipts:
                return True, (
                    f"reçu {wanted} : compté pour la résolution n° {number} (parmi "
                    f"{_plural(len(receipts), 'reçu')})"
                )
        return False, f"reçu {wanted} : absent de ce document"


def check_file(content: bytes) -> Verification:
    """The verification of a file as published (its bytes, for its SHA-256)."""
    try:
        document = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InvalidInput(
            "document illisible : ce fichier n'est pas du JSON en UTF-8", field="file"
        ) from None
    return verify(document, file_digest(content))


def verify(document: object, digest: str = "") -> Verification:
    """Re-run the tally on the document's own data, compare it with the results it states,
    and check that its figures hold together; ``digest``: the file's SHA-256, to print. A
    document that cannot be read that far is refused: « document illisible : … »."""
    if (refused := _illegible(document)) is not None:
        raise refused
    assert isinstance(document, Mapping)
    try:
        return _verify(_fields(document), digest)
    except KeyError as missing:
        raise InvalidInput(
            f"document illisible : champ « {missing.args[0]} » absent", field="file"
        ) from None
    except GouvernanceError as error:
        raise InvalidInput(f"document illisible : {error.message}", field="file") from None
    except (TypeError, ValueError, AttributeError, ArithmeticError, IndexError):
        raise InvalidInput(
            "document illisible : une valeur y manque, ou n'a pas la forme attendue (nombre, "
            "fraction, date, liste…)",
            field="file",
        ) from None


def _verify(read: _Read, digest: str) -> Verification:
    recomputed = tally_assembly(
        read.rules,
        read.kind,
        read.convocation,
        read.turnout,
        [
            ResolutionBallots(r.number, r.title, r.decision_kind, r.proposer, r.counts)
            for r in read.resolutions
        ],
    )
    names = _Names(read.rules)
    findings = [
        *_turnout_findings(read, names),
        *_ballot_findings(read, names),
        *_quorum_findings(read, recomputed),
        *_resolution_findings(read, recomputed),
    ]
    return Verification(
        code=read.code,
        title=read.title,
        held_on=read.held_on,
        file_sha256=digest,
        roll_sha256=read.roll_sha256,
        on_roll=sum(s.entitled + s.not_entitled for s in read.roll.values()),
        entitled=sum(s.entitled for s in read.roll.values()),
        resolutions=len(read.stated.resolutions),
        findings=tuple(findings),
        receipts={r.number: r.receipts for r in read.resolutions},
    )


@dataclass(frozen=True)
class _Names:
    rules: AssemblyRules

    def college(self, code: str) -> str:
        found = self.rules.college(code)
        if found is not None:
            return found.label
        return ALL_ASSOCIATES_LABEL if not self.rules.colleges else f"collège « {code} »"

    def kind(self, kind: str) -> str:
        rule = self.rules.decisions.get(kind)
        return rule.label if rule is not None else kind


def _turnout_findings(read: _Read, names: _Names) -> list[str]:
    found = []
    known = {c.code for c in read.rules.colleges}
    colleges = sorted(read.roll.keys() | read.turnout.colleges.keys())
    for code in colleges:
        name = names.college(code)
        if known and code not in known:
            found.append(f"{name} : inconnu des règles de l'assemblée")
        listed = read.roll.get(code, RollSize(0, 0)).entitled
        college = read.turnout.colleges.get(code) or CollegeTurnout(code, 0, 0)
        modes = read.modes.get(code, {})
        if listed != college.entitled:
            found.append(
                f"{name} : {listed} ayant droit de vote sur la liste, {college.entitled} dans "
                "la participation"
            )
        if college.attending > college.entitled:
            found.append(
                f"{name} : {college.attending} participants, plus que les {college.entitled} "
                "ayant droit de vote"
            )
        if sum(modes.values()) != college.attending:
            found.append(
                f"{name} : les modes de participation totalisent {sum(modes.values())}, la "
                f"participation {college.attending}"
            )
        if modes.get(Attendance.BLANK_PROXY.value, 0) != college.blank_proxies:
            found.append(
                f"{name} : {modes.get(Attendance.BLANK_PROXY.value, 0)} pouvoirs en blanc parmi "
                f"les modes, {college.blank_proxies} dans la participation"
            )
    return found


def _ballot_findings(read: _Read, names: _Names) -> list[str]:
    found = []
    for resolution in sorted(read.resolutions, key=_number):
        where = f"résolution n° {resolution.number}"
        for code, counts in sorted(resolution.counts.items()):
            college = read.turnout.colleges.get(code) or CollegeTurnout(code, 0, 0)
            voters = college.attending - college.blank_proxies
            if counts.total > voters:
                found.append(
                    f"{where}, {names.college(code)} : {counts.total} voix comptées, plus que "
                    f"les {voters} associés qui votent (présents, à distance, par "
                    "correspondance ou représentés)"
                )
        ballots = sum(c.total for c in resolution.counts.values())
        receipts = len(resolution.receipts)
        if resolution.method is Method.SHOW_OF_HANDS:
            if receipts:
                found.append(f"{where} : vote à main levée, mais {_plural(receipts, 'reçu')}")
        elif receipts != ballots:
            found.append(f"{where} : reçus publiés : {receipts}, bulletins comptés : {ballots}")
        for receipt, times in sorted(Counter(resolution.receipts).items()):
            if times > 1:
                found.append(f"{where} : le reçu {receipt} figure {times} fois")
    return found


def _quorum_findings(read: _Read, recomputed: AssemblyTally) -> list[str]:
    stated = {q.decision_kind: q for q in read.stated.quorums}
    again = {q.decision_kind: q for q in recomputed.quorums}
    names = _Names(read.rules)
    found = []
    for kind in dict.fromkeys([*stated, *again]):
        label = f"quorum « {names.kind(kind)} »"
        if kind not in again:
            found.append(f"{label} : au procès-verbal, absent du recalcul")
        elif kind not in stated:
            found.append(f"{label} : recalculé, absent du procès-verbal")
        elif (said := _quorum_text(stated[kind])) != (redone := _quorum_text(again[kind])):
            found.append(f"{label} : le document dit {said}, le recalcul donne {redone}")
    return found


def _quorum_text(quorum: QuorumResult) -> str:
    required = (
        "aucun quorum requis" if quorum.required == 0 else f"quorum requis {share(quorum.required)}"
    )
    verdict = "atteint" if quorum.reached else "non atteint"
    return f"{quorum.attending} sur {quorum.entitled} ayant droit de vote, {required} : {verdict}"


def _resolution_findings(read: _Read, recomputed: AssemblyTally) -> list[str]:
    stated = {r.number: r for r in read.stated.resolutions}
    again = {r.number: r for r in recomputed.resolutions}
    weighted = bool(read.rules.colleges)
    found = []
    for number in sorted(stated.keys() | again.keys()):
        where = f"résolution n° {number}"
        if number not in again:
            found.append(f"{where} : au procès-verbal, absente des décomptes du document")
            continue
        if number not in stated:
            found.append(f"{where} : dans les décomptes du document, absente du procès-verbal")
            continue
        said, redone = stated[number], again[number]
        if said.title != redone.title:
            found.append(
                f"{where} : intitulé « {redone.title} » dans les décomptes, « {said.title} » au "
                "procès-verbal"
            )
        if said.decision_kind != redone.decision_kind:
            found.append(
                f"{where} : type de décision « {redone.decision_kind} » dans les décomptes, "
                f"« {said.decision_kind} » au procès-verbal"
            )
        if said.proposer != redone.proposer:
            found.append(
                f"{where} : proposée par {PROPOSER_WORDS[redone.proposer.value]} dans les "
                f"décomptes, par {PROPOSER_WORDS[said.proposer.value]} au procès-verbal"
            )
        before, after = _result_text(said, weighted), _result_text(redone, weighted)
        if before != after:
            found.append(f"{where} : le document dit {before}, le recalcul donne {after}")
    return found


def _result_text(result: ResolutionResult, weighted: bool) -> str:
    """« adoptée (Ensemble des associés : 30 pour, … ; résultat 15/17 (≈ 88,24 %)) »."""
    parts = []
    for college in result.colleges:
        part = f"{college.label} : {counts_text(college.counts)}, base {college.base}"
        if weighted:
            part += f", poids retenu {share(college.effective_weight)}"
        parts.append(f"{part}, {STATE_WORDS.get(college.state.value, college.state.value)}")
    parts.append(
        "sans résultat" if result.weighted is None else f"résultat {share(result.weighted)}"
    )
    outcome = OUTCOME_WORDS.get(result.outcome.value, result.outcome.value)
    return f"{outcome} ({' ; '.join(parts)})"


# --- Words shared with docs/verifier_assemblee.py -------------------------------------------


def counts_text(counts: Counts) -> str:
    """« 30 pour, 4 contre, 2 abstentions, 0 blanc, 1 nul »."""
    return (
        f"{counts.for_} pour, {counts.against} contre, {_plural(counts.abstain, 'abstention')}, "
        f"{_plural(counts.blank, 'blanc')}, {_plural(counts.null, 'nul')}"
    )


def share(value: Fraction) -> str:
    """« 21/40 (52,50 %) », « 2/3 (≈ 66,67 %) », « 1 (100 %) »: exact, then as read."""
    return f"{value} ({percent(value)})"


def percent(value: Fraction) -> str:
    hundredths = value * 10_000
    rounded = int((hundredths + Fraction(1, 2)) // 1)
    text = (
        f"{rounded // 100} %" if rounded % 100 == 0 else f"{rounded // 100},{rounded % 100:02d} %"
    )
    return text if hundredths == rounded else f"≈ {text}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count > 1 else ''}"
