"""Accounts and sign-in: argon2 password hashes, opaque bearer tokens stored as SHA-256.

* A revoked token is **deleted** (sign-out, revoke-all, deactivation, password reset): what is
  not stored does not authenticate, so no code path can forget a "revoked" flag; the audit log
  keeps who revoked what and when. ``purge_tokens`` deletes the expired ones.
* Failed sign-ins are counted per account and per client address (``SignInLimits``); a locked
  key is refused before any password is checked.
* Every argon2 computation (64 MiB each with the default parameters) takes one of
  ``argon2_slots()`` slots: however many sign-ins arrive at once, at most that many hashes are
  in memory together.
* A password is checked *outside* any transaction: on SQLite a transaction holds the write lock,
  and nobody should wait ~0.3 s of argon2 for it.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NoReturn

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from gouvernance.domain.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    ReadOnlyStorage,
    ServiceUnavailable,
    Unauthenticated,
)
from gouvernance.domain.members import has_control_characters
from gouvernance.domain.users import Actor, ApiToken, Permission, Role, User
from gouvernance.services import audit
from gouvernance.services.access import memory_tokens
from gouvernance.services.access.sign_in_limits import Lockout, SignInLimits
from gouvernance.services.ports import UnitOfWork, UnitOfWorkFactory

TOKEN_LIFETIME = timedelta(hours=12)
MIN_PASSWORD = 8
MAX_PASSWORD = 200
SLOTS_VARIABLE = "GOUVERNANCE_ARGON2_SLOTS"
PROCESSES_VARIABLE = "GOUVERNANCE_SERVER_PROCESSES"
DEFAULT_SLOTS = 2
SLOT_WAIT_SECONDS = 30.0
_hasher = PasswordHasher()
_BAD_CREDENTIALS = "identifiant ou mot de passe incorrect"
_BAD_TOKEN = "jeton absent, inconnu, expiré ou révoqué : reconnectez-vous"
# Who a refused sign-in is recorded under: nobody has proved who they are.
ANONYMOUS = Actor(username="anonyme", role=Role.MEMBER)
# Where sign-ins are written when the database is read-only (see ``memory_tokens``).
log = logging.getLogger("gouvernance.audit")


@dataclass(frozen=True)
class AccountView:
    """An account as the list shows it: never the password hash."""

    username: str
    role: Role
    member_code: str | None
    active: bool
    live_tokens: int


# --- the argon2 slots -----------------------------------------------------------------------


@functools.cache
def argon2_slots() -> int:
    """How many argon2 computations may run at once in this process: the machine's budget
    (``GOUVERNANCE_ARGON2_SLOTS``, default 2) shared among the server's processes
    (``GOUVERNANCE_SERVER_PROCESSES``, set by ``gouvernance serve``), at least one each."""
    configured = os.environ.get(SLOTS_VARIABLE, "").strip()
    if configured and (not configured.isdigit() or not 1 <= int(configured) <= 64):
        raise InvalidInput(
            f"nombre de vérifications simultanées invalide « {configured} » (1 à 64)",
            field=SLOTS_VARIABLE,
        )
    slots = int(configured) if configured else DEFAULT_SLOTS
    processes = os.environ.get(PROCESSES_VARIABLE, "").strip()
    return max(1, slots // int(processes)) if processes.isdigit() and int(processes) else slots


@functools.cache
def _slots() -> threading.BoundedSemaphore:
    return threading.BoundedSemaphore(argon2_slots())


@contextmanager
def _argon2_slot() -> Iterator[None]:
    if not _slots().acquire(timeout=SLOT_WAIT_SECONDS):
        raise ServiceUnavailable(
            "serveur occupé : trop de vérifications de mot de passe en cours, "
            "réessayez dans quelques secondes",
            retry_after=5,
        )
    try:
        yield
    finally:
        _slots().release()


def _hash_password(password: str) -> str:
    with _argon2_slot():
        return str(_hasher.hash(password))


def _password_ok(password_hash: str, password: str) -> bool:
    with _argon2_slot():
        try:
            return bool(_hasher.verify(password_hash, password))
        except (VerificationError, InvalidHashError):
            return False


@functools.cache
def _dummy_hash() -> str:
    """Hashed on first use, not at import: start-up stays fast, timing matches real hashes."""
    return _hash_password("compte-inexistant")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- accounts -------------------------------------------------------------------------------


def add_user(
    uows: UnitOfWorkFactory,
    actor: Actor,
    username: str,
    password: str,
    role: Role,
    member_code: str | None = None,
) -> User:
    """Create an account; a member account must point at an existing member record."""
    actor.require(Permission.MANAGE_USERS)
    name = username.strip()
    if not name:
        raise InvalidInput("le nom d'utilisateur est obligatoire", field="username")
    if has_control_characters(name) or len(name) > 80:
        raise InvalidInput(
            "nom d'utilisateur invalide : 80 caractères au plus, sans caractère de contrôle",
            field="username",
        )
    if member_code and (has_control_characters(member_code) or len(member_code) > 20):
        raise InvalidInput("code de membre invalide", field="member_code")
    _check_new_password(password, "password")
    if role is Role.MEMBER and not member_code:
        raise InvalidInput("un compte adhérent doit être rattaché à un membre", field="member_code")
    with uows() as uow:
        if uow.users.get(name) is not None:
            raise Conflict(f"l'utilisateur « {name} » existe déjà", field="username")
        code = member_code.strip().upper() if member_code else None
        if code and uow.members.get(code) is None:
            raise NotFound(f"aucun membre n'a le code {code}", field="member_code")
    password_hash = _hash_password(password)  # outside the transaction (see the module doc)
    with uows() as uow:
        user = User(username=name, role=role, password_hash=password_hash, member_code=code)
        uow.users.add(user)
        uow.flush()
        audit.record(uow, actor, "utilisateur.créé", "user", name, rôle=role.value)
        uow.commit()
    return user


def list_users(uows: UnitOfWorkFactory, actor: Actor) -> list[AccountView]:
    """Every account, by name, with its number of live tokens (open sessions)."""
    actor.require(Permission.MANAGE_USERS)
    with uows() as uow:
        live = uow.tokens.live_counts(datetime.now(UTC))
        return [
            AccountView(u.username, u.role, u.member_code, u.active, live.get(u.username, 0))
            for u in uow.users.all()
        ]


def deactivate_user(uows: UnitOfWorkFactory, actor: Actor, username: str) -> AccountView:
    """The account can no longer sign in and its tokens are revoked at once. An admin cannot
    deactivate themself, nor the last active admin (nobody could manage accounts any more)."""
    actor.require(Permission.MANAGE_USERS)
    name = username.strip()
    if name == actor.username:
        raise Forbidden("un administrateur ne peut pas désactiver son propre compte", "username")
    with uows() as uow:
        user = _existing(uow, name)
        if not user.active:
            raise Conflict(f"le compte « {name} » est déjà désactivé", field="username")
        if user.role is Role.ADMIN:
            others = [a for a in uow.users.active_admins(lock=True) if a.username != name]
            if not others:
                raise Conflict(
                    f"« {name} » est le dernier administrateur actif : "
                    "nommez-en un autre avant de le désactiver",
                    field="username",
                )
        user.active = False
        revoked = uow.tokens.delete_for_user(name)
        audit.record(uow, actor, "utilisateur.désactivé", "user", name, jetons_révoqués=revoked)
        uow.commit()
        return AccountView(name, user.role, user.member_code, False, 0)


def reactivate_user(uows: UnitOfWorkFactory, actor: Actor, username: str) -> AccountView:
    actor.require(Permission.MANAGE_USERS)
    name = username.strip()
    with uows() as uow:
        user = _existing(uow, name)
        if user.active:
            raise Conflict(f"le compte « {name} » est déjà actif", field="username")
        user.active = True
        audit.record(uow, actor, "utilisateur.réactivé", "user", name)
        uow.commit()
        return AccountView(name, user.role, user.member_code, True, 0)


def change_password(
    uows: UnitOfWorkFactory,
    actor: Actor,
    current: str,
    new: str,
    *,
    keep_token: str | None = None,
    address: str | None = None,
    limits: SignInLimits | None = None,
) -> int:
    """One's own password, given the current one. The other sessions are signed out (a thief
    holding one loses it); ``keep_token`` stays valid. Returns how many tokens were revoked.

    A wrong current password counts as a failed sign-in: a stolen token must not turn this
    into an unthrottled way to guess the password."""
    name = actor.username
    if limits is not None:
        limits.check(name, address)
    _check_new_password(new, "new_password")
    if new == current:
        raise InvalidInput(
            "le nouveau mot de passe doit être différent de l'actuel", field="new_password"
        )
    with uows() as uow:
        old_hash = _existing(uow, name).password_hash
    if not _password_ok(old_hash, current):
        lockouts = limits.failed(name, address) if limits is not None else []
        with uows() as uow:
            audit.record(uow, actor, "mot_de_passe.refusé", "user", name, adresse=address)
            _record_lockouts(uow, lockouts)
            uow.commit()
        raise Forbidden("mot de passe actuel incorrect", field="current_password")
    new_hash = _hash_password(new)
    with uows() as uow:
        user = _existing(uow, name)
        if user.password_hash != old_hash:
            raise Conflict("le mot de passe vient d'être changé par ailleurs : recommencez")
        user.password_hash = new_hash
        keep = hash_token(keep_token) if keep_token else None
        revoked = uow.tokens.delete_for_user(name, keep=keep)
        audit.record(uow, actor, "mot_de_passe.changé", "user", name, jetons_révoqués=revoked)
        uow.commit()
    return revoked


def reset_password(uows: UnitOfWorkFactory, actor: Actor, username: str, new: str) -> int:
    """An admin sets another account's password; every token of that account is revoked.
    Returns how many."""
    actor.require(Permission.MANAGE_USERS)
    name = username.strip()
    if name == actor.username:
        raise Forbidden(
            "pour votre propre mot de passe, utilisez le changement de mot de passe "
            "(le mot de passe actuel est demandé)",
            field="username",
        )
    _check_new_password(new, "new_password")
    with uows() as uow:
        _existing(uow, name)
    new_hash = _hash_password(new)
    with uows() as uow:
        user = _existing(uow, name)
        user.password_hash = new_hash
        revoked = uow.tokens.delete_for_user(name)
        audit.record(uow, actor, "mot_de_passe.réinitialisé", "user", name, jetons_révoqués=revoked)
        uow.commit()
    return revoked


def users_exist(uow: UnitOfWork) -> bool:
    return bool(uow.users.all())


# --- sign-in, tokens ------------------------------------------------------------------------


def sign_in(
    uows: UnitOfWorkFactory,
    username: str,
    password: str,
    address: str | None = None,
    *,
    limits: SignInLimits | None = None,
    now: datetime | None = None,
) -> str:
    """Check the password and hand out a new bearer token (only its hash is kept).

    ``address`` is the client's (audit, per-address budget); ``limits`` the failed sign-ins
    of this server process — ``None`` for a local call (the CLI) that need not be throttled.
    A locked account or address is refused before anything else: it costs no argon2 work.
    Unknown, deactivated or wrong: the same message and the same work, so that neither the
    answer nor its timing tells which accounts exist."""
    name = username.strip()
    if limits is not None:
        limits.check(name, address)
    if has_control_characters(name) or len(name) > 80:
        _password_ok(_dummy_hash(), password)
        _refuse(uows, limits, name, address, "identifiant invalide")
    with uows() as uow:
        user = uow.users.get(name)
        stored = user.password_hash if user is not None else _dummy_hash()
        active = user is not None and user.active
    valid = _password_ok(stored, password)  # outside the transaction (see the module doc)
    if user is None:
        _refuse(uows, limits, name, address, "compte inconnu")
    if not valid:
        _refuse(uows, limits, name, address, "mot de passe incorrect")
    if not active:
        _refuse(uows, limits, name, address, "compte désactivé")
    token = _issue_token(uows, name, stored, address, now or datetime.now(UTC))
    if limits is not None:
        limits.succeeded(name)
    return token


def _issue_token(
    uows: UnitOfWorkFactory, username: str, password_hash: str, address: str | None, now: datetime
) -> str:
    """The one write of a successful sign-in: purge the expired tokens, store the new one (its
    hash), audit. The account is read again: it may have been deactivated, or its password
    changed, while the password was being checked."""
    token = secrets.token_urlsafe(32)
    try:
        with uows() as uow:
            user = uow.users.get(username)
            if user is None or not user.active or user.password_hash != password_hash:
                raise Unauthenticated(_BAD_CREDENTIALS, field="password")
            uow.tokens.delete_expired(now)
            uow.tokens.add(
                ApiToken(
                    token_hash=hash_token(token),
                    username=username,
                    created_at=now,
                    expires_at=now + TOKEN_LIFETIME,
                )
            )
            audit.record(uow, user.actor(), "connexion", "user", username, adresse=address)
            uow.commit()
    except ReadOnlyStorage:
        # Reading must go on while the database refuses writes: the token lives in memory,
        # the audit entry goes to the log.
        expires = now + TOKEN_LIFETIME
        memory_tokens.remember(hash_token(token), username, expires, password_hash)
        log.warning(
            "connexion de « %s » (adresse %s) : base en lecture seule, jeton gardé en mémoire "
            "jusqu'au %s, entrée d'audit écrite ici seulement",
            username,
            address or "?",
            expires.isoformat(timespec="seconds"),
        )
    return token


def _refuse(
    uows: UnitOfWorkFactory,
    limits: SignInLimits | None,
    name: str,
    address: str | None,
    reason: str,
) -> NoReturn:
    """Count the failure, audit it in a transaction of its own (the request fails), refuse.
    The reason is for the audit log only: the answer is the same for all."""
    lockouts = limits.failed(name, address) if limits is not None else []
    try:
        with uows() as uow:
            audit.record(
                uow,
                ANONYMOUS,
                "connexion.échouée",
                "user",
                _printable(name, 80) or "?",
                identifiant=_printable(name, 200),
                adresse=address,
                motif=reason,
            )
            _record_lockouts(uow, lockouts)
            uow.commit()
    except ReadOnlyStorage:
        log.warning(
            "connexion refusée pour « %s » (adresse %s, %s) : base en lecture seule, entrée "
            "d'audit écrite ici seulement",
            _printable(name, 80),
            address or "?",
            reason,
        )
    raise Unauthenticated(_BAD_CREDENTIALS, field="password")


def _record_lockouts(uow: UnitOfWork, lockouts: list[Lockout]) -> None:
    for lock in lockouts:
        audit.record(
            uow,
            ANONYMOUS,
            "connexion.limitée",
            "user" if lock.scope == "compte" else "address",
            _printable(lock.key, 80) or "?",
            échecs=lock.failures,
            attente_secondes=lock.delay,
        )


def sign_out(uows: UnitOfWorkFactory, actor: Actor, token: str) -> None:
    """Revoke the token the request came with."""
    remembered = memory_tokens.find(hash_token(token), datetime.now(UTC))
    if remembered is not None and remembered.username == actor.username:
        memory_tokens.forget(hash_token(token))  # signed in while the database was read-only
        log.warning("déconnexion de « %s » (jeton gardé en mémoire)", actor.username)
        return
    with uows() as uow:
        stored = uow.tokens.get(hash_token(token))
        if stored is None or stored.username != actor.username:
            raise Unauthenticated(_BAD_TOKEN)
        uow.tokens.delete(stored.token_hash)
        audit.record(uow, actor, "déconnexion", "user", actor.username)
        uow.commit()


def revoke_tokens(uows: UnitOfWorkFactory, actor: Actor, username: str) -> int:
    """Every token of an account (oneself, or anyone for an admin): signed out everywhere."""
    name = username.strip()
    if name != actor.username:
        actor.require(Permission.MANAGE_USERS)
    with uows() as uow:
        _existing(uow, name)
        revoked = uow.tokens.delete_for_user(name)
        audit.record(uow, actor, "jetons.révoqués", "user", name, nombre=revoked)
        uow.commit()
    memory_tokens.forget_user(name)
    return revoked


def purge_tokens(uows: UnitOfWorkFactory, now: datetime | None = None) -> int:
    """Delete the expired tokens; how many. Each sign-in does it too (in its own write); this
    is for the CLI. Not audited: an expired token was already worthless."""
    with uows() as uow:
        purged = uow.tokens.delete_expired(now or datetime.now(UTC))
        uow.commit()
    return purged


def actor_for_token(uows: UnitOfWorkFactory, token: str) -> Actor:
    """Who the token speaks for, read afresh at each request (one query: token and account),
    so that a revoked token or a deactivated account is refused at once, in every process."""
    held = uows.token_holder(hash_token(token))
    if held is not None and _aware(held[0]) > datetime.now(UTC):
        if not held[2]:
            raise Unauthenticated("ce compte est désactivé")
        return held[1]
    # Unknown or expired (or the database did not answer): read again in a unit of work, which
    # explains a failure, then try the tokens handed out while the database was read-only.
    with uows() as uow:
        held = uow.tokens.holder(hash_token(token))
        now = datetime.now(UTC)
        if held is not None and _aware(held[0]) > now:
            if not held[2]:
                raise Unauthenticated("ce compte est désactivé")
            return held[1]
        if remembered := memory_tokens.find(hash_token(token), now):
            # Signed in while the database was read-only; a password changed since voids it.
            username, password_hash = remembered.username, remembered.password_hash
        else:
            raise Unauthenticated(_BAD_TOKEN)
        user = uow.users.get(username)
        if user is None or not user.active:
            raise Unauthenticated("ce compte est désactivé")
        if password_hash is not None and user.password_hash != password_hash:
            raise Unauthenticated(_BAD_TOKEN)
        return user.actor()


# --- helpers --------------------------------------------------------------------------------


def _existing(uow: UnitOfWork, username: str) -> User:
    user = uow.users.get(username)
    if user is None:
        raise NotFound(f"aucun compte « {_printable(username, 80)} »", field="username")
    return user


def _check_new_password(password: str, field: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(
            f"le mot de passe doit faire au moins {MIN_PASSWORD} caractères", field=field
        )
    if len(password) > MAX_PASSWORD:
        raise InvalidInput(
            f"le mot de passe doit faire au plus {MAX_PASSWORD} caractères", field=field
        )


def _printable(text: str, limit: int) -> str:
    """What a person typed, safe to store and show: control characters replaced, length cut."""
    return "".join(c if c.isprintable() else "?" for c in text[:limit])


def _aware(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes; they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
