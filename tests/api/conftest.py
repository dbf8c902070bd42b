"""An HTTP client on a fresh database, and signed-in headers for each role."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from gouvernance.bootstrap import Application
from gouvernance.domain.members import MemberDraft, PersonKind
from gouvernance.domain.users import SYSTEM, Role
from gouvernance.services.access import accounts
from gouvernance.services.registry import members

PASSWORD = "mot-de-passe-test"
Headers = dict[str, str]


@pytest.fixture
def client(app: Application) -> Iterator[TestClient]:
    with TestClient(create_app(app)) as test_client:
        yield test_client


@pytest.fixture
def own_member_code(app: Application) -> str:
    from datetime import date

    draft = MemberDraft(
        kind=PersonKind.NATURAL,
        category="employee",
        joined_on=date(2024, 1, 15),
        first_name="Camille",
        last_name="Roux",
        code="SAL01",
    )
    return members.create_member(app.uows, SYSTEM, draft).code


@pytest.fixture
def sign_in(
    app: Application, client: TestClient, own_member_code: str
) -> Callable[[Role], Headers]:
    """Headers of a freshly created account with the given role."""

    def headers(role: Role) -> Headers:
        username = f"test-{role.value}"
        with app.uows() as uow:
            exists = uow.users.get(username) is not None
        if not exists:
            accounts.add_user(
                app.uows,
                SYSTEM,
                username,
                PASSWORD,
                role,
                own_member_code if role is Role.MEMBER else None,
            )
        response = client.post("/auth/token", data={"username": username, "password": PASSWORD})
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    return headers


@pytest.fixture
def as_admin(sign_in: Callable[[Role], Headers]) -> Headers:
    return sign_in(Role.ADMIN)


@pytest.fixture
def demo_accounts(
    client: TestClient, demo_loader: Callable[[str], None], database_url: str
) -> Callable[[str], Headers]:
    """The demo loaded; ``demo_accounts("tresorier")`` signs that demo account in (password
    « demo-<name> ») and gives its headers. Modules set the day they need themselves."""
    demo_loader(database_url)

    def headers(username: str) -> Headers:
        response = client.post(
            "/auth/token", data={"username": username, "password": f"demo-{username}"}
        )
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    return headers
