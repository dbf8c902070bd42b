"""Bodies of the account endpoints: the list of accounts, passwords, revocations."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from api.schemas import Strict
from gouvernance.domain.users import Role
from gouvernance.services.access.accounts import AccountView


class AccountOut(BaseModel):
    username: str
    role: Role
    role_label: str = Field(description="le rôle en français")
    member_code: str | None
    active: bool = Field(description="faux : le compte ne peut plus se connecter")
    live_tokens: int = Field(description="jetons encore valables (sessions ouvertes)")

    @classmethod
    def of(cls, view: AccountView) -> AccountOut:
        return cls(
            username=view.username,
            role=view.role,
            role_label=view.role.label,
            member_code=view.member_code,
            active=view.active,
            live_tokens=view.live_tokens,
        )


class PasswordChangeIn(Strict):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"current_password": "demo-tresorier", "new_password": "garrigue-en-fleurs-2027"}
            ]
        }
    )

    current_password: str = Field(min_length=1, max_length=200)
    new_password: str = Field(min_length=1, max_length=200)


class PasswordResetIn(Strict):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"new_password": "olivier-centenaire-2027"}]}
    )

    new_password: str = Field(min_length=1, max_length=200)


class RevokedOut(BaseModel):
    revoked: int = Field(description="nombre de jetons révoqués")
