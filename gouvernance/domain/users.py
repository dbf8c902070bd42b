"""Who may do what: the five roles and the permissions each one carries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from gouvernance.domain.errors import Forbidden, InvalidInput


class Role(StrEnum):
    ADMIN = "admin"
    BOARD = "board"
    TREASURER = "treasurer"
    SCRUTINEER = "scrutineer"
    MEMBER = "member"

    @property
    def label(self) -> str:
        return _ROLE_LABELS[self]


_ROLE_LABELS = {
    Role.ADMIN: "administrateur",
    Role.BOARD: "conseil d'administration",
    Role.TREASURER: "trésorier",
    Role.SCRUTINEER: "scrutateur",
    Role.MEMBER: "adhérent",
}


class Permission(StrEnum):
    READ_ALL_MEMBERS = "read_all_members"
    WRITE_MEMBERS = "write_members"
    MANAGE_USERS = "manage_users"
    READ_AUDIT = "read_audit"
    SIMULATE_FEES = "simulate_fees"
    READ_LEDGER = "read_ledger"  # every member's calls, payments and balance
    ISSUE_CALLS = "issue_calls"  # issue batches, credit notes, reminders, mandates
    RECORD_PAYMENTS = "record_payments"
    PREPARE_ASSEMBLIES = "prepare_assemblies"  # convene an assembly, put resolutions on it
    RUN_ASSEMBLIES = "run_assemblies"  # attendance, paper and postal ballots, counts, close, sign
    READ_ASSEMBLY_TALLY = "read_assembly_tally"  # the live tally of an assembly still open


# What each permission lets a person do, as a refusal names it (« … ne permet pas de … »).
PERMISSION_LABELS: dict[Permission, str] = {
    Permission.READ_ALL_MEMBERS: "consulter la fiche des autres membres",
    Permission.WRITE_MEMBERS: "modifier le registre des membres",
    Permission.MANAGE_USERS: "gérer les comptes et l'organisation",
    Permission.READ_AUDIT: "lire le journal d'audit",
    Permission.SIMULATE_FEES: "simuler les barèmes de cotisation",
    Permission.READ_LEDGER: "consulter les comptes des autres membres",
    Permission.ISSUE_CALLS: "émettre ou corriger des appels de cotisation",
    Permission.RECORD_PAYMENTS: "enregistrer des paiements",
    Permission.PREPARE_ASSEMBLIES: "convoquer une assemblée ou y inscrire des résolutions",
    Permission.RUN_ASSEMBLIES: "tenir le bureau d'une assemblée (émargement, votes, clôture)",
    Permission.READ_ASSEMBLY_TALLY: "suivre le dépouillement d'une assemblée ouverte",
}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.TREASURER: frozenset(
        {
            Permission.READ_ALL_MEMBERS,
            Permission.WRITE_MEMBERS,
            Permission.SIMULATE_FEES,
            Permission.READ_LEDGER,
            Permission.ISSUE_CALLS,
            Permission.RECORD_PAYMENTS,
        }
    ),
    Role.BOARD: frozenset(
        {
            Permission.READ_ALL_MEMBERS,
            Permission.READ_AUDIT,
            Permission.SIMULATE_FEES,
            Permission.READ_LEDGER,
            Permission.PREPARE_ASSEMBLIES,
            Permission.READ_ASSEMBLY_TALLY,
        }
    ),
    Role.SCRUTINEER: frozenset(
        {
            Permission.READ_ALL_MEMBERS,
            Permission.RUN_ASSEMBLIES,
            Permission.READ_ASSEMBLY_TALLY,
        }
    ),
    Role.MEMBER: frozenset(),
}


# The roles as a person names them in French, beside their English identifiers.
_ROLE_WORDS = {
    "administrateur": Role.ADMIN, "administratrice": Role.ADMIN, "conseil": Role.BOARD,
    "bureau": Role.BOARD, "trésorier": Role.TREASURER, "trésorière": Role.TREASURER,
    "tresorier": Role.TREASURER, "tresoriere": Role.TREASURER, "scrutateur": Role.SCRUTINEER,
    "scrutatrice": Role.SCRUTINEER, "adhérent": Role.MEMBER, "adhérente": Role.MEMBER,
    "adherent": Role.MEMBER, "adherente": Role.MEMBER,
}  # fmt: skip


def parse_role(text: str, *, field: str = "role") -> Role:
    """``treasurer`` or « trésorière »: the English identifier or a French word."""
    raw = text.strip().lower()
    if raw in _ROLE_WORDS:
        return _ROLE_WORDS[raw]
    try:
        return Role(raw)
    except ValueError:
        known = ", ".join(f"{r.value} ({r.label})" for r in Role)
        raise InvalidInput(f"rôle inconnu « {text} » (rôles : {known})", field=field) from None


@dataclass(frozen=True)
class Actor:
    """The signed-in person a use case acts for; a member account carries its member code."""

    username: str
    role: Role
    member_code: str | None = None

    def can(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]

    def require(self, permission: Permission) -> None:
        if not self.can(permission):
            raise Forbidden(
                f"le rôle {self.role.label} ne permet pas de {PERMISSION_LABELS[permission]}"
            )

    def require_member_access(self, member_code: str) -> None:
        """Staff roles read every member; a member reads only their own record."""
        if self.can(Permission.READ_ALL_MEMBERS):
            return
        if self.member_code is None or self.member_code != member_code:
            raise Forbidden("un adhérent ne peut consulter que sa propre fiche")

    def require_ledger_access(self, member_code: str) -> None:
        """Treasurer and board read every account; a member reads only their own."""
        if self.can(Permission.READ_LEDGER):
            return
        if self.member_code is None or self.member_code != member_code:
            raise Forbidden("un adhérent ne peut consulter que ses propres appels et son solde")


SYSTEM = Actor(username="système", role=Role.ADMIN)


@dataclass(eq=False)
class User:
    """An account that signs in to the API; the password is kept only as an argon2 hash."""

    username: str
    role: Role
    password_hash: str
    member_code: str | None = None
    active: bool = True
    id: int | None = None

    def actor(self) -> Actor:
        return Actor(username=self.username, role=self.role, member_code=self.member_code)


@dataclass(eq=False)
class ApiToken:
    """A bearer token; only its SHA-256 is stored, so a leaked database leaks no live token."""

    token_hash: str
    username: str
    created_at: datetime
    expires_at: datetime
    id: int | None = None
