"""A chair's day at the desk, in Chromium, on the demo's open assembly AG-2026-02 (12 December
2026): the board puts a show-of-hands resolution on the agenda; the scrutineer lets three
associates in at the door with the keyboard (one represented by another, named by name), counts
the hands, closes, signs and downloads the minutes; the door on a phone."""

from __future__ import annotations

from chromium_pages import DESK, OpenVisitor, Visitor
from playwright.sync_api import Page, expect

ASSEMBLY = "AG-2026-02"
DOOR = f"/assemblees/{ASSEMBLY}/emargement"


def _search_by_keyboard(page: Page, typed: str) -> None:
    """The search field has the focus (its previous text selected): type, then Enter."""
    expect(page.locator("#recherche")).to_be_focused()
    page.keyboard.type(typed)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_the_chair_lets_three_in_counts_hands_closes_signs_and_downloads_the_minutes(
    open_visitor: OpenVisitor,
) -> None:
    board = open_visitor(DESK)
    board.sign_in("bureau", then="/assemblees")
    board.page.get_by_role("link", name="Convoquer une assemblée").click()
    expect(board.page.get_by_role("heading", level=1)).to_have_text("Convoquer une assemblée")
    board.check("bureau-convoquer")
    board.page.get_by_role("link", name="Toutes les assemblées").click()
    board.page.locator("article.assemblee").filter(has_text=ASSEMBLY).get_by_role(
        "link", name="Bureau de l'assemblée"
    ).click()
    expect(board.page.get_by_role("heading", level=1)).to_contain_text("Bureau de l'assemblée")
    board.capture("bureau-presences", board.page.locator("section", has_text="Présences et quorum"))
    form = board.page.get_by_role("form", name="Inscrire une résolution")
    form.get_by_label("Intitulé de la résolution").fill("Pouvoirs au conseil")
    form.get_by_label("Vote à main levée").check()
    with board.page.expect_navigation():
        form.get_by_role("button", name="Inscrire la résolution").click()
    expect(board.page.locator(".succes")).to_have_text("Résolution inscrite à l'ordre du jour.")
    board.check("bureau-assemblee")
    board.page.get_by_role("link", name="Envoyer la convocation").click()
    expect(board.page.locator(".apercu-envoi")).to_contain_text("35 courriels à envoyer")
    board.check("bureau-envoi-convocation")
    board.capture("bureau-envoi-apercu", board.page.locator(".apercu-envoi"))

    desk = open_visitor(DESK)
    page = desk.page
    desk.sign_in("scrutateur", then=DOOR)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Émargement")
    desk.check("bureau-porte")

    _search_by_keyboard(page, "elodie")
    line = page.locator("#ligne-BEN03")
    with page.expect_navigation():
        line.locator("button[value=present]").click()
    expect(page.locator(".succes")).to_have_text("BEN03 émargé : présent.")
    _search_by_keyboard(page, "ben04")  # the previous search is replaced as one types
    with page.expect_navigation():
        page.locator("#ligne-BEN04 button[value=remote]").click()
    expect(page.locator(".succes")).to_have_text("BEN04 émargé : à distance.")
    _search_by_keyboard(page, "nadia")
    line = page.locator("#ligne-BEN05")
    line.locator("summary").click()
    line.get_by_label("Porteur du pouvoir").fill("perrin")
    with page.expect_navigation():
        line.get_by_role("button", name="Enregistrer le pouvoir").click()
    expect(page.locator(".succes")).to_have_text("BEN05 émargé : représenté.")
    expect(page.locator(".total-porte")).to_contain_text("9 émargés sur 43")
    desk.check("bureau-porte-pouvoir")
    desk.capture("bureau-porte-entete", page.locator(".entete-porte"))
    desk.capture("bureau-porte-represente", page.locator("#ligne-BEN05"))

    page.get_by_role("link", name="Bureau de l'assemblée").click()
    page.get_by_role("link", name="Compter les mains (résolution n° 3)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Main levée — résolution n° 3")
    page.get_by_label("Pour").fill("7")
    page.get_by_label("Contre").fill("1")
    page.get_by_label("Abstention").fill("1")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer les voix").click()
    expect(page.locator(".succes")).to_have_text("Décompte enregistré.")
    desk.check("bureau-main-levee")
    desk.capture("bureau-main-levee-college", page.locator("section.college-main-levee"))

    page.get_by_role("link", name="Bureau de l'assemblée").click()
    page.get_by_role("link", name="Clore l'assemblée").click()
    expect(page.get_by_role("heading", name="Ce que la clôture fige")).to_be_visible()
    expect(page.locator("main")).to_contain_text("résolution n° 1 « Budget prévisionnel 2027 »")
    desk.check("bureau-cloture")
    with page.expect_navigation():
        page.get_by_role("button", name=f"Clore définitivement l'assemblée {ASSEMBLY}").click()
    expect(page.locator(".succes")).to_contain_text("Assemblée close")
    expect(page.locator("article.proces-verbal")).to_contain_text(
        "Résolution 3 — Pouvoirs au conseil"
    )
    expect(page.locator("article.proces-verbal")).to_contain_text("Résolution adoptée.")

    page.get_by_label("Qualité").select_option(label="Président de séance")
    page.get_by_label("Nom du signataire").fill("Annie Castel")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer la signature").click()
    expect(page.locator("article.proces-verbal")).to_contain_text(
        "Signé par Annie Castel, président de séance"
    )
    desk.check("bureau-proces-verbal")
    desk.capture("bureau-signatures", page.locator("section.signatures"))

    link = page.get_by_role("link", name="Télécharger le procès-verbal (PDF)")
    href = link.get_attribute("href")
    assert href == f"/assemblees/{ASSEMBLY}/pv"
    pdf = page.context.request.get(href)
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")


def test_the_door_on_a_phone(phone: Visitor) -> None:
    page = phone.page
    phone.sign_in("scrutateur", then=DOOR)
    expect(page.locator(".compteurs-porte")).to_contain_text("Présents : 4")
    phone.check("bureau-porte")
    _search_by_keyboard(page, "ben0")
    line = page.locator("#ligne-BEN03")
    line.locator("summary").click()
    expect(line.get_by_label("Porteur du pouvoir")).to_be_visible()
    phone.check("bureau-porte-recherche")
    phone.capture("bureau-porte-ligne", line)
    with page.expect_navigation():
        line.locator("button[value=present]").click()
    expect(page.locator(".succes")).to_have_text("BEN03 émargé : présent.")
    expect(page.locator("#ligne-BEN03 .badge")).to_have_text("présent")
    phone.check("bureau-porte-emarge")


def test_a_postal_voting_form_is_entered_on_a_phone(phone: Visitor) -> None:
    page = phone.page
    phone.sign_in("scrutateur", then=f"{DOOR}?q=vallon")
    page.get_by_role("link", name="Saisir son vote par correspondance").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("(VALLON)")
    phone.check("bureau-bulletins")
    page.get_by_role("group", name="Choix sur la résolution n° 1").get_by_label("Pour").check()
    page.get_by_role("group", name="Choix sur la résolution n° 2").get_by_label("Contre").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer les bulletins de VALLON").click()
    expect(page.locator(".succes")).to_have_text("2 bulletin(s) enregistré(s).")
    expect(page.locator(".deja-vote")).to_have_count(2)
    phone.check("bureau-bulletins-enregistres")
