"""Fee schedule use cases: list the candidate schedules, simulate them on the registry, explain.

Schedules are files (``rules/fees/**/*.yaml``, or the folder named by ``GOUVERNANCE_RULES_DIR``),
read afresh on each call so that a board member who edits a file sees the change at once. A
schedule is checked against the registry before it is used: a category the registry does not
know is a typo that would silently send members to the ``default`` amount, so it is refused
with the file and the key path.
"""

from __future__ import annotations

import functools
import os
import stat
import time
from collections.abc import Hashable, Iterator, Mapping, Sequence
from pathlib import Path

import numpy as np

from gouvernance.domain.calls.issuing import fact_refs
from gouvernance.domain.errors import Forbidden, GouvernanceError, InvalidInput, NotFound
from gouvernance.domain.facts import FactKind
from gouvernance.domain.fees.comparison import Comparison, compare
from gouvernance.domain.fees.documents import check_unique_ids, parse_schedule_text
from gouvernance.domain.fees.engine import Assessment, Payer, assess
from gouvernance.domain.fees.quote_part import NO_POOLS, compute_pools, has_quote_part
from gouvernance.domain.fees.schedule import FeeSchedule, Node, RuleError
from gouvernance.domain.fees.vector import PayerTable
from gouvernance.domain.members import Member
from gouvernance.domain.users import Actor, Permission
from gouvernance.services.contributions import fee_exports
from gouvernance.services.memo import Memo, memo
from gouvernance.services.ports import UnitOfWorkFactory
from gouvernance.services.progress import Progress, silent
from gouvernance.services.registry.views import MemberView

RULES_VARIABLE = "GOUVERNANCE_RULES_DIR"
DEFAULT_RULES = Path(__file__).resolve().parents[3] / "rules" / "fees"
# Grids of other networks, kept as examples: listed and simulated on request, never by default.
EXAMPLES_FOLDER = "exemples"
SUFFIXES = (".yaml", ".yml")
EXPORT_FORMATS = ("csv", "xlsx")

__all__ = [
    "check_categories",
    "default_ids",
    "default_schedule_ids",
    "explain",
    "export_comparison",
    "export_format",
    "list_schedules",
    "load_schedules",
    "payers",
    "rules_folder",
    "schedule_text",
    "simulate",
]


# --------------------------------------------------------------------------------------------
# The schedule files


def rules_folder(folder: Path | None = None) -> Path:
    """``folder`` if given, else ``$GOUVERNANCE_RULES_DIR``, else the repository's rules."""
    if folder is not None:
        return folder
    configured = os.environ.get(RULES_VARIABLE, "").strip()
    return Path(configured) if configured else DEFAULT_RULES


def list_schedules(folder: Path | None = None) -> list[FeeSchedule]:
    """Every schedule under the folder (sub-folders included), by file path; each ``source`` is
    the path relative to the folder (« demo/1-forfait.yaml »). An id used twice is refused."""
    root = rules_folder(folder)
    if not root.is_dir():
        raise RuleError(
            str(root), "(dossier)", f"dossier des barèmes introuvable (variable {RULES_VARIABLE})"
        )
    files = _schedule_files(root)
    signature = tuple((source, *stamp) for source, stamp in files)
    known = _LISTED.get(root)
    if known is not None and known[0] == signature:
        return list(known[1])
    schedules = check_unique_ids([_read(root / source, root) for source, _ in files])
    # Cached only once every file is older than the clock's blur: a file rewritten at the same
    # size within the same tick as its last read would keep its stamp (git's « racy » case).
    settled = time.time_ns() - _SETTLED_NS
    if all(stamp[0] < settled for _, stamp in files):
        _LISTED[root] = (signature, schedules)
    return list(schedules)


# Listing the folder is needed at each call (an edited schedule counts at once), reading and
# checking every file is not: the schedules of a folder are kept while each file keeps its
# (modification time, size, inode) — an explanation asks for them three times (≈ 0.6 ms each).
_LISTED: dict[Path, tuple[tuple[tuple[str, int, int, int], ...], list[FeeSchedule]]] = {}
_SETTLED_NS = 2_000_000_000


def _schedule_files(root: Path) -> list[tuple[str, tuple[int, int, int]]]:
    """YAML files under ``root`` (path relative to it, and its stamp), hidden files and folders
    (editor backups, .git) left out, symbolic links to folders not followed — as ``rglob``."""
    found: list[tuple[str, tuple[int, int, int]]] = []
    folders = [(root, "")]
    while folders:
        folder, prefix = folders.pop()
        try:
            with os.scandir(folder) as entries:
                listed = list(entries)
        except PermissionError:
            continue
        for entry in listed:
            if entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                folders.append((Path(entry.path), f"{prefix}{entry.name}/"))
            elif os.path.splitext(entry.name)[1] in SUFFIXES:
                try:
                    status = entry.stat()
                except OSError:
                    continue
                if stat.S_ISREG(status.st_mode):
                    stamp = (status.st_mtime_ns, status.st_size, status.st_ino)
                    found.append((prefix + entry.name, stamp))
    return sorted(found)


def _read(path: Path, root: Path) -> FeeSchedule:
    source = path.relative_to(root).as_posix()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise RuleError(source, "(fichier)", f"lecture impossible : {error}") from None
    return _parsed(text, source)


@functools.lru_cache(maxsize=256)
def _parsed(text: str, source: str) -> FeeSchedule:
    """Files are read at each use (an edited schedule counts at once); the same text is parsed
    once: YAML and the checks cost ~7 ms a schedule, a page may need six. Schedules are frozen."""
    return parse_schedule_text(text, source)


def load_schedules(ids: Sequence[str], folder: Path | None = None) -> list[FeeSchedule]:
    """The schedules named, in the order given; an unknown id is a 404 that names it."""
    return _picked(list_schedules(folder), ids)


def _picked(schedules: Sequence[FeeSchedule], ids: Sequence[str]) -> list[FeeSchedule]:
    available = {schedule.id: schedule for schedule in schedules}
    chosen = []
    for wanted in ids:
        key = wanted.strip()
        if key not in available:
            known = ", ".join(sorted(available)) or "aucun"
            raise NotFound(
                f"aucun barème n'a l'identifiant « {key} » (barèmes disponibles : {known})",
                field="schedules",
            )
        chosen.append(available[key])
    return chosen


def schedule_text(schedule_id: str, folder: Path | None = None) -> tuple[FeeSchedule, str]:
    """A schedule and the YAML text it was read from, to show a person what was decided.

    The schedule is parsed from that very text (read once): a batch that stores both can
    never hold a text other than the one its amounts came from, even if the file is being
    edited at that moment."""
    (found,) = load_schedules([schedule_id], folder)
    path = rules_folder(folder) / found.source
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise RuleError(found.source, "(fichier)", f"lecture impossible : {error}") from None
    schedule = parse_schedule_text(text, found.source)
    if schedule.id != found.id:
        raise RuleError(found.source, "id", "le fichier a changé pendant la lecture : réessayez")
    return schedule, text


def default_ids(schedules: Sequence[FeeSchedule]) -> list[str]:
    """The scenarios compared when none is named: the candidate schedules (not the examples of
    other networks, under ``exemples/``) of the latest fiscal year; none if there is none."""
    candidates = [s for s in schedules if s.source.split("/", 1)[0] != EXAMPLES_FOLDER]
    if not candidates:
        return []
    latest = max(schedule.fiscal_year for schedule in candidates)
    return [schedule.id for schedule in candidates if schedule.fiscal_year == latest]


def default_schedule_ids(folder: Path | None = None) -> list[str]:
    """``default_ids`` of the folder's schedules; an empty folder is said, not simulated."""
    return _defaults_of(list_schedules(folder), folder)


def _defaults_of(schedules: Sequence[FeeSchedule], folder: Path | None) -> list[str]:
    ids = default_ids(schedules)
    if not ids:
        raise InvalidInput(
            f"aucun barème candidat dans {rules_folder(folder)} : nommez les barèmes à comparer",
            field="schedules",
        )
    return ids


# --------------------------------------------------------------------------------------------
# Checking schedules against the registry


def check_categories(schedules: Sequence[FeeSchedule], categories: Mapping[str, str]) -> None:
    """Every category a schedule names (``by_category`` keys, exemptions) must exist."""
    for schedule in schedules:
        for path, code in _category_uses(schedule.fee):
            if code not in categories:
                known = ", ".join(sorted(categories))
                raise RuleError(
                    schedule.source,
                    path,
                    f"catégorie « {code} » inconnue du registre (catégories : {known})",
                )


def _category_uses(node: Node) -> Iterator[tuple[str, str]]:
    """``(key path, category code)`` for every category named in the node and below it."""
    for position, condition in enumerate(node.exemptions):
        for code in sorted(condition.categories):
            yield f"{node.path}.exemptions[{position}].category", code
    for code, branch in node.by_category:
        yield branch.path, code
        yield from _category_uses(branch)
    if node.default is not None:
        yield from _category_uses(node.default)
    for child in node.children:
        yield from _category_uses(child)


# --------------------------------------------------------------------------------------------
# The registry as the fee rules see it


def _payer(member: Member | MemberView, labels: Mapping[str, str]) -> Payer:
    return Payer(
        code=member.code,
        name=member.display_name,
        category=member.category,
        joined_on=member.joined_on,
        left_on=member.left_on,
        facts={(fact.kind, fact.fiscal_year): fact.value for fact in member.facts},
        category_label=labels.get(member.category, member.category),
    )


def _overlaps(member: Member, schedules: Sequence[FeeSchedule]) -> bool:
    """Whether the member belongs on at least one day of one schedule's period."""
    return not schedules or any(
        member.joined_on <= schedule.period_end
        and (member.left_on is None or member.left_on >= schedule.period_start)
        for schedule in schedules
    )


def _read_registry(
    uows: UnitOfWorkFactory, schedules: Sequence[FeeSchedule]
) -> tuple[dict[str, str], list[Payer]]:
    """The category labels and the payers, read in one transaction so that they agree."""
    with uows() as uow:
        labels = {category.code: category.label for category in uow.categories.all()}
        found = [_payer(m, labels) for m in uow.members.all() if _overlaps(m, schedules)]
    return labels, found


def _read_table(
    uows: UnitOfWorkFactory, schedules: Sequence[FeeSchedule]
) -> tuple[dict[str, str], PayerTable, int | None]:
    """The category labels and the registry as columns (only the figures the schedules read,
    and the revenue their burden is taken on), in one transaction; only the members who belong
    during at least one schedule's period, as ``_read_registry``. Reading 10 000 members as
    ``Member`` records and then ``Payer`` objects took seconds; this takes two queries."""
    facts: set[tuple[FactKind, int]] = set()
    for schedule in schedules:
        facts |= fact_refs(schedule)
        facts.add((FactKind.REVENUE, schedule.facts_year))
    with uows() as uow:
        before = uow.members.registry_version()
        labels = {category.code: category.label for category in uow.categories.all()}
        table = uow.members.payer_table(facts)
        version = (
            before if before is not None and uow.members.registry_version() == before else None
        )
    if schedules:
        belongs = np.zeros(len(table), dtype=np.bool_)
        for schedule in schedules:
            belongs |= (table.joined_day <= schedule.period_end.toordinal()) & (
                table.left_day >= schedule.period_start.toordinal()
            )
        if not belongs.all():
            table = table.take(np.flatnonzero(belongs).tolist())
    return labels, table, version


def payers(
    uows: UnitOfWorkFactory, actor: Actor, schedules: Sequence[FeeSchedule] = ()
) -> list[Payer]:
    """Every member, by code, with all their figures; given schedules, only the members who
    belong during at least one of their periods (former members drop out of the table)."""
    actor.require(Permission.SIMULATE_FEES)
    return _read_registry(uows, schedules)[1]


# --------------------------------------------------------------------------------------------
# Use cases


def _chosen(schedule_ids: Sequence[str], folder: Path | None) -> list[FeeSchedule]:
    """The schedules named, or the default scenarios when none is: the folder listed once."""
    every = list_schedules(folder)
    return _picked(every, list(schedule_ids) or _defaults_of(every, folder))


def reads_every_member(schedule_ids: Sequence[str], folder: Path | None = None) -> bool:
    """Whether explaining one member's fee under these schedules (the default ones when none
    is named) reads the whole registry: a pooled quote-part shares a sum among every member.
    An unknown schedule says no: ``explained`` then refuses it at once."""
    try:
        return any(has_quote_part(schedule) for schedule in _chosen(schedule_ids, folder))
    except GouvernanceError:
        return False


def simulate(
    uows: UnitOfWorkFactory,
    actor: Actor,
    schedule_ids: Sequence[str],
    reference_id: str | None = None,
    folder: Path | None = None,
    *,
    top: int = 5,
    progress: Progress = silent,
) -> Comparison:
    """Compare schedules on the whole registry (board, treasurer, administrator).

    No ids: the default scenarios (``default_schedule_ids``). The reference, for the
    differences, is ``reference_id`` or the first schedule.
    """
    actor.require(Permission.SIMULATE_FEES)
    schedules = _chosen(schedule_ids, folder)
    reference = reference_id.strip() if reference_id else None
    question = (tuple(schedules), reference, top)
    cache = memo(uows, "simulations", kept=8)
    known = _known(uows, cache, question)
    if known is not None:
        return known
    # Twenty board members opening the page at once: one computes, the others wait for its
    # answer instead of reading and assessing the registry twenty times side by side.
    with cache.computing:
        known = _known(uows, cache, question)
        if known is not None:
            return known
        labels, table, version = _read_table(uows, schedules)
        check_categories(schedules, labels)
        comparison = compare(schedules, table, reference, top=top, progress=progress)
        if version is not None:  # the registry did not move while it was read
            cache.put((version, question), comparison)
        return comparison


def _known(uows: UnitOfWorkFactory, cache: Memo, question: Hashable) -> Comparison | None:
    """The comparison kept for ``question`` at the registry's present version, if any."""
    with uows() as uow:
        found: Comparison | None = cache.get((uow.members.registry_version(), question))
    return found


def explain(
    uows: UnitOfWorkFactory,
    actor: Actor,
    member_code: str,
    schedule_ids: Sequence[str],
    folder: Path | None = None,
) -> list[Assessment]:
    """One member's fee under each schedule, step by step; a member sees only their own."""
    return [found for _, found in explained(uows, actor, member_code, schedule_ids, folder)]


def explained(
    uows: UnitOfWorkFactory,
    actor: Actor,
    member_code: str,
    schedule_ids: Sequence[str],
    folder: Path | None = None,
) -> list[tuple[FeeSchedule, Assessment]]:
    """``explain``, each assessment with its schedule (its label, for a page or an answer)."""
    code = member_code.strip().upper()
    if not actor.can(Permission.SIMULATE_FEES) and (actor.member_code or "").upper() != code:
        raise Forbidden("un adhérent ne peut consulter que le détail de sa propre cotisation")
    schedules = _chosen(schedule_ids, folder)
    with uows() as uow:
        labels = dict(uow.categories.labels())
        member = uow.members.view(code)  # plain rows: no ORM record for one member's figures
        if member is None:
            raise NotFound(f"aucun membre n'a le code {code}", field="code")
        payer = _payer(member, labels)
    check_categories(schedules, labels)
    shared = [s for s in schedules if has_quote_part(s)]
    # A quote-part depends on every member's figure: only then is the whole registry read.
    everybody = _read_registry(uows, shared)[1] if shared else []
    return [
        (
            schedule,
            assess(
                schedule,
                payer,
                compute_pools(schedule, everybody) if has_quote_part(schedule) else NO_POOLS,
            ),
        )
        for schedule in schedules
    ]


def export_format(fmt: str) -> str:
    """« csv » or « xlsx » (case, spaces and a leading dot ignored), refused in French else."""
    wanted = fmt.strip().lower().lstrip(".")
    if wanted not in EXPORT_FORMATS:
        raise InvalidInput(f"format d'export inconnu « {fmt} » : csv ou xlsx", field="format")
    return wanted


def export_comparison(comparison: Comparison, fmt: str) -> bytes:
    """The comparison as the bytes of a ``csv`` (members) or ``xlsx`` (summaries + members)."""
    if export_format(fmt) == "csv":
        return fee_exports.render_csv(comparison)
    return fee_exports.render_xlsx(comparison)
