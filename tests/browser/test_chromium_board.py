"""The board's simulator at a desk: compare two schedules, read the charts, open a member's
calculation, download the table."""

from __future__ import annotations

from chromium_pages import Visitor
from playwright.sync_api import expect

FLAT = "Cotisation forfaitaire"
BRACKETS = "Barème par tranches de chiffre d'affaires"


def test_the_board_compares_two_schedules_sees_the_charts_and_opens_a_members_calculation(
    desk: Visitor,
) -> None:
    page = desk.page
    desk.sign_in("bureau", then="/conseil/simulation")
    expect(page.get_by_role("heading", level=1)).to_have_text("Comparer des barèmes de cotisation")
    desk.check("conseil-simulation")
    desk.capture("conseil-choix-baremes", page.get_by_role("region", name="Barèmes à comparer"))

    choices = page.get_by_role("group", name="Cochez les barèmes")
    for box in choices.get_by_role("checkbox").all():
        box.uncheck()
    choices.get_by_role("checkbox", name=FLAT).check()
    choices.get_by_role("checkbox", name=BRACKETS).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Comparer").click()
    expect(page.get_by_role("heading", name="Résultat : 2 barèmes comparés")).to_be_visible()
    legend = page.locator(".legende-baremes")
    expect(legend).to_contain_text(f"A — {FLAT}")
    expect(legend).to_contain_text(f"B — {BRACKETS}")
    charts = page.locator("figure.graphique svg[role=img]")
    expect(charts.first).to_be_visible()
    assert charts.count() >= 1
    assert all(chart.get_attribute("aria-labelledby") or chart.get_attribute("aria-label")
               or chart.locator("title").count() for chart in charts.all())  # fmt: skip
    desk.check("conseil-comparaison")
    desk.capture("conseil-totaux", page.get_by_role("region", name="Totaux par barème", exact=True))
    desk.capture("conseil-graphiques", page.get_by_role("region", name="Graphiques"))

    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger la comparaison (XLSX)").click()
    assert download.value.suggested_filename.endswith(".xlsx")

    members = page.get_by_role("table", name="Cotisation de chaque membre")
    members.get_by_role("link", name="GARRIGUE", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Calcul de la cotisation — GARRIGUE"
    )
    expect(page.get_by_role("heading", level=2, name=f"A — {FLAT}")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name=f"B — {BRACKETS}")).to_be_visible()
    desk.check("conseil-explication-membre")
    page.get_by_role("link", name="Revenir à la comparaison").click()
    expect(page.get_by_role("heading", name="Résultat : 2 barèmes comparés")).to_be_visible()


def test_the_simulator_reads_well_on_a_phone_too(phone: Visitor) -> None:
    phone.sign_in("tresorier", then="/conseil/simulation")
    expect(phone.page.locator("figure.graphique svg[role=img]").first).to_be_visible()
    phone.check("conseil-simulation")


def test_a_member_account_is_refused_the_simulator_in_french(phone: Visitor) -> None:
    phone.sign_in("adherent")
    phone.open("/conseil/simulation", "conseil-refuse-adherent", status=403)
    expect(phone.page.get_by_role("heading", level=1)).to_be_visible()
