"""Charts a board member would rather look at than read, drawn on the server as SVG.

Pure Python, no library and no script: the page stays readable with JavaScript off and the CSP
(no inline style) holds, since only presentation attributes are used (``fill``, ``stroke``,
``font-size``). Every amount written on a chart comes from integer cents and is formatted like
the tables (Babel, fr_FR); floats only place pixels. Each chart carries a ``<title>``, a
``<desc>`` and the table of its data, shown under it as its text alternative. Nothing relies on
colour alone: every bar is labelled, and decreases are hatched where increases are solid.

The narrow ``viewBox`` (400 units) keeps labels legible once the drawing is scaled down to a
360 px wide telephone.
"""

from __future__ import annotations

import html
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from markupsafe import Markup

from gouvernance.domain.fees.comparison import Comparison, format_difference
from gouvernance.domain.money import format_cents

WIDTH = 400
MARGIN = 8
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
INK = "#111827"  # text: 17:1 on white
MUTED = "#374151"  # secondary text: 10:1 on white
BAR = "#1e3a8a"  # amounts: 10:1 on white
RISE = "#9a3412"  # pays more: 7:1 on white
FALL = "#1d4ed8"  # pays less (hatched): 6:1 on white
AXIS = "#6b7280"  # 4.8:1 on white
EMPTY = "#6b7280"  # « sans données » (hatched)
TOP_CHANGES = 8
ROW = 22  # one range of the distribution
CHAR_WIDTH = 0.6  # average glyph width, in font sizes, to keep labels inside the drawing


# --------------------------------------------------------------------------------------------
# What a chart is made of


@dataclass(frozen=True)
class DataTable:
    """A chart's data as a table: the text alternative under the drawing."""

    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: frozenset[int] = frozenset()  # columns aligned right (amounts, counts)


@dataclass(frozen=True)
class Chart:
    """An SVG drawing (``svg``, safe markup) with its title, its description and its data."""

    id: str
    title: str
    description: str
    svg: Markup
    table: DataTable


@dataclass(frozen=True)
class Total:
    """One scenario's total called, with a note on what it leaves out."""

    name: str
    cents: int
    note: str = ""


@dataclass(frozen=True)
class Series:
    """One scenario's amounts (one per member with an amount) and how many members lack data."""

    name: str
    amounts: tuple[int, ...]
    missing: int = 0


@dataclass(frozen=True)
class Move:
    """One member's change against the reference scenario."""

    member: str
    reference_cents: int
    cents: int

    @property
    def difference(self) -> int:
        return self.cents - self.reference_cents


@dataclass(frozen=True)
class Moves:
    """One scenario's changes against the reference: the members who move, and the others."""

    name: str
    moves: tuple[Move, ...]
    unchanged: int = 0
    not_comparable: int = 0


@dataclass(frozen=True)
class Band:
    """A range of amounts, ``low`` included, ``high`` excluded (``None``: the 0 € band)."""

    low: int
    high: int | None

    def holds(self, cents: int) -> bool:
        if self.high is None:
            return cents == self.low
        return self.low <= cents < self.high

    @property
    def label(self) -> str:
        if self.high is None:
            return format_cents(self.low)
        return f"{format_cents(self.low)} à {format_cents(self.high - 1)}"


# --------------------------------------------------------------------------------------------
# SVG writing


def _px(value: float) -> str:
    """A coordinate with one decimal at most (pixels, never money)."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _text(value: str) -> str:
    return html.escape(value, quote=False)


def _attr(value: str) -> str:
    return html.escape(value, quote=True)


def _fit(text: str, width: float, size: float) -> str:
    """The text, shortened with « … » so that it stays within ``width`` pixels."""
    room = max(int(width / (size * CHAR_WIDTH)), 4)
    return text if len(text) <= room else text[: room - 1].rstrip() + "…"


def _width(text: str, size: float) -> float:
    return len(text) * size * CHAR_WIDTH


def _wrap(text: str, width: float, size: float) -> list[str]:
    """The text cut into lines (between words) that stay within ``width`` pixels."""
    room = max(int(width / (size * CHAR_WIDTH)), 4)
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= room:
            lines[-1] += " " + word
        else:
            lines.append(_fit(word, width, size))
    return lines or [""]


@dataclass
class _Drawing:
    """The elements of one SVG, in drawing order."""

    id: str
    elements: list[str] = field(default_factory=list)
    defs: list[str] = field(default_factory=list)

    def text(
        self, x: float, y: float, value: str, *, size: float = 14, fill: str = INK,
        anchor: str = "start", bold: bool = False,
    ) -> None:  # fmt: skip
        weight = ' font-weight="bold"' if bold else ""
        self.elements.append(
            f'<text x="{_px(x)}" y="{_px(y)}" font-size="{_px(size)}" fill="{fill}" '
            f'text-anchor="{anchor}"{weight}>{_text(value)}</text>'
        )

    def rect(
        self, x: float, y: float, width: float, height: float, *, fill: str,
        stroke: str | None = None, label: str | None = None,
    ) -> None:  # fmt: skip
        outline = f' stroke="{stroke}" stroke-width="1"' if stroke else ""
        tip = f"<title>{_text(label)}</title>" if label else ""
        self.elements.append(
            f'<rect x="{_px(x)}" y="{_px(y)}" width="{_px(max(width, 0))}" '
            f'height="{_px(height)}" fill="{fill}"{outline}>{tip}</rect>'
        )

    def lines(
        self, x: float, y: float, value: str, *, size: float = 14, fill: str = INK,
        bold: bool = False,
    ) -> float:  # fmt: skip
        """``value`` wrapped to the drawing's width from ``y`` (its first baseline minus the
        font size); returns the height used."""
        height = size + 5
        wrapped = _wrap(value, WIDTH - x - MARGIN, size)
        for row, text in enumerate(wrapped):
            self.text(x, y + size + row * height, text, size=size, fill=fill, bold=bold)
        return height * len(wrapped)

    def line(self, x1: float, y1: float, x2: float, y2: float, *, stroke: str = AXIS) -> None:
        self.elements.append(
            f'<line x1="{_px(x1)}" y1="{_px(y1)}" x2="{_px(x2)}" y2="{_px(y2)}" '
            f'stroke="{stroke}" stroke-width="1"/>'
        )

    def hatching(self, name: str, colour: str) -> str:
        """A diagonal hatching pattern (white and ``colour``), as a ``fill`` value."""
        pattern_id = f"{self.id}-{name}"
        self.defs.append(
            f'<pattern id="{pattern_id}" width="6" height="6" patternUnits="userSpaceOnUse" '
            f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
            f'<line x1="0" y1="0" x2="0" y2="6" stroke="{colour}" stroke-width="3"/></pattern>'
        )
        return f"url(#{pattern_id})"

    def svg(self, height: float, title: str, description: str) -> Markup:
        title_id, desc_id = f"{self.id}-titre", f"{self.id}-desc"
        defs = f"<defs>{''.join(self.defs)}</defs>" if self.defs else ""
        return Markup(
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {_px(height)}" '
            f'width="{WIDTH}" height="{_px(height)}" role="img" '
            f'aria-labelledby="{title_id} {desc_id}" font-family="{_attr(FONT)}">'
            f'<title id="{title_id}">{_text(title)}</title>'
            f'<desc id="{desc_id}">{_text(description)}</desc>'
            f'{defs}<rect width="{WIDTH}" height="{_px(height)}" fill="#ffffff"/>'
            f"{''.join(self.elements)}</svg>"
        )


def _members(count: int) -> str:
    return f"{count} membre{'s' if count > 1 else ''}"


def _scale(cents: int, largest: int, length: float) -> float:
    """A bar's length: ``cents`` over ``largest``, exact in integers until the pixel."""
    if largest <= 0:
        return 0.0
    return length * abs(cents) / largest


# --------------------------------------------------------------------------------------------
# Totals called, one bar per scenario


def totals_chart(chart_id: str, totals: Sequence[Total]) -> Chart:
    """One horizontal bar per scenario, its length proportional to the total called."""
    title = "Total appelé par barème"
    drawing = _Drawing(chart_id)
    largest = max((total.cents for total in totals), default=0)
    values = [format_cents(total.cents) for total in totals]
    room = max((_width(value, 14) for value in values), default=0) + 10
    length = WIDTH - 2 * MARGIN - room
    y = 4.0
    for total, value in zip(totals, values, strict=True):
        y += drawing.lines(MARGIN, y, total.name, bold=True) + 2
        bar = _scale(total.cents, largest, length)
        drawing.rect(MARGIN, y, bar, 18, fill=BAR, label=f"{total.name} : {value}")
        drawing.text(MARGIN + bar + 6, y + 14, value)
        y += 22
        if total.note:
            y += drawing.lines(MARGIN, y, total.note, size=13, fill=MUTED)
        y += 10
    description = (
        "Barres horizontales, une par barème, de longueur proportionnelle au total appelé : "
        + " ; ".join(f"{t.name} : {v}" for t, v in zip(totals, values, strict=True))
        + "."
    )
    table = DataTable(
        caption=title,
        headers=("Barème", "Total appelé", "Remarque"),
        rows=tuple((t.name, v, t.note) for t, v in zip(totals, values, strict=True)),
        numeric=frozenset({1}),
    )
    return Chart(chart_id, title, description, drawing.svg(y, title, description), table)


# --------------------------------------------------------------------------------------------
# Distribution of amounts: how many members in each range, one panel per scenario

_LADDER = (1, 2, 5)


def bands(amounts: Sequence[int], *, most: int = 9) -> list[Band]:
    """The 0 € band, then ranges on a 1-2-5 ladder (or 1-10 when too many) from the smallest
    amount above 0 to the largest: the same ranges for every scenario, so panels compare."""
    found = [Band(0, None)]
    charged = [cents for cents in amounts if cents > 0]
    if not charged:
        return found
    for steps in (_LADDER, (1,)):
        edges = _edges(min(charged), max(charged), steps)
        if len(edges) - 1 <= most or steps == (1,):
            break
    return found + [Band(low, high) for low, high in pairwise(edges)]


def _edges(smallest: int, largest: int, steps: tuple[int, ...]) -> list[int]:
    """Ladder values (cents) from the last one ≤ ``smallest`` to the first one > ``largest``."""
    ladder: list[int] = []
    power = 1
    while not ladder or ladder[-1] <= largest:
        ladder += [step * power for step in steps]
        power *= 10
    start = max(i for i, edge in enumerate(ladder) if edge <= smallest)
    end = min(i for i, edge in enumerate(ladder) if edge > largest)
    return ladder[start : end + 1]


def _counts(ranges: Sequence[Band], amounts: Sequence[int]) -> list[int]:
    """How many amounts each band holds (as ``Band.holds``), by bisection of the sorted
    amounts: 10 000 members × 10 bands one by one cost a tenth of a second per scenario."""
    ordered = sorted(amounts)
    found = []
    for band in ranges:
        if band.high is None:
            found.append(bisect_right(ordered, band.low) - bisect_left(ordered, band.low))
        else:
            found.append(bisect_left(ordered, band.high) - bisect_left(ordered, band.low))
    return found


def distribution_chart(chart_id: str, series: Sequence[Series]) -> Chart:
    """Per scenario, how many members pay an amount in each range (0 €, 20,00 € à 49,99 €…),
    and how many have no amount for lack of data (hatched)."""
    title = "Répartition des montants par barème"
    drawing = _Drawing(chart_id)
    ranges = bands([cents for one in series for cents in one.amounts])
    labels = [band.label for band in ranges] + ["sans données"]
    counts = [[*_counts(ranges, one.amounts), one.missing] for one in series]
    largest = max((count for row in counts for count in row), default=0)
    label_room = max(_width(label, 13) for label in labels) + 8
    start = MARGIN + label_room
    length = WIDTH - MARGIN - start - 34
    missing_fill = drawing.hatching("manque", EMPTY)
    y = 4.0
    for one, row in zip(series, counts, strict=True):
        y += drawing.lines(MARGIN, y, one.name, bold=True) + 4
        drawing.line(start, y, start, y + ROW * len(labels))
        for position, (label, count) in enumerate(zip(labels, row, strict=True)):
            is_missing = position == len(labels) - 1
            drawing.text(MARGIN, y + 15, label, size=13, fill=MUTED if is_missing else INK)
            bar = _scale(count, largest, length)
            drawing.rect(
                start, y + 4, bar, 14, fill=missing_fill if is_missing else BAR,
                stroke=EMPTY if is_missing and count else None,
                label=f"{one.name}, {label} : {_members(count)}",
            )  # fmt: skip
            drawing.text(start + bar + 5, y + 15, str(count), size=13)
            y += ROW
        y += 12
    description = (
        "Pour chaque barème, le nombre de membres dont le montant tombe dans chaque tranche "
        "(mêmes tranches pour tous les barèmes), et le nombre de membres sans données, hors "
        "total (barre hachurée). "
        + " ; ".join(
            f"{one.name} : "
            + ", ".join(f"{label} {count}" for label, count in zip(labels, row, strict=True))
            for one, row in zip(series, counts, strict=True)
        )
        + "."
    )
    table = DataTable(
        caption=f"{title} (nombre de membres)",
        headers=("Montant", *(one.name for one in series)),
        rows=tuple(
            (label, *(str(row[position]) for row in counts))
            for position, label in enumerate(labels)
        ),
        numeric=frozenset(range(1, len(series) + 1)),
    )
    return Chart(chart_id, title, description, drawing.svg(y, title, description), table)


# --------------------------------------------------------------------------------------------
# Winners and losers: the biggest changes against the reference, diverging bars


def changes_chart(
    chart_id: str, panels: Sequence[Moves], reference: str, *, top: int = TOP_CHANGES
) -> Chart:
    """Per scenario, the ``top`` members whose fee moves most from the reference, biggest
    first: to the right (solid) those who would pay more, to the left (hatched) those who
    would pay less; the same scale for every panel."""
    title = f"Qui paierait plus, qui paierait moins, par rapport à {reference}"
    drawing = _Drawing(chart_id)
    shown = [_biggest(panel.moves, top) for panel in panels]
    largest = max((abs(move.difference) for moves in shown for move in moves), default=0)
    middle = WIDTH / 2
    half = middle - MARGIN
    fall_fill = drawing.hatching("baisse", FALL)
    y = 4.0
    drawing.text(MARGIN, y + 12, "◀ paie moins (hachuré)", size=13, fill=MUTED)
    drawing.text(WIDTH - MARGIN, y + 12, "paie plus (plein) ▶", size=13, fill=MUTED, anchor="end")
    y += 20
    for panel, moves in zip(panels, shown, strict=True):
        y += drawing.lines(MARGIN, y, panel.name, bold=True) + 4
        if not moves:
            drawing.text(MARGIN, y + 12, "Aucun membre ne change de montant.", size=13)
            y += 20
        for move in moves:
            value = format_difference(move.difference)
            room = WIDTH - 2 * MARGIN - _width(value, 13) - 8
            drawing.text(MARGIN, y + 12, _fit(move.member, room, 13), size=13)
            drawing.text(WIDTH - MARGIN, y + 12, value, size=13, anchor="end")
            bar = _scale(move.difference, largest, half)
            described = (
                f"{move.member} : {format_cents(move.reference_cents)} → "
                f"{format_cents(move.cents)} ({value})"
            )
            if move.difference > 0:
                drawing.rect(middle, y + 17, bar, 11, fill=RISE, label=described)
            else:
                drawing.rect(
                    middle - bar, y + 17, bar, 11, fill=fall_fill, stroke=FALL, label=described
                )
            drawing.line(middle, y + 15, middle, y + 30)
            y += 34
        note = _moves_note(panel, len(moves))
        if note:
            y += drawing.lines(MARGIN, y, note, size=13, fill=MUTED)
        y += 12
    description = (
        f"Barres divergentes : l'écart de cotisation de chaque membre par rapport à {reference}, "
        f"les {top} plus forts par barème, du plus fort au plus faible. "
        + " ; ".join(
            f"{panel.name} : "
            + (
                ", ".join(f"{m.member} {format_difference(m.difference)}" for m in moves)
                or "aucun changement"
            )
            for panel, moves in zip(panels, shown, strict=True)
        )
        + "."
    )
    table = DataTable(
        caption=title,
        headers=("Barème", "Membre", reference, "Devient", "Écart"),
        rows=tuple(
            (
                panel.name,
                move.member,
                format_cents(move.reference_cents),
                format_cents(move.cents),
                format_difference(move.difference),
            )
            for panel, moves in zip(panels, shown, strict=True)
            for move in moves
        ),
        numeric=frozenset({2, 3, 4}),
    )
    return Chart(chart_id, title, description, drawing.svg(y, title, description), table)


def _biggest(moves: Sequence[Move], top: int) -> list[Move]:
    """The largest changes first (then by member, so the order never flickers)."""
    moving = [move for move in moves if move.difference != 0]
    return sorted(moving, key=lambda move: (-abs(move.difference), move.member))[: max(top, 0)]


def _moves_note(panel: Moves, shown: int) -> str:
    """What the bars leave out, so that nobody reads the panel as the whole registry."""
    parts = []
    others = sum(1 for move in panel.moves if move.difference != 0) - shown
    if others > 0:
        parts.append(f"{_members(others)} de plus change{'nt' if others > 1 else ''} moins")
    if panel.unchanged:
        parts.append(f"{_members(panel.unchanged)} sans changement")
    if panel.not_comparable:
        parts.append(f"{_members(panel.not_comparable)} sans écart calculable")
    return " ; ".join(parts)


# --------------------------------------------------------------------------------------------
# From a comparison


def scenario_names(comparison: Comparison) -> list[str]:
    """« A — Cotisation forfaitaire (référence) »: the letters the tables use."""
    names = []
    for position, scenario in enumerate(comparison.scenarios):
        tag = " (référence)" if scenario.id == comparison.reference_id else ""
        names.append(f"{letter(position)} — {scenario.label}{tag}")
    return names


def letter(position: int) -> str:
    return chr(ord("A") + position) if position < 26 else str(position + 1)


def comparison_charts(comparison: Comparison, *, prefix: str = "graphique") -> list[Chart]:
    """The charts of a comparison: totals, distribution, and (with two scenarios or more)
    winners and losers against the reference."""
    names = scenario_names(comparison)
    totals = [
        Total(
            name, scenario.total_cents,
            f"hors total : {_members(len(scenario.missing))} sans données"
            if scenario.missing else "",
        )
        for name, scenario in zip(names, comparison.scenarios, strict=True)
    ]  # fmt: skip
    series = [
        Series(
            name,
            tuple(
                cell.cents
                for line in comparison.members
                if (cell := line.cells[position]).liable and cell.cents is not None
            ),
            len(scenario.missing),
        )
        for position, (name, scenario) in enumerate(zip(names, comparison.scenarios, strict=True))
    ]
    charts = [
        totals_chart(f"{prefix}-totaux", totals),
        distribution_chart(f"{prefix}-repartition", series),
    ]
    reference = comparison.index(comparison.reference_id)
    panels = [
        _moves(comparison, position, names[position])
        for position in range(len(comparison.scenarios))
        if position != reference
    ]
    if panels:
        charts.append(changes_chart(f"{prefix}-ecarts", panels, letter(reference)))
    return charts


def _moves(comparison: Comparison, position: int, name: str) -> Moves:
    moves = []
    unchanged = not_comparable = 0
    for line in comparison.members:
        cell = line.cells[position]
        if cell.difference is None or cell.cents is None:
            if cell.liable or line.cells[comparison.index(comparison.reference_id)].liable:
                not_comparable += 1
            continue
        if cell.difference == 0:
            unchanged += 1
            continue
        moves.append(Move(f"{line.code} — {line.name}", cell.cents - cell.difference, cell.cents))
    return Moves(name, tuple(moves), unchanged, not_comparable)
