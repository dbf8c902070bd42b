"""Every XLSX export opens as people like it, on both databases: column widths set, the header
frozen, a filter over the table, a totals row whose formulas add up the amounts shown above it,
and categories and statuses in French (« producteurs », « payé », never ``producer``).

On the demo, with its 2027 calls issued on 15 January 2027 from ``demo-bareme-ca`` (21 calls,
6 871,40 €) and MISTRAL's 1 262,50 € paid on 1 February.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import openpyxl
import pytest

from gouvernance.bootstrap import Application
from gouvernance.domain.calls.model import PaymentMethod
from gouvernance.domain.users import SYSTEM, Actor, Role
from gouvernance.services.contributions import fees
from gouvernance.services.ledger import calls, payments, treasury
from gouvernance.services.registry.member_files import export_members_bytes

TREASURER = Actor("tresorier", Role.TREASURER)
ADMIN = Actor("admin", Role.ADMIN)
_RANGE = re.compile(
    r"=(?:SUBTOTAL\(109,|SUM\()(?:'(?P<sheet>[^']+)'!)?(?P<col>[A-Z]+)(?P<first>\d+):"
    r"(?P=col)(?P<last>\d+)\)"
)


@pytest.fixture
def demo_year(
    app: Application, demo_loader: Callable[[str], None], database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> Application:  # fmt: skip
    monkeypatch.setenv("GOUVERNANCE_TODAY", "2027-03-31")
    demo_loader(database_url)
    calls.issue_calls(
        app.uows, SYSTEM, "demo-bareme-ca", issued_on=date(2027, 1, 15),
        due_on=date(2027, 2, 28), exclude_incomplete=True,
    )  # fmt: skip
    payments.record_payment(
        app.uows, TREASURER, "MISTRAL", 126250, date(2027, 2, 1), PaymentMethod.TRANSFER
    )
    return app


def _added_up(book: Any, sheet: Any, formula: str) -> Decimal:
    """What a SUBTOTAL(109, …) or SUM(…) of one column adds up, read from the cells."""
    found = _RANGE.fullmatch(formula)
    assert found, f"formule inattendue : {formula}"
    source = book[found["sheet"]] if found["sheet"] else sheet
    column = found["col"]
    cells = [
        source[f"{column}{row}"].value for row in range(int(found["first"]), int(found["last"]) + 1)
    ]
    assert all(isinstance(value, int | float) for value in cells if value is not None)
    return sum((Decimal(str(value)) for value in cells if value is not None), Decimal(0))


def _check_table(sheet: Any, data_rows: int, *, freeze: str = "A2") -> list[str]:
    """The common shape; returns the headers."""
    headers = [cell.value for cell in sheet[1]]
    assert sheet.freeze_panes == freeze
    assert (
        sheet.auto_filter.ref
        == f"A1:{openpyxl.utils.get_column_letter(len(headers))}{data_rows + 1}"
    )
    for position in range(1, len(headers) + 1):
        width = sheet.column_dimensions[openpyxl.utils.get_column_letter(position)].width
        assert 8 <= width <= 60, (headers[position - 1], width)
    return headers


def test_the_calls_and_payments_xlsx_have_a_totals_row_that_adds_up(
    demo_year: Application,
) -> None:
    document = treasury.export_calls(demo_year.uows, TREASURER, "xlsx", on=date(2027, 3, 31))
    book = openpyxl.load_workbook(io.BytesIO(document.content))
    sheet = book["Appels"]
    headers = _check_table(sheet, 21)
    total_row = 23
    assert sheet.max_row == total_row
    assert sheet.cell(row=total_row, column=1).value == "Total (21 lignes)"
    by_header = {h: sheet.cell(row=total_row, column=i) for i, h in enumerate(headers, start=1)}
    assert _added_up(book, sheet, by_header["montant appelé (€)"].value) == Decimal("6871.40")
    assert _added_up(book, sheet, by_header["payé (€)"].value) == Decimal("1262.50")
    assert _added_up(book, sheet, by_header["reste dû (€)"].value) == Decimal("5608.90")
    assert by_header["exercice"].value is None  # a year is not added up
    statuses = {sheet.cell(row=r, column=headers.index("statut") + 1).value for r in range(2, 23)}
    assert statuses == {"payé", "en retard"}
    kinds = {sheet.cell(row=r, column=headers.index("nature") + 1).value for r in range(2, 23)}
    assert kinds == {"cotisation"}
    widths = sheet.column_dimensions
    assert widths["D"].width > widths["E"].width  # a name is wider than a year
    document = treasury.export_payments(demo_year.uows, TREASURER, "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(document.content))
    sheet = book["Règlements"]
    headers = _check_table(sheet, 1)
    amount = sheet.cell(row=3, column=headers.index("montant (€)") + 1).value
    assert _added_up(book, sheet, amount) == Decimal("1262.50")
    assert book["Journal"].column_dimensions["B"].width >= 20


def test_the_members_xlsx_writes_categories_in_french_and_adds_up_on_a_second_sheet(
    demo_year: Application,
) -> None:
    book = openpyxl.load_workbook(io.BytesIO(export_members_bytes(demo_year.uows, ADMIN, "xlsx")))
    assert book.sheetnames == ["Membres", "Totaux"]
    sheet = book["Membres"]
    count = sheet.max_row - 1  # no row under the members: the import reads this sheet back
    headers = _check_table(sheet, count)
    categories = {
        sheet.cell(row=r, column=headers.index("catégorie") + 1).value for r in range(2, count + 2)
    }
    assert "producteurs" in categories
    assert not categories & {"producer", "partner", "public_body", "employee", "volunteer"}
    totals = book["Totaux"]
    assert [totals["A2"].value, totals["B2"].value] == ["lignes", count]
    figures = {totals.cell(row=r, column=1).value: totals.cell(row=r, column=2).value
               for r in range(3, totals.max_row + 1)}  # fmt: skip
    revenue = next(name for name in figures if name.startswith("chiffre_affaires_"))
    column = headers.index(revenue) + 1
    expected = sum(
        (Decimal(str(v)) for r in range(2, count + 2)
         if (v := sheet.cell(row=r, column=column).value) is not None),
        Decimal(0),
    )  # fmt: skip
    assert expected > 0
    assert _added_up(book, totals, figures[revenue]) == expected


def test_the_simulator_comparison_xlsx_adds_up_each_scenario(demo_year: Application) -> None:
    comparison = fees.simulate(demo_year.uows, TREASURER, ["demo-forfait", "demo-bareme-ca"])
    book = openpyxl.load_workbook(io.BytesIO(fees.export_comparison(comparison, "xlsx")))
    sheet = book["Membres"]
    count = len(comparison.members)
    headers = _check_table(sheet, count, freeze="D2")
    total_row = count + 2
    assert sheet.cell(row=total_row, column=1).value == f"Total ({count} lignes)"
    for scenario in comparison.scenarios:
        cell = sheet.cell(row=total_row, column=headers.index(f"montant {scenario.id} (€)") + 1)
        assert _added_up(book, sheet, cell.value) * 100 == scenario.total_cents
    labels = {sheet.cell(row=r, column=3).value for r in range(2, count + 2)}
    assert "producer" not in labels and "producteurs" in labels
