"""The treasurer's commands: calls, payments, balances, reminders, exports, mandates, bank.

A thin shell over the same services as the API, registered by ``gouvernance.cli``; what every
command shares lives in ``gouvernance.cli.shell``. Dates are typed
``2027-03-31`` or ``31/03/2027``, amounts the French way (``120,50``); every domain error is
printed in French with exit code 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from gouvernance.cli.shell import (
    DOCUMENT_SUFFIXES,
    DatabaseOption,
    FrenchErrorsTyper,
    console,
    errors,
    opened,
    optional_day,
    output_file,
    parse_day,
    progress_bar,
    write_document,
)
from gouvernance.cli.shell import cli_actor as _cli_actor
from gouvernance.cli.shell import fail as _fail
from gouvernance.domain.calls.accounting import FecOptions
from gouvernance.domain.calls.model import CallStatus, parse_method
from gouvernance.domain.errors import GouvernanceError, InvalidInput
from gouvernance.domain.money import format_cents, parse_amount, to_cents
from gouvernance.services.ledger import calls, direct_debits, mandates, payments, treasury
from gouvernance.services.ledger.ledger_views import (
    AllocationView,
    BalanceView,
    CallView,
    Document,
    IssueResult,
    PaymentView,
)

if TYPE_CHECKING:
    from gouvernance.bootstrap import Application

calls_app: FrenchErrorsTyper = FrenchErrorsTyper(
    help="Appels de cotisation : émettre, consulter, corriger, imprimer.", no_args_is_help=True
)
payments_app: FrenchErrorsTyper = FrenchErrorsTyper(
    help="Paiements reçus : enregistrer, lister, imputer le crédit.", no_args_is_help=True
)
reminders_app: FrenchErrorsTyper = FrenchErrorsTyper(
    help="Relances des appels en retard.", no_args_is_help=True
)
export_app: FrenchErrorsTyper = FrenchErrorsTyper(
    help="Exports pour le comptable et la banque : CSV, XLSX, FEC, SEPA.", no_args_is_help=True
)
mandates_app: FrenchErrorsTyper = FrenchErrorsTyper(
    help="Mandats de prélèvement SEPA des membres.", no_args_is_help=True
)
balances_app: FrenchErrorsTyper = FrenchErrorsTyper()
bank_app: FrenchErrorsTyper = FrenchErrorsTyper(
    help="Coordonnées bancaires de l'organisation (virements, prélèvements).",
    no_args_is_help=True,
)

DateText = Annotated[
    str | None,
    typer.Option("--on", help="Situation à la fin de ce jour (AAAA-MM-JJ ou JJ/MM/AAAA ; "
                 "défaut : aujourd'hui)."),
]  # fmt: skip
MemberOption = Annotated[str | None, typer.Option("--member", help="Code du membre.")]
KeyOption = Annotated[
    str | None,
    typer.Option("--key", help="Clé d'idempotence : relancer avec la même clé ne refait rien."),
]

_STATUS_WORDS: dict[str, CallStatus] = {
    **{status.value: status for status in CallStatus},
    **{status.label: status for status in CallStatus},
    "en retard": CallStatus.OVERDUE,
    "a payer": CallStatus.DUE,
    "paye": CallStatus.PAID,
    "partiellement paye": CallStatus.PARTLY_PAID,
    "annule": CallStatus.CANCELLED,
}
_STATUS_STYLES = {
    CallStatus.OVERDUE: "bold red",
    CallStatus.DUE: "",
    CallStatus.PARTLY_PAID: "yellow",
    CallStatus.PAID: "green",
    CallStatus.CANCELLED: "dim",
}
WIDE_CONSOLE = 120  # from this width, tables also show each member's name
LETTER_SUFFIXES = (".pdf", ".html", ".htm")
LETTERS_THRESHOLD = 100  # a hundred letters already take a few seconds to lay out
TABLE_SUFFIXES = (".csv", ".xlsx")


# --------------------------------------------------------------------------------------------
# Reading what a person types


def parse_cents(text: str, field: str) -> int:
    """A euro amount typed the French way (« 120,50 », « 1 200 », « 50 € »), in cents."""
    return to_cents(parse_amount(text, field=field))


def parse_status(text: str) -> CallStatus:
    """« overdue », « en-retard », « en retard », « à-payer », « payé », « annulé »…"""
    word = " ".join(text.strip().lower().replace("-", " ").replace("_", " ").split())
    found = _STATUS_WORDS.get(word) or _STATUS_WORDS.get(word.replace(" ", "_"))
    if found is None:
        found = _STATUS_WORDS.get(_without_accents(word))
    if found is None:
        known = ", ".join(s.label.replace(" ", "-") for s in CallStatus)
        raise InvalidInput(f"statut inconnu « {text} » (statuts : {known})", field="--status")
    return found


def _without_accents(text: str) -> str:
    return text.replace("à", "a").replace("é", "e").replace("è", "e")


def parse_allocation(text: str, position: int) -> tuple[str, int | None]:
    """« AC-2027-0001 » (what the call still asks) or « AC-2027-0001:50,00 »."""
    field = f"--to[{position}]"
    reference, _, amount = text.partition(":")
    if not reference.strip():
        raise InvalidInput(f"imputation « {text} » : référence d'appel manquante", field=field)
    return reference.strip().upper(), parse_cents(amount, field) if amount.strip() else None


# --------------------------------------------------------------------------------------------
# Shared plumbing


def _fail_with_hint(error: GouvernanceError, hint: str) -> NoReturn:
    try:
        _fail(error)
    finally:
        errors.print(hint, soft_wrap=True)


def _checked(out: Path | None, suffixes: tuple[str, ...], *, folder: bool = True) -> None:
    """Before any work or record: a letter run recorded as sent must not lose its letters to a
    mistyped folder, and an export must not be computed for a file it cannot write."""
    if out is not None:
        output_file(out, "--out", suffixes, folder_allowed=folder)


def _save(document: Document, out: Path | None, what: str) -> Path:
    """Write the document to ``out``, or into the folder ``out`` (default: the current one)
    under the document's own name."""
    if out is None:
        target = Path.cwd() / document.filename
    elif out.is_dir():
        target = out / document.filename
    else:
        target = out
    write_document(document.content, target, "--out")
    console.print(f"{what} : fichier {escape(str(target))} écrit.", soft_wrap=True)
    if document.journal is not None:  # an accounting export: the head to keep with the file
        console.print(
            f"Tête du journal d'audit à l'export : {document.journal.text} "
            f"(à garder avec le fichier ; gouvernance audit verify --head "
            f"{document.journal.number}:{document.journal.digest[:16]})",
            soft_wrap=True,
        )
    return target


def _table_format(out: Path) -> str:
    """Checked before any work: « .csv » or « .xlsx », in a folder that exists."""
    output_file(out, "--out", TABLE_SUFFIXES)
    return out.suffix.lower().lstrip(".")


def _euros(cents: int) -> str:
    return format_cents(cents)


def _bold_euros(cents: int) -> str:
    return f"[bold]{format_cents(cents)}[/]"


def _wide() -> bool:
    return console.width >= WIDE_CONSOLE


def _table(title: str | None = None, caption: str | None = None) -> Table:
    """A compact table: two spaces between columns, none at the edges (80 columns suffice)."""
    return Table(
        title=title,
        caption=caption,
        box=box.SIMPLE_HEAD,
        collapse_padding=True,
        pad_edge=False,
        title_justify="left",
        caption_justify="left",
    )


def _amount_columns(table: Table, *names: str) -> None:
    for name in names:
        table.add_column(name, justify="right", no_wrap=True)


def _day(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def _status(view: CallView, *, days: bool = True) -> str:
    label = view.status.label
    if days and view.status is CallStatus.OVERDUE and view.days_late:
        label = f"{label} ({view.days_late} j)"
    style = _STATUS_STYLES[view.status]
    return f"[{style}]{label}[/]" if style else label


def _standing(owed: int) -> str:
    if owed > 0:
        return f"[red]doit {_euros(owed)}[/]"
    if owed < 0:
        return f"[green]crédit {_euros(-owed)}[/]"
    return "à jour"


# --------------------------------------------------------------------------------------------
# Calls


@calls_app.command("issue")
def issue_calls(
    schedule_id: Annotated[str, typer.Argument(help="Identifiant du barème adopté.")],
    due: Annotated[str, typer.Option("--due", help="Échéance des appels (2027-03-31).")],
    issued_on: Annotated[
        str | None, typer.Option("--issued-on", help="Date d'émission (défaut : aujourd'hui).")
    ] = None,
    exclude_incomplete: Annotated[
        bool,
        typer.Option(
            "--exclude-incomplete",
            help="Émettre sans les membres dont il manque des données (appelés plus tard).",
        ),
    ] = False,
    key: KeyOption = None,
    database: DatabaseOption = None,
) -> None:
    """Émettre les appels de cotisation d'un barème adopté (un lot, sans doublon)."""
    due_on = parse_day(due, "--due")
    issued = optional_day(issued_on, "--issued-on") or calls.today()
    with opened(database) as application:
        try:
            with progress_bar("Émission des appels") as progress:
                result = calls.issue_calls(
                    application.uows,
                    _cli_actor(),
                    schedule_id,
                    issued_on=issued,
                    due_on=due_on,
                    exclude_incomplete=exclude_incomplete,
                    idempotency_key=key,
                    progress=progress,
                )
        except InvalidInput as error:
            if error.field != "members":
                raise
            _fail_with_hint(
                error,
                "Complétez ces données, ou relancez avec --exclude-incomplete pour appeler "
                "les autres membres maintenant (les exclus le seront par un lot complémentaire).",
            )
    _print_issue(result)


def _print_issue(result: IssueResult) -> None:
    batch = result.batch
    summary = (
        f"{batch.reference} ({batch.call_count} appel(s), total {_euros(batch.total_cents)}, "
        f"échéance {_day(batch.due_on)})"
    )
    if result.created:
        console.print(f"Lot émis : [bold]{summary}[/].", soft_wrap=True, highlight=False)
    else:
        console.print(
            f"Rien de nouveau : le lot {summary} est déjà émis.", soft_wrap=True, highlight=False
        )
    console.print(
        f"Barème « {escape(batch.schedule_label)} » ({escape(batch.schedule_id)}), "
        f"émis le {_day(batch.issued_on)} — décision : {escape(batch.decision)}",
        soft_wrap=True,
        highlight=False,
    )
    if result.excluded:
        console.print(
            f"[yellow]{len(result.excluded)} membre(s) exclu(s) faute de données[/] "
            "(à appeler par un lot complémentaire une fois complétés) :",
            soft_wrap=True,
        )
        for problem in result.excluded:
            console.print(f"  • {escape(problem.message)}", soft_wrap=True, highlight=False)
    if result.exempt:
        console.print(
            f"{len(result.exempt)} membre(s) exonéré(s) (0,00 € selon le barème) : pas d'appel."
        )


@calls_app.command("list")
def list_calls(
    member: MemberOption = None,
    year: Annotated[
        int | None, typer.Option("--year", min=2000, max=2100, help="Exercice.")
    ] = None,
    batch: Annotated[str | None, typer.Option("--batch", help="Référence du lot.")] = None,
    status: Annotated[
        str | None,
        typer.Option(
            "--status",
            help="en-retard, à-payer, partiellement-payé, payé, annulé "
            "(ou overdue, due, partly_paid, paid, cancelled).",
        ),
    ] = None,
    on: DateText = None,
    database: DatabaseOption = None,
) -> None:
    """Lister les appels et leur situation (payé, reste dû, retard), avec le total."""
    query = calls.CallQuery(
        member_code=member,
        fiscal_year=year,
        batch_reference=batch,
        status=parse_status(status) if status is not None else None,
        on=optional_day(on, "--on"),
    )
    with opened(database) as application:
        found = _all_calls(application, query)
    if not found:
        console.print("Aucun appel ne correspond.")
        return
    console.print(_calls_table(found))


def _calls_table(found: Sequence[CallView]) -> Table:
    """One row per call and a total line. A narrow terminal drops the names, and the due date
    when every call shares it (it is then given under the table)."""
    wide = _wide()
    due_dates = sorted({view.due_on for view in found})
    show_due = wide or len(due_dates) > 1
    title = f"Appels ({len(found)})" + (f" — situation au {_day(found[0].on)}" if found else "")
    caption = None if show_due or not due_dates else f"Échéance : {_day(due_dates[0])}"
    table = _table(title, caption)
    table.add_column("Référence", no_wrap=True)
    table.add_column("Membre", overflow="fold")
    if wide:
        table.add_column("Nom", max_width=32, overflow="ellipsis", no_wrap=True)
    _amount_columns(table, "Montant", "Payé", "Reste dû")
    if show_due:
        table.add_column("Échéance", no_wrap=True)
    table.add_column("Statut", no_wrap=True)
    for view in found:
        cells = [view.reference, escape(view.member_code)]
        if wide:
            cells.append(escape(view.member_name))
        cells += [_euros(view.cents - view.credited), _euros(view.paid), _euros(view.outstanding)]
        if show_due:
            cells.append(_day(view.due_on))
        table.add_row(*cells, _status(view, days=wide))
    table.add_section()
    totals = [
        _bold_euros(sum(v.cents - v.credited for v in found)),
        _bold_euros(sum(v.paid for v in found)),
        _bold_euros(sum(v.outstanding for v in found)),
    ]
    table.add_row("[bold]Total[/]", "", *([""] if wide else []), *totals)
    return table


def _all_calls(application: Application, query: calls.CallQuery) -> list[CallView]:
    found: list[CallView] = []
    while True:
        page = calls.list_calls(
            application.uows, _cli_actor(), query, offset=len(found), limit=calls.MAX_PAGE
        )
        found.extend(page.items)
        if not page.items or len(found) >= page.total:
            return found


@calls_app.command("show")
def show_call(
    reference: Annotated[str, typer.Argument(help="Référence de l'appel (AC-2027-0001).")],
    on: DateText = None,
    database: DatabaseOption = None,
) -> None:
    """Afficher un appel : son calcul, la décision, les avoirs, les imputations, les relances."""
    with opened(database) as application:
        detail = calls.call_detail(
            application.uows, _cli_actor(), reference, optional_day(on, "--on")
        )
    view = detail.call
    console.print(
        f"[bold]Appel {view.reference} — {escape(view.member_name)} "
        f"({escape(view.member_code)})[/]",
        soft_wrap=True,
        highlight=False,
    )
    rows = [
        ("Lot", f"{view.batch_reference} ({view.kind.label} {view.fiscal_year})"),
        ("Émis le", _day(view.issued_on)),
        ("Échéance", _day(view.due_on)),
        ("Montant appelé", _euros(view.cents)),
        ("Avoirs", _euros(view.credited)),
        ("Payé", _euros(view.paid)),
        ("Reste dû", _euros(view.outstanding)),
        ("Statut", f"{_status(view)} au {_day(view.on)}"),
        ("Décision", escape(detail.decision)),
    ]
    for label, value in rows:
        console.print(f"{label:<15} {value}", soft_wrap=True, highlight=False)
    console.print("\n[bold]Calcul[/]")
    for line in detail.explanation:
        console.print(f"   {escape(line)}", soft_wrap=True, highlight=False)
    if detail.credit_notes:
        notes = _table("Avoirs")
        notes.add_column("Référence", no_wrap=True)
        notes.add_column("Date", no_wrap=True)
        _amount_columns(notes, "Montant")
        notes.add_column("Motif")
        notes.add_column("Par", overflow="fold")
        for note in detail.credit_notes:
            notes.add_row(
                note.reference,
                _day(note.issued_on),
                _euros(note.cents),
                escape(note.reason),
                escape(note.issued_by),
            )
        console.print(notes)
    if detail.allocations:
        console.print(_allocations_table(detail.allocations, "Imputations des paiements"))
    if detail.reminders:
        console.print("\n[bold]Relances[/]")
        for level, sent_on in detail.reminders:
            console.print(f"   niveau {level} envoyée le {_day(sent_on)}")


def _allocations_table(parts: Sequence[AllocationView], title: str) -> Table:
    table = _table(title)
    table.add_column("Paiement", no_wrap=True)
    table.add_column("Appel", no_wrap=True)
    table.add_column("Date", no_wrap=True)
    _amount_columns(table, "Montant")
    for part in parts:
        table.add_row(
            part.payment_reference, part.call_reference, _day(part.on), _euros(part.cents)
        )
    return table


@calls_app.command("cancel")
def cancel_call(
    reference: Annotated[str, typer.Argument(help="Référence de l'appel.")],
    reason: Annotated[str, typer.Option("--reason", help="Motif (obligatoire, gardé au journal).")],
    amount: Annotated[
        str | None,
        typer.Option("--amount", help="Avoir partiel de ce montant (50,00) ; sans : annulation."),
    ] = None,
    on: Annotated[
        str | None, typer.Option("--on", help="Date de l'avoir (défaut : aujourd'hui).")
    ] = None,
    key: KeyOption = None,
    database: DatabaseOption = None,
) -> None:
    """Annuler un appel, ou le réduire par un avoir partiel (--amount)."""
    cents = parse_cents(amount, "--amount") if amount is not None else None
    day = optional_day(on, "--on")
    with opened(database) as application:
        note = calls.credit_call(
            application.uows,
            _cli_actor(),
            reference,
            reason,
            cents=cents,
            on=day,
            idempotency_key=key,
        )
        detail = calls.call_detail(application.uows, _cli_actor(), note.call_reference, day)
    what = "Avoir" if cents is not None else "Annulation : avoir"
    console.print(
        f"{what} {note.reference} de {_euros(note.cents)} sur l'appel {note.call_reference} "
        f"({escape(note.member_code)}) du {_day(note.issued_on)}.",
        soft_wrap=True,
        highlight=False,
    )
    console.print(
        f"L'appel est désormais : {_status(detail.call)} — reste dû "
        f"{_euros(detail.call.outstanding)}.",
        highlight=False,
    )


@calls_app.command("letter")
def call_letter(
    reference: Annotated[str, typer.Argument(help="Référence de l'appel.")],
    out: Annotated[Path, typer.Option("--out", help="Fichier à écrire (.pdf ou .html).")],
    file_format: Annotated[
        str | None,
        typer.Option("--format", help="html ou pdf (défaut : selon l'extension du fichier)."),
    ] = None,
    database: DatabaseOption = None,
) -> None:
    """Écrire la lettre d'appel d'un membre (PDF ou HTML)."""
    if file_format is None:
        fmt = _letter_format(out)
    else:  # the format is named: any file name will do, in a folder that exists
        fmt = file_format
        _checked(out, (out.suffix.lower(),))
    with opened(database) as application:
        document = treasury.call_letter(application.uows, _cli_actor(), reference, fmt)
    _save(document, out, "Lettre d'appel")


def _letter_format(out: Path) -> str:
    """« pdf » or « html » from the file's ending (a folder: a PDF under the letter's name)."""
    output_file(out, "--out", LETTER_SUFFIXES, folder_allowed=True)
    return "pdf" if out.is_dir() else DOCUMENT_SUFFIXES[out.suffix.lower()]


@calls_app.command("letters")
def batch_letters(
    batch: Annotated[str, typer.Argument(help="Référence du lot (LOT-2027-01).")],
    out: Annotated[
        Path | None, typer.Option("--out", help="Fichier .pdf (ou dossier) à écrire.")
    ] = None,
    database: DatabaseOption = None,
) -> None:
    """Écrire toutes les lettres d'appel d'un lot dans un seul PDF, à imprimer."""
    _checked(out, (".pdf",))
    with (
        opened(database) as application,
        progress_bar("Mise en page des lettres", threshold=100) as progress,
    ):
        document = treasury.batch_letters(application.uows, _cli_actor(), batch, progress)
    _save(document, out, "Lettres d'appel")


# --------------------------------------------------------------------------------------------
# Payments and balances


# A negative amount (« -5 ») reaches the French check instead of reading as an unknown option.
@payments_app.command("record", context_settings={"ignore_unknown_options": True})
def record_payment(
    member: Annotated[str, typer.Argument(help="Code du membre.")],
    amount: Annotated[str, typer.Argument(help="Montant reçu, ex. 120,50.")],
    on: Annotated[str, typer.Option("--on", help="Date de réception (2027-02-15).")],
    method: Annotated[
        str, typer.Option("--method", help="virement, chèque, espèces ou prélèvement.")
    ],
    bank_ref: Annotated[
        str, typer.Option("--bank-ref", help="Référence bancaire (évite les doublons).")
    ] = "",
    note: Annotated[str, typer.Option("--note", help="Commentaire.")] = "",
    to: Annotated[
        list[str] | None,
        typer.Option(
            "--to",
            help="Imputer sur cet appel (AC-2027-0001, ou AC-2027-0001:50,00) ; répétable. "
            "Sans : les appels les plus anciens d'abord.",
        ),
    ] = None,
    key: KeyOption = None,
    database: DatabaseOption = None,
) -> None:
    """Enregistrer un paiement et l'imputer ; l'excédent reste au crédit du membre."""
    cents = parse_cents(amount, "amount")
    received_on = parse_day(on, "--on")
    chosen = parse_method(method, field="--method")
    wanted = [parse_allocation(text, i) for i, text in enumerate(to)] if to else None
    with opened(database) as application:
        view = payments.record_payment(
            application.uows,
            _cli_actor(),
            member,
            cents,
            received_on,
            chosen,
            bank_reference=bank_ref,
            note=note,
            allocations=wanted,
            idempotency_key=key,
        )
    _print_payment(view)


def _print_payment(view: PaymentView) -> None:
    head = "Paiement enregistré" if view.created else "Déjà enregistré (même clé), rien de plus"
    console.print(
        f"{head} : {view.reference} — {_euros(view.cents)} de {escape(view.member_code)} "
        f"({view.method.label}) reçu le {_day(view.received_on)}.",
        soft_wrap=True,
        highlight=False,
    )
    for part in view.allocations:
        console.print(f"  → {part.call_reference} : {_euros(part.cents)}", highlight=False)
    if not view.allocations:
        console.print("  Aucun appel à payer : tout va au crédit du membre.")
    console.print(f"Crédit restant de ce paiement : {_euros(view.unallocated)}", highlight=False)


@payments_app.command("list")
def list_payments(member: MemberOption = None, database: DatabaseOption = None) -> None:
    """Lister les paiements reçus et leurs imputations."""
    with opened(database) as application:
        found = payments.list_payments(application.uows, _cli_actor(), member)
    wide = _wide()
    table = _table(f"Paiements ({len(found)})")
    table.add_column("Référence", no_wrap=True)
    table.add_column("Membre", overflow="fold")
    table.add_column("Reçu le", no_wrap=True)
    table.add_column("Moyen")
    _amount_columns(table, "Montant")
    table.add_column("Imputé sur")
    _amount_columns(table, "Crédit")
    for view in found:
        parts = (
            f"{a.call_reference} ({_euros(a.cents)})" if wide else a.call_reference
            for a in view.allocations
        )
        table.add_row(
            view.reference,
            escape(view.member_code),
            _day(view.received_on),
            view.method.label,
            _euros(view.cents),
            ", ".join(parts),
            _euros(view.unallocated),
        )
    table.add_section()
    table.add_row(
        "[bold]Total[/]",
        "",
        "",
        "",
        _bold_euros(sum(v.cents for v in found)),
        "",
        _bold_euros(sum(v.unallocated for v in found)),
    )
    console.print(table)


@payments_app.command("apply-credit")
def apply_credit(
    member: Annotated[str, typer.Argument(help="Code du membre.")],
    on: Annotated[
        str | None, typer.Option("--on", help="Date des imputations (défaut : aujourd'hui).")
    ] = None,
    database: DatabaseOption = None,
) -> None:
    """Imputer le crédit d'un membre (trop-perçus) sur ses appels à payer, les plus anciens
    d'abord."""
    with opened(database) as application:
        made = payments.apply_credit(
            application.uows, _cli_actor(), member, optional_day(on, "--on")
        )
    code = escape(member.strip().upper())
    if not made:
        console.print(f"Rien à imputer pour {code} : pas de crédit, ou rien à payer.")
        return
    console.print(_allocations_table(made, f"Crédit de {code} imputé"))
    console.print(f"Total imputé : {_euros(sum(a.cents for a in made))}", highlight=False)


@payments_app.command("refund")
def refund(
    member: Annotated[str, typer.Argument(help="Code du membre.")],
    amount: Annotated[str, typer.Argument(help="Montant remboursé, ex. 50,00.")],
    on: Annotated[str, typer.Option("--on", help="Date du remboursement (2027-02-01).")],
    method: Annotated[
        str, typer.Option("--method", help="virement, chèque, espèces ou prélèvement.")
    ] = "virement",
    bank_ref: Annotated[
        str, typer.Option("--bank-ref", help="Référence du virement ou du chèque.")
    ] = "",
    reason: Annotated[str, typer.Option("--reason", help="Motif, gardé au journal.")] = "",
    key: KeyOption = None,
    database: DatabaseOption = None,
) -> None:
    """Rembourser un trop-perçu : au plus le crédit du membre (il entre au solde et au FEC)."""
    from gouvernance.services.ledger import refunds

    cents = parse_cents(amount, "amount")
    chosen = parse_method(method, field="--method")
    day = parse_day(on, "--on")
    with opened(database) as application:
        view = refunds.refund_overpayment(
            application.uows, _cli_actor(), member, cents, day, chosen,
            bank_reference=bank_ref, reason=reason, idempotency_key=key,
        )  # fmt: skip
    head = "Remboursement enregistré" if view.created else "Déjà enregistré"
    console.print(
        f"{head} : {view.reference} — {_euros(view.cents)} à {escape(view.member_code)} "
        f"le {_day(view.refunded_on)} ({view.method.label}).",
        soft_wrap=True,
        highlight=False,
    )


@balances_app.command("balances")
def show_balances(
    member: MemberOption = None, on: DateText = None, database: DatabaseOption = None
) -> None:
    """Soldes des membres : appelé, avoirs, reçu ; ce que chacun doit ou son crédit."""
    day = optional_day(on, "--on")
    with opened(database) as application:
        if member is not None:
            _print_member_balance(
                payments.member_balance(application.uows, _cli_actor(), member, day)
            )
            return
        found = payments.balances(application.uows, _cli_actor(), day)
    wide = _wide()
    title = f"Soldes ({len(found)})" + (f" au {_day(found[0].on)}" if found else "")
    table = _table(title)
    table.add_column("Membre", overflow="fold")
    if wide:
        table.add_column("Nom", max_width=32, overflow="ellipsis", no_wrap=True)
    refunds = any(v.refunded for v in found)  # the column only where money went back
    _amount_columns(table, "Appelé", "Avoirs", "Reçu", *(["Remboursé"] if refunds else []), "Solde")
    for view in found:
        table.add_row(
            escape(view.member_code),
            *([escape(view.member_name)] if wide else []),
            _euros(view.called),
            _euros(view.credited),
            _euros(view.received),
            *([_euros(view.refunded)] if refunds else []),
            _standing(view.owed),
        )
    table.add_section()
    owed = sum(max(v.owed, 0) for v in found)
    table.add_row(
        "[bold]Total[/]",
        *([""] if wide else []),
        _bold_euros(sum(v.called for v in found)),
        _bold_euros(sum(v.credited for v in found)),
        _bold_euros(sum(v.received for v in found)),
        *([_bold_euros(sum(v.refunded for v in found))] if refunds else []),
        f"[bold]dû {_euros(owed)}[/]",
    )
    console.print(table)
    credits = sum(v.credit for v in found)
    if credits:
        console.print(f"Crédits des membres (trop-perçus) : {_euros(credits)}", highlight=False)


def _print_member_balance(view: BalanceView) -> None:
    console.print(
        f"[bold]Solde de {escape(view.member_name)} ({escape(view.member_code)}) "
        f"au {_day(view.on)}[/]",
        soft_wrap=True,
        highlight=False,
    )
    lines = [("Appelé", view.called), ("Avoirs", view.credited), ("Reçu", view.received)]
    if view.refunded:
        lines.append(("Remboursé", view.refunded))
    for label, cents in lines:
        console.print(f"{label:<9} {_euros(cents)}", highlight=False)
    console.print(f"{'Solde':<9} {_standing(view.owed)}", highlight=False)
    if view.calls:
        console.print(_calls_table(view.calls))


# --------------------------------------------------------------------------------------------
# Reminders


@reminders_app.command("due")
def reminders_due(on: DateText = None, database: DatabaseOption = None) -> None:
    """Les relances à envoyer : l'échelon suivant de chaque appel en retard."""
    with opened(database) as application:
        due = treasury.reminders_due(application.uows, _cli_actor(), optional_day(on, "--on"))
    if not due:
        console.print("Aucune relance à envoyer.")
        return
    wide = _wide()
    table = _table(f"Relances à envoyer ({len(due)})")
    table.add_column("Appel", no_wrap=True)
    table.add_column("Membre", overflow="fold")
    _amount_columns(table, "Reste dû")
    if wide:
        table.add_column("Échéance", no_wrap=True)
    table.add_column("Relance")
    table.add_column("Due depuis", no_wrap=True)
    for item in due:
        table.add_row(
            item.call.reference,
            escape(item.call.member_code),
            _euros(item.call.outstanding),
            *([_day(item.call.due_on)] if wide else []),
            f"{item.level} — {escape(item.label)}",
            _day(item.due_since),
        )
    console.print(table)


@reminders_app.command("letter")
def reminder_letter(
    reference: Annotated[str, typer.Argument(help="Référence de l'appel, ex. AC-2027-0001.")],
    level: Annotated[int, typer.Argument(help="Niveau de la relance envoyée (1, 2, 3…).")],
    out: Annotated[Path, typer.Option("--out", help="Fichier à écrire (.pdf ou .html).")],
    database: DatabaseOption = None,
) -> None:
    """Réécrire la lettre d'une relance déjà envoyée (PDF ou HTML, selon le nom du fichier)."""
    file_format = _letter_format(out)
    with opened(database) as application:
        document = treasury.reminder_letter(
            application.uows, _cli_actor(), reference, level, file_format
        )
    _save(document, out, "Lettre de relance")


@reminders_app.command("send")
def send_reminders(
    on: Annotated[
        str | None, typer.Option("--on", help="Date d'envoi (défaut : aujourd'hui).")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="PDF des lettres (défaut : relances-DATE.pdf ici)."),
    ] = None,
    key: KeyOption = None,
    database: DatabaseOption = None,
) -> None:
    """Envoyer les relances dues : les noter au registre et écrire les lettres (un PDF)."""
    _checked(out, (".pdf",))
    with opened(database) as application, console.status("Préparation des relances…"):
        sent = treasury.send_reminders(
            application.uows, _cli_actor(), optional_day(on, "--on"), key
        )
    if not sent.reminders:
        console.print("Aucune relance à envoyer (ou déjà envoyées).")
        return
    console.print(f"{len(sent.reminders)} relance(s) enregistrée(s) :")
    for item in sent.reminders:
        console.print(
            f"  • {item.call.reference} ({escape(item.call.member_code)}) : niveau {item.level} "
            f"— {escape(item.label)}, reste dû {_euros(item.call.outstanding)}",
            soft_wrap=True,
            highlight=False,
        )
    if sent.letters is not None:
        _save(sent.letters, out, "Lettres de relance")


# --------------------------------------------------------------------------------------------
# Exports


@export_app.command("calls")
def export_calls(
    out: Annotated[Path, typer.Option("--out", help="Fichier .csv ou .xlsx à écrire.")],
    year: Annotated[
        int | None, typer.Option("--year", min=2000, max=2100, help="Exercice.")
    ] = None,
    on: DateText = None,
    database: DatabaseOption = None,
) -> None:
    """Exporter les appels et leur situation (CSV ou XLSX)."""
    fmt, day = _table_format(out), optional_day(on, "--on")
    with opened(database) as application:
        document = treasury.export_calls(application.uows, _cli_actor(), fmt, year, day)
    _save(document, out, "Export des appels")


@export_app.command("payments")
def export_payments(
    out: Annotated[Path, typer.Option("--out", help="Fichier .csv ou .xlsx à écrire.")],
    database: DatabaseOption = None,
) -> None:
    """Exporter les paiements et leurs imputations (CSV ou XLSX)."""
    fmt = _table_format(out)
    with opened(database) as application:
        document = treasury.export_payments(application.uows, _cli_actor(), fmt)
    _save(document, out, "Export des paiements")


@export_app.command("fec")
def export_fec(
    start: Annotated[str, typer.Option("--start", help="Début de la période (2027-01-01).")],
    end: Annotated[str, typer.Option("--end", help="Fin de la période (2027-12-31).")],
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Fichier ou dossier (défaut : nom de l'extrait, ici)."),
    ] = None,
    encoding: Annotated[
        str, typer.Option("--encoding", help="utf-8 (défaut), iso-8859-15 ou ascii.")
    ] = "utf-8",
    defer: Annotated[
        bool,
        typer.Option("--defer", help="Porter au 487 les cotisations d'une période ultérieure."),
    ] = False,
    capital: Annotated[
        bool, typer.Option("--capital", help="Inclure le capital (4562, 1012, 1013).")
    ] = False,
    database: DatabaseOption = None,
) -> None:
    """Exporter les écritures de la période (extrait au format FEC) et sa notice descriptive."""
    first, last = parse_day(start, "--start"), parse_day(end, "--end")
    _checked(out, (".txt",))
    options = FecOptions(encoding=encoding, defer_next_year=defer, include_capital=capital)
    with opened(database) as application:
        document, notice = treasury.export_fec_files(
            application.uows, _cli_actor(), first, last, options
        )
    written = _save(document, out, "FEC")
    # Beside the file: its own name when it kept the export's, else « <name>-notice.txt ».
    beside = (
        written.with_name(notice.filename)
        if written.name == document.filename
        else written.with_name(f"{written.stem}-notice.txt")
    )
    write_document(notice.content, beside, "--out")
    console.print(f"Notice descriptive : fichier {escape(str(beside))} écrit.", soft_wrap=True)


@export_app.command("sepa")
def export_sepa(
    collection_date: Annotated[
        str, typer.Option("--collection-date", help="Date de prélèvement demandée à la banque.")
    ],
    batch: Annotated[str | None, typer.Option("--batch", help="Seulement ce lot.")] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Fichier .xml (ou dossier) à écrire.")
    ] = None,
    schema: Annotated[
        str,
        typer.Option("--schema", help="pain.008.001.08 (par défaut) ou pain.008.001.02."),
    ] = "pain.008.001.08",
    database: DatabaseOption = None,
) -> None:
    """Écrire l'ordre de prélèvement SEPA (pain.008) de ce que doivent les membres mandatés.

    Chaque prélèvement est enregistré comme envoyé : un second export des mêmes appels
    n'envoie rien. La date est un jour ouvré TARGET2, deux jours ouvrés après aujourd'hui au
    moins."""
    day = parse_day(collection_date, "--collection-date")
    _checked(out, (".xml",))
    with opened(database) as application:
        document = treasury.export_sepa(application.uows, _cli_actor(), day, batch, schema)
    _save(document, out, "Ordre de prélèvement SEPA")


@export_app.command("sepa-files")
def list_sepa_files(database: DatabaseOption = None) -> None:
    """Lister les ordres de prélèvement SEPA déjà remis à la banque."""
    with opened(database) as application:
        found = direct_debits.sepa_files(application.uows, _cli_actor())
    table = _table(f"Ordres de prélèvement ({len(found)})")
    for column in ("Identifiant", "Format", "Prélevé le", "Prélèvements", "Montant", "Émis par"):
        table.add_column(column, no_wrap=True)
    for view in found:
        table.add_row(
            escape(view.message_id), view.schema, _day(view.collection_date),
            str(view.debit_count), format_cents(view.total_cents), escape(view.created_by),
        )  # fmt: skip
    console.print(table)


@export_app.command("sepa-again")
def sepa_again(
    message_id: Annotated[str, typer.Argument(help="Identifiant de l'ordre (GV-…).")],
    out: Annotated[
        Path | None, typer.Option("--out", help="Fichier .xml (ou dossier) à écrire.")
    ] = None,
    database: DatabaseOption = None,
) -> None:
    """Réécrire à l'identique un ordre de prélèvement déjà émis (aucun nouveau prélèvement)."""
    _checked(out, (".xml",))
    with opened(database) as application:
        document = direct_debits.sepa_file(application.uows, _cli_actor(), message_id)
    _save(document, out, "Ordre de prélèvement SEPA (copie)")


# --------------------------------------------------------------------------------------------
# Mandates and bank details


@mandates_app.command("set")
def set_mandate(
    member: Annotated[str, typer.Argument(help="Code du membre.")],
    rum: Annotated[str, typer.Option("--rum", help="Référence unique du mandat.")],
    signed_on: Annotated[str, typer.Option("--signed-on", help="Date de signature.")],
    iban: Annotated[str, typer.Option("--iban", help="IBAN du compte débité.")],
    bic: Annotated[str, typer.Option("--bic", help="BIC de la banque du membre.")],
    debtor: Annotated[
        str | None, typer.Option("--debtor", help="Titulaire du compte (défaut : le membre).")
    ] = None,
    database: DatabaseOption = None,
) -> None:
    """Enregistrer (ou remplacer) le mandat de prélèvement SEPA signé par un membre."""
    day = parse_day(signed_on, "--signed-on")
    with opened(database) as application:
        view = mandates.set_mandate(
            application.uows,
            _cli_actor(),
            member,
            mandate_id=rum,
            signed_on=day,
            iban=iban,
            bic=bic,
            debtor_name=debtor,
        )
    console.print(
        f"Mandat {escape(view.mandate_id)} de {escape(view.member_code)} enregistré "
        f"(signé le {_day(view.signed_on)}, IBAN …{view.iban[-4:]}, BIC {view.bic}, "
        f"titulaire {escape(view.debtor_name)}).",
        soft_wrap=True,
        highlight=False,
    )


@mandates_app.command("revoke")
def revoke_mandate(
    member: Annotated[str, typer.Argument(help="Code du membre.")],
    database: DatabaseOption = None,
) -> None:
    """Révoquer le mandat de prélèvement d'un membre (il n'est plus prélevé)."""
    with opened(database) as application:
        view = mandates.revoke_mandate(application.uows, _cli_actor(), member)
    console.print(
        f"Mandat {escape(view.mandate_id)} de {escape(view.member_code)} révoqué.",
        soft_wrap=True,
        highlight=False,
    )


@mandates_app.command("return")
def debit_return(
    call: Annotated[str, typer.Argument(help="Référence de l'appel prélevé (AC-…).")],
    reason: Annotated[str, typer.Option("--reason", help="Motif ISO 20022 (AM04, AC04, MD01…).")],
    kind: Annotated[
        str, typer.Option("--kind", help="rejet (avant règlement) ou retour (après).")
    ] = "rejet",
    on: Annotated[str | None, typer.Option("--on", help="Date (défaut : aujourd'hui).")] = None,
    database: DatabaseOption = None,
) -> None:
    """Enregistrer le rejet ou le retour d'un prélèvement annoncé par la banque : l'appel
    redevient à prélever, le mandat est marqué (suspendu si le motif l'interdit)."""
    day = parse_day(on, "--on") if on else None
    with opened(database) as application:
        view = direct_debits.record_debit_return(
            application.uows, _cli_actor(), call, reason, day, kind
        )
    console.print(
        f"{view.kind_label.capitalize()} du prélèvement de {escape(view.call_reference)} "
        f"({escape(view.member_code)}) enregistré : {escape(view.reason)}."
        + (" Mandat suspendu : enregistrez un nouveau mandat." if view.mandate_suspended else ""),
        soft_wrap=True,
        highlight=False,
    )


@mandates_app.command("list")
def list_mandates(database: DatabaseOption = None) -> None:
    """Lister les mandats de prélèvement."""
    with opened(database) as application:
        found = mandates.list_mandates(application.uows, _cli_actor())
    table = _table(f"Mandats ({len(found)})")
    for column in ("Membre", "RUM", "Signé le", "IBAN", "BIC", "Actif", "Dernier retour"):
        table.add_column(column, no_wrap=column != "Dernier retour")
    for view in found:
        table.add_row(
            escape(view.member_code),
            escape(view.mandate_id),
            _day(view.signed_on),
            f"…{view.iban[-4:]}",
            view.bic,
            f"suspendu le {_day(view.suspended_on)}"
            if view.suspended_on
            else ("oui" if view.active else "non"),
            escape(view.last_return),
        )
    console.print(table)


@bank_app.command("set")
def set_bank(
    iban: Annotated[str | None, typer.Option("--iban", help="IBAN de l'organisation.")] = None,
    bic: Annotated[str | None, typer.Option("--bic", help="BIC de sa banque.")] = None,
    creditor_id: Annotated[
        str | None,
        typer.Option("--creditor-id", help="Identifiant créancier SEPA (ICS), ex. FR12ZZZ123456."),
    ] = None,
    database: DatabaseOption = None,
) -> None:
    """Enregistrer l'IBAN, le BIC et l'identifiant créancier SEPA de l'organisation."""
    with opened(database) as application:
        details = mandates.set_bank_details(
            application.uows, _cli_actor(), iban=iban, bic=bic, sepa_creditor_id=creditor_id
        )
    _print_bank(details, "Coordonnées bancaires enregistrées")


@bank_app.command("show")
def show_bank(database: DatabaseOption = None) -> None:
    """Afficher les coordonnées bancaires de l'organisation."""
    with opened(database) as application:
        details = mandates.get_bank_details(application.uows, _cli_actor())
    _print_bank(details, "Coordonnées bancaires")


def _print_bank(details: mandates.BankDetails, title: str) -> None:
    console.print(f"{title} :")
    for label, value in (
        ("IBAN", details.iban),
        ("BIC", details.bic),
        ("Identifiant créancier SEPA", details.sepa_creditor_id),
    ):
        console.print(f"  {label} : {value or '—'}", highlight=False)
