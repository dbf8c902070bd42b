"""Signing in, in a real browser: the form, its French refusal, the keyboard, the CSRF proof."""

from __future__ import annotations

from html import unescape

from chromium_pages import Visitor
from playwright.sync_api import expect


def test_a_member_signs_in_through_the_form_and_sees_the_pages_of_their_role(
    phone: Visitor,
) -> None:
    phone.open("/connexion", "connexion")
    phone.sign_in("adherent")
    phone.check("accueil-adherent")
    menu = phone.page.get_by_role("navigation", name="Navigation principale")
    for label in ("Mon espace", "Mes appels", "Mes pouvoirs", "Assemblées"):
        expect(menu.get_by_role("link", name=label)).to_be_visible()
    expect(menu.get_by_role("link", name="Barèmes")).to_have_count(0)


def test_a_wrong_password_is_refused_in_french_next_to_the_form_and_keeps_the_username(
    phone: Visitor,
) -> None:
    phone.page.goto("/connexion")
    phone.page.get_by_label("Identifiant").fill("adherent")
    phone.page.get_by_label("Mot de passe").fill("pas-le-bon")
    with phone.page.expect_response(lambda r: r.request.method == "POST") as answer:
        phone.page.get_by_role("button", name="Se connecter").click()
    assert answer.value.status == 401
    expect(phone.page.get_by_role("alert")).to_contain_text("identifiant ou mot de passe incorrect")
    expect(phone.page.get_by_label("Identifiant")).to_have_value("adherent")
    expect(phone.page.get_by_label("Mot de passe")).to_have_value("")
    phone.check("connexion-refusee")


def test_the_keyboard_alone_reaches_the_sign_in_button_and_enter_submits(desk: Visitor) -> None:
    page = desk.page
    page.goto("/connexion")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Aller au contenu")).to_be_focused()
    for _ in range(10):  # the skip link, the site's name, then the form
        if page.evaluate("() => document.activeElement.id") == "champ-username":
            break
        page.keyboard.press("Tab")
    expect(page.get_by_label("Identifiant")).to_be_focused()
    page.keyboard.type("bureau")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Mot de passe")).to_be_focused()
    page.keyboard.type("demo-bureau")
    page.keyboard.press("Tab")
    button = page.get_by_role("button", name="Se connecter")
    expect(button).to_be_focused()
    outline = button.evaluate("b => getComputedStyle(b).outlineStyle")
    assert outline != "none", "le bouton qui a le focus doit se voir"
    desk.capture("connexion-clavier")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".qui")).to_contain_text("bureau")
    desk.check("accueil-conseil")


def test_a_post_without_the_csrf_proof_is_refused_with_403_and_changes_nothing(
    phone: Visitor,
) -> None:
    phone.sign_in("adherent")
    forged = phone.page.request.post("/deconnexion", form={}, headers={"Accept": "text/html"})
    assert forged.status == 403
    assert "rien n'a été enregistré" in unescape(forged.text())
    # The same form, sent by the browser once its proof is taken out: the French 403 page.
    phone.page.locator("form.deconnexion input[name=csrf]").evaluate("field => field.remove()")
    with phone.page.expect_navigation():
        phone.page.get_by_role("button", name="Se déconnecter").click()
    expect(phone.page.get_by_role("heading", level=1)).to_have_text("Formulaire refusé")
    phone.check("formulaire-refuse")
    phone.open("/", "accueil-toujours-connecte")  # the session is still there
    expect(phone.page.locator(".qui")).to_contain_text("adherent")


def test_signing_out_with_the_button_ends_the_session(phone: Visitor) -> None:
    phone.sign_in("adherent")
    with phone.page.expect_navigation():
        phone.page.get_by_role("button", name="Se déconnecter").click()
    expect(phone.page.get_by_role("heading", level=1)).to_have_text("Se connecter")
    phone.page.goto("/mon-espace")
    assert phone.page.url.endswith("/connexion?suite=/mon-espace")
