"""The transition report as a French document for the board: HTML to read, PDF to print.

As for letters, the wording is composed once (``compose``) and the template and the PDF only lay
it out with the shared set-up of ``services.documents`` (DejaVu font), so « », € and the
no-break spaces Babel writes print everywhere, and the same report always gives the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass

from gouvernance.domain.calls.reminders import long_date
from gouvernance.domain.errors import InvalidInput
from gouvernance.domain.money import format_amount
from gouvernance.domain.scic.law import format_share
from gouvernance.domain.scic.transition import TransitionReport, capital_summary
from gouvernance.services.ledger.ledger_views import Document
from gouvernance.services.printing.documents import (
    TEMPLATES,
    Table,
    heading,
    new_pdf,
    paragraph,
    typo,
)
from gouvernance.services.printing.documents import table as draw_table
from gouvernance.services.scic.transition import TransitionResult

TEMPLATE = "transition.html"
DISCLAIMER = (
    "Ce rapport ne vaut pas conseil juridique : il applique les paramètres de la loi et le "
    "projet de statuts tels qu'ils sont écrits dans l'application. Faites relire le projet par "
    "un juriste ou par l'union régionale des SCOP et SCIC avant l'assemblée."
)
FORMATS = {"html": "text/html; charset=utf-8", "pdf": "application/pdf"}

__all__ = ["ReportContent", "Table", "compose", "document", "render_html", "render_pdf"]


@dataclass(frozen=True)
class ReportContent:
    title: str
    subtitle: str
    statutes: tuple[str, ...]
    summary: tuple[str, ...]
    tables: tuple[Table, ...]
    findings_title: str
    findings: tuple[str, ...]
    closing: str
    footer: str


def compose(result: TransitionResult) -> ReportContent:
    """The report's French text: the same for the HTML and the PDF."""
    report = result.report
    who = result.organisation or "l'organisation"
    return ReportContent(
        title=f"Rapport de transition vers la SCIC — {who}",
        subtitle=f"Situation des membres au {long_date(report.on)}",
        statutes=(
            f"Statuts : {report.statutes.label} ({report.statutes.id})",
            *((f"Référence : {report.statutes.reference}",) if report.statutes.reference else ()),
            f"Fichier : {report.statutes.source}",
        ),
        summary=tuple(typo(line) for line in _summary(report)),
        tables=(
            _colleges(report),
            _categories(report),
            _members(report),
            _capital(report),
        ),
        findings_title=f"Constats ({len(report.errors)} erreur(s), "
        f"{len(report.warnings)} avertissement(s))",
        findings=tuple(typo(line) for line in _findings(report)),
        closing=typo(DISCLAIMER),
        footer=f"{who} — rapport de transition au {report.on:%d/%m/%Y}",
    )


def _summary(report: TransitionReport) -> list[str]:
    classified = sum(1 for p in report.members if p.category_code is not None)
    formed = sum(1 for c in report.colleges if c.formed)
    lines = [
        f"{len(report.members)} membre(s) à cette date, dont {classified} rangé(s) dans une "
        f"catégorie des statuts.",
        f"{formed} collège(s) formé(s) sur {len(report.colleges)} ; règle du collège vide : "
        f"{report.policy_text}.",
        f"Capital projeté aux souscriptions minimales : {capital_summary(report.capital)}.",
    ]
    if not report.findings:
        lines.append("Aucun constat : rien ne s'oppose, dans ce que l'application vérifie.")
    elif report.errors:
        lines.append(f"{len(report.errors)} erreur(s) à corriger avant l'assemblée.")
    return lines


def _colleges(report: TransitionReport) -> Table:
    rows = tuple(
        (
            c.label,
            format_share(c.weight),
            str(c.minimum_size),
            str(c.size),
            "—" if c.effective_weight is None else format_share(c.effective_weight),
            c.outcome,
        )
        for c in report.colleges
    )
    return Table(
        "Collèges",
        ("Collège", "Poids", "Minimum", "Membres", "Poids effectif", "Situation"),
        rows,
        (48, 16, 18, 18, 22, 48),
        note=f"Règle du collège vide : {report.policy_text}.",
    )


def _categories(report: TransitionReport) -> Table:
    rows = tuple(
        (c.label, c.kind.label if c.kind else "—", str(c.members), "oui" if c.mandatory else "")
        for c in report.categories
    )
    return Table(
        "Catégories d'associés",
        ("Catégorie", "Nature", "Membres", "Obligatoire"),
        rows,
        (60, 60, 25, 25),
    )


def _members(report: TransitionReport) -> Table:
    rows = tuple(
        (
            p.code,
            p.name,
            p.category_label,
            p.college_label + (" (clause)" if p.by_override else ""),
            "—" if p.shares is None else str(p.shares),
            "—" if p.amount is None else format_amount(p.amount),
        )
        for p in report.members
    )
    return Table(
        "Membres",
        ("Code", "Nom", "Catégorie", "Collège", "Parts", "Montant"),
        rows,
        (26, 38, 30, 44, 12, 20),
        note="« (clause) » : collège fixé nommément par les statuts.",
    )


def _capital(report: TransitionReport) -> Table:
    capital = report.capital
    rows = (
        ("Valeur nominale d'une part", format_amount(capital.share_value)),
        ("Parts aux souscriptions minimales", str(capital.shares)),
        ("Capital projeté", format_amount(capital.total)),
        ("dont collectivités territoriales", format_amount(capital.public_bodies)),
        ("Part des collectivités territoriales", capital.public_share_text),
        ("Plafond légal des collectivités", format_share(capital.public_max)),
    )
    note = ""
    if capital.incomplete:
        note = f"Sans {', '.join(capital.incomplete)} : souscription minimale inconnue."
    return Table("Capital projeté", ("", "Montant"), rows, (110, 60), note=note)


def _findings(report: TransitionReport) -> list[str]:
    if not report.findings:
        return ["Aucun constat."]
    return [
        f"{f.severity.label.capitalize()} — {f.message}" + (f" ({f.article})" if f.article else "")
        for f in report.findings
    ]


# --- HTML and PDF ---------------------------------------------------------------------------


def render_html(result: TransitionResult) -> str:
    """A complete, printable HTML page; every value is escaped."""
    return TEMPLATES.get_template(TEMPLATE).render(report=compose(result))


def render_pdf(result: TransitionResult) -> bytes:
    """The report as an A4 PDF; the same report always gives the same bytes."""
    content = compose(result)
    pdf = new_pdf(content.title, result.report.on, bottom=20, footer=content.footer)
    pdf.add_page()
    paragraph(pdf, content.title, bold=True, size=14)
    paragraph(pdf, content.subtitle)
    for line in content.statutes:
        paragraph(pdf, line, size=9)
    heading(pdf, "Synthèse")
    for line in content.summary:
        paragraph(pdf, line)
    for table in content.tables:
        draw_table(pdf, table)
    heading(pdf, content.findings_title)
    for line in content.findings:
        paragraph(pdf, line, size=9)
    paragraph(pdf, content.closing, bold=True, size=9)
    return bytes(pdf.output())


def document(result: TransitionResult, file_format: str) -> Document:
    """The report as a file: ``html`` or ``pdf``."""
    kind = file_format.strip().lower()
    if kind not in FORMATS:
        raise InvalidInput(
            f"format inconnu « {file_format} » (formats : html, pdf)", field="format"
        )
    name = f"rapport-transition-{result.report.statutes.id}-{result.report.on:%Y-%m-%d}.{kind}"
    if kind == "html":
        return Document(name, FORMATS[kind], render_html(result).encode("utf-8"))
    return Document(name, FORMATS[kind], render_pdf(result))
