"""Online voting through the web pages, on the demo's open assembly AG-2026-02 (12 December
2026): the member RESSOURCERIE (account ``adherent``) votes for themself and for BEN02, whose
proxy they hold; receipts, « déjà voté », refusals in French with nothing written; proxies
given within the statutes' limit; the scrutineers' live screen and its feed."""

from __future__ import annotations

import json
import re
from html import unescape
from typing import Any

import pytest
from fastapi.testclient import TestClient
from navigateur import SignIn, csrf_of

from gouvernance.bootstrap import Application
from gouvernance.domain.assembly.model import Attendance, Choice
from gouvernance.domain.users import SYSTEM, Actor, Role
from gouvernance.services import audit
from gouvernance.services.access import accounts
from gouvernance.services.assembly import assemblies
from web.routes import screen

OPEN = "AG-2026-02"
CLOSED = "AG-2026-01"
VOTE = f"/assemblees/{OPEN}/voter"
SCRUTINEER = Actor("scrutateur", Role.SCRUTINEER)
_FORM = re.compile(r'<form method="post" action="/assemblees/[^"]+/voter".*?</form>', re.S)
_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def text(html: str) -> str:
    """The page as read: entities decoded, spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def ballot_forms(html: str) -> list[dict[str, str]]:
    """The hidden fields of each ballot form of a page (csrf, cle, votant, resolution)."""
    return [dict(_HIDDEN.findall(form)) for form in _FORM.findall(html)]


def form_for(html: str, voter: str, number: int) -> dict[str, str]:
    (found,) = [
        f for f in ballot_forms(html) if f["votant"] == voter and f["resolution"] == str(number)
    ]
    return found


def votes_recorded(app: Application) -> int:
    """Ballots audited at the open assembly (the closed one has its own)."""
    entries = audit.recent(app.uows, SYSTEM, 1000)
    return sum(1 for e in entries if e.action == "assemblee.vote" and e.entity_key == OPEN)


def audit_size(app: Application) -> int:
    """The newest audit entry's number: unchanged when nothing was written."""
    (newest,) = audit.recent(app.uows, SYSTEM, 1)
    assert newest.id is not None
    return newest.id


@pytest.fixture
def member(sign_in: SignIn) -> TestClient:
    return sign_in("adherent")


@pytest.fixture
def ben03(web_demo: Application, sign_in: SignIn) -> TestClient:
    """A second member account, for BEN03 (entitled at AG-2026-02, not on the sheet yet)."""
    accounts.add_user(web_demo.uows, SYSTEM, "ben03", "demo-ben03", Role.MEMBER, "BEN03")
    return sign_in("ben03")


# --- the assemblies ---------------------------------------------------------------------------


def test_the_assemblies_page_lists_the_open_assembly_first_with_a_link_to_vote(
    member: TestClient,
) -> None:
    page = member.get("/assemblees")
    assert page.status_code == 200
    read = text(page.text)
    assert read.index(OPEN) < read.index(CLOSED)
    assert f'href="{VOTE}"' in page.text
    assert f'href="/assemblees/{CLOSED}/pv"' in page.text
    assert "/direct" not in page.text  # the live screen is for the board and scrutineers


def test_the_board_finds_the_live_screen_and_the_minutes_of_the_closed_assembly(
    sign_in: SignIn,
) -> None:
    board = sign_in("bureau")
    page = board.get("/assemblees")
    assert f'href="/assemblees/{OPEN}/direct"' in page.text
    assert "voter" not in page.text  # a board account casts no ballot
    minutes = board.get(f"/assemblees/{CLOSED}/pv")
    assert minutes.status_code == 200
    assert minutes.headers["content-type"] == "application/pdf"
    assert minutes.content.startswith(b"%PDF")


# --- voting -----------------------------------------------------------------------------------


def test_a_member_sees_each_resolution_and_a_ballot_for_themself_and_for_ben02(
    member: TestClient,
) -> None:
    page = member.get(VOTE)
    assert page.status_code == 200
    read = text(page.text)
    assert "Résolution n° 1 : Budget prévisionnel 2027" in read
    assert "L'assemblée approuve le budget prévisionnel 2027" in read
    assert "Résolution n° 2 : Élection de deux administrateurs" in read
    assert "majorité" in read and "vote à bulletin secret" in read
    assert "Ce que le secret garantit, et ses limites" in read
    assert "dont vous détenez le pouvoir" in read
    forms = ballot_forms(page.text)
    assert sorted((f["votant"], f["resolution"]) for f in forms) == [
        ("BEN02", "1"), ("BEN02", "2"), ("RESSOURCERIE", "1"), ("RESSOURCERIE", "2"),
    ]  # fmt: skip
    assert len({f["cle"] for f in forms}) == 4  # one idempotency key per form
    for choice, label in (("for", "Pour"), ("against", "Contre"), ("abstain", "Abstention"),
                          ("blank", "Blanc"), ("null", "Nul")):  # fmt: skip
        assert f'value="{choice}" required> {label}</label>' in page.text


def test_a_member_votes_for_themself_gets_the_receipt_then_sees_deja_vote(
    member: TestClient, web_demo: Application
) -> None:
    page = member.get(VOTE)
    sent = member.post(
        VOTE, data={**form_for(page.text, "RESSOURCERIE", 1), "choix": "for"},
        follow_redirects=False,
    )  # fmt: skip
    assert sent.status_code == 303
    assert sent.headers["location"] == f"/assemblees/{OPEN}/recu/1/RESSOURCERIE"

    receipt = member.get(sent.headers["location"])
    read = text(receipt.text)
    assert receipt.status_code == 200
    assert "Vote enregistré" in read and "Budget prévisionnel 2027" in read
    assert "Choix pour" in read and "l'associé lui-même" in read
    assert re.search(r"Enregistré le \d\d/\d\d/\d{4} à \d\d:\d\d:\d\d", read)
    fingerprint = re.search(r"Empreinte du reçu ([0-9A-F]{4}(-[0-9A-F]{4}){3})", read)
    assert fingerprint

    again = member.get(VOTE)
    assert "Déjà voté" in text(again.text)
    assert fingerprint.group(1) in again.text
    assert ("RESSOURCERIE", "1") not in [
        (f["votant"], f["resolution"]) for f in ballot_forms(again.text)
    ]
    assert len(ballot_forms(again.text)) == 3
    assert votes_recorded(web_demo) == 1


def test_a_secret_ballot_for_ben02_by_proxy_gets_a_receipt_without_the_choice(
    member: TestClient,
) -> None:
    page = member.get(VOTE)
    sent = member.post(VOTE, data={**form_for(page.text, "BEN02", 2), "choix": "abstain"})
    assert sent.status_code == 200
    assert str(sent.url).endswith(f"/assemblees/{OPEN}/recu/2/BEN02")
    read = text(sent.text)
    assert "Bulletin secret enregistré" in read
    assert "RESSOURCERIE, porteur de son pouvoir" in read
    assert "abstention" not in read.lower()
    assert "Choix secret" in read
    assert "la ligne de vote (qui a voté, par qui, quand) n'a pas de choix" in read
    assert "sur PostgreSQL" in read and "une fois que tout le monde a voté" in read
    assert "Déjà voté" in text(member.get(VOTE).text)


def test_a_second_ballot_is_refused_in_french_with_409_and_nothing_written(
    member: TestClient, web_demo: Application
) -> None:
    page = member.get(VOTE)  # two forms of the same page: the second is a second ballot
    first = form_for(page.text, "RESSOURCERIE", 1)
    member.post(VOTE, data={**first, "choix": "for"})
    before = audit_size(web_demo)

    stale = {**first, "cle": "une-autre-cle", "choix": "against"}
    refused = member.post(VOTE, data=stale)

    assert refused.status_code == 409
    assert "a déjà voté sur la résolution n° 1" in text(refused.text)
    assert "Rien n'a été enregistré" in text(refused.text)
    assert audit_size(web_demo) == before
    tally = assemblies.tally(web_demo.uows, SCRUTINEER, OPEN)
    assert (
        tally.tally.resolutions[0].headcount.for_,
        tally.tally.resolutions[0].headcount.against,
    ) == (1, 0)


def test_a_retried_post_with_the_same_key_records_the_ballot_once(
    member: TestClient, web_demo: Application
) -> None:
    page = member.get(VOTE)
    ballot = {**form_for(page.text, "BEN02", 1), "choix": "against"}
    first = member.post(VOTE, data=ballot, follow_redirects=False)
    retried = member.post(VOTE, data=ballot, follow_redirects=False)

    assert first.status_code == retried.status_code == 303
    assert first.headers["location"] == retried.headers["location"]
    assert votes_recorded(web_demo) == 1
    tally = assemblies.tally(web_demo.uows, SCRUTINEER, OPEN)
    assert tally.tally.resolutions[0].headcount.against == 1


def test_a_ballot_without_a_choice_is_refused_next_to_its_form(member: TestClient) -> None:
    page = member.get(VOTE)
    refused = member.post(VOTE, data=form_for(page.text, "RESSOURCERIE", 1))
    assert refused.status_code == 422
    assert 'aria-describedby="erreur-1-RESSOURCERIE"' in refused.text
    assert "cochez votre choix" in text(refused.text)


def test_a_vote_after_closing_is_refused_in_french_and_the_page_says_the_vote_is_over(
    member: TestClient, web_demo: Application
) -> None:
    page = member.get(VOTE)
    assemblies.close_assembly(web_demo.uows, SCRUTINEER, OPEN)
    before = audit_size(web_demo)

    refused = member.post(VOTE, data={**form_for(page.text, "RESSOURCERIE", 2), "choix": "for"})

    assert refused.status_code == 409
    assert f"l'assemblée {OPEN} est close : plus rien ne change" in text(refused.text)
    assert audit_size(web_demo) == before
    assert ballot_forms(refused.text) == []
    assert "l'assemblée est close : le vote est terminé" in text(member.get(VOTE).text)


def test_another_members_ballot_is_refused(member: TestClient) -> None:
    page = member.get(VOTE)
    forged = {**form_for(page.text, "RESSOURCERIE", 1), "votant": "SAL01", "choix": "for"}
    refused = member.post(VOTE, data=forged)
    assert refused.status_code == 403
    assert "un associé vote pour lui-même et pour les associés dont il détient le pouvoir" in (
        text(refused.text)
    )


def test_a_member_not_on_the_sheet_is_told_to_ask_the_scrutineers(ben03: TestClient) -> None:
    page = ben03.get(VOTE)
    assert page.status_code == 200
    assert ballot_forms(page.text) == []
    assert "demandez aux scrutateurs de vous inscrire « à distance »" in text(page.text)


def test_a_board_account_has_no_ballot_paper(sign_in: SignIn) -> None:
    refused = sign_in("bureau").get(VOTE)
    assert refused.status_code == 403
    assert "compte d'adhérent" in text(refused.text)


def test_the_voting_page_is_made_for_a_phone(member: TestClient) -> None:
    """360 px wide: the viewport follows the device, no fixed width nor inline style, every
    choice a labelled radio button, one full-width button per ballot (browser-checked by
    tests/browser)."""
    page = member.get(VOTE)
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page.text
    assert "style=" not in page.text and "<table" not in page.text
    assert page.text.count('type="radio"') == 4 * 5
    assert page.text.count("<legend>") == 4
    css = member.get("/static/web/gouvernance.css").text
    assert ".formulaire-vote button { width: 100%; }" in css


# --- proxies ----------------------------------------------------------------------------------


def test_the_member_sees_the_proxy_they_hold_and_why_they_give_none(member: TestClient) -> None:
    page = member.get("/mon-espace/pouvoirs")
    read = text(page.text)
    assert page.status_code == 200
    assert "Les pouvoirs que je détiens" in read and "(BEN02)" in read
    assert "vous avez émargé (présent) : vous votez vous-même" in read
    assert "au plus 2 pouvoirs par associé" in read


def test_a_member_gives_their_proxy_then_takes_it_back(
    ben03: TestClient, web_demo: Application
) -> None:
    page = ben03.get("/mon-espace/pouvoirs")
    assert '<option value="SAL01">' in page.text
    given = ben03.post(
        "/mon-espace/pouvoirs",
        data={"csrf": csrf_of(page.text), "assemblee": OPEN, "mandataire": "SAL01"},
    )
    assert given.status_code == 200
    read = text(given.text)
    assert "Votre pouvoir est enregistré." in read and "(SAL01), qui vote pour vous" in read
    roll = {line.member_code: line for line in assemblies.roll_view(web_demo.uows, SYSTEM, OPEN)}
    assert (roll["BEN03"].attendance, roll["BEN03"].holder_code) == (
        Attendance.REPRESENTED, "SAL01",
    )  # fmt: skip

    taken = ben03.post(
        "/mon-espace/pouvoirs/retirer", data={"csrf": csrf_of(given.text), "assemblee": OPEN}
    )
    assert "Votre pouvoir est retiré." in text(taken.text)
    actions = [e.action for e in audit.recent(web_demo.uows, SYSTEM, 5)]
    assert actions[:2] == ["assemblee.pouvoir_retire", "assemblee.pouvoir_donne"]


def test_a_proxy_past_the_limit_is_refused_with_the_french_reason_and_nothing_written(
    ben03: TestClient, web_demo: Application
) -> None:
    assemblies.record_attendance(
        web_demo.uows, SCRUTINEER, OPEN, "BEN04", Attendance.REPRESENTED, holder="RESSOURCERIE"
    )
    page = ben03.get("/mon-espace/pouvoirs")
    assert "(RESSOURCERIE) — 2 pouvoirs sur 2" in text(page.text)
    before = audit_size(web_demo)

    refused = ben03.post(
        "/mon-espace/pouvoirs",
        data={"csrf": csrf_of(page.text), "assemblee": OPEN, "mandataire": "RESSOURCERIE"},
    )

    assert refused.status_code == 422
    read = text(refused.text)
    assert (
        "pouvoir refusé : Ressourcerie La Seconde Main (RESSOURCERIE) détient déjà 2 pouvoirs"
        in read
    )
    assert "au plus 2 pouvoirs par associé" in read
    assert 'aria-invalid="true"' in refused.text
    assert audit_size(web_demo) == before
    roll = {line.member_code: line for line in assemblies.roll_view(web_demo.uows, SYSTEM, OPEN)}
    assert roll["BEN03"].attendance is None


# --- the live screen --------------------------------------------------------------------------


def events(body: str) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for block in body.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        found.append((lines["event"], json.loads(lines["data"])))
    return found


def test_the_live_feed_sends_the_api_tally_at_once_as_a_server_sent_event(
    sign_in: SignIn,
) -> None:
    scrutineer = sign_in("scrutateur")
    feed = scrutineer.get(f"/assemblees/{OPEN}/direct/flux?envois=1")

    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("text/event-stream")
    ((name, tally),) = events(feed.text)
    assert name == "tally"
    assert (tally["final"], tally["assembly"]["code"], tally["time_zone"]) == (
        False, OPEN, "Europe/Paris",
    )  # fmt: skip
    assert [r["outcome_label"] for r in tally["resolutions"]] == [
        "pas encore de vote",
        "vote secret en cours : le résultat paraît à la clôture du vote",
    ]

    token = scrutineer.post(
        "/auth/token", data={"username": "scrutateur", "password": "demo-scrutateur"}
    ).json()["access_token"]
    api = scrutineer.get(
        f"/assemblies/{OPEN}/live?max_events=1", headers={"Authorization": f"Bearer {token}"}
    )
    ((_, same),) = events(api.text)
    assert same == tally


def test_the_live_feed_sends_the_tally_again_when_a_ballot_arrives(
    sign_in: SignIn, web_demo: Application, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(screen, "POLL_SECONDS", 0.05)
    scrutineer = sign_in("scrutateur")
    assemblies.cast_ballot(web_demo.uows, SCRUTINEER, OPEN, 1, "SAL01", Choice.FOR)
    with scrutineer.stream("GET", f"/assemblees/{OPEN}/direct/flux?envois=2") as feed:
        chunks = feed.iter_text()
        first = next(chunks)
        assemblies.cast_ballot(web_demo.uows, SCRUTINEER, OPEN, 1, "BEN01", Choice.FOR)
        rest = "".join(chunks)
    (_, before), (_, after) = events(first + rest)
    assert before["resolutions"][0]["headcount"]["for"] == 1
    assert after["resolutions"][0]["headcount"]["for"] == 2
    assert before["resolutions"][0]["outcome_label"] == "adoptée"


def test_a_resolution_without_votes_shows_pas_encore_de_vote_on_the_screen(
    sign_in: SignIn,
) -> None:
    """The open resolution reads « pas encore de vote »; the secret one only its participation
    until its vote is closed, so the screen may be shown while people vote."""
    page = sign_in("scrutateur").get(f"/assemblees/{OPEN}/direct")
    read = text(page.text)
    assert page.status_code == 200
    assert read.count("— pas encore de vote") == 1
    assert "— vote secret en cours : le résultat paraît à la clôture du vote" in read
    assert "Vote secret en cours : 0 bulletin reçu ; les bulletins restent scellés" in read
    assert "rejetée" not in read
    assert (
        "Bulletin secret (résolution n° 2) : seule la participation s'affiche jusqu'à la "
        "clôture du vote" in read
    )
    assert re.search(r"dernière mise à jour à \d\d:\d\d:\d\d \(heure de l'organisation\)", read)


def test_the_screen_follows_its_feed_with_a_script_file_and_no_token_in_the_page(
    sign_in: SignIn,
) -> None:
    client = sign_in("bureau")
    page = client.get(f"/assemblees/{OPEN}/direct")
    assert '<script src="/static/web/ecran.js" defer></script>' in page.text
    assert page.text.count("<script") == 1
    assert f'data-flux="/assemblees/{OPEN}/direct/flux"' in page.text
    assert "token" not in page.text.lower()
    script = client.get("/static/web/ecran.js").text
    assert "new EventSource(" in script and "createTextNode" in script
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script


def test_the_live_screen_is_refused_to_a_member_while_the_assembly_is_open(
    member: TestClient,
) -> None:
    refused = member.get(f"/assemblees/{OPEN}/direct")
    assert refused.status_code == 403
    assert member.get(f"/assemblees/{OPEN}/direct/flux?envois=1").status_code == 403


def test_the_live_screen_asks_to_sign_in_first(browser: TestClient) -> None:
    asked = browser.get(f"/assemblees/{OPEN}/direct", follow_redirects=False)
    assert asked.status_code == 303
    assert asked.headers["location"] == f"/connexion?suite=/assemblees/{OPEN}/direct"


def test_a_closed_assembly_feed_sends_the_final_tally_and_ends(member: TestClient) -> None:
    feed = member.get(f"/assemblees/{CLOSED}/direct/flux")
    ((name, tally),) = events(feed.text)
    assert (name, tally["final"]) == ("tally", True)
    assert [r["outcome_label"] for r in tally["resolutions"]] == ["adoptée"] * 3
