"""Voting online on a phone, for oneself and for the associate whose proxy one holds, while the
scrutineers' live screen follows (AG-2026-02, open on 12 December 2026)."""

from __future__ import annotations

from chromium_pages import DESK, OpenVisitor, Visitor
from playwright.sync_api import Locator, Page, expect

ASSEMBLY = "AG-2026-02"


def _ballot(page: Page, legend: str) -> Locator:
    """The form whose group of choices is named ``legend``."""
    return page.locator("form.formulaire-vote").filter(
        has=page.get_by_role("group", name=legend, exact=True)
    )


def test_a_member_votes_for_themself_and_for_ben02_and_the_live_screen_follows(
    phone: Visitor, open_visitor: OpenVisitor
) -> None:
    screen = open_visitor(DESK)
    screen.sign_in("scrutateur", then=f"/assemblees/{ASSEMBLY}/direct")
    expect(screen.page.locator("#ecran-etat")).to_contain_text("En direct")
    first_tally = screen.page.locator("#ecran-resolutions table").first
    # « Pour » of the first college: the page drawn by the server, then again by the feed's
    # first event, may differ in its text without a ballot; this count moves only by one.
    votes_for = first_tally.locator("tbody tr").first.locator("td").first
    before = int(votes_for.inner_text())
    screen.check("scrutateur-ecran-direct")

    page = phone.page
    phone.sign_in("adherent", then="/assemblees")
    phone.check("adherent-assemblees")
    page.locator("article.assemblee").filter(has_text=ASSEMBLY).get_by_role(
        "link", name="Voter"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Voter")
    expect(page.get_by_text("Vous-même")).to_be_visible()
    expect(page.get_by_text("dont vous détenez le pouvoir")).to_be_visible()
    phone.check("adherent-voter")

    own = _ballot(page, "Votre choix sur la résolution n° 1")
    own.get_by_label("Pour").check()
    with page.expect_navigation():
        own.get_by_role("button", name="Voter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vote enregistré")
    expect(page.locator("dl.recu")).to_contain_text("l'associé lui-même")
    phone.check("adherent-recu")

    # The live screen has followed, without being reloaded: one more « pour ».
    expect(votes_for).to_have_text(str(before + 1), timeout=5_000)
    screen.check("scrutateur-ecran-apres-vote")

    page.get_by_role("link", name="Revenir au vote").click()
    proxy = (
        page.locator("form.formulaire-vote")
        .filter(has_text="BEN02")
        .filter(has=page.get_by_role("group", name="sur la résolution n° 1"))
    )
    proxy.get_by_label("Contre").check()
    with page.expect_navigation():
        proxy.get_by_role("button", name="Voter pour BEN02").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vote enregistré")
    expect(page.locator("dl.recu")).to_contain_text("porteur de son pouvoir")
    phone.check("adherent-recu-pouvoir")

    page.get_by_role("link", name="Revenir au vote").click()
    first = page.locator("section.resolution").first
    expect(first.locator(".deja-vote")).to_have_count(2)
    expect(first.get_by_text("Déjà voté").first).to_be_visible()
    expect(_ballot(page, "Votre choix sur la résolution n° 1")).to_have_count(0)
    phone.check("adherent-deja-vote")


def test_a_member_sees_the_proxies_they_hold_and_how_to_give_theirs(phone: Visitor) -> None:
    phone.sign_in("adherent", then="/mon-espace/pouvoirs")
    expect(phone.page.get_by_role("heading", level=1)).to_have_text("Mes pouvoirs")
    expect(phone.page.get_by_role("heading", name="Les pouvoirs que je détiens")).to_be_visible()
    expect(phone.page.locator("section.pouvoirs")).to_contain_text("BEN02")
    phone.check("adherent-pouvoirs")
