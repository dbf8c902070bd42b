"""``gouvernance mail``: send calls, reminders, convocations and minutes by e-mail.

``preview`` (or ``send --dry-run``) shows what would go, to whom, with which PDF, what was sent
already and who gets a paper letter; ``send`` sends and prints each server's answer, or why a
message failed (exit code 1 then: run it again to retry); ``outbox`` lists what was sent.
The SMTP server is configured by the environment (``GOUVERNANCE_SMTP_HOST``…, see
docs/courriels.md), never stored in the database. Services are imported inside the commands,
so that ``gouvernance --help`` stays fast.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from gouvernance.cli.shell import DatabaseOption, FrenchErrorsTyper, cli_actor, console, opened

if TYPE_CHECKING:
    from gouvernance.services.mail.outbox import (
        MailPreview,
        MailReport,
        OutboxEntry,
        PaperLetter,
    )

app = FrenchErrorsTyper(
    help="Courriels aux membres : appels, relances, convocations, PV, avec leur PDF.\n\n"
    "Le serveur SMTP se règle par les variables GOUVERNANCE_SMTP_* (voir docs/courriels.md).",
    no_args_is_help=True,
)

KindArgument = Annotated[
    str,
    typer.Argument(metavar="TYPE", help="appels, relances, convocation ou pv.", show_default=False),
]
ReferenceArgument = Annotated[
    str,
    typer.Argument(
        metavar="RÉFÉRENCE",
        help="Lot (LOT-2027-01), jour de relances (2027-02-20) ou appel relancé (AC-2027-0005), "
        "assemblée (AG-2026-02).",
        show_default=False,
    ),
]


def _say(text: str) -> None:
    console.print(text, soft_wrap=True, highlight=False)


def _paper(paper: Sequence[PaperLetter]) -> None:
    if not paper:
        return
    _say(f"[bold]À envoyer par courrier ({len(paper)}) :[/]")
    for letter in paper:
        _say(
            f"  • {escape(letter.member_code)} {escape(letter.name)} — {escape(letter.reason)} "
            f"— {escape(letter.attachment)}"
        )


def _entries(title: str, entries: Sequence[OutboxEntry], *, answer: bool) -> None:
    if not entries:
        return
    _say(f"[bold]{title} ({len(entries)}) :[/]")
    for entry in entries:
        said = entry.server_answer if answer else entry.error
        _say(
            f"  • {escape(entry.member_code)} {escape(entry.name)} <{escape(entry.address)}> — "
            f"{escape(entry.attachment)} — {escape(said or entry.status_label)}"
        )


def _print_preview(preview: MailPreview) -> None:
    _say(f"[bold]{escape(preview.label.capitalize())}[/] — expéditeur {escape(preview.sender)}")
    _say("Aperçu : rien n'est envoyé ni enregistré.")
    if preview.to_send:
        _say(f"[bold]À envoyer ({len(preview.to_send)}) :[/]")
    for message in preview.to_send:
        again = f" — nouvel essai après : {message.error}" if message.error else ""
        _say(
            f"  • {escape(message.member_code)} {escape(message.name)} <{escape(message.address)}>"
            f" — « {escape(message.subject)} » — {escape(message.attachment)}{escape(again)}"
        )
    _entries("Déjà envoyés, ignorés", preview.already_sent, answer=True)
    _entries("En cours d'envoi", preview.in_progress, answer=False)
    _paper(preview.paper)
    _say(f"{preview.summary}.")


def _print_report(report: MailReport, command: str) -> None:
    _say(
        f"[bold]{escape(report.label.capitalize())}[/] — serveur {escape(report.server)}, "
        f"expéditeur {escape(report.sender)}"
    )
    _entries("Envoyés", report.sent, answer=True)
    _entries("[red]En échec[/]", report.failed, answer=False)
    if report.already_sent:
        codes = ", ".join(entry.member_code for entry in report.already_sent)
        _say(f"Déjà envoyés, ignorés ({len(report.already_sent)}) : {escape(codes)}")
    _entries("En cours d'envoi (réessayez plus tard avec « retry »)", report.in_progress,
             answer=False)  # fmt: skip
    _paper(report.paper)
    _say(f"{report.summary}.")
    if report.failed:
        _say(
            f"Les courriels en échec restent à envoyer : corrigez la cause, puis relancez "
            f"« {escape(command)} »."
        )


@app.command("preview")
def preview(
    kind: KindArgument, reference: ReferenceArgument, database: DatabaseOption = None
) -> None:
    """Montrer ce qui partirait, ce qui est déjà parti, qui reçoit une lettre papier."""
    from gouvernance.services.mail import outbox

    with opened(database) as application:
        shown = outbox.preview(application.uows, cli_actor(), kind, reference)
    _print_preview(shown)


@app.command("send")
def send(
    kind: KindArgument,
    reference: ReferenceArgument,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Montrer seulement ce qui partirait (aperçu).")
    ] = False,
    database: DatabaseOption = None,
) -> None:
    """Envoyer ce qui n'est pas encore parti ou a échoué ; rien ne part deux fois."""
    from gouvernance.services.mail import outbox

    with opened(database) as application:
        if dry_run:
            _print_preview(outbox.preview(application.uows, cli_actor(), kind, reference))
            return
        with console.status("Envoi des courriels…"):
            report = outbox.send(application.uows, cli_actor(), kind, reference)
    _print_report(report, f"gouvernance mail send {kind} {reference}")
    if report.failed:
        raise typer.Exit(code=1)


@app.command("retry")
def retry(
    kind: KindArgument, reference: ReferenceArgument, database: DatabaseOption = None
) -> None:
    """Réessayer les échecs et les envois interrompus depuis plus de 15 minutes."""
    from gouvernance.services.mail import outbox

    with opened(database) as application, console.status("Envoi des courriels…"):
        report = outbox.retry(application.uows, cli_actor(), kind, reference)
    _print_report(report, f"gouvernance mail retry {kind} {reference}")
    if report.failed:
        raise typer.Exit(code=1)


@app.command("outbox")
def history(
    kind: Annotated[
        str | None, typer.Argument(metavar="[TYPE]", help="appels, relances, convocation ou pv.")
    ] = None,
    reference: Annotated[
        str | None,
        typer.Argument(metavar="[RÉFÉRENCE]", help="Lot, jour, assemblée ou document."),
    ] = None,
    limit: Annotated[
        int,
        typer.Option(
            "--limit", "-n", metavar="NOMBRE", min=1, max=1000, help="Au plus (1 à 1000)."
        ),
    ] = 50,
    database: DatabaseOption = None,
) -> None:
    """Lire l'historique des courriels : quand, à qui, quel document, quelle réponse."""
    from gouvernance.services.mail import outbox

    with opened(database) as application:
        found = outbox.outbox(application.uows, cli_actor(), kind, reference, limit=limit)
    if not found:
        _say("Aucun courriel enregistré.")
        return
    _say(f"[bold]Courriels ({len(found)}) :[/]")
    for entry in found:
        said = entry.server_answer if entry.status.value == "sent" else entry.error
        _say(
            f"  • {entry.when} — {escape(entry.status_label)} — {escape(entry.kind.word)} "
            f"{escape(entry.reference)} — {escape(entry.member_code)} <{escape(entry.address)}> "
            f"— {escape(entry.attachment)} — {escape(said or '')} "
            f"({entry.attempts} essai{'s' if entry.attempts > 1 else ''})"
        )
