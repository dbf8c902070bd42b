"""The assembly desk, as the chair and the scrutineers use it on the day: what convening offers,
the door (one page of the roll, searched by name or code, with what each line may still do), a
postal voting form entered in one go, the sheet of a show of hands, and what closing would
freeze or still lacks.

Reading, plus two writes built on the assembly's own checks: ``represent`` (a proxy whose holder
is typed by name or by code, then recorded by ``assemblies.record_attendance``) and
``cast_paper_ballots`` (every ballot of one postal or paper form in a single transaction, so that
a refused one leaves nothing written). Everything else goes through ``assemblies``.

Who uses the desk: the board and the administrator prepare (PREPARE_ASSEMBLIES), the
scrutineers and the administrator run the assembly (RUN_ASSEMBLIES); both read it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from gouvernance.domain.assembly.model import (
    NO_COLLEGE,
    Assembly,
    AssemblyStatus,
    Attendance,
    Choice,
    Method,
)
from gouvernance.domain.assembly.rules import AssemblyRules
from gouvernance.domain.assembly.tally import Counts
from gouvernance.domain.errors import Forbidden, InvalidInput
from gouvernance.domain.text import clean_text
from gouvernance.domain.users import Actor, Permission
from gouvernance.domain.wording import counted
from gouvernance.services import clock, idempotency
from gouvernance.services.assembly import assemblies
from gouvernance.services.assembly.assemblies import (
    AssemblySummary,
    AttendanceView,
    BallotReceipt,
    ResolutionView,
    RollLine,
    _assembly,
    _college_label,
    _entitled_count,
    _member_code,
    _receipt_of,
    _receipt_text,
    _record_ballot,
    _refuse_if_closed,
    _resolution,
    _resolution_views,
    _roll_line,
    _summary,
)
from gouvernance.services.assembly.online import _receipts
from gouvernance.services.ports import RollQuery, UnitOfWork, UnitOfWorkFactory
from gouvernance.services.scic import scic_rules

__all__ = [
    "ClosingCheck",
    "ConveneChoices",
    "DoorLine",
    "HandCollege",
    "HandSheet",
    "PaperBallots",
    "RollPage",
    "StatutesChoice",
    "cast_paper_ballots",
    "closing_check",
    "convene_choices",
    "hand_sheet",
    "paper_ballots",
    "represent",
    "require_desk",
    "roll_page",
]

MAX_SEARCH = 100
MAX_PER_PAGE = 100
MAX_PAGE = 1_000_000  # beyond, the first page past the end: nothing, never an overflow
MAX_NAMED = 5  # associates named when a holder typed by name is ambiguous


def require_desk(actor: Actor) -> None:
    """The desk is the board's, the scrutineers' and the administrator's."""
    if not (actor.can(Permission.PREPARE_ASSEMBLIES) or actor.can(Permission.RUN_ASSEMBLIES)):
        raise Forbidden(
            f"le bureau de l'assemblée est tenu par le conseil, les scrutateurs et "
            f"l'administrateur : le rôle {actor.role.label} n'y a pas accès"
        )


# --------------------------------------------------------------------------------------------
# Convening


@dataclass(frozen=True)
class StatutesChoice:
    id: str
    label: str
    legal_form: str  # French
    valid_from: date
    chosen: bool  # the organisation's statutes: the default


@dataclass(frozen=True)
class ConveneChoices:
    statutes: tuple[StatutesChoice, ...]
    chosen: str | None  # the organisation's statutes id, when it has chosen
    closed: tuple[AssemblySummary, ...]  # what a 2nd convocation may follow (newest first)


def convene_choices(uows: UnitOfWorkFactory, actor: Actor) -> ConveneChoices:
    """What the convening form offers: the statutes documents (the organisation's first) and
    the closed assemblies a second convocation may name; the service checks the rest."""
    actor.require(Permission.PREPARE_ASSEMBLIES)
    with uows() as uow:
        organisation = uow.organisation.get()
        chosen = organisation.statutes_id if organisation is not None else None
        closed = tuple(
            _summary(a, AssemblyRules.from_json(a.rules))
            for a in uow.assemblies.all()
            if a.status is AssemblyStatus.CLOSED
        )
    documents = sorted(scic_rules.list_statutes(), key=lambda s: (s.id != chosen, s.id))
    return ConveneChoices(
        statutes=tuple(
            StatutesChoice(s.id, s.label, s.legal_form.label, s.valid_from, s.id == chosen)
            for s in documents
        ),
        chosen=chosen,
        closed=closed,
    )


# --------------------------------------------------------------------------------------------
# The door


@dataclass(frozen=True)
class DoorLine:
    """One associate at the door: their line of the roll and what may still be done with it."""

    line: RollLine
    voted: bool  # on at least one resolution
    may_sign: bool  # entitled, not on the sheet yet, the assembly open
    may_strike: bool  # on the sheet and striking it would be accepted now
    why_not_strike: str  # French, when on the sheet but not ``may_strike``


@dataclass(frozen=True)
class RollPage:
    summary: AssemblySummary
    lines: tuple[DoorLine, ...]
    total: int  # associates matching the search, on every page
    page: int  # 1-based
    per_page: int
    search: str
    signed: bool | None
    attendance: Mapping[Attendance, int]  # the whole sheet, every mode (0 included)
    entitled: int
    proxy_limit: int
    proxy_rule: str
    blank_proxies: bool  # the statutes admit blank proxies
    open: bool

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def attending(self) -> int:
        return sum(self.attendance.values())


def roll_page(
    uows: UnitOfWorkFactory,
    actor: Actor,
    code: str,
    *,
    search: str = "",
    signed: bool | None = None,
    page: int = 1,
    per_page: int = 25,
) -> RollPage:
    """One page of the roll for the door, searched in the database by name or code (case and
    common accents ignored), with the sheet's counts by mode; never the whole roll."""
    require_desk(actor)
    wanted = clean_text(search, "q", MAX_SEARCH)
    size = min(max(per_page, 1), MAX_PER_PAGE)
    number = min(max(page, 1), MAX_PAGE)
    with uows() as uow:
        assembly = _assembly(uow, code)
        assert assembly.id is not None
        rules = AssemblyRules.from_json(assembly.rules)
        query = RollQuery(search=wanted or None, signed=signed)
        entries, total = uow.assemblies.roll_page(assembly.id, query, (number - 1) * size, size)
        codes = [e.member_code for e in entries]
        around = uow.assemblies.attendance_around(assembly.id, codes)
        records = {r.member_code: r for r in around}
        held: dict[str, list[str]] = {}
        for record in around:
            if record.holder_code and record.mode is Attendance.REPRESENTED:
                held.setdefault(record.holder_code, []).append(record.member_code)
        voters = {v.voter_code for v in uow.assemblies.votes_of(assembly.id, codes)}
        counted = {c for colleges in uow.assemblies.counted_colleges(assembly.id).values()
                   for c in colleges}  # fmt: skip
        is_open = assembly.status is AssemblyStatus.OPEN
        lines = []
        for entry in entries:
            line = _roll_line(rules, entry, records.get(entry.member_code), held)
            why = _why_not_strike(line, entry.member_code in voters, line.college in counted)
            lines.append(
                DoorLine(
                    line=line,
                    voted=entry.member_code in voters,
                    may_sign=is_open and entry.entitled and line.attendance is None,
                    may_strike=is_open and line.attendance is not None and not why,
                    why_not_strike="" if not is_open or line.attendance is None else why,
                )
            )
        entitled = _entitled_count(uow, assembly)
        return RollPage(
            summary=_summary(assembly, rules),
            lines=tuple(lines),
            total=total,
            page=number,
            per_page=size,
            search=wanted,
            signed=signed,
            attendance=uow.assemblies.attendance_by_mode(assembly.id),
            entitled=entitled,
            proxy_limit=rules.proxies.limit(entitled),
            proxy_rule=rules.proxies.describe(),
            blank_proxies=rules.blank_proxies.value != "refused",
            open=is_open,
        )


def _why_not_strike(line: RollLine, voted: bool, counted: bool) -> str:
    """The rules of ``assemblies.cancel_attendance``, said before the button is offered."""
    if voted:
        return "a déjà voté"
    if line.proxies_held:
        return f"détient les pouvoirs de {', '.join(line.proxies_held)}"
    if counted:
        return "des voix à main levée sont déjà comptées dans son collège"
    return ""


def represent(
    uows: UnitOfWorkFactory, actor: Actor, code: str, member: str, holder: str
) -> AttendanceView:
    """``member`` represented by the associate typed in ``holder``: a code on the roll, or a
    name matching one associate attending in person or remotely. Then the sheet's own checks
    (the holder attending, under the statutes' limit), under the assembly's lock."""
    actor.require(Permission.RUN_ASSEMBLIES)
    with uows() as uow:
        assembly = _assembly(uow, code)
        bearer = _holder(uow, assembly, holder)
    return assemblies.record_attendance(
        uows, actor, code, member, Attendance.REPRESENTED, holder=bearer
    )


def _holder(uow: UnitOfWork, assembly: Assembly, typed: str) -> str:
    text = clean_text(typed, "holder", MAX_SEARCH)
    if not text:
        raise InvalidInput(
            "tapez le code ou le nom de l'associé qui porte le pouvoir", field="holder"
        )
    assert assembly.id is not None
    if uow.assemblies.roll_entry(assembly.id, text.upper()) is not None:
        return text.upper()
    query = RollQuery(search=text, holders=True)
    found, total = uow.assemblies.roll_page(assembly.id, query, 0, MAX_NAMED)
    if total == 1:
        return found[0].member_code
    if total == 0:
        raise InvalidInput(
            f"aucun associé présent ou à distance ne répond à « {text} » : le porteur d'un "
            "pouvoir doit avoir émargé présent ou à distance ; tapez son code",
            field="holder",
        )
    names = ", ".join(f"{e.name} ({e.member_code})" for e in found)
    more = f" et {counted(total - len(found), 'autre')}" if total > len(found) else ""
    raise InvalidInput(
        f"{total} associés présents ou à distance répondent à « {text} » : {names}{more} ; "
        "tapez le code de celui qui porte le pouvoir",
        field="holder",
    )


# --------------------------------------------------------------------------------------------
# Paper and postal ballots


@dataclass(frozen=True)
class PaperBallots:
    """What the scrutineers enter from one associate's postal voting form or paper ballots."""

    summary: AssemblySummary
    line: RollLine
    resolutions: tuple[ResolutionView, ...]  # by number, the show of hands included
    receipts: Mapping[int, BallotReceipt]  # resolution number → the ballot already recorded
    may_vote: bool
    reason: str  # French, why no ballot may be entered for this associate; « » otherwise


def paper_ballots(uows: UnitOfWorkFactory, actor: Actor, code: str, voter: str) -> PaperBallots:
    actor.require(Permission.RUN_ASSEMBLIES)
    who = _member_code(voter, "voter")
    with uows() as uow:
        assembly = _assembly(uow, code)
        assert assembly.id is not None
        rules = AssemblyRules.from_json(assembly.rules)
        entry = assemblies._entitled(uow, assembly, who, "voter")
        record = uow.assemblies.attendance_of(assembly.id, who)
        held = uow.assemblies.proxies_held(assembly.id, who)
        resolutions = uow.assemblies.resolutions(assembly.id)
        receipts = _receipts(assembly, resolutions, uow.assemblies.votes_of(assembly.id, [who]))
        if assembly.status is AssemblyStatus.CLOSED:
            reason = "l'assemblée est close : plus aucun bulletin"
        elif record is None:
            reason = (
                f"{entry.name} n'a pas émargé : émargez-le d'abord (par correspondance pour un "
                "formulaire reçu avant la séance)"
            )
        elif record.mode is Attendance.BLANK_PROXY:
            reason = f"{entry.name} a donné un pouvoir en blanc, qui vote sans bulletin"
        else:
            reason = ""
        return PaperBallots(
            summary=_summary(assembly, rules),
            line=_roll_line(rules, entry, record, {who: list(held)}),
            resolutions=_resolution_views(uow, assembly, rules, resolutions),
            receipts=receipts.get(who, {}),
            may_vote=not reason,
            reason=reason,
        )


def cast_paper_ballots(
    uows: UnitOfWorkFactory,
    actor: Actor,
    code: str,
    voter: str,
    choices: Mapping[int, Choice],
    *,
    idempotency_key: str | None = None,
) -> tuple[BallotReceipt, ...]:
    """Every ballot of one postal voting form (or of one associate's paper ballots), entered by
    a scrutineer in a single transaction: one refused (already voted, a show of hands, the
    assembly closed…) and none is written. The same checks, audit and secrecy as
    ``assemblies.cast_ballot``; a retry with the same key returns the first receipts."""
    actor.require(Permission.RUN_ASSEMBLIES)
    who = _member_code(voter, "voter")
    if not choices:
        raise InvalidInput("cochez au moins un choix avant d'enregistrer", field="choices")
    key = idempotency.optional_key(actor, "assemblies.paper_ballots", idempotency_key)
    with uows() as uow:
        assembly = _assembly(uow, code, lock="share")
        resolutions = [_resolution(uow, assembly, number) for number in sorted(choices)]
        # As for one ballot: a secret choice is never part of what a retry is recognised by.
        request = idempotency.fingerprint(
            {"assembly": assembly.code, "voter": who,
             "choices": {str(r.number): None if r.method is Method.SECRET
                         else choices[r.number].value for r in resolutions}}
        )  # fmt: skip
        if key and (done := idempotency.replay(uow, key, request)):
            return tuple(_receipt_of(text) for text in json.loads(done))
        _refuse_if_closed(assembly)
        receipts = tuple(
            _record_ballot(uow, actor, assembly, r, who, choices[r.number]) for r in resolutions
        )
        if key:
            remember = json.dumps([_receipt_text(r) for r in receipts])
            idempotency.remember(uow, key, request, 201, remember)
        uow.commit()
    return receipts


# --------------------------------------------------------------------------------------------
# Show of hands


@dataclass(frozen=True)
class HandCollege:
    code: str  # NO_COLLEGE without colleges
    label: str
    attending: int  # the associates behind a count: present, remote, postal or represented
    blank_proxies: int  # added by the tally, never counted by hand
    counts: Counts | None  # entered so far; None when not yet


@dataclass(frozen=True)
class HandSheet:
    summary: AssemblySummary
    resolution: ResolutionView
    colleges: tuple[HandCollege, ...]
    open: bool


def hand_sheet(uows: UnitOfWorkFactory, actor: Actor, code: str, number: int) -> HandSheet:
    """Each college of a show-of-hands resolution: the attendance a count may not exceed, and
    the counts entered so far."""
    require_desk(actor)
    with uows() as uow:
        assembly = _assembly(uow, code)
        assert assembly.id is not None
        rules = AssemblyRules.from_json(assembly.rules)
        resolution = _resolution(uow, assembly, number)
        if resolution.method is not Method.SHOW_OF_HANDS:
            raise InvalidInput(
                f"la résolution n° {number} se vote par bulletins ({resolution.method.label}) : "
                "pas de décompte à main levée",
                field="resolution",
            )
        rid = resolution.id or 0
        turnout = uow.assemblies.turnout(assembly.id)
        done = set(uow.assemblies.counted_colleges(assembly.id).get(rid, ()))
        stored = uow.assemblies.ballot_counts(assembly.id).get(rid, {})
        colleges = []
        for college in [c.code for c in rules.colleges] or [NO_COLLEGE]:
            there = turnout.get(college)
            attending = there.attending - there.blank_proxies if there else 0
            colleges.append(
                HandCollege(
                    code=college,
                    label=_college_label(rules, college),
                    attending=attending,
                    blank_proxies=there.blank_proxies if there else 0,
                    counts=stored.get(college, Counts()) if college in done else None,
                )
            )
        (view,) = _resolution_views(uow, assembly, rules, [resolution])
        return HandSheet(
            summary=_summary(assembly, rules),
            resolution=view,
            colleges=tuple(colleges),
            open=assembly.status is AssemblyStatus.OPEN,
        )


# --------------------------------------------------------------------------------------------
# Closing


@dataclass(frozen=True)
class ClosingCheck:
    """Before closing: what would block it (refused by ``close_assembly``) and what deserves a
    second look (accepted, but probably a slip)."""

    summary: AssemblySummary
    open: bool
    blocking: tuple[str, ...]  # French: closing is refused until these are done
    warnings: tuple[str, ...]  # French: closing is accepted, but check
    attending: int
    entitled: int


def closing_check(uows: UnitOfWorkFactory, actor: Actor, code: str) -> ClosingCheck:
    require_desk(actor)
    with uows() as uow:
        assembly = _assembly(uow, code)
        assert assembly.id is not None
        rules = AssemblyRules.from_json(assembly.rules)
        resolutions = uow.assemblies.resolutions(assembly.id)
        turnout = uow.assemblies.turnout(assembly.id)
        counted = uow.assemblies.counted_colleges(assembly.id)
        views = _resolution_views(uow, assembly, rules, resolutions)
        blocking: list[str] = []
        warnings: list[str] = []
        today = clock.today()
        if today < assembly.held_on:
            blocking.append(
                f"l'assemblée du {assembly.held_on:%d/%m/%Y} ne se clôt pas avant d'avoir été tenue"
            )
        attending = sum(t.attending for t in turnout.values())
        if not attending:
            warnings.append("personne n'a émargé : toutes les résolutions seront rejetées")
        if not resolutions:
            warnings.append("aucune résolution n'est inscrite à l'ordre du jour")
        for resolution, view in zip(resolutions, views, strict=True):
            done = counted.get(resolution.id or 0, ())
            if resolution.method is Method.SHOW_OF_HANDS:
                missing = [
                    _college_label(rules, college)
                    for college, there in sorted(turnout.items())
                    if there.attending > there.blank_proxies and college not in done
                ]
                if missing:
                    blocking.append(
                        f"résolution n° {resolution.number} (main levée) : saisissez les voix "
                        f"de : {', '.join(missing)} (0 si personne n'a levé la main)"
                    )
                elif not done:
                    warnings.append(
                        f"résolution n° {resolution.number} : aucun décompte à main levée"
                    )
            elif view.ballots == 0:
                warnings.append(
                    f"résolution n° {resolution.number} « {resolution.title} » : aucun bulletin "
                    "(elle sera rejetée faute de voix)"
                )
        return ClosingCheck(
            summary=_summary(assembly, rules),
            open=assembly.status is AssemblyStatus.OPEN,
            blocking=tuple(blocking),
            warnings=tuple(warnings),
            attending=attending,
            entitled=sum(t.entitled for t in turnout.values()),
        )
