"""Sealed secret ballots: sealed to the resolution's public key when cast, opened all together
when the chair closes the vote, counted, and the key destroyed.

A sealed ballot is a libsodium sealed box (X25519 + XSalsa20-Poly1305, PyNaCl): anyone can seal
with the public key, only the private key opens, and two seals of the same choice never look
alike. The plain text is padded to a fixed length, so a ciphertext's size says nothing of the
choice; it names the assembly, the resolution and the college, so a ballot copied into another
resolution or college is detected when opened.
"""

from __future__ import annotations

import base64
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

from gouvernance.domain.assembly.model import Choice, SealedBallot
from gouvernance.domain.errors import Conflict

PADDED = 320  # bytes of plain text in every sealed ballot, whatever the choice


@dataclass(frozen=True)
class BallotContent:
    assembly: str
    resolution: int
    college: str
    choice: Choice


def seal(public_key: str, content: BallotContent) -> str:
    """The sealed ballot, base64 (always the same length)."""
    text = json.dumps(
        {"a": content.assembly, "r": content.resolution, "c": content.college,
         "v": content.choice.value},
        ensure_ascii=False, separators=(",", ":"), sort_keys=True,
    ).encode()  # fmt: skip
    if len(text) > PADDED:
        raise ValueError("bulletin trop long pour être scellé")  # codes are at most 60 chars
    box = SealedBox(PublicKey(base64.b64decode(public_key)))
    return base64.b64encode(box.encrypt(text.ljust(PADDED))).decode("ascii")


def open_ballots(
    private_key: bytes, ballots: Sequence[SealedBallot], assembly: str, resolution: int
) -> Counter[tuple[str, Choice]]:
    """Every ballot opened and counted by (college, choice); a ballot that does not open, or
    names another assembly, resolution or college than its row, stops the count (409)."""
    box = SealedBox(PrivateKey(private_key))
    counted: Counter[tuple[str, Choice]] = Counter()
    for ballot in ballots:
        content = _open(box, ballot.sealed)
        if content is None or (content.assembly, content.resolution, content.college) != (
            assembly, resolution, ballot.college,
        ):  # fmt: skip
            raise Conflict(
                f"un bulletin scellé de la résolution n° {resolution} ne s'ouvre pas avec sa clé "
                "ou ne lui appartient pas : l'urne a été altérée, le dépouillement est arrêté",
                field="resolution",
            )
        counted[(content.college, content.choice)] += 1
    return counted


def _open(box: SealedBox[PrivateKey], sealed: str) -> BallotContent | None:
    try:
        data = json.loads(box.decrypt(base64.b64decode(sealed)).decode().rstrip())
        return BallotContent(str(data["a"]), int(data["r"]), str(data["c"]), Choice(data["v"]))
    except (CryptoError, ValueError, KeyError, TypeError):
        return None
