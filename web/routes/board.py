"""The board's simulator: pick fee schedules, compare them on the registry, look at the charts,
read one member's calculation step by step, download the comparison as a spreadsheet.

Board, treasurer and administrator (``Permission.SIMULATE_FEES``); anyone else gets the
service's ``Forbidden`` as a French page. The form is sent by GET: it writes nothing, and the
address of a comparison can be shared with the rest of the board.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from gouvernance.bootstrap import short_read_unless
from gouvernance.domain.errors import GouvernanceError, InvalidInput
from gouvernance.domain.fees.comparison import (
    Cell,
    Comparison,
    MemberLine,
    Scenario,
    format_burden,
    format_cents,
    format_difference,
)
from gouvernance.domain.fees.engine import Assessment
from gouvernance.domain.fees.schedule import FeeSchedule
from gouvernance.domain.users import Permission
from gouvernance.services.contributions import fees
from web.charts import comparison_charts, letter, scenario_names
from web.rendering import FormErrors, render
from web.session import App, CurrentActor

router = APIRouter()

MAX_SCENARIOS = 26  # one letter each
MAX_ID_LENGTH = 80
MAX_CODE_LENGTH = 40
ROWS_PER_PAGE = 200  # members per page of the member table
MISSING_SHOWN = 200  # members without figures listed per scenario (all in the spreadsheet)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIELDS = {"schedules", "reference"}

Ids = Annotated[list[str] | None, Query()]


# --------------------------------------------------------------------------------------------
# The selection carried by every address of the simulator


@dataclass(frozen=True)
class Selection:
    """The schedules ticked (in the form's order) and the reference; ``sent`` when the form
    was submitted, so that nothing ticked is said rather than replaced by the defaults."""

    ids: tuple[str, ...]
    reference: str
    sent: bool

    @classmethod
    def read(cls, baremes: Sequence[str] | None, reference: str, comparer: str) -> Selection:
        ids = tuple(dict.fromkeys(item.strip() for item in baremes or () if item.strip()))
        return cls(ids, reference.strip(), bool(comparer))

    def check(self) -> None:
        """Sizes a person could not type by mistake: refused in French, never a 500."""
        if len(self.ids) > MAX_SCENARIOS:
            raise InvalidInput(
                f"au plus {MAX_SCENARIOS} barèmes à la fois ({len(self.ids)} demandés)",
                field="schedules",
            )
        for value in (*self.ids, self.reference):
            if len(value) > MAX_ID_LENGTH:
                raise InvalidInput(
                    f"identifiant de barème trop long (plus de {MAX_ID_LENGTH} caractères)",
                    field="reference" if value == self.reference else "schedules",
                )
        if self.sent and not self.ids:
            raise InvalidInput("choisissez au moins un barème à comparer", field="schedules")

    def query(self, comparison: Comparison | None = None) -> str:
        """The same comparison as an address query: what the links and the download carry."""
        ids = [s.id for s in comparison.scenarios] if comparison else list(self.ids)
        reference = comparison.reference_id if comparison else self.reference
        pairs = [("baremes", schedule_id) for schedule_id in ids]
        if reference:
            pairs.append(("reference", reference))
        return urlencode(pairs)


# --------------------------------------------------------------------------------------------
# What the page shows


@dataclass(frozen=True)
class Choice:
    """A schedule in the form: checkbox label, year, decision, whether it is ticked."""

    schedule: FeeSchedule
    checked: bool
    example: bool

    @property
    def decision(self) -> str:
        if self.schedule.adopted_by:
            return f"Adopté : {self.schedule.adopted_by}"
        return self.schedule.reference


@dataclass(frozen=True)
class CellView:
    amount: str
    difference: str
    burden: str
    missing: str
    liable: bool


@dataclass(frozen=True)
class Row:
    code: str
    name: str
    category: str
    cells: tuple[CellView, ...]


def _choices(schedules: Sequence[FeeSchedule], checked: set[str]) -> list[Choice]:
    return [
        Choice(s, s.id in checked, s.source.split("/", 1)[0] == fees.EXAMPLES_FOLDER)
        for s in schedules
    ]


def _cell(cell: Cell, is_reference: bool) -> CellView:
    missing = ", ".join(item.text for item in cell.missing)
    return CellView(
        amount=format_cents(cell.cents),
        difference=""
        if is_reference or not cell.difference
        else format_difference(cell.difference),
        burden=format_burden(cell.burden),
        missing=missing,
        liable=cell.liable,
    )


@dataclass(frozen=True)
class Pager:
    """Which slice of the member table is shown: a registry of 10 000 members is 10 000 rows
    (7 MB of HTML, seconds to write and to display); the spreadsheet holds them all."""

    number: int  # from 1
    pages: int
    first: int  # position (from 1) of the first member shown, 0 when none
    last: int
    members: int

    @classmethod
    def of(cls, wanted: int, members: int) -> Pager:
        pages = max(1, -(-members // ROWS_PER_PAGE))
        number = min(max(wanted, 1), pages)
        first = (number - 1) * ROWS_PER_PAGE
        last = min(first + ROWS_PER_PAGE, members)
        return cls(number, pages, first + 1 if members else 0, last, members)


def _rows(comparison: Comparison, pager: Pager | None = None) -> list[Row]:
    """Members by category, the categories that pay most first (as in the terminal); only
    the page's members are formatted."""
    groups: dict[str, list[MemberLine]] = {}
    for line in comparison.members:
        groups.setdefault(line.category_label, []).append(line)

    def largest(group: list[MemberLine]) -> int:
        return max((cell.cents or 0 for line in group for cell in line.cells), default=0)

    ordered = sorted(groups.values(), key=lambda group: (-largest(group), group[0].category_label))
    lines = [line for group in ordered for line in group]
    if pager is not None:
        lines = lines[pager.first - 1 : pager.last] if pager.first else []
    references = [s.id == comparison.reference_id for s in comparison.scenarios]
    return [
        Row(
            line.code, line.name, line.category_label,
            tuple(_cell(c, r) for c, r in zip(line.cells, references, strict=True)),
        )
        for line in lines
    ]  # fmt: skip


def _totals(comparison: Comparison) -> list[tuple[str, list[str]]]:
    """The terminal's totals table: one row per figure, one column per scenario."""
    reference = comparison.reference
    rows: list[tuple[str, Callable[[Scenario], str]]] = [
        ("Total appelé", lambda s: format_cents(s.total_cents)),
        (
            f"Écart du total avec {letter(comparison.index(reference.id))}",
            lambda s: (
                "" if s is reference else format_difference(s.total_cents - reference.total_cents)
            ),
        ),
        ("Membres appelés (montant > 0)", lambda s: str(s.charged)),
        ("Membres à 0 €", lambda s: str(s.at_zero)),
        ("Membres sans données (hors total)", lambda s: str(len(s.missing))),
        ("Plus petit montant appelé", lambda s: format_cents(s.minimum)),
        ("Montant médian appelé", lambda s: format_cents(s.median)),
        ("Plus gros montant appelé", lambda s: format_cents(s.maximum)),
    ]
    return [(label, [value(s) for s in comparison.scenarios]) for label, value in rows]


def _page_number(text: str) -> int:
    """The page asked for; anything else than a number is the first page (a link, not a form:
    nothing for the person to correct), a number past the end is the last one."""
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else 1


def _results(comparison: Comparison, page: int = 1) -> dict[str, object]:
    pager = Pager.of(page, len(comparison.members))
    return {
        "pager": pager,
        "names": scenario_names(comparison),
        "letters": [letter(i) for i in range(len(comparison.scenarios))],
        "reference_letter": letter(comparison.index(comparison.reference_id)),
        "totals": _totals(comparison),
        "charts": comparison_charts(comparison),
        "rows": _rows(comparison, pager),
        "missing": [
            (letter(position), member)
            for position, scenario in enumerate(comparison.scenarios)
            for member in scenario.missing[:MISSING_SHOWN]
        ],
        "missing_more": [
            (letter(position), len(scenario.missing) - MISSING_SHOWN)
            for position, scenario in enumerate(comparison.scenarios)
            if len(scenario.missing) > MISSING_SHOWN
        ],
        "changes": [
            (letter(position), change, format_difference(change.difference))
            for position, scenario in enumerate(comparison.scenarios)
            for change in comparison.biggest_changes(scenario.id)
        ],
    }


# --------------------------------------------------------------------------------------------
# Pages


@router.get("/conseil/simulation", include_in_schema=False)
def simulation(
    request: Request, app: App, actor: CurrentActor, baremes: Ids = None,
    reference: str = "", comparer: str = "", page: str = "1",
) -> Response:  # fmt: skip
    """The form and, below it, the comparison of what it selects (the defaults at first);
    ``page``: which members of the member table (``ROWS_PER_PAGE`` a page)."""
    actor.require(Permission.SIMULATE_FEES)
    selection = Selection.read(baremes, reference, comparer)
    schedules: list[FeeSchedule] = []
    comparison: Comparison | None = None
    errors: FormErrors | None = None
    status = 200
    try:
        schedules = fees.list_schedules()
        selection.check()
        comparison = fees.simulate(
            app.uows, actor, list(selection.ids), selection.reference or None
        )
    except GouvernanceError as error:
        if error.status in (401, 403):
            raise
        errors, status = FormErrors.of(error, FIELDS), error.status
    if comparison is not None:
        checked = {s.id for s in comparison.scenarios}
        chosen_reference = comparison.reference_id
    else:
        checked = (
            set(selection.ids)
            if selection.sent or selection.ids
            else set(fees.default_ids(schedules))
        )
        chosen_reference = selection.reference
    context: dict[str, Any] = {
        "choices": _choices(schedules, checked),
        "chosen_reference": chosen_reference,
        "errors": errors,
        "comparison": comparison,
        "query": selection.query(comparison),
    }
    if comparison is not None:
        context.update(_results(comparison, _page_number(page)))
    return render(request, "conseil_simulation.html", status=status, **context)


@router.get("/conseil/simulation.xlsx", include_in_schema=False)
def simulation_xlsx(
    app: App, actor: CurrentActor, baremes: Ids = None, reference: str = ""
) -> Response:
    """The comparison as a spreadsheet (summaries, then members), under a French name."""
    actor.require(Permission.SIMULATE_FEES)
    selection = Selection.read(baremes, reference, "")
    selection.check()
    comparison = fees.simulate(app.uows, actor, list(selection.ids), selection.reference or None)
    years = "-".join(str(y) for y in sorted({s.schedule.fiscal_year for s in comparison.scenarios}))
    name = f"comparaison-baremes-cotisation-{years}.xlsx"
    encoded = f"filename*=UTF-8''{quote(name)}"
    return Response(
        content=fees.export_comparison(comparison, "xlsx"),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{name}"; {encoded}'},
    )


@dataclass(frozen=True)
class Explanation:
    """One schedule's calculation for the member, and how it moves from the reference."""

    letter: str
    schedule: FeeSchedule
    assessment: Assessment
    difference: str
    is_reference: bool

    @property
    def amount(self) -> str:
        return format_cents(self.assessment.cents)

    @property
    def missing(self) -> str:
        return ", ".join(item.text for item in self.assessment.missing)

    @property
    def lines(self) -> list[str]:
        return self.assessment.explain().splitlines()


@router.get("/conseil/simulation/membres/{code}", include_in_schema=False)
@short_read_unless(lambda baremes=None, **_: fees.reads_every_member(baremes or []))
def member_explanation(
    request: Request, app: App, actor: CurrentActor, code: str, baremes: Ids = None,
    reference: str = "",
) -> Response:  # fmt: skip
    """Each step of one member's fee under each schedule of the comparison."""
    actor.require(Permission.SIMULATE_FEES)
    if len(code) > MAX_CODE_LENGTH:
        raise InvalidInput("code de membre trop long", field="code")
    selection = Selection.read(baremes, reference, "")
    selection.check()
    found = fees.explained(app.uows, actor, code, list(selection.ids))
    assessments = [a for _, a in found]
    ids = [a.schedule_id for a in assessments]
    schedules = {s.id: s for s, _ in found}
    reference_id = selection.reference or ids[0]
    if reference_id not in schedules:
        raise InvalidInput(
            f"le barème de référence « {reference_id} » ne fait pas partie de la comparaison "
            f"({', '.join(ids)})",
            field="reference",
        )
    base = next(a for a in assessments if a.schedule_id == reference_id)
    explanations = []
    for position, assessment in enumerate(assessments):
        is_reference = assessment.schedule_id == reference_id
        difference = ""
        comparable = assessment.liable and base.liable and not is_reference
        if comparable and assessment.cents is not None and base.cents is not None:
            difference = format_difference(assessment.cents - base.cents)
        explanations.append(
            Explanation(
                letter(position), schedules[assessment.schedule_id], assessment, difference,
                is_reference,
            )
        )  # fmt: skip
    back = Selection(tuple(ids), reference_id, False).query()
    return render(
        request, "conseil_explication.html", member_code=assessments[0].member_code,
        member_name=assessments[0].member_name, explanations=explanations, query=back,
        reference_letter=letter(ids.index(reference_id)),
    )  # fmt: skip
