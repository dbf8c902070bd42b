"""Accounts and sign-in through the services, on SQLite and PostgreSQL: deactivation, passwords,
revocation, purge, the audit trail, failed sign-in limits and the argon2 slots."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from gouvernance.bootstrap import Application
from gouvernance.domain.audit import AuditEntry
from gouvernance.domain.errors import (
    Conflict,
    Forbidden,
    GouvernanceError,
    NotFound,
    TooManyAttempts,
    Unauthenticated,
)
from gouvernance.domain.users import SYSTEM, Actor, ApiToken, Role
from gouvernance.services import audit
from gouvernance.services.access import accounts
from gouvernance.services.access.sign_in_limits import Budget, SignInLimits

PASSWORD = "mot-de-passe-1"
NEW_PASSWORD = "nouveau-secret-2"


def _actor(app: Application, username: str) -> Actor:
    return accounts.actor_for_token(app.uows, accounts.sign_in(app.uows, username, PASSWORD))


@pytest.fixture
def alice(app: Application) -> Actor:
    """An administrator, signed in."""
    accounts.add_user(app.uows, SYSTEM, "alice", PASSWORD, Role.ADMIN)
    return _actor(app, "alice")


@pytest.fixture
def bruno(app: Application) -> str:
    accounts.add_user(app.uows, SYSTEM, "bruno", PASSWORD, Role.TREASURER)
    return "bruno"


def _log(app: Application) -> list[AuditEntry]:
    return audit.recent(app.uows, SYSTEM, 1000)


def _details(app: Application, action: str) -> list[dict[str, object]]:
    return [json.loads(e.detail) for e in _log(app) if e.action == action]


def _refused(app: Application, username: str, password: str) -> Unauthenticated:
    with pytest.raises(Unauthenticated) as refused:
        accounts.sign_in(app.uows, username, password)
    return refused.value


# --- the list, deactivation, reactivation ------------------------------------------------------


def test_the_account_list_shows_each_account_its_state_and_open_sessions(
    app: Application, alice: Actor, bruno: str
) -> None:
    accounts.sign_in(app.uows, bruno, PASSWORD)
    accounts.sign_in(app.uows, bruno, PASSWORD)
    listed = {view.username: view for view in accounts.list_users(app.uows, alice)}
    assert set(listed) == {"alice", "bruno"}
    assert (listed["bruno"].role, listed["bruno"].active, listed["bruno"].live_tokens) == (
        Role.TREASURER,
        True,
        2,
    )
    assert not hasattr(listed["bruno"], "password_hash")


def test_only_an_administrator_lists_the_accounts(app: Application, bruno: str) -> None:
    with pytest.raises(Forbidden):
        accounts.list_users(app.uows, _actor(app, bruno))


def test_a_deactivated_account_cannot_sign_in_and_is_told_the_same_as_a_wrong_password(
    app: Application, alice: Actor, bruno: str
) -> None:
    accounts.deactivate_user(app.uows, alice, bruno)
    deactivated = _refused(app, bruno, PASSWORD)
    wrong = _refused(app, bruno, "pas-le-bon")
    unknown = _refused(app, "personne", PASSWORD)
    assert deactivated.message == wrong.message == unknown.message
    assert deactivated.message == "identifiant ou mot de passe incorrect"


def test_deactivation_revokes_the_live_tokens_at_once(
    app: Application, alice: Actor, bruno: str
) -> None:
    token = accounts.sign_in(app.uows, bruno, PASSWORD)
    accounts.deactivate_user(app.uows, alice, bruno)
    with pytest.raises(Unauthenticated):
        accounts.actor_for_token(app.uows, token)
    assert _details(app, "utilisateur.désactivé") == [{"jetons_révoqués": 1}]


def test_a_reactivated_account_signs_in_again(app: Application, alice: Actor, bruno: str) -> None:
    accounts.deactivate_user(app.uows, alice, bruno)
    view = accounts.reactivate_user(app.uows, alice, bruno)
    assert view.active
    assert _actor(app, bruno).username == bruno
    assert [e.action for e in _log(app) if e.action.startswith("utilisateur.")][:2] == [
        "utilisateur.réactivé",
        "utilisateur.désactivé",
    ]


def test_deactivating_twice_or_reactivating_an_active_account_is_a_conflict(
    app: Application, alice: Actor, bruno: str
) -> None:
    with pytest.raises(Conflict, match="déjà actif"):
        accounts.reactivate_user(app.uows, alice, bruno)
    accounts.deactivate_user(app.uows, alice, bruno)
    with pytest.raises(Conflict, match="déjà désactivé"):
        accounts.deactivate_user(app.uows, alice, bruno)


def test_an_administrator_cannot_deactivate_their_own_account(
    app: Application, alice: Actor
) -> None:
    with pytest.raises(Forbidden, match="son propre compte"):
        accounts.deactivate_user(app.uows, alice, "alice")


def test_the_last_active_administrator_cannot_be_deactivated(
    app: Application, alice: Actor
) -> None:
    with pytest.raises(Conflict, match="dernier administrateur actif") as refused:
        accounts.deactivate_user(app.uows, SYSTEM, "alice")
    assert refused.value.field == "username"
    accounts.add_user(app.uows, SYSTEM, "claire", PASSWORD, Role.ADMIN)
    accounts.deactivate_user(app.uows, SYSTEM, "alice")
    with pytest.raises(Conflict, match="dernier administrateur actif"):
        accounts.deactivate_user(app.uows, SYSTEM, "claire")


def test_two_administrators_deactivating_each_other_at_once_leave_one_active(
    app: Application, alice: Actor
) -> None:
    accounts.add_user(app.uows, SYSTEM, "claire", PASSWORD, Role.ADMIN)
    claire = _actor(app, "claire")
    barrier = threading.Barrier(2)

    def deactivate(pair: tuple[Actor, str]) -> str:
        barrier.wait()
        try:
            accounts.deactivate_user(app.uows, *pair)
        except GouvernanceError as error:
            return error.message
        return "fait"

    with ThreadPoolExecutor(2) as pool:
        outcomes = list(pool.map(deactivate, [(alice, "claire"), (claire, "alice")]))
    assert sorted(o == "fait" for o in outcomes) == [False, True], outcomes
    active = [v.username for v in accounts.list_users(app.uows, SYSTEM) if v.active]
    assert len(active) == 1


def test_an_unknown_account_is_not_found(app: Application, alice: Actor) -> None:
    with pytest.raises(NotFound):
        accounts.deactivate_user(app.uows, alice, "personne")


# --- passwords ------------------------------------------------------------------------------


def test_changing_ones_password_needs_the_current_one(
    app: Application, alice: Actor, bruno: str
) -> None:
    actor = _actor(app, bruno)
    with pytest.raises(Forbidden, match="mot de passe actuel incorrect") as refused:
        accounts.change_password(app.uows, actor, "pas-le-bon", NEW_PASSWORD)
    assert refused.value.field == "current_password"
    assert _actor(app, bruno).username == bruno  # unchanged
    assert [e.action for e in _log(app)].count("mot_de_passe.refusé") == 1


def test_a_new_password_keeps_the_minimum_length(app: Application, bruno: str) -> None:
    with pytest.raises(GouvernanceError, match="au moins 8 caractères") as refused:
        accounts.change_password(app.uows, _actor(app, bruno), PASSWORD, "court")
    assert refused.value.field == "new_password"


def test_changing_ones_password_signs_out_the_other_sessions_but_not_this_one(
    app: Application, bruno: str
) -> None:
    here = accounts.sign_in(app.uows, bruno, PASSWORD)
    elsewhere = accounts.sign_in(app.uows, bruno, PASSWORD)
    actor = accounts.actor_for_token(app.uows, here)
    revoked = accounts.change_password(app.uows, actor, PASSWORD, NEW_PASSWORD, keep_token=here)
    assert revoked == 1
    assert accounts.actor_for_token(app.uows, here).username == bruno
    with pytest.raises(Unauthenticated):
        accounts.actor_for_token(app.uows, elsewhere)
    _refused(app, bruno, PASSWORD)
    assert accounts.sign_in(app.uows, bruno, NEW_PASSWORD)
    assert _details(app, "mot_de_passe.changé") == [{"jetons_révoqués": 1}]


def test_an_administrator_reset_revokes_every_token_of_the_account(
    app: Application, alice: Actor, bruno: str
) -> None:
    token = accounts.sign_in(app.uows, bruno, PASSWORD)
    assert accounts.reset_password(app.uows, alice, bruno, NEW_PASSWORD) == 1
    with pytest.raises(Unauthenticated, match="révoqué"):
        accounts.actor_for_token(app.uows, token)
    assert accounts.sign_in(app.uows, bruno, NEW_PASSWORD)
    entry = next(e for e in _log(app) if e.action == "mot_de_passe.réinitialisé")
    assert (entry.actor, entry.entity_key) == ("alice", bruno)


def test_an_administrator_resets_only_other_accounts_passwords(
    app: Application, alice: Actor, bruno: str
) -> None:
    with pytest.raises(Forbidden, match="mot de passe actuel est demandé"):
        accounts.reset_password(app.uows, alice, "alice", NEW_PASSWORD)
    with pytest.raises(Forbidden):
        accounts.reset_password(app.uows, _actor(app, bruno), "alice", NEW_PASSWORD)


# --- tokens ---------------------------------------------------------------------------------


def test_signing_out_revokes_only_the_token_of_the_request(app: Application, bruno: str) -> None:
    first = accounts.sign_in(app.uows, bruno, PASSWORD)
    second = accounts.sign_in(app.uows, bruno, PASSWORD)
    actor = accounts.actor_for_token(app.uows, first)
    accounts.sign_out(app.uows, actor, first)
    with pytest.raises(Unauthenticated, match="révoqué : reconnectez-vous"):
        accounts.actor_for_token(app.uows, first)
    assert accounts.actor_for_token(app.uows, second).username == bruno
    assert _log(app)[0].action == "déconnexion"


def test_revoking_every_token_is_for_oneself_or_an_administrator(
    app: Application, alice: Actor, bruno: str
) -> None:
    accounts.add_user(app.uows, SYSTEM, "chloe", PASSWORD, Role.BOARD)
    chloe = _actor(app, "chloe")
    with pytest.raises(Forbidden):
        accounts.revoke_tokens(app.uows, chloe, bruno)
    accounts.sign_in(app.uows, bruno, PASSWORD)
    assert accounts.revoke_tokens(app.uows, chloe, "chloe") == 1
    assert accounts.revoke_tokens(app.uows, alice, bruno) == 1
    assert _details(app, "jetons.révoqués") == [{"nombre": 1}, {"nombre": 1}]


def _add_token(app: Application, username: str, expires_at: datetime, digest: str) -> None:
    with app.uows() as uow:
        uow.tokens.add(ApiToken(digest, username, expires_at - timedelta(hours=12), expires_at))
        uow.commit()


def test_the_purge_deletes_the_expired_tokens_only(app: Application, bruno: str) -> None:
    now = datetime.now(UTC)
    _add_token(app, bruno, now - timedelta(seconds=1), "a" * 64)
    _add_token(app, bruno, now - timedelta(days=3), "b" * 64)
    live = accounts.sign_in(app.uows, bruno, PASSWORD)  # also purges (two gone already)
    _add_token(app, bruno, now - timedelta(minutes=5), "c" * 64)
    assert accounts.purge_tokens(app.uows) == 1
    assert accounts.purge_tokens(app.uows) == 0
    assert accounts.actor_for_token(app.uows, live).username == bruno
    with app.uows() as uow:
        assert uow.tokens.get("a" * 64) is None
        assert uow.tokens.live_counts(now) == {bruno: 1}


# --- the audit trail of sign-ins ---------------------------------------------------------------


def test_a_sign_in_is_audited_with_the_client_address(app: Application, bruno: str) -> None:
    accounts.sign_in(app.uows, bruno, PASSWORD, "203.0.113.7")
    entry = _log(app)[0]
    assert (entry.actor, entry.action, entry.entity_key) == (bruno, "connexion", bruno)
    assert json.loads(entry.detail) == {"adresse": "203.0.113.7"}


def test_a_failed_sign_in_is_audited_with_the_name_tried_never_the_password(
    app: Application, bruno: str
) -> None:
    with pytest.raises(Unauthenticated):
        accounts.sign_in(app.uows, bruno, "secret-essayé-1", "198.51.100.2")
    with pytest.raises(Unauthenticated):
        accounts.sign_in(app.uows, "inconnu\x1b", "secret-essayé-2", "198.51.100.2")
    failures = [e for e in _log(app) if e.action == "connexion.échouée"]
    assert [json.loads(e.detail) for e in failures] == [
        {"adresse": "198.51.100.2", "identifiant": "inconnu?", "motif": "identifiant invalide"},
        {"adresse": "198.51.100.2", "identifiant": bruno, "motif": "mot de passe incorrect"},
    ]
    assert {e.actor for e in failures} == {"anonyme"}
    everything = " ".join(f"{e.actor} {e.entity_key} {e.detail}" for e in _log(app))
    assert "secret-essayé" not in everything


# --- failed sign-in limits ------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class CountingHasher:
    """Stands for argon2: counts the checks and how many run at once."""

    def __init__(self, real: Any, pause: float = 0.0) -> None:
        self.real = real
        self.pause = pause
        self.checks = 0
        self.running = 0
        self.most = 0
        self._lock = threading.Lock()

    def hash(self, password: str) -> str:
        return str(self.real.hash(password))

    def verify(self, password_hash: str, password: str) -> bool:
        with self._lock:
            self.checks += 1
            self.running += 1
            self.most = max(self.most, self.running)
        time.sleep(self.pause)
        try:
            return bool(self.real.verify(password_hash, password))
        finally:
            with self._lock:
                self.running -= 1


@pytest.fixture
def hasher(monkeypatch: pytest.MonkeyPatch) -> CountingHasher:
    counting = CountingHasher(accounts._hasher)
    monkeypatch.setattr(accounts, "_hasher", counting)
    return counting


def test_a_locked_account_is_refused_before_any_password_check_even_the_right_one(
    app: Application, bruno: str, hasher: CountingHasher
) -> None:
    clock = FakeClock()
    limits = SignInLimits(clock=clock)
    for _ in range(10):
        with pytest.raises(Unauthenticated):
            accounts.sign_in(app.uows, bruno, "pas-le-bon", "192.0.2.1", limits=limits)
    checks = hasher.checks
    with pytest.raises(TooManyAttempts) as refused:
        accounts.sign_in(app.uows, bruno, PASSWORD, "192.0.2.9", limits=limits)
    assert hasher.checks == checks  # no argon2 work for a locked account
    assert refused.value.retry_after == 300
    assert refused.value.message == (
        "trop de tentatives de connexion : réessayez dans 300 secondes"
    )
    locks = [e for e in _log(app) if e.action == "connexion.limitée"]
    assert [(e.entity, e.entity_key, json.loads(e.detail)) for e in locks] == [
        ("user", bruno, {"attente_secondes": 300, "échecs": 10})
    ]
    clock.now += 300
    assert accounts.sign_in(app.uows, bruno, PASSWORD, "192.0.2.1", limits=limits)


def test_one_address_trying_many_accounts_is_locked_for_every_account(
    app: Application, bruno: str, hasher: CountingHasher
) -> None:
    limits = SignInLimits(per_address=Budget(failures=5, window=60, delay=60), clock=FakeClock())
    for i in range(5):
        with pytest.raises(Unauthenticated):
            accounts.sign_in(app.uows, f"essai{i}", PASSWORD, "192.0.2.50", limits=limits)
    with pytest.raises(TooManyAttempts):
        accounts.sign_in(app.uows, bruno, PASSWORD, "192.0.2.50", limits=limits)
    assert accounts.sign_in(app.uows, bruno, PASSWORD, "192.0.2.51", limits=limits)


def test_wrong_current_passwords_count_as_failed_sign_ins(
    app: Application, bruno: str, hasher: CountingHasher
) -> None:
    limits = SignInLimits(per_account=Budget(failures=3, window=60, delay=60), clock=FakeClock())
    actor = _actor(app, bruno)
    for _ in range(3):
        with pytest.raises(Forbidden):
            accounts.change_password(app.uows, actor, "pas-le-bon", NEW_PASSWORD, limits=limits)
    with pytest.raises(TooManyAttempts):
        accounts.change_password(app.uows, actor, PASSWORD, NEW_PASSWORD, limits=limits)


# --- the argon2 slots -----------------------------------------------------------------------


@pytest.fixture
def three_slots(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv(accounts.SLOTS_VARIABLE, "3")
    accounts.argon2_slots.cache_clear()
    accounts._slots.cache_clear()
    yield
    monkeypatch.delenv(accounts.SLOTS_VARIABLE)
    accounts.argon2_slots.cache_clear()
    accounts._slots.cache_clear()


@pytest.mark.parametrize(
    ("machine", "processes", "each"),
    [("4", "2", 2), ("2", "3", 1), ("5", "2", 2), ("", "2", 1), ("3", "", 3), ("3", "1", 3)],
)
def test_the_argon2_slots_are_the_machines_budget_shared_by_the_server_processes(
    monkeypatch: pytest.MonkeyPatch, machine: str, processes: str, each: int
) -> None:
    monkeypatch.setenv(accounts.SLOTS_VARIABLE, machine)
    monkeypatch.setenv(accounts.PROCESSES_VARIABLE, processes)
    accounts.argon2_slots.cache_clear()
    try:
        assert accounts.argon2_slots() == each
    finally:
        monkeypatch.undo()
        accounts.argon2_slots.cache_clear()


def test_the_argon2_slots_never_let_more_checks_run_at_once(
    app: Application, bruno: str, monkeypatch: pytest.MonkeyPatch, three_slots: None
) -> None:
    slow = CountingHasher(accounts._hasher, pause=0.1)
    monkeypatch.setattr(accounts, "_hasher", slow)

    def attempt(i: int) -> None:
        with pytest.raises(Unauthenticated):
            accounts.sign_in(app.uows, bruno, f"faux-{i}")

    with ThreadPoolExecutor(12) as pool:
        list(pool.map(attempt, range(12)))
    assert accounts.argon2_slots() == 3
    assert slow.checks == 12
    assert slow.most == 3
