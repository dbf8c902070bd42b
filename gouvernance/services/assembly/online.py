"""Online voting and proxies as a member sees them: their ballot paper at an assembly (for
themself and for each associate whose proxy they hold, with the receipts of the ballots already
cast), one receipt, and their proxies at each open assembly.

Reading only: the ballots go through ``assemblies.cast_ballot``, the proxies through
``assemblies.give_proxy`` and ``withdraw_proxy``, which check everything again under the
assembly's lock. What these views say a member may do mirrors those rules, so that a page
offers only what the service would accept, and explains the rest in French.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from gouvernance.domain.assembly.model import (
    Assembly,
    AssemblyStatus,
    Attendance,
    AttendanceRecord,
    Method,
    Resolution,
    RollEntry,
    Vote,
)
from gouvernance.domain.assembly.rules import AssemblyRules
from gouvernance.domain.errors import Forbidden, NotFound
from gouvernance.domain.users import Actor, Permission
from gouvernance.services.assembly.assemblies import (
    AssemblySummary,
    BallotReceipt,
    ResolutionView,
    _assembly,
    _member_code,
    _proxy_limit,
    _resolution,
    _resolution_views,
    _summary,
)
from gouvernance.services.organisation import setup
from gouvernance.services.ports import UnitOfWork, UnitOfWorkFactory

__all__ = [
    "BallotSheet",
    "ProxyHolder",
    "ProxySheet",
    "VoterBallots",
    "ballot_receipt",
    "ballot_sheet",
    "proxy_sheets",
]


@dataclass(frozen=True)
class VoterBallots:
    """One associate a member votes for: themself, or an associate whose proxy they hold."""

    member_code: str
    name: str
    own: bool  # the member themself; False: by proxy
    may_vote: bool  # on the resolutions not voted yet (open or secret ballots)
    reason: str  # French, why not; « » when they may
    receipts: Mapping[int, BallotReceipt]  # resolution number → the ballot already cast


@dataclass(frozen=True)
class BallotSheet:
    summary: AssemblySummary
    time_zone: str
    member_code: str
    attendance: Attendance | None  # how the member signed the sheet, if they did
    resolutions: tuple[ResolutionView, ...]
    voters: tuple[VoterBallots, ...]  # the member first (when on the roll), then proxies
    notice: str  # French: why the member is not among the voters; « » otherwise


@dataclass(frozen=True)
class ProxyHolder:
    """An associate who may receive a proxy now: entitled, attending in person or remotely."""

    member_code: str
    name: str
    proxies_held: int


@dataclass(frozen=True)
class ProxySheet:
    summary: AssemblySummary
    member_code: str
    attendance: Attendance | None
    given_to: ProxyHolder | None  # the holder of the member's proxy
    held: tuple[tuple[str, str], ...]  # (code, name) of the associates whose proxy they hold
    limit: int  # proxies one associate may hold at this assembly
    rule: str  # « au plus 2 pouvoirs par associé »
    holders: tuple[ProxyHolder, ...]  # who may receive the member's proxy now
    may_give: bool
    may_withdraw: bool
    reason: str  # French, why the member can neither give nor withdraw; « » otherwise


def _member(actor: Actor) -> str:
    if not actor.member_code:
        raise Forbidden(
            "le vote en ligne et les pouvoirs sont ceux d'un compte d'adhérent ; les scrutateurs "
            "saisissent les bulletins et les pouvoirs reçus sur papier"
        )
    return actor.member_code


def ballot_sheet(uows: UnitOfWorkFactory, actor: Actor, code: str) -> BallotSheet:
    """What a member votes at assembly ``code``: the agenda, and for themself and each proxy
    they hold either the ballot still to cast or the receipt of the one cast."""
    me = _member(actor)
    with uows() as uow:
        assembly = _assembly(uow, code)
        assert assembly.id is not None
        rules = AssemblyRules.from_json(assembly.rules)
        resolutions = uow.assemblies.resolutions(assembly.id)
        entry = uow.assemblies.roll_entry(assembly.id, me)
        record = uow.assemblies.attendance_of(assembly.id, me)
        held = uow.assemblies.proxies_held(assembly.id, me)
        votes = uow.assemblies.votes_of(assembly.id, [me, *held])
        receipts = _receipts(assembly, resolutions, votes)
        closed = assembly.status is AssemblyStatus.CLOSED
        voters: list[VoterBallots] = []
        notice = ""
        if entry is None:
            notice = (
                f"vous n'êtes pas sur la liste d'émargement de {assembly.code} (associés au "
                f"{assembly.cutoff:%d/%m/%Y}) : vous ne votez pas à cette assemblée"
            )
        else:
            reason = _why_not(uow, assembly, entry, record, closed)
            voters.append(
                VoterBallots(me, entry.name, True, not reason, reason, receipts.get(me, {}))
            )
        for code_held in held:
            bearer = uow.assemblies.roll_entry(assembly.id, code_held)
            name = bearer.name if bearer else code_held
            reason = _CLOSED if closed else ""
            voters.append(
                VoterBallots(
                    code_held, name, False, not closed, reason, receipts.get(code_held, {})
                )
            )
        return BallotSheet(
            summary=_summary(assembly, rules),
            time_zone=setup.time_zone(uow),
            member_code=me,
            attendance=record.mode if record else None,
            resolutions=_resolution_views(uow, assembly, rules, resolutions),
            voters=tuple(voters),
            notice=notice,
        )


_CLOSED = "l'assemblée est close : le vote est terminé"


def _why_not(
    uow: UnitOfWork, assembly: Assembly, entry: RollEntry, record: AttendanceRecord | None,
    closed: bool,
) -> str:  # fmt: skip
    """Why a member does not cast their own ballot online (« » when they do): the rules of
    ``cast_ballot``, in the words of the person concerned."""
    if not entry.entitled:
        return f"vous ne votez pas à cette assemblée : {entry.reason}"
    if closed:
        return _CLOSED
    if record is None:
        return (
            "vous n'avez pas émargé : pour voter en ligne, demandez aux scrutateurs de vous "
            "inscrire « à distance » (ou « présent » dans la salle) ; vous pouvez aussi donner "
            "votre pouvoir à un associé présent (page « Mes pouvoirs »)"
        )
    if record.mode is Attendance.REPRESENTED:
        assert assembly.id is not None and record.holder_code is not None
        holder = uow.assemblies.roll_entry(assembly.id, record.holder_code)
        name = holder.name if holder else record.holder_code
        return (
            f"vous avez donné votre pouvoir à {name} ({record.holder_code}) : c'est cet associé "
            "qui vote pour vous"
        )
    if record.mode is Attendance.BLANK_PROXY:
        return (
            "vous avez donné un pouvoir en blanc : il vote selon la règle des statuts, sans "
            "bulletin"
        )
    return ""


def _receipts(
    assembly: Assembly, resolutions: Sequence[Resolution], votes: Sequence[Vote]
) -> dict[str, dict[int, BallotReceipt]]:
    by_id = {r.id: r for r in resolutions}
    found: dict[str, dict[int, BallotReceipt]] = {}
    for vote in votes:
        resolution = by_id.get(vote.resolution_id)
        if resolution is not None:
            found.setdefault(vote.voter_code, {})[resolution.number] = _receipt(
                assembly, resolution, vote
            )
    return found


def _receipt(assembly: Assembly, resolution: Resolution, vote: Vote) -> BallotReceipt:
    secret = resolution.method is Method.SECRET
    return BallotReceipt(
        assembly=assembly.code, resolution=resolution.number, voter_code=vote.voter_code,
        cast_by=vote.cast_by, secret=secret, recorded_at=vote.recorded_at, created=False,
        choice=None if secret else vote.choice,
    )  # fmt: skip


def ballot_receipt(
    uows: UnitOfWorkFactory, actor: Actor, code: str, number: int, voter: str
) -> BallotReceipt:
    """The receipt of ``voter``'s ballot on resolution ``number``, for the voter, the holder
    of their proxy, or the scrutineers; a secret ballot's has no choice (none is stored)."""
    who = _member_code(voter, "voter")
    with uows() as uow:
        assembly = _assembly(uow, code)
        assert assembly.id is not None
        record = uow.assemblies.attendance_of(assembly.id, who)
        allowed = actor.can(Permission.RUN_ASSEMBLIES) or (
            actor.member_code is not None
            and (
                actor.member_code == who
                or (record is not None and record.holder_code == actor.member_code)
            )
        )
        if not allowed:
            raise Forbidden(
                "un reçu de vote se lit par l'associé, par le porteur de son pouvoir ou par les "
                "scrutateurs"
            )
        resolution = _resolution(uow, assembly, number)
        vote = next(
            (v for v in uow.assemblies.votes_of(assembly.id, [who])
             if v.resolution_id == resolution.id),
            None,
        )  # fmt: skip
        if vote is None:
            raise NotFound(
                f"pas de bulletin de {who} sur la résolution n° {number} de {assembly.code}",
                field="voter",
            )
        return _receipt(assembly, resolution, vote)


def proxy_sheets(
    uows: UnitOfWorkFactory, actor: Actor, *, max_holders: int | None = None
) -> tuple[ProxySheet, ...]:
    """A member's proxies at each open assembly: the one they gave, those they hold, and to
    whom they may give theirs now (an associate attending in person or remotely).

    ``max_holders``: at most that many of those, and one more when there are more (a page
    offers a list up to a size, a field to type a code beyond): thousands attending are never
    all read to show one member's proxies."""
    me = _member(actor)
    with uows() as uow:
        sheets = []
        for assembly in uow.assemblies.all():
            if assembly.status is AssemblyStatus.OPEN:
                sheets.append(_proxy_sheet(uow, assembly, me, max_holders))
        return tuple(sheets)


def _proxy_sheet(
    uow: UnitOfWork, assembly: Assembly, me: str, max_holders: int | None = None
) -> ProxySheet:
    assert assembly.id is not None
    rules = AssemblyRules.from_json(assembly.rules)
    # The member's line and those whose proxy they hold; the holder of their own proxy.
    around = uow.assemblies.attendance_around(assembly.id, [me])
    record = next((r for r in around if r.member_code == me), None)
    mine_held = [r.member_code for r in around if r.mode is Attendance.REPRESENTED
                 and r.holder_code == me]  # fmt: skip
    given = record is not None and record.mode is Attendance.REPRESENTED
    bearer = record.holder_code if given and record is not None else None
    names = {
        code: entry
        for code in dict.fromkeys([me, *mine_held, *([bearer] if bearer else [])])
        if (entry := uow.assemblies.roll_entry(assembly.id, code)) is not None
    }
    wanted = None if max_holders is None else max_holders + 1
    found = uow.assemblies.holders(  # one more: « me » may be among them
        assembly.id, 10**9 if wanted is None else wanted + 1
    )
    candidates = [(code, name) for code, name in found if code != me][:wanted]
    shown = [code for code, _name in candidates] + [me, *mine_held] + ([bearer] if bearer else [])
    proxies = Counter(uow.assemblies.proxy_counts(assembly.id, shown))

    def holder(code: str) -> ProxyHolder:
        entry = names.get(code)
        return ProxyHolder(code, entry.name if entry else code, proxies[code])

    holders = tuple(ProxyHolder(code, name, proxies[code]) for code, name in candidates)
    mine = names.get(me)
    voted = given and uow.assemblies.voted(assembly.id, me)
    if mine is None:
        reason = f"vous n'êtes pas sur la liste d'émargement de {assembly.code}"
    elif not mine.entitled:
        reason = f"vous ne votez pas à cette assemblée : {mine.reason}"
    elif voted:
        reason = "le porteur de votre pouvoir a déjà voté pour vous : il ne peut plus être retiré"
    elif record is not None and not given:
        reason = (
            f"vous avez émargé ({record.mode.label}) : vous votez vous-même, sans donner de pouvoir"
        )
    else:
        reason = ""
    return ProxySheet(
        summary=_summary(assembly, rules),
        member_code=me,
        attendance=record.mode if record else None,
        given_to=holder(record.holder_code) if given and record and record.holder_code else None,
        held=tuple((code, names[code].name if code in names else "") for code in sorted(mine_held)),
        limit=_proxy_limit(uow, assembly, rules),
        rule=rules.proxies.describe(),
        holders=holders,
        may_give=not reason and record is None,
        may_withdraw=not reason and given,
        reason=reason,
    )
