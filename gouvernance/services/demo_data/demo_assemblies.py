"""The demo's general assemblies: the association's, held under its own statutes.

The SCIC's statutes apply from 1 January 2027 and the register of shares takes no operation
dated in the future, so the demo's assemblies are the association's (one person, one vote):

- the extraordinary assembly of 14 November 2026 that voted the transformation into a SCIC —
  attendance with proxies (two at most each), a blank proxy, remote and postal votes; three
  resolutions voted three ways (secret, open, show of hands); closed and signed;
- the ordinary assembly of 12 December 2026, left open with its roll frozen, a few lines of
  attendance and two resolutions without ballots: for visitors to vote (the « adherent »
  account is RESSOURCERIE, which holds a proxy) and to watch the scrutineers' live screen.

Everything goes through the assembly use cases with the demo's board and scrutineer accounts,
so it is audited like real data; each step is skipped when already done (idempotent).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from gouvernance.domain.assembly.model import (
    NO_COLLEGE,
    AssemblyStatus,
    Attendance,
    Choice,
    Method,
    SignatoryRole,
)
from gouvernance.domain.users import Actor, Role
from gouvernance.services.assembly import assemblies
from gouvernance.services.assembly.assemblies import AssemblyView
from gouvernance.services.ports import UnitOfWorkFactory

STATUTES = "demo-statuts-association"
BOARD = Actor("bureau", Role.BOARD)
SCRUTINEER = Actor("scrutateur", Role.SCRUTINEER)

P, R, D, C, B = (
    Attendance.PRESENT,
    Attendance.REPRESENTED,
    Attendance.REMOTE,
    Attendance.POSTAL,
    Attendance.BLANK_PROXY,
)
FOR, AGAINST, ABSTAIN, BLANK = Choice.FOR, Choice.AGAINST, Choice.ABSTAIN, Choice.BLANK


@dataclass(frozen=True)
class DemoResolution:
    title: str
    text: str
    decision_kind: str
    method: Method
    # Individual ballots: every voter votes FOR except those named here.
    exceptions: Mapping[str, Choice] = field(default_factory=dict)
    hands: Mapping[Choice, int] | None = None  # show of hands: the scrutineers' counts


@dataclass(frozen=True)
class DemoAssembly:
    title: str
    held_on: date
    kind: str
    attendance: tuple[tuple[str, Attendance, str | None], ...]  # member, mode, proxy holder
    resolutions: tuple[DemoResolution, ...]
    vote: bool  # cast the ballots, close and sign
    signatures: tuple[tuple[SignatoryRole, str], ...] = ()


def _present(*codes: str) -> tuple[tuple[str, Attendance, str | None], ...]:
    return tuple((code, P, None) for code in codes)


TRANSFORMATION = DemoAssembly(
    title="Assemblée générale extraordinaire : transformation en SCIC",
    held_on=date(2026, 11, 14),
    kind="extraordinary",
    attendance=(
        *_present(
            "RESSOURCERIE",
            "MISTRAL",
            "GARRIGUE",
            "CRAU-INSERTION",
            "HUILES-DU-VAL",
            "PAR01",
            *(f"SAL{n:02d}" for n in range(1, 11)),
            *(f"BEN{n:02d}" for n in range(1, 13)),
            "VOL01",
            "VOL02",
        ),
        ("CC-ALPILLES", D, None),
        ("BEN13", D, None),
        ("VALLON", C, None),
        ("CRAU-FORMATION", C, None),
        ("BEN15", R, "BEN01"),
        ("BEN16", R, "BEN01"),
        ("BEN17", R, "SAL01"),
        ("BEN18", R, "SAL02"),
        ("VOL04", R, "VOL01"),
        ("BEN19", B, None),
    ),
    resolutions=(
        DemoResolution(
            "Transformation de l'association en société coopérative d'intérêt collectif",
            "L'assemblée décide de transformer l'association Alpilles Réemploi en SCIC SAS à "
            "capital variable, sans création d'une personne morale nouvelle (loi n° 47-1775, "
            "art. 28 bis), à compter du 1er janvier 2027.",
            "extraordinary",
            Method.SECRET,
            {
                "GARRIGUE": AGAINST,
                "SAL07": AGAINST,
                "BEN05": AGAINST,
                "VOL02": AGAINST,
                "BEN09": ABSTAIN,
                "CRAU-FORMATION": ABSTAIN,
            },
        ),
        DemoResolution(
            "Adoption des statuts de la SCIC Alpilles Réemploi",
            "L'assemblée adopte les statuts de la SCIC présentés par le conseil "
            "d'administration (projet du 3 novembre 2026).",
            "extraordinary",
            Method.OPEN,
            {
                "GARRIGUE": AGAINST,
                "SAL07": AGAINST,
                "BEN05": AGAINST,
                "VOL02": AGAINST,
                "BEN11": AGAINST,
                "BEN09": BLANK,
                "CRAU-FORMATION": ABSTAIN,
                "SAL04": ABSTAIN,
            },
        ),
        DemoResolution(
            "Pouvoirs au conseil d'administration pour les formalités de transformation",
            "L'assemblée donne mandat au conseil d'administration pour accomplir les "
            "formalités de la transformation et recueillir les souscriptions au capital.",
            "ordinary",
            Method.SHOW_OF_HANDS,
            hands={FOR: 36, AGAINST: 1, ABSTAIN: 2},
        ),
    ),
    vote=True,
    signatures=(
        (SignatoryRole.PRESIDENT, "Annie Castel"),
        (SignatoryRole.SECRETARY, "Camille Roux"),
        (SignatoryRole.SCRUTINEER, "Bernard Chabert"),
    ),
)

ORDINARY = DemoAssembly(
    title="Assemblée générale ordinaire de fin d'année",
    held_on=date(2026, 12, 12),
    kind="ordinary",
    attendance=(
        *_present("RESSOURCERIE", "SAL01", "BEN01", "MISTRAL"),
        ("BEN02", R, "RESSOURCERIE"),
        ("VALLON", C, None),
    ),
    resolutions=(
        DemoResolution(
            "Budget prévisionnel 2027",
            "L'assemblée approuve le budget prévisionnel 2027 présenté par le trésorier.",
            "ordinary",
            Method.OPEN,
        ),
        DemoResolution(
            "Élection de deux administrateurs",
            "L'assemblée élit Mme Léa Vidal et M. Hugo Renaud au conseil d'administration.",
            "ordinary",
            Method.SECRET,
        ),
    ),
    vote=False,
)

DEMO_ASSEMBLIES = (TRANSFORMATION, ORDINARY)


def load_demo_assemblies(uows: UnitOfWorkFactory) -> bool:
    """Hold the demo's assemblies, doing only what is missing; True when anything was written."""
    written = False
    for demo in DEMO_ASSEMBLIES:
        written = _load(uows, demo) or written
    return written


def _load(uows: UnitOfWorkFactory, demo: DemoAssembly) -> bool:
    existing = next(
        (
            s
            for s in assemblies.list_assemblies(uows, BOARD)
            if (s.title, s.held_on) == (demo.title, demo.held_on)
        ),
        None,
    )
    if existing is not None and existing.status is AssemblyStatus.CLOSED:
        return _sign(uows, assemblies.assembly_view(uows, BOARD, existing.code), demo)
    if existing is None:
        code = assemblies.create_assembly(
            uows,
            BOARD,
            title=demo.title,
            held_on=demo.held_on,
            kind=demo.kind,
            statutes_id=STATUTES,
            idempotency_key=f"demo-{demo.held_on:%Y-%m-%d}",
        ).summary.code
    else:
        code = existing.code
    written = existing is None
    written = _attend(uows, code, demo) or written
    written = _agenda(uows, code, demo) or written
    if demo.vote:
        _vote(uows, code, demo)
        assemblies.close_assembly(uows, SCRUTINEER, code)
        _sign(uows, assemblies.assembly_view(uows, BOARD, code), demo)
        written = True
    return written


def _attend(uows: UnitOfWorkFactory, code: str, demo: DemoAssembly) -> bool:
    signed = {
        line.member_code for line in assemblies.roll_view(uows, BOARD, code) if line.attendance
    }
    for member, mode, holder in demo.attendance:
        if member not in signed:
            assemblies.record_attendance(uows, SCRUTINEER, code, member, mode, holder=holder)
    return any(member not in signed for member, _, _ in demo.attendance)


def _agenda(uows: UnitOfWorkFactory, code: str, demo: DemoAssembly) -> bool:
    known = len(assemblies.assembly_view(uows, BOARD, code).resolutions)
    for number, resolution in enumerate(demo.resolutions, start=1):
        if number > known:
            assemblies.add_resolution(
                uows,
                BOARD,
                code,
                title=resolution.title,
                text=resolution.text,
                decision_kind=resolution.decision_kind,
                method=resolution.method,
                idempotency_key=f"demo-{code}-{number}",
            )
    return known < len(demo.resolutions)


def _vote(uows: UnitOfWorkFactory, code: str, demo: DemoAssembly) -> None:
    """Every associate who votes, on every resolution (a retry replays by its key)."""
    voters = [member for member, mode, _ in demo.attendance if mode is not Attendance.BLANK_PROXY]
    for number, resolution in enumerate(demo.resolutions, start=1):
        if resolution.hands is not None:
            assemblies.enter_counts(uows, SCRUTINEER, code, number, NO_COLLEGE, resolution.hands)
            continue
        for voter in voters:
            choice = resolution.exceptions.get(voter, Choice.FOR)
            assemblies.cast_ballot(
                uows, SCRUTINEER, code, number, voter, choice,
                idempotency_key=f"demo-{code}-{number}-{voter}",
            )  # fmt: skip


def _sign(uows: UnitOfWorkFactory, view: AssemblyView, demo: DemoAssembly) -> bool:
    done = {(s.role, s.name) for s in view.signatures}
    missing = [(role, name) for role, name in demo.signatures if (role, name) not in done]
    for role, name in missing:
        assemblies.sign_minutes(uows, SCRUTINEER, view.summary.code, role, name)
    return bool(missing)
