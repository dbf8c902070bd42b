"""The treasurer's desk through HTTP (« /tresorerie »): the week at a glance, a batch issued
from its preview (once, even when the confirmation is sent twice), the calls and their filters,
payments typed the French way, credit notes, refunds, balances, reminders and the files for
the accountant and the bank. On the demo, on 12 December 2026, signed in as « tresorier ».
"""

from __future__ import annotations

import csv
import html
import io
import re
import time
from datetime import date

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from navigateur import SignIn, csrf_of
from smtp_loopback import Server, refusing_smtp_server, smtp_server

from gouvernance.bootstrap import Application
from gouvernance.domain.calls.model import PaymentMethod
from gouvernance.domain.users import SYSTEM
from gouvernance.services.ledger import calls, payments, refunds

__all__ = ["refusing_smtp_server", "smtp_server"]  # fixtures, imported to be used

PREVIEW = "/tresorerie/lots/apercu?bareme=demo-bareme-ca&emission=2026-11-20&echeance=2026-11-25"
NBSP = re.compile(r"[\u00a0\u202f]")


def _plain(page: str) -> str:
    """The page's text as a person reads it: entities decoded, French spaces made plain."""
    return NBSP.sub(" ", html.unescape(page))


def _key(html: str) -> str:
    found = re.search(r'name="cle" value="([^"]+)"', html)
    assert found, "le formulaire n'a pas de clé d'idempotence"
    return found.group(1)


def _issue(app: Application) -> None:
    """The 2027 calls, issued on 20 November 2026, due on the 25th: late on 12 December."""
    calls.issue_calls(
        app.uows, SYSTEM, "demo-bareme-ca", issued_on=date(2026, 11, 20),
        due_on=date(2026, 11, 25), exclude_incomplete=True,
    )  # fmt: skip


def _finish(client: TestClient, response: Response) -> Response:
    """Wait for the background job a form started, then open its page (or its result)."""
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.startswith("/tresorerie/travaux/")
    deadline = time.monotonic() + 60  # the job runs in this process or in the database's rows
    while client.get(f"{location}/etat").json()["state"] == "running":
        assert time.monotonic() < deadline, "le travail n'a pas fini en 60 s"
        time.sleep(0.02)
    page: Response = client.get(location)
    return page


@pytest.fixture
def treasurer(sign_in: SignIn) -> TestClient:
    return sign_in("tresorier")


# --------------------------------------------------------------------------------------------
# Who may enter


def test_a_member_account_gets_the_french_403_at_the_treasurers_desk(sign_in: SignIn) -> None:
    member = sign_in("adherent")
    for path in ("/tresorerie", "/tresorerie/appels", "/tresorerie/exports/fec?debut=2026-01-01"):
        page = member.get(path)
        assert page.status_code == 403
        assert "la trésorerie est réservée au trésorier et à l'administrateur" in _plain(page.text)
    assert 'href="/tresorerie"' not in member.get("/").text


def test_someone_not_signed_in_is_sent_to_the_sign_in_page(browser: TestClient) -> None:
    page = browser.get("/tresorerie/appels", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == "/connexion?suite=/tresorerie/appels"


def test_the_desk_shows_the_week_at_a_glance_and_links_to_every_task(
    treasurer: TestClient, web_demo: Application
) -> None:
    _issue(web_demo)
    page = treasurer.get("/tresorerie")
    assert page.status_code == 200
    text = _plain(page.text)
    assert "LOT-2027-01" in text and "émis le 20/11/2026" in text
    assert "6 871,40 €" in text  # outstanding on 21 calls, nothing paid yet
    assert "21 appels" in text  # all late since the 25th
    for link in ("/tresorerie/lots", "/tresorerie/appels", "/tresorerie/paiements/nouveau",
                 "/tresorerie/relances", "/tresorerie/soldes", "/tresorerie/exports",
                 "/tresorerie/releves"):  # fmt: skip
        assert f'href="{link}' in page.text


# --------------------------------------------------------------------------------------------
# Issuing a batch


def test_the_preview_lists_crau_formation_left_out_for_missing_figures_and_issues_nothing(
    treasurer: TestClient,
) -> None:
    page = treasurer.get(PREVIEW)
    assert page.status_code == 200
    text = _plain(page.text)
    assert "CRAU-FORMATION" in text and "donnée manquante — chiffre d'affaires 2026" in text
    assert "Ce lot ne peut pas être émis ainsi" in text
    assert 'action="/tresorerie/lots"' not in page.text  # no confirmation while blocked
    assert "exclure=1" in page.text  # the way out: exclude them
    assert "Aucun lot n'a encore été émis." in treasurer.get("/tresorerie/lots").text


def test_preview_then_confirm_issues_exactly_one_batch_even_when_sent_twice(
    treasurer: TestClient, web_demo: Application
) -> None:
    preview = treasurer.get(PREVIEW + "&exclure=1")
    text = _plain(preview.text)
    assert "Membres appelés (21)" in text and "6 871,40 €" in text
    form = {
        "csrf": csrf_of(preview.text), "cle": _key(preview.text), "bareme": "demo-bareme-ca",
        "emission": "2026-11-20", "echeance": "2026-11-25", "exclure": "1",
    }  # fmt: skip
    first = treasurer.post("/tresorerie/lots", data=form, follow_redirects=False)
    second = treasurer.post("/tresorerie/lots", data=form, follow_redirects=False)
    assert first.headers["location"] == second.headers["location"]  # the same job
    batch = _finish(treasurer, first)
    assert batch.status_code == 200
    assert str(batch.url).endswith("/tresorerie/lots/LOT-2027-01?emis=1&exclus=2&exoneres=20")
    assert "Lot émis : 21 appels" in _plain(batch.text)
    again = _finish(
        treasurer, treasurer.post("/tresorerie/lots", data=form | {"cle": "une-autre-cle"},
                                  follow_redirects=False),
    )  # fmt: skip
    assert "Rien de nouveau" in again.text
    assert [b.reference for b in calls.list_batches(web_demo.uows, SYSTEM)] == ["LOT-2027-01"]


def test_an_issue_the_service_refuses_shows_its_french_reason_on_the_job_page(
    treasurer: TestClient,
) -> None:
    preview = treasurer.get(PREVIEW + "&exclure=1")
    form = {
        "csrf": csrf_of(preview.text),
        "cle": _key(preview.text),
        "bareme": "demo-bareme-ca",
        "emission": "2026-11-20",
        "echeance": "2026-11-25",
    }  # fmt: skip  (a crafted confirmation without the exclusion)
    page = _finish(treasurer, treasurer.post("/tresorerie/lots", data=form,
                                             follow_redirects=False))  # fmt: skip
    assert page.status_code == 422
    assert "2 membre(s) sans les données nécessaires au barème" in page.text
    assert "Crau Formation (CRAU-FORMATION) : donnée manquante" in page.text


def test_a_bad_due_date_is_refused_next_to_its_field_with_what_was_typed(
    treasurer: TestClient,
) -> None:
    page = treasurer.get(
        "/tresorerie/lots/apercu?bareme=demo-bareme-ca&emission=2026-11-20&echeance=31/02/2027"
    )
    assert page.status_code == 422
    assert 'id="erreur-echeance"' in page.text
    assert "date invalide « 31/02/2027 »" in page.text
    assert 'value="31/02/2027"' in page.text


def test_the_letters_of_a_batch_are_laid_out_in_the_background_and_downloaded(
    treasurer: TestClient, web_demo: Application
) -> None:
    _issue(web_demo)
    page = treasurer.get("/tresorerie/lots/LOT-2027-01")
    started = treasurer.post(
        "/tresorerie/lots/LOT-2027-01/lettres",
        data={"csrf": csrf_of(page.text), "cle": _key(page.text)},
        follow_redirects=False,
    )
    done = _finish(treasurer, started)
    assert "Les 21 lettres d'appel du lot LOT-2027-01 sont prêtes" in _plain(done.text)
    letters = treasurer.get(started.headers["location"] + "/fichier")
    assert letters.headers["content-type"] == "application/pdf"
    assert letters.content.startswith(b"%PDF")


def test_a_job_belongs_to_the_account_that_started_it(
    treasurer: TestClient, sign_in: SignIn, web_demo: Application
) -> None:
    _issue(web_demo)
    page = treasurer.get("/tresorerie/lots/LOT-2027-01")
    started = treasurer.post(
        "/tresorerie/lots/LOT-2027-01/lettres",
        data={"csrf": csrf_of(page.text), "cle": _key(page.text)},
        follow_redirects=False,
    )
    _finish(treasurer, started)
    admin = sign_in("admin")
    assert admin.get(started.headers["location"]).status_code == 404
    state = treasurer.get(started.headers["location"] + "/etat")
    assert state.json() == {"state": "done", "done": 21, "total": 21, "percent": 100}


# --------------------------------------------------------------------------------------------
# Calls


def test_the_calls_filters_find_overdue_at_a_date_unpaid_by_category_and_by_member(
    treasurer: TestClient, web_demo: Application
) -> None:
    _issue(web_demo)
    payments.record_payment(
        web_demo.uows, SYSTEM, "MISTRAL", 126250, date(2026, 12, 1), PaymentMethod.TRANSFER
    )
    late = _plain(treasurer.get("/tresorerie/appels?statut=en-retard").text)
    assert "20 appels au 12/12/2026" in late and "MISTRAL" not in late.split("Appels trouvés")[1]
    before = _plain(treasurer.get("/tresorerie/appels?statut=en-retard&au=2026-11-24").text)
    assert "0 appel au 24/11/2026" in before
    producers = _plain(treasurer.get("/tresorerie/appels?statut=impayes&categorie=producer").text)
    assert "4 appels" in producers and "1 848,90 €" in producers
    paid = _plain(treasurer.get("/tresorerie/appels?statut=payes").text)
    assert "1 appel au" in paid and "/tresorerie/membres/MISTRAL" in paid
    crau = _plain(treasurer.get("/tresorerie/appels?statut=tous&membre=crau").text)
    assert "CRAU-INSERTION" in crau and "1 appel au" in crau
    assert treasurer.get("/tresorerie/appels?page=deux").status_code == 200
    bad = treasurer.get("/tresorerie/appels?au=hier")
    assert bad.status_code == 422 and 'id="erreur-au"' in bad.text


def test_a_call_shows_its_explanation_and_a_credit_note_corrects_it(
    treasurer: TestClient, web_demo: Application
) -> None:
    _issue(web_demo)
    page = treasurer.get("/tresorerie/appels/AC-2027-0005")  # MISTRAL, 1 262,50 €
    assert "Le calcul, pas à pas" in page.text and "SARL Mistral Recyclage" in page.text
    form = {"csrf": csrf_of(page.text), "cle": _key(page.text), "date": "2026-12-12"}
    refused = treasurer.post(
        "/tresorerie/appels/AC-2027-0005/avoir", data=form | {"montant": "50,00", "motif": ""}
    )
    assert refused.status_code == 422 and 'id="erreur-motif"' in refused.text
    assert 'value="50,00"' in refused.text
    done = treasurer.post(
        "/tresorerie/appels/AC-2027-0005/avoir",
        data=form | {"montant": "62,50", "motif": "chiffre d'affaires corrigé"},
    )
    assert done.status_code == 200 and str(done.url).endswith("?avoir=AV-2026-0001")
    text = _plain(done.text)
    assert "Avoir AV-2026-0001 enregistré." in text and "chiffre d'affaires corrigé" in text
    assert "1 200,00 €" in text  # what it still asks


# --------------------------------------------------------------------------------------------
# Payments, credit and refunds


def _payment_form(client: TestClient, member: str) -> dict[str, str]:
    page = client.get(f"/tresorerie/paiements/nouveau?membre={member}")
    assert page.status_code == 200
    return {
        "csrf": csrf_of(page.text), "cle": _key(page.text), "membre": member,
        "date": "2026-12-10", "moyen": "transfer", "reference_bancaire": "", "note": "",
        "imputation": "anciens",
    }  # fmt: skip


def test_a_payment_typed_the_french_way_is_recorded_and_allocated(
    treasurer: TestClient, web_demo: Application
) -> None:
    _issue(web_demo)
    form = _payment_form(treasurer, "RESSOURCERIE")
    page = treasurer.post(
        "/tresorerie/paiements", data=form | {"montant": "120,50", "reference_bancaire": "VIR-1"}
    )
    assert page.status_code == 200
    assert str(page.url).endswith("/tresorerie/membres/RESSOURCERIE?paiement=RG-2026-0001")
    assert "Paiement RG-2026-0001 enregistré." in page.text
    (payment,) = payments.list_payments(web_demo.uows, SYSTEM, "RESSOURCERIE")
    assert payment.cents == 12050
    assert [(a.call_reference, a.cents) for a in payment.allocations] == [("AC-2027-0006", 12050)]


def test_a_bad_amount_is_refused_next_to_the_field_with_what_was_typed_and_nothing_written(
    treasurer: TestClient, web_demo: Application
) -> None:
    _issue(web_demo)
    form = _payment_form(treasurer, "RESSOURCERIE")
    page = treasurer.post(
        "/tresorerie/paiements", data=form | {"montant": "12,345", "reference_bancaire": "VIR-9"}
    )
    assert page.status_code == 422
    error = re.search(r'<small id="erreur-montant"[^>]*>([^<]+)</small>', page.text)
    assert error and error.group(1) == "« 12,345 » a plus de 2 décimales"
    assert 'value="12,345"' in page.text and 'value="VIR-9"' in page.text
    assert 'aria-invalid="true" aria-describedby="erreur-montant"' in page.text
    assert payments.list_payments(web_demo.uows, SYSTEM, "RESSOURCERIE") == []


def test_a_payment_sent_twice_is_recorded_once_and_an_unknown_member_is_refused(
    treasurer: TestClient, web_demo: Application
) -> None:
    _issue(web_demo)
    form = _payment_form(treasurer, "GARRIGUE") | {"montant": "400"}
    for _ in range(2):
        assert treasurer.post("/tresorerie/paiements", data=form).status_code == 200
    assert len(payments.list_payments(web_demo.uows, SYSTEM, "GARRIGUE")) == 1
    unknown = treasurer.get("/tresorerie/paiements/nouveau?membre=INCONNU")
    assert unknown.status_code == 404 and 'id="erreur-membre"' in unknown.text


def test_a_payment_is_allocated_to_the_calls_ticked_or_kept_as_credit(
    treasurer: TestClient, web_demo: Application
) -> None:
    _issue(web_demo)
    form = _payment_form(treasurer, "SAL01") | {"montant": "30,00"}
    refused = treasurer.post(
        "/tresorerie/paiements",
        data=form
        | {"imputation": "choisis", "appel-AC-2027-0007": "1", "montant-AC-2027-0007": "25,00"},
    )  # fmt: skip  (the call only asks 20,00 €)
    assert refused.status_code == 422 and 'id="erreur-imputation"' in refused.text
    assert "ne demande plus que 20,00" in _plain(refused.text)
    kept = treasurer.post("/tresorerie/paiements", data=form | {"imputation": "credit"})
    assert kept.status_code == 200
    (payment,) = payments.list_payments(web_demo.uows, SYSTEM, "SAL01")
    assert (payment.allocations, payment.unallocated) == ((), 3000)


def test_a_members_credit_is_applied_then_the_overpayment_refunded(
    treasurer: TestClient, web_demo: Application
) -> None:
    _issue(web_demo)
    payments.record_payment(
        web_demo.uows, SYSTEM, "SAL01", 5000, date(2026, 12, 1), PaymentMethod.CASH,
        allocations=[],
    )  # fmt: skip
    account = treasurer.get("/tresorerie/membres/SAL01")
    applied = treasurer.post(
        "/tresorerie/membres/SAL01/credit", data={"csrf": csrf_of(account.text)}
    )
    assert "Crédit imputé : 1 imputation(s)" in applied.text
    assert "A un crédit de 30,00 €" in _plain(applied.text)
    form_page = treasurer.get("/tresorerie/membres/SAL01/remboursement")
    assert 'value="30,00"' in form_page.text
    form = {
        "csrf": csrf_of(form_page.text), "cle": _key(form_page.text), "date": "2026-12-12",
        "moyen": "cash", "reference_bancaire": "", "motif": "trop-perçu",
    }  # fmt: skip
    too_much = treasurer.post(
        "/tresorerie/membres/SAL01/remboursement", data=form | {"montant": "30,01"}
    )
    assert too_much.status_code == 422
    assert "dépasse le crédit du membre (30,00" in _plain(too_much.text)
    assert 'id="erreur-montant"' in too_much.text and 'value="30,01"' in too_much.text
    assert refunds.list_refunds(web_demo.uows, SYSTEM) == []
    done = treasurer.post(
        "/tresorerie/membres/SAL01/remboursement", data=form | {"montant": "30,00"}
    )
    assert "Remboursement RB-2026-0001 enregistré." in done.text
    assert "À jour." in done.text
    listed = _plain(treasurer.get("/tresorerie/paiements").text)
    assert "RB-2026-0001" in listed and "trop-perçu" in listed


def test_the_payments_page_kept_between_two_visits_shows_the_payment_recorded_in_between(
    treasurer: TestClient, web_demo: Application
) -> None:
    _issue(web_demo)
    before = _plain(treasurer.get("/tresorerie/paiements").text)
    assert treasurer.get("/tresorerie/paiements").text.count("RG-2026-") == 0
    payments.record_payment(
        web_demo.uows, SYSTEM, "SAL01", 2000, date(2026, 12, 1), PaymentMethod.CASH,
        allocations=[],
    )  # fmt: skip
    after = _plain(treasurer.get("/tresorerie/paiements").text)
    assert "0 paiement reçu" in before and "1 paiement reçu" in after
    assert "RG-2026-0001" in after and "20,00" in after


# --------------------------------------------------------------------------------------------
# Balances, reminders, exports


def test_the_balances_at_a_date_and_only_those_who_owe(
    treasurer: TestClient, web_demo: Application
) -> None:
    _issue(web_demo)
    payments.record_payment(
        web_demo.uows, SYSTEM, "MISTRAL", 150000, date(2026, 12, 1), PaymentMethod.TRANSFER
    )
    owing = _plain(treasurer.get("/tresorerie/soldes?filtre=doivent").text)
    assert "20 membres au 12 décembre 2026" in owing and "doit 1 262,50 €" not in owing
    credit = _plain(treasurer.get("/tresorerie/soldes?filtre=credit").text)
    assert "crédit 237,50 €" in credit
    earlier = _plain(treasurer.get("/tresorerie/soldes?au=2026-11-30&filtre=doivent").text)
    assert "21 membres au 30 novembre 2026" in earlier and "doit 1 262,50 €" in earlier


def test_the_reminders_due_are_sent_in_the_background_with_their_letters(
    treasurer: TestClient, web_demo: Application
) -> None:
    _issue(web_demo)
    page = treasurer.get("/tresorerie/relances")
    assert "21 relances à envoyer le 12 décembre 2026" in _plain(page.text)
    sent = _finish(
        treasurer,
        treasurer.post(
            "/tresorerie/relances",
            data={"csrf": csrf_of(page.text), "cle": _key(page.text), "au": "2026-12-12"},
            follow_redirects=False,
        ),
    )
    assert "21 relance(s) enregistrée(s) le 12/12/2026" in sent.text
    letters = treasurer.get(str(sent.url).removeprefix("https://testserver") + "/fichier")
    assert letters.headers["content-type"] == "application/pdf"
    assert "0 relance à envoyer" in _plain(treasurer.get("/tresorerie/relances").text)


@pytest.mark.parametrize(
    ("path", "media_type", "start"),
    [
        ("/tresorerie/exports/appels?format=csv", "text/csv; charset=utf-8", "\ufeffréférence"),
        ("/tresorerie/exports/appels?format=xlsx",
         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "PK"),
        ("/tresorerie/exports/paiements?format=csv", "text/csv; charset=utf-8", "\ufeffréférence"),
        ("/tresorerie/exports/paiements?format=xlsx",
         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "PK"),
        ("/tresorerie/exports/fec?debut=2026-01-01&fin=2026-12-31", "text/plain; charset=utf-8",
         "JournalCode|JournalLib|EcritureNum"),
        ("/tresorerie/exports/fec?debut=2026-01-01&fin=2026-12-31&encodage=iso-8859-15&pca=oui",
         "text/plain; charset=iso-8859-15", "JournalCode|JournalLib|EcritureNum"),
        ("/tresorerie/exports/fec?debut=2026-01-01&fin=2026-12-31&fichier=notice",
         "text/plain; charset=utf-8", "Notice descriptive du fichier"),
    ],
)  # fmt: skip
def test_the_exports_download_with_the_right_content_type(
    treasurer: TestClient, web_demo: Application, path: str, media_type: str, start: str
) -> None:
    _issue(web_demo)
    payments.record_payment(
        web_demo.uows, SYSTEM, "VALLON", 10000, date(2026, 12, 1), PaymentMethod.CHEQUE
    )
    response = treasurer.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == media_type
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    assert response.content.decode("utf-8", errors="replace").startswith(start)


def test_the_sepa_order_downloads_from_a_posted_form_and_never_from_a_link(
    treasurer: TestClient, web_demo: Application
) -> None:
    """Exporting records each debit as sent: a link a browser could prefetch must not do it."""
    _issue(web_demo)
    assert treasurer.get("/tresorerie/exports/sepa?prelevement=2026-12-21").status_code == 405
    form = treasurer.get("/tresorerie/exports").text
    assert '<form method="post" action="/tresorerie/exports/sepa"' in form
    response = treasurer.post(
        "/tresorerie/exports/sepa", data={"csrf": csrf_of(form), "prelevement": "2026-12-21"}
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/xml"
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    assert response.content.startswith(b"<?xml")


def test_an_export_the_service_refuses_comes_back_in_french_next_to_its_field(
    treasurer: TestClient, web_demo: Application
) -> None:
    _issue(web_demo)
    fec = treasurer.get("/tresorerie/exports/fec?debut=2026-12-31&fin=2026-01-01")
    assert fec.status_code == 422 and 'id="erreur-fin"' in fec.text
    assert "la fin de période précède son début" in fec.text
    sepa = treasurer.post(
        "/tresorerie/exports/sepa",
        data={
            "csrf": csrf_of(treasurer.get("/tresorerie/exports").text),
            "prelevement": "2026-12-01",
        },
    )
    assert sepa.status_code == 422 and "la date de prélèvement est passée" in sepa.text
    exported = treasurer.get("/tresorerie/exports/appels?format=csv").content
    rows = list(csv.reader(io.StringIO(exported.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 22  # the header and 21 calls


# --------------------------------------------------------------------------------------------
# E-mail


def test_the_calls_of_a_batch_are_previewed_then_sent_by_email_once(
    treasurer: TestClient, web_demo: Application, smtp_server: Server,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    smtp_server.environment(monkeypatch)
    _issue(web_demo)
    assert (
        'href="/tresorerie/lots/LOT-2027-01/courriel"'
        in treasurer.get("/tresorerie/lots/LOT-2027-01").text
    )
    preview = treasurer.get("/tresorerie/lots/LOT-2027-01/courriel")
    text = _plain(preview.text)
    assert preview.status_code == 200 and "Aperçu, rien n'est encore envoyé" in text
    assert "bonjour@secondemain.example" in text  # RESSOURCERIE's address
    assert "Par courrier papier" in text and "pas d'adresse électronique" in text
    assert smtp_server.received == []
    form = {"csrf": csrf_of(preview.text), "cle": _key(preview.text)}
    started = treasurer.post(
        "/tresorerie/lots/LOT-2027-01/courriel", data=form, follow_redirects=False
    )
    report = _finish(treasurer, started)
    sent = len(smtp_server.received)
    assert report.status_code == 200 and sent > 0
    body = _plain(report.text)
    assert f"Envoi terminé : {sent} courriels envoyés" in body
    assert "250 2.0.0 Ok: queued as Q0001" in body  # the server's answer
    again = _finish(
        treasurer,
        treasurer.post("/tresorerie/lots/LOT-2027-01/courriel",
                       data=form | {"cle": "un-second-envoi"}, follow_redirects=False),
    )  # fmt: skip
    assert f"Déjà envoyés avant ({sent})" in _plain(again.text)
    assert len(smtp_server.received) == sent


def test_the_reminders_of_a_day_go_by_email_and_a_refusal_shows_the_servers_answer(
    treasurer: TestClient, web_demo: Application, refusing_smtp_server: Server,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    refusing_smtp_server.environment(monkeypatch)
    _issue(web_demo)
    page = treasurer.get("/tresorerie/relances")
    recorded = _finish(
        treasurer,
        treasurer.post(
            "/tresorerie/relances",
            data={"csrf": csrf_of(page.text), "cle": _key(page.text), "au": "2026-12-12"},
            follow_redirects=False,
        ),
    )
    assert 'href="/tresorerie/relances/courriel?au=2026-12-12"' in recorded.text
    preview = treasurer.get("/tresorerie/relances/courriel?au=2026-12-12")
    assert "Envoyer par courriel les relances du 12/12/2026" in _plain(preview.text)
    report = _finish(
        treasurer,
        treasurer.post(
            "/tresorerie/relances/courriel",
            data={"csrf": csrf_of(preview.text), "cle": _key(preview.text), "au": "2026-12-12"},
            follow_redirects=False,
        ),
    )
    body = _plain(report.text)
    assert "En échec (" in body and "554 5.7.1 Message refusé : politique du relais" in body
    assert "Renvoyer les courriels en échec" in body


def test_without_a_mail_server_the_sending_job_fails_in_french(
    treasurer: TestClient, web_demo: Application, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GOUVERNANCE_SMTP_HOST", raising=False)
    _issue(web_demo)
    preview = treasurer.get("/tresorerie/lots/LOT-2027-01/courriel")
    failed = _finish(
        treasurer,
        treasurer.post(
            "/tresorerie/lots/LOT-2027-01/courriel",
            data={"csrf": csrf_of(preview.text), "cle": _key(preview.text)},
            follow_redirects=False,
        ),
    )
    assert failed.status_code == 422
    assert "GOUVERNANCE_SMTP_HOST" in failed.text
