"""The verification file of a closed assembly: published at its close, recomputable by anyone.

Built from what the tally read (``_figures``: the turnout per college and the counts of every
resolution), the roll, the attendance sheet per mode, the receipts of the ballots (who voted,
for whom and when: never the choice) and the results stored at closing, which the minutes
print. Refused while the assembly is open: its figures can still change. Everyone signed in
reads it once the assembly is closed, as they read its tally and minutes.

The file is the same bytes for the same assembly (``domain.assembly.publication``), and its
SHA-256 is printed in the minutes, so the file a member downloads is matched to them.
"""

from __future__ import annotations

import hashlib
import threading
import weakref
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from gouvernance.domain.assembly.model import Assembly, AssemblyStatus, Attendance, Method
from gouvernance.domain.assembly.publication import (
    Publication,
    PublishedResolution,
    RollSize,
    file_digest,
    roll_digest,
)
from gouvernance.domain.errors import Conflict
from gouvernance.domain.users import Actor
from gouvernance.services.assembly.assemblies import (
    BallotReceipt,
    _assembly,
    _figures,
)
from gouvernance.services.ledger.ledger_views import Document
from gouvernance.services.ports import UnitOfWork, UnitOfWorkFactory

__all__ = [
    "ReceiptCheck",
    "check_receipt",
    "closed_digest",
    "digest",
    "publication",
    "publication_of",
]

MEDIA_TYPE = "application/json"


def publication(uows: UnitOfWorkFactory, actor: Actor, code: str) -> Document:
    """The verification file of assembly ``code`` (``verification-<code>.json``), once closed."""
    with uows() as uow:
        found = publication_of(uow, _closed(uow, code))
    return Document(found.filename, MEDIA_TYPE, found.to_bytes())


def digest(uow: UnitOfWork, assembly: Assembly) -> str | None:
    """The SHA-256 of the verification file of a closed assembly (None while open), for the
    minutes to print."""
    if assembly.status is not AssemblyStatus.CLOSED or not assembly.results:
        return None
    return file_digest(publication_of(uow, assembly).to_bytes())


# A closed assembly never changes (the service refuses, triggers too): its file's digest is
# computed once per database and process. Keyed by the unit-of-work factory (one per
# database), then by what identifies the closing; a factory dropped takes its entries along.
_DIGESTS: weakref.WeakKeyDictionary[object, dict[tuple[str, int, str, str], str]] = (
    weakref.WeakKeyDictionary()
)
_DIGESTS_LOCK = threading.Lock()


def closed_digest(uows: UnitOfWorkFactory, code: str) -> str | None:
    """``digest`` of assembly ``code``, remembered once closed: the minutes print it on every
    view, and reading the whole roll and every receipt again each time would cost a second at
    35 000 associates."""
    with uows() as uow:
        assembly = uow.assemblies.get(code)
        if assembly is None:
            return None
        return closed_digest_in(uows, uow, assembly)


def closed_digest_in(uows: UnitOfWorkFactory, uow: UnitOfWork, assembly: Assembly) -> str | None:
    """``closed_digest`` of an assembly ``uow`` (one of ``uows``) has read."""
    if assembly.status is not AssemblyStatus.CLOSED:
        return None
    if not assembly.results or assembly.id is None or assembly.closed_at is None:
        return None
    key = (
        assembly.code,
        assembly.id,
        assembly.closed_at.isoformat(),
        hashlib.sha256(assembly.results.encode()).hexdigest(),
    )
    try:
        with _DIGESTS_LOCK:
            known = _DIGESTS.setdefault(uows, {}).get(key)
    except TypeError:  # a factory without weak references: computed each time
        return digest(uow, assembly)
    if known is not None:
        return known
    found = digest(uow, assembly)
    if found is not None:
        with _DIGESTS_LOCK:
            _DIGESTS.setdefault(uows, {})[key] = found
    return found


def _closed(uow: UnitOfWork, code: str) -> Assembly:
    assembly = _assembly(uow, code)
    if assembly.status is not AssemblyStatus.CLOSED or not assembly.results:
        raise Conflict(
            f"l'assemblée {assembly.code} est encore ouverte : le fichier de vérification est "
            "publié à sa clôture",
            field="assembly",
        )
    return assembly


def publication_of(uow: UnitOfWork, assembly: Assembly) -> Publication:
    """Everything the tally of a closed assembly read, and what it found."""
    assert assembly.id is not None and assembly.results is not None
    assert assembly.closed_at is not None
    figures = _figures(uow, assembly)
    roll = uow.assemblies.roll_keys(assembly.id)  # plain rows: 35 000 mapped objects cost
    sizes: dict[str, list[int]] = {}
    for _code, college, entitled in roll:
        sizes.setdefault(college, [0, 0])[0 if entitled else 1] += 1
    modes: dict[str, Counter[Attendance]] = {}
    for record in uow.assemblies.attendance(assembly.id):
        modes.setdefault(record.college, Counter())[record.mode] += 1
    methods = {r.number: r.method for r in uow.assemblies.resolutions(assembly.id)}
    receipts = _receipts(uow, assembly)
    return Publication(
        code=assembly.code,
        title=assembly.title,
        kind=assembly.kind,
        convocation=assembly.convocation,
        held_on=assembly.held_on,
        cutoff=assembly.cutoff,
        closed_at=assembly.closed_at,
        previous_code=assembly.previous_code,
        statutes_id=assembly.statutes_id,
        statutes_digest=assembly.statutes_digest,
        rules=assembly.rules,
        roll={code: RollSize(*size) for code, size in sizes.items()},
        roll_sha256=roll_digest(roll),
        turnout=figures.turnout,
        modes=modes,
        resolutions=tuple(
            PublishedResolution(
                number=b.number,
                title=b.title,
                decision_kind=b.decision_kind,
                proposer=b.proposer,
                method=methods[b.number],
                counts=b.counts,
                receipts=tuple(sorted(receipts.get(b.number, ()))),
            )
            for b in figures.ballots
        ),
        results=assembly.results,
    )


def _receipts(uow: UnitOfWork, assembly: Assembly) -> Mapping[int, list[str]]:
    """Resolution number → the receipt of every ballot cast on it, as its voter holds it."""
    assert assembly.id is not None
    numbers = {r.id: r.number for r in uow.assemblies.resolutions(assembly.id)}
    found: dict[int, list[str]] = {}
    for resolution_id, voter, cast_by, recorded_at in uow.assemblies.receipt_stamps(assembly.id):
        number = numbers[resolution_id]
        receipt = BallotReceipt(
            assembly=assembly.code, resolution=number, voter_code=voter, cast_by=cast_by,
            secret=False, recorded_at=recorded_at,
        )  # fmt: skip
        found.setdefault(number, []).append(receipt.fingerprint)
    return found


@dataclass(frozen=True)
class ReceiptCheck:
    """Whether a receipt is among those the verification file lists for its resolution."""

    counted: bool
    receipts: int  # receipts the file lists for that resolution


def check_receipt(
    uows: UnitOfWorkFactory, actor: Actor, receipt: BallotReceipt
) -> ReceiptCheck | None:
    """For the voter's receipt page: None while the assembly is open (nothing published yet).
    The caller has already read the receipt, so it may see it; the number of receipts of a
    closed assembly is public (it is in the verification file)."""
    with uows() as uow:
        assembly = _assembly(uow, receipt.assembly)
        if assembly.status is not AssemblyStatus.CLOSED or not assembly.results:
            return None
        assert assembly.id is not None
        resolution = uow.assemblies.resolution(assembly.id, receipt.resolution)
        if resolution is None or resolution.method is Method.SHOW_OF_HANDS:
            return None
        counted = _receipts(uow, assembly).get(receipt.resolution, [])
    return ReceiptCheck(receipt.fingerprint in counted, len(counted))
