"""Which member paid, and for which calls: the rules applied to each line of a statement.

In order, the first that finds something decides:

1. **the call reference** in the remittance text, the end-to-end reference or the structured
   reference (``AC-2027-0005``; several are possible; « AC 2027 0005 » and « ac-2027-5 » too):
   the calls found belong to one member → *certain*, with those calls; to several → *to
   confirm*;
2. **the IBAN** of whoever paid: the IBAN of a member's SEPA mandate, or one the treasurer
   already confirmed for that member on an earlier line → *certain* (several members → *to
   confirm*);
3. **the name** of whoever paid, compared without accents, case, punctuation, civilities
   (« M. », « Mme ») nor legal forms (« SARL », « Association »), in any word order: equal to
   exactly one member's name → *certain*; close to one or more (words in common, a few letters
   apart, the member's name inside the label) → *to confirm*, the closest first.

Nothing found: the line waits in the list of unmatched lines. A *certain* match is recorded at
once; one *to confirm* waits for the treasurer, with the suggestion shown first.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher
from enum import StrEnum
from functools import cached_property

from gouvernance.domain.calls.model import reference

# « AC-2027-0005 », « AC 2027 0005 », « AC2027-0005 », « ac-2027-5 » (a bank may drop the
# dashes or the zeros); AL- for calls of capital.
_CALL_REFERENCE = re.compile(r"(?<![A-Z0-9])(AC|AL)[\s_./-]?(\d{4})[\s_./-]?(\d{1,6})(?![0-9])")
_CIVILITIES = frozenset(
    {"m", "mr", "mme", "mlle", "mrs", "ms", "monsieur", "madame", "mademoiselle", "ou", "et"}
)
_LEGAL_FORMS = frozenset(
    {"sarl", "sas", "sasu", "sa", "eurl", "scop", "scic", "sci", "snc", "association", "asso",
     "ste", "societe", "ets", "etablissements", "earl", "gaec", "ei", "eirl"}
)  # fmt: skip
_LITTLE_WORDS = frozenset({"de", "du", "des", "la", "le", "les", "l", "d", "a", "au", "aux"})
FUZZY_RATIO = 0.85
MAX_CANDIDATES = 5


class Certainty(StrEnum):
    CERTAIN = "certain"
    TO_CONFIRM = "to_confirm"
    NONE = "none"

    @property
    def label(self) -> str:
        return {"certain": "certain", "to_confirm": "à confirmer", "none": "aucun"}[self.value]


@dataclass(frozen=True)
class Match:
    """What the rules found for one line; ``candidates`` lists every member that could fit,
    the suggested one first."""

    certainty: Certainty
    member_code: str | None = None
    call_refs: tuple[str, ...] = ()
    reason: str = ""
    candidates: tuple[str, ...] = ()


NO_MATCH = Match(Certainty.NONE, reason="ni référence d'appel, ni IBAN, ni nom reconnu")


@dataclass(frozen=True)
class Directory:
    """What the rules look in: members' names, the IBANs known for them, and the calls the
    lines name (reference → member code)."""

    names: Mapping[str, str]  # member code → display name
    ibans: Mapping[str, str]  # IBAN (compact, upper case) → member code
    call_owners: Mapping[str, str]  # call reference → member code

    @cached_property
    def name_index(self) -> dict[str, tuple[str, ...]]:
        """Each member's ``name_words``, computed once per import."""
        return {code: name_words(name) for code, name in self.names.items()}


def call_references(*texts: str) -> list[str]:
    """The call references written in ``texts``, normalised (``AC-2027-0005``), in order."""
    found: list[str] = []
    for text in texts:
        for prefix, year, number in _CALL_REFERENCE.findall(text.upper()):
            ref = reference(prefix, int(year), int(number))
            if ref not in found:
                found.append(ref)
    return found


def compact_iban(text: str) -> str:
    return "".join(text.split()).upper()


def name_words(text: str) -> tuple[str, ...]:
    """The words that tell a name apart, sorted: « SARL Mistral-Recyclage » and « MISTRAL
    RECYCLAGE » give the same words."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    words = [w for w in re.split(r"[^0-9a-z]+", bare) if w]
    kept = [w for w in words if w not in _CIVILITIES | _LEGAL_FORMS | _LITTLE_WORDS]
    return tuple(sorted(kept or words))


def match_line(
    texts: Iterable[str], counterparty_name: str, counterparty_iban: str, directory: Directory
) -> Match:
    """The rules, in order (see the module's docstring)."""
    by_reference = _by_reference(list(texts), directory)
    if by_reference is not None:
        return by_reference
    by_iban = _by_iban(counterparty_iban, directory)
    if by_iban is not None:
        return by_iban
    return _by_name(counterparty_name, list(texts), directory)


def _by_reference(texts: list[str], directory: Directory) -> Match | None:
    refs = call_references(*texts)
    known = [ref for ref in refs if ref in directory.call_owners]
    if not known:
        return None
    owners = list(dict.fromkeys(directory.call_owners[ref] for ref in known))
    shown = ", ".join(known)
    if len(owners) == 1:
        return Match(Certainty.CERTAIN, owners[0], tuple(known), f"référence {shown}", (owners[0],))
    first = owners[0]
    mine = tuple(ref for ref in known if directory.call_owners[ref] == first)
    return Match(
        Certainty.TO_CONFIRM,
        first,
        mine,
        f"les références {shown} sont des appels de membres différents ({', '.join(owners)})",
        tuple(owners),
    )


def _by_iban(iban: str, directory: Directory) -> Match | None:
    wanted = compact_iban(iban)
    if not wanted:
        return None
    owner = directory.ibans.get(wanted)
    if owner is None:
        return None
    return Match(Certainty.CERTAIN, owner, (), f"IBAN {wanted[:4]}…{wanted[-4:]} connu", (owner,))


def _by_name(name: str, texts: list[str], directory: Directory) -> Match:
    words = name_words(name) if name.strip() else ()
    if words:
        exact = [code for code, member in directory.name_index.items() if member == words]
        if len(exact) == 1:
            return Match(Certainty.CERTAIN, exact[0], (), f"nom « {name} »", (exact[0],))
        if len(exact) > 1:
            return Match(
                Certainty.TO_CONFIRM,
                exact[0],
                (),
                f"plusieurs membres s'appellent « {name} »",
                tuple(exact[:MAX_CANDIDATES]),
            )
    label = frozenset(name_words(" ".join(texts)))
    scored = sorted(
        ((score, code) for code, member in directory.name_index.items()
         if (score := _closeness(words, label, member)) > 0),
        key=lambda pair: (-pair[0], pair[1]),
    )  # fmt: skip
    if not scored:
        return NO_MATCH
    codes = tuple(code for _, code in scored[:MAX_CANDIDATES])
    shown = f"« {name} »" if name.strip() else "le libellé"
    best = directory.names[codes[0]]
    return Match(
        Certainty.TO_CONFIRM,
        codes[0],
        (),
        f"nom approché : {shown} ressemble à « {best} »",
        codes,
    )


def _closeness(words: tuple[str, ...], label: frozenset[str], member: tuple[str, ...]) -> float:
    """How close a payer is to a member (0: not at all): the same words but one, a few
    letters apart, or every word of the member's name found in the remittance text."""
    if not member:
        return 0.0
    score = 0.0
    if words:
        ratio = SequenceMatcher(None, " ".join(words), " ".join(member)).ratio()
        if ratio >= FUZZY_RATIO:
            score = ratio
        shared = set(words) & set(member)
        if (
            shared
            and len(shared) >= min(len(set(words)), len(set(member)))
            and any(len(w) >= 4 for w in shared)
        ):
            score = max(score, 0.8 + 0.01 * len(shared))
    significant = [w for w in member if len(w) >= 3]
    enough = bool(significant) and len(significant) >= min(2, len(member))
    if enough and all(w in label for w in significant):
        score = max(score, 0.7 + 0.01 * len(significant))
    return score
