"""The treasurer's commands (``calls``, ``payments``, ``balances``, ``reminders``, ``export``,
``mandates``, ``bank``), run as a person would on the demo, the calendar set by
``GOUVERNANCE_TODAY``.

On the demo, LOT-2027-01 calls 21 members in the order of their codes: AC-2027-0005 is
MISTRAL's call (1 262,50 €), AC-2027-0007 SAL01's (20,00 €), both due on 31/03/2027.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner, Result

from gouvernance.cli import app
from gouvernance.services.clock import VARIABLE as TODAY

runner = CliRunner()
MISTRAL_CALL, SAL01_CALL = "AC-2027-0005", "AC-2027-0007"


def euros(text: str) -> str:
    """« 6 871,40 € » as printed: narrow no-break space for thousands, no-break before €."""
    number, _, _ = text.rpartition(" €")
    return number.replace(" ", "\u202f") + "\u00a0€"


def flat(output: str) -> str:
    """The output with Rich's line wrapping undone (ordinary spaces only)."""
    return re.sub(r" *\n *", " ", output)


@pytest.fixture
def db(
    database_url: str, demo_loader: Callable[[str], None], monkeypatch: pytest.MonkeyPatch
) -> list[str]:
    """The demo, on 15 January 2027, in an 100-column terminal."""
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv(TODAY, "2027-01-15")
    demo_loader(database_url)  # what « gouvernance demo » leaves, from a template
    return ["--database", database_url]


def run(*args: str) -> Result:
    return runner.invoke(app, list(args))


def ok(*args: str) -> str:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result.output


def issue(db: list[str]) -> str:
    return ok("calls", "issue", "demo-bareme-ca", "--due", "2027-03-31",
              "--exclude-incomplete", *db)  # fmt: skip


def test_issuing_prints_the_batch_then_nothing_new_the_second_time(db: list[str]) -> None:
    first = issue(db)
    assert "Lot émis : LOT-2027-01 (21 appel(s)" in first
    assert f"total {euros('6 871,40 €')}" in first
    assert "échéance 31/03/2027" in first
    assert "2 membre(s) exclu(s) faute de données" in first
    assert "Crau Formation (CRAU-FORMATION) : donnée manquante — chiffre d'affaires 2026" in first
    assert "20 membre(s) exonéré(s)" in first
    again = issue(db)
    assert "Rien de nouveau : le lot LOT-2027-01 (21 appel(s)" in again
    assert "est déjà émis" in again
    listing = ok("calls", "list", *db)
    assert "Appels (21)" in listing
    assert euros("6 871,40 €") in listing  # the total line


def test_issuing_with_missing_figures_is_refused_naming_crau_formation(db: list[str]) -> None:
    result = run("calls", "issue", "demo-bareme-ca", "--due", "31/03/2027", *db)
    assert result.exit_code == 1
    assert "2 membre(s) sans les données nécessaires au barème" in result.output
    assert "Crau Formation (CRAU-FORMATION) : donnée manquante" in result.output
    assert "PAR01" in result.output
    assert "--exclude-incomplete" in result.output
    assert "Traceback" not in result.output
    assert "Aucun appel ne correspond" in ok("calls", "list", *db)


def test_dates_are_read_in_iso_or_french_form_and_a_bad_one_is_named(db: list[str]) -> None:
    result = run("calls", "issue", "demo-bareme-ca", "--due", "31/02/2027", *db)
    assert result.exit_code == 1
    assert "date invalide « 31/02/2027 » (attendu : AAAA-MM-JJ ou JJ/MM/AAAA)" in result.output
    french = ok("calls", "issue", "demo-bareme-ca", "--due", "30/04/2027", "--issued-on",
                "20/01/2027", "--exclude-incomplete", *db)  # fmt: skip
    assert "échéance 30/04/2027" in french
    assert "émis le 20/01/2027" in french


def test_a_domain_error_is_printed_in_french_with_exit_code_1_never_a_traceback(
    db: list[str],
) -> None:
    result = run("payments", "record", "INCONNU", "10", "--on", "2027-01-15",
                 "--method", "virement", *db)  # fmt: skip
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert "Erreur : aucun membre n'a le code INCONNU" in result.output
    assert "Traceback" not in result.output
    unknown = run("calls", "show", "AC-2099-0001", *db)
    assert unknown.exit_code == 1
    assert "aucun appel n'a la référence AC-2099-0001" in unknown.output


def test_list_filters_by_status_in_french_or_in_english(
    db: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    issue(db)
    ok("payments", "record", "SAL01", "20", "--on", "2027-01-15", "--method", "espèces", *db)
    for word in ("payé", "paid", "PAYE"):
        paid = ok("calls", "list", "--status", word, *db)
        assert "Appels (1)" in paid
        assert SAL01_CALL in paid
        assert MISTRAL_CALL not in paid
    assert "Appels (20)" in ok("calls", "list", "--status", "à-payer", *db)
    monkeypatch.setenv(TODAY, "2027-04-15")
    late = ok("calls", "list", "--status", "en-retard", *db)
    assert "Appels (20) — situation au 15/04/2027" in late
    assert SAL01_CALL not in late
    before = ok("calls", "list", "--status", "overdue", "--on", "2027-03-31", *db)
    assert "Aucun appel ne correspond" in before
    bad = run("calls", "list", "--status", "bof", *db)
    assert bad.exit_code == 1
    assert "statut inconnu « bof »" in bad.output


def test_a_payment_typed_the_french_way_changes_the_status_of_the_call(
    db: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    issue(db)
    monkeypatch.setenv(TODAY, "2027-02-10")
    first = ok("payments", "record", "mistral", "120,50", "--on", "10/02/2027",
               "--method", "chèque", "--bank-ref", "CHQ 1234567", *db)  # fmt: skip
    assert f"RG-2027-0001 — {euros('120,50 €')} de MISTRAL (chèque)" in first
    assert f"→ {MISTRAL_CALL} : {euros('120,50 €')}" in first
    assert f"Crédit restant de ce paiement : {euros('0,00 €')}" in first
    assert "partiellement payé" in ok("calls", "list", "--member", "MISTRAL", *db)
    rest = ok("payments", "record", "MISTRAL", "1 142,00 €", "--on", "2027-02-10",
              "--method", "virement", "--to", MISTRAL_CALL, *db)  # fmt: skip
    assert f"→ {MISTRAL_CALL} : {euros('1 142,00 €')}" in rest
    listing = ok("calls", "list", "--member", "MISTRAL", *db)
    assert "payé" in listing
    assert "partiellement" not in listing
    shown = ok("calls", "show", MISTRAL_CALL, *db)
    assert "RG-2027-0001" in shown
    assert "RG-2027-0002" in shown
    assert "chiffre d'affaires 2026" in shown
    payments = ok("payments", "list", "--member", "MISTRAL", *db)
    assert "Paiements (2)" in payments
    assert euros("1 262,50 €") in payments  # the total line
    twice = run("payments", "record", "MISTRAL", "120,50", "--on", "2027-02-10",
                "--method", "chèque", "--bank-ref", "CHQ 1234567", *db)  # fmt: skip
    assert twice.exit_code == 1
    assert "ce paiement semble déjà enregistré : RG-2027-0001" in twice.output


def test_a_payment_can_name_the_calls_and_amounts_it_settles(db: list[str]) -> None:
    issue(db)
    split = ["--to", f"{MISTRAL_CALL}:60,00", "--key", "k-1"]
    partial = ok("payments", "record", "MISTRAL", "100", "--on", "2027-01-15",
                 "--method", "vir", *split, *db)  # fmt: skip
    assert f"→ {MISTRAL_CALL} : {euros('60,00 €')}" in partial
    assert f"Crédit restant de ce paiement : {euros('40,00 €')}" in partial
    replay = ok("payments", "record", "MISTRAL", "100", "--on", "2027-01-15",
                "--method", "vir", *split, *db)  # fmt: skip
    assert "Déjà enregistré (même clé), rien de plus : RG-2027-0001" in replay
    wrong = run("payments", "record", "MISTRAL", "10", "--on", "2027-01-15",
                "--method", "carte", *db)  # fmt: skip
    assert wrong.exit_code == 1
    assert "moyen de paiement inconnu « carte »" in wrong.output
    not_his = run("payments", "record", "MISTRAL", "10", "--on", "2027-01-15",
                  "--method", "virement", "--to", SAL01_CALL, *db)  # fmt: skip
    assert not_his.exit_code == 1
    assert f"l'appel {SAL01_CALL} n'est pas un appel de ce membre" in not_his.output


def test_cancel_issues_a_partial_credit_note_then_cancels_the_rest(db: list[str]) -> None:
    issue(db)
    partial = ok("calls", "cancel", MISTRAL_CALL, "--reason", "Chiffre d'affaires corrigé",
                 "--amount", "62,50", *db)  # fmt: skip
    assert f"Avoir AV-2027-0001 de {euros('62,50 €')} sur l'appel {MISTRAL_CALL}" in partial
    assert f"reste dû {euros('1 200,00 €')}" in partial
    cancelled = ok("calls", "cancel", MISTRAL_CALL, "--reason", "Membre sorti", *db)
    assert f"Annulation : avoir AV-2027-0002 de {euros('1 200,00 €')}" in cancelled
    assert "annulé" in cancelled
    shown = ok("calls", "show", MISTRAL_CALL, *db)
    assert "Chiffre d'affaires corrigé" in shown
    assert "Membre sorti" in shown
    assert "annulé" in ok("calls", "list", "--member", "MISTRAL", *db)
    again = run("calls", "cancel", MISTRAL_CALL, "--reason", "encore", *db)
    assert again.exit_code == 1
    assert "est déjà annulé" in again.output
    no_reason = run("calls", "cancel", SAL01_CALL, "--reason", "  ", *db)
    assert no_reason.exit_code == 1
    assert "le motif est obligatoire" in no_reason.output


def test_letters_are_written_as_pdf_or_html_from_the_file_suffix(
    db: list[str], tmp_path: Path
) -> None:
    issue(db)
    pdf, html = tmp_path / "appel.pdf", tmp_path / "appel.html"
    assert "Lettre d'appel" in ok("calls", "letter", MISTRAL_CALL, "--out", str(pdf), *db)
    assert pdf.read_bytes().startswith(b"%PDF")
    ok("calls", "letter", MISTRAL_CALL, "--out", str(html), *db)
    page = html.read_text("utf-8")
    assert MISTRAL_CALL in page
    assert "Mistral" in page
    forced = tmp_path / "appel.txt"
    ok("calls", "letter", MISTRAL_CALL, "--out", str(forced), "--format", "html", *db)
    assert MISTRAL_CALL in forced.read_text("utf-8")
    unknown = run("calls", "letter", MISTRAL_CALL, "--out", str(tmp_path / "appel.doc"), *db)
    assert unknown.exit_code == 1
    assert "le fichier doit finir par .pdf ou .html" in flat(unknown.output)
    batch = tmp_path / "lot.pdf"
    ok("calls", "letters", "LOT-2027-01", "--out", str(batch), *db)
    assert batch.read_bytes().startswith(b"%PDF")
    assert batch.stat().st_size > pdf.stat().st_size


def test_balances_show_what_each_member_owes_and_a_credit_after_an_overpayment(
    db: list[str],
) -> None:
    issue(db)
    ok("payments", "record", "SAL01", "50,00", "--on", "2027-01-15", "--method", "virement", *db)
    table = ok("balances", *db)
    sal01 = next(line for line in table.splitlines() if "SAL01" in line)
    assert f"crédit {euros('30,00 €')}" in sal01
    mistral = next(line for line in table.splitlines() if "MISTRAL" in line)
    assert f"doit {euros('1 262,50 €')}" in mistral
    assert f"Crédits des membres (trop-perçus) : {euros('30,00 €')}" in table
    own = ok("balances", "--member", "sal01", *db)
    assert "Solde de Camille Roux (SAL01) au 15/01/2027" in own
    assert f"crédit {euros('30,00 €')}" in own
    assert SAL01_CALL in own


def test_a_credit_received_before_the_calls_is_applied_to_them_later(
    db: list[str],
) -> None:
    early = ok("payments", "record", "SAL02", "25", "--on", "2027-01-10", "--method", "chèque", *db)
    assert "Aucun appel à payer : tout va au crédit du membre" in early
    issue(db)
    assert "AC-2027-0008" in ok("calls", "list", "--member", "SAL02", "--status", "due", *db)
    applied = ok("payments", "apply-credit", "SAL02", *db)
    assert "AC-2027-0008" in applied
    assert f"Total imputé : {euros('20,00 €')}" in applied
    assert "Rien à imputer pour SAL02" in ok("payments", "apply-credit", "SAL02", *db)
    assert "payé" in ok("calls", "list", "--member", "SAL02", *db)


def test_reminders_due_are_listed_then_sent_once_with_their_letters(
    db: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    issue(db)
    assert "Aucune relance à envoyer" in ok("reminders", "due", *db)
    monkeypatch.setenv(TODAY, "2027-04-15")
    due = ok("reminders", "due", *db)
    assert MISTRAL_CALL in due
    letters = tmp_path / "relances.pdf"
    sent = ok("reminders", "send", "--out", str(letters), *db)
    assert "relance(s) enregistrée(s)" in sent
    assert f"{MISTRAL_CALL} (MISTRAL) : niveau 1" in sent
    assert letters.read_bytes().startswith(b"%PDF")
    assert "Aucune relance à envoyer" in ok("reminders", "send", *db)
    assert "niveau 1 envoyée le 15/04/2027" in ok("calls", "show", MISTRAL_CALL, *db)


def test_exports_write_the_calls_the_payments_and_the_fec_file(
    db: list[str], tmp_path: Path
) -> None:
    issue(db)
    ok("payments", "record", "MISTRAL", "100", "--on", "2027-01-15", "--method", "virement", *db)
    as_csv, as_xlsx = tmp_path / "appels.csv", tmp_path / "appels.xlsx"
    ok("export", "calls", "--out", str(as_csv), "--year", "2027", *db)
    assert MISTRAL_CALL in as_csv.read_text("utf-8-sig")
    ok("export", "calls", "--out", str(as_xlsx), *db)
    assert openpyxl.load_workbook(as_xlsx).active.max_row == 23  # header, 21 calls, total
    paid = tmp_path / "paiements.csv"
    ok("export", "payments", "--out", str(paid), *db)
    assert "RG-2027-0001" in paid.read_text("utf-8-sig")
    wrong = run("export", "calls", "--out", str(tmp_path / "appels.pdf"), *db)
    assert wrong.exit_code == 1
    assert "le fichier doit finir par .csv ou .xlsx" in flat(wrong.output)
    written = ok("export", "fec", "--start", "2027-01-01", "--end", "31/12/2027",
                 "--out", str(tmp_path), *db)  # fmt: skip
    (fec,) = tmp_path.glob("*-extrait-FEC-20270101-20271231.txt")
    assert fec.name in flat(written)
    (notice,) = tmp_path.glob("*-extrait-FEC-20270101-20271231-notice.txt")
    assert notice.read_text("utf-8").startswith(f"Notice descriptive du fichier {fec.name}")
    latin = ok("export", "fec", "--start", "2027-01-01", "--end", "2027-12-31", "--encoding",
               "iso-8859-15", "--defer", "--out", str(tmp_path / "latin.txt"), *db)  # fmt: skip
    assert "latin-notice.txt" in flat(latin)
    assert (tmp_path / "latin.txt").read_bytes().decode("iso-8859-15").startswith("JournalCode|")
    ebcdic = run("export", "fec", "--start", "2027-01-01", "--end", "2027-12-31",
                 "--encoding", "cp500", *db)  # fmt: skip
    assert ebcdic.exit_code == 1 and "EBCDIC" in flat(ebcdic.output)
    header = fec.read_text("utf-8").splitlines()[0]
    assert header.startswith("JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum")
    assert MISTRAL_CALL in fec.read_text("utf-8")
    backwards = run("export", "fec", "--start", "2027-12-31", "--end", "2027-01-01", *db)
    assert backwards.exit_code == 1
    assert "la fin de période précède son début" in backwards.output


def test_a_mandate_and_the_bank_details_lead_to_a_sepa_direct_debit_file(
    db: list[str], tmp_path: Path
) -> None:
    issue(db)
    mandate = ok("mandates", "set", "MISTRAL", "--rum", "RUM-MISTRAL-1", "--signed-on",
                 "2027-01-10", "--iban", "FR76 3000 6000 0112 3456 7890 189", "--bic",
                 "AGRIFRPP", *db)  # fmt: skip
    assert "Mandat RUM-MISTRAL-1 de MISTRAL enregistré" in mandate
    assert "RUM-MISTRAL-1" in ok("mandates", "list", *db)
    bad_iban = run("mandates", "set", "MISTRAL", "--rum", "X", "--signed-on", "2027-01-10",
                   "--iban", "FR00 1234", "--bic", "AGRIFRPP", *db)  # fmt: skip
    assert bad_iban.exit_code == 1
    assert "IBAN" in bad_iban.output
    bank = ok("bank", "show", *db)
    assert "Identifiant créancier SEPA : FR" in bank
    bad_ics = run("bank", "set", "--creditor-id", "FR00ZZZ000000", *db)
    assert bad_ics.exit_code == 1
    assert "identifiant créancier SEPA" in bad_ics.output
    xml = tmp_path / "prelevements.xml"
    ok("export", "sepa", "--collection-date", "2027-02-01", "--batch", "LOT-2027-01",
       "--out", str(xml), *db)  # fmt: skip
    content = xml.read_text("utf-8")
    assert "pain.008" in content
    assert "RUM-MISTRAL-1" in content
    assert "1262.50" in content


def test_a_reminder_run_to_a_missing_folder_records_nothing_so_its_letters_are_not_lost(
    db: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    issue(db)
    monkeypatch.setenv(TODAY, "2027-04-15")
    refused = run("reminders", "send", "--out", str(tmp_path / "absent" / "r.pdf"), *db)
    assert refused.exit_code == 1
    assert "n'existe pas" in refused.output
    assert MISTRAL_CALL in ok("reminders", "due", *db)  # still due: nothing was recorded
    ok("reminders", "send", "--out", str(tmp_path), *db)
    again = tmp_path / "relance.html"
    ok("reminders", "letter", MISTRAL_CALL, "1", "--out", str(again), *db)
    assert "Premier rappel" in again.read_text(encoding="utf-8")


def test_a_mandate_is_revoked_and_its_member_is_no_longer_debited(db: list[str]) -> None:
    issue(db)
    assert "révoqué" in ok("mandates", "revoke", "mistral", *db)
    listed = flat(ok("mandates", "list", *db))
    assert "MISTRAL" in listed and "non" in listed
    refused = run("mandates", "set", "MISTRAL", "--rum", "R&é>", "--signed-on", "2026-03-02",
                  "--iban", "FR7610278078201234567890172", "--bic", "CMCIFR2A", *db)  # fmt: skip
    assert refused.exit_code == 1
    assert "RUM" in refused.output


def test_setting_only_the_creditor_id_keeps_the_iban_and_the_bic(db: list[str]) -> None:
    ok("bank", "set", "--creditor-id", "FR72ZZZ123456", *db)
    shown = ok("bank", "show", *db)
    assert "FR76" in shown.replace(" ", "") and "AGRIFRPP" in shown


def test_a_negative_amount_is_refused_in_french_not_read_as_an_option(db: list[str]) -> None:
    refused = run("payments", "record", "MISTRAL", "-5", "--on", "2027-01-15",
                  "--method", "virement", *db)  # fmt: skip
    assert refused.exit_code == 1
    assert "doit être positif" in refused.output


def test_an_overpayment_is_refunded_from_the_command_line_and_shows_in_the_balance(
    db: list[str],
) -> None:
    issue(db)
    ok("payments", "record", "GARRIGUE", "450", "--on", "2026-12-02", "--method", "chèque", *db)
    refused = run("payments", "refund", "GARRIGUE", "80,00", "--on", "2026-12-03", *db)
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    done = ok("payments", "refund", "GARRIGUE", "50,00", "--on", "2026-12-03", "--reason",
              "trop-perçu", *db)  # fmt: skip
    assert "Remboursement enregistré : RB-" in flat(done)
    balance = flat(ok("balances", "--member", "GARRIGUE", *db))
    assert "Remboursé" in balance
