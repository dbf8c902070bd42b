"""``gouvernance mail``, run as a person would on the demo, against a real SMTP server on
127.0.0.1 configured by the environment (GOUVERNANCE_SMTP_HOST, _PORT, _SECURITY).

AG-2026-02 is the demo's open assembly (43 associates on its roll, some without an address),
AG-2026-01 the closed one; MISTRAL's 2027 call is AC-2027-0005 (contact@mistral-recyclage…).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from smtp_loopback import Server, attachments, closed_port, smtp_server
from typer.testing import CliRunner, Result

from gouvernance.cli import app
from gouvernance.services.clock import VARIABLE as TODAY

__all__ = ["closed_port", "smtp_server"]

runner = CliRunner()


@pytest.fixture
def db(
    database_url: str, demo_loader: Callable[[str], None], monkeypatch: pytest.MonkeyPatch
) -> list[str]:
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv(TODAY, "2026-12-01")
    demo_loader(database_url)
    return ["--database", database_url]


def run(*args: str) -> Result:
    return runner.invoke(app, list(args))


def flat(output: str) -> str:
    return re.sub(r" *\n *", " ", output)


def test_the_dry_run_lists_recipients_and_paper_letters_and_sends_nothing(
    db: list[str], smtp_server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    smtp_server.environment(monkeypatch)
    result = run("--as", "bureau", "mail", "send", "convocation", "AG-2026-02", "--dry-run", *db)
    assert result.exit_code == 0, result.output
    out = flat(result.output)
    assert "Aperçu : rien n'est envoyé ni enregistré." in out
    assert "expéditeur contact@alpilles-reemploi.example" in out
    assert (
        "RESSOURCERIE Ressourcerie La Seconde Main <bonjour@secondemain.example> — « Convocation "
        ": assemblée générale ordinaire du 12 décembre 2026 — PTCE Alpilles Réemploi » — "
        "convocation-AG-2026-02.pdf"
    ) in out
    assert "À envoyer par courrier" in out
    assert "BEN01 Marie Aubert — pas d'adresse électronique — convocation-AG-2026-02.pdf" in out
    assert smtp_server.received == []
    same = run("--as", "bureau", "mail", "preview", "convocation", "AG-2026-02", *db)
    assert flat(same.output) == out


def test_sending_prints_each_answer_and_a_second_send_sends_nothing(
    db: list[str], smtp_server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    smtp_server.environment(monkeypatch)
    first = run("--as", "scrutateur", "mail", "send", "pv", "AG-2026-01", *db)
    assert first.exit_code == 0, first.output
    out = flat(first.output)
    count = len(smtp_server.received)
    assert count > 30
    assert f"Envoyés ({count}) :" in out
    assert "pv-AG-2026-01.pdf — 250 2.0.0 Ok: queued as Q0001" in out
    assert f"{count} courriels envoyés, 0 en échec, 0 déjà envoyé et" in out
    (pdf,) = attachments(smtp_server.received[0].message)
    assert pdf.get_content().startswith(b"%PDF")

    again = run("--as", "scrutateur", "mail", "send", "procès-verbal", "AG-2026-01", *db)
    assert again.exit_code == 0, again.output
    assert f"0 courriel envoyé, 0 en échec, {count} déjà envoyés et" in flat(again.output)
    assert len(smtp_server.received) == count

    history = run("--as", "scrutateur", "mail", "outbox", "pv", "AG-2026-01", "-n", "2", *db)
    assert history.exit_code == 0, history.output
    lines = flat(history.output)
    assert "Courriels (2) :" in lines and "envoyé — pv AG-2026-01 —" in lines
    assert "250 2.0.0 Ok: queued as" in lines and "(1 essai)" in lines


def test_a_refused_connection_exits_1_with_the_reason_then_the_retry_sends_it(
    db: list[str],
    smtp_server: Server,
    closed_port: int,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv(TODAY, "2027-01-15")
    issued = run("--as", "tresorier", "calls", "issue", "demo-bareme-ca", "--due", "2027-01-31",
                 "--exclude-incomplete", *db)  # fmt: skip
    assert issued.exit_code == 0, issued.output
    monkeypatch.setenv(TODAY, "2027-02-20")
    reminded = run("--as", "tresorier", "reminders", "send", "--out", str(tmp_path / "r.pdf"), *db)
    assert reminded.exit_code == 0, reminded.output
    smtp_server.environment(monkeypatch)
    monkeypatch.setenv("GOUVERNANCE_SMTP_PORT", str(closed_port))
    down = run("--as", "tresorier", "mail", "send", "relances", "AC-2027-0005", *db)
    assert down.exit_code == 1, down.output
    out = flat(down.output)
    assert "En échec (1) :" in out
    assert f"le serveur de courriel 127.0.0.1:{closed_port} refuse la connexion" in out
    assert "relancez « gouvernance mail send relances AC-2027-0005 »" in out

    monkeypatch.setenv("GOUVERNANCE_SMTP_PORT", str(smtp_server.port))
    retried = run("--as", "tresorier", "mail", "retry", "relances", "AC-2027-0005", *db)
    assert retried.exit_code == 0, retried.output
    assert "Envoyés (1) :" in flat(retried.output)
    (received,) = smtp_server.received
    assert received.rcpt_tos == ["contact@mistral-recyclage.example"]


def test_without_a_server_the_command_names_the_variable_to_set(
    db: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GOUVERNANCE_SMTP_HOST", raising=False)
    result = run("--as", "bureau", "mail", "send", "convocation", "AG-2026-02", *db)
    assert result.exit_code == 1
    assert "aucun serveur de courriel n'est configuré : définissez GOUVERNANCE_SMTP_HOST" in flat(
        result.output
    )


def test_an_unknown_kind_is_refused_with_the_french_words(db: list[str]) -> None:
    result = run("mail", "preview", "factures", "LOT-2027-01", *db)
    assert result.exit_code == 1
    assert "type de courriel inconnu « factures » (types : appels, relances, convocation, pv)" in (
        flat(result.output)
    )
