"""The rows of a minutes table (``web.rendering.table_rows``): escaped once per row, exactly
as one escape per cell would have."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup, escape

from web.rendering import table_rows


def _cell_by_cell(rows: list[list[object]], limit: int) -> str:
    lines = []
    for row in rows[:limit]:
        cells = [f"<td>{escape(cell)}</td>" for cell in row]
        if cells:
            cells[0] = f'<th scope="row">{escape(row[0])}</th>'
        lines.append(f"<tr>{''.join(cells)}</tr>")
    return "\n      ".join(lines)


CELLS = st.one_of(st.text(max_size=12), st.integers(), st.just("\x1f"), st.just("<b>&\"'"))


@given(st.lists(st.lists(CELLS, max_size=6), max_size=8), st.integers(0, 10))
def test_a_row_escaped_at_once_reads_as_each_cell_escaped(
    rows: list[list[object]], limit: int
) -> None:
    assert str(table_rows(rows, limit)) == _cell_by_cell(rows, limit)


def test_a_name_with_markup_characters_is_shown_as_typed_and_safe_markup_is_kept() -> None:
    rows = [["M0001", "Dupont & <Fils>", Markup("<em>présent</em>"), 3]]
    html = str(table_rows(rows, 200))
    assert html == (
        '<tr><th scope="row">M0001</th><td>Dupont &amp; &lt;Fils&gt;</td>'
        "<td><em>présent</em></td><td>3</td></tr>"
    )
