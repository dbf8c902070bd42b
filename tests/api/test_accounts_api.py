"""Accounts over HTTP: sign-in limits (429 + Retry-After), sign-out and revocation (401),
deactivation, passwords, the account list, and the cost bound of simultaneous sign-ins."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gouvernance.bootstrap import Application
from gouvernance.domain.users import SYSTEM, ApiToken, Role
from gouvernance.services.access import accounts, sign_in_gate
from gouvernance.services.access.sign_in_limits import SignInLimits

Headers = dict[str, str]
PASSWORD = "mot-de-passe-test"
NEW_PASSWORD = "tout-nouveau-9"


class FakeClock:
    def __init__(self) -> None:
        self.now = 5000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(app: Application) -> FakeClock:
    """The sign-in limits of the application, on a clock the test advances."""
    fake = FakeClock()
    app.sign_in_limits = SignInLimits(clock=fake)
    return fake


@pytest.fixture
def bruno(app: Application) -> str:
    accounts.add_user(app.uows, SYSTEM, "bruno", PASSWORD, Role.TREASURER)
    return "bruno"


def _token(client: TestClient, username: str, password: str = PASSWORD) -> Any:
    return client.post("/auth/token", data={"username": username, "password": password})


def _bearer(client: TestClient, username: str, password: str = PASSWORD) -> Headers:
    response = _token(client, username, password)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _error(response: Any) -> dict[str, Any]:
    error: dict[str, Any] = response.json()["error"]
    return error


def _audit(client: TestClient, headers: Headers) -> list[dict[str, Any]]:
    response = client.get("/audit", params={"limit": 1000}, headers=headers)
    assert response.status_code == 200, response.text
    entries: list[dict[str, Any]] = response.json()
    return entries


# --- sign-in limits -------------------------------------------------------------------------


def test_thirty_wrong_passwords_get_429_with_retry_after_and_the_right_one_works_after_the_delay(
    client: TestClient, as_admin: Headers, bruno: str, clock: FakeClock
) -> None:
    statuses = [_token(client, bruno, f"faux-{i}").status_code for i in range(30)]
    assert statuses == [401] * 10 + [429] * 20
    refused = _token(client, bruno, PASSWORD)  # the right password, while locked
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "300"
    assert _error(refused) == {
        "code": "trop_de_tentatives",
        "message": "trop de tentatives de connexion : réessayez dans 300 secondes",
        "field": "username",
        "problems": [],
    }
    clock.now += 299
    assert _token(client, bruno, PASSWORD).headers["Retry-After"] == "1"
    clock.now += 1
    assert _token(client, bruno, PASSWORD).status_code == 200
    actions = [e["action"] for e in _audit(client, as_admin)]
    assert actions.count("connexion.échouée") == 10
    assert actions.count("connexion.limitée") == 1
    assert actions[0] == "connexion"


def test_thirty_failures_from_one_address_lock_that_address_for_every_account(
    client: TestClient, bruno: str, clock: FakeClock
) -> None:
    for i in range(30):
        assert _token(client, f"inconnu-{i}", "faux-mot").status_code == 401
    locked = _token(client, bruno, PASSWORD)
    assert locked.status_code == 429
    assert locked.headers["Retry-After"] == "60"
    clock.now += 60
    assert _token(client, bruno, PASSWORD).status_code == 200


# --- sign-out, revocation -------------------------------------------------------------------


def test_a_signed_out_token_gets_401_with_a_french_message(client: TestClient, bruno: str) -> None:
    headers = _bearer(client, bruno)
    other = _bearer(client, bruno)
    response = client.post("/auth/logout", headers=headers)
    assert response.status_code == 204
    refused = client.get("/me", headers=headers)
    assert refused.status_code == 401
    assert refused.headers["WWW-Authenticate"] == "Bearer"
    assert _error(refused)["message"] == (
        "jeton absent, inconnu, expiré ou révoqué : reconnectez-vous"
    )
    assert client.get("/me", headers=other).status_code == 200


def test_revoking_every_token_of_an_account_signs_it_out_everywhere(
    client: TestClient, as_admin: Headers, bruno: str
) -> None:
    first, second = _bearer(client, bruno), _bearer(client, bruno)
    response = client.post(f"/users/{bruno}/tokens/revoke", headers=as_admin)
    assert response.json() == {"revoked": 2}
    assert client.get("/me", headers=first).status_code == 401
    assert client.get("/me", headers=second).status_code == 401


def test_an_account_may_revoke_its_own_tokens_but_not_another_s(
    client: TestClient, bruno: str, sign_in: Callable[[Role], Headers]
) -> None:
    headers = _bearer(client, bruno)
    refused = client.post("/users/test-admin/tokens/revoke", headers=headers)
    assert refused.status_code == 403
    response = client.post(f"/users/{bruno}/tokens/revoke", headers=headers)
    assert response.json() == {"revoked": 1}
    assert client.get("/me", headers=headers).status_code == 401


def test_expired_tokens_are_purged_at_sign_in(
    app: Application, client: TestClient, bruno: str
) -> None:
    expired = datetime.now(UTC) - timedelta(minutes=1)
    with app.uows() as uow:
        uow.tokens.add(ApiToken("e" * 64, bruno, expired - timedelta(hours=12), expired))
        uow.commit()
    _bearer(client, bruno)
    with app.uows() as uow:
        assert uow.tokens.get("e" * 64) is None


# --- deactivation ---------------------------------------------------------------------------


def test_a_deactivated_account_cannot_sign_in_and_its_tokens_stop_working(
    client: TestClient, as_admin: Headers, bruno: str
) -> None:
    headers = _bearer(client, bruno)
    response = client.post(f"/users/{bruno}/deactivate", headers=as_admin)
    assert response.status_code == 200
    assert response.json()["active"] is False
    assert client.get("/me", headers=headers).status_code == 401
    refused = _token(client, bruno)
    assert refused.status_code == 401
    assert _error(refused)["message"] == "identifiant ou mot de passe incorrect"
    assert client.post(f"/users/{bruno}/reactivate", headers=as_admin).json()["active"]
    assert _token(client, bruno).status_code == 200


def test_the_last_active_administrator_is_protected(client: TestClient, as_admin: Headers) -> None:
    own = client.post("/users/test-admin/deactivate", headers=as_admin)
    assert own.status_code == 403
    assert _error(own)["message"] == "un administrateur ne peut pas désactiver son propre compte"
    client.post(
        "/users",
        json={"username": "second", "password": PASSWORD, "role": "admin"},
        headers=as_admin,
    )
    second = _bearer(client, "second")
    assert client.post("/users/test-admin/deactivate", headers=second).status_code == 200
    assert client.get("/me", headers=as_admin).status_code == 401


def test_the_account_list_is_for_administrators_and_shows_no_password(
    client: TestClient, as_admin: Headers, bruno: str
) -> None:
    _bearer(client, bruno)
    listed = client.get("/users", headers=as_admin).json()
    assert {a["username"]: a["live_tokens"] for a in listed} == {"bruno": 1, "test-admin": 1}
    assert set(listed[0]) == {
        "username",
        "role",
        "role_label",
        "member_code",
        "active",
        "live_tokens",
    }
    assert client.get("/users", headers=_bearer(client, bruno)).status_code == 403


# --- passwords ------------------------------------------------------------------------------


def test_changing_ones_password_needs_the_current_one_and_closes_the_other_sessions(
    client: TestClient, bruno: str
) -> None:
    here, elsewhere = _bearer(client, bruno), _bearer(client, bruno)
    wrong = client.put(
        "/me/password",
        json={"current_password": "pas-le-bon", "new_password": NEW_PASSWORD},
        headers=here,
    )
    assert wrong.status_code == 403
    assert _error(wrong)["field"] == "current_password"
    response = client.put(
        "/me/password",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers=here,
    )
    assert response.json() == {"revoked": 1}
    assert client.get("/me", headers=here).status_code == 200
    assert client.get("/me", headers=elsewhere).status_code == 401
    assert _token(client, bruno, PASSWORD).status_code == 401
    assert _token(client, bruno, NEW_PASSWORD).status_code == 200


def test_a_password_body_is_strict(client: TestClient, bruno: str) -> None:
    response = client.put(
        "/me/password",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD, "x": 1},
        headers=_bearer(client, bruno),
    )
    assert response.status_code == 422
    assert _error(response)["field"] == "x"


def test_an_administrator_reset_revokes_the_account_s_tokens(
    client: TestClient, as_admin: Headers, bruno: str
) -> None:
    headers = _bearer(client, bruno)
    response = client.put(
        f"/users/{bruno}/password", json={"new_password": NEW_PASSWORD}, headers=as_admin
    )
    assert response.json() == {"revoked": 1}
    assert client.get("/me", headers=headers).status_code == 401
    assert _token(client, bruno, NEW_PASSWORD).status_code == 200
    short = client.put(f"/users/{bruno}/password", json={"new_password": "x"}, headers=as_admin)
    assert _error(short)["message"] == "le mot de passe doit faire au moins 8 caractères"


def test_no_password_ever_reaches_the_audit_log(
    client: TestClient, as_admin: Headers, bruno: str, clock: FakeClock
) -> None:
    _token(client, bruno, "essai-secret-1")
    _token(client, "inconnu", "essai-secret-2")
    headers = _bearer(client, bruno)
    client.put(
        "/me/password",
        json={"current_password": "essai-secret-3", "new_password": "essai-secret-4"},
        headers=headers,
    )
    client.put(
        "/me/password",
        json={"current_password": PASSWORD, "new_password": "essai-secret-5"},
        headers=headers,
    )
    client.put(
        f"/users/{bruno}/password", json={"new_password": "essai-secret-6"}, headers=as_admin
    )
    entries = _audit(client, as_admin)
    actions = {e["action"] for e in entries}
    assert {
        "connexion",
        "connexion.échouée",
        "mot_de_passe.refusé",
        "mot_de_passe.changé",
        "mot_de_passe.réinitialisé",
    } <= actions
    text = repr(entries)
    assert "essai-secret" not in text
    assert PASSWORD not in text


# --- simultaneous sign-ins ------------------------------------------------------------------


class BlockingHasher:
    """argon2 that waits for ``release``: sign-ins pile up while it is held."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.release = threading.Event()

    def hash(self, password: str) -> str:
        return str(self.real.hash(password))

    def verify(self, password_hash: str, password: str) -> bool:
        self.release.wait(timeout=30)
        return bool(self.real.verify(password_hash, password))


@pytest.fixture
def blocked(monkeypatch: pytest.MonkeyPatch) -> Iterator[BlockingHasher]:
    hasher = BlockingHasher(accounts._hasher)
    monkeypatch.setattr(accounts, "_hasher", hasher)
    yield hasher
    hasher.release.set()


def _wait_for(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 20
    while not condition():
        assert time.monotonic() < deadline, "les connexions n'arrivent pas"
        time.sleep(0.01)


def test_sign_ins_waiting_for_a_password_check_leave_the_threads_to_the_reads(
    client: TestClient, bruno: str, blocked: BlockingHasher
) -> None:
    blocked.release.set()
    headers = _bearer(client, bruno)  # before the storm; this also opens the gate
    blocked.release.clear()
    storm = 45  # more than the 40 threads that serve the synchronous routes
    with ThreadPoolExecutor(storm) as pool:
        failures = [pool.submit(_token, client, f"x{i}", "faux-mot") for i in range(storm)]
        gate = client.app.state.application.sign_in_gate()
        _wait_for(lambda: gate.waiting == storm - accounts.argon2_slots())
        started = time.perf_counter()
        me = client.get("/me", headers=headers)
        elapsed = time.perf_counter() - started
        assert not blocked.release.is_set()
        blocked.release.set()
        statuses = [f.result().status_code for f in failures]
    assert me.status_code == 200
    assert elapsed < 5
    # The address budget (30) is spent; a check already under way when the lock starts
    # (one per other slot) still ends in a 401.
    assert 30 <= statuses.count(401) < 30 + accounts.argon2_slots()
    assert statuses.count(401) + statuses.count(429) == storm


def test_a_sign_in_that_waits_too_long_gets_503_with_retry_after(
    client: TestClient, bruno: str, blocked: BlockingHasher, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sign_in_gate, "WAIT_SECONDS", 0.2)
    blocked.release.set()
    _bearer(client, bruno)  # opens the gate
    blocked.release.clear()
    slots = accounts.argon2_slots()
    with ThreadPoolExecutor(slots) as pool:
        running = [pool.submit(_token, client, bruno, "faux-mot") for _ in range(slots)]
        gate = client.app.state.application.sign_in_gate()
        _wait_for(lambda: gate._gate.borrowed_tokens == slots)
        late = _token(client, bruno, PASSWORD)
        blocked.release.set()
        assert [f.result().status_code for f in running] == [401] * slots
    assert late.status_code == 503
    assert late.headers["Retry-After"] == str(sign_in_gate.RETRY_AFTER)
    assert _error(late)["message"] == (
        "serveur occupé : trop de connexions en attente, réessayez dans 5 secondes"
    )
