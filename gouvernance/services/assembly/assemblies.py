"""General assemblies: convene, roll, attendance and proxies, resolutions, ballots, tally, close.

Who does what (``Permission``): the board and the administrator convene and put resolutions
on the agenda (PREPARE_ASSEMBLIES); scrutineers and the administrator record attendance,
paper and postal ballots, show-of-hands counts, close and sign (RUN_ASSEMBLIES); a member
casts their own ballot and those of the associates whose proxy they hold. Everyone signed in
reads an assembly, its roll and attendance; the tally of an assembly still open is for
READ_ASSEMBLY_TALLY (board, scrutineers, admin), everyone reads it once closed.

Every write is one transaction that first locks the assembly row (closing takes it for update,
the others for share), so nothing lands in an assembly after it is closed. A refused write
writes nothing. Writes are audited; a secret ballot's audit entry never holds the choice.

A secret ballot is sealed to its resolution's key (``ballot_box``) and nothing is counted while
the vote is open: the chair closes the vote on each resolution (``close_vote``; closing the
assembly closes those still open), which opens the sealed ballots, writes the counts and
destroys the key. Participation (how many have voted) stays live.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from functools import partial
from typing import Literal

from gouvernance.domain.assembly.model import (
    NO_COLLEGE,
    Assembly,
    AssemblyStatus,
    Attendance,
    AttendanceRecord,
    BallotCount,
    Choice,
    CountSource,
    Method,
    Proposer,
    Resolution,
    RollEntry,
    SealedBallot,
    Signatory,
    SignatoryRole,
    Vote,
    VoteClosing,
)
from gouvernance.domain.assembly.rules import AssemblyRules, legal_floor
from gouvernance.domain.assembly.tally import (
    AssemblyTally,
    CollegeTurnout,
    QuorumResult,
    ResolutionBallots,
    Turnout,
    among,
    quorum,
    tally_assembly,
)
from gouvernance.domain.errors import (
    Conflict,
    Forbidden,
    GouvernanceError,
    InvalidInput,
    NotFound,
    ServiceUnavailable,
)
from gouvernance.domain.members import has_control_characters
from gouvernance.domain.moments import DEFAULT_TIME_ZONE
from gouvernance.domain.scic import compliance
from gouvernance.domain.scic.compliance import Severity
from gouvernance.domain.scic.decisions import AssemblyPresets, Convocation, DecisionKind
from gouvernance.domain.scic.law import LawBook
from gouvernance.domain.scic.statutes import Statutes
from gouvernance.domain.text import clean_text
from gouvernance.domain.users import Actor, Permission
from gouvernance.domain.wording import counted, ordinal
from gouvernance.services import audit, clock, idempotency
from gouvernance.services.assembly.assembly_roll import build_roll
from gouvernance.services.assembly.ballot_box import BallotContent, open_ballots, seal
from gouvernance.services.ledger.calls import check_day, member_key
from gouvernance.services.organisation import setup
from gouvernance.services.ports import UnitOfWork, UnitOfWorkFactory, VoterStanding
from gouvernance.services.scic import scic_rules
from gouvernance.services.scic.capital import current_statutes

__all__ = [
    "AssemblySummary",
    "AssemblyView",
    "AttendanceView",
    "BallotOutcome",
    "BallotReceipt",
    "BallotRequest",
    "ResolutionView",
    "RollLine",
    "SignatureView",
    "TallyView",
    "add_resolution",
    "assembly_view",
    "cancel_attendance",
    "cast_ballot",
    "cast_ballots",
    "close_assembly",
    "create_assembly",
    "enter_counts",
    "give_proxy",
    "list_assemblies",
    "live_marker",
    "record_attendance",
    "roll_view",
    "sign_minutes",
    "tally",
    "withdraw_proxy",
]


# --------------------------------------------------------------------------------------------
# Views


@dataclass(frozen=True)
class AssemblySummary:
    code: str  # « AG-2027-01 »
    title: str
    kind: str  # ordinary, extraordinary
    kind_label: str  # « Assemblée générale ordinaire »
    convocation: int
    held_on: date
    status: AssemblyStatus


@dataclass(frozen=True)
class ResolutionView:
    number: int
    title: str
    text: str
    decision_kind: str
    decision_label: str
    proposer: Proposer
    proposed_by: str | None
    method: Method
    rule: str  # « quorum 20 % des associés ; majorité : plus de la moitié des voix exprimées »
    ballots: int  # individual ballots recorded so far (secret or open); 0 for a show of hands
    counted_colleges: tuple[str, ...]  # show of hands: colleges whose counts are entered
    created: bool = True  # False: replayed with the same Idempotency-Key
    vote_closed: bool = False  # the chair closed the vote: no ballot nor count any more
    sealed: bool = False  # a secret vote still open: its result shows once the vote is closed


@dataclass(frozen=True)
class SignatureView:
    role: SignatoryRole
    name: str
    signed_at: datetime
    signed_by: str


@dataclass(frozen=True)
class AssemblyView:
    summary: AssemblySummary
    cutoff: date
    statutes_id: str
    statutes_label: str
    previous_code: str | None
    created_at: datetime
    created_by: str
    closed_at: datetime | None
    closed_by: str | None
    rules: AssemblyRules
    entitled: int  # associates on the roll entitled to vote
    not_entitled: int  # on the roll but not entitled (fees not up to date…)
    attendance: Mapping[Attendance, int]  # every mode, 0 included
    proxy_limit: int  # proxies one associate may hold at this assembly
    proxy_rule: str  # French
    quorums: tuple[QuorumResult, ...]  # live: the attendance as it stands
    resolutions: tuple[ResolutionView, ...]
    signatures: tuple[SignatureView, ...]
    created: bool = True  # False: replayed with the same Idempotency-Key
    time_zone: str = DEFAULT_TIME_ZONE  # the organisation's clock, for the times it shows


@dataclass(frozen=True)
class RollLine:
    member_code: str
    name: str
    category: str
    college: str  # code, « » without colleges
    college_label: str
    entitled: bool
    reason: str
    attendance: Attendance | None
    holder_code: str | None  # who holds their proxy
    proxies_held: tuple[str, ...]  # codes of the associates they represent


@dataclass(frozen=True)
class AttendanceView:
    member_code: str
    name: str
    college: str
    mode: Attendance
    holder_code: str | None
    proxies_held: int  # proxies the holder (the associate, or their proxy's holder) now has
    proxy_limit: int
    created: bool = True  # False: the same attendance was already recorded


@dataclass(frozen=True)
class BallotReceipt:
    assembly: str
    resolution: int
    voter_code: str
    cast_by: str
    secret: bool
    recorded_at: datetime
    created: bool = True  # False: replayed with the same Idempotency-Key
    choice: Choice | None = None  # an open ballot's choice; never a secret one's

    @property
    def fingerprint(self) -> str:
        """« 3F2A-91C0-77DE-0B45 »: what the voter can quote to a scrutineer, who finds the
        same from the vote row (who, for whom, when: never the choice)."""
        moment = self.recorded_at
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
        text = "|".join(
            (self.assembly, str(self.resolution), self.voter_code, self.cast_by,
             moment.astimezone(UTC).isoformat())
        )  # fmt: skip
        digest = hashlib.blake2b(text.encode(), digest_size=8).hexdigest().upper()
        return "-".join(digest[i : i + 4] for i in range(0, 16, 4))


@dataclass(frozen=True)
class TallyView:
    summary: AssemblySummary
    rules: AssemblyRules
    tally: AssemblyTally
    final: bool  # True once closed: the stored results, which never change
    marker: str  # changes whenever attendance, a ballot or a count changes (live screens)
    time_zone: str = DEFAULT_TIME_ZONE  # the organisation's clock (« mis à jour à … »)


log = logging.getLogger("gouvernance.assemblies")

# --------------------------------------------------------------------------------------------
# Use cases

MAX_TITLE = 300
MAX_TEXT = 20_000
MAX_NAME = 200
Lock = Literal["share", "update"] | None


def create_assembly(
    uows: UnitOfWorkFactory,
    actor: Actor,
    *,
    title: str,
    held_on: date,
    kind: str = "ordinary",
    convocation: int = 1,
    cutoff: date | None = None,
    statutes_id: str | None = None,
    previous_code: str | None = None,
    idempotency_key: str | None = None,
) -> AssemblyView:
    """Convene an assembly: freeze its rules (the statutes named, else the organisation's) and
    its roll at ``cutoff`` (default: ``held_on``). A SCIC's roll is the associates holding
    shares at the cut-off (capital register); an association's is its active members. With
    ``voting_roll.fees_up_to_date``, a member with a call due by the cut-off and unpaid at it
    is on the roll but not entitled, with the reason. A second convocation names the first."""
    actor.require(Permission.PREPARE_ASSEMBLIES)
    name = _text(title, "title", MAX_TITLE)
    day = check_day(held_on, "held_on")
    until = check_day(cutoff or day, "cutoff")
    if until > day:
        raise InvalidInput(
            "la liste d'émargement s'arrête au plus tard le jour de l'assemblée", field="cutoff"
        )
    kind = _assembly_kind(kind)
    number = _convocation(convocation)
    previous = _previous(previous_code, number)
    wanted = (statutes_id or "").strip() or None
    key = idempotency.optional_key(actor, "assemblies.create", idempotency_key)
    request = idempotency.fingerprint(
        {"title": name, "held_on": day, "kind": kind, "convocation": number, "cutoff": until,
         "statutes": wanted, "previous": previous}
    )  # fmt: skip
    with uows() as uow:
        uow.ledger.lock()  # numbering; a concurrent twin waits, then replays
        replayed = idempotency.replay(uow, key, request) if key else None
        if replayed:
            code = replayed
        else:
            code = _convene(uow, actor, name, day, kind, number, until, wanted, previous)
            if key:
                idempotency.remember(uow, key, request, 201, code)
            uow.commit()
    return replace(assembly_view(uows, actor, code), created=not replayed)


def fiscal_presets(uow: UnitOfWork) -> AssemblyPresets:
    """The law's assembly presets for the organisation's fiscal year (loi n° 2019-744, art. 16
    II: the SA rule on abstentions changes with the first fiscal year closed after 19/07/2019)."""
    presets, _, _ = scic_rules.load_presets()
    organisation = uow.organisation.get()
    if organisation is None:
        return presets
    return presets.for_fiscal_year(
        organisation.fiscal_year_start_day, organisation.fiscal_year_start_month
    )


def _convene(
    uow: UnitOfWork, actor: Actor, title: str, day: date, kind: str, number: int,
    cutoff: date, statutes_id: str | None, previous: str | None,
) -> str:  # fmt: skip
    statutes = scic_rules.load_statutes(statutes_id) if statutes_id else current_statutes(uow)
    if day < statutes.valid_from:
        raise InvalidInput(
            f"les statuts « {statutes.id} » ne s'appliquent qu'à partir du "
            f"{statutes.valid_from:%d/%m/%Y}",
            field="held_on",
        )
    presets = fiscal_presets(uow)  # the 2019 switch on abstentions follows the fiscal year
    law = scic_rules.load_law()
    rules = AssemblyRules.from_statutes(
        statutes,
        presets,
        day,
        legal_floor=legal_floor(statutes.legal_form, law, day),
        unlawful=_unlawful(statutes, law, presets, day),
    )
    rules.decision(kind)
    if previous is not None:
        _check_previous(uow, previous, kind, number)
    roll = build_roll(uow, statutes, cutoff)
    first = uow.ledger.next_numbers(f"AG-{day.year}", 1)
    assembly = Assembly(
        code=f"AG-{day.year}-{first:02d}", title=title, kind=kind, convocation=number,
        held_on=day, cutoff=cutoff, statutes_id=statutes.id, statutes_digest=statutes.digest,
        rules=rules.to_json(), status=AssemblyStatus.OPEN, created_at=_now(),
        created_by=actor.username, previous_code=previous,
    )  # fmt: skip
    uow.assemblies.add(assembly)
    assert assembly.id is not None
    for entry in roll:
        entry.assembly_id = assembly.id
    uow.assemblies.add_roll(roll)
    audit.record(
        uow, actor, "assemblee.convoquee", "assembly", assembly.code, titre=title, type=kind,
        convocation=number, date=day, arrete=cutoff, statuts=statutes.id,
        empreinte=statutes.digest, inscrits=len(roll),
        votants=sum(1 for e in roll if e.entitled),
    )  # fmt: skip
    return assembly.code


def list_assemblies(uows: UnitOfWorkFactory, actor: Actor) -> list[AssemblySummary]:
    """Every assembly, newest first."""
    with uows() as uow:
        return [_summary(a, AssemblyRules.from_json(a.rules)) for a in uow.assemblies.all()]


def assembly_view(uows: UnitOfWorkFactory, actor: Actor, code: str) -> AssemblyView:
    with uows() as uow:
        assembly = _assembly(uow, code)
        return _view(uow, assembly)


def view_in(uow: UnitOfWork, assembly: Assembly, time_zone: str | None = None) -> AssemblyView:
    """``assembly_view`` within ``uow``, of an assembly it read."""
    return _view(uow, assembly, time_zone)


def roll_view(uows: UnitOfWorkFactory, actor: Actor, code: str) -> tuple[RollLine, ...]:
    """The attendance sheet: every associate on the roll, how they attend, proxies held.

    What the statutes make public (name, category, college, voting right yes or no) is for
    every member; why an associate may not vote (dues unpaid, with their reference and amount)
    is for those who read every member's record — board, treasurer, scrutineers, admin — and
    for the associate concerned."""
    with uows() as uow:
        assembly = _assembly(uow, code)
        rules = AssemblyRules.from_json(assembly.rules)
        assert assembly.id is not None
        present = {r.member_code: r for r in uow.assemblies.attendance(assembly.id)}
        held: dict[str, list[str]] = {}
        for record in present.values():
            if record.holder_code:
                held.setdefault(record.holder_code, []).append(record.member_code)
        lines = (
            _roll_line(rules, entry, present.get(entry.member_code), held)
            for entry in uow.assemblies.roll(assembly.id)
        )
        if actor.can(Permission.READ_ALL_MEMBERS):
            return tuple(lines)
        return tuple(
            line if line.member_code == actor.member_code else replace(line, reason=_PUBLIC)
            for line in lines
        )


def sheet_view(
    uows: UnitOfWorkFactory, actor: Actor, code: str, limit: int | None = None
) -> tuple[RollLine, ...]:
    """The lines of ``roll_view`` the minutes list — the associates on the attendance sheet
    and those who may not vote (``limit``: the first ones of each) — read as plain columns:
    the minutes of an assembly of 35 000 associates never load the whole roll. Same rule as
    ``roll_view`` for why an associate may not vote."""
    with uows() as uow:
        return sheet_in(uow, actor, _assembly(uow, code), limit)


def sheet_in(
    uow: UnitOfWork, actor: Actor, assembly: Assembly, limit: int | None = None
) -> tuple[RollLine, ...]:
    """``sheet_view`` within ``uow``, of an assembly it read."""
    rules = AssemblyRules.from_json(assembly.rules)
    assert assembly.id is not None
    found = uow.assemblies.sheet_lines(assembly.id, limit)
    held: dict[str, list[str]] = {}
    for member, holder in uow.assemblies.proxies(assembly.id):
        held.setdefault(holder, []).append(member)
    everyone = actor.can(Permission.READ_ALL_MEMBERS)
    labels = {college: _college_label(rules, college) for college in {f.college for f in found}}
    return tuple(
        RollLine(
            member_code=line.member_code,
            name=line.name,
            category=line.category,
            college=line.college,
            college_label=labels[line.college],
            entitled=line.entitled,
            reason=line.reason if everyone or line.member_code == actor.member_code else _PUBLIC,
            attendance=line.mode,
            holder_code=line.holder_code,
            proxies_held=tuple(sorted(held.get(line.member_code, ()))),
        )
        for line in found
    )


_PUBLIC = ""  # a member reads whether another associate votes, never why not


def _roll_line(
    rules: AssemblyRules,
    entry: RollEntry,
    record: AttendanceRecord | None,
    held: Mapping[str, Sequence[str]],
) -> RollLine:
    return RollLine(
        member_code=entry.member_code,
        name=entry.name,
        category=entry.category,
        college=entry.college,
        college_label=_college_label(rules, entry.college),
        entitled=entry.entitled,
        reason=entry.reason,
        attendance=record.mode if record is not None else None,
        holder_code=record.holder_code if record is not None else None,
        proxies_held=tuple(sorted(held.get(entry.member_code, ()))),
    )


def record_attendance(
    uows: UnitOfWorkFactory,
    actor: Actor,
    code: str,
    member: str,
    mode: Attendance,
    *,
    holder: str | None = None,
) -> AttendanceView:
    """Sign the attendance sheet for ``member``. REPRESENTED needs ``holder``: another entitled
    associate attending in person or remotely, holding fewer proxies than the limit (refused
    with the figures and the rule otherwise); BLANK_PROXY is refused when the statutes do not
    admit blank proxies. Recording the same attendance again changes nothing."""
    actor.require(Permission.RUN_ASSEMBLIES)
    who = _member_code(member, "member")
    by = _member_code(holder, "holder") if holder and holder.strip() else None
    return _sign_sheet(uows, actor, code, who, mode, by, own=False)


def give_proxy(uows: UnitOfWorkFactory, actor: Actor, code: str, holder: str) -> AttendanceView:
    """A member gives their own proxy, online, to another associate: the same line, checks and
    lock as a proxy the scrutineers record (the holder entitled and attending in person or
    remotely, under the statutes' limit, refused with the figures past it), while the
    assembly is open. Giving the same proxy again changes nothing."""
    who = _own_code(actor)
    if not (holder or "").strip():
        raise InvalidInput("choisissez l'associé qui portera votre pouvoir", field="holder")
    by = _member_code(holder, "holder")
    return _sign_sheet(uows, actor, code, who, Attendance.REPRESENTED, by, own=True)


def _own_code(actor: Actor) -> str:
    if not actor.member_code:
        raise Forbidden(
            "seul un adhérent donne ou retire son propre pouvoir en ligne ; les scrutateurs "
            "émargent les pouvoirs reçus sur papier"
        )
    return actor.member_code


def _sign_sheet(
    uows: UnitOfWorkFactory, actor: Actor, code: str, who: str, mode: Attendance,
    by: str | None, *, own: bool,
) -> AttendanceView:  # fmt: skip
    """One line of the attendance sheet, under the assembly's lock taken for update: two
    writers giving one more proxy to the same holder at the same instant pass one at a time."""
    with uows() as uow:
        assembly = _writable(uow, code, lock="update")
        assert assembly.id is not None
        rules = AssemblyRules.from_json(assembly.rules)
        entry = _entitled(uow, assembly, who, "member")
        existing = uow.assemblies.attendance_of(assembly.id, who)
        limit = _proxy_limit(uow, assembly, rules)
        if existing is not None:
            if existing.mode is mode and existing.holder_code == by:
                return _attendance_view(uow, existing, entry, limit, created=False)
            raise Conflict(_already_signed(entry, existing, own), field="member")
        _check_mode(uow, assembly, rules, entry, mode, by, limit)
        record = AttendanceRecord(
            assembly_id=assembly.id, member_code=who, college=entry.college, mode=mode,
            holder_code=by, recorded_at=_now(), recorded_by=actor.username,
        )  # fmt: skip
        uow.assemblies.add_attendance(record)
        audit.record(
            uow, actor, "assemblee.pouvoir_donne" if own else "assemblee.emargement",
            "assembly", assembly.code, membre=who, mode=mode.value, mandataire=by,
        )  # fmt: skip
        view = _attendance_view(uow, record, entry, limit)
        uow.commit()
    return view


def _already_signed(entry: RollEntry, existing: AttendanceRecord, own: bool) -> str:
    if not own:
        return (
            f"{entry.name} ({entry.member_code}) a déjà émargé ({existing.mode.label}) : "
            "annulez d'abord cet émargement"
        )
    if existing.mode is Attendance.REPRESENTED:
        return (
            f"vous avez déjà donné votre pouvoir à {existing.holder_code} : retirez-le d'abord "
            "pour le donner à un autre associé"
        )
    return (
        f"vous avez déjà émargé ({existing.mode.label}) : vous votez vous-même ; si c'est une "
        "erreur, demandez aux scrutateurs d'annuler cet émargement"
    )


def _check_mode(
    uow: UnitOfWork, assembly: Assembly, rules: AssemblyRules, entry: RollEntry,
    mode: Attendance, holder: str | None, limit: int,
) -> None:  # fmt: skip
    if mode is not Attendance.REPRESENTED:
        if holder is not None:
            raise InvalidInput(
                "seul un associé représenté a un mandataire (mode « represented »)", field="holder"
            )
        if mode is Attendance.BLANK_PROXY and rules.blank_proxies.value == "refused":
            raise InvalidInput(rules.blank_proxies.label, field="mode")
        return
    if holder is None:
        raise InvalidInput("nommez l'associé qui détient le pouvoir", field="holder")
    if holder == entry.member_code:
        raise InvalidInput("un associé ne peut pas se donner pouvoir à lui-même", field="holder")
    assert assembly.id is not None
    bearer = uow.assemblies.roll_entry(assembly.id, holder)
    if bearer is None or not bearer.entitled:
        raise InvalidInput(
            f"{holder} n'est pas un associé appelé à voter à cette assemblée : un pouvoir ne se "
            "donne qu'à un autre associé",
            field="holder",
        )
    attending = uow.assemblies.attendance_of(assembly.id, holder)
    if attending is None or not attending.mode.may_hold_proxies:
        raise InvalidInput(
            f"{bearer.name} ({holder}) doit d'abord émarger présent ou à distance pour recevoir "
            "un pouvoir",
            field="holder",
        )
    held = uow.assemblies.proxies_held(assembly.id, holder)
    if len(held) >= limit:
        raise InvalidInput(
            f"pouvoir refusé : {bearer.name} ({holder}) détient déjà "
            f"{counted(len(held), 'pouvoir')} ({', '.join(held)}), le maximum à cette "
            f"assemblée : {rules.proxies.describe()}, "
            f"soit {limit} pour {_entitled_count(uow, assembly)} associés",
            field="holder",
        )


def cancel_attendance(uows: UnitOfWorkFactory, actor: Actor, code: str, member: str) -> None:
    """Strike a line of the sheet entered by mistake: refused once the associate has voted,
    while they hold proxies, or once hands were counted in their college (the count would then
    exceed the attendance behind it)."""
    actor.require(Permission.RUN_ASSEMBLIES)
    _strike(uows, actor, code, _member_code(member, "member"), own=False)


def withdraw_proxy(uows: UnitOfWorkFactory, actor: Actor, code: str) -> None:
    """A member takes back the proxy they gave, while the assembly is open and before its
    holder has voted for them (the same rules as striking a line of the sheet)."""
    _strike(uows, actor, code, _own_code(actor), own=True)


def _strike(uows: UnitOfWorkFactory, actor: Actor, code: str, who: str, *, own: bool) -> None:
    with uows() as uow:
        assembly = _writable(uow, code, lock="update")
        assert assembly.id is not None
        record = uow.assemblies.attendance_of(assembly.id, who)
        if own and (record is None or record.mode is not Attendance.REPRESENTED):
            raise NotFound(f"vous n'avez pas donné de pouvoir pour {assembly.code}", field="member")
        if record is None:
            raise NotFound(f"{who} n'a pas émargé à {assembly.code}", field="member")
        if uow.assemblies.voted(assembly.id, who):
            raise Conflict(
                f"{record.holder_code} a déjà voté pour vous : votre pouvoir ne peut plus être "
                "retiré"
                if own
                else f"{who} a déjà voté : son émargement ne peut plus être annulé",
                field="member",
            )
        held = uow.assemblies.proxies_held(assembly.id, who)
        if held:
            raise Conflict(
                f"{who} détient les pouvoirs de {', '.join(held)} : annulez-les d'abord",
                field="member",
            )
        counted = uow.assemblies.counted_colleges(assembly.id)
        if any(record.college in colleges for colleges in counted.values()):
            raise Conflict(
                f"des voix à main levée sont déjà comptées dans le collège de {who} : son "
                "émargement ne peut plus être annulé",
                field="member",
            )
        uow.assemblies.remove_attendance(record)
        audit.record(
            uow, actor, "assemblee.pouvoir_retire" if own else "assemblee.emargement_annule",
            "assembly", assembly.code, membre=who, mode=record.mode.value,
            mandataire=record.holder_code,
        )  # fmt: skip
        uow.commit()


def add_resolution(
    uows: UnitOfWorkFactory,
    actor: Actor,
    code: str,
    *,
    title: str,
    text: str = "",
    decision_kind: str | None = None,
    proposer: Proposer = Proposer.BOARD,
    proposed_by: str | None = None,
    method: Method = Method.OPEN,
    idempotency_key: str | None = None,
) -> ResolutionView:
    """Put a resolution on the agenda, numbered in order; ``decision_kind`` defaults to the
    assembly's kind and must be one the rules know; ``proposed_by`` (a member code on the
    roll) is required when associates propose it."""
    actor.require(Permission.PREPARE_ASSEMBLIES)
    name = _text(title, "title", MAX_TITLE)
    body = _text(text, "text", MAX_TEXT, required=False, multiline=True)
    author = (
        _member_code(proposed_by, "proposed_by") if proposed_by and proposed_by.strip() else None
    )
    if proposer is Proposer.ASSOCIATES and author is None:
        raise InvalidInput("nommez l'associé qui propose la résolution", field="proposed_by")
    if proposer is Proposer.BOARD and author is not None:
        raise InvalidInput(
            "une résolution du conseil n'a pas d'associé auteur", field="proposed_by"
        )
    key = idempotency.optional_key(actor, "assemblies.resolution", idempotency_key)
    request = idempotency.fingerprint(
        {"assembly": code, "title": name, "text": body, "kind": decision_kind,
         "proposer": proposer.value, "by": author, "method": method.value}
    )  # fmt: skip
    with uows() as uow:
        assembly = _writable(uow, code, lock="update")
        assert assembly.id is not None
        replayed = idempotency.replay(uow, key, request) if key else None
        if replayed:
            number = int(replayed)
        else:
            rules = AssemblyRules.from_json(assembly.rules)
            kind = (decision_kind or "").strip() or assembly.kind
            rules.decision(kind)
            if author is not None:
                _entitled(uow, assembly, author, "proposed_by")
            number = len(uow.assemblies.resolutions(assembly.id)) + 1
            resolution = Resolution(
                assembly_id=assembly.id, number=number, title=name, text=body,
                decision_kind=kind, proposer=proposer, proposed_by=author, method=method,
                created_at=_now(), created_by=actor.username,
                ballot_key=uow.ballot_keys.create() if method is Method.SECRET else None,
            )  # fmt: skip
            uow.assemblies.add_resolution(resolution)
            audit.record(
                uow, actor, "assemblee.resolution", "assembly", assembly.code, numero=number,
                titre=name, type=kind, auteur=proposer.value, associe=author,
                scrutin=method.value,
            )  # fmt: skip
            if key:
                idempotency.remember(uow, key, request, 201, str(number))
            uow.commit()
        return replace(_resolution_view(uow, assembly, number), created=not replayed)


def _secret_counts(
    uow: UnitOfWork,
    assembly: Assembly,
    rules: AssemblyRules,
    resolution: Resolution,
    counted: Mapping[tuple[str, Choice], int],
) -> None:
    """Every (college, choice) cell of a secret vote, written once when the vote is closed."""
    assert assembly.id is not None and resolution.id is not None
    colleges = [c.code for c in rules.colleges] or [NO_COLLEGE]
    colleges += sorted({college for college, _ in counted} - set(colleges))
    uow.assemblies.create_counters(
        [
            BallotCount(
                assembly.id, resolution.id, college, choice, counted.get((college, choice), 0),
                CountSource.SECRET,
            )
            for college in colleges
            for choice in Choice
        ]
    )  # fmt: skip


def cast_ballot(
    uows: UnitOfWorkFactory,
    actor: Actor,
    code: str,
    number: int,
    voter: str,
    choice: Choice,
    *,
    idempotency_key: str | None = None,
) -> BallotReceipt:
    """One ballot of ``voter`` on resolution ``number`` (open or secret, not show of hands).

    A member casts for themselves (attending in person, remotely or by post) or for an
    associate whose proxy they hold; a scrutineer enters any paper or postal ballot. A second
    ballot of the same voter is refused (409), concurrently too (unique constraint); a retry
    with the same Idempotency-Key returns the first receipt. Secret: the vote row has no
    choice and the sealed ballot goes to the ballot box, opened when the vote is closed."""
    request = BallotRequest(actor, code, number, voter, choice, idempotency_key)
    with uows() as uow:
        receipt = _cast(uow, request, {})
        if receipt.created:
            uow.commit()
    return receipt


@dataclass(frozen=True)
class BallotRequest:
    """What ``cast_ballot`` is given, for one ballot of a batch (``cast_ballots``)."""

    actor: Actor
    code: str
    number: int
    voter: str
    choice: Choice
    idempotency_key: str | None = None


BallotOutcome = BallotReceipt | GouvernanceError
_shuffle = secrets.SystemRandom().shuffle  # the order of a batch's sealed ballots


def cast_ballots(uows: UnitOfWorkFactory, requests: Sequence[BallotRequest]) -> list[BallotOutcome]:
    """Ballots written together: one transaction, one audit append, one commit (one fsync)
    for all of them — the online vote of a large assembly is bound by commits, not by work.

    Ballots are cast in the order given: a refused one (already voted, even earlier in the
    same batch, not on the roll, vote closed, proxy not held…) is undone alone and its outcome
    is the very error ``cast_ballot`` would raise; the others are kept. An open ballot's
    refusals all come before it writes, so it needs no savepoint; a secret one, or any ballot
    of a batch written again after a late refusal, runs in its own (``_cast_batch``).
    A database failure loses the whole batch and is raised (``TransactionAborted``) for the
    caller to hand to every requester: nothing of it is written.

    Sealed ballots are not inserted as the ballots come: a batch writes several voters' vote
    rows and sealed ballots in one transaction, so the sealed ones are inserted last, shuffled,
    and their physical order says nothing about which voter cast which."""
    try:
        return _cast_batch(uows, requests, guarded=False)
    except _WroteThenRefused:
        # A ballot was refused after it began writing (a race lost to another process, a
        # retried key): the batch starts again, each ballot in its own savepoint this time.
        return _cast_batch(uows, requests, guarded=True)


class _WroteThenRefused(Exception):
    """A ballot of an unguarded batch failed after a write: nothing of the batch is kept."""


@dataclass
class _Written:
    """Whether the ballot being cast has started writing (``_record_ballot`` says so), and,
    in an unguarded batch, where its open vote row waits to be inserted with the others."""

    started: bool = False
    deferred: list[Vote] | None = None


def _cast_batch(
    uows: UnitOfWorkFactory, requests: Sequence[BallotRequest], *, guarded: bool
) -> list[BallotOutcome]:
    """``cast_ballots`` in one transaction. Unguarded, an open ballot runs without a savepoint:
    its refusals come from checks made before it writes anything (two statements fewer per
    ballot); one that fails once it has written raises ``_WroteThenRefused``. A secret ballot
    always has its savepoint (``_secret``)."""
    outcomes: list[BallotOutcome] = []
    with uows() as uow:
        cache: dict[object, Assembly | Resolution | GouvernanceError] = {}
        sealed: list[SealedBallot] = []
        for request in requests:
            # The assemblies are locked for share here, outside any savepoint: a savepoint
            # rolled back (a refused ballot) would release a lock taken inside it.
            with suppress(GouvernanceError):  # kept in the cache, raised for its ballots
                _cached(cache, request.code, partial(_assembly, uow, request.code, "share"))
        # Unguarded, the voters' standings are read together, one query per resolution.
        standings = None if guarded else _standings(uow, cache, requests)
        votes: list[Vote] = []  # unguarded open ballots: their rows, inserted together
        for request in requests:
            kept = len(sealed)
            written = _Written(deferred=votes)
            try:
                if guarded or _secret(uow, cache, request):
                    with uow.savepoint():
                        receipt = _cast(uow, request, cache, sealed, standings=standings)
                else:
                    receipt = _cast(uow, request, cache, sealed, written, standings)
                outcomes.append(receipt)
                _voted(standings, cache, receipt)
            except Exception as error:
                # Unguarded, only a refusal by the checks leaves the transaction as it was; a
                # failure of the database itself is met again, ballot by ballot, in savepoints.
                if written.started or not isinstance(error, GouvernanceError):
                    if guarded:
                        raise
                    raise _WroteThenRefused from error
                del sealed[kept:]  # its sealed ballot goes with it
                outcomes.append(error)
        if votes:
            try:
                uow.assemblies.add_votes(votes)
            except GouvernanceError as error:  # a race lost to another process: one by one
                raise _WroteThenRefused from error
        if sealed:
            _shuffle(sealed)
            for ballot in sealed:
                uow.assemblies.add_sealed_ballot(ballot)
        uow.commit()
    return outcomes


Standings = dict[tuple[int, str], VoterStanding | None]  # (resolution id, voter) → standing


def _standings(
    uow: UnitOfWork, cache: dict[object, Assembly | Resolution | GouvernanceError],
    requests: Sequence[BallotRequest],
) -> Standings:  # fmt: skip
    """The standing of every voter of the batch, read in one query per resolution instead of
    one per ballot (None: not on the roll). A request that will be refused before its standing
    is read (bad code, unknown resolution) is left out: ``_cast`` refuses it as before."""
    wanted: dict[tuple[int, int], set[str]] = defaultdict(set)
    for request in requests:
        assembly = cache.get(request.code)
        if not isinstance(assembly, Assembly) or assembly.id is None:
            continue
        number = request.number
        try:
            found = _cached(
                cache, (assembly.code, number), partial(_resolution, uow, assembly, number)
            )
            voter = _member_code(request.voter, "voter")
        except GouvernanceError:
            continue
        assert isinstance(found, Resolution) and found.id is not None
        wanted[(assembly.id, found.id)].add(voter)
    known: Standings = {}
    for (assembly_id, resolution_id), voters in wanted.items():
        read = uow.assemblies.voter_standings(assembly_id, resolution_id, sorted(voters))
        known.update(((resolution_id, voter), read.get(voter)) for voter in voters)
    return known


def _voted(
    standings: Standings | None,
    cache: dict[object, Assembly | Resolution | GouvernanceError],
    receipt: BallotReceipt,
) -> None:
    """A ballot of the batch is recorded: a second one of the same voter on the same
    resolution, later in the batch, is refused as « a déjà voté », as it would be alone."""
    resolution = cache.get((receipt.assembly, receipt.resolution))
    if standings is None or not isinstance(resolution, Resolution) or resolution.id is None:
        return
    standing = standings.get((resolution.id, receipt.voter_code))
    if standing is not None:
        standings[(resolution.id, receipt.voter_code)] = replace(standing, voted=True)


def _secret(
    uow: UnitOfWork, cache: dict[object, Assembly | Resolution | GouvernanceError],
    request: BallotRequest,
) -> bool:  # fmt: skip
    """Whether the ballot is secret: its vote row must then be written in a savepoint of its
    own (on PostgreSQL its own subtransaction id: no ``xmin`` shared with the sealed ballots,
    which are inserted after all of them, outside)."""
    try:
        assembly = _cached(cache, request.code, lambda: _assembly(uow, request.code, "share"))
        assert isinstance(assembly, Assembly)
        number = request.number
        found = _cached(cache, (assembly.code, number), lambda: _resolution(uow, assembly, number))
    except GouvernanceError:
        return False  # refused by ``_cast`` before it writes anything
    assert isinstance(found, Resolution)
    return found.method is Method.SECRET


def _cast(
    uow: UnitOfWork,
    request: BallotRequest,
    cache: dict[object, Assembly | Resolution | GouvernanceError],
    sealed: list[SealedBallot] | None = None,
    written: _Written | None = None,
    standings: Standings | None = None,
) -> BallotReceipt:
    """One ballot in the caller's transaction, checked as ``cast_ballot`` documents; a retry
    with the same Idempotency-Key gives back the first receipt (``created`` false). Within a
    batch the assembly (locked for share) and the resolution are read once (``cache``) and the
    sealed ballots are collected in ``sealed`` instead of being inserted."""
    actor, number, choice = request.actor, request.number, request.choice
    who = _member_code(request.voter, "voter")
    key = idempotency.optional_key(actor, "assemblies.ballot", request.idempotency_key)
    assembly = _cached(cache, request.code, lambda: _assembly(uow, request.code, lock="share"))
    assert isinstance(assembly, Assembly) and assembly.id is not None
    resolution = _cached(cache, (assembly.code, number), lambda: _resolution(uow, assembly, number))
    assert isinstance(resolution, Resolution)
    secret = resolution.method is Method.SECRET
    # A secret choice is never part of what is remembered for a retry: its hash, next to
    # the voter's code, would give the choice away (five candidates to try).
    fingerprint = idempotency.fingerprint(
        {"assembly": assembly.code, "resolution": number, "voter": who,
         "choice": None if secret else choice.value}
    )  # fmt: skip
    if key and (done := idempotency.replay(uow, key, fingerprint)):
        return _receipt_of(done)  # a retry, even once the assembly is closed
    _refuse_if_closed(assembly)
    receipt = _record_ballot(
        uow, actor, assembly, resolution, who, choice, sealed, written, standings
    )
    if key:
        idempotency.remember(uow, key, fingerprint, 201, _receipt_text(receipt))
    return receipt


def _cached(
    cache: dict[object, Assembly | Resolution | GouvernanceError],
    key: object,
    read: Callable[[], Assembly | Resolution],
) -> Assembly | Resolution:
    """``read()`` once per batch: its result, or the same refusal for every ballot asking."""
    if key not in cache:
        try:
            cache[key] = read()
        except GouvernanceError as error:
            cache[key] = error
    found = cache[key]
    if isinstance(found, GouvernanceError):
        raise found
    return found


def _record_ballot(
    uow: UnitOfWork, actor: Actor, assembly: Assembly, resolution: Resolution, who: str,
    choice: Choice, sealed: list[SealedBallot] | None = None, written: _Written | None = None,
    standings: Standings | None = None,
) -> BallotReceipt:  # fmt: skip
    """One ballot, checked and audited, in the caller's transaction (the assembly locked and
    open): a secret one stores no choice, only its sealed ballot without the voter."""
    assert assembly.id is not None
    caster = _caster(uow, actor, assembly, resolution, who, standings)
    secret = resolution.method is Method.SECRET
    vote = Vote(
        assembly_id=assembly.id, resolution_id=resolution.id or 0, voter_code=who,
        cast_by=caster.cast_by, college=caster.college, choice=None if secret else choice,
        recorded_at=_now(), recorded_by=actor.username,
    )  # fmt: skip
    if written is not None:
        written.started = True  # from here on, a refusal undoes more than checks
    if written is not None and written.deferred is not None and not secret:
        written.deferred.append(vote)  # inserted with the batch's others (``_cast_batch``)
    else:
        uow.assemblies.add_vote(vote)
    if resolution.ballot_key is not None:
        content = BallotContent(assembly.code, resolution.number, vote.college, choice)
        box = SealedBallot(
            assembly.id, vote.resolution_id, vote.college, seal(resolution.ballot_key, content)
        )
        if sealed is None:
            uow.assemblies.add_sealed_ballot(box)
        else:
            sealed.append(box)  # inserted at the end of the batch, shuffled
    elif secret:  # put on the agenda before sealed ballots (migration 0007): counted as cast
        uow.assemblies.raise_counter(vote.resolution_id, vote.college, choice)
    detail = {} if secret else {"choix": choice.value}
    audit.record(
        uow, actor, "assemblee.vote", "assembly", assembly.code, resolution=resolution.number,
        votant=who, par=caster.cast_by, secret=secret, **detail,
    )  # fmt: skip
    return BallotReceipt(
        assembly=assembly.code, resolution=resolution.number, voter_code=who,
        cast_by=caster.cast_by, secret=secret, recorded_at=vote.recorded_at, choice=vote.choice,
    )  # fmt: skip


@dataclass(frozen=True)
class _Caster:
    cast_by: str
    college: str


def _caster(
    uow: UnitOfWork, actor: Actor, assembly: Assembly, resolution: Resolution, voter: str,
    standings: Standings | None = None,
) -> _Caster:  # fmt: skip
    """Who casts ``voter``'s ballot, checked: attending, not yet voted, the actor allowed."""
    assert assembly.id is not None and resolution.id is not None
    if resolution.method is Method.SHOW_OF_HANDS:
        raise InvalidInput(
            f"la résolution n° {resolution.number} se vote à main levée : les scrutateurs "
            "saisissent les décomptes par collège",
            field="resolution",
        )
    # One indexed query for every check on the voter: a ballot costs the same whatever the
    # size of the roll.
    key = (resolution.id, voter)
    if standings is not None and key in standings:
        standing = standings[key]  # read with the batch's other voters (``_standings``)
    else:
        standing = uow.assemblies.voter_standing(assembly.id, resolution.id, voter)
    if standing is None:
        raise NotFound(
            f"{voter} n'est pas sur la liste d'émargement de {assembly.code} (associés au "
            f"{assembly.cutoff:%d/%m/%Y})",
            field="voter",
        )
    if not standing.entitled:
        raise InvalidInput(
            f"{standing.name} ({voter}) ne vote pas : {standing.reason}", field="voter"
        )
    if standing.mode is None or standing.college is None:
        raise InvalidInput(
            f"{standing.name} ({voter}) n'a pas émargé : présent, à distance, par "
            "correspondance ou représenté",
            field="voter",
        )
    if standing.mode is Attendance.BLANK_PROXY:
        raise InvalidInput(
            f"{standing.name} ({voter}) a donné un pouvoir en blanc, qui vote selon la règle "
            "des statuts : pas de bulletin",
            field="voter",
        )
    cast_by = standing.holder_code or voter
    if not actor.can(Permission.RUN_ASSEMBLIES) and actor.member_code != cast_by:
        raise Forbidden(
            "un associé vote pour lui-même et pour les associés dont il détient le pouvoir"
        )
    if standing.closed:
        raise Conflict(
            f"le vote sur la résolution n° {resolution.number} est clos : plus aucun bulletin "
            "ni décompte",
            field="resolution",
        )
    if standing.voted:
        raise Conflict(
            f"{standing.name} ({voter}) a déjà voté sur la résolution n° {resolution.number}",
            field="voter",
        )
    return _Caster(cast_by, standing.college)


def enter_counts(
    uows: UnitOfWorkFactory,
    actor: Actor,
    code: str,
    number: int,
    college: str,
    counts: Mapping[Choice, int],
) -> ResolutionView:
    """The scrutineers' counts of one college after a show of hands (replaces an earlier entry
    while the assembly is open, audited). Refused when the total exceeds the associates of that
    college attending in person, remotely, by post or represented (blank proxies are added by
    the tally, not counted by hand)."""
    actor.require(Permission.RUN_ASSEMBLIES)
    cells = {choice: _count(counts.get(choice, 0), choice) for choice in Choice}
    with uows() as uow:
        assembly = _writable(uow, code, lock="update")
        assert assembly.id is not None
        rules = AssemblyRules.from_json(assembly.rules)
        where = _college_code(rules, college)
        resolution = _resolution(uow, assembly, number)
        assert resolution.id is not None
        if resolution.method is not Method.SHOW_OF_HANDS:
            raise InvalidInput(
                f"la résolution n° {number} se vote par bulletins ({resolution.method.label}) : "
                "pas de décompte à main levée",
                field="resolution",
            )
        _refuse_if_vote_closed(uow, assembly, resolution)
        turnout = uow.assemblies.turnout(assembly.id).get(where)
        present = 0 if turnout is None else turnout.attending - turnout.blank_proxies
        total = sum(cells.values())
        if total > present:
            raise InvalidInput(
                f"{total} voix comptées {among(_college_label(rules, where))} pour "
                f"{counted(present, 'associé présent', 'associés présents')}, à distance, par "
                "correspondance ou représentés",
                field="counts",
            )
        uow.assemblies.set_counts(assembly.id, resolution.id, where, cells, CountSource.HANDS)
        audit.record(
            uow, actor, "assemblee.main_levee", "assembly", assembly.code, resolution=number,
            college=where, **{c.value: n for c, n in cells.items()},
        )  # fmt: skip
        uow.commit()
        return _resolution_view(uow, assembly, number)


def close_vote(uows: UnitOfWorkFactory, actor: Actor, code: str, number: int) -> ResolutionView:
    """The chair closes the vote on resolution ``number``: no ballot nor count after this. A
    secret vote's sealed ballots are opened and counted in the same transaction, then its key
    is destroyed, so that no copy of the database can ever open them again. Twice: 409."""
    actor.require(Permission.RUN_ASSEMBLIES)
    with uows() as uow:
        assembly = _writable(uow, code, lock="update")
        assert assembly.id is not None
        rules = AssemblyRules.from_json(assembly.rules)
        resolution = _resolution(uow, assembly, number)
        _refuse_if_vote_closed(uow, assembly, resolution)
        if resolution.method is Method.SHOW_OF_HANDS:
            _require_hand_counts(uow, assembly, rules, Turnout(uow.assemblies.turnout(assembly.id)),
                                 only=resolution)  # fmt: skip
        _close_vote(uow, actor, assembly, rules, resolution)
        uow.commit()
        _destroy_keys(uow, [resolution])
        return _resolution_view(uow, assembly, number)


def _close_vote(
    uow: UnitOfWork, actor: Actor, assembly: Assembly, rules: AssemblyRules,
    resolution: Resolution,
) -> None:  # fmt: skip
    """In the caller's transaction (the assembly locked for update, the vote still open)."""
    assert assembly.id is not None and resolution.id is not None
    cast = uow.assemblies.votes_recorded(assembly.id).get(resolution.id, 0)
    if resolution.ballot_key is not None:
        _count_sealed(uow, assembly, rules, resolution, cast)
    uow.assemblies.add_vote_closing(
        VoteClosing(assembly.id, resolution.id, _now(), actor.username, cast)
    )
    audit.record(
        uow, actor, "assemblee.vote_clos", "assembly", assembly.code,
        resolution=resolution.number, bulletins=cast,
    )  # fmt: skip


def _count_sealed(
    uow: UnitOfWork, assembly: Assembly, rules: AssemblyRules, resolution: Resolution,
    cast: int,
) -> None:  # fmt: skip
    """Open the ballot box with the resolution's key and write the counts, or stop (nothing
    written) when the key is missing or the box does not hold exactly one ballot per voter."""
    assert resolution.id is not None and resolution.ballot_key is not None
    private = uow.ballot_keys.private(resolution.ballot_key)
    if private is None:
        raise ServiceUnavailable(
            f"la clé du scrutin secret de la résolution n° {resolution.number} est introuvable "
            "(dossier des clés de scrutin, GOUVERNANCE_BALLOT_KEYS_DIR) : les bulletins ne "
            "peuvent pas être ouverts ; rétablissez le dossier des clés de ce serveur, puis "
            "clôturez à nouveau",
            field="resolution",
        )
    ballots = uow.assemblies.sealed_ballots(resolution.id)
    if len(ballots) != cast:
        raise Conflict(
            f"l'urne de la résolution n° {resolution.number} contient "
            f"{counted(len(ballots), 'bulletin', 'bulletins')} pour "
            f"{counted(cast, 'votant', 'votants')} : le dépouillement est arrêté",
            field="resolution",
        )
    counts = open_ballots(private, ballots, assembly.code, resolution.number)
    _secret_counts(uow, assembly, rules, resolution, counts)


def _destroy_keys(uow: UnitOfWork, resolutions: Sequence[Resolution]) -> None:
    """After the commit: the keys of closed votes go; one that cannot be deleted now is
    deleted at the next closing (and the failure is logged)."""
    for resolution in resolutions:
        if resolution.ballot_key is None:
            continue
        try:
            uow.ballot_keys.destroy(resolution.ballot_key)
        except OSError as error:
            log.warning(
                "clé de scrutin de la résolution n° %s non effacée : %s", resolution.number, error
            )


def _refuse_if_vote_closed(uow: UnitOfWork, assembly: Assembly, resolution: Resolution) -> None:
    assert assembly.id is not None
    if resolution.id in uow.assemblies.vote_closings(assembly.id):
        raise Conflict(
            f"le vote sur la résolution n° {resolution.number} est clos : plus aucun bulletin "
            "ni décompte",
            field="resolution",
        )


def tally(uows: UnitOfWorkFactory, actor: Actor, code: str) -> TallyView:
    """The tally from the database: live while open, the stored results once closed."""
    with uows() as uow:
        return tally_in(uow, actor, _assembly(uow, code))


def tally_in(
    uow: UnitOfWork, actor: Actor, assembly: Assembly, time_zone: str | None = None
) -> TallyView:
    """``tally`` within ``uow``, of an assembly it read (``time_zone``: the organisation's,
    when the caller already has it)."""
    rules = AssemblyRules.from_json(assembly.rules)
    if assembly.status is AssemblyStatus.CLOSED and assembly.results:
        result, marker = AssemblyTally.from_json(assembly.results), _closed_marker(assembly)
    else:
        actor.require(Permission.READ_ASSEMBLY_TALLY)
        figures = _figures(uow, assembly)
        result, marker = _compute(assembly, rules, figures, live=True), figures.marker()
    return TallyView(
        summary=_summary(assembly, rules),
        rules=rules,
        tally=result,
        final=assembly.status is AssemblyStatus.CLOSED,
        marker=marker,
        time_zone=time_zone or setup.time_zone(uow),
    )


def assembly_in(uow: UnitOfWork, code: str) -> Assembly:
    """Assembly ``code`` read within ``uow`` (NotFound in French when there is none), for a
    caller that reads several views of it in one transaction (the minutes)."""
    return _assembly(uow, code)


@dataclass(frozen=True)
class _Figures:
    """What the tally reads from the database: the turnout per college and the ballots."""

    turnout: Turnout
    ballots: tuple[ResolutionBallots, ...]

    def marker(self) -> str:
        """Changes exactly when the tally could: the figures are its only input."""
        turnout = sorted(self.turnout.colleges.items())
        ballots = [
            (b.number, b.title, b.decision_kind, b.proposer.value, b.sealed, b.cast,
             sorted(b.counts.items()))
            for b in self.ballots
        ]  # fmt: skip
        digest = hashlib.blake2b(repr((turnout, ballots)).encode(), digest_size=8).hexdigest()
        return f"ouverte-{digest}"


def _figures(uow: UnitOfWork, assembly: Assembly) -> _Figures:
    assert assembly.id is not None
    turnout = Turnout(uow.assemblies.turnout(assembly.id))
    counts = uow.assemblies.ballot_counts(assembly.id)
    closed = uow.assemblies.vote_closings(assembly.id)
    cast = uow.assemblies.votes_recorded(assembly.id)
    ballots = tuple(
        ResolutionBallots(
            number=r.number,
            title=r.title,
            decision_kind=r.decision_kind,
            proposer=r.proposer,
            counts=counts.get(r.id or 0, {}),
            sealed=r.sealed and r.id not in closed,
            cast=cast.get(r.id or 0, 0),
        )
        for r in uow.assemblies.resolutions(assembly.id)
    )
    return _Figures(turnout, ballots)


def _closed_marker(assembly: Assembly) -> str:
    digest = hashlib.blake2b((assembly.results or "").encode(), digest_size=8).hexdigest()
    return f"close-{digest}"


def _compute(
    assembly: Assembly, rules: AssemblyRules, figures: _Figures, *, live: bool = False
) -> AssemblyTally:
    """``live``: the open assembly's tally, where a resolution nobody voted on yet reads « pas
    encore de vote »; the closing tally says « rejetée » for want of votes."""
    return tally_assembly(
        rules, assembly.kind, assembly.convocation, figures.turnout, figures.ballots, live=live
    )


def close_assembly(uows: UnitOfWorkFactory, actor: Actor, code: str) -> TallyView:
    """Close: tally, store the results with the assembly; nothing can change afterwards.
    Closing twice is refused (409)."""
    actor.require(Permission.RUN_ASSEMBLIES)
    with uows() as uow:
        assembly = _writable(uow, code, lock="update")
        if clock.today() < assembly.held_on:
            raise InvalidInput(
                f"l'assemblée du {assembly.held_on:%d/%m/%Y} ne se clôt pas avant d'avoir été "
                "tenue",
                field="assembly",
            )
        assert assembly.id is not None
        rules = AssemblyRules.from_json(assembly.rules)
        _require_hand_counts(uow, assembly, rules, Turnout(uow.assemblies.turnout(assembly.id)))
        done = uow.assemblies.vote_closings(assembly.id)
        still_open = [r for r in uow.assemblies.resolutions(assembly.id) if r.id not in done]
        for resolution in still_open:
            _close_vote(uow, actor, assembly, rules, resolution)
        uow.flush()  # the closings land while the assembly is still open (triggers)
        figures = _figures(uow, assembly)
        result = _compute(assembly, rules, figures)
        # What the minutes print, taken first: the row is frozen once written as closed.
        assembly.organisation_snapshot_id = setup.snapshot(uow)
        assembly.results = result.to_json()
        assembly.status = AssemblyStatus.CLOSED
        assembly.closed_at = _now()
        assembly.closed_by = actor.username
        audit.record(
            uow, actor, "assemblee.close", "assembly", assembly.code,
            resultats={str(r.number): r.outcome.value for r in result.resolutions},
        )  # fmt: skip
        uow.flush()
        uow.commit()
        _destroy_keys(uow, uow.assemblies.resolutions(assembly.id))
    return tally(uows, actor, code)


def _require_hand_counts(
    uow: UnitOfWork, assembly: Assembly, rules: AssemblyRules, turnout: Turnout,
    only: Resolution | None = None,
) -> None:  # fmt: skip
    """A show of hands not counted in a college where associates attend would be closed as if
    nobody there had voted: the scrutineers enter it first (zeros, if nobody raised a hand)."""
    assert assembly.id is not None
    counted = uow.assemblies.counted_colleges(assembly.id)
    for resolution in [only] if only else uow.assemblies.resolutions(assembly.id):
        if resolution.method is not Method.SHOW_OF_HANDS:
            continue
        done = counted.get(resolution.id or 0, ())
        missing = [
            _college_label(rules, code)
            for code, college in sorted(turnout.colleges.items())
            if college.attending > college.blank_proxies and code not in done
        ]
        if missing:
            raise Conflict(
                f"résolution n° {resolution.number} (main levée) : saisissez d'abord les voix "
                f"de : {', '.join(missing)}",
                field="resolution",
            )


def sign_minutes(
    uows: UnitOfWorkFactory, actor: Actor, code: str, role: SignatoryRole, name: str
) -> SignatureView:
    """Sign the minutes of a closed assembly (refused while open)."""
    actor.require(Permission.RUN_ASSEMBLIES)
    who = _text(name, "name", MAX_NAME)
    with uows() as uow:
        assembly = _assembly(uow, code, lock="share")
        assert assembly.id is not None
        if assembly.status is not AssemblyStatus.CLOSED:
            raise Conflict(
                f"le procès-verbal de {assembly.code} se signe après la clôture de l'assemblée",
                field="assembly",
            )
        signatory = Signatory(assembly.id, role, who, _now(), actor.username)
        uow.assemblies.add_signature(signatory)
        audit.record(
            uow, actor, "assemblee.pv_signe", "assembly", assembly.code, role=role.value,
            nom=who,
        )  # fmt: skip
        uow.commit()
    return SignatureView(role, who, signatory.signed_at, actor.username)


def live_marker(uows: UnitOfWorkFactory, actor: Actor, code: str) -> str:
    """A token that changes whenever the tally could (for the scrutineers' live screen): the
    same one ``tally`` returns, from the same figures, without the tally itself."""
    with uows() as uow:
        assembly = _assembly(uow, code)
        if assembly.status is AssemblyStatus.CLOSED:
            return _closed_marker(assembly)
        actor.require(Permission.READ_ASSEMBLY_TALLY)
        return _figures(uow, assembly).marker()


# --------------------------------------------------------------------------------------------
# Reading


def _unlawful(
    statutes: Statutes, law: LawBook, presets: AssemblyPresets, day: date
) -> tuple[str, ...]:
    """The compliance errors of the statutes on the day of the assembly, in French, with their
    articles: said at convening, never a refusal (the law's floor applies in the tally)."""
    try:
        findings = compliance.check(statutes, law, presets, day)
    except InvalidInput as error:  # a law value not defined on that day
        return (f"contrôle de conformité impossible au {day:%d/%m/%Y} : {error.message}",)
    return tuple(f"{f.message} ({f.article})" for f in findings if f.severity is Severity.ERROR)


def _applied_rule(rules: AssemblyRules, stated: Convocation) -> str:
    """The rule the tally applies; the law's floor, when it sets the statutes' clause aside,
    is said with its article."""
    applied = rules.applied(stated)
    if applied == stated or rules.legal_floor is None:
        return stated.describe()
    return (
        f"{applied.describe()} (loi : {rules.legal_floor.reference} ; la clause des statuts, "
        f"{stated.describe()}, est réputée non écrite)"
    )


def _view(uow: UnitOfWork, assembly: Assembly, time_zone: str | None = None) -> AssemblyView:
    assert assembly.id is not None
    rules = AssemblyRules.from_json(assembly.rules)
    # Counted in SQL: the desk and the minutes show this view, never the whole roll.
    colleges = uow.assemblies.turnout(assembly.id)  # read once: the count and the quorums
    entitled = sum(c.entitled for c in colleges.values())
    on_roll = uow.assemblies.roll_size(assembly.id)
    modes = dict(uow.assemblies.attendance_by_mode(assembly.id))
    resolutions = uow.assemblies.resolutions(assembly.id)
    return AssemblyView(
        summary=_summary(assembly, rules),
        cutoff=assembly.cutoff,
        statutes_id=assembly.statutes_id,
        statutes_label=rules.statutes_label,
        previous_code=assembly.previous_code,
        created_at=assembly.created_at,
        created_by=assembly.created_by,
        closed_at=assembly.closed_at,
        closed_by=assembly.closed_by,
        rules=rules,
        entitled=entitled,
        not_entitled=on_roll - entitled,
        attendance=modes,
        proxy_limit=rules.proxies.limit(entitled),
        proxy_rule=rules.proxies.describe(),
        quorums=_quorums(uow, assembly, rules, resolutions, colleges),
        resolutions=_resolution_views(uow, assembly, rules, resolutions),
        time_zone=time_zone or setup.time_zone(uow),
        signatures=signatures_in(uow, assembly),
    )


def signatures_in(uow: UnitOfWork, assembly: Assembly) -> tuple[SignatureView, ...]:
    """The minutes' signatures recorded so far (they come after the closing)."""
    assert assembly.id is not None
    return tuple(
        SignatureView(s.role, s.name, s.signed_at, s.signed_by)
        for s in uow.assemblies.signatures(assembly.id)
    )


def _quorums(
    uow: UnitOfWork,
    assembly: Assembly,
    rules: AssemblyRules,
    resolutions: Sequence[Resolution],
    colleges: Mapping[str, CollegeTurnout] | None = None,  # the turnout, when already read
) -> tuple[QuorumResult, ...]:
    if assembly.status is AssemblyStatus.CLOSED and assembly.results:
        return AssemblyTally.from_json(assembly.results).quorums
    assert assembly.id is not None
    turnout = Turnout(colleges if colleges is not None else uow.assemblies.turnout(assembly.id))
    kinds = [assembly.kind]
    kinds += [r.decision_kind for r in resolutions if r.decision_kind not in kinds]
    return tuple(quorum(rules, kind, assembly.convocation, turnout) for kind in kinds)


def _resolution_view(uow: UnitOfWork, assembly: Assembly, number: int) -> ResolutionView:
    rules = AssemblyRules.from_json(assembly.rules)
    (view,) = _resolution_views(uow, assembly, rules, [_resolution(uow, assembly, number)])
    return view


def _resolution_views(
    uow: UnitOfWork, assembly: Assembly, rules: AssemblyRules, resolutions: Sequence[Resolution]
) -> tuple[ResolutionView, ...]:
    """The agenda; the ballots and counts are read once for all resolutions."""
    assert assembly.id is not None
    ballots = uow.assemblies.votes_recorded(assembly.id)
    counted = uow.assemblies.counted_colleges(assembly.id)
    closed = uow.assemblies.vote_closings(assembly.id)
    views = []
    for resolution in resolutions:
        rule = rules.decision(resolution.decision_kind)
        rid = resolution.id or 0
        views.append(
            ResolutionView(
                number=resolution.number,
                title=resolution.title,
                text=resolution.text,
                decision_kind=resolution.decision_kind,
                decision_label=rule.label,
                proposer=resolution.proposer,
                proposed_by=resolution.proposed_by,
                method=resolution.method,
                rule=_applied_rule(rules, rule.convocation(assembly.convocation)),
                ballots=ballots.get(rid, 0),
                counted_colleges=counted.get(rid, ()),
                vote_closed=rid in closed or assembly.status is AssemblyStatus.CLOSED,
                sealed=resolution.sealed and rid not in closed,
            )
        )
    return tuple(views)


def _summary(assembly: Assembly, rules: AssemblyRules) -> AssemblySummary:
    label = rules.decisions[assembly.kind].label if assembly.kind in rules.decisions else ""
    return AssemblySummary(
        code=assembly.code,
        title=assembly.title,
        kind=assembly.kind,
        kind_label=label,
        convocation=assembly.convocation,
        held_on=assembly.held_on,
        status=assembly.status,
    )


def _attendance_view(
    uow: UnitOfWork, record: AttendanceRecord, entry: RollEntry, limit: int, created: bool = True
) -> AttendanceView:
    holder = record.holder_code or record.member_code  # a proxy: the holder's count
    held = uow.assemblies.proxies_held(record.assembly_id, holder)
    return AttendanceView(
        member_code=record.member_code, name=entry.name, college=record.college,
        mode=record.mode, holder_code=record.holder_code, proxies_held=len(held),
        proxy_limit=limit, created=created,
    )  # fmt: skip


# --------------------------------------------------------------------------------------------
# Checks


def _assembly(uow: UnitOfWork, code: str, lock: Lock = None) -> Assembly:
    wanted = (code or "").strip().upper()
    found = None
    if wanted and len(wanted) <= 20 and not has_control_characters(wanted):
        found = uow.assemblies.get(wanted, lock=lock)
    if found is None:
        raise NotFound(f"aucune assemblée n'a le code « {code} »", field="assembly")
    return found


def _writable(uow: UnitOfWork, code: str, lock: Lock = "share") -> Assembly:
    """The assembly, locked so that no close slips in before this write commits. Ballots take
    it for share (they run side by side, the unique vote per associate keeps them apart);
    attendance and show-of-hands counts take it for update, because their checks (proxies
    held, attendance behind a count) read rows that another such write could change."""
    assembly = _assembly(uow, code, lock=lock)
    _refuse_if_closed(assembly)
    return assembly


def _refuse_if_closed(assembly: Assembly) -> None:
    if assembly.status is AssemblyStatus.CLOSED:
        raise Conflict(
            f"l'assemblée {assembly.code} est close : plus rien ne change", field="assembly"
        )


def _resolution(uow: UnitOfWork, assembly: Assembly, number: int) -> Resolution:
    assert assembly.id is not None
    found = uow.assemblies.resolution(assembly.id, number) if 0 < number < 10_000 else None
    if found is None:
        raise NotFound(
            f"pas de résolution n° {number} à l'ordre du jour de {assembly.code}",
            field="resolution",
        )
    return found


def _entitled(uow: UnitOfWork, assembly: Assembly, code: str, field: str) -> RollEntry:
    assert assembly.id is not None
    entry = uow.assemblies.roll_entry(assembly.id, code)
    if entry is None:
        raise NotFound(
            f"{code} n'est pas sur la liste d'émargement de {assembly.code} (associés au "
            f"{assembly.cutoff:%d/%m/%Y})",
            field=field,
        )
    if not entry.entitled:
        raise InvalidInput(f"{entry.name} ({code}) ne vote pas : {entry.reason}", field=field)
    return entry


def _entitled_count(uow: UnitOfWork, assembly: Assembly) -> int:
    assert assembly.id is not None
    return sum(c.entitled for c in uow.assemblies.turnout(assembly.id).values())


def _proxy_limit(uow: UnitOfWork, assembly: Assembly, rules: AssemblyRules) -> int:
    return rules.proxies.limit(_entitled_count(uow, assembly))


def _college_code(rules: AssemblyRules, college: str) -> str:
    code = (college or "").strip()
    if code in ("", "-") and not rules.by_college:
        return NO_COLLEGE
    if rules.college(code) is None:
        known = ", ".join(c.code for c in rules.colleges) or "« - » (pas de collèges)"
        raise InvalidInput(f"collège inconnu « {college} » (collèges : {known})", field="college")
    return code


def _college_label(rules: AssemblyRules, code: str) -> str:
    college = rules.college(code)
    if college is not None:
        return college.label
    return "Ensemble des associés" if not rules.by_college else "(aucun collège)"


def _count(value: object, choice: Choice) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10_000_000:
        raise InvalidInput(
            f"le nombre de voix « {choice.label} » doit être un entier positif ou nul",
            field=choice.value,
        )
    return value


_KIND_WORDS = {"ordinaire": "ordinary", "extraordinaire": "extraordinary"}


def _assembly_kind(kind: str) -> str:
    """« ordinary » or « extraordinary », typed in English or in French."""
    raw = (kind or "").strip().lower()
    value = _KIND_WORDS.get(raw, raw)
    if value not in {k.value for k in DecisionKind}:
        raise InvalidInput(
            f"type d'assemblée inconnu « {kind} » (ordinary (ordinaire), extraordinary "
            "(extraordinaire))",
            field="kind",
        )
    return value


def _convocation(number: int) -> int:
    if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= 3:
        raise InvalidInput("la convocation est la 1re, la 2e ou la 3e", field="convocation")
    return number


def _previous(code: str | None, number: int) -> str | None:
    wanted = (code or "").strip().upper() or None
    if wanted is not None and number == 1:
        raise InvalidInput("une 1re convocation ne suit pas une autre assemblée", field="previous")
    if wanted is None and number > 1:
        raise InvalidInput(
            f"une {ordinal(number)} convocation nomme l'assemblée précédente, close faute de "
            "quorum",
            field="previous",
        )
    return wanted


def _check_previous(uow: UnitOfWork, code: str, kind: str, number: int) -> None:
    """A new convocation follows the previous one of the same assembly, closed for want of
    quorum (the minutes of that first meeting say so)."""
    previous = uow.assemblies.get(code)
    if previous is None:
        raise NotFound(f"aucune assemblée n'a le code « {code} »", field="previous")
    if previous.kind != kind or previous.convocation != number - 1:
        raise InvalidInput(
            f"{code} ({previous.kind}, {ordinal(previous.convocation)} convocation) n'est pas "
            f"la {ordinal(number - 1)} convocation d'une assemblée « {kind} »",
            field="previous",
        )
    if previous.status is not AssemblyStatus.CLOSED or not previous.results:
        raise InvalidInput(
            f"{code} n'est pas close : constatez d'abord que le quorum n'y est pas atteint",
            field="previous",
        )
    first = AssemblyTally.from_json(previous.results).quorums[0]
    if first.reached:
        raise InvalidInput(
            f"le quorum était atteint à {code} ({first.explanation}) : pas de nouvelle convocation",
            field="previous",
        )


def _member_code(text: str | None, field: str) -> str:
    try:
        return member_key(text or "")
    except NotFound:
        raise NotFound("aucun membre n'a ce code", field=field) from None


def _text(
    value: str, field: str, limit: int, *, required: bool = True, multiline: bool = False
) -> str:
    return clean_text(value, field, limit, required=required, multiline=multiline)


def _receipt_text(receipt: BallotReceipt) -> str:
    return json.dumps(
        {"assembly": receipt.assembly, "resolution": receipt.resolution,
         "voter_code": receipt.voter_code, "cast_by": receipt.cast_by, "secret": receipt.secret,
         "recorded_at": receipt.recorded_at.isoformat(),
         "choice": None if receipt.choice is None else receipt.choice.value}
    )  # fmt: skip


def _receipt_of(text: str) -> BallotReceipt:
    data = json.loads(text)
    return BallotReceipt(
        assembly=str(data["assembly"]),
        resolution=int(data["resolution"]),
        voter_code=str(data["voter_code"]),
        cast_by=str(data["cast_by"]),
        secret=bool(data["secret"]),
        recorded_at=datetime.fromisoformat(str(data["recorded_at"])),
        created=False,
        choice=Choice(data["choice"]) if data.get("choice") else None,
    )


def _now() -> datetime:
    return datetime.now(UTC)
