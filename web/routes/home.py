"""The front door: the home page of each role, signing in and signing out."""

from __future__ import annotations

from functools import partial
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from gouvernance.bootstrap import short_read
from gouvernance.domain.errors import GouvernanceError
from gouvernance.services.access import accounts
from gouvernance.services.organisation import setup
from web.rendering import FormErrors, render
from web.session import (
    App,
    Form,
    clear_session,
    current_actor_or_none,
    login_csrf,
    remember_login_csrf,
    session_token,
    set_session,
)

router = APIRouter()


def _safe_next(target: str | None) -> str:
    """Only a path of this site: a crafted link must not send a person elsewhere after sign-in."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


@router.get("/", include_in_schema=False)
@short_read
def home(request: Request, app: App) -> Response:
    actor = current_actor_or_none(request)
    if actor is None:
        return RedirectResponse("/connexion", status_code=303)
    request.state.actor = actor
    organisation = setup.get_organisation(app.uows)
    return render(request, "accueil.html", organisation=organisation.name if organisation else None)


@router.get("/connexion", include_in_schema=False)
@short_read
def sign_in_page(request: Request, suite: str = "") -> Response:
    if current_actor_or_none(request) is not None:
        return RedirectResponse(_safe_next(suite), status_code=303)
    value = login_csrf(request)
    response = render(
        request, "connexion.html", login_csrf=value, suite=_safe_next(suite), username="",
        errors=None,
    )  # fmt: skip
    remember_login_csrf(response, value)
    return response


@router.post("/connexion", include_in_schema=False)
async def sign_in(request: Request, app: App, form: Form) -> Response:
    """The API's sign-in, its throttling and audit, then the token in a cookie."""
    username = str(form.get("username") or "").strip()
    password = str(form.get("password") or "")
    suite = _safe_next(str(form.get("suite") or "/"))
    address = request.client.host if request.client else None
    try:
        app.sign_in_limits.check(username, address)
        work = partial(
            accounts.sign_in, app.uows, username, password, address, limits=app.sign_in_limits
        )
        token = await app.sign_in_gate().run(work)
    except GouvernanceError as error:
        value = login_csrf(request)
        errors = FormErrors.of(error, {"username"})
        errors.general = error.message
        errors.fields.pop("password", None)
        response = render(
            request, "connexion.html", status=error.status, login_csrf=value, suite=suite,
            username=username, errors=errors,
        )  # fmt: skip
        if error.status == 429 and (retry := getattr(error, "retry_after", None)):
            response.headers["Retry-After"] = str(retry)
        remember_login_csrf(response, value)
        return response
    signed = RedirectResponse(suite, status_code=303)
    set_session(signed, token)
    return signed


@router.post("/deconnexion", include_in_schema=False)
def sign_out(request: Request, app: App, form: Form) -> Response:
    """The token is revoked (audited), the cookie forgotten."""
    token = session_token(request)
    actor = current_actor_or_none(request)
    if token is not None and actor is not None:
        accounts.sign_out(app.uows, actor, token)
    response = RedirectResponse("/connexion", status_code=303)
    clear_session(response)
    return response
