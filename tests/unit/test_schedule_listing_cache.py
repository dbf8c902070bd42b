"""The schedules of a folder are kept between calls (``fees.list_schedules``) only while each
file keeps its stamp: an edited, added or removed schedule counts at the very next call."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from gouvernance.services.contributions import fees

DEMO = Path(__file__).resolve().parents[2] / "rules" / "fees" / "demo" / "1-forfait.yaml"
OLD = 1_700_000_000_000_000_000  # a stamp well in the past: the listing may be kept


def _write(path: Path, text: str, stamp: int) -> None:
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(stamp, stamp))


def test_an_edited_schedule_of_the_same_size_and_time_is_read_again(tmp_path: Path) -> None:
    text = DEMO.read_text(encoding="utf-8")
    schedule = tmp_path / "a.yaml"
    _write(schedule, text, OLD)
    first = fees.list_schedules(tmp_path)
    assert fees.list_schedules(tmp_path)[0] is first[0]  # kept: nothing changed
    # Same size, same time, another file (an editor writes a copy, then renames it).
    edited = tmp_path / "b.tmp"
    _write(edited, text.replace("Cotisation forfaitaire", "Cotisation Forfaitaire"), OLD)
    edited.replace(schedule)
    assert fees.list_schedules(tmp_path)[0].label == "Cotisation Forfaitaire"
    # Same inode, new time.
    _write(schedule, text.replace("Cotisation forfaitaire", "Cotisation au forfait"), OLD + 1)
    assert fees.list_schedules(tmp_path)[0].label == "Cotisation au forfait"


def test_a_schedule_added_or_removed_counts_at_once(tmp_path: Path) -> None:
    shutil.copy(DEMO, tmp_path / "a.yaml")
    os.utime(tmp_path / "a.yaml", ns=(OLD, OLD))
    assert [s.id for s in fees.list_schedules(tmp_path)] == ["demo-forfait"]
    second = DEMO.read_text(encoding="utf-8").replace("id: demo-forfait", "id: autre")
    (tmp_path / "sous").mkdir()
    _write(tmp_path / "sous" / "b.yaml", second, OLD)
    assert [s.id for s in fees.list_schedules(tmp_path)] == ["demo-forfait", "autre"]
    (tmp_path / "a.yaml").unlink()
    assert [s.id for s in fees.list_schedules(tmp_path)] == ["autre"]


def test_a_file_just_written_is_never_kept(tmp_path: Path) -> None:
    shutil.copy(DEMO, tmp_path / "a.yaml")  # modified now: within the clock's blur
    fees.list_schedules(tmp_path)
    assert tmp_path not in fees._LISTED
