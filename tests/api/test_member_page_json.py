"""A page of the register is written straight from its views (``api/routers/members.py``):
the document must stay the one a ``MemberPage`` model would give, figures included."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from api.schemas import MemberOut, MemberPage
from gouvernance.bootstrap import Application
from gouvernance.domain.users import SYSTEM
from gouvernance.services.ports import MemberFilter
from gouvernance.services.registry import members

Headers = dict[str, str]


def test_a_page_of_members_is_the_document_of_its_model(
    app: Application, client: TestClient, demo_accounts: Callable[[str], Headers]
) -> None:
    headers = demo_accounts("tresorier")
    response = client.get("/members", params={"limit": 20, "offset": 3}, headers=headers)
    assert response.status_code == 200, response.text
    page = members.list_members(app.uows, SYSTEM, MemberFilter(), 3, 20)
    model = MemberPage(
        items=[MemberOut.of(view) for view in page.items],
        total=page.total,
        offset=page.offset,
        limit=page.limit,
    )
    assert any(item["facts"] for item in response.json()["items"])
    assert response.json() == model.model_dump(mode="json")
    assert "created" not in response.json()["items"][0]
