"""The treasurer's desk (« /tresorerie »): the week at a glance, issuing a batch after seeing
its preview, the calls with the filters a treasurer uses, payments, credit notes, refunds,
balances, reminders and the files for the accountant and the bank.

For the treasurer and the administrator (``ISSUE_CALLS`` or ``RECORD_PAYMENTS``); anyone else
gets a French 403 page. Every page calls the same services as the API and the CLI, with the
signed-in actor; a refused form comes back with what was typed and the French reason next to
its field (the services write nothing when they refuse). Writes carry an idempotency key
printed in their form, so that a double click records once. Issuing a batch, laying out its
letters and sending reminders run as background jobs (``web.jobs``) with a progress page.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from jinja2.utils import url_quote
from markupsafe import Markup, escape

from gouvernance.bootstrap import short_read
from gouvernance.domain.bank.model import RETURN_REASONS
from gouvernance.domain.calls.accounting import FecOptions
from gouvernance.domain.calls.model import CallStatus, PaymentMethod, parse_method
from gouvernance.domain.calls.reminders import long_date
from gouvernance.domain.errors import Forbidden, GouvernanceError, InvalidInput, Problem
from gouvernance.domain.fees.schedule import FeeSchedule
from gouvernance.domain.money import format_cents, parse_amount, to_cents
from gouvernance.domain.users import Actor, Permission
from gouvernance.services.bank import statements as bank_statements
from gouvernance.services.contributions import fees
from gouvernance.services.ledger import calls, desk, direct_debits, payments, refunds, treasury
from gouvernance.services.ledger.ledger_views import (
    BalanceView,
    CallView,
    CreditNoteView,
    Document,
    LeftOutReason,
)
from gouvernance.services.mail import outbox
from gouvernance.services.mail.outbox import MailKind, MailReport
from gouvernance.services.organisation import setup
from gouvernance.services.progress import Progress
from web.jobs import JobState, Outcome, jobs_for
from web.rendering import FormErrors, render
from web.routes.member import steps
from web.session import App, CurrentActor, Form

router = APIRouter()

PAGE_SIZE = 100
PREVIEW_ROWS = 500  # a preview of 100 000 calls shows the first ones and counts them all
RECENT_PAYMENTS = 200
MAX_KEY = 100
STATUS_CLASSES = {
    CallStatus.PAID: "paye",
    CallStatus.OVERDUE: "retard",
    CallStatus.CANCELLED: "annule",
}
METHODS = [(m.value, m.label) for m in PaymentMethod]
_FRENCH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_KEY = re.compile(r"[A-Za-z0-9_-]{8,100}")


async def treasurer(actor: CurrentActor) -> Actor:  # ``async``: a check, no thread-pool trip
    """The desk is the treasurer's and the administrator's; a member, the board or the
    scrutineer get a French refusal (the board reads the ledger through the API)."""
    if not (actor.can(Permission.ISSUE_CALLS) or actor.can(Permission.RECORD_PAYMENTS)):
        raise Forbidden(
            "la trésorerie est réservée au trésorier et à l'administrateur : "
            f"le rôle {actor.role.label} ne permet pas d'y entrer"
        )
    return actor


Treasurer = Annotated[Actor, Depends(treasurer)]


# --------------------------------------------------------------------------------------------
# Reading what a person typed


def parse_day(text: str, field: str) -> date:
    """« 2027-03-31 » (a date field) or « 31/03/2027 » (typed); refused in French."""
    raw = text.strip()
    try:
        if found := _FRENCH_DATE.match(raw):
            day, month, year = (int(part) for part in found.groups())
            return date(year, month, day)
        return date.fromisoformat(raw)
    except ValueError:
        shown = raw[:20] or "vide"
        raise InvalidInput(
            f"date invalide « {shown} » (attendu : JJ/MM/AAAA)", field=field
        ) from None


def optional_day(text: str | None, field: str) -> date | None:
    return parse_day(text, field) if text and text.strip() else None


def parse_cents(text: str, field: str) -> int:
    """« 120,50 », « 1 200 », « 50 € »: the French way, in cents; « 12,345 » is refused."""
    if not text.strip():
        raise InvalidInput("montant obligatoire (par exemple 120,50)", field=field)
    return to_cents(parse_amount(text, field=field))


def _text(form: Mapping[str, Any], name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _key(form: Mapping[str, Any]) -> str:
    """The form's idempotency key (printed when the form was shown); a fresh one if absent."""
    value = _text(form, "cle").strip()
    return value if _KEY.fullmatch(value) else new_key()


def new_key() -> str:
    return secrets.token_urlsafe(18)


def errors_of(error: GouvernanceError, names: Mapping[str, str]) -> FormErrors:
    """The service's refusal next to the form's fields (``names``: the service's field name →
    the form's), or above the form when no field is named."""
    found = FormErrors()
    for problem in error.problems or []:
        name = names.get(problem.field or "")
        if name and name not in found.fields:
            found.fields[name] = problem.message
    name = names.get(error.field or "")
    if name and name not in found.fields:
        found.fields[name] = error.message
    if not found.fields or name is None:
        found.general = error.message
    return found


def download(document: Document) -> Response:
    """The file; an accounting export also gives the audit log's head, as the API does."""
    headers = {"Content-Disposition": f'attachment; filename="{document.filename}"'}
    if document.journal is not None:
        headers["X-Gouvernance-Journal"] = document.journal.header
    return Response(document.content, media_type=document.media_type, headers=headers)


def plain_amount(cents: int) -> str:
    """« 1234,50 »: an amount as a person types it back into a field."""
    return f"{cents // 100},{cents % 100:02d}"


# --------------------------------------------------------------------------------------------
# The desk's home


@router.get("/tresorerie", include_in_schema=False)
@short_read  # kept sums; once the ledger has moved, summed again in the pool (``LongRead``)
def desk_home(request: Request, app: App, actor: Treasurer) -> Response:
    summary = desk.week_at_a_glance(app.uows, actor)
    return render(
        request,
        "tresorerie_accueil.html",
        summary=summary,
        reminders_due=summary.reminders_due,
        on=long_date(summary.on),
        bank=_bank_lines_to_match(app, actor),
    )


def _bank_lines_to_match(app: App, actor: Actor) -> int | None:
    """Bank statement lines still waiting for the treasurer (to confirm, or unmatched)."""
    try:
        return bank_statements.waiting_count(app.uows, actor)
    except GouvernanceError:
        return None


# --------------------------------------------------------------------------------------------
# Issuing a batch: form, preview, confirmation, progress, the batch


ISSUE_FIELDS = {
    "schedule": "bareme",
    "issued_on": "emission",
    "due_on": "echeance",
    "members": "bareme",
}


@dataclass(frozen=True)
class IssueRequest:
    schedule: str
    issued_on: date
    due_on: date
    exclude: bool

    @classmethod
    def read(cls, values: Mapping[str, Any]) -> IssueRequest:
        schedule = _text(values, "bareme").strip()
        problems = []
        if not schedule:
            problems.append(("bareme", "choisissez le barème adopté"))
        issued: date | None = None
        due: date | None = None
        try:
            issued = optional_day(_text(values, "emission"), "issued_on") or calls.today()
        except InvalidInput as error:
            problems.append(("emission", error.message))
        try:
            due = parse_day(_text(values, "echeance"), "due_on")
        except InvalidInput as error:
            problems.append(("echeance", error.message))
        if problems or issued is None or due is None:
            first = problems[0]
            names = {"bareme": "schedule", "emission": "issued_on", "echeance": "due_on"}
            raise InvalidInput(
                first[1],
                field=names[first[0]],
                problems=[Problem(message, names[name]) for name, message in problems],
            )
        return cls(schedule, issued, due, bool(_text(values, "exclure")))

    def query(self) -> str:
        pairs = [
            ("bareme", self.schedule),
            ("emission", self.issued_on.isoformat()),
            ("echeance", self.due_on.isoformat()),
        ]
        if self.exclude:
            pairs.append(("exclure", "1"))
        return urlencode(pairs)


def _adopted_schedules() -> tuple[list[FeeSchedule], str | None]:
    """The schedules an issue may start from, newest year first; a rules folder that cannot
    be read is said, not a 500."""
    try:
        found = fees.list_schedules()
    except GouvernanceError as error:
        return [], error.message
    adopted = [s for s in found if s.adopted_on is not None]
    return sorted(adopted, key=lambda s: (-s.fiscal_year, s.id)), None


def _batches_page(
    request: Request,
    app: App,
    actor: Actor,
    *,
    values: Mapping[str, Any] | None = None,
    errors: FormErrors | None = None,
    status: int = 200,
) -> Response:
    schedules, unreadable = _adopted_schedules()
    typed = dict(values or {})
    if values is None:
        typed = {
            "bareme": schedules[0].id if schedules else "",
            "emission": calls.today().isoformat(),
            "echeance": "",
        }
    return render(
        request,
        "tresorerie_lots.html",
        status=status,
        batches=list(reversed(calls.list_batches(app.uows, actor))),
        schedules=schedules,
        unreadable=unreadable,
        values=typed,
        errors=errors,
        can_issue=actor.can(Permission.ISSUE_CALLS),
    )


@router.get("/tresorerie/lots", include_in_schema=False)
@short_read
def batches_page(request: Request, app: App, actor: Treasurer) -> Response:
    return _batches_page(request, app, actor)


@router.get("/tresorerie/lots/apercu", include_in_schema=False)
def issue_preview(request: Request, app: App, actor: Treasurer) -> Response:
    """What the batch would be, computed without writing; confirming it is a separate POST."""
    values = dict(request.query_params)
    try:
        wanted = IssueRequest.read(values)
        preview = calls.preview_issue(
            app.uows,
            actor,
            wanted.schedule,
            issued_on=wanted.issued_on,
            due_on=wanted.due_on,
            exclude_incomplete=wanted.exclude,
        )
    except GouvernanceError as error:
        return _batches_page(
            request, app, actor, values=values, errors=errors_of(error, ISSUE_FIELDS),
            status=error.status,
        )  # fmt: skip
    with_exclusion = IssueRequest(wanted.schedule, wanted.issued_on, wanted.due_on, True)
    return render(
        request,
        "tresorerie_apercu.html",
        preview=preview,
        wanted=wanted,
        key=new_key(),
        missing=preview.left_out_for(LeftOutReason.MISSING),
        called=preview.left_out_for(LeftOutReason.CALLED),
        exempt=preview.left_out_for(LeftOutReason.EXEMPT),
        exclusion_query=with_exclusion.query(),
        shown=PREVIEW_ROWS,
        back_query=wanted.query(),
    )


@router.post("/tresorerie/lots", include_in_schema=False)
def issue_batch(request: Request, app: App, actor: Treasurer, form: Form) -> Response:
    """Start the issue in the background; the same form sent twice is the same job, and the
    key given to the service makes a second job, if any, replay the first one's batch."""
    try:
        wanted = IssueRequest.read(form)
    except GouvernanceError as error:
        return _batches_page(
            request, app, actor, values=form, errors=errors_of(error, ISSUE_FIELDS),
            status=error.status,
        )  # fmt: skip
    key = _key(form)

    def work(progress: Progress) -> Outcome:
        result = calls.issue_calls(
            app.uows,
            actor,
            wanted.schedule,
            issued_on=wanted.issued_on,
            due_on=wanted.due_on,
            exclude_incomplete=wanted.exclude,
            idempotency_key=key,
            progress=progress,
        )
        query = {"emis": "1" if result.created else "0"}
        if result.excluded:
            query["exclus"] = str(len(result.excluded))
        if result.exempt:
            query["exoneres"] = str(len(result.exempt))
        return Outcome(redirect=f"/tresorerie/lots/{result.batch.reference}?{urlencode(query)}")

    job = jobs_for(app).start(
        actor.username, "Émission du lot d'appels", work,
        back=f"/tresorerie/lots/apercu?{wanted.query()}", key=f"lot:{key}",
    )  # fmt: skip
    return RedirectResponse(f"/tresorerie/travaux/{job.id}", status_code=303)


@router.get("/tresorerie/lots/{reference}", include_in_schema=False)
@short_read  # searched as ``calls_page``
def batch_page(
    request: Request,
    app: App,
    actor: Treasurer,
    reference: str,
    emis: str = "",
    exclus: str = "",
    exoneres: str = "",
) -> Response:
    batch = calls.get_batch(app.uows, actor, reference)
    found = desk.find_calls(
        app.uows, actor, desk.CallSearch(batch_reference=batch.reference), limit=PAGE_SIZE
    )
    return render(
        request,
        "tresorerie_lot.html",
        batch=batch,
        found=found,
        issued=emis,
        excluded=int(exclus) if exclus.isdigit() else 0,
        exempt=int(exoneres) if exoneres.isdigit() else 0,
        status_classes=STATUS_CLASSES,
        overdue=CallStatus.OVERDUE,
        key=new_key(),
    )


@router.post("/tresorerie/lots/{reference}/lettres", include_in_schema=False)
def batch_letters(
    request: Request, app: App, actor: Treasurer, form: Form, reference: str
) -> Response:
    """Lay out every letter of the batch in one PDF, in the background (seconds for
    thousands of letters); the job's page then offers the file."""
    batch = calls.get_batch(app.uows, actor, reference)

    def work(progress: Progress) -> Outcome:
        document = treasury.batch_letters(app.uows, actor, batch.reference, progress)
        ready = (
            f"Les {batch.call_count} lettres d'appel du lot {batch.reference} sont prêtes"
            if batch.call_count > 1
            else f"La lettre d'appel du lot {batch.reference} est prête"
        )
        return Outcome(
            document=document,
            lines=(f"{ready}, en un seul PDF à imprimer.",),
            links=(("Envoyer les appels par courriel",
                    f"/tresorerie/lots/{batch.reference}/courriel"),),
        )  # fmt: skip

    job = jobs_for(app).start(
        actor.username, f"Lettres du lot {batch.reference}", work,
        back=f"/tresorerie/lots/{batch.reference}", key=f"lettres:{_key(form)}",
    )  # fmt: skip
    return RedirectResponse(f"/tresorerie/travaux/{job.id}", status_code=303)


# --------------------------------------------------------------------------------------------
# Background jobs: progress, result


@router.get("/tresorerie/travaux/{job_id}", include_in_schema=False)
@short_read
def job_page(request: Request, app: App, actor: Treasurer, job_id: str) -> Response:
    job = jobs_for(app).get(job_id, actor.username)
    if job.state is JobState.DONE and job.outcome and job.outcome.redirect:
        return RedirectResponse(job.outcome.redirect, status_code=303)
    if job.outcome is not None and isinstance(job.outcome.report, MailReport):
        report = job.outcome.report
        return render(
            request,
            "tresorerie_courriel.html",
            preview=None,
            report=report,
            refused=None,
            kind=report.kind,
            reference=report.reference,
            back=job.back,
            action=_mail_action(report),
            key=new_key(),
            rows=MAIL_ROWS,
        )
    return render(
        request,
        "tresorerie_travail.html",
        status=422 if job.state is JobState.FAILED else 200,
        job=job,
        running=job.state is JobState.RUNNING,
        failed=job.state is JobState.FAILED,
    )


@router.get("/tresorerie/travaux/{job_id}/etat", include_in_schema=False)
@short_read
def job_state(app: App, actor: Treasurer, job_id: str) -> Response:
    """The job's progress for the page's script (``web/static/travaux.js``)."""
    job = jobs_for(app).get(job_id, actor.username)
    return JSONResponse(
        {"state": job.state.value, "done": job.done, "total": job.total,
         "percent": job.percent}
    )  # fmt: skip


@router.get("/tresorerie/travaux/{job_id}/fichier", include_in_schema=False)
def job_file(app: App, actor: Treasurer, job_id: str) -> Response:
    job = jobs_for(app).get(job_id, actor.username)
    if job.outcome is None or job.outcome.document is None:
        raise InvalidInput("ce travail n'a pas produit de fichier à télécharger", field="job")
    return download(job.outcome.document)


# --------------------------------------------------------------------------------------------
# Calls


GROUPS = {
    "en-retard": desk.CallGroup.OVERDUE,
    "impayes": desk.CallGroup.UNPAID,
    "payes": desk.CallGroup.PAID,
    "annules": desk.CallGroup.CANCELLED,
    "tous": desk.CallGroup.ALL,
}
CALL_FILTER_FIELDS = {"on": "au", "member": "membre", "batch": "lot", "category": "categorie"}


@router.get("/tresorerie/appels", include_in_schema=False)
@short_read  # a search kept; a new one (or a new day) walks every call, in the pool
def calls_page(
    request: Request,
    app: App,
    actor: Treasurer,
    statut: str = "impayes",
    au: str = "",
    categorie: str = "",
    lot: str = "",
    membre: str = "",
    page: str = "1",
) -> Response:
    values = {"statut": statut, "au": au, "categorie": categorie, "lot": lot, "membre": membre}
    group = GROUPS.get(statut, desk.CallGroup.UNPAID)
    number = max(int(page), 1) if page.isdigit() and len(page) < 7 else 1
    errors = None
    found = None
    try:
        search = desk.CallSearch(
            group=group,
            on=optional_day(au, "on"),
            category=categorie.strip() or None,
            batch_reference=lot.strip() or None,
            member=membre.strip() or None,
        )
        found = desk.find_calls(
            app.uows, actor, search, offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE
        )
    except GouvernanceError as error:
        errors = errors_of(error, CALL_FILTER_FIELDS)
    pages = max((found.total + PAGE_SIZE - 1) // PAGE_SIZE, 1) if found else 1
    kept = {k: v for k, v in values.items() if v}
    return render(
        request,
        "tresorerie_appels.html",
        status=422 if errors else 200,
        found=found,
        rows=call_rows(found.items) if found else Markup(""),
        values=values,
        errors=errors,
        groups=[(word, g.label) for word, g in GROUPS.items()],
        category_options=[("", "Toutes")]
        + [(c.code, c.label) for c in setup.list_categories(app.uows)],
        batch_options=[("", "Tous")]
        + [(b.reference, b.reference) for b in calls.list_batches(app.uows, actor)],
        page=number,
        pages=pages,
        previous_query=urlencode({**kept, "page": number - 1}) if number > 1 else None,
        next_query=urlencode({**kept, "page": number + 1}) if number < pages else None,
        status_classes=STATUS_CLASSES,
        overdue=CallStatus.OVERDUE,
    )


def call_rows(items: Sequence[CallView]) -> Markup:
    """The ``<tr>`` of a page of calls, escaped, as the macros of ``tresorerie_outils.html``
    (``jour``, ``situation``) would write them: built in Python, a page of 100 calls costs a
    millisecond instead of several through Jinja's macro calls and filters."""
    lines = []
    for call in items:
        late = call.status is CallStatus.OVERDUE
        badge = STATUS_CLASSES.get(call.status)
        classes = f"badge {badge}" if badge else "badge"
        status = f'<span class="{classes}">{escape(call.status.label)}</span>'
        if late and call.days_late:
            plural = "s" if call.days_late > 1 else ""
            status += f"\n<br><small>{call.days_late} jour{plural} de retard</small>"
        reference = escape(call.reference)
        row = '<tr class="en-retard">' if late else "<tr>"
        lines.append(
            f"{row}"
            f'<th scope="row"><a class="reference" href="/tresorerie/appels/{reference}">'
            f"{reference}</a></th>"
            f'<td><a href="/tresorerie/membres/{escape(url_quote(call.member_code))}">'
            f"{escape(call.member_code)}</a><br><small>{escape(call.member_name)}</small></td>"
            f'<td class="reference">{escape(call.batch_reference)}</td>'
            # Amounts and dates: digits, spaces, a comma, « € » or « / », nothing to escape.
            f'<td class="montant">{format_cents(call.cents - call.credited)}</td>'
            f'<td class="montant">{format_cents(call.paid)}</td>'
            f'<td class="montant">{format_cents(call.outstanding)}</td>'
            f"<td>{call.due_on.strftime('%d/%m/%Y')}</td>"
            f"<td>{status}</td></tr>"
        )
    return Markup("\n        ".join(lines))


CREDIT_FIELDS = {"amount": "montant", "reason": "motif", "on": "date"}


def _call_page(
    request: Request,
    app: App,
    actor: Actor,
    reference: str,
    *,
    values: Mapping[str, Any] | None = None,
    errors: FormErrors | None = None,
    status: int = 200,
    note: str = "",
    debit_values: Mapping[str, str] | None = None,
    debit_errors: FormErrors | None = None,
) -> Response:
    detail = calls.call_detail(app.uows, actor, reference)
    return render(
        request,
        "tresorerie_appel.html",
        status=status,
        detail=detail,
        call=detail.call,
        steps=steps(detail.explanation),
        values=values or {"montant": "", "motif": "", "date": calls.today().isoformat()},
        debit=direct_debits.call_debit(app.uows, actor, reference),
        debit_values=debit_values
        or {"code_rejet": "", "nature": "rejet", "date_rejet": calls.today().isoformat()},
        debit_errors=debit_errors,
        reasons=sorted(RETURN_REASONS.items()),
        can_return=actor.can(Permission.RECORD_PAYMENTS),
        errors=errors,
        key=_text(values, "cle") if values else new_key(),
        note=note,
        can_credit=actor.can(Permission.ISSUE_CALLS),
        status_classes=STATUS_CLASSES,
        overdue=CallStatus.OVERDUE,
    )


@router.get("/tresorerie/appels/{reference}", include_in_schema=False)
@short_read
def call_page(
    request: Request, app: App, actor: Treasurer, reference: str, avoir: str = ""
) -> Response:
    return _call_page(request, app, actor, reference, note=avoir[:24])


@router.get("/tresorerie/appels/{reference}/lettre.pdf", include_in_schema=False)
def call_letter(app: App, actor: Treasurer, reference: str) -> Response:
    return download(treasury.call_letter(app.uows, actor, reference, "pdf"))


@router.post("/tresorerie/appels/{reference}/avoir", include_in_schema=False)
def credit_call(
    request: Request, app: App, actor: Treasurer, form: Form, reference: str
) -> Response:
    """A credit note: an amount (« 50,00 »), or nothing to cancel all the call still asks."""
    values = {name: _text(form, name) for name in ("montant", "motif", "date", "cle")}
    try:
        amount = values["montant"].strip()
        note = calls.credit_call(
            app.uows,
            actor,
            reference,
            values["motif"],
            cents=parse_cents(amount, "amount") if amount else None,
            on=optional_day(values["date"], "on"),
            idempotency_key=_key(form),
        )
    except GouvernanceError as error:
        return _call_page(
            request, app, actor, reference, values=values,
            errors=errors_of(error, CREDIT_FIELDS), status=error.status,
        )  # fmt: skip
    return RedirectResponse(
        f"/tresorerie/appels/{note.call_reference}?avoir={note.reference}", status_code=303
    )


DEBIT_RETURN_FIELDS = {"reason": "code_rejet", "kind": "nature", "on": "date_rejet"}


@router.post("/tresorerie/appels/{reference}/prelevement-rendu", include_in_schema=False)
def debit_return(
    request: Request, app: App, actor: Treasurer, form: Form, reference: str
) -> Response:
    """A reject or return the bank announced: the call is to be debited again, the mandate
    marked (``direct_debits.record_debit_return``)."""
    values = {name: _text(form, name) for name in ("code_rejet", "nature", "date_rejet")}
    try:
        direct_debits.record_debit_return(
            app.uows, actor, reference, values["code_rejet"],
            optional_day(values["date_rejet"], "on"), values["nature"] or "rejet",
        )  # fmt: skip
    except GouvernanceError as error:
        return _call_page(
            request, app, actor, reference, debit_values=values,
            debit_errors=errors_of(error, DEBIT_RETURN_FIELDS), status=error.status,
        )  # fmt: skip
    return RedirectResponse(f"/tresorerie/appels/{reference}", status_code=303)


# --------------------------------------------------------------------------------------------
# Payments


PAYMENT_FIELDS = {
    "member": "membre",
    "amount": "montant",
    "received_on": "date",
    "method": "moyen",
    "bank_reference": "reference_bancaire",
    "note": "note",
    "allocations": "imputation",
}


@router.get("/tresorerie/paiements", include_in_schema=False)
@short_read  # kept sums (``payments.recent_payments``); once the ledger has moved, in the pool
def payments_page(request: Request, app: App, actor: Treasurer, membre: str = "") -> Response:
    code = membre.strip()
    errors = None
    received = payments.RecentPayments((), 0, 0, 0)
    paid_back = []
    try:
        received = payments.recent_payments(app.uows, actor, code or None, RECENT_PAYMENTS)
        paid_back = refunds.list_refunds(app.uows, actor, code or None)
    except GouvernanceError as error:
        errors = errors_of(error, {"member": "membre"})
    return render(
        request,
        "tresorerie_paiements.html",
        status=422 if errors else 200,
        payments=received.items,
        count=received.count,
        total=received.total,
        credit=received.credit,
        refunds=sorted(paid_back, key=lambda r: (r.refunded_on, r.reference), reverse=True),
        member=code,
        errors=errors,
        shown=RECENT_PAYMENTS,
    )


def _payment_form(
    request: Request,
    app: App,
    actor: Actor,
    *,
    values: Mapping[str, Any],
    errors: FormErrors | None = None,
    status: int = 200,
) -> Response:
    code = _text(values, "membre").strip()
    balance: BalanceView | None = None
    if code:
        try:
            balance = payments.member_balance(app.uows, actor, code)
        except GouvernanceError as error:  # the first step again, the refusal next to the code
            if errors is None:
                errors, status = errors_of(error, {"member": "membre"}), error.status
    open_calls = [c for c in balance.calls if c.outstanding > 0] if balance else []
    return render(
        request,
        "tresorerie_paiement.html",
        status=status,
        values=values,
        errors=errors,
        balance=balance,
        open_calls=sorted(open_calls, key=lambda c: (c.due_on, c.reference)),
        methods=METHODS,
        key=_text(values, "cle") or new_key(),
    )


@router.get("/tresorerie/paiements/nouveau", include_in_schema=False)
@short_read
def payment_form(request: Request, app: App, actor: Treasurer, membre: str = "") -> Response:
    values = {
        "membre": membre.strip().upper(),
        "montant": "",
        "date": calls.today().isoformat(),
        "moyen": PaymentMethod.TRANSFER.value,
        "reference_bancaire": "",
        "note": "",
        "imputation": "anciens",
    }
    return _payment_form(request, app, actor, values=values)


def _allocations(form: Mapping[str, Any]) -> list[tuple[str, int | None]] | None:
    """``None``: oldest first; ``[]``: all to the member's credit; else the calls ticked,
    each with the amount typed next to it (empty: what it still asks)."""
    choice = _text(form, "imputation")
    if choice == "credit":
        return []
    if choice != "choisis":
        return None
    wanted: list[tuple[str, int | None]] = []
    for name in form:
        if name.startswith("appel-") and _text(form, name):
            reference = name.removeprefix("appel-")
            typed = _text(form, f"montant-{reference}").strip()
            field = f"allocations[{len(wanted)}]"
            wanted.append((reference, parse_cents(typed, field) if typed else None))
    if not wanted:
        raise InvalidInput(
            "cochez au moins un appel, ou choisissez « les plus anciens d'abord »",
            field="allocations",
        )
    return wanted


@router.post("/tresorerie/paiements", include_in_schema=False)
def record_payment(request: Request, app: App, actor: Treasurer, form: Form) -> Response:
    values = {name: _text(form, name) for name in form if name != "csrf"}
    try:
        method = parse_method(_text(form, "moyen") or "?", field="method")
        view = payments.record_payment(
            app.uows,
            actor,
            _text(form, "membre"),
            parse_cents(_text(form, "montant"), "amount"),
            parse_day(_text(form, "date"), "received_on"),
            method,
            bank_reference=_text(form, "reference_bancaire"),
            note=_text(form, "note"),
            allocations=_allocations(form),
            idempotency_key=_key(form),
        )
    except GouvernanceError as error:
        return _payment_form(
            request, app, actor, values=values, status=error.status,
            errors=errors_of(error, _payment_names(error)),
        )  # fmt: skip
    return RedirectResponse(
        f"/tresorerie/membres/{view.member_code}?paiement={view.reference}", status_code=303
    )


def _payment_names(error: GouvernanceError) -> dict[str, str]:
    """An allocation's refusal (« allocations[1] ») next to the allocation choice."""
    names = dict(PAYMENT_FIELDS)
    fields = [error.field, *(problem.field for problem in error.problems or [])]
    for field in fields:
        if field and field.startswith("allocations["):
            names[field] = "imputation"
    return names


# --------------------------------------------------------------------------------------------
# A member's account: balance, calls, payments, credit, refunds


def _member_page(
    request: Request,
    app: App,
    actor: Actor,
    code: str,
    *,
    on: date | None = None,
    message: str = "",
) -> Response:
    balance = payments.member_balance(app.uows, actor, code, on)
    received = payments.list_payments(app.uows, actor, balance.member_code)
    paid_back = refunds.list_refunds(app.uows, actor, balance.member_code)
    notes: list[CreditNoteView] = []
    for call in balance.calls:
        if call.credited:
            notes += calls.call_detail(app.uows, actor, call.reference).credit_notes
    unapplied = sum(max(p.unallocated, 0) for p in received)
    return render(
        request,
        "tresorerie_membre.html",
        balance=balance,
        on=long_date(balance.on),
        on_value=balance.on.isoformat(),
        calls=sorted(balance.calls, key=lambda c: (c.issued_on, c.reference), reverse=True),
        payments=sorted(received, key=lambda p: (p.received_on, p.reference), reverse=True),
        refunds=paid_back,
        notes=notes,
        unapplied=unapplied,
        refundable=refunds.refundable_credit(app.uows, actor, balance.member_code),
        message=message,
        status_classes=STATUS_CLASSES,
        overdue=CallStatus.OVERDUE,
        can_pay=actor.can(Permission.RECORD_PAYMENTS),
    )


@router.get("/tresorerie/membres/{code}", include_in_schema=False)
@short_read
def member_account(
    request: Request,
    app: App,
    actor: Treasurer,
    code: str,
    au: str = "",
    paiement: str = "",
    remboursement: str = "",
    impute: str = "",
) -> Response:
    message = ""
    if paiement:
        message = f"Paiement {paiement[:24]} enregistré."
    elif remboursement:
        message = f"Remboursement {remboursement[:24]} enregistré."
    elif impute.isdigit():
        count = int(impute)
        message = (
            f"Crédit imputé : {count} imputation(s) sur les appels à payer."
            if count
            else "Rien à imputer : pas de crédit disponible, ou aucun appel à payer."
        )
    return _member_page(request, app, actor, code, on=optional_day(au, "on"), message=message)


@router.post("/tresorerie/membres/{code}/credit", include_in_schema=False)
def apply_credit(app: App, actor: Treasurer, form: Form, code: str) -> Response:
    made = payments.apply_credit(app.uows, actor, code)
    target = calls.member_key(code)
    return RedirectResponse(f"/tresorerie/membres/{target}?impute={len(made)}", status_code=303)


REFUND_FIELDS = {
    "amount": "montant",
    "refunded_on": "date",
    "method": "moyen",
    "bank_reference": "reference_bancaire",
    "reason": "motif",
}


def _refund_form(
    request: Request,
    app: App,
    actor: Actor,
    code: str,
    *,
    values: Mapping[str, Any] | None = None,
    errors: FormErrors | None = None,
    status: int = 200,
) -> Response:
    balance = payments.member_balance(app.uows, actor, code)
    available = refunds.refundable_credit(app.uows, actor, balance.member_code)
    typed = values or {
        "montant": plain_amount(available) if available else "",
        "date": calls.today().isoformat(),
        "moyen": PaymentMethod.TRANSFER.value,
        "reference_bancaire": "",
        "motif": "trop-perçu",
    }
    return render(
        request,
        "tresorerie_remboursement.html",
        status=status,
        balance=balance,
        available=available,
        values=typed,
        errors=errors,
        methods=METHODS,
        key=_text(values, "cle") if values else new_key(),
    )


@router.get("/tresorerie/membres/{code}/remboursement", include_in_schema=False)
@short_read
def refund_form(request: Request, app: App, actor: Treasurer, code: str) -> Response:
    return _refund_form(request, app, actor, code)


@router.post("/tresorerie/membres/{code}/remboursement", include_in_schema=False)
def refund(request: Request, app: App, actor: Treasurer, form: Form, code: str) -> Response:
    values = {name: _text(form, name) for name in form if name != "csrf"}
    try:
        view = refunds.refund_overpayment(
            app.uows,
            actor,
            code,
            parse_cents(_text(form, "montant"), "amount"),
            parse_day(_text(form, "date"), "refunded_on"),
            parse_method(_text(form, "moyen") or "?", field="method"),
            bank_reference=_text(form, "reference_bancaire"),
            reason=_text(form, "motif"),
            idempotency_key=_key(form),
        )
    except GouvernanceError as error:
        return _refund_form(
            request, app, actor, code, values=values, errors=errors_of(error, REFUND_FIELDS),
            status=error.status,
        )  # fmt: skip
    return RedirectResponse(
        f"/tresorerie/membres/{view.member_code}?remboursement={view.reference}",
        status_code=303,
    )


# --------------------------------------------------------------------------------------------
# Balances


BALANCE_FILTERS = {"tous": "tous les membres", "doivent": "qui doivent", "credit": "en crédit"}


@router.get("/tresorerie/soldes", include_in_schema=False)
def balances_page(
    request: Request, app: App, actor: Treasurer, au: str = "", filtre: str = "tous"
) -> Response:
    errors = None
    found: list[BalanceView] = []
    day = calls.today()
    try:
        day = optional_day(au, "on") or day
        found = payments.balances(app.uows, actor, day)
    except GouvernanceError as error:
        errors = errors_of(error, {"on": "au"})
    wanted = filtre if filtre in BALANCE_FILTERS else "tous"
    shown = [
        b
        for b in found
        if wanted == "tous"
        or (wanted == "doivent" and b.owed > 0)
        or (wanted == "credit" and b.owed < 0)
    ]
    return render(
        request,
        "tresorerie_soldes.html",
        status=422 if errors else 200,
        balances=shown,
        values={"au": au or day.isoformat(), "filtre": wanted},
        filters=BALANCE_FILTERS,
        errors=errors,
        on=long_date(day),
        on_value=day.isoformat(),
        owed=sum(max(b.owed, 0) for b in shown),
        credit=sum(b.credit for b in shown),
        called=sum(b.called for b in shown),
        credited=sum(b.credited for b in shown),
        received=sum(b.received for b in shown),
        refunded=sum(b.refunded for b in shown),
    )


# --------------------------------------------------------------------------------------------
# Reminders


@router.get("/tresorerie/relances", include_in_schema=False)
def reminders_page(request: Request, app: App, actor: Treasurer, au: str = "") -> Response:
    return _reminders_page(request, app, actor, au)


def _reminders_page(
    request: Request,
    app: App,
    actor: Actor,
    au: str,
    *,
    errors: FormErrors | None = None,
    status: int = 200,
) -> Response:
    due = []
    day = calls.today()
    try:
        day = optional_day(au, "on") or day
        due = treasury.reminders_due(app.uows, actor, day)
    except GouvernanceError as error:
        errors = errors_of(error, {"on": "au"})
        status = error.status
    return render(
        request,
        "tresorerie_relances.html",
        status=status,
        due=due,
        values={"au": au or day.isoformat()},
        day=day,
        on=long_date(day),
        errors=errors,
        future=day > calls.today(),
        can_send=actor.can(Permission.ISSUE_CALLS),
        key=new_key(),
        total=sum(item.call.outstanding for item in due),
    )


@router.post("/tresorerie/relances", include_in_schema=False)
def send_reminders(request: Request, app: App, actor: Treasurer, form: Form) -> Response:
    """Record the reminders due that day as sent and lay out their letters, in the
    background; the job's page offers the PDF."""
    try:
        day = parse_day(_text(form, "au"), "on")
    except GouvernanceError as error:
        return _reminders_page(
            request, app, actor, _text(form, "au"), errors=errors_of(error, {"on": "au"}),
            status=error.status,
        )  # fmt: skip
    key = _key(form)

    def work(progress: Progress) -> Outcome:
        sent = treasury.send_reminders(app.uows, actor, day, key)
        if not sent.reminders:
            return Outcome(lines=("Aucune relance à envoyer ce jour-là (ou déjà envoyées).",))
        lines = [f"{len(sent.reminders)} relance(s) enregistrée(s) le {day:%d/%m/%Y} :"]
        lines += [
            f"{item.call.reference} ({item.call.member_code}) : relance no {item.level} "
            f"— {item.label}, reste dû {format_cents(item.call.outstanding)}"
            for item in sent.reminders
        ]
        return Outcome(
            document=sent.letters,
            lines=tuple(lines),
            links=(
                ("Envoyer ces relances par courriel",
                 f"/tresorerie/relances/courriel?au={day.isoformat()}"),
            ),
        )  # fmt: skip

    job = jobs_for(app).start(
        actor.username, f"Relances du {day:%d/%m/%Y}", work,
        back=f"/tresorerie/relances?au={day.isoformat()}", key=f"relances:{key}",
    )  # fmt: skip
    return RedirectResponse(f"/tresorerie/travaux/{job.id}", status_code=303)


# --------------------------------------------------------------------------------------------
# Exports


EXPORT_FIELDS = {
    "format": "format",
    "on": "au",
    "start": "debut",
    "end": "fin",
    "encoding": "encodage",
    "collection_date": "prelevement",
    "batch": "lot",
    "schema": "schema",
}


def _exports_page(
    request: Request,
    app: App,
    actor: Actor,
    *,
    values: Mapping[str, Any] | None = None,
    errors: FormErrors | None = None,
    failed: str = "",
    status: int = 200,
) -> Response:
    today = calls.today()
    typed = {
        "debut": date(today.year, 1, 1).isoformat(),
        "fin": date(today.year, 12, 31).isoformat(),
        "prelevement": "",
        "lot": "",
        "schema": "pain.008.001.08",
        "au": today.isoformat(),
        **(values or {}),
    }
    return render(
        request,
        "tresorerie_exports.html",
        status=status,
        values=typed,
        errors=errors,
        failed=failed,
        batch_options=[(b.reference, b.reference) for b in calls.list_batches(app.uows, actor)],
        can_sepa=actor.can(Permission.ISSUE_CALLS),
    )


@router.get("/tresorerie/exports", include_in_schema=False)
@short_read
def exports_page(request: Request, app: App, actor: Treasurer) -> Response:
    return _exports_page(request, app, actor)


@router.get("/tresorerie/exports/appels", include_in_schema=False)
def export_calls(
    request: Request, app: App, actor: Treasurer, format: str = "csv", au: str = ""
) -> Response:
    try:
        document = treasury.export_calls(app.uows, actor, format, None, optional_day(au, "on"))
    except GouvernanceError as error:
        return _exports_page(
            request, app, actor, values={"au": au}, errors=errors_of(error, EXPORT_FIELDS),
            failed="appels", status=error.status,
        )  # fmt: skip
    return download(document)


@router.get("/tresorerie/exports/paiements", include_in_schema=False)
def export_payments(request: Request, app: App, actor: Treasurer, format: str = "csv") -> Response:
    try:
        document = treasury.export_payments(app.uows, actor, format)
    except GouvernanceError as error:
        return _exports_page(
            request, app, actor, errors=errors_of(error, EXPORT_FIELDS), failed="paiements",
            status=error.status,
        )  # fmt: skip
    return download(document)


@router.get("/tresorerie/exports/fec", include_in_schema=False)
def export_fec(
    request: Request, app: App, actor: Treasurer, debut: str = "", fin: str = "",
    encodage: str = "utf-8", pca: str = "", capital: str = "", fichier: str = "fec",
) -> Response:  # fmt: skip
    """The FEC extract, or (``fichier=notice``) its description note, with the options."""
    try:
        options = FecOptions(
            encoding=encodage, defer_next_year=pca == "oui", include_capital=capital == "oui"
        )
        document, notice = treasury.export_fec_files(
            app.uows, actor, parse_day(debut, "start"), parse_day(fin, "end"), options
        )
    except GouvernanceError as error:
        return _exports_page(
            request, app, actor, values={"debut": debut, "fin": fin},
            errors=errors_of(error, EXPORT_FIELDS), failed="fec", status=error.status,
        )  # fmt: skip
    return download(notice if fichier == "notice" else document)


@router.post("/tresorerie/exports/sepa", include_in_schema=False)
def export_sepa(request: Request, app: App, actor: Treasurer, form: Form) -> Response:
    """A POST: the export records each debit as sent (a prefetched link must never do it)."""
    prelevement, lot = _text(form, "prelevement"), _text(form, "lot")
    schema = _text(form, "schema") or "pain.008.001.08"
    try:
        document = treasury.export_sepa(
            app.uows, actor, parse_day(prelevement, "collection_date"), lot.strip() or None,
            schema,
        )  # fmt: skip
    except GouvernanceError as error:
        return _exports_page(
            request, app, actor, values={"prelevement": prelevement, "lot": lot, "schema": schema},
            errors=errors_of(error, EXPORT_FIELDS), failed="sepa", status=error.status,
        )  # fmt: skip
    return download(document)


# --------------------------------------------------------------------------------------------
# E-mail: the calls of a batch, the reminders of a day (``gouvernance.services.mail.outbox``)

MAIL_ROWS = 500  # rows shown per list; the counts say the rest


def _mail_page(
    request: Request,
    app: App,
    actor: Actor,
    kind: MailKind,
    reference: str,
    *,
    back: str,
    action: str,
) -> Response:
    """The dry run: who would get what, who already has it, who gets paper; nothing sent."""
    refused = None
    preview = None
    try:
        preview = outbox.preview(app.uows, actor, kind, reference)
    except GouvernanceError as error:
        refused = error
    return render(
        request,
        "tresorerie_courriel.html",
        status=refused.status if refused else 200,
        preview=preview,
        report=None,
        refused=refused.message if refused else None,
        kind=kind,
        reference=reference,
        back=back,
        action=action,
        key=new_key(),
        rows=MAIL_ROWS,
    )


def _start_mail(
    actor: Actor, app: App, form: Mapping[str, Any], kind: MailKind, reference: str, back: str
) -> Response:
    """The run, in the background (one message at a time to the server: minutes for a large
    batch); the same form sent twice is one job, and the outbox never sends a message twice."""

    def work(progress: Progress) -> Outcome:
        report = outbox.send(app.uows, actor, kind, reference)
        return Outcome(report=report, lines=(report.summary,), links=(("Revenir", back),))

    job = jobs_for(app).start(
        actor.username, f"Envoi par courriel : {kind.label} {reference}", work,
        back=back, key=f"courriel:{_key(form)}",
    )  # fmt: skip
    return RedirectResponse(f"/tresorerie/travaux/{job.id}", status_code=303)


def _mail_action(report: MailReport) -> str:
    if report.kind is MailKind.CALLS:
        return f"/tresorerie/lots/{report.reference}/courriel"
    return "/tresorerie/relances/courriel"


@router.get("/tresorerie/lots/{reference}/courriel", include_in_schema=False)
def batch_mail_preview(request: Request, app: App, actor: Treasurer, reference: str) -> Response:
    batch = calls.get_batch(app.uows, actor, reference)
    return _mail_page(
        request, app, actor, MailKind.CALLS, batch.reference,
        back=f"/tresorerie/lots/{batch.reference}",
        action=f"/tresorerie/lots/{batch.reference}/courriel",
    )  # fmt: skip


@router.post("/tresorerie/lots/{reference}/courriel", include_in_schema=False)
def batch_mail_send(app: App, actor: Treasurer, form: Form, reference: str) -> Response:
    batch = calls.get_batch(app.uows, actor, reference)
    back = f"/tresorerie/lots/{batch.reference}"
    return _start_mail(actor, app, form, MailKind.CALLS, batch.reference, back)


@router.get("/tresorerie/relances/courriel", include_in_schema=False)
def reminders_mail_preview(request: Request, app: App, actor: Treasurer, au: str = "") -> Response:
    day = optional_day(au, "on") or calls.today()
    return _mail_page(
        request, app, actor, MailKind.REMINDERS, day.isoformat(),
        back=f"/tresorerie/relances?au={day.isoformat()}", action="/tresorerie/relances/courriel",
    )  # fmt: skip


@router.post("/tresorerie/relances/courriel", include_in_schema=False)
def reminders_mail_send(app: App, actor: Treasurer, form: Form) -> Response:
    day = parse_day(_text(form, "au"), "on")
    back = f"/tresorerie/relances?au={day.isoformat()}"
    return _start_mail(actor, app, form, MailKind.REMINDERS, day.isoformat(), back)
