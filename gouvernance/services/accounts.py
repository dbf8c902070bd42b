"""Accounts and sign-in: argon2 password hashes, opaque bearer tokens stored as SHA-256."""

from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from gouvernance.domain.errors import Conflict, InvalidInput, NotFound, Unauthenticated
from gouvernance.domain.members import has_control_characters
from gouvernance.domain.users import Actor, ApiToken, Permission, Role, User
from gouvernance.services import audit
from gouvernance.services.ports import UnitOfWork, UnitOfWorkFactory

TOKEN_LIFETIME = timedelta(hours=12)
MIN_PASSWORD = 8
_hasher = PasswordHasher()
_BAD_CREDENTIALS = "identifiant ou mot de passe incorrect"


@functools.cache
def _dummy_hash() -> str:
    """Hashed on first use, not at import: start-up stays fast, timing matches real hashes."""
    return _hasher.hash("compte-inexistant")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


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
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(
            f"le mot de passe doit faire au moins {MIN_PASSWORD} caractères", field="password"
        )
    if role is Role.MEMBER and not member_code:
        raise InvalidInput("un compte adhérent doit être rattaché à un membre", field="member_code")
    with uows() as uow:
        if uow.users.get(name) is not None:
            raise Conflict(f"l'utilisateur « {name} » existe déjà", field="username")
        code = member_code.strip().upper() if member_code else None
        if code and uow.members.get(code) is None:
            raise NotFound(f"aucun membre n'a le code {code}", field="member_code")
        user = User(
            username=name, role=role, password_hash=_hasher.hash(password), member_code=code
        )
        uow.users.add(user)
        uow.flush()
        audit.record(uow, actor, "utilisateur.créé", "user", name, rôle=role.value)
        uow.commit()
    return user


def sign_in(uows: UnitOfWorkFactory, username: str, password: str) -> str:
    """Check the password and hand out a new bearer token (only its hash is kept)."""
    name = username.strip()
    if has_control_characters(name) or len(name) > 80:
        _password_ok(_dummy_hash(), password)
        raise Unauthenticated(_BAD_CREDENTIALS, field="password")
    with uows() as uow:
        user = uow.users.get(name)
        # An unknown user costs one verification too, so timing does not reveal who exists.
        stored = user.password_hash if user is not None else _dummy_hash()
        valid = _password_ok(stored, password)
        if user is None or not user.active or not valid:
            raise Unauthenticated(_BAD_CREDENTIALS, field="password")
        token = secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        uow.tokens.add(
            ApiToken(
                token_hash=hash_token(token),
                username=user.username,
                created_at=now,
                expires_at=now + TOKEN_LIFETIME,
            )
        )
        uow.commit()
    return token


def actor_for_token(uows: UnitOfWorkFactory, token: str) -> Actor:
    with uows() as uow:
        stored = uow.tokens.get(hash_token(token))
        if stored is None or _aware(stored.expires_at) <= datetime.now(UTC):
            raise Unauthenticated("jeton absent, inconnu ou expiré : reconnectez-vous")
        user = uow.users.get(stored.username)
        if user is None or not user.active:
            raise Unauthenticated("ce compte est désactivé")
        return user.actor()


def users_exist(uow: UnitOfWork) -> bool:
    return bool(uow.users.all())


def _password_ok(password_hash: str, password: str) -> bool:
    try:
        return bool(_hasher.verify(password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def _aware(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes; they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
