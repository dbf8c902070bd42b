"""``gouvernance capital …``: the register of shares (parts sociales), for the treasurer.

Choose the statutes, subscribe, pay up, withdraw, refund, read the register and one associate's
shares, print a certificate. Amounts are typed the French way (``12,50``), dates ``2026-11-16``
or ``16/11/2026``; every refusal is printed in French with exit code 1.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from gouvernance.cli.shell import (
    DatabaseOption,
    FrenchErrorsTyper,
    cli_actor,
    console,
    document_format,
    parse_day,
    write_document,
)
from gouvernance.cli.shell import open_application as _open
from gouvernance.domain.money import format_amount, parse_amount
from gouvernance.services.scic import capital, certificates
from gouvernance.services.scic.capital import OperationView

app = FrenchErrorsTyper(
    help="Registre des parts sociales : souscriptions, libérations, retraits, remboursements.",
    no_args_is_help=True,
)

OnOption = Annotated[
    str | None,
    typer.Option("--on", help="Date (AAAA-MM-JJ ou JJ/MM/AAAA ; défaut : aujourd'hui)."),
]
KeyOption = Annotated[
    str | None,
    typer.Option("--key", help="Clé d'idempotence : relancer avec la même clé ne refait rien."),
]
NoteOption = Annotated[str, typer.Option("--note", help="Commentaire inscrit au registre.")]


def _day(text: str | None) -> date | None:
    return parse_day(text, "--on") if text is not None else None


def _done(view: OperationView) -> None:
    verb = "inscrite" if view.created else "déjà inscrite (même clé)"
    console.print(f"{view.number} {verb} : {escape(view.member_code)}, {escape(view.describe())}")


@app.command("statutes")
def choose(
    statutes_id: Annotated[str, typer.Argument(help="Identifiant des statuts.")],
    database: DatabaseOption = None,
) -> None:
    """Choisir les statuts que suit le registre (rules/statuts/)."""
    application = _open(database)
    try:
        chosen = capital.choose_statutes(application.uows, cli_actor(), statutes_id)
    finally:
        application.close()
    console.print(f"Statuts choisis : {chosen.id} — {escape(chosen.label)}")


@app.command("subscribe")
def subscribe(
    member: Annotated[str, typer.Argument(help="Code du membre.")],
    shares: Annotated[int, typer.Argument(help="Nombre de parts souscrites.")],
    paid: Annotated[str, typer.Option("--paid", help="Versé à la souscription, ex. 12,50.")],
    on: OnOption = None,
    note: NoteOption = "",
    key: KeyOption = None,
    database: DatabaseOption = None,
) -> None:
    """Inscrire une souscription (le quart au moins versé, le solde dans le délai des statuts)."""
    amount = parse_amount(paid, field="--paid")
    application = _open(database)
    try:
        view = capital.subscribe(
            application.uows, cli_actor(), member, shares, amount, _day(on),
            note=note, idempotency_key=key,
        )  # fmt: skip
    finally:
        application.close()
    _done(view)


@app.command("pay")
def pay(
    member: Annotated[str, typer.Argument(help="Code du membre.")],
    amount: Annotated[str, typer.Argument(help="Montant libéré, ex. 150,00.")],
    on: OnOption = None,
    note: NoteOption = "",
    key: KeyOption = None,
    database: DatabaseOption = None,
) -> None:
    """Inscrire une libération (paiement du solde des parts souscrites)."""
    value = parse_amount(amount, field="amount")
    application = _open(database)
    try:
        view = capital.pay_up(
            application.uows, cli_actor(), member, value, _day(on), note=note, idempotency_key=key
        )
    finally:
        application.close()
    _done(view)


@app.command("withdraw")
def withdraw(
    member: Annotated[str, typer.Argument(help="Code du membre.")],
    shares: Annotated[int, typer.Argument(help="Nombre de parts retirées.")],
    loss_per_share: Annotated[
        str, typer.Option("--loss-per-share", help="Perte imputée par part (décision de l'AG).")
    ] = "0",
    on: OnOption = None,
    note: NoteOption = "",
    key: KeyOption = None,
    database: DatabaseOption = None,
) -> None:
    """Inscrire un retrait de parts (plancher du capital et minimum de la catégorie vérifiés)."""
    loss = parse_amount(loss_per_share, field="--loss-per-share")
    application = _open(database)
    try:
        view = capital.withdraw(
            application.uows, cli_actor(), member, shares, _day(on),
            loss_per_share=loss, note=note, idempotency_key=key,
        )  # fmt: skip
    finally:
        application.close()
    _done(view)


@app.command("refund")
def refund(
    number: Annotated[str, typer.Argument(help="Numéro du retrait, ex. CAP-2026-0003.")],
    on: OnOption = None,
    note: NoteOption = "",
    key: KeyOption = None,
    database: DatabaseOption = None,
) -> None:
    """Inscrire le remboursement d'un retrait (à partir de la date prévue, une seule fois)."""
    application = _open(database)
    try:
        view = capital.refund(
            application.uows, cli_actor(), number, _day(on), note=note, idempotency_key=key
        )
    finally:
        application.close()
    _done(view)


@app.command("register")
def register(on: OnOption = None, database: DatabaseOption = None) -> None:
    """Le registre des parts à une date : associés, parts, capital libéré, totaux."""
    application = _open(database)
    try:
        view = capital.register_view(application.uows, cli_actor(), _day(on))
    finally:
        application.close()
    table = Table(title=f"Registre des parts au {view.on:%d/%m/%Y}", box=box.SIMPLE_HEAD)
    for column in ("Associé", "Catégorie", "Collège", "Parts", "Souscrit", "Libéré", "Reste"):
        justify = "right" if column in ("Parts", "Souscrit", "Libéré", "Reste") else "left"
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    table.add_column("Échéance")
    for line in view.lines:
        due = f"{line.due_on:%d/%m/%Y}" if line.due_on and line.unpaid else ""
        if line.late:
            due += " — libération en retard"
        table.add_row(
            escape(f"{line.code} {line.name}"), escape(line.category), escape(line.college),
            str(line.shares), format_amount(line.subscribed), format_amount(line.paid_up),
            format_amount(line.unpaid), due,
        )  # fmt: skip
    console.print(table)
    totals = view.totals
    highest = f" le {totals.highest_on:%d/%m/%Y}" if totals.highest_on else ""
    console.print(
        f"Capital souscrit : {format_amount(totals.subscribed)} "
        f"(libéré : {format_amount(totals.paid_up)})\n"
        f"Capital le plus élevé atteint : {format_amount(totals.highest)}{highest} ; plancher "
        f"({view.floor_share}) : {format_amount(totals.floor)}\n"
        f"Collectivités publiques : {format_amount(totals.public_bodies)}, "
        f"soit {view.public_share} "
        f"(maximum {view.public_max})",
        soft_wrap=True,
    )


@app.command("show")
def show(
    member: Annotated[str, typer.Argument(help="Code du membre.")],
    on: OnOption = None,
    database: DatabaseOption = None,
) -> None:
    """Les parts d'un associé et ses opérations."""
    application = _open(database)
    try:
        view = capital.associate_view(application.uows, cli_actor(), member, _day(on))
    finally:
        application.close()
    line = view.line
    due = f", au plus tard le {line.due_on:%d/%m/%Y}" if line.due_on and line.unpaid else ""
    late = " — libération en retard" if line.late else ""
    console.print(
        f"{escape(line.name)} ({line.code}) — {escape(line.category)}, {escape(line.college)}\n"
        f"{line.shares} part(s) de {format_amount(view.share_value)} : souscrit "
        f"{format_amount(line.subscribed)}, libéré {format_amount(line.paid_up)}, reste "
        f"{format_amount(line.unpaid)}{due}{late}",
        soft_wrap=True,
    )
    for operation in view.operations:
        console.print(
            f"  {operation.number} {operation.day:%d/%m/%Y} {escape(operation.describe())}",
            soft_wrap=True,
        )


@app.command("certificate")
def certificate(
    member: Annotated[str, typer.Argument(help="Code du membre.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Fichier PDF à écrire.")],
    on: OnOption = None,
    database: DatabaseOption = None,
) -> None:
    """Écrire l'attestation de parts sociales d'un associé (PDF ; .html pour la page web)."""
    kind = document_format(output, "l'attestation", "--output")
    application = _open(database)
    try:
        content = certificates.certificate(application.uows, cli_actor(), member, _day(on))
    finally:
        application.close()
    if kind == "html":
        write_document(certificates.render_html(content).encode("utf-8"), output, "--output")
    else:
        write_document(certificates.render_pdf(content), output, "--output")
    console.print(f"Attestation écrite : {escape(str(output))}")
