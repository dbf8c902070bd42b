"""Who a command typed on the server acts for: a named account, never an anonymous system user.

The CLI has the database in hand, so it could do anything; naming the account (``--as`` or
``GOUVERNANCE_OPERATOR``) keeps the audit log readable (« qui a émis ce lot ? ») and applies
that account's role, so a treasurer's terminal cannot close an assembly.
"""

from __future__ import annotations

from gouvernance.domain.errors import Forbidden, InvalidInput, NotFound
from gouvernance.domain.users import Actor, Role
from gouvernance.services.ports import UnitOfWorkFactory

FIRST_ADMIN_HINT = "gouvernance users add NOM --role admin"


def operator(uows: UnitOfWorkFactory, username: str | None) -> Actor:
    """The active account called ``username``, as the actor of a command."""
    with uows() as uow:
        if username is None:
            names = [u.username for u in uow.users.all() if u.active]
            if not names:
                raise InvalidInput(
                    "aucun compte n'existe encore : créez d'abord le premier administrateur "
                    f"avec « {FIRST_ADMIN_HINT} »",
                    field="--as",
                )
            shown = ", ".join(names[:8]) + (" …" if len(names) > 8 else "")
            raise InvalidInput(
                "précisez au nom de quel compte agir : « gouvernance --as NOM … » ou la "
                f"variable GOUVERNANCE_OPERATOR=NOM (comptes actifs : {shown})",
                field="--as",
            )
        user = uow.users.get(username.strip())
        if user is None:
            raise NotFound(
                f"aucun compte « {username} » : voyez « gouvernance users list »", field="--as"
            )
        if not user.active:
            raise Forbidden(f"le compte « {user.username} » est désactivé", field="--as")
        return user.actor()


def first_admin(uows: UnitOfWorkFactory, username: str) -> Actor | None:
    """The actor who creates the very first account: that administrator, in their own name.

    ``None`` once any account exists: from then on an account is created by a named admin."""
    with uows() as uow:
        if uow.users.all():
            return None
    return Actor(username=username.strip(), role=Role.ADMIN)
