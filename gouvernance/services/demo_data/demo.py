"""The demo organisation: read ``gouvernance/demo/organisation.yaml``, check it, load it.

The document is checked whole (pydantic for its shape, then the domain's own member rules)
before anything is written, so a bad edit is refused with its key path rather than leaving half
a demo. Loading goes through the ordinary use cases as the system actor, so the demo is audited
like real data, and skips whatever is already there, so running it twice changes nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from importlib import resources
from typing import Annotated, Any

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)
from pydantic_core import ErrorDetails

from gouvernance.domain.errors import Conflict, InvalidInput, Problem
from gouvernance.domain.facts import FactKind, check_fact
from gouvernance.domain.members import DRAFT_FIELDS, MemberDraft, PersonKind, default_categories
from gouvernance.domain.money import parse_number
from gouvernance.domain.organisation import (
    DEFAULT_TIME_ZONE,
    Organisation,
    normalised,
    organisation_problems,
)
from gouvernance.domain.users import SYSTEM, Role
from gouvernance.services import audit
from gouvernance.services.access import accounts
from gouvernance.services.demo_data import demo_assemblies
from gouvernance.services.ledger import mandates
from gouvernance.services.organisation import setup
from gouvernance.services.ports import MemberFilter, UnitOfWork, UnitOfWorkFactory
from gouvernance.services.registry import members
from gouvernance.services.scic import capital

DEMO_PACKAGE = "gouvernance.demo"
DEMO_FILE = "organisation.yaml"
DEMO_STATUTES = "demo-statuts-scic"
# Far above any member's figure, far below what the integer-cents column holds.


# --- The loader's public results ------------------------------------------------------------


@dataclass(frozen=True)
class DemoAccount:
    """A demo sign-in, printed by the CLI so a visitor can try each role."""

    username: str
    password: str
    role: Role
    member_code: str | None


@dataclass(frozen=True)
class DemoSummary:
    organisation: str
    members_created: int
    members_total: int
    accounts: tuple[DemoAccount, ...]
    already_loaded: bool


# --- The document's shape (pydantic) --------------------------------------------------------


def _figure(value: object) -> Decimal:
    """A figure read exactly: quoted text (« 48000.00 », « 48 000,00 ») or a whole number.

    An unquoted decimal has already become a YAML float, so it is refused, not rounded.
    """
    if isinstance(value, bool):
        raise ValueError("un nombre est attendu")
    if isinstance(value, float):
        raise ValueError(
            f"nombre à virgule non cité ({value!r}) : écrivez-le entre guillemets, "
            'par exemple "48000.50", pour qu\'il reste exact'
        )
    if not isinstance(value, int | str):
        raise ValueError("un nombre entre guillemets est attendu")
    try:
        number = parse_number(str(value))
    except InvalidInput as refused:
        raise ValueError(refused.message) from None
    return number


def _day(value: object) -> date:
    """A calendar day; an integer would otherwise pass as a Unix timestamp."""
    if isinstance(value, datetime):
        raise ValueError("une date sans heure est attendue (AAAA-MM-JJ)")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"date invalide « {value} » : format AAAA-MM-JJ attendu") from None
    raise ValueError("une date est attendue au format AAAA-MM-JJ")


Figure = Annotated[Decimal, BeforeValidator(_figure)]
Day = Annotated[date, BeforeValidator(_day)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OrganisationDoc(_Strict):
    name: Text
    legal_form: Text
    siren: str | None = None
    address: str | None = None
    postal_code: str | None = None
    city: str | None = None
    email: str | None = None
    iban: str | None = None
    bic: str | None = None
    sepa_creditor_id: str | None = None
    rna: str | None = None
    fiscal_year_start_day: int = 1
    fiscal_year_start_month: int = 1
    time_zone: str = DEFAULT_TIME_ZONE
    president_name: str | None = None
    president_title: str | None = None
    treasurer_name: str | None = None
    treasurer_title: str | None = None

    def to_domain(self) -> Organisation:
        return Organisation(**self.model_dump())


class MemberDoc(_Strict):
    code: Text
    kind: PersonKind
    category: Text
    joined_on: Day
    name: str = ""
    first_name: str = ""
    last_name: str = ""
    siren: str | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    postal_code: str | None = None
    city: str | None = None
    left_on: Day | None = None
    facts: dict[int, dict[FactKind, Figure]] = Field(default_factory=dict)

    def draft(self) -> MemberDraft:
        """The member as the registry sees it (normalised: uppercase code, bare SIREN)."""
        return MemberDraft(**self.model_dump(include=set(DRAFT_FIELDS))).normalised()


class AccountDoc(_Strict):
    username: Text
    password: str
    role: Role
    member_code: str | None = None

    def account(self) -> DemoAccount:
        code = self.member_code.strip().upper() if self.member_code else None
        return DemoAccount(self.username, self.password, self.role, code or None)


class MandateDoc(_Strict):
    """A SEPA direct-debit mandate a demo member signed."""

    member_code: Text
    mandate_id: Text
    signed_on: Day
    iban: Text
    bic: Text


class DemoDocument(_Strict):
    organisation: OrganisationDoc
    members: list[MemberDoc]
    accounts: list[AccountDoc]
    mandates: list[MandateDoc] = Field(default_factory=list)


# --- Reading and checking -------------------------------------------------------------------


class _SafeLoader(yaml.SafeLoader):
    """``yaml.safe_load``'s loader, but dates stay text until the checker reads them.

    PyYAML would otherwise raise a bare ``ValueError`` on « 2026-13-01 », losing the key path.
    """


def _timestamp_as_text(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    return str(loader.construct_scalar(node))  # type: ignore[arg-type]


_SafeLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)


def parse_demo(text: str, *, source: str = DEMO_FILE) -> DemoDocument:
    """Read and check a demo document; every problem is reported with its key path, in French."""
    try:
        raw = yaml.load(text, Loader=_SafeLoader)  # a SafeLoader: safe
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", ligne {mark.line + 1}" if mark is not None else ""
        reason = getattr(exc, "problem", None) or str(exc)
        raise InvalidInput(f"{source}{where} : YAML illisible ({reason})") from None
    try:
        document = DemoDocument.model_validate(raw)
    except ValidationError as exc:
        _refuse(source, [_problem(error, raw) for error in exc.errors()])
    _refuse(source, _domain_problems(document))
    return document


@functools.cache
def packaged_document() -> DemoDocument:
    """The demo shipped in the package (read once per process)."""
    text = resources.files(DEMO_PACKAGE).joinpath(DEMO_FILE).read_text(encoding="utf-8")
    return parse_demo(text, source=DEMO_FILE)


def demo_accounts() -> tuple[DemoAccount, ...]:
    """The demo sign-ins, one per role, for the CLI to print."""
    return tuple(account.account() for account in packaged_document().accounts)


def _refuse(source: str, problems: Sequence[Problem]) -> None:
    if not problems:
        return
    first = problems[0]
    more = f" (et {len(problems) - 1} autre(s) problème(s))" if len(problems) > 1 else ""
    raise InvalidInput(
        f"{source} : {first.field} : {first.message}{more}",
        field=first.field,
        problems=list(problems),
    )


_LISTS = {"members", "accounts"}
_MESSAGES = {
    "missing": "clé obligatoire absente",
    "extra_forbidden": "clé inconnue (faute de frappe ?)",
    "string_type": "texte attendu (mettez la valeur entre guillemets)",
    "string_too_short": "valeur vide",
    "int_type": "nombre entier attendu",
    "int_parsing": "année attendue (nombre entier, par exemple 2026)",
    "int_from_float": "année attendue (nombre entier, par exemple 2026)",
    "dict_type": "dictionnaire attendu (clé: valeur)",
    "model_type": "dictionnaire attendu (clé: valeur)",
    "model_attributes_type": "dictionnaire attendu (clé: valeur)",
    "list_type": "liste attendue (lignes commençant par « - »)",
}


def _problem(error: ErrorDetails, raw: Any) -> Problem:
    """A pydantic error, translated: its key path and a French reason."""
    loc = error["loc"]
    kind = error["type"]
    context: Mapping[str, Any] = error.get("ctx") or {}
    if kind == "value_error":
        message = str(context.get("error", error["msg"]))
    elif kind in ("enum", "literal_error"):
        expected = str(context.get("expected", "")).replace(" or ", " ou ")
        message = f"valeur inconnue « {error['input']} » (attendu : {expected})"
    else:
        message = _MESSAGES.get(kind, f"valeur refusée ({error['msg']})")
    return Problem(message + _which_member(loc, raw), _path(loc))


def _path(loc: Sequence[int | str]) -> str:
    """``("members", 3, "facts", 2026, "profit")`` → ``members[3].facts.2026.profit``."""
    path = ""
    previous: int | str | None = None
    for part in loc:
        if part == "[key]":
            continue
        if isinstance(part, int) and previous in _LISTS:
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
        previous = part
    return path or "(racine du document)"


def _which_member(loc: Sequence[int | str], raw: Any) -> str:
    """« (membre GARRIGUE) », so a person finds the entry without counting list items."""
    if len(loc) < 2 or loc[0] != "members" or not isinstance(loc[1], int):
        return ""
    try:
        code = raw["members"][loc[1]]["code"]
    except (KeyError, IndexError, TypeError):
        return ""
    return f" (membre {code})" if isinstance(code, str) else ""


def _domain_problems(document: DemoDocument) -> list[Problem]:
    """What the shape cannot say: the registry's own rules, duplicates, accounts per role."""
    found: list[Problem] = []
    organisation = normalised(document.organisation.to_domain())
    for problem in organisation_problems(organisation):
        found.append(Problem(problem.message, f"organisation.{problem.field}"))
    categories = {category.code for category in default_categories()}
    codes: dict[str, int] = {}
    sirens: dict[str, int] = {}
    for index, member in enumerate(document.members):
        where = f"members[{index}]"
        draft = member.draft()
        for problem in draft.problems(categories):
            found.append(Problem(problem.message, f"{where}.{problem.field}"))
        code = draft.code or ""
        if code in codes:
            found.append(
                Problem(f"code {code} déjà pris par members[{codes[code]}]", f"{where}.code")
            )
        codes.setdefault(code, index)
        if draft.siren:
            if draft.siren in sirens:
                found.append(
                    Problem(
                        f"SIREN {draft.siren} déjà pris par members[{sirens[draft.siren]}]",
                        f"{where}.siren",
                    )
                )
            sirens.setdefault(draft.siren, index)
        for year, values in member.facts.items():
            for kind, value in values.items():
                try:
                    check_fact(year, kind, value)
                except InvalidInput as refused:
                    found.append(
                        Problem(
                            f"{refused.message} (membre {code})", f"{where}.facts.{year}.{kind}"
                        )
                    )
    found.extend(_account_problems(document.accounts, set(codes)))
    return found


def _account_problems(docs: Sequence[AccountDoc], codes: set[str]) -> list[Problem]:
    found: list[Problem] = []
    seen: set[str] = set()
    for index, doc in enumerate(docs):
        where = f"accounts[{index}]"
        account = doc.account()
        if account.username in seen:
            found.append(
                Problem(f"identifiant « {account.username} » en double", f"{where}.username")
            )
        seen.add(account.username)
        if len(account.password) < accounts.MIN_PASSWORD:
            found.append(
                Problem(
                    f"le mot de passe doit faire au moins {accounts.MIN_PASSWORD} caractères",
                    f"{where}.password",
                )
            )
        if account.role is Role.MEMBER and not account.member_code:
            found.append(
                Problem("un compte adhérent doit être rattaché à un membre", f"{where}.member_code")
            )
        if account.member_code and account.member_code not in codes:
            found.append(
                Problem(
                    f"aucun membre du document n'a le code {account.member_code}",
                    f"{where}.member_code",
                )
            )
    roles = {doc.role for doc in docs}
    for role in Role:
        if role not in roles:
            found.append(
                Problem(f"aucun compte de démonstration pour le rôle {role.label}", "accounts")
            )
    return found


# --- Loading --------------------------------------------------------------------------------


@dataclass
class _Plan:
    """What is missing from the database; worked out before the first write."""

    organisation: bool = False
    members: list[MemberDraft] = field(default_factory=list)
    facts: list[tuple[str, int, dict[FactKind, Decimal]]] = field(default_factory=list)
    accounts: list[DemoAccount] = field(default_factory=list)
    mandates: list[MandateDoc] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (
            self.organisation or self.members or self.facts or self.accounts or self.mandates
        )


def load_demo(uows: UnitOfWorkFactory, document: DemoDocument | None = None) -> DemoSummary:
    """Load the demo organisation, creating only what is missing (idempotent).

    Refused (``Conflict``, nothing written) on a database that holds another organisation's
    data: the demo accounts have public passwords and must never land next to real members.
    """
    doc = document if document is not None else packaged_document()
    setup.ensure_default_categories(uows)
    with uows() as uow:
        plan = _plan(uow, doc)
    if plan.organisation:
        setup.set_organisation(uows, SYSTEM, doc.organisation.to_domain())
    for draft in plan.members:
        members.create_member(uows, SYSTEM, draft)
    for code, year, values in plan.facts:
        members.record_facts(uows, SYSTEM, code, year, values)
    for account in plan.accounts:
        accounts.add_user(
            uows, SYSTEM, account.username, account.password, account.role, account.member_code
        )
    for mandate in plan.mandates:
        mandates.set_mandate(
            uows,
            SYSTEM,
            mandate.member_code,
            mandate_id=mandate.mandate_id,
            signed_on=mandate.signed_on,
            iban=mandate.iban,
            bic=mandate.bic,
        )
    statutes_set = _choose_demo_statutes(uows)
    assemblies_held = demo_assemblies.load_demo_assemblies(uows)
    if not plan.empty:
        with uows() as uow:
            audit.record(
                uow,
                SYSTEM,
                "démo.chargée",
                "organisation",
                doc.organisation.name,
                membres=len(plan.members),
                données=len(plan.facts),
                comptes=len(plan.accounts),
            )
            uow.commit()
    total = members.list_members(uows, SYSTEM, MemberFilter(), limit=1).total
    return DemoSummary(
        organisation=doc.organisation.name,
        members_created=len(plan.members),
        members_total=total,
        accounts=tuple(a.account() for a in doc.accounts),
        already_loaded=plan.empty and not statutes_set and not assemblies_held,
    )


def _choose_demo_statutes(uows: UnitOfWorkFactory) -> bool:
    """The demo's register of shares follows the demo statutes (set once, never overridden)."""
    if capital.statutes_choice(uows) is not None:
        return False
    capital.choose_statutes(uows, SYSTEM, DEMO_STATUTES)
    return True


def _plan(uow: UnitOfWork, doc: DemoDocument) -> _Plan:
    plan = _Plan()
    current = uow.organisation.get()
    demo_users = {account.username for account in doc.accounts}
    others = sorted(u.username for u in uow.users.all() if u.username not in demo_users)
    if others:
        raise Conflict(
            f"cette base a déjà des comptes réels ({', '.join(others[:3])}) : les comptes de "
            "démonstration ont des mots de passe publics, chargez la démonstration dans une "
            "base neuve",
            field="users",
        )
    if current is None:
        if uow.members.codes():
            raise Conflict(
                "le registre contient déjà des membres sans organisation définie : les données "
                "de démonstration se chargent dans une base neuve",
                field="organisation",
            )
        plan.organisation = True
    elif current.name != doc.organisation.name:
        raise Conflict(
            f"cette base tient les comptes de « {current.name} » : chargez la démonstration "
            "dans une base neuve",
            field="organisation",
        )
    for member in doc.members:
        draft = member.draft()
        code = draft.code or ""
        stored = uow.members.get(code)
        if stored is None:
            holder = uow.members.by_siren(draft.siren) if draft.siren else None
            if holder is not None:
                raise Conflict(
                    f"le SIREN {draft.siren} de la démonstration est déjà celui de "
                    f"{holder.display_name} ({holder.code})",
                    field="siren",
                )
            plan.members.append(draft)
        elif stored.display_name != _display_name(draft):
            raise Conflict(
                f"le code {code} est déjà celui de {stored.display_name}, pas de "
                f"{_display_name(draft)}",
                field="code",
            )
        for year, values in sorted(member.facts.items()):
            missing = {
                kind: value
                for kind, value in values.items()
                if stored is None or not stored.has_fact(kind, year)
            }
            if missing:
                plan.facts.append((code, year, missing))
    plan.mandates = [m for m in doc.mandates if uow.ledger.mandate(m.member_code.upper()) is None]
    for doc_account in doc.accounts:
        account = doc_account.account()
        user = uow.users.get(account.username)
        if user is None:
            plan.accounts.append(account)
        elif user.role is not account.role or user.member_code != account.member_code:
            raise Conflict(
                f"le compte « {account.username} » existe déjà avec un autre rôle "
                f"({user.role.label})",
                field="username",
            )
    return plan


def _display_name(draft: MemberDraft) -> str:
    if draft.kind is PersonKind.LEGAL:
        return draft.name
    return f"{draft.first_name} {draft.last_name}".strip()
