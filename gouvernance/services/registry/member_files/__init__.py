"""Importing members from a CSV or XLSX file, all or nothing, and exporting the registry.

An import is checked entirely before anything is written: every problem of every row comes
back at once, each with its line and column, so the person fixes the file in one pass; then
all members are created in one transaction, or none.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import count
from pathlib import Path, PurePath

from gouvernance.domain.errors import InvalidInput, Problem
from gouvernance.domain.members import Member
from gouvernance.domain.users import Actor, Permission
from gouvernance.services import audit
from gouvernance.services.ports import UnitOfWork, UnitOfWorkFactory
from gouvernance.services.progress import Progress, silent
from gouvernance.services.registry.member_files.columns import Layout, read_layout
from gouvernance.services.registry.member_files.reading import FORMATS, file_format, read_sheet
from gouvernance.services.registry.member_files.rows import ParsedRow, category_index, parse_row
from gouvernance.services.registry.member_files.writing import member_table, render_csv, render_xlsx
from gouvernance.services.registry.members import duplicate_problems

__all__ = [
    "ImportResult",
    "export_members",
    "export_members_bytes",
    "import_members",
    "import_members_from_bytes",
]

_GENERATED_CODE = re.compile(r"^M(\d+)$")
_AUDIT_KEY_LENGTH = 80
_REPORT_EVERY = 500  # rows between two progress reports


@dataclass(frozen=True)
class ImportResult:
    created: int
    codes: tuple[str, ...]


def import_members(
    uows: UnitOfWorkFactory, actor: Actor, path: Path, *, progress: Progress = silent
) -> ImportResult:
    """Import the members listed in the file at ``path`` (.csv or .xlsx)."""
    actor.require(Permission.WRITE_MEMBERS)
    file_format(path.name)
    try:
        data = path.read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        raise InvalidInput(f"fichier introuvable : « {path} »", field="file") from None
    except OSError as exc:
        raise InvalidInput(
            f"impossible de lire « {path} » : {exc.strerror}", field="file"
        ) from None
    return import_members_from_bytes(uows, actor, data, path.name, progress=progress)


def import_members_from_bytes(
    uows: UnitOfWorkFactory,
    actor: Actor,
    data: bytes,
    filename: str,
    *,
    progress: Progress = silent,
) -> ImportResult:
    """Import an uploaded file; its format comes from ``filename``'s suffix.

    ``progress`` hears (rows checked + rows written, twice the rows): checking is the long part
    of a big file, writing the other half."""
    actor.require(Permission.WRITE_MEMBERS)
    name = PurePath(filename).name or filename
    sheet = read_sheet(data, name)
    layout, problems = read_layout(sheet.headers)
    problems.extend(sheet.problems)
    with uows() as uow:
        categories = category_index(uow.categories.all())
        total = 2 * len(sheet.rows)
        parsed = []
        for position, raw in enumerate(sheet.rows):
            parsed.append(parse_row(layout, raw, categories))
            if position % _REPORT_EVERY == 0:
                progress(position, total)
        for row in parsed:
            problems.extend(row.problems)
        problems.extend(_duplicates(uow, layout, parsed))
        if problems:
            raise _refusal(name, problems)
        codes = _create(uow, parsed, lambda done: progress(len(parsed) + done, total))
        progress(total, total)
        uow.flush()
        audit.record(
            uow, actor, "membres.importés", "import", name[:_AUDIT_KEY_LENGTH], nombre=len(codes)
        )
        uow.commit()
    return ImportResult(created=len(codes), codes=tuple(codes))


def _refusal(filename: str, problems: list[Problem]) -> InvalidInput:
    ordered = sorted(problems, key=lambda p: p.line or 0)
    lines = len({p.line for p in ordered})
    return InvalidInput(
        f"{lines} ligne(s) en erreur : aucun membre importé", field=filename, problems=ordered
    )


def _duplicates(uow: UnitOfWork, layout: Layout, parsed: list[ParsedRow]) -> list[Problem]:
    """A code or SIREN given twice in the file (named at its second line) or already recorded."""
    found: list[Problem] = []
    first_line: dict[tuple[str, str], int] = {}
    recorded_codes, recorded_sirens = uow.members.codes(), uow.members.sirens()
    for row in parsed:
        for key, label, value in (
            ("code", "code", row.draft.code),
            ("siren", "SIREN", row.draft.siren),
        ):
            if value is None:
                continue
            if (key, value) in first_line:
                message = f"le {label} {value} figure déjà ligne {first_line[key, value]}"
                found.append(Problem(message, layout.header(key), row.line))
            else:
                first_line[key, value] = row.line
        if row.draft.code in recorded_codes or row.draft.siren in recorded_sirens:
            found.extend(
                Problem(p.message, layout.header(p.field or "code"), row.line)
                for p in duplicate_problems(uow, row.draft)
            )
    return found


def _create(uow: UnitOfWork, parsed: list[ParsedRow], written: Callable[[int], None]) -> list[str]:
    """Add every member with its facts; a row without a code gets the next free ``M0001``."""
    taken = uow.members.codes() | {row.draft.code for row in parsed if row.draft.code}
    fresh = _fresh_codes(uow.members.next_code(), taken)
    codes: list[str] = []
    for row in parsed:
        member = Member.from_draft(row.draft, code=row.draft.code or next(fresh))
        for fact in row.facts:
            member.record_fact(fact.fiscal_year, fact.kind, fact.value)
        member.leave_reason = row.leave_reason
        member.version = 1  # a new record starts at version 1, however it was assembled
        uow.members.add(member)
        codes.append(member.code)
        if len(codes) % _REPORT_EVERY == 0:
            written(len(codes))
    return codes


def _fresh_codes(first: str, taken: set[str]) -> Iterator[str]:
    """Codes from ``first`` on, skipping those in use: ``next_code`` cannot see unflushed rows."""
    match = _GENERATED_CODE.match(first)
    for number in count(int(match[1]) if match else 1):
        code = f"M{number:04d}"
        if code not in taken:
            yield code


def export_members(uows: UnitOfWorkFactory, actor: Actor, path: Path) -> int:
    """Write the registry to ``path`` (.csv or .xlsx); returns the number of members written."""
    actor.require(Permission.READ_ALL_MEMBERS)
    data, written = _export(uows, actor, file_format(path.name))
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise InvalidInput(
            f"impossible d'écrire « {path} » : {exc.strerror}", field=path.name
        ) from None
    return written


def export_members_bytes(uows: UnitOfWorkFactory, actor: Actor, fmt: str) -> bytes:
    """The registry as the bytes of a ``csv`` or ``xlsx`` file (for a download)."""
    return _export(uows, actor, fmt)[0]


def _export(uows: UnitOfWorkFactory, actor: Actor, fmt: str) -> tuple[bytes, int]:
    actor.require(Permission.READ_ALL_MEMBERS)
    wanted = fmt.strip().lower().lstrip(".")
    if wanted not in FORMATS:
        raise InvalidInput(f"format d'export inconnu « {fmt} » : csv ou xlsx", field="format")
    with uows() as uow:
        labels = {category.code: category.label for category in uow.categories.all()}
        table = member_table(uow.members.all(), labels)
    data = render_csv(table) if wanted == "csv" else render_xlsx(table)
    return data, len(table.rows)
