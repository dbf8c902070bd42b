"""The assembly desk through the web pages, on the demo's open assembly AG-2026-02 (12 December
2026, 43 associates on the roll, proxies: 2 at most per associate): convene, resolutions, the
door (search by name or code, attendance, proxies within the limit), postal ballots, show of
hands, closing (then every write refused), signatures, the minutes; a member refused in French.
"""

from __future__ import annotations

import re
from html import unescape

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from navigateur import SignIn, csrf_of
from smtp_loopback import Server, refusing_smtp_server, smtp_server

from gouvernance.bootstrap import Application
from gouvernance.domain.assembly.model import NO_COLLEGE, Attendance, Choice, Method
from gouvernance.domain.users import SYSTEM, Actor, Role
from gouvernance.services import audit
from gouvernance.services.assembly import assemblies

__all__ = ["refusing_smtp_server", "smtp_server"]  # fixtures, imported to be used

OPEN = "AG-2026-02"
CLOSED = "AG-2026-01"
DESK = f"/assemblees/{OPEN}/bureau"
DOOR = f"/assemblees/{OPEN}/emargement"
BOARD = Actor("bureau", Role.BOARD)
SCRUTINEER = Actor("scrutateur", Role.SCRUTINEER)
_LINE = re.compile(r'<li class="ligne-porte[^"]*" id="ligne-([^"]+)">')
_KEY = re.compile(r'name="cle" value="([^"]+)"')


def text(html: str) -> str:
    """The page as read: entities decoded, spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def lines(html: str) -> list[str]:
    """The member codes of the door's lines, in order."""
    return _LINE.findall(html)


def audit_size(app: Application) -> int:
    (newest,) = audit.recent(app.uows, SYSTEM, 1)
    assert newest.id is not None
    return newest.id


def sheet(app: Application) -> dict[str, tuple[Attendance | None, str | None]]:
    return {
        line.member_code: (line.attendance, line.holder_code)
        for line in assemblies.roll_view(app.uows, BOARD, OPEN)
    }


@pytest.fixture
def board(sign_in: SignIn) -> TestClient:
    return sign_in("bureau")


@pytest.fixture
def scrutineer(sign_in: SignIn) -> TestClient:
    return sign_in("scrutateur")


def attend(client: TestClient, member: str, mode: str, holder: str = "") -> Response:
    """Post one line of the door's sheet as its buttons do; the response (redirect followed)."""
    page = client.get(DOOR, params={"q": member})
    data = {"csrf": csrf_of(page.text), "member": member, "mode": mode, "holder": holder,
            "q": member, "etat": "", "page": "1"}  # fmt: skip
    response: Response = client.post(DOOR, data=data)
    return response


def show_of_hands(app: Application, title: str = "Pouvoirs au conseil") -> int:
    view = assemblies.add_resolution(
        app.uows, BOARD, OPEN, title=title, method=Method.SHOW_OF_HANDS
    )
    return view.number


# --- convening and resolutions ----------------------------------------------------------------


def test_the_board_convenes_an_assembly_then_puts_a_resolution_on_its_agenda(
    board: TestClient, web_demo: Application
) -> None:
    form = board.get("/assemblees/nouvelle")
    assert form.status_code == 200
    read = text(form.text)
    assert "Convoquer une assemblée" in read
    assert "Statuts de l'association Alpilles Réemploi" in read
    assert "statuts de l'organisation" in read  # the default is marked
    data = {"csrf": csrf_of(form.text), "cle": _KEY.findall(form.text)[0],
            "title": "AG ordinaire de décembre", "held_on": "2026-12-19", "kind": "ordinary",
            "convocation": "1", "statutes": "demo-statuts-association", "cutoff": "",
            "previous": ""}  # fmt: skip

    sent = board.post("/assemblees/nouvelle", data=data, follow_redirects=False)
    assert sent.status_code == 303
    assert sent.headers["location"] == "/assemblees/AG-2026-03/bureau?fait=convoquee"
    again = board.post("/assemblees/nouvelle", data=data, follow_redirects=False)  # double click
    assert again.headers["location"] == sent.headers["location"]
    assert [a.code for a in assemblies.list_assemblies(web_demo.uows, BOARD)][:2] == [
        "AG-2026-03", OPEN,
    ]  # fmt: skip

    desk = board.get(sent.headers["location"])
    read = text(desk.text)
    assert "Assemblée convoquée" in read
    assert "Bureau de l'assemblée — AG ordinaire de décembre" in read
    assert "Aucune résolution n'est encore inscrite" in read
    assert "au plus 2 pouvoirs par associé" in read

    resolution = {"csrf": csrf_of(desk.text), "cle": _KEY.findall(desk.text)[0],
                  "title": "Budget 2027", "text": "L'assemblée approuve le budget.",
                  "decision_kind": "ordinary", "method": "show_of_hands", "proposer": "board",
                  "proposed_by": ""}  # fmt: skip
    added = board.post("/assemblees/AG-2026-03/resolutions", data=resolution)
    assert added.status_code == 200
    read = text(added.text)
    assert "Résolution inscrite à l'ordre du jour" in read
    assert "N° 1 : Budget 2027" in read and "vote à main levée" in read
    assert "/assemblees/AG-2026-03/resolutions/1/main-levee" in added.text
    board.post("/assemblees/AG-2026-03/resolutions", data=resolution)  # the same key again
    view = assemblies.assembly_view(web_demo.uows, BOARD, "AG-2026-03")
    assert [r.title for r in view.resolutions] == ["Budget 2027"]


def test_a_second_convocation_after_a_quorate_assembly_is_refused_next_to_its_field(
    board: TestClient, web_demo: Application
) -> None:
    form = board.get("/assemblees/nouvelle")
    assert f'<option value="{CLOSED}"' in form.text  # the closed one may be named
    refused = board.post(
        "/assemblees/nouvelle",
        data={"csrf": csrf_of(form.text), "title": "AGE, 2e convocation",
              "held_on": "2026-12-20", "kind": "extraordinary", "convocation": "2",
              "previous": CLOSED, "statutes": "demo-statuts-association"},
    )  # fmt: skip
    assert refused.status_code == 422
    read = text(refused.text)
    assert f"le quorum était atteint à {CLOSED}" in read
    assert "pas de nouvelle convocation" in read and "Rien n'a été enregistré" in read
    assert 'id="champ-previous" name="previous" aria-invalid="true"' in refused.text
    assert 'value="AGE, 2e convocation"' in refused.text  # what was typed stays
    assert len(assemblies.list_assemblies(web_demo.uows, BOARD)) == 2


def test_convening_without_a_title_or_with_a_wrong_date_is_refused_in_french(
    board: TestClient,
) -> None:
    form = board.get("/assemblees/nouvelle")
    data = {"csrf": csrf_of(form.text), "title": "", "held_on": "2026-12-19",
            "statutes": "demo-statuts-association"}  # fmt: skip
    untitled = board.post("/assemblees/nouvelle", data=data)
    assert untitled.status_code == 422
    assert 'id="erreur-title" class="erreur" role="alert">texte obligatoire' in untitled.text
    wrong = board.post(
        "/assemblees/nouvelle", data={**data, "title": "AG", "held_on": "31/02/2026"}
    )
    assert wrong.status_code == 422
    assert "date invalide « 31/02/2026 »" in text(wrong.text)


def test_a_resolution_by_associates_without_its_author_is_refused_next_to_the_field(
    board: TestClient,
) -> None:
    desk = board.get(DESK)
    refused = board.post(
        f"/assemblees/{OPEN}/resolutions",
        data={"csrf": csrf_of(desk.text), "title": "Motion", "method": "open",
              "proposer": "associates", "proposed_by": ""},
    )  # fmt: skip
    assert refused.status_code == 422
    assert "nommez l'associé qui propose la résolution" in text(refused.text)
    assert 'aria-invalid="true" aria-describedby="erreur-proposed_by"' in refused.text


# --- the door ---------------------------------------------------------------------------------


def test_the_door_shows_one_page_of_the_roll_with_the_counts_by_mode(
    scrutineer: TestClient,
) -> None:
    page = scrutineer.get(DOOR)
    assert page.status_code == 200
    read = text(page.text)
    assert "6 émargés sur 43 associés ayant le droit de vote" in read
    assert "Présents : 4" in read and "Représentés : 1" in read
    assert "Par correspondance : 1" in read and "À distance : 0" in read
    assert "43 inscrits — page 1 sur 2" in read
    assert len(lines(page.text)) == 25
    assert 'id="recherche" name="q" type="search"' in page.text and "autofocus" in page.text
    second = scrutineer.get(DOOR, params={"page": "2"})
    assert len(lines(second.text)) == 18
    assert "Page précédente" in text(second.text)
    waiting = scrutineer.get(DOOR, params={"etat": "emarges"})
    assert lines(waiting.text) == ["BEN01", "BEN02", "MISTRAL", "RESSOURCERIE", "SAL01", "VALLON"]


def test_the_door_finds_an_associate_by_name_without_accents_and_by_code(
    scrutineer: TestClient,
) -> None:
    by_name = scrutineer.get(DOOR, params={"q": "elodie"})
    assert lines(by_name.text) == ["BEN03"]
    assert "1 associé pour « elodie »" in text(by_name.text)
    assert "Élodie Perrin" in text(by_name.text)
    assert lines(scrutineer.get(DOOR, params={"q": "PERRIN"}).text) == ["BEN03"]
    assert lines(scrutineer.get(DOOR, params={"q": "ben03"}).text) == ["BEN03"]
    nobody = scrutineer.get(DOOR, params={"q": "zzz%_"})
    assert lines(nobody.text) == [] and "Aucun associé ne répond" in text(nobody.text)
    for wrong in ("abc", "0", "-3", "99999999999999999999999"):
        assert len(lines(scrutineer.get(DOOR, params={"page": wrong}).text)) == 25, wrong
    unknown = scrutineer.get(f"/assemblees/{OPEN}/resolutions/abc/main-levee")
    assert unknown.status_code == 404 and "pas de résolution n° abc" in text(unknown.text)


def test_three_associates_come_in_one_of_them_with_a_proxy_given_by_name(
    scrutineer: TestClient, web_demo: Application
) -> None:
    first = attend(scrutineer, "BEN03", "present")
    assert first.status_code == 200
    assert "BEN03 émargé : présent." in text(first.text)
    assert "7 émargés sur 43" in text(first.text)
    attend(scrutineer, "BEN04", "remote")
    proxy = attend(scrutineer, "BEN05", "represented", holder="elodie perrin")
    assert "BEN05 émargé : représenté." in text(proxy.text)

    found = sheet(web_demo)
    assert found["BEN03"] == (Attendance.PRESENT, None)
    assert found["BEN04"] == (Attendance.REMOTE, None)
    assert found["BEN05"] == (Attendance.REPRESENTED, "BEN03")
    holder = scrutineer.get(DOOR, params={"q": "BEN03"})
    assert "détient 1 pouvoir : BEN05" in text(holder.text)
    assert "Émargement définitif : détient les pouvoirs de BEN05" in text(holder.text)


def test_a_proxy_past_the_statutes_limit_is_refused_in_french_and_nothing_is_written(
    scrutineer: TestClient, web_demo: Application
) -> None:
    attend(scrutineer, "BEN03", "present")
    attend(scrutineer, "BEN15", "represented", holder="BEN03")
    attend(scrutineer, "BEN16", "represented", holder="ben03")
    before = audit_size(web_demo)

    refused = attend(scrutineer, "BEN17", "represented", holder="BEN03")

    assert refused.status_code == 422
    read = text(refused.text)
    assert (
        "pouvoir refusé : Élodie Perrin (BEN03) détient déjà 2 pouvoirs (BEN15, BEN16), le "
        "maximum à cette assemblée : au plus 2 pouvoirs par associé" in read
    )
    assert "Rien n'a été enregistré" in read
    assert 'id="mandataire-BEN17" name="holder"' in refused.text  # the line, its form open
    assert 'value="BEN03" aria-invalid="true"' in refused.text
    assert audit_size(web_demo) == before
    assert sheet(web_demo)["BEN17"] == (None, None)


def test_a_holder_typed_by_an_ambiguous_or_unknown_name_is_refused_with_what_to_do(
    scrutineer: TestClient,
) -> None:
    attend(scrutineer, "BEN05", "present")  # Nadia Cherif
    attend(scrutineer, "BEN06", "present")  # Lucas Girard
    several = attend(scrutineer, "BEN07", "represented", holder="i")
    assert several.status_code == 422
    assert "associés présents ou à distance répondent à « i »" in text(several.text)
    assert "tapez le code" in text(several.text)
    nobody = attend(scrutineer, "BEN07", "represented", holder="Perrin")  # not attending
    assert nobody.status_code == 422
    assert "aucun associé présent ou à distance ne répond à « Perrin »" in text(nobody.text)


def test_a_line_entered_by_mistake_is_struck_then_signed_again(
    scrutineer: TestClient, web_demo: Application
) -> None:
    attend(scrutineer, "BEN19", "blank_proxy")
    page = scrutineer.get(DOOR, params={"q": "BEN19"})
    assert "Rayer cet émargement" in page.text
    struck = scrutineer.post(
        f"{DOOR}/rayer",
        data={"csrf": csrf_of(page.text), "member": "BEN19", "q": "BEN19", "etat": "", "page": "1"},
    )  # fmt: skip
    assert "Émargement de BEN19 rayé." in text(struck.text)
    assert sheet(web_demo)["BEN19"] == (None, None)
    assert attend(scrutineer, "BEN19", "postal").status_code == 200
    assert sheet(web_demo)["BEN19"] == (Attendance.POSTAL, None)


def test_the_board_reads_the_door_but_records_nothing_there(
    board: TestClient, web_demo: Application
) -> None:
    page = board.get(DOOR, params={"q": "BEN03"})
    assert page.status_code == 200 and lines(page.text) == ["BEN03"]
    assert 'name="mode"' not in page.text
    refused = board.post(
        DOOR, data={"csrf": csrf_of(page.text), "member": "BEN03", "mode": "present"}
    )
    assert refused.status_code == 403
    assert "ne permet pas de tenir le bureau d'une assemblée" in text(refused.text)
    assert sheet(web_demo)["BEN03"] == (None, None)


# --- postal ballots ---------------------------------------------------------------------------


def test_a_postal_voting_form_is_entered_in_one_go(
    scrutineer: TestClient, web_demo: Application
) -> None:
    page = scrutineer.get(f"{DOOR}/VALLON/bulletins")
    assert page.status_code == 200
    assert "Saisir son vote par correspondance" in scrutineer.get(DOOR, params={"q": "VALLON"}).text
    data = {"csrf": csrf_of(page.text), "cle": _KEY.findall(page.text)[0],
            "choix-1": "for", "choix-2": "against"}  # fmt: skip
    sent = scrutineer.post(f"{DOOR}/VALLON/bulletins", data=data)
    assert sent.status_code == 200
    read = text(sent.text)
    assert "2 bulletin(s) enregistré(s)." in read
    assert "Déjà voté : pour" in read  # the open ballot shows its choice
    assert "contre" not in read.split("Résolution n° 2")[1]  # never a secret one's
    again = scrutineer.post(f"{DOOR}/VALLON/bulletins", data=data)  # the same key: no change
    assert again.status_code == 200
    views = assemblies.assembly_view(web_demo.uows, BOARD, OPEN).resolutions
    assert [r.ballots for r in views] == [1, 1]


def test_a_postal_form_with_one_refused_ballot_writes_none(
    scrutineer: TestClient, web_demo: Application
) -> None:
    page = scrutineer.get(f"{DOOR}/SAL01/bulletins")
    assemblies.cast_ballot(web_demo.uows, SCRUTINEER, OPEN, 1, "SAL01", Choice.FOR)
    before = audit_size(web_demo)
    refused = scrutineer.post(
        f"{DOOR}/SAL01/bulletins",
        data={"csrf": csrf_of(page.text), "choix-1": "against", "choix-2": "for"},
    )  # fmt: skip
    assert refused.status_code == 409
    read = text(refused.text)
    assert "a déjà voté sur la résolution n° 1" in read and "Rien n'a été enregistré" in read
    assert audit_size(web_demo) == before
    views = assemblies.assembly_view(web_demo.uows, BOARD, OPEN).resolutions
    assert [r.ballots for r in views] == [1, 0]


# --- show of hands ----------------------------------------------------------------------------


def test_hands_are_counted_and_a_count_above_the_attendance_is_refused_in_french(
    scrutineer: TestClient, web_demo: Application
) -> None:
    number = show_of_hands(web_demo)
    address = f"/assemblees/{OPEN}/resolutions/{number}/main-levee"
    page = scrutineer.get(address)
    assert page.status_code == 200
    assert "6 associés derrière ce décompte" in text(page.text)
    assert "pas encore de décompte" in text(page.text)
    csrf = csrf_of(page.text)

    too_many = scrutineer.post(
        address, data={"csrf": csrf, "college": "", "for": "50", "against": "0"}
    )
    assert too_many.status_code == 422
    assert "50 voix comptées" in text(too_many.text) and "pour 6 associés présents" in text(
        too_many.text
    )
    assert "Rien n'a été enregistré" in text(too_many.text)
    assert 'value="50"' in too_many.text  # what was typed stays
    letters = scrutineer.post(address, data={"csrf": csrf, "college": "", "for": "beaucoup"})
    assert letters.status_code == 422
    assert "« pour » doit être un entier positif ou nul" in text(letters.text)
    assert not assemblies.assembly_view(web_demo.uows, BOARD, OPEN).resolutions[2].counted_colleges

    counted = scrutineer.post(
        address,
        data={"csrf": csrf, "college": "", "for": "4", "against": "1", "abstain": "1",
              "blank": "", "null": "0"},
    )  # fmt: skip
    assert counted.status_code == 200
    assert "Décompte enregistré" in text(counted.text)
    assert "décompte saisi : 4 pour, 1 contre, 1 abstention(s)" in text(counted.text)
    resolution = assemblies.assembly_view(web_demo.uows, BOARD, OPEN).resolutions[2]
    assert resolution.counted_colleges == (NO_COLLEGE,)


# --- closing, signing, minutes ----------------------------------------------------------------


def test_the_closing_page_says_what_closing_freezes_and_what_is_missing(
    scrutineer: TestClient, web_demo: Application
) -> None:
    number = show_of_hands(web_demo)
    page = scrutineer.get(f"/assemblees/{OPEN}/cloture")
    assert page.status_code == 200
    read = text(page.text)
    assert "Ce que la clôture fige" in read and "La clôture ne se défait pas" in read
    assert f"résolution n° {number} (main levée) : saisissez les voix de" in read
    assert "résolution n° 1 « Budget prévisionnel 2027 » : aucun bulletin" in read
    assert "Clore définitivement" not in read  # refused until the hands are counted

    assemblies.enter_counts(
        web_demo.uows, SCRUTINEER, OPEN, number, NO_COLLEGE, {Choice.FOR: 5, Choice.AGAINST: 1}
    )
    ready = text(scrutineer.get(f"/assemblees/{OPEN}/cloture").text)
    assert "saisissez les voix" not in ready
    assert "Clore définitivement l'assemblée AG-2026-02" in ready


def test_after_closing_every_write_is_refused_in_french(
    scrutineer: TestClient, board: TestClient, web_demo: Application
) -> None:
    attend(scrutineer, "BEN03", "present")
    number = show_of_hands(web_demo)
    hands = f"/assemblees/{OPEN}/resolutions/{number}/main-levee"
    page = scrutineer.get(f"/assemblees/{OPEN}/cloture")
    csrf = csrf_of(page.text)
    scrutineer.post(hands, data={"csrf": csrf, "college": "", "for": "6", "against": "1"})

    closed = scrutineer.post(f"/assemblees/{OPEN}/cloture", data={"csrf": csrf},
                             follow_redirects=False)  # fmt: skip
    assert closed.status_code == 303
    assert closed.headers["location"] == f"/assemblees/{OPEN}/proces-verbal?fait=close"
    assert "les résultats sont enregistrés" in text(scrutineer.get(closed.headers["location"]).text)

    before = audit_size(web_demo)
    frozen = "l'assemblée AG-2026-02 est close : plus rien ne change"
    writes = [
        (scrutineer, DOOR, {"member": "BEN04", "mode": "present"}),
        (scrutineer, f"{DOOR}/rayer", {"member": "BEN03"}),
        (scrutineer, f"{DOOR}/SAL01/bulletins", {"choix-1": "for"}),
        (scrutineer, hands, {"college": "", "for": "1"}),
        (scrutineer, f"/assemblees/{OPEN}/cloture", {}),
        (board, f"/assemblees/{OPEN}/resolutions", {"title": "Trop tard", "method": "open"}),
    ]
    for client, address, data in writes:
        token = csrf_of(client.get(DESK).text)
        refused = client.post(address, data={"csrf": token, **data})
        assert refused.status_code == 409, address
        assert frozen in text(refused.text), address
    assert audit_size(web_demo) == before
    door = text(scrutineer.get(DOOR).text)
    assert "Rayer" not in door and "Représenté par" not in door  # nothing offered any more


def test_the_minutes_are_signed_only_once_the_assembly_is_closed(
    scrutineer: TestClient, web_demo: Application
) -> None:
    page = scrutineer.get(f"/assemblees/{OPEN}/proces-verbal")
    assert "Le procès-verbal se signe après la clôture" in text(page.text)
    early = scrutineer.post(
        f"/assemblees/{OPEN}/signatures",
        data={"csrf": csrf_of(page.text), "role": "president", "name": "Annie Castel"},
    )  # fmt: skip
    assert early.status_code == 409
    assert "se signe après la clôture de l'assemblée" in text(early.text)

    assemblies.close_assembly(web_demo.uows, SCRUTINEER, OPEN)
    page = scrutineer.get(f"/assemblees/{OPEN}/proces-verbal")
    signed = scrutineer.post(
        f"/assemblees/{OPEN}/signatures",
        data={"csrf": csrf_of(page.text), "role": "president", "name": "Annie Castel"},
    )  # fmt: skip
    assert signed.status_code == 200
    read = text(signed.text)
    assert "Signature enregistrée" in read
    assert "Signé par Annie Castel, président de séance" in read
    assert "En attente de signature : secrétaire, scrutateur(s)" in read
    unnamed = scrutineer.post(
        f"/assemblees/{OPEN}/signatures",
        data={"csrf": csrf_of(signed.text), "role": "secretary", "name": ""},
    )  # fmt: skip
    assert unnamed.status_code == 422
    assert 'id="erreur-name" class="erreur" role="alert">texte obligatoire' in unnamed.text


def test_the_minutes_preview_says_projet_while_open_and_the_pdf_downloads(
    board: TestClient,
) -> None:
    page = board.get(f"/assemblees/{OPEN}/proces-verbal")
    assert page.status_code == 200
    read = text(page.text)
    assert "Projet de procès-verbal : l'assemblée est encore ouverte" in read
    assert "Procès-verbal de l'assemblée générale ordinaire du 12 décembre 2026" in read
    assert "Résolution 1 — Budget prévisionnel 2027" in read
    assert "Pas encore de vote sur cette résolution." in read
    assert "Télécharger le projet (PDF)" in read
    pdf = board.get(f"/assemblees/{OPEN}/pv")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    closed = text(board.get(f"/assemblees/{CLOSED}/proces-verbal").text)
    assert "Projet de procès-verbal" not in closed and "Procès-verbal signé." in closed


# --- who may use the desk ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [DESK, DOOR, "/assemblees/nouvelle", f"/assemblees/{OPEN}/cloture",
     f"/assemblees/{OPEN}/proces-verbal", f"{DOOR}/VALLON/bulletins",
     f"/assemblees/{OPEN}/envoi/convocation"],
)  # fmt: skip
def test_a_member_account_is_refused_the_desk_in_french(sign_in: SignIn, address: str) -> None:
    member = sign_in("adherent")
    refused = member.get(address)
    assert refused.status_code == 403
    read = text(refused.text)
    assert "adhérent" in read and ("n'y a pas accès" in read or "ne permet pas" in read)


def test_a_member_account_cannot_sign_anyone_in(sign_in: SignIn, web_demo: Application) -> None:
    member = sign_in("adherent")
    token = csrf_of(member.get("/assemblees").text)
    refused = member.post(DOOR, data={"csrf": token, "member": "BEN03", "mode": "present"})
    assert refused.status_code == 403
    assert sheet(web_demo)["BEN03"] == (None, None)


def test_a_desk_form_without_its_csrf_proof_is_refused(
    scrutineer: TestClient, web_demo: Application
) -> None:
    refused = scrutineer.post(DOOR, data={"member": "BEN03", "mode": "present"})
    assert refused.status_code == 403
    assert "Formulaire refusé" in text(refused.text)
    assert sheet(web_demo)["BEN03"] == (None, None)


def test_the_assemblies_page_links_each_assembly_to_its_desk_for_the_board_only(
    board: TestClient, sign_in: SignIn
) -> None:
    page = board.get("/assemblees")
    assert f'href="{DESK}"' in page.text
    assert 'href="/assemblees/nouvelle"' in page.text
    scrutineer = sign_in("scrutateur").get("/assemblees")
    assert f'href="{DESK}"' in scrutineer.text
    assert 'href="/assemblees/nouvelle"' not in scrutineer.text
    member = sign_in("adherent").get("/assemblees")
    assert "/bureau" not in member.text and "/assemblees/nouvelle" not in member.text


# --- e-mail: the convocation and the minutes --------------------------------------------------


def test_the_convocation_is_previewed_then_sent_to_the_server_and_never_twice(
    board: TestClient, smtp_server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    smtp_server.environment(monkeypatch)
    address = f"/assemblees/{OPEN}/envoi/convocation"
    assert f'href="{address}"' in board.get(DESK).text
    preview = board.get(address)
    assert preview.status_code == 200
    read = text(preview.text)
    assert "Aperçu, rien n'est encore envoyé : 35 courriels à envoyer, 0 déjà envoyé et 8 " in read
    assert "Convocation à l'assemblée AG-2026-02 du 12 décembre 2026" in read
    assert "Marie Aubert BEN01 — pas d'adresse électronique" in read  # the paper list
    assert f'href="/assemblees/{OPEN}/convocation"' in preview.text
    assert smtp_server.received == []

    sent = board.post(address, data={"csrf": csrf_of(preview.text)})
    assert sent.status_code == 200
    read = text(sent.text)
    assert "Envoi terminé : 35 courriels envoyés, 0 en échec, 0 déjà envoyé et 8 " in read
    assert "250 2.0.0 Ok: queued as Q0001" in read
    assert len(smtp_server.received) == 35

    again = board.post(address, data={"csrf": csrf_of(preview.text)})
    assert "0 courriel envoyé, 0 en échec, 35 déjà envoyés" in text(again.text)
    assert len(smtp_server.received) == 35
    pdf = board.get(f"/assemblees/{OPEN}/convocation")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_messages_the_server_refuses_are_listed_with_its_answer_to_send_again(
    scrutineer: TestClient, refusing_smtp_server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    refusing_smtp_server.environment(monkeypatch)
    address = f"/assemblees/{OPEN}/envoi/convocation"
    page = scrutineer.get(address)
    refused = scrutineer.post(address, data={"csrf": csrf_of(page.text)})
    assert refused.status_code == 200
    read = text(refused.text)
    assert "0 courriel envoyé, 35 en échec" in read
    assert "554 5.7.1 Message refusé : politique du relais" in read
    assert "Renvoyer les courriels en échec" in read


def test_without_a_mail_server_the_send_is_refused_in_french_and_nothing_leaves(
    board: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GOUVERNANCE_SMTP_HOST", raising=False)
    address = f"/assemblees/{OPEN}/envoi/convocation"
    page = board.get(address)
    refused = board.post(address, data={"csrf": csrf_of(page.text)})
    assert refused.status_code == 422
    read = text(refused.text)
    assert "Envoi refusé : aucun serveur de courriel n'est configuré" in read
    assert "GOUVERNANCE_SMTP_HOST" in read and "Rien n'a été envoyé" in read


def test_the_minutes_are_sent_only_once_the_assembly_is_closed(
    board: TestClient, smtp_server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    smtp_server.environment(monkeypatch)
    early = board.get(f"/assemblees/{OPEN}/envoi/proces-verbal")
    assert early.status_code == 409
    assert "son procès-verbal n'est envoyé qu'une fois l'assemblée close" in text(early.text)
    late = board.get(f"/assemblees/{CLOSED}/envoi/convocation")
    assert late.status_code == 409
    assert (
        f'href="/assemblees/{CLOSED}/envoi/proces-verbal"'
        in board.get(f"/assemblees/{CLOSED}/bureau").text
    )
    page = board.get(f"/assemblees/{CLOSED}/envoi/proces-verbal")
    assert "Procès-verbal de l'assemblée AG-2026-01 du 14 novembre 2026" in text(page.text)
    sent = board.post(f"/assemblees/{CLOSED}/envoi/proces-verbal",
                      data={"csrf": csrf_of(page.text)})  # fmt: skip
    assert "Envoi terminé : " in text(sent.text)
    assert smtp_server.received and all(
        r.message["Subject"].startswith("Procès-verbal") for r in smtp_server.received
    )
    assert board.get(f"/assemblees/{OPEN}/envoi/factures").status_code == 404


def test_the_desk_closes_the_secret_vote_of_a_resolution_and_then_shows_its_result(
    scrutineer: TestClient, web_demo: Application
) -> None:
    """Resolution 2 of the demo's open assembly is secret: its participation shows while the
    vote is open, its result once the chair has closed it, and no ballot is taken after."""
    page = scrutineer.get(f"{DOOR}/VALLON/bulletins")
    data = {"csrf": csrf_of(page.text), "cle": _KEY.findall(page.text)[0],
            "choix-1": "for", "choix-2": "against"}  # fmt: skip
    scrutineer.post(f"{DOOR}/VALLON/bulletins", data=data)
    desk = scrutineer.get(DESK)
    assert "ouvert ; bulletins secrets scellés" in text(desk.text)
    closed = scrutineer.post(
        f"/assemblees/{OPEN}/resolutions/2/cloture-vote", data={"csrf": csrf_of(desk.text)}
    )
    assert closed.status_code == 200
    read = text(closed.text)
    assert "Vote clos : plus aucun bulletin ; un vote secret est dépouillé." in read
    assert "Clore le vote sur la résolution n° 2" not in read
    assert "Clore le vote sur la résolution n° 1" in read
    result = assemblies.tally(web_demo.uows, SCRUTINEER, OPEN).tally.resolutions[1]
    assert (result.headcount.against, result.headcount.total) == (1, 1)
    again = scrutineer.post(
        f"/assemblees/{OPEN}/resolutions/2/cloture-vote", data={"csrf": csrf_of(closed.text)}
    )
    assert again.status_code == 409
    assert "le vote sur la résolution n° 2 est clos" in text(again.text)
