"""The verification file in the web pages, on the demo: a link on the assemblies page and at the
desk for the closed assembly only, the file downloaded as published, the member's receipt
page saying their receipt is among those counted, and the minutes printing the file's SHA-256."""

from __future__ import annotations

import hashlib
import json
import re
from html import unescape

from fastapi.testclient import TestClient
from navigateur import SignIn

CLOSED, OPEN = "AG-2026-01", "AG-2026-02"
LINK = f'href="/assemblees/{CLOSED}/verification.json"'


def text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_the_assemblies_page_links_the_file_of_the_closed_assembly_only(
    sign_in: SignIn,
) -> None:
    member = sign_in("adherent")
    page = member.get("/assemblees").text
    assert LINK in page
    assert f"/assemblees/{OPEN}/verification.json" not in page
    download = member.get(f"/assemblees/{CLOSED}/verification.json")
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/json"
    assert download.headers["content-disposition"] == (
        'attachment; filename="verification-AG-2026-01.json"'
    )
    assert json.loads(download.content)["assembly"]["code"] == CLOSED
    refused = member.get(f"/assemblees/{OPEN}/verification.json")
    assert refused.status_code == 409
    assert "le fichier de vérification est publié à sa clôture" in text(refused.text)


def test_the_receipt_page_says_the_receipt_is_among_those_counted(sign_in: SignIn) -> None:
    member = sign_in("adherent")
    page = member.get(f"/assemblees/{CLOSED}/recu/1/RESSOURCERIE")
    assert page.status_code == 200
    said = text(page.text)
    assert (
        "Votre reçu figure parmi les 39 reçus comptés pour cette résolution dans le fichier de "
        "vérification publié à la clôture : votre participation est comptée, sans que le "
        "fichier dise votre choix."
    ) in said
    fingerprint = re.search(r"Empreinte du reçu ([0-9A-F-]{19})", said)
    assert fingerprint is not None
    published = json.loads(member.get(f"/assemblees/{CLOSED}/verification.json").content)
    assert fingerprint.group(1) in published["resolutions"][0]["receipts"]


def test_the_desk_and_the_minutes_page_link_the_file_and_print_its_sha256(
    sign_in: SignIn,
) -> None:
    scrutineer: TestClient = sign_in("scrutateur")
    desk = scrutineer.get(f"/assemblees/{CLOSED}/bureau").text
    assert LINK in desk
    assert (
        f"/assemblees/{OPEN}/verification.json"
        not in scrutineer.get(f"/assemblees/{OPEN}/bureau").text
    )
    content = scrutineer.get(f"/assemblees/{CLOSED}/verification.json").content
    minutes = scrutineer.get(f"/assemblees/{CLOSED}/proces-verbal").text
    assert LINK in minutes
    assert "Vérification des résultats" in minutes
    assert f'<code class="empreinte">{hashlib.sha256(content).hexdigest()}</code>' in minutes
