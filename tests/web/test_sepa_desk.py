"""The SEPA direct debits at the treasurer's desk: the format offered, a Sunday refused in French
next to its field with the next business day, a second download that debits nothing."""

from __future__ import annotations

import html
import re
from datetime import date

from fastapi.testclient import TestClient
from httpx import Response
from navigateur import SignIn, csrf_of
from sepa_xsd import debits, validate

from gouvernance.bootstrap import Application
from gouvernance.domain.users import SYSTEM
from gouvernance.services.ledger import calls

PAGE = "/tresorerie/exports/sepa"


def _export(client: TestClient, **fields: str) -> Response:
    """The form of the exports page, posted as its button does (with its CSRF proof)."""
    form = client.get("/tresorerie/exports").text
    return client.post(PAGE, data={"csrf": csrf_of(form), **fields})


def _plain(page: str) -> str:
    return re.sub(r"[\u00a0\u202f]", " ", html.unescape(page))


def test_a_sunday_is_refused_next_to_its_field_and_a_second_download_debits_nothing(
    web_demo: Application, sign_in: SignIn
) -> None:
    calls.issue_calls(
        web_demo.uows, SYSTEM, "demo-bareme-ca", issued_on=date(2026, 11, 20),
        due_on=date(2026, 12, 31), exclude_incomplete=True,
    )  # fmt: skip
    treasurer: TestClient = sign_in("tresorier")
    form = treasurer.get("/tresorerie/exports").text
    assert 'value="pain.008.001.02"' in form and "pain.008.001.08 (actuel)" in form
    sunday = _export(treasurer, **{"prelevement": "2026-12-20"})
    assert sunday.status_code == 422 and 'id="erreur-prelevement"' in sunday.text
    assert (
        "le 20/12/2026 est un dimanche, pas un jour ouvré TARGET2 ; prochain jour ouvré "
        "possible : lundi 21/12/2026" in _plain(sunday.text)
    )
    first = _export(treasurer, **{"prelevement": "2026-12-21", "schema": "pain.008.001.02"})
    assert first.status_code == 200, first.text
    assert validate(first.content) == "pain.008.001.02"
    second = _export(treasurer, **{"prelevement": "2026-12-22"})
    assert second.status_code == 422
    assert "rien à prélever" in _plain(second.text)


def test_a_debit_the_bank_gave_back_is_entered_on_its_call_and_sent_again(
    web_demo: Application, sign_in: SignIn
) -> None:
    calls.issue_calls(
        web_demo.uows, SYSTEM, "demo-bareme-ca", issued_on=date(2026, 11, 20),
        due_on=date(2026, 12, 31), exclude_incomplete=True,
    )  # fmt: skip
    treasurer: TestClient = sign_in("tresorier")
    sent = _export(treasurer, **{"prelevement": "2026-12-16"})
    assert sent.status_code == 200, sent.text
    first = debits(sent.content)[0]
    page = treasurer.get(f"/tresorerie/appels/{first.end_to_end}")
    assert "Prélèvement SEPA en cours" in page.text and first.mandate_id in page.text
    unknown = treasurer.post(
        f"/tresorerie/appels/{first.end_to_end}/prelevement-rendu",
        data={"csrf": csrf_of(page.text), "code_rejet": "XX01", "nature": "rejet"},
    )
    assert unknown.status_code == 422 and 'id="erreur-code_rejet"' in unknown.text
    assert "motif de rejet inconnu « XX01 »" in _plain(unknown.text)
    given_back = treasurer.post(
        f"/tresorerie/appels/{first.end_to_end}/prelevement-rendu",
        data={"csrf": csrf_of(page.text), "code_rejet": "AM04", "nature": "retour",
              "date_rejet": "2026-12-12"},
        follow_redirects=False,
    )  # fmt: skip
    assert given_back.status_code == 303, given_back.text
    assert "Prélèvement SEPA en cours" not in treasurer.get(given_back.headers["location"]).text
    again = _export(treasurer, **{"prelevement": "2026-12-17"})
    assert again.status_code == 200, again.text
    (resent,) = debits(again.content)
    assert (resent.end_to_end, resent.sequence) == (first.end_to_end, "RCUR")
