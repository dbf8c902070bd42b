"""The convocation to a general assembly, in French: HTML to read, PDF to attach and print.

What it says comes from the assembly as convened (``assembly_view``): its title, kind, date and
convocation number, the agenda — each resolution with its decision rule and voting method —,
who may vote, how to vote online and how to give a proxy, signed for the board by the president
the organisation declares. As for the minutes, the wording is composed once (``compose``) and
the template and the PDF only lay it out, with the shared set-up of ``services.printing``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from babel.dates import format_date

from gouvernance.domain.assembly.model import AssemblyStatus
from gouvernance.domain.calls.reminders import long_date
from gouvernance.domain.errors import Conflict, InvalidInput
from gouvernance.domain.organisation import PrintedOrganisation
from gouvernance.domain.users import Actor
from gouvernance.domain.wording import ordinal
from gouvernance.services import clock
from gouvernance.services.assembly import assemblies
from gouvernance.services.assembly.assemblies import AssemblyView
from gouvernance.services.ledger.ledger_views import Document
from gouvernance.services.organisation import setup
from gouvernance.services.ports import UnitOfWorkFactory
from gouvernance.services.printing.documents import TEMPLATES, font, heading, new_pdf, typo

if TYPE_CHECKING:
    from fpdf import FPDF

__all__ = [
    "AgendaItem",
    "ConvocationContent",
    "compose",
    "convocation",
    "render_html",
    "render_pdf",
]

TEMPLATE = "convocation.html"
FORMATS = {"html": "text/html; charset=utf-8", "pdf": "application/pdf"}


@dataclass(frozen=True)
class AgendaItem:
    title: str  # « 1. Budget prévisionnel 2027 »
    text: str
    lines: tuple[str, ...]  # decision rule, method, who proposes


@dataclass(frozen=True)
class ConvocationContent:
    title: str  # « Convocation à l'assemblée générale ordinaire du 12 décembre 2026 »
    organisation: str
    sender: tuple[str, ...]  # name, address, identifiers, e-mail
    subtitle: str  # « AG-2026-02 — … — première convocation »
    opening: tuple[str, ...]
    agenda: tuple[AgendaItem, ...]
    voting: tuple[str, ...]
    proxies: tuple[str, ...]
    rules: tuple[str, ...]
    signature: tuple[str, ...]
    footer: str
    written_on: date


def convocation(
    uows: UnitOfWorkFactory,
    actor: Actor,
    code: str,
    file_format: str = "pdf",
    *,
    public_url: str | None = None,
) -> Document:
    """The convocation of assembly ``code`` as a file, ``convocation-<code>.<html|pdf>``.

    Anyone signed in may read it, as they read the assembly; an assembly already closed has no
    convocation to send any more (its minutes have taken over)."""
    kind = file_format.strip().lower()
    if kind not in FORMATS:
        raise InvalidInput(
            f"format inconnu « {file_format} » (formats : html, pdf)", field="format"
        )
    view = assemblies.assembly_view(uows, actor, code)
    if view.summary.status is AssemblyStatus.CLOSED:
        raise Conflict(
            f"l'assemblée {view.summary.code} est close : elle n'a plus de convocation à "
            "envoyer (envoyez son procès-verbal)",
            field="code",
        )
    with uows() as uow:
        printed = setup.printed(uow, None)
    content = compose(
        printed, view, public_url=public_url, written_on=clock.today(printed.time_zone)
    )
    name = f"convocation-{view.summary.code}.{kind}"
    if kind == "html":
        return Document(name, FORMATS[kind], render_html(content).encode("utf-8"))
    return Document(name, FORMATS[kind], render_pdf(content))


# --- The text ----------------------------------------------------------------------------------


def compose(
    organisation: PrintedOrganisation,
    view: AssemblyView,
    *,
    public_url: str | None,
    written_on: date,
) -> ConvocationContent:
    """The convocation's French text, the same for the HTML, the PDF and the e-mail."""
    summary = view.summary
    kind = summary.kind_label.lower()
    number = _convocation_words(summary.convocation)
    held = format_date(summary.held_on, format="EEEE d MMMM y", locale="fr_FR")
    held = held.replace(" 1 ", " 1er ", 1)
    who = organisation.name
    opening = [
        "Madame, Monsieur, chère associée, cher associé,",
        f"Le conseil d'administration de {who} a le plaisir de vous convoquer à "
        f"l'{kind} qui se tiendra le {held} ({number}).",
    ]
    if view.previous_code:
        opening.append(
            f"L'assemblée {view.previous_code}, réunie sur première convocation, n'ayant pas "
            "atteint le quorum, cette assemblée délibère sur le même ordre du jour."
        )
    opening.append("L'ordre du jour est le suivant :")
    return ConvocationContent(
        title=f"Convocation à l'{kind} du {long_date(summary.held_on)}",
        organisation=who,
        sender=_sender(organisation),
        subtitle=typo(f"{summary.code} — {summary.title} — {number}"),
        opening=tuple(typo(line) for line in opening),
        agenda=tuple(
            AgendaItem(
                title=typo(f"{r.number}. {r.title}"),
                text=typo(r.text),
                lines=(
                    typo(f"{r.decision_label} : {r.rule}."),
                    typo(f"Mode de scrutin : {r.method.label} ; proposée par {r.proposer.label}."),
                ),
            )
            for r in view.resolutions
        )
        or (AgendaItem("Ordre du jour à venir", "Les résolutions vous seront communiquées.", ()),),
        voting=tuple(typo(line) for line in _voting(view, who, public_url)),
        proxies=tuple(typo(line) for line in _proxies(view, public_url)),
        rules=tuple(typo(line) for line in _rules(view)),
        signature=_signature(organisation, written_on),
        footer=f"{who} — convocation {summary.code} du {summary.held_on:%d/%m/%Y}",
        written_on=written_on,
    )


def _convocation_words(number: int) -> str:
    return {1: "première convocation", 2: "deuxième convocation"}.get(
        number, f"{ordinal(number)} convocation"
    )


def _sender(organisation: PrintedOrganisation) -> tuple[str, ...]:
    lines = [organisation.name, *organisation.address_lines]
    if organisation.siren:
        lines.append(f"SIREN {organisation.siren}")
    elif organisation.rna:
        lines.append(f"RNA {organisation.rna}")
    if organisation.email:
        lines.append(organisation.email)
    return tuple(lines)


def _voting(view: AssemblyView, who: str, public_url: str | None) -> list[str]:
    code = view.summary.code
    where = (
        f"à l'adresse {public_url}/assemblees/{code}/voter"
        if public_url
        else f"sur l'application web de {who}, rubrique « Assemblées »"
    )
    return [
        f"Vous pouvez voter en ligne, avec votre compte d'adhérent, {where}, jusqu'à la clôture "
        "de l'assemblée ; un reçu vous est remis pour chaque vote.",
        "Vous pouvez aussi voter en séance, ou par correspondance en remettant votre bulletin "
        "signé au conseil d'administration avant l'ouverture de l'assemblée.",
    ]


def _proxies(view: AssemblyView, public_url: str | None) -> list[str]:
    online = (
        f"en ligne, à l'adresse {public_url}/mon-espace/pouvoirs"
        if public_url
        else "en ligne, depuis votre espace adhérent (rubrique « Mes pouvoirs »)"
    )
    return [
        "Si vous ne pouvez pas y participer, vous pouvez donner pouvoir à un autre associé ayant "
        f"le droit de vote et présent à l'assemblée : {online}, ou par un pouvoir écrit et "
        "signé, remis aux scrutateurs à l'ouverture de la séance.",
        f"Pouvoirs : {view.proxy_rule}.",
        f"Pouvoir en blanc : {view.rules.blank_proxies.label}.",
    ]


def _rules(view: AssemblyView) -> list[str]:
    lines = [
        f"Liste d'émargement arrêtée au {long_date(view.cutoff)} : "
        f"{view.entitled + view.not_entitled} associés inscrits.",
        f"Droit de vote : {view.rules.roll.describe()}.",
    ]
    rules = view.rules
    kinds = dict.fromkeys([view.summary.kind, *(r.decision_kind for r in view.resolutions)])
    for kind in kinds:
        if kind in rules.decisions:
            rule = rules.decisions[kind]
            lines.append(f"{rule.label} : {' ; '.join(rule.describe())}.")
    return lines


def _signature(organisation: PrintedOrganisation, written_on: date) -> tuple[str, ...]:
    place = f"Fait à {organisation.city}, le" if organisation.city else "Le"
    lines = [f"{place} {long_date(written_on)},", "Pour le conseil d'administration,"]
    president = organisation.president
    if president is not None:
        lines += [president.name, president.title]
    return tuple(lines)


# --- HTML and PDF ----------------------------------------------------------------------------


def render_html(content: ConvocationContent) -> str:
    """A complete, printable HTML page; every value is escaped."""
    return TEMPLATES.get_template(TEMPLATE).render(c=content)


def render_pdf(content: ConvocationContent) -> bytes:
    """The convocation as an A4 PDF, dated the day it was written; left-aligned (its addresses
    are long words a justified line would stretch)."""
    pdf = new_pdf(
        content.title, content.written_on, author=content.organisation, footer=content.footer
    )
    pdf.add_page()
    for position, line in enumerate(content.sender):
        _line(pdf, line, size=10 if position == 0 else 9, bold=position == 0, gap=0)
    pdf.ln(6)
    _line(pdf, content.title, size=14, bold=True)
    _line(pdf, content.subtitle)
    for line in content.opening:
        _line(pdf, line)
    heading(pdf, "Ordre du jour")
    for item in content.agenda:
        _line(pdf, item.title, bold=True)
        if item.text:
            _line(pdf, item.text)
        for line in item.lines:
            _line(pdf, line, size=8.5, gap=1)
        pdf.ln(1.5)
    for title, lines in (("Comment voter", content.voting), ("Donner un pouvoir", content.proxies)):
        heading(pdf, title)
        for line in lines:
            _line(pdf, line)
    heading(pdf, "Règles de l'assemblée")
    for line in content.rules:
        _line(pdf, line, size=9)
    if pdf.will_page_break(30):
        pdf.add_page()
    pdf.ln(4)
    for position, line in enumerate(content.signature):
        pdf.set_x(110)
        _line(pdf, line, bold=position == 2, gap=0.5)
    return bytes(pdf.output())


def _line(pdf: FPDF, text: str, *, size: float = 10, bold: bool = False, gap: float = 2.5) -> None:
    font(pdf, size, bold=bold)
    pdf.multi_cell(0, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(gap)
