"""The minutes (procès-verbal) of a general assembly, in French: HTML to read, PDF to print.

Built only from the assembly services (``assembly_view``, ``sheet_view``, ``tally``), so the
minutes show exactly what the scrutineers' screen and the API show: the live tally, marked
« projet », while the assembly is open; the results stored at closing once it is closed. As for
the transition report, the wording is composed once (``compose``) and the template and the PDF
only lay it out, with the shared DejaVu set-up of ``services.documents``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import TYPE_CHECKING, Any, cast

from gouvernance.domain.assembly.model import (
    Assembly,
    AssemblyStatus,
    Attendance,
    SignatoryRole,
)
from gouvernance.domain.assembly.tally import (
    ALL_ASSOCIATES_LABEL,
    Outcome,
    QuorumResult,
    ResolutionResult,
    share_text,
)
from gouvernance.domain.audit import ChainHead
from gouvernance.domain.calls.reminders import long_date
from gouvernance.domain.errors import InvalidInput
from gouvernance.domain.moments import DEFAULT_TIME_ZONE, format_moment, local
from gouvernance.domain.organisation import Signatory
from gouvernance.domain.scic.law import format_share
from gouvernance.domain.users import Actor, Permission
from gouvernance.domain.wording import counted
from gouvernance.services import audit_chain
from gouvernance.services.assembly import assemblies, publication
from gouvernance.services.assembly.assemblies import (
    AssemblyView,
    ResolutionView,
    RollLine,
    SignatureView,
    TallyView,
)
from gouvernance.services.ledger.ledger_views import Document
from gouvernance.services.memo import memo
from gouvernance.services.organisation import setup
from gouvernance.services.ports import AssemblyStore, UnitOfWork, UnitOfWorkFactory
from gouvernance.services.printing.documents import (
    TEMPLATES,
    Table,
    heading,
    new_pdf,
    paragraph,
    table,
    typo,
)

if TYPE_CHECKING:
    from fpdf import FPDF

__all__ = [
    "MinutesContent",
    "ResolutionBlock",
    "compose",
    "content",
    "minutes",
    "render_html",
    "render_pdf",
]

TEMPLATE = "proces-verbal.html"
FORMATS = {"html": "text/html; charset=utf-8", "pdf": "application/pdf"}
DRAFT_BANNER = (
    "Projet de procès-verbal : l'assemblée est encore ouverte, les présences, les votes et les "
    "résultats ci-dessous peuvent changer jusqu'à sa clôture."
)
SIGNATORIES = "président de séance, secrétaire, scrutateur(s)"
TABLE_SIZE = 7.0  # points: the results' ten columns and member codes of 20 characters fit
CODE_WIDTH = 35.0  # millimetres: a member code of 20 capitals or digits on one line
_CONVOCATION = {1: "première convocation", 2: "deuxième convocation"}


@dataclass(frozen=True)
class ResolutionBlock:
    title: str  # « Résolution 1 — Transformation de l'association en SCIC »
    lines: tuple[str, ...]  # proposer, method, rule
    table: Table  # per college: the figures, stated once
    outcome: str  # « Résolution adoptée. »: the result, stated once
    adopted: bool
    explanation: tuple[str, ...]


@dataclass(frozen=True)
class MinutesContent:
    title: str
    subtitle: str
    organisation: str
    banner: str  # « » once the assembly is closed
    header: tuple[str, ...]
    rules: tuple[str, ...]
    attendance: tuple[str, ...]
    attendance_tables: tuple[Table, ...]
    quorum: tuple[str, ...]
    resolutions: tuple[ResolutionBlock, ...]
    signatures: tuple[str, ...]
    footer: str
    # Closed: the verification file's name and SHA-256, printed next to the results.
    verification: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Sources:
    organisation: str
    view: AssemblyView
    roll: tuple[RollLine, ...]
    tally: TallyView
    time_zone: str
    journal: ChainHead | None = None  # the audit entry of the closing
    accounts: Mapping[str, str] = field(default_factory=dict)  # username: who, as printed
    president: Signatory | None = None  # the organisation's, with the title it registered
    sha256: str | None = None  # closed: the verification file's digest


def minutes(uows: UnitOfWorkFactory, actor: Actor, code: str, file_format: str) -> Document:
    """The minutes of assembly ``code`` as a file: ``html`` or ``pdf`` (``pv-<code>.<ext>``).

    Who may read them is who may read the tally: the board, scrutineers and the administrator
    while the assembly is open (a draft), everyone signed in once it is closed."""
    kind = file_format.strip().lower()
    if kind not in FORMATS:
        raise InvalidInput(
            f"format inconnu « {file_format} » (formats : html, pdf)", field="format"
        )
    sources = _read(uows, actor, code)
    text = _verified(sources.view, _compose(sources), sources.sha256)
    name = f"pv-{sources.view.summary.code}.{kind}"
    if kind == "html":
        return Document(name, FORMATS[kind], render_html(text).encode("utf-8"))
    return Document(name, FORMATS[kind], render_pdf(text, sources.view))


def content(uows: UnitOfWorkFactory, actor: Actor, code: str) -> MinutesContent:
    """The minutes' text, for a shell that lays it out itself (the web desk's preview); read
    by whoever may read the file."""
    return preview(uows, actor, code)[1]


def preview(
    uows: UnitOfWorkFactory, actor: Actor, code: str, rows: int | None = None
) -> tuple[AssemblyView, MinutesContent]:
    """The assembly as its desk shows it and the minutes' text, read once for both; ``rows``:
    the lists of associates keep their first rows only, with their size (a page shows a few
    hundred lines, the PDF all of them)."""
    sources = _read(uows, actor, code, rows)
    return sources.view, _verified(sources.view, _compose(sources, rows), sources.sha256)


def _verified(view: AssemblyView, text: MinutesContent, sha256: str | None) -> MinutesContent:
    """A closed assembly's minutes name its verification file and print its SHA-256: the file
    a member downloads is the one these minutes vouch for, byte for byte."""
    if view.summary.status is not AssemblyStatus.CLOSED or sha256 is None:
        return text
    lines = (
        f"Fichier de vérification verification-{view.summary.code}.json, empreinte SHA-256 :",
        sha256,
        "Ce fichier (règles, participation, voix de chaque résolution par collège, reçus "
        "comptés) se télécharge depuis la page des assemblées ; « gouvernance assemblies "
        "verify » ou le script docs/verifier_assemblee.py en refont le calcul et le comparent "
        "à ce procès-verbal.",
    )
    return replace(text, verification=tuple(typo(line) for line in lines))


def _compose(sources: _Sources, rows: int | None = None) -> MinutesContent:
    return compose(
        sources.organisation, sources.view, sources.roll, sources.tally,
        time_zone=sources.time_zone, journal=sources.journal, accounts=sources.accounts,
        president=sources.president, rows=rows,
    )  # fmt: skip


def _read(uows: UnitOfWorkFactory, actor: Actor, code: str, rows: int | None = None) -> _Sources:
    # One transaction, the assembly read once, for the tally, the view and the sheet.
    with uows() as uow, _reading_once(uow):
        assembly = assemblies.assembly_in(uow, code)
        closed = assembly.status is AssemblyStatus.CLOSED
        # Closed minutes print the organisation as it was at closing; a draft, as it is now
        # (then its clock is the one the views use: the organisation is read once).
        printed = setup.printed(uow, assembly.organisation_snapshot_id if closed else None)
        zone = setup.time_zone(uow) if closed else printed.time_zone or DEFAULT_TIME_ZONE
        kept, key = memo(uows, "closed_minutes", kept=8), _closed_key(actor, assembly, zone, rows)
        found: _Frozen | None = kept.get(key) if key is not None else None
        if found is not None:
            tally, view, roll = found
            view = replace(view, signatures=assemblies.signatures_in(uow, assembly))
        else:
            tally = assemblies.tally_in(uow, actor, assembly, zone)  # first: who may read them
            view = assemblies.view_in(uow, assembly, zone)
            roll = assemblies.sheet_in(uow, actor, assembly, rows)  # what they list, not all
            if key is not None:
                kept.put(key, (tally, view, roll))
        sha256 = publication.closed_digest_in(uows, uow, assembly) if closed else None
        # The entry that recorded the closing: the same head on every later print.
        journal = audit_chain.closing_head(uow, view.summary.code) if closed else None
        accounts = {
            username: _account(uow, username)
            for username in (
                view.created_by,
                view.closed_by,
                *(signature.signed_by for signature in view.signatures),
            )
            if username
        }
    return _Sources(
        printed.name, view, roll, tally, printed.time_zone, journal, accounts, printed.president,
        sha256,
    )  # fmt: skip


# What the minutes read of a closed assembly but its signatures: the stored tally, the view and
# the sheet's rows. A closed assembly never changes (the services refuse, triggers too), so they
# are kept per database (``memo``) by what identifies the closing, the organisation's time zone,
# the rows shown and who reads (why an associate may not vote is not for every reader).
_Frozen = tuple[TallyView, AssemblyView, tuple[RollLine, ...]]


def _closed_key(
    actor: Actor, assembly: Assembly, zone: str, rows: int | None
) -> tuple[object, ...] | None:
    """The memo key of a closed assembly's minutes, None while it is open, or for the whole
    file (``rows`` None: asked for now and then, and its sheet is the whole roll)."""
    if assembly.status is not AssemblyStatus.CLOSED or not assembly.results or rows is None:
        return None
    reader = True if actor.can(Permission.READ_ALL_MEMBERS) else actor.member_code
    closing = (assembly.id, assembly.code, assembly.closed_at, assembly.results)
    return (*closing, zone, rows, reader)


class _ReadOnce:
    """An assembly store whose reads that both the tally and the view make (turnout,
    resolutions, votes cast and closed, hand counts) are answered once: for a transaction that
    only reads (the minutes' preview), where the answers cannot move meanwhile."""

    _ONCE = frozenset(
        {"turnout", "resolutions", "votes_recorded", "vote_closings", "counted_colleges"}
    )

    def __init__(self, store: AssemblyStore) -> None:
        self._store = store
        self._found: dict[tuple[str, int], Any] = {}

    def __getattr__(self, name: str) -> Any:
        read = getattr(self._store, name)
        if name not in self._ONCE:
            return read

        def once(assembly_id: int) -> Any:
            key = (name, assembly_id)
            if key not in self._found:
                self._found[key] = read(assembly_id)
            return self._found[key]

        return once


@contextmanager
def _reading_once(uow: UnitOfWork) -> Iterator[None]:
    """``uow``'s assembly store answering each repeated read once (``_ReadOnce``), meanwhile."""
    store = uow.assemblies
    uow.assemblies = cast("AssemblyStore", _ReadOnce(store))
    try:
        yield
    finally:
        uow.assemblies = store


def _account(uow: UnitOfWork, username: str) -> str:
    """Who an account is, as the minutes name them: « Marie Aubert (compte bureau, conseil
    d'administration) », never a bare login such as « cli:root »."""
    user = uow.users.get(username)
    if user is None:
        if username.startswith("cli:"):
            return f"la ligne de commande (utilisateur système {username.removeprefix('cli:')})"
        return f"le compte {username}"
    member = uow.members.get(user.member_code) if user.member_code else None
    if member is not None:
        return f"{member.display_name} (compte {username}, {user.role.label})"
    return f"le compte {username} ({user.role.label})"


# --- The text ----------------------------------------------------------------------------------


def compose(
    organisation: str,
    view: AssemblyView,
    roll: tuple[RollLine, ...],
    tally: TallyView,
    *,
    time_zone: str = DEFAULT_TIME_ZONE,
    journal: ChainHead | None = None,
    accounts: Mapping[str, str] | None = None,
    president: Signatory | None = None,
    rows: int | None = None,
) -> MinutesContent:
    """The minutes' French text: the same for the HTML and the PDF; times on the clock of
    ``time_zone``, the organisation's; ``journal``, the audit log's entry of the closing;
    ``accounts``, who each account named in them is (else the login is printed);
    ``president``, the organisation's, named with the title it registered when they sign;
    ``rows``: the lists of associates keep their first rows only (``roll`` may hold only
    those), each table saying its size."""
    summary = view.summary
    who = organisation or "l'organisation"
    closed = summary.status is AssemblyStatus.CLOSED
    resolutions = {r.number: r for r in view.resolutions}
    return MinutesContent(
        title=f"Procès-verbal de l'{summary.kind_label.lower()} du {long_date(summary.held_on)}",
        subtitle=f"{who} — {summary.title} ({summary.code})",
        organisation=who,
        banner="" if closed else typo(DRAFT_BANNER),
        header=tuple(typo(line) for line in _header(view, time_zone, journal, accounts or {})),
        rules=tuple(typo(line) for line in _rules(view)),
        attendance=tuple(typo(line) for line in _attendance(view)),
        attendance_tables=_attendance_tables(view, roll, rows),
        quorum=tuple(typo(line) for line in _quorum(tally.tally.quorums)),
        resolutions=tuple(
            _resolution(result, resolutions.get(result.number), view)
            for result in tally.tally.resolutions
        ),
        signatures=tuple(
            typo(line) for line in _signatures(view, time_zone, accounts or {}, president)
        ),
        footer=f"{who} — procès-verbal {summary.code} du {summary.held_on:%d/%m/%Y}"
        + ("" if closed else " — projet"),
    )


def _header(
    view: AssemblyView,
    time_zone: str,
    journal: ChainHead | None = None,
    accounts: Mapping[str, str] | None = None,
) -> list[str]:
    summary = view.summary
    who = accounts or {}
    convocation = _CONVOCATION.get(summary.convocation, f"convocation n° {summary.convocation}")
    lines = [
        f"{summary.kind_label}, {convocation}, tenue le {long_date(summary.held_on)}.",
        f"Liste d'émargement arrêtée au {long_date(view.cutoff)}.",
    ]
    if view.previous_code:
        lines.append(
            f"Assemblée réunie sur deuxième convocation, après l'assemblée {view.previous_code}."
        )
    lines.append(
        f"Enregistrée dans Gouvernance le {local(view.created_at, time_zone):%d/%m/%Y} "
        f"par {who.get(view.created_by, view.created_by)}."
    )
    if view.closed_at is not None:
        closed = format_moment(view.closed_at, time_zone)
        closer = who.get(view.closed_by, view.closed_by) if view.closed_by else "—"
        lines.append(f"Close le {closed} par {closer}.")
        if journal is not None:
            lines.append(f"Clôture inscrite au journal d'audit : {journal.text}")
    else:
        lines.append("Assemblée ouverte : les résultats ne sont pas définitifs.")
    return lines


def _rules(view: AssemblyView) -> list[str]:
    rules = view.rules
    lines = [f"Statuts appliqués : {view.statutes_label} ({view.statutes_id})."]
    if rules.colleges:
        colleges = ", ".join(f"{c.label} {format_share(c.weight)}" for c in rules.colleges)
        lines.append(f"Collèges de vote et leurs poids : {colleges}.")
        lines.append(f"Collège vide ou absent : {rules.empty_college.text or '—'}.")
    else:
        lines.append("Sans collèges : un associé, une voix.")
    kinds = dict.fromkeys([view.summary.kind, *(r.decision_kind for r in view.resolutions)])
    for kind in kinds:
        if kind in rules.decisions:
            rule = rules.decisions[kind]
            where = f" ({rule.reference})" if rule.reference else ""
            lines.append(f"{rule.label}{where} : {' ; '.join(rule.describe())}.")
    lines.append(f"Pouvoirs : {view.proxy_rule}.")
    lines.append(f"Pouvoirs en blanc : {rules.blank_proxies.label}.")
    lines.append(f"Droit de vote : {rules.roll.describe()}.")
    votes = rules.college_votes
    if votes.abstention_as_consent:
        lines.append("Dans chaque collège, une abstention compte comme un « pour » (statuts).")
    if votes.block_vote is not None:
        word = "plus de" if votes.block_vote.strict else "au moins"
        lines.append(
            f"Vote bloqué : un collège qui réunit {word} "
            f"{format_share(votes.block_vote.threshold)} de « pour » porte tout son poids pour la "
            "résolution, sinon tout son poids contre (statuts)."
        )
    for finding in rules.unlawful:
        lines.append(
            f"Constat : les statuts ne sont pas conformes à la loi au jour de l'assemblée : "
            f"{finding}."
        )
    if rules.unlawful and rules.legal_floor is not None:
        lines.append(
            "Une clause contraire à la loi est réputée non écrite : le décompte applique la "
            f"majorité légale ({rules.legal_floor.reference})."
        )
    return lines


def _attendance(view: AssemblyView) -> list[str]:
    attending = sum(view.attendance.get(mode, 0) for mode in Attendance)
    entitled = counted(view.entitled, "associé a", "associés ont")
    others = counted(view.not_entitled, "inscrit ne l'a", "inscrits ne l'ont")
    lines = [
        f"{entitled} le droit de vote à cette assemblée"
        + (f", {others} pas (motifs ci-dessous)." if view.not_entitled else ".")
    ]
    share = f" ({format_share(Fraction(attending, view.entitled))})" if view.entitled else ""
    means = (
        "ayant voté à distance, par correspondance ou par pouvoir en blanc"
        if view.attendance.get(Attendance.BLANK_PROXY, 0)
        else "ayant voté à distance ou par correspondance"
    )
    who = counted(attending, "associé présent, représenté", "associés présents, représentés")
    lines.append(f"{who}, {means} sur {view.entitled}{share}.")
    lines.append(
        "Répartition : "
        + ", ".join(f"{mode.label} {view.attendance.get(mode, 0)}" for mode in Attendance)
        + f". Chacun peut détenir au plus {counted(view.proxy_limit, 'pouvoir', 'pouvoirs')}."
    )
    return lines


def _attendance_tables(
    view: AssemblyView, roll: tuple[RollLine, ...], rows: int | None = None
) -> tuple[Table, ...]:
    modes = Table(
        "Présences par mode",
        ("Mode de participation", "Associés"),
        tuple((mode.label.capitalize(), str(view.attendance.get(mode, 0))) for mode in Attendance),
        (110, 60),
    )
    colleges = bool(view.rules.colleges)
    attending = tuple(
        (
            line.member_code,
            line.name,
            line.college_label if colleges else "—",
            line.attendance.label if line.attendance else "",
            _proxy_cell(line),
        )
        for line in roll
        if line.attendance is not None
    )
    sheet = Table(
        "Liste d'émargement : associés présents, représentés, à distance, par correspondance ou "
        "par pouvoir en blanc",
        ("Code", "Nom", "Collège", "Participation", "Pouvoirs"),
        attending[:rows] or (("—", "aucun associé n'a encore émargé", "", "", ""),),
        (CODE_WIDTH, 40, 34, 27, 34),
        total=None if rows is None else sum(view.attendance.values()),
    )
    excluded = tuple(
        (line.member_code, line.name, line.reason) for line in roll if not line.entitled
    )
    tables = [modes, sheet]
    if excluded:
        tables.append(
            Table(
                "Inscrits sans droit de vote",
                ("Code", "Nom", "Motif"),
                excluded[:rows],
                (CODE_WIDTH, 50, 85),
                total=None if rows is None else view.not_entitled,
            )
        )
    return tuple(tables)


def _proxy_cell(line: RollLine) -> str:
    if line.attendance is Attendance.REPRESENTED and line.holder_code:
        return f"représenté par {line.holder_code}"
    if line.proxies_held:
        return f"détient {len(line.proxies_held)} : {', '.join(line.proxies_held)}"
    return ""


def _quorum(quorums: tuple[QuorumResult, ...]) -> list[str]:
    lines = [f"{quorum.decision_label} : {quorum.explanation}." for quorum in quorums]
    return lines or ["Aucune décision à l'ordre du jour."]


def _resolution(
    result: ResolutionResult, resolution: ResolutionView | None, view: AssemblyView
) -> ResolutionBlock:
    lines = []
    if resolution is not None:
        proposer = resolution.proposer.label
        if resolution.proposed_by:
            proposer += f" ({resolution.proposed_by})"
        lines.append(f"Proposée par {proposer} ; {resolution.method.label}.")
        if resolution.text:
            lines.append(_proposed_text(resolution.text, result.outcome))
    where = f" ({result.reference})" if result.reference else ""
    lines.append(f"{result.decision_label}{where} : {result.rule.describe()}.")
    colleges = bool(view.rules.colleges)
    return ResolutionBlock(
        title=f"Résolution {result.number} — {result.title}",
        lines=tuple(typo(line) for line in lines),
        table=_college_table(result, colleges),
        outcome=typo(
            _PROVISIONAL[result.outcome]
            if result.outcome.provisional
            else f"Résolution {result.outcome.label}."
        ),
        adopted=result.outcome.value == "adopted",
        explanation=tuple(typo(line) for line in result.explanation),
    )


def _proposed_text(text: str, outcome: Outcome) -> str:
    """The resolution's wording as it reads once adopted (« L'assemblée élit … »); quoted as
    what was put to the vote when it was not adopted, or not yet: the minutes never say the
    assembly elected or decided what it rejected."""
    if outcome.value == "adopted":
        return text
    if outcome.provisional:
        return f"Texte soumis au vote : « {text} »"
    return f"Texte soumis au vote, non adopté : « {text} »"


_PROVISIONAL = {
    Outcome.PENDING: "Pas encore de vote sur cette résolution.",
    Outcome.SEALED: "Vote secret en cours : le résultat paraît à la clôture du vote.",
}


def _college_table(result: ResolutionResult, weighted: bool) -> Table:
    """Per college; a result printed with the decimals that keep it apart from the majority."""
    rows = tuple(
        (
            college.label or ALL_ASSOCIATES_LABEL,
            format_share(college.weight) if weighted else "—",
            format_share(college.effective_weight) if weighted else "—",
            str(college.counts.for_),
            str(college.counts.against),
            str(college.counts.abstain),
            str(college.counts.blank + college.counts.null),
            str(college.base),
            "—" if college.result is None else share_text(result, college.result),
            college.state.label,
        )
        for college in result.colleges
    )
    return Table(
        "Voix par collège" if weighted else "Voix",
        (
            "Collège",
            "Poids",
            "Poids effectif",
            "Pour",
            "Contre",
            "Abst.",
            "Blancs, nuls",
            "Base",
            "Résultat",
            "État",
        ),
        rows,
        (38, 13, 13, 12, 12, 12, 13, 12, 29, 16),
        note="Colonne « Résultat » : voix pour rapportées à la base de la règle ; pouvoirs en "
        "blanc compris.",
    )


def _signatures(
    view: AssemblyView,
    time_zone: str,
    accounts: Mapping[str, str],
    president: Signatory | None,
) -> list[str]:
    lines = [_signed(s, time_zone, accounts, president) for s in view.signatures]
    roles = {signature.role for signature in view.signatures}
    waiting = [
        role.label + ("(s)" if role is SignatoryRole.SCRUTINEER else "")
        for role in SignatoryRole
        if role not in roles
    ]
    if view.summary.status is AssemblyStatus.OPEN:
        lines.append(f"En attente de signature, après la clôture : {SIGNATORIES}.")
    elif waiting:
        lines.append(f"En attente de signature : {', '.join(waiting)}.")
    else:
        lines.append("Procès-verbal signé.")
    return lines


def _signed(
    signature: SignatureView,
    time_zone: str,
    accounts: Mapping[str, str],
    president: Signatory | None,
) -> str:
    """« Signé par Mireille Aubanel, Présidente, président de séance, le … »: the
    organisation's president with the title as registered (présidente, président…)."""
    who = signature.name
    if president is not None and _same_person(president.name, signature.name):
        who += f", {president.title}"
    recorded = accounts.get(signature.signed_by, signature.signed_by)
    return (
        f"Signé par {who}, {signature.role.label}, le "
        f"{format_moment(signature.signed_at, time_zone)} ; signature enregistrée par {recorded}."
    )


def _same_person(registered: str, signed: str) -> bool:
    return " ".join(registered.split()).casefold() == " ".join(signed.split()).casefold()


# --- HTML and PDF ----------------------------------------------------------------------------


def render_html(content: MinutesContent) -> str:
    """A complete, printable HTML page; every value is escaped."""
    return TEMPLATES.get_template(TEMPLATE).render(pv=content)


def render_pdf(content: MinutesContent, view: AssemblyView) -> bytes:
    """The minutes as an A4 PDF, dated the day of the assembly (the same minutes, same bytes)."""
    pdf = new_pdf(
        content.title,
        view.summary.held_on,
        author=content.organisation,
        bottom=20,
        footer=content.footer,
    )
    pdf.add_page()
    paragraph(pdf, content.title, bold=True, size=14)
    paragraph(pdf, content.subtitle)
    if content.banner:
        paragraph(pdf, content.banner, bold=True)
    for line in content.header:
        paragraph(pdf, line, size=9)
    _section(pdf, "Règles appliquées", content.rules, size=9)
    _section(pdf, "Présences", content.attendance)
    for grid in content.attendance_tables:
        table(pdf, grid, size=TABLE_SIZE, line_height=3.6)
    _section(pdf, "Quorum", content.quorum)
    for block in content.resolutions:
        _section(pdf, block.title, block.lines, size=9)
        table(pdf, block.table, size=TABLE_SIZE, line_height=3.6)
        for line in block.explanation:
            paragraph(pdf, line, size=8, gap=1.2)
        paragraph(pdf, block.outcome, bold=True, size=11)  # the result, once, after its reasons
    if content.verification:
        _section(pdf, "Vérification des résultats", content.verification, size=9)
    if pdf.will_page_break(12 + 9 * len(content.signatures)):
        pdf.add_page()  # the signatures kept together, on one page
    _section(pdf, "Signatures", content.signatures)
    return bytes(pdf.output())


def _section(pdf: FPDF, title: str, lines: tuple[str, ...], *, size: float = 10) -> None:
    heading(pdf, title)
    for line in lines:
        paragraph(pdf, line, size=size)
