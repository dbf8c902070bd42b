"""``gouvernance users …`` as an administrator types it: list, deactivate, reactivate, passwords,
sessions — each change made in a named account's name and refused in French when it must be."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from typer.testing import CliRunner, Result

from gouvernance.bootstrap import bootstrap
from gouvernance.cli import app
from gouvernance.domain.errors import Unauthenticated
from gouvernance.domain.users import SYSTEM
from gouvernance.services import audit
from gouvernance.services.access import accounts

runner = CliRunner()


@pytest.fixture
def db(database_url: str, demo_loader: Callable[[str], None]) -> list[str]:
    demo_loader(database_url)
    return ["--database", database_url]


def run(*args: str, typed: str | None = None) -> Result:
    return runner.invoke(app, list(args), input=typed)


def sign_in(database_url: str, username: str, password: str) -> str:
    application = bootstrap(database_url, migrate=False)
    try:
        return accounts.sign_in(application.uows, username, password)
    finally:
        application.close()


def token_works(database_url: str, token: str) -> bool:
    application = bootstrap(database_url, migrate=False)
    try:
        accounts.actor_for_token(application.uows, token)
        return True
    except Unauthenticated:
        return False
    finally:
        application.close()


def test_the_accounts_are_listed_with_their_role_and_state(db: list[str]) -> None:
    result = run("users", "list", *db)
    assert result.exit_code == 0, result.output
    for shown in ("admin", "tresorier", "trésorier", "adherent", "actif"):
        assert shown in result.output


def test_a_deactivated_account_cannot_sign_in_and_loses_its_sessions_until_reactivated(
    db: list[str], database_url: str
) -> None:
    token = sign_in(database_url, "tresorier", "demo-tresorier")
    deactivated = run("users", "deactivate", "tresorier", *db)
    assert deactivated.exit_code == 0, deactivated.output
    assert not token_works(database_url, token)
    with pytest.raises(Unauthenticated):
        sign_in(database_url, "tresorier", "demo-tresorier")
    assert "désactivé" in run("users", "list", *db).output
    assert run("users", "reactivate", "tresorier", *db).exit_code == 0
    assert sign_in(database_url, "tresorier", "demo-tresorier")


def test_an_administrator_cannot_deactivate_the_account_they_act_as(db: list[str]) -> None:
    result = run("users", "deactivate", "admin", *db)
    assert result.exit_code == 1
    assert "Erreur" in result.output and "Traceback" not in result.output


def test_one_changes_ones_own_password_after_giving_the_current_one(
    db: list[str], database_url: str
) -> None:
    wrong = run(
        "--as", "bureau", "users", "password", "--current", "pas-le-bon", *db,
        typed="nouveau-secret-2027\nnouveau-secret-2027\n",
    )  # fmt: skip
    assert wrong.exit_code == 1
    changed = run(
        "--as", "bureau", "users", "password", "--current", "demo-bureau", *db,
        typed="nouveau-secret-2027\nnouveau-secret-2027\n",
    )  # fmt: skip
    assert changed.exit_code == 0, changed.output
    assert "Mot de passe de « bureau » changé" in changed.output
    assert sign_in(database_url, "bureau", "nouveau-secret-2027")


def test_an_administrator_resets_a_password_and_closes_the_sessions(
    db: list[str], database_url: str
) -> None:
    token = sign_in(database_url, "adherent", "demo-adherent")
    reset = run("users", "reset-password", "adherent", "--password", "remis-a-zero-2027", *db)
    assert reset.exit_code == 0, reset.output
    assert "1 session(s) fermée(s)" in reset.output
    assert not token_works(database_url, token)
    assert sign_in(database_url, "adherent", "remis-a-zero-2027")


def test_revoking_and_purging_tokens_from_the_command_line(
    db: list[str], database_url: str
) -> None:
    tokens = [sign_in(database_url, "scrutateur", "demo-scrutateur") for _ in range(2)]
    revoked = run("users", "revoke-tokens", "scrutateur", *db)
    assert revoked.exit_code == 0, revoked.output
    assert "2 session(s) de « scrutateur » fermée(s)" in revoked.output
    assert not any(token_works(database_url, token) for token in tokens)
    purged = run("users", "purge-tokens", *db)
    assert purged.exit_code == 0 and "jeton(s) expiré(s) effacé(s)" in purged.output


def test_each_account_change_is_audited_under_the_named_account(
    db: list[str], database_url: str
) -> None:
    run("users", "deactivate", "scrutateur", *db)
    application = bootstrap(database_url, migrate=False)
    try:
        entry = audit.recent(application.uows, SYSTEM, 1)[0]
    finally:
        application.close()
    assert entry.actor == "admin"
    assert entry.entity_key == "scrutateur"


def test_a_role_may_be_given_in_french(db: list[str]) -> None:
    added = run(
        "users", "add", "sophie", "--role", "trésorière", "--password", "un-long-secret", *db
    )
    assert added.exit_code == 0, added.output
    assert "(trésorier)" in added.output
