"""Who is signed in to the web pages, and proof that a form was sent by our own page.

The session is the API's own bearer token, kept in a cookie the page's scripts cannot read
(``HttpOnly``), sent only over HTTPS or to the machine itself (``Secure``; browsers treat
``127.0.0.1`` and ``localhost`` as secure) and never by another site's form or image
(``SameSite=Lax``). Signing out revokes the token, as ``POST /auth/logout`` does.

CSRF: every form carries a token derived from the session token (SHA-256, so a page of another
site, which cannot read our cookie, cannot compute it); the sign-in form, before any session,
uses a random value both in a cookie and in the form (double submit).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import Response

from gouvernance.bootstrap import Application
from gouvernance.domain.errors import Unauthenticated
from gouvernance.domain.users import Actor
from gouvernance.services.access import accounts

SESSION_COOKIE = "gouvernance_session"
LOGIN_COOKIE = "gouvernance_connexion"  # the sign-in form's CSRF value, before any session
CSRF_FIELD = "csrf"
SESSION_SECONDS = int(accounts.TOKEN_LIFETIME.total_seconds())


class SignInRequired(Exception):
    """A page needs a signed-in person: the web application answers with the sign-in page."""


class CsrfRefused(Exception):
    """A form came without our proof: refused in French, nothing written."""


def application(request: Request) -> Application:
    found: Application = request.app.state.get_application()
    return found


def session_token(request: Request) -> str | None:
    return request.cookies.get(SESSION_COOKIE) or None


def csrf_for(token: str) -> str:
    return hashlib.sha256(f"csrf:{token}".encode()).hexdigest()[:40]


def current_actor_or_none(request: Request) -> Actor | None:
    token = session_token(request)
    if token is None:
        return None
    try:
        return application(request).actor_for_token(token)
    except Unauthenticated:
        return None


async def current_actor(request: Request) -> Actor:
    """The signed-in person, or the sign-in page. ``async``, as the API's: the token's one
    indexed lookup is a short read (``Application.read_briefly``: on the event loop with
    SQLite, where a plain ``def`` dependency would cost a trip to the thread pool)."""
    reading = functools.partial(current_actor_or_none, request)
    actor = await application(request).read_briefly(reading)
    if actor is None:
        raise SignInRequired
    request.state.actor = actor
    return actor


async def checked_form(request: Request) -> dict[str, Any]:
    """The posted form, once its CSRF value matches the session's (or the sign-in cookie's)."""
    form = await request.form()
    sent = str(form.get(CSRF_FIELD, ""))
    token = session_token(request)
    expected = csrf_for(token) if token else request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not hmac.compare_digest(sent, expected):
        raise CsrfRefused
    return {key: form.get(key) for key in form}


def set_session(response: Response, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE, token, max_age=SESSION_SECONDS, httponly=True, secure=True,
        samesite="lax", path="/",
    )  # fmt: skip
    response.delete_cookie(LOGIN_COOKIE, path="/")


def clear_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", secure=True, httponly=True, samesite="lax")


def login_csrf(request: Request) -> str:
    """The sign-in form's CSRF value: the one already in its cookie, or a new one."""
    return request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(24)


def remember_login_csrf(response: Response, value: str) -> None:
    response.set_cookie(
        LOGIN_COOKIE, value, max_age=3600, httponly=True, secure=True, samesite="strict",
        path="/",
    )  # fmt: skip


async def _application(request: Request) -> Application:
    return application(request)  # ``async``: no trip to the thread pool for an attribute


Form = Annotated[dict[str, Any], Depends(checked_form)]
CurrentActor = Annotated[Actor, Depends(current_actor)]
App = Annotated[Application, Depends(_application)]
Handler = Callable[[Request], Awaitable[Response]]
