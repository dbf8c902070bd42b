"""E-mail to members through a real SMTP server on 127.0.0.1 (aiosmtpd), on SQLite and
PostgreSQL: reminders, calls, convocations and minutes arrive with their PDF; nothing is sent
twice; a refused or dropped connection leaves the messages failed and retryable; members without
an address are listed for a paper letter; the dry run writes nothing; the server's password
never shows.

A small cooperative for the treasury: four volunteers called 20 € each on 15/01/2027, due
15/02/2027 (M0001–M0003 have an address, M0004 none); the first reminder may go from 02/03/2027.
The assemblies are the demo's (AG-2026-01 closed, AG-2026-02 open).
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from ledger_setup import ISSUED_ON, SCHEDULE_ID, rules
from smtp_loopback import (
    PASSWORD,
    USER,
    Dropping,
    Server,
    attachments,
    authenticated_smtp_server,
    closed_port,
    dropping_server,
    plain_text,
    refusing_smtp_server,
    smtp_server,
)
from sqlalchemy import text

from gouvernance.bootstrap import Application
from gouvernance.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from gouvernance.domain.mail import MailKind, MailStatus
from gouvernance.domain.members import MemberDraft, PersonKind
from gouvernance.domain.organisation import Organisation
from gouvernance.domain.users import SYSTEM, Actor, Role
from gouvernance.services import audit
from gouvernance.services.ledger import calls, treasury
from gouvernance.services.mail import outbox
from gouvernance.services.mail.settings import MailSettings, Security
from gouvernance.services.organisation import setup
from gouvernance.services.registry import members

__all__ = [
    "authenticated_smtp_server",
    "closed_port",
    "dropping_server",
    "refusing_smtp_server",
    "rules",
    "smtp_server",
]

TREASURER = Actor("tresorier", Role.TREASURER)
BOARD = Actor("bureau", Role.BOARD)
SCRUTINEER = Actor("scrutateur", Role.SCRUTINEER)
REMINDER_DAY = "2027-03-05"
ADDRESSES = {
    "M0001": "anne.martin@courriel.example",
    "M0002": "bruno.petit@courriel.example",
    "M0003": "chantal.roux@courriel.example",
    "M0004": None,
}
FIRST_NAMES = {"M0001": "Anne", "M0002": "Bruno", "M0003": "Chantal", "M0004": "David"}


@pytest.fixture
def cooperative(app: Application, rules: Path, monkeypatch: pytest.MonkeyPatch) -> Application:
    """The organisation, four volunteers, their calls issued (LOT-2027-01)."""
    setup.set_organisation(
        app.uows,
        SYSTEM,
        Organisation(
            name="Coopérative d'essai",
            legal_form="association",
            rna="W133001234",
            address="2 rue des Arènes",
            postal_code="13200",
            city="Arles",
            email="contact@cooperative-essai.example",
            treasurer_name="Joseph Castagne",
            treasurer_title="Trésorier bénévole",
            president_name="Mireille Aubanel",
            president_title="Présidente",
        ),
    )
    for code, first in FIRST_NAMES.items():
        draft = MemberDraft(
            kind=PersonKind.NATURAL,
            category="volunteer",
            joined_on=date(2020, 1, 1),
            first_name=first,
            last_name="Essai",
            email=ADDRESSES[code],
            code=code,
        )
        members.create_member(app.uows, SYSTEM, draft)
    calls.issue_calls(
        app.uows, TREASURER, SCHEDULE_ID, issued_on=ISSUED_ON, due_on=date(2027, 2, 15)
    )
    return app


@pytest.fixture
def reminded(cooperative: Application, monkeypatch: pytest.MonkeyPatch) -> Application:
    """The first reminders recorded on 05/03/2027 (nobody paid)."""
    monkeypatch.setenv("GOUVERNANCE_TODAY", REMINDER_DAY)
    sent = treasury.send_reminders(cooperative.uows, TREASURER)
    assert len(sent.reminders) == 4
    return cooperative


@pytest.fixture
def demo(app: Application, database_url: str, demo_loader: Callable[[str], None]) -> Application:
    demo_loader(database_url)
    return app


def _rows(app: Application) -> list[dict[str, object]]:
    with app.uows() as uow:
        session = uow.session  # type: ignore[attr-defined]
        return [dict(r) for r in session.execute(text("SELECT * FROM mail_outbox")).mappings()]


def _audit_count(app: Application) -> int:
    return len(audit.recent(app.uows, SYSTEM, 1000))


def _received_by(server: Server) -> dict[str, object]:
    return {r.rcpt_tos[0]: r.message for r in server.received}


# --- reminders --------------------------------------------------------------------------------


def test_reminders_sent_to_the_loopback_server_arrive_with_their_pdf_and_french_text(
    reminded: Application, smtp_server: Server
) -> None:
    report = outbox.send(
        reminded.uows, TREASURER, "relances", REMINDER_DAY, settings=smtp_server.settings()
    )
    assert len(report.sent) == 3 and report.failed == () and report.already_sent == ()
    assert report.summary == ("3 courriels envoyés, 0 en échec, 0 déjà envoyé et 1 lettre papier")
    received = sorted(smtp_server.received, key=lambda r: r.rcpt_tos[0])
    assert [r.rcpt_tos for r in received] == [
        ["anne.martin@courriel.example"],
        ["bruno.petit@courriel.example"],
        ["chantal.roux@courriel.example"],
    ]
    message = received[0].message
    assert received[0].mail_from == "contact@cooperative-essai.example"
    assert message["To"] == "Anne Essai <anne.martin@courriel.example>"
    assert "Coopérative d'essai" in str(message["From"])
    assert message["Subject"] == "Premier rappel — appel AC-2027-0001 — Coopérative d'essai"
    assert str(message["Message-ID"]).endswith("@cooperative-essai.example>")
    assert str(message["Date"]).endswith("+0100")  # Paris, in March
    (pdf,) = attachments(message)
    assert pdf.get_content_type() == "application/pdf"
    assert pdf.get_filename() == "relance-1-AC-2027-0001.pdf"
    assert pdf.get_content().startswith(b"%PDF")
    body = plain_text(message)
    assert body.startswith("Bonjour,")
    assert "nous n'avons pas encore reçu le règlement de l'appel AC-2027-0001" in body
    assert "20,00" in body and "15 février 2027" in body
    assert "Joseph Castagne, trésorier bénévole" in body
    sent = report.sent[0]
    assert sent.status is MailStatus.SENT and sent.attempts == 1
    assert sent.server_answer is not None and sent.server_answer.startswith("250 2.0.0 Ok")
    assert sent.smtp_code == 250 and sent.sent_at is not None and sent.error is None
    assert sent.document == "AC-2027-0001/1" and sent.reference == REMINDER_DAY


def test_a_second_send_sends_nothing_and_lists_them_as_already_sent(
    reminded: Application, smtp_server: Server
) -> None:
    settings = smtp_server.settings()
    outbox.send(reminded.uows, TREASURER, MailKind.REMINDERS, REMINDER_DAY, settings=settings)
    logged = _audit_count(reminded)
    again = outbox.send(reminded.uows, TREASURER, "relances", "05/03/2027", settings=settings)
    assert again.sent == () and again.failed == ()
    assert len(again.already_sent) == 3
    assert len(smtp_server.received) == 3
    assert _audit_count(reminded) == logged  # nothing done, nothing written
    assert len(_rows(reminded)) == 3


def test_one_calls_reminder_asked_by_its_call_is_the_same_message_as_by_its_day(
    reminded: Application, smtp_server: Server
) -> None:
    settings = smtp_server.settings()
    one = outbox.send(reminded.uows, TREASURER, "relances", "AC-2027-0002", settings=settings)
    assert [e.member_code for e in one.sent] == ["M0002"] and one.reference == REMINDER_DAY
    day = outbox.send(reminded.uows, TREASURER, "relances", REMINDER_DAY, settings=settings)
    assert sorted(e.member_code for e in day.sent) == ["M0001", "M0003"]
    assert [e.member_code for e in day.already_sent] == ["M0002"]
    assert len(smtp_server.received) == 3


def test_a_refused_connection_leaves_them_retryable_then_a_working_server_sends_each_once(
    reminded: Application, closed_port: int, smtp_server: Server
) -> None:
    down = MailSettings(host="127.0.0.1", port=closed_port, security=Security.NONE, timeout=5)
    failed = outbox.send(reminded.uows, TREASURER, "relances", REMINDER_DAY, settings=down)
    assert failed.sent == () and len(failed.failed) == 3
    first, *others = failed.failed
    assert first.error == (
        f"le serveur de courriel 127.0.0.1:{closed_port} refuse la connexion "
        "(arrêté, ou mauvais port)"
    )
    assert first.attempts == 1
    assert all(e.error == f"non envoyé : {first.error}" and e.attempts == 0 for e in others)
    assert {row["status"] for row in _rows(reminded)} == {"failed"}
    preview = outbox.preview(reminded.uows, TREASURER, "relances", REMINDER_DAY)
    assert len(preview.to_send) == 3
    assert all(m.status is MailStatus.FAILED and m.error for m in preview.to_send)

    sent = outbox.send(
        reminded.uows, TREASURER, "relances", REMINDER_DAY, settings=smtp_server.settings()
    )
    assert len(sent.sent) == 3 and sent.failed == ()
    assert sorted(e.attempts for e in sent.sent) == [1, 1, 2]
    assert all(e.error is None for e in sent.sent)
    assert len(smtp_server.received) == 3
    outbox.retry(
        reminded.uows, TREASURER, "relances", REMINDER_DAY, settings=smtp_server.settings()
    )
    assert len(smtp_server.received) == 3  # a retry sends nothing already sent


def test_a_server_that_drops_the_connection_fails_the_run_with_its_reason(
    reminded: Application, dropping_server: Dropping
) -> None:
    settings = MailSettings(host=dropping_server.host, port=dropping_server.port,
                            security=Security.NONE, timeout=5)  # fmt: skip
    report = outbox.send(reminded.uows, TREASURER, "relances", REMINDER_DAY, settings=settings)
    assert report.sent == () and len(report.failed) == 3
    assert report.failed[0].error == (
        f"le serveur de courriel 127.0.0.1:{dropping_server.port} a coupé la connexion"
    )
    assert dropping_server.connections == 1  # one connection for the run, not one per message
    assert {row["status"] for row in _rows(reminded)} == {"failed"}


def test_a_recipient_refused_by_the_server_fails_alone_with_its_code_and_the_others_go(
    reminded: Application, smtp_server: Server
) -> None:
    smtp_server.handler.refuse.add("bruno.petit@courriel.example")
    report = outbox.send(
        reminded.uows, TREASURER, "relances", REMINDER_DAY, settings=smtp_server.settings()
    )
    assert sorted(e.member_code for e in report.sent) == ["M0001", "M0003"]
    (refused,) = report.failed
    assert refused.member_code == "M0002" and refused.smtp_code == 550
    assert refused.error is not None
    assert refused.error.startswith(
        "le serveur refuse l'adresse bruno.petit@courriel.example (refus 550) : 550 5.1.1"
    )
    assert "boîte aux lettres inconnue" in refused.error
    smtp_server.handler.refuse.clear()
    retried = outbox.retry(
        reminded.uows, TREASURER, "relances", REMINDER_DAY, settings=smtp_server.settings()
    )
    assert [e.member_code for e in retried.sent] == ["M0002"] and retried.sent[0].attempts == 2
    assert len(smtp_server.received) == 3


def test_a_message_refused_at_data_is_failed_with_the_servers_words(
    reminded: Application, refusing_smtp_server: Server
) -> None:
    report = outbox.send(
        reminded.uows,
        TREASURER,
        "relances",
        REMINDER_DAY,
        settings=refusing_smtp_server.settings(),
    )
    assert report.sent == () and len(report.failed) == 3
    assert all(e.smtp_code == 554 for e in report.failed)  # each tried: the connection held
    assert report.failed[0].error == (
        "le serveur refuse le message (refus 554) : 554 5.7.1 Message refusé : politique du relais"
    )


def test_members_without_an_address_are_listed_for_a_paper_letter(
    reminded: Application, smtp_server: Server
) -> None:
    preview = outbox.preview(reminded.uows, TREASURER, "relances", REMINDER_DAY)
    (paper,) = preview.paper
    assert (paper.member_code, paper.name, paper.reason) == (
        "M0004", "David Essai", "pas d'adresse électronique",
    )  # fmt: skip
    assert paper.attachment == "relance-1-AC-2027-0004.pdf"
    report = outbox.send(
        reminded.uows, TREASURER, "relances", REMINDER_DAY, settings=smtp_server.settings()
    )
    assert [p.member_code for p in report.paper] == ["M0004"]
    assert "david" not in " ".join(r.rcpt_tos[0] for r in smtp_server.received)


def test_the_dry_run_shows_what_would_go_and_sends_and_writes_nothing(
    reminded: Application, smtp_server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    smtp_server.environment(monkeypatch)
    logged = _audit_count(reminded)
    preview = outbox.preview(reminded.uows, TREASURER, "relances", REMINDER_DAY)
    assert preview.label == "relances du 05/03/2027"
    assert preview.sender == "contact@cooperative-essai.example"
    assert [(m.member_code, m.address, m.attachment) for m in preview.to_send] == [
        ("M0001", "anne.martin@courriel.example", "relance-1-AC-2027-0001.pdf"),
        ("M0002", "bruno.petit@courriel.example", "relance-1-AC-2027-0002.pdf"),
        ("M0003", "chantal.roux@courriel.example", "relance-1-AC-2027-0003.pdf"),
    ]
    assert preview.to_send[0].subject.startswith("Premier rappel — appel AC-2027-0001")
    assert all(m.status is None and m.attempts == 0 for m in preview.to_send)
    assert preview.summary == ("3 courriels à envoyer, 0 déjà envoyé et 1 lettre papier")
    assert smtp_server.received == []
    assert _rows(reminded) == []
    assert _audit_count(reminded) == logged


def test_the_run_is_audited_once_with_its_counts(
    reminded: Application, smtp_server: Server
) -> None:
    outbox.send(reminded.uows, TREASURER, "relances", REMINDER_DAY, settings=smtp_server.settings())
    entry = audit.recent(reminded.uows, SYSTEM, 1)[0]
    assert (entry.actor, entry.action, entry.entity_key) == (
        "tresorier", "courriels.envoyés", f"reminders:{REMINDER_DAY}",
    )  # fmt: skip
    assert '"envoyés": 3' in entry.detail and '"papier": 1' in entry.detail
    assert '"échecs": 0' in entry.detail


# --- the server's account ---------------------------------------------------------------------


def test_the_password_never_appears_in_errors_logs_audit_or_the_outbox(
    reminded: Application,
    authenticated_smtp_server: Server,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = authenticated_smtp_server.settings(user=USER, password=PASSWORD + "-faux")
    assert PASSWORD not in repr(wrong) and "•••" in repr(wrong)
    refused = outbox.send(reminded.uows, TREASURER, "relances", REMINDER_DAY, settings=wrong)
    assert refused.sent == () and len(refused.failed) == 3
    reason = refused.failed[0].error or ""
    assert (
        reason.startswith("le serveur 127.0.0.1:")
        and "refuse l'identifiant ou le mot de passe SMTP" in reason
    )
    assert refused.failed[0].smtp_code == 535
    right = authenticated_smtp_server.settings(user=USER, password=PASSWORD)
    sent = outbox.send(reminded.uows, TREASURER, "relances", REMINDER_DAY, settings=right)
    assert len(sent.sent) == 3 and len(authenticated_smtp_server.received) == 3
    stored = " ".join(str(value) for row in _rows(reminded) for value in row.values())
    logged = " ".join(e.detail for e in audit.recent(reminded.uows, SYSTEM, 1000))
    for secret in (PASSWORD, PASSWORD + "-faux"):
        assert secret not in stored and secret not in logged and secret not in caplog.text
        assert secret not in repr(refused) and secret not in repr(sent)


def test_without_a_server_configured_nothing_is_written_and_the_variable_is_named(
    reminded: Application, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GOUVERNANCE_SMTP_HOST", raising=False)
    with pytest.raises(InvalidInput, match="GOUVERNANCE_SMTP_HOST") as refused:
        outbox.send(reminded.uows, TREASURER, "relances", REMINDER_DAY)
    assert refused.value.field == "GOUVERNANCE_SMTP_HOST"
    assert _rows(reminded) == []


def test_a_message_stopped_half_way_is_sent_again_only_by_a_retry_once_stale(
    reminded: Application, smtp_server: Server
) -> None:
    settings = smtp_server.settings()
    smtp_server.handler.refuse.add("anne.martin@courriel.example")
    outbox.send(reminded.uows, TREASURER, "relances", REMINDER_DAY, settings=settings)
    smtp_server.handler.refuse.clear()
    with reminded.uows() as uow:  # as a run that stopped between handing it over and the answer
        (stuck,) = [m for m in uow.mail.messages(MailKind.REMINDERS, REMINDER_DAY)
                    if m.member_code == "M0001"]  # fmt: skip
        stuck.status = MailStatus.SENDING
        stuck.last_attempt_at = datetime.now(UTC) - timedelta(minutes=5)
        uow.commit()
    waiting = outbox.send(reminded.uows, TREASURER, "relances", REMINDER_DAY, settings=settings)
    assert waiting.sent == () and [e.member_code for e in waiting.in_progress] == ["M0001"]
    assert (
        outbox.retry(reminded.uows, TREASURER, "relances", REMINDER_DAY, settings=settings).sent
        == ()
    )  # a run may still be at it: five minutes is not stale
    with reminded.uows() as uow:
        message = uow.mail.get(waiting.in_progress[0].id)
        assert message is not None
        message.last_attempt_at = datetime.now(UTC) - outbox.INTERRUPTED_AFTER
        uow.commit()
    retried = outbox.retry(reminded.uows, TREASURER, "relances", REMINDER_DAY, settings=settings)
    assert [e.member_code for e in retried.sent] == ["M0001"]


def test_an_address_corrected_after_a_failure_is_the_one_the_retry_uses(
    reminded: Application, smtp_server: Server
) -> None:
    smtp_server.handler.refuse.add("bruno.petit@courriel.example")
    outbox.send(reminded.uows, TREASURER, "relances", REMINDER_DAY, settings=smtp_server.settings())
    members.update_member(reminded.uows, SYSTEM, "M0002", {"email": "bruno.petit@autre.example"})
    retried = outbox.send(
        reminded.uows, TREASURER, "relances", REMINDER_DAY, settings=smtp_server.settings()
    )
    assert [e.address for e in retried.sent] == ["bruno.petit@autre.example"]
    assert smtp_server.received[-1].rcpt_tos == ["bruno.petit@autre.example"]


# --- calls ------------------------------------------------------------------------------------


def test_the_calls_of_a_batch_go_each_with_its_call_letter(
    cooperative: Application, smtp_server: Server
) -> None:
    report = outbox.send(
        cooperative.uows, TREASURER, "appels", "lot-2027-01", settings=smtp_server.settings()
    )
    assert [e.document for e in report.sent] == ["AC-2027-0001", "AC-2027-0002", "AC-2027-0003"]
    assert [p.member_code for p in report.paper] == ["M0004"]
    message = _received_by(smtp_server)["chantal.roux@courriel.example"]
    (pdf,) = attachments(message)  # type: ignore[arg-type]
    assert pdf.get_filename() == "appel-AC-2027-0003.pdf"
    assert pdf.get_content().startswith(b"%PDF")
    assert message["Subject"] == (  # type: ignore[index]
        "Appel de cotisation 2027 — AC-2027-0003 — Coopérative d'essai"
    )
    body = plain_text(message)  # type: ignore[arg-type]
    assert "20,00" in body and "à régler au plus tard le 15 février 2027" in body
    again = outbox.send(
        cooperative.uows, TREASURER, "appels", "LOT-2027-01", settings=smtp_server.settings()
    )
    assert again.sent == () and len(smtp_server.received) == 3


def test_an_unknown_batch_or_day_is_refused_in_french(cooperative: Application) -> None:
    with pytest.raises(NotFound, match="aucun lot d'appels n'a la référence LOT-2030-09"):
        outbox.preview(cooperative.uows, TREASURER, "appels", "LOT-2030-09")
    with pytest.raises(NotFound, match="aucune relance enregistrée le 01/04/2027"):
        outbox.preview(cooperative.uows, TREASURER, "relances", "2027-04-01")
    with pytest.raises(InvalidInput, match="type de courriel inconnu « factures »"):
        outbox.preview(cooperative.uows, TREASURER, "factures", "LOT-2027-01")


# --- assemblies -------------------------------------------------------------------------------


def test_the_convocation_goes_to_the_associates_on_the_roll_with_its_pdf(
    demo: Application, smtp_server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOUVERNANCE_PUBLIC_URL", "https://gouvernance.alpilles.example/")
    report = outbox.send(
        demo.uows, BOARD, "convocation", "ag-2026-02", settings=smtp_server.settings()
    )
    with demo.uows() as uow:
        addresses = {m.code: m.email for m in uow.members.all()}
    expected = sorted(code for code in {e.member_code for e in report.sent} if addresses[code])
    assert len(report.sent) == len(expected) == len(smtp_server.received) > 30
    assert "BEN01" in [p.member_code for p in report.paper]
    assert all(p.reason == "pas d'adresse électronique" for p in report.paper)
    assert len(report.sent) + len(report.paper) == 43  # the roll
    message = _received_by(smtp_server)["bonjour@secondemain.example"]
    assert message["To"] == (  # type: ignore[index]
        "Ressourcerie La Seconde Main <bonjour@secondemain.example>"
    )
    assert message["Subject"] == (  # type: ignore[index]
        "Convocation : assemblée générale ordinaire du 12 décembre 2026 — PTCE Alpilles Réemploi"
    )
    (pdf,) = attachments(message)  # type: ignore[arg-type]
    assert pdf.get_filename() == "convocation-AG-2026-02.pdf"
    assert pdf.get_content().startswith(b"%PDF")
    body = plain_text(message)  # type: ignore[arg-type]
    assert "1. Budget prévisionnel 2027" in body and "2. Élection de deux administrateurs" in body
    assert "https://gouvernance.alpilles.example/assemblees/AG-2026-02/voter" in body
    assert "Mireille Aubanel, présidente" in body
    assert str(message["Message-ID"]).endswith("@alpilles-reemploi.example>")  # type: ignore[index]


def test_the_minutes_of_a_closed_assembly_go_to_its_associates(
    demo: Application, smtp_server: Server
) -> None:
    report = outbox.send(demo.uows, SCRUTINEER, "pv", "AG-2026-01", settings=smtp_server.settings())
    assert len(report.sent) == len(smtp_server.received) > 30
    message = smtp_server.received[0].message
    assert message["Subject"] == (
        "Procès-verbal de l'assemblée générale extraordinaire du 14 novembre 2026 — "
        "PTCE Alpilles Réemploi"
    )
    (pdf,) = attachments(message)
    assert pdf.get_filename() == "pv-AG-2026-01.pdf" and pdf.get_content().startswith(b"%PDF")
    assert "procès-verbal" in plain_text(message)


def test_minutes_of_an_open_assembly_and_the_convocation_of_a_closed_one_are_refused(
    demo: Application,
) -> None:
    with pytest.raises(Conflict, match="AG-2026-02 est encore ouverte"):
        outbox.preview(demo.uows, BOARD, "pv", "AG-2026-02")
    with pytest.raises(Conflict, match="AG-2026-01 est close"):
        outbox.preview(demo.uows, BOARD, "convocation", "AG-2026-01")


def test_each_role_sends_only_what_it_is_in_charge_of(demo: Application) -> None:
    with pytest.raises(Forbidden, match="ne permet pas d'envoyer la convocation"):
        outbox.preview(demo.uows, TREASURER, "convocation", "AG-2026-02")
    with pytest.raises(Forbidden, match="ne permet pas d'envoyer les appels ni les relances"):
        outbox.preview(demo.uows, SCRUTINEER, "relances", "2027-03-05")
    with pytest.raises(Forbidden):
        outbox.outbox(demo.uows, Actor("adherent", Role.MEMBER, member_code="RESSOURCERIE"))
    assert outbox.preview(demo.uows, SCRUTINEER, "convocation", "AG-2026-02").to_send


def test_the_history_lists_each_message_newest_first_for_whoever_may_send_it(
    reminded: Application, smtp_server: Server
) -> None:
    outbox.send(reminded.uows, TREASURER, "relances", REMINDER_DAY, settings=smtp_server.settings())
    history = outbox.outbox(reminded.uows, TREASURER)
    assert [e.member_code for e in history] == ["M0003", "M0002", "M0001"]
    assert history[0].status_label == "envoyé" and re.fullmatch(
        r"\d\d/\d\d/\d{4} à \d\d:\d\d", history[0].when
    )
    assert [e.member_code for e in outbox.outbox(reminded.uows, TREASURER, "relances",
                                                 "AC-2027-0002/1")] == ["M0002"]  # fmt: skip
    assert outbox.outbox(reminded.uows, BOARD) == []  # the board sends no reminder


def test_two_runs_at_once_send_each_message_once(
    reminded: Application, smtp_server: Server
) -> None:
    settings = smtp_server.settings()
    start = threading.Barrier(2)
    reports: list[outbox.MailReport] = []

    def run() -> None:
        start.wait()
        reports.append(
            outbox.send(reminded.uows, TREASURER, "relances", REMINDER_DAY, settings=settings)
        )

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(reports) == 2
    assert sorted(r.rcpt_tos[0] for r in smtp_server.received) == [
        "anne.martin@courriel.example",
        "bruno.petit@courriel.example",
        "chantal.roux@courriel.example",
    ]
    assert sum(len(r.sent) for r in reports) == 3
    assert all(r.failed == () for r in reports)


def test_a_configured_sender_sends_and_the_organisation_gets_the_replies(
    reminded: Application, smtp_server: Server
) -> None:
    settings = smtp_server.settings(sender="tresorerie@cooperative-essai.example")
    outbox.send(reminded.uows, TREASURER, "relances", "AC-2027-0001", settings=settings)
    (received,) = smtp_server.received
    assert received.mail_from == "tresorerie@cooperative-essai.example"
    assert str(received.message["From"]).endswith("<tresorerie@cooperative-essai.example>")
    assert received.message["Reply-To"] == "contact@cooperative-essai.example"
    history = outbox.outbox(reminded.uows, TREASURER, "relances", "05/03/2027")
    assert [e.document for e in history] == ["AC-2027-0001/1"]
