"""Free text and spreadsheets an audit found too trusting: invisible characters refused by one
shared rule (``domain/text.py``), XLSX files read in proportion to what they really hold."""

from __future__ import annotations

import io
import re
import time
import zipfile
from datetime import date

import openpyxl
import pytest

from gouvernance.domain.errors import InvalidInput
from gouvernance.domain.members import MemberDraft, PersonKind, leave_reason_problem
from gouvernance.domain.text import clean_text, has_control_characters
from gouvernance.services.registry.member_files.reading import MAX_LINES, read_sheet

# --- Invisible and control characters ---------------------------------------------------------

REFUSED = [
    *(chr(c) for c in range(0x202A, 0x202F)),  # bidi embeddings and overrides
    *(chr(c) for c in range(0x2066, 0x206A)),  # bidi isolates
    *(chr(c) for c in range(0x200B, 0x2010)),  # zero-width space, joiners, LRM, RLM
    "\u061c",  # Arabic letter mark
    "\u2060",  # word joiner
    "\ufeff",  # byte order mark
    "\u00ad",  # soft hyphen
    "\u2028",  # line separator
    "\u2029",  # paragraph separator
    "\x00",
    "\x1b",
    "\x7f",
    "\x85",
    "\ud800",  # a lone surrogate (JSON "\\ud800" decodes to one)
]
ACCEPTED = [
    "Élodie\u202fPerrin",  # narrow no-break space, French typography
    "12\u00a0rue du Port",  # no-break space
    "Ressourcerie\u2009: l'atelier",  # thin space
    "Ørsted Straße",
    "Zoë N'Guessan-Dupont",
    "محمد",  # Arabic letters: the script is not the problem, hidden controls are
    "Atelier 🚲",
]


@pytest.mark.parametrize("char", REFUSED, ids=[f"U+{ord(c):04X}" for c in REFUSED])
def test_an_invisible_or_control_character_is_refused_naming_the_field_and_the_code_point(
    char: str,
) -> None:
    with pytest.raises(InvalidInput) as refused:
        clean_text(f"Per{char}rin", "last_name", 100)
    assert refused.value.field == "last_name"
    assert f"U+{ord(char):04X}" in refused.value.message
    assert refused.value.message.startswith("caractère invisible ou de contrôle interdit")
    assert has_control_characters(f"Per{char}rin")


@pytest.mark.parametrize("text", ACCEPTED)
def test_french_typographic_spaces_and_any_script_are_accepted_as_typed(text: str) -> None:
    assert clean_text(text, "name", 200) == text
    assert not has_control_characters(text)


def test_one_line_text_folds_pasted_line_breaks_and_keeps_no_break_spaces() -> None:
    assert clean_text("  12\u00a0rue\n\tdu   Port ", "address", 300) == "12\u00a0rue du Port"


def test_several_lines_keep_their_line_feeds_and_tabs_but_not_a_bidi_override() -> None:
    text = "Article 1\r\n\tL'assemblée approuve.\rArticle 2"
    assert clean_text(text, "text", 1000, multiline=True) == (
        "Article 1\n\tL'assemblée approuve.\nArticle 2"
    )
    with pytest.raises(InvalidInput, match="U\\+202E") as refused:
        clean_text("Article 1\n\u202eevuorppa", "text", 1000, multiline=True)
    assert refused.value.field == "text"


def test_required_and_too_long_texts_are_refused_in_french_naming_the_field() -> None:
    with pytest.raises(InvalidInput, match="texte obligatoire") as empty:
        clean_text(" \n ", "title", 200, required=True)
    assert empty.value.field == "title"
    with pytest.raises(InvalidInput, match="au plus 5 caractères") as long:
        clean_text("Assemblée", "title", 5)
    assert long.value.field == "title"
    assert clean_text(None, "note", 500) == ""


def test_a_member_draft_names_every_field_holding_an_invisible_character() -> None:
    draft = MemberDraft(
        kind=PersonKind.NATURAL,
        category="volunteer",
        joined_on=date(2026, 1, 31),
        first_name="Élodie\u202fMarie",
        last_name="Perrin\u202e",
        city="\u200bArles",
    )
    problems = draft.normalised().problems({"volunteer"})
    assert {(p.field, p.message) for p in problems} == {
        (
            "last_name",
            "caractère invisible ou de contrôle interdit (U+202E, sens d'écriture forcé)",
        ),
        ("city", "caractère invisible ou de contrôle interdit (U+200B, espace sans chasse)"),
    }


def test_a_leaving_reason_with_a_bidi_isolate_is_refused() -> None:
    problem = leave_reason_problem("démission\u2067")
    assert problem is not None and "U+2067" in problem


# --- XLSX files: read what is there, not what the file declares --------------------------------

HEADERS = ["type", "catégorie", "date_adhésion", "prénom", "nom"]
ROW = ["physique", "volunteer", "31/01/2026", "Élodie", "Perrin"]


def _workbook(*, far_cell: bool) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    sheet.append(ROW)
    if far_cell:
        sheet["XFD1048576"] = "égaré"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _forged_dimension(data: bytes, ref: str) -> bytes:
    """The same workbook, its first sheet claiming the used range ``ref``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(),
                                 content)  # fmt: skip
                assert ref.encode() in content
            target.writestr(item, content)
    return out.getvalue()


def test_a_sheet_declaring_a_huge_used_range_is_read_as_wide_and_long_as_its_content() -> None:
    data = _forged_dimension(_workbook(far_cell=False), "A1:XFD1048576")
    started = time.perf_counter()
    sheet = read_sheet(data, "membres.xlsx")
    assert time.perf_counter() - started < 5
    assert sheet.headers == HEADERS
    assert [row.line for row in sheet.rows] == [2]
    assert sheet.rows[0].cells == tuple(ROW)  # five cells, not 16 384
    assert sheet.problems == []


def test_a_sheet_with_a_stray_cell_at_the_last_row_and_column_is_refused_at_once() -> None:
    data = _workbook(far_cell=True)
    started = time.perf_counter()
    with pytest.raises(InvalidInput) as refused:
        read_sheet(data, "membres.xlsx")
    assert time.perf_counter() - started < 5
    assert refused.value.field == "membres.xlsx"
    assert f"{MAX_LINES:,}".replace(",", "\u202f") in refused.value.message
    assert "Ctrl+Fin" in refused.value.message
