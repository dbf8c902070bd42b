"""Signing in and out of the web pages: the API's accounts, throttling and audit, a session in
a secure cookie, and every form refused without its CSRF proof."""

from __future__ import annotations

from html import unescape

from fastapi.testclient import TestClient
from navigateur import SignIn, csrf_of

from gouvernance.bootstrap import Application
from gouvernance.domain.users import SYSTEM
from gouvernance.services import audit


def test_a_page_asks_to_sign_in_then_comes_back_to_it(browser: TestClient) -> None:
    asked = browser.get("/mon-espace", follow_redirects=False)
    assert asked.status_code == 303
    assert asked.headers["location"] == "/connexion?suite=/mon-espace"
    page = browser.get(asked.headers["location"])
    assert 'lang="fr"' in page.text and "Se connecter" in page.text
    done = browser.post(
        "/connexion",
        data={"csrf": csrf_of(page.text), "username": "adherent", "password": "demo-adherent",
              "suite": "/mon-espace"},
        follow_redirects=False,
    )  # fmt: skip
    assert done.status_code == 303 and done.headers["location"] == "/mon-espace"
    cookie = done.headers["set-cookie"]
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=lax" in cookie


def test_a_wrong_password_is_said_in_french_and_keeps_the_username(browser: TestClient) -> None:
    page = browser.get("/connexion")
    refused = browser.post(
        "/connexion",
        data={"csrf": csrf_of(page.text), "username": "adherent", "password": "faux"},
    )
    assert refused.status_code == 401
    assert "identifiant ou mot de passe incorrect" in refused.text
    assert 'value="adherent"' in refused.text
    assert "faux" not in refused.text


def test_a_sign_in_from_another_site_without_the_form_proof_is_refused(
    browser: TestClient,
) -> None:
    refused = browser.post("/connexion", data={"username": "adherent", "password": "demo-adherent"})
    assert refused.status_code == 403
    assert "rien n'a été enregistré" in unescape(refused.text)
    assert "gouvernance_session" not in refused.headers.get("set-cookie", "")


def test_signing_out_revokes_the_session_and_is_audited(
    sign_in: SignIn, web_demo: Application
) -> None:
    client = sign_in("adherent")
    home = client.get("/")
    assert home.status_code == 200 and "Mon espace" in home.text
    out = client.post("/deconnexion", data={"csrf": csrf_of(home.text)}, follow_redirects=False)
    assert out.status_code == 303
    actions = [e.action for e in audit.recent(web_demo.uows, SYSTEM, 5)]
    assert "déconnexion" in actions, actions
    assert client.get("/", follow_redirects=False).headers["location"] == "/connexion"


def test_a_post_without_the_csrf_proof_is_refused_and_writes_nothing(
    sign_in: SignIn, web_demo: Application
) -> None:
    client = sign_in("adherent")
    before = len(audit.recent(web_demo.uows, SYSTEM, 1000))
    refused = client.post("/deconnexion", data={})
    assert refused.status_code == 403
    assert len(audit.recent(web_demo.uows, SYSTEM, 1000)) == before
    assert client.get("/").status_code == 200  # still signed in


def test_every_page_says_it_is_french_and_sends_its_security_headers(
    sign_in: SignIn,
) -> None:
    client = sign_in("bureau")
    page = client.get("/")
    assert '<html lang="fr">' in page.text
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"


def test_an_unknown_page_is_a_french_404_and_the_api_keeps_its_json(
    browser: TestClient,
) -> None:
    page = browser.get("/nulle-part")
    assert page.status_code == 404 and "Page introuvable" in page.text
    api = browser.get("/members", headers={"Accept": "application/json"})
    assert api.status_code == 401 and api.json()["error"]["message"]
