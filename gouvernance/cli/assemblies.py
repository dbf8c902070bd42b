"""``gouvernance assemblies …``: convene, sign in, vote, count, tally, close, print the minutes.

Dates are typed ``2027-06-12`` or ``12/06/2027``; choices, modes and roles in English or in
French (``pour``, ``contre``, ``présent``, ``secrétaire``…); every refusal is printed in French
with exit code 1; the tally is shown as tables, one per resolution, with its French explanation.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

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
    output_file,
    parse_day,
    write_document,
)
from gouvernance.cli.shell import open_application as _open
from gouvernance.domain.assembly import publication as verification
from gouvernance.domain.assembly.model import (
    NO_COLLEGE,
    Attendance,
    Choice,
    Method,
    Proposer,
    SignatoryRole,
)
from gouvernance.domain.assembly.tally import ResolutionResult
from gouvernance.domain.assembly.words import parse_word
from gouvernance.domain.errors import InvalidInput
from gouvernance.domain.moments import format_moment
from gouvernance.domain.scic.law import format_share
from gouvernance.domain.wording import ordinal
from gouvernance.services.assembly import assemblies, minutes, publication
from gouvernance.services.assembly.assemblies import AssemblyView, TallyView
from gouvernance.services.ports import UnitOfWorkFactory

app = FrenchErrorsTyper(
    help="Assemblées générales : émargement, pouvoirs, quorum, votes, dépouillement, PV.",
    no_args_is_help=True,
)

Result = TypeVar("Result")

CodeArgument = Annotated[str, typer.Argument(help="Code de l'assemblée, ex. AG-2027-01.")]
NumberArgument = Annotated[int, typer.Argument(help="Numéro de la résolution.", min=1)]
KeyOption = Annotated[
    str | None,
    typer.Option("--key", help="Clé d'idempotence : relancer avec la même clé ne refait rien."),
]
CountOption = Annotated[str, typer.Option(help="Nombre de voix (entier).")]

MAX_COUNT_DIGITS = 9  # a count of votes fits in nine digits; more is a typing slip


def parse_count(text: str, field: str) -> int:
    """A number of votes: ASCII digits only (« ² » is a digit to Python, not to ``int``),
    never « 1,5 », never a 5 000-digit string."""
    raw = text.strip()
    if not (raw.isascii() and raw.isdigit() and len(raw) <= MAX_COUNT_DIGITS):
        raise InvalidInput(
            f"nombre de voix invalide « {text} » (un entier d'au plus {MAX_COUNT_DIGITS} "
            "chiffres attendu)",
            field,
        )
    return int(raw)


def _run(database: str | None, call: Callable[[UnitOfWorkFactory], Result]) -> Result:
    application = _open(database)
    try:
        return call(application.uows)
    finally:
        application.close()


# --- Convening --------------------------------------------------------------------------------


@app.command("create")
def create(
    title: Annotated[str, typer.Argument(help="Intitulé de l'assemblée.")],
    held_on: Annotated[str, typer.Option("--on", help="Date de l'assemblée.")],
    kind: Annotated[
        str, typer.Option(help="ordinaire ou extraordinaire (ou ordinary, extraordinary).")
    ] = "ordinary",
    convocation: Annotated[int, typer.Option(help="1re ou 2e convocation.", min=1)] = 1,
    cutoff: Annotated[
        str | None, typer.Option(help="Date d'arrêté de la liste (défaut : date de l'AG).")
    ] = None,
    statutes: Annotated[str | None, typer.Option(help="Statuts suivis (défaut : choisis).")] = None,
    previous: Annotated[
        str | None, typer.Option(help="Code de la 1re convocation (pour une 2e).")
    ] = None,
    key: KeyOption = None,
    database: DatabaseOption = None,
) -> None:
    """Convoquer une assemblée : règles des statuts et liste des associés figées."""
    day = parse_day(held_on, "--on")
    until = parse_day(cutoff, "--cutoff") if cutoff is not None else None
    view = _run(database, lambda uows: assemblies.create_assembly(
        uows, cli_actor(), title=title, held_on=day, kind=kind, convocation=convocation,
        cutoff=until, statutes_id=statutes, previous_code=previous, idempotency_key=key,
    ))  # fmt: skip
    verb = "convoquée" if view.created else "déjà convoquée (même clé)"
    console.print(
        f"{view.summary.code} {verb} : {escape(view.summary.title)} — "
        f"{escape(view.summary.kind_label)}, le {view.summary.held_on:%d/%m/%Y} ; "
        f"{view.entitled} associé(s) ayant droit de vote",
        soft_wrap=True,
    )
    for finding in view.rules.unlawful:
        console.print(
            f"Attention : statuts non conformes à la loi au {view.summary.held_on:%d/%m/%Y} : "
            f"{escape(finding)}",
            soft_wrap=True,
        )
    if view.rules.unlawful:
        console.print(
            "Une clause contraire à une règle impérative est réputée non écrite : là où la loi "
            "fixe un plancher (majorité d'une SAS), le décompte applique la loi ; le constat "
            "figure au procès-verbal.",
            soft_wrap=True,
        )


@app.command("list")
def list_all(database: DatabaseOption = None) -> None:
    """Les assemblées générales, les plus récentes d'abord."""
    found = _run(database, lambda uows: assemblies.list_assemblies(uows, cli_actor()))
    if not found:
        console.print("Aucune assemblée.")
        return
    table = Table(box=box.SIMPLE_HEAD)
    for column in ("Code", "Date", "Assemblée", "Convocation", "Intitulé", "État"):
        table.add_column(column)
    for item in found:
        table.add_row(
            item.code, f"{item.held_on:%d/%m/%Y}", escape(item.kind_label),
            str(item.convocation), escape(item.title), item.status.label,
        )  # fmt: skip
    console.print(table)


@app.command("show")
def show(code: CodeArgument, database: DatabaseOption = None) -> None:
    """Une assemblée : statuts, collèges et poids, pouvoirs, quorums, résolutions, signatures."""
    view = _run(database, lambda uows: assemblies.assembly_view(uows, cli_actor(), code))
    for line in _describe(view):
        console.print(line, soft_wrap=True)


def _describe(view: AssemblyView) -> list[str]:
    summary = view.summary
    lines = [
        f"{summary.code} — {escape(summary.title)} ({summary.status.label})",
        f"{escape(summary.kind_label)}, {ordinal(summary.convocation)} convocation, le "
        f"{summary.held_on:%d/%m/%Y} ; liste arrêtée au {view.cutoff:%d/%m/%Y}",
        f"Statuts : {escape(view.statutes_label)} ({view.statutes_id})",
    ]
    if view.rules.colleges:
        lines.append("Collèges : " + " ; ".join(
            f"{escape(c.label)} {format_share(c.weight)} ({c.weight})" for c in view.rules.colleges
        ))  # fmt: skip
    else:
        lines.append("Sans collèges : un associé, une voix")
    lines.append(
        f"Pouvoirs : {escape(view.proxy_rule)} — {view.proxy_limit} à cette assemblée ; "
        f"{escape(view.rules.blank_proxies.label)}"
    )
    lines.append(
        f"Associés ayant droit de vote : {view.entitled}"
        + (f" (et {view.not_entitled} sans droit de vote)" if view.not_entitled else "")
    )
    lines.append("Émargements : " + ", ".join(
        f"{mode.label} {view.attendance.get(mode, 0)}" for mode in Attendance
    ))  # fmt: skip
    lines.extend(f"Quorum : {escape(q.explanation)}" for q in view.quorums)
    for resolution in view.resolutions:
        lines.append(
            f"Résolution n° {resolution.number} : {escape(resolution.title)} — "
            f"{escape(resolution.decision_label)}, {resolution.method.label}, proposée par "
            f"{resolution.proposer.label}"
            + (f" ({resolution.proposed_by})" if resolution.proposed_by else "")
            + f" ; {escape(resolution.rule)}"
        )
    lines.extend(
        f"Signé par {escape(s.name)}, {s.role.label}, le "
        f"{format_moment(s.signed_at, view.time_zone)}"
        for s in view.signatures
    )
    return lines


# --- Attendance -------------------------------------------------------------------------------


@app.command("roll")
def roll(code: CodeArgument, database: DatabaseOption = None) -> None:
    """La feuille d'émargement : associés, droit de vote, présence, pouvoirs."""
    lines = _run(database, lambda uows: assemblies.roll_view(uows, cli_actor(), code))
    colleges = any(line.college for line in lines)
    table = Table(title=f"Feuille d'émargement — {code}", box=box.SIMPLE_HEAD)
    for column in ("Associé", "Collège") if colleges else ("Associé",):
        table.add_column(column)
    for column in ("Droit de vote", "Présence", "Pouvoir à", "Pouvoirs détenus"):
        table.add_column(column)
    for line in lines:
        college = (escape(line.college_label),) if colleges else ()
        table.add_row(
            escape(f"{line.member_code} {line.name}"), *college,
            "oui" if line.entitled else escape(f"non : {line.reason}"),
            line.attendance.label if line.attendance else "absent",
            line.holder_code or "", ", ".join(line.proxies_held),
        )  # fmt: skip
    console.print(table)


@app.command("attend")
def attend(
    code: CodeArgument,
    member: Annotated[str, typer.Argument(help="Code de l'associé.")],
    mode: Annotated[
        str,
        typer.Option(
            help="présent, à distance, par correspondance, représenté ou « pouvoir en blanc » "
            "(ou present, remote, postal, represented, blank_proxy)."
        ),
    ] = "present",
    holder: Annotated[
        str | None, typer.Option(help="Porteur du pouvoir (mode représenté).")
    ] = None,
    database: DatabaseOption = None,
) -> None:
    """Émarger un associé : présent, à distance, par correspondance, représenté, en blanc."""
    chosen = parse_word(Attendance, mode, "--mode")
    view = _run(database, lambda uows: assemblies.record_attendance(
        uows, cli_actor(), code, member, chosen, holder=holder
    ))  # fmt: skip
    text = f"{view.member_code} ({escape(view.name)}) : {view.mode.label}"
    if view.holder_code:
        text += f", pouvoir à {view.holder_code}"
    console.print(text + ("" if view.created else " — déjà enregistré"), soft_wrap=True)


@app.command("unattend")
def unattend(
    code: CodeArgument,
    member: Annotated[str, typer.Argument(help="Code de l'associé.")],
    database: DatabaseOption = None,
) -> None:
    """Rayer un émargement saisi par erreur (avant tout vote de l'associé)."""
    _run(database, lambda uows: assemblies.cancel_attendance(uows, cli_actor(), code, member))
    console.print(f"Émargement de {escape(member)} rayé.")


# --- Resolutions and ballots ------------------------------------------------------------------


@app.command("resolve")
def resolve(
    code: CodeArgument,
    title: Annotated[str, typer.Argument(help="Intitulé de la résolution.")],
    text: Annotated[str, typer.Option(help="Texte soumis au vote.")] = "",
    kind: Annotated[
        str | None, typer.Option(help="Type de décision (défaut : celui de l'assemblée).")
    ] = None,
    by_associates: Annotated[
        str | None, typer.Option(help="Proposée par cet associé (sinon par le conseil).")
    ] = None,
    method: Annotated[
        str,
        typer.Option(help="nominatif, secret ou « main levée » (ou open, secret, show_of_hands)."),
    ] = "open",
    key: KeyOption = None,
    database: DatabaseOption = None,
) -> None:
    """Inscrire une résolution à l'ordre du jour."""
    how = parse_word(Method, method, "--method")
    proposer = Proposer.ASSOCIATES if by_associates else Proposer.BOARD
    view = _run(database, lambda uows: assemblies.add_resolution(
        uows, cli_actor(), code, title=title, text=text, decision_kind=kind, proposer=proposer,
        proposed_by=by_associates, method=how, idempotency_key=key,
    ))  # fmt: skip
    verb = "inscrite" if view.created else "déjà inscrite (même clé)"
    console.print(
        f"Résolution n° {view.number} {verb} : {escape(view.title)} — {view.method.label} ; "
        f"{escape(view.rule)}",
        soft_wrap=True,
    )


@app.command("vote")
def vote(
    code: CodeArgument,
    number: NumberArgument,
    voter: Annotated[str, typer.Argument(help="Code de l'associé qui vote.")],
    choice: Annotated[
        str,
        typer.Argument(
            help="pour, contre, abstention, blanc ou nul (ou for, against, abstain, blank, null)."
        ),
    ],
    key: KeyOption = None,
    database: DatabaseOption = None,
) -> None:
    """Saisir un bulletin (papier, correspondance) pour un associé."""
    chosen = parse_word(Choice, choice, "choice")
    receipt = _run(database, lambda uows: assemblies.cast_ballot(
        uows, cli_actor(), code, number, voter, chosen, idempotency_key=key
    ))  # fmt: skip
    kind = "bulletin secret" if receipt.secret else "bulletin"
    verb = "enregistré" if receipt.created else "déjà enregistré (même clé)"
    console.print(f"{kind.capitalize()} de {receipt.voter_code} {verb} (résolution n° {number}).")


@app.command("hands")
def hands(
    code: CodeArgument,
    number: NumberArgument,
    college: Annotated[str, typer.Argument(help="Code du collège ; « - » sans collèges.")],
    for_: Annotated[str, typer.Option("--for", help="Voix pour.")] = "0",
    against: CountOption = "0",
    abstain: CountOption = "0",
    blank: CountOption = "0",
    null: CountOption = "0",
    database: DatabaseOption = None,
) -> None:
    """Décompte d'un collège après un vote à main levée."""
    counts = {
        Choice.FOR: parse_count(for_, "--for"),
        Choice.AGAINST: parse_count(against, "--against"),
        Choice.ABSTAIN: parse_count(abstain, "--abstain"),
        Choice.BLANK: parse_count(blank, "--blank"),
        Choice.NULL: parse_count(null, "--null"),
    }
    target = NO_COLLEGE if college.strip() == "-" else college
    _run(database, lambda uows: assemblies.enter_counts(
        uows, cli_actor(), code, number, target, counts
    ))  # fmt: skip
    shown = ", ".join(f"{count} {choice.label}" for choice, count in counts.items() if count)
    where = "sans collèges" if target == NO_COLLEGE else f"collège {escape(target)}"
    console.print(f"Résolution n° {number}, {where} : {shown or 'aucune voix'}.")


@app.command("close-vote")
def close_vote(code: CodeArgument, number: NumberArgument, database: DatabaseOption = None) -> None:
    """Clore le vote sur une résolution : plus aucun bulletin ; un vote secret est dépouillé."""
    view = _run(database, lambda uows: assemblies.close_vote(uows, cli_actor(), code, number))
    what = "bulletin" if view.ballots == 1 else "bulletins"
    opened = (
        " (bulletins secrets ouverts et comptés, clé détruite)"
        if view.method.value == "secret"
        else ""
    )
    console.print(f"Vote clos sur la résolution n° {view.number} : {view.ballots} {what}{opened}.")


# --- Tally, closing, minutes ------------------------------------------------------------------


@app.command("tally")
def tally(code: CodeArgument, database: DatabaseOption = None) -> None:
    """Le dépouillement : quorum, par collège, résultat pondéré, expliqué en français."""
    view = _run(database, lambda uows: assemblies.tally(uows, cli_actor(), code))
    _print_tally(view)


def _print_tally(view: TallyView) -> None:
    state = "résultats définitifs" if view.final else "dépouillement en cours"
    console.print(f"{view.summary.code} — {escape(view.summary.title)} ({state})")
    for quorum in view.tally.quorums:
        console.print(f"Quorum : {escape(quorum.explanation)}", soft_wrap=True)
    for result in view.tally.resolutions:
        console.print(_table(result))
        weighted = format_share(result.weighted) if result.weighted is not None else "—"
        word = "plus de" if result.rule.strict else "au moins"
        provisional = result.outcome.provisional
        verdict = result.outcome.label if provisional else f"résolution {result.outcome.label}"
        console.print(
            f"Résultat : {weighted} (majorité : {word} {format_share(result.rule.majority)}) — "
            f"{verdict}",
            soft_wrap=True,
        )
        for line in result.explanation:
            console.print(f"  {escape(line)}", soft_wrap=True)


def _table(result: ResolutionResult) -> Table:
    table = Table(
        title=f"Résolution n° {result.number} : {escape(result.title)}", box=box.SIMPLE_HEAD
    )
    table.add_column("Collège")
    for column in ("Pour", "Contre", "Abst.", "Blanc", "Nul", "Base", "Résultat", "Poids"):
        table.add_column(column, justify="right")
    for college in result.colleges:
        counts = college.counts
        shown = format_share(college.result) if college.result is not None else college.state.label
        table.add_row(
            escape(college.label), str(counts.for_), str(counts.against), str(counts.abstain),
            str(counts.blank), str(counts.null), str(college.base), shown,
            format_share(college.effective_weight),
        )  # fmt: skip
    return table


@app.command("close")
def close(code: CodeArgument, database: DatabaseOption = None) -> None:
    """Clore l'assemblée : les résultats sont définitifs, plus rien ne change."""
    view = _run(database, lambda uows: assemblies.close_assembly(uows, cli_actor(), code))
    console.print(f"{view.summary.code} close.")
    _print_tally(view)


@app.command("sign")
def sign(
    code: CodeArgument,
    role: Annotated[
        str,
        typer.Option(
            help="président(e), secrétaire ou scrutateur (ou president, secretary, scrutineer)."
        ),
    ],
    name: Annotated[str, typer.Option(help="Nom du signataire.")],
    database: DatabaseOption = None,
) -> None:
    """Signer le procès-verbal d'une assemblée close."""
    chosen = parse_word(SignatoryRole, role, "--role")
    view = _run(database, lambda uows: assemblies.sign_minutes(
        uows, cli_actor(), code, chosen, name
    ))  # fmt: skip
    console.print(f"Procès-verbal de {code} signé par {escape(view.name)}, {view.role.label}.")


@app.command("minutes")
def write_minutes(
    code: CodeArgument,
    output: Annotated[Path, typer.Option("--output", "-o", help="pv.pdf ou pv.html.")],
    database: DatabaseOption = None,
) -> None:
    """Écrire le procès-verbal de l'assemblée (PDF, ou HTML selon l'extension)."""
    file_format = document_format(output, "le procès-verbal", "--output")
    document = _run(database, lambda uows: minutes.minutes(uows, cli_actor(), code, file_format))
    write_document(document.content, output, "--output")
    console.print(f"Procès-verbal écrit : {escape(str(output))}")


# --- Verification ------------------------------------------------------------------------------

MAX_VERIFICATION_BYTES = 200_000_000  # 700 000 receipts weigh about 20 Mo


@app.command("publish")
def publish(
    code: CodeArgument,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Fichier .json (défaut : verification-CODE.json ici)."),
    ] = None,
    database: DatabaseOption = None,
) -> None:
    """Écrire le fichier de vérification d'une assemblée close : de quoi refaire le calcul."""
    if output is not None:
        output_file(output, "--output", (".json",))
    document = _run(database, lambda uows: publication.publication(uows, cli_actor(), code))
    target = output if output is not None else Path(document.filename)
    write_document(document.content, target, "--output")
    console.print(
        f"Fichier de vérification écrit : {escape(str(target))} (empreinte SHA-256 "
        f"{verification.file_digest(document.content)}, celle du procès-verbal)",
        soft_wrap=True,
    )


@app.command("verify")
def verify(
    file: Annotated[Path, typer.Argument(help="Le fichier de vérification (.json).")],
    receipt: Annotated[
        str | None,
        typer.Option("--receipt", help="Un reçu de vote à chercher, ex. 3F2A-91C0-77DE-0B45."),
    ] = None,
) -> None:
    """Recalculer chaque résultat d'un fichier de vérification et le comparer au procès-verbal."""
    try:
        with file.open("rb") as opened:
            content = opened.read(MAX_VERIFICATION_BYTES + 1)
    except (FileNotFoundError, IsADirectoryError):
        raise InvalidInput(f"fichier introuvable : « {file} »", field="file") from None
    except OSError as exc:
        raise InvalidInput(
            f"impossible de lire « {file} » : {exc.strerror}", field="file"
        ) from None
    if len(content) > MAX_VERIFICATION_BYTES:
        raise InvalidInput(f"« {file} » est trop gros pour un fichier de vérification", "file")
    report = verification.check_file(content)
    lines = report.lines()
    found = True
    if receipt is not None:
        found, line = report.receipt(receipt)
        lines.append(line)
    for line in lines:
        console.print(escape(line), soft_wrap=True, highlight=False)
    if not (report.conforming and found):
        raise typer.Exit(code=1)
