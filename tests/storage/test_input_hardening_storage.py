"""Input hardening on both databases: the member search looks for what a person types, LIKE
wildcards « % » and « _ » (and the escape character itself) included; an XLSX file declaring a
huge used range imports the members it really holds."""

from __future__ import annotations

import io
import re
import time
import zipfile
from datetime import date

import openpyxl
import pytest

from gouvernance.bootstrap import Application
from gouvernance.domain.members import MemberDraft, PersonKind
from gouvernance.domain.users import Actor
from gouvernance.services.ports import MemberFilter
from gouvernance.services.registry import members
from gouvernance.services.registry.member_files import import_members_from_bytes

NAMES = {
    "PLAIN": ("Jeanne", "Martin"),
    "UNDER": ("Paul", "Roux_Vidal"),
    "PERCENT": ("Léa", "Cent%Pour"),
    "SLASH": ("Marc", "Anti\\Slash"),
    "ROUXAVIDAL": ("Anne", "RouxAVidal"),
}


@pytest.fixture
def registry(app: Application, admin: Actor) -> Application:
    for code, (first, last) in NAMES.items():
        draft = MemberDraft(
            kind=PersonKind.NATURAL,
            category="volunteer",
            joined_on=date(2026, 1, 31),
            first_name=first,
            last_name=last,
            code=code,
        )
        members.create_member(app.uows, admin, draft)
    return app


def _found(app: Application, admin: Actor, search: str) -> list[str]:
    page = members.list_members(app.uows, admin, MemberFilter(search=search), 0, 500)
    return sorted(view.code for view in page.items)


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("%", ["PERCENT"]),
        ("_", ["UNDER"]),
        ("x_v", ["UNDER"]),
        ("%pour", ["PERCENT"]),
        ("\\", ["SLASH"]),
        ("i\\s", ["SLASH"]),
        ("roux", ["ROUXAVIDAL", "UNDER"]),
    ],
)
def test_like_wildcards_typed_in_a_search_match_only_themselves(
    registry: Application, admin: Actor, search: str, expected: list[str]
) -> None:
    assert _found(registry, admin, search) == expected


def test_a_search_of_a_lone_percent_sign_does_not_list_everybody(
    registry: Application, admin: Actor
) -> None:
    everybody = members.list_members(registry.uows, admin, MemberFilter(), 0, 500)
    assert everybody.total == len(NAMES)
    found = members.list_members(registry.uows, admin, MemberFilter(search="%"), 0, 500)
    assert found.total == 1


def _forged_workbook() -> bytes:
    """A header and one member, the sheet declaring the whole grid A1:XFD1048576 as used."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["type", "catégorie", "date_adhésion", "prénom", "nom", "code"])
    sheet.append(["physique", "volunteer", "31/01/2026", "Élodie", "Perrin", "PERRIN"])
    written = io.BytesIO()
    book.save(written)
    source = zipfile.ZipFile(io.BytesIO(written.getvalue()))
    forged = io.BytesIO()
    with zipfile.ZipFile(forged, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"',
                                 content)  # fmt: skip
            target.writestr(item, content)
    return forged.getvalue()


def test_an_xlsx_declaring_the_whole_grid_imports_its_one_member_quickly(
    app: Application, admin: Actor
) -> None:
    started = time.perf_counter()
    result = import_members_from_bytes(app.uows, admin, _forged_workbook(), "membres.xlsx")
    assert time.perf_counter() - started < 5
    assert result.codes == ("PERRIN",)
    assert members.get_member(app.uows, admin, "PERRIN").display_name == "Élodie Perrin"
