"""Column letters in import messages (« colonnes B et C »), named without loading openpyxl."""

from __future__ import annotations

from openpyxl.utils import get_column_letter

from gouvernance.services.registry.member_files.columns import column_letter

OPENPYXL_LAST = 18278  # « ZZZ »: openpyxl refuses any column past it


def test_column_letters_are_those_of_openpyxl_up_to_zzz() -> None:
    mismatches = [
        number
        for number in range(1, OPENPYXL_LAST + 1)
        if column_letter(number) != get_column_letter(number)
    ]
    assert mismatches == []


def test_column_letters_go_on_past_zzz_up_to_20000() -> None:
    assert [column_letter(n) for n in (1, 26, 27, 52, 702, 703, OPENPYXL_LAST)] == [
        "A", "Z", "AA", "AZ", "ZZ", "AAA", "ZZZ",
    ]  # fmt: skip
    assert column_letter(OPENPYXL_LAST + 1) == "AAAA"
    assert column_letter(20000) == "ACOF"
    assert len({column_letter(n) for n in range(1, 20001)}) == 20000
