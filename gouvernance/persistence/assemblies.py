"""General assemblies in the database: single rows through the ORM, the tally's aggregates and
the bulk writes as plain SQL statements (700 000 ballots are counted by GROUP BY, never loaded).

A secret ballot is a vote row without a choice plus a sealed ballot in
``assembly_ballot_box`` (college and ciphertext, no voter, no time), opened and counted into
``assembly_counts`` only when the vote on the resolution is closed (docs/assemblees.md,
« Le secret du vote »). Secret resolutions from before migration 0007 have no key: their
counters were raised by one per ballot.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime
from typing import Any, Literal, cast

from sqlalchemy import (
    ColumnElement,
    CursorResult,
    and_,
    bindparam,
    false,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from gouvernance.domain.assembly.model import (
    Assembly,
    Attendance,
    AttendanceRecord,
    BallotCount,
    Choice,
    CountSource,
    Resolution,
    RollDraft,
    RollEntry,
    SealedBallot,
    Signatory,
    Vote,
    VoteClosing,
)
from gouvernance.domain.assembly.tally import CollegeTurnout, Counts
from gouvernance.persistence.database import ACCENTED, LIGATURES, UNACCENTED, plain_text
from gouvernance.persistence.orm import (
    assemblies,
    assembly_attendance,
    assembly_attendance_totals,
    assembly_ballot_box,
    assembly_ballot_totals,
    assembly_counts,
    assembly_resolutions,
    assembly_roll,
    assembly_signatures,
    assembly_vote_closings,
    assembly_votes,
)
from gouvernance.persistence.repositories import LIKE_ESCAPE, like_escaped
from gouvernance.services.ports import RollQuery, SheetLine, VoterStanding

_roll = assembly_roll.c
_attendance = assembly_attendance.c
# The lines of those who may not vote, in the form their partial index names (migration 0016).
_NOT_ENTITLED = _roll.entitled == false()
_resolutions = assembly_resolutions.c
_votes = assembly_votes.c
_counts = assembly_counts.c
_totals = assembly_ballot_totals.c
_closings = assembly_vote_closings.c


# A ballot's checks and its row: built once (each ballot would otherwise rebuild the
# expressions, which costs more than running them).
_INSERT_VOTE = insert(assembly_votes)
# The roll line, the attendance line, a ballot already cast, the vote closed: for one voter or
# for all those of a batch of ballots at once.
_STANDINGS = (
    select(
        _roll.member_code, _roll.name, _roll.entitled, _roll.reason, _attendance.mode,
        _attendance.holder_code, _attendance.college,
        select(_votes.id).where(
            _votes.resolution_id == bindparam("resolution"),
            _votes.voter_code == _roll.member_code,
        ).exists(),
        select(_closings.id).where(_closings.resolution_id == bindparam("resolution")).exists(),
    )
    .select_from(assembly_roll)
    .outerjoin(
        assembly_attendance,
        and_(
            _attendance.assembly_id == _roll.assembly_id,
            _attendance.member_code == _roll.member_code,
        ),
    )
    .where(
        _roll.assembly_id == bindparam("assembly"),
        _roll.member_code.in_(bindparam("voters", expanding=True)),
    )
)  # fmt: skip

_IN_LIST_MAX = 500  # codes in one IN (…): far below every database's limit on parameters


class SqlAssemblyStore:
    """``flush`` is the unit of work's: a unique constraint hit becomes a French Conflict."""

    def __init__(
        self,
        session: Session,
        flush: Callable[[], None] | None = None,
        explained: Callable[[], AbstractContextManager[None]] = nullcontext,
    ) -> None:
        self.session = session
        self._flush = flush or session.flush
        self._explained = explained

    # --- the assembly ------------------------------------------------------------------

    def add(self, assembly: Assembly) -> None:
        self.session.add(assembly)
        self._flush()

    def get(self, code: str, *, lock: Literal["share", "update"] | None = None) -> Assembly | None:
        """With a lock, the row is read afresh (another transaction may just have closed it)."""
        query = select(Assembly).where(assemblies.c.code == code)
        if lock is not None:
            query = query.with_for_update(read=lock == "share").execution_options(
                populate_existing=True
            )
        return self.session.scalars(query).one_or_none()

    def all(self) -> Sequence[Assembly]:
        query = select(Assembly).order_by(assemblies.c.held_on.desc(), assemblies.c.id.desc())
        return self.session.scalars(query).all()

    # --- the roll and the attendance sheet ---------------------------------------------

    def add_roll(self, entries: Sequence[RollEntry | RollDraft]) -> None:
        """The whole roll, once, in one multi-row INSERT — COPY on PostgreSQL, where 65 000
        rows take seconds otherwise — (the entries' ``id`` stay None: read them back with
        ``roll``); its entitled associates per college are counted now, on the assembly row,
        since the roll never changes."""
        if not entries:
            return
        if self.session.get_bind().dialect.name == "postgresql":
            self.session.flush()
            driver = self.session.connection().connection.driver_connection
            assert driver is not None
            names = "assembly_id, member_code, name, category, college, entitled, reason"
            with (
                driver.cursor() as cursor,
                cursor.copy(f"COPY assembly_roll ({names}) FROM STDIN") as copy,
            ):
                for e in entries:
                    copy.write_row(
                        (e.assembly_id, e.member_code, e.name, e.category, e.college,
                         e.entitled, e.reason)
                    )  # fmt: skip
        else:
            self.session.execute(insert(assembly_roll), [_values(e) for e in entries])
        entitled = Counter(e.college for e in entries if e.entitled)
        self.session.execute(
            update(assemblies)
            .where(assemblies.c.id == entries[0].assembly_id)
            .values(roll_entitled=json.dumps(dict(sorted(entitled.items()))))
        )

    def roll(self, assembly_id: int) -> Sequence[RollEntry]:
        query = select(RollEntry).where(_roll.assembly_id == assembly_id)
        return self.session.scalars(query.order_by(_roll.member_code)).all()

    def roll_entry(self, assembly_id: int, member_code: str) -> RollEntry | None:
        query = select(RollEntry).where(
            _roll.assembly_id == assembly_id, _roll.member_code == member_code
        )
        return self.session.scalars(query).one_or_none()

    def roll_size(self, assembly_id: int) -> int:
        """Those who vote, counted per college when the roll was drawn (it never changes), and
        those who may not, through their own index (migration 0016): not a walk of the roll."""
        self._flush()
        entitled = self._entitled_per_college(assembly_id)
        # The code counted, not the rows: only the partial index covers it, where SQLite would
        # rather walk the covering index of colleges for a count(*).
        excluded = select(func.count(_roll.member_code)).where(
            _roll.assembly_id == assembly_id, _NOT_ENTITLED
        )
        return sum(entitled.values()) + int(self.session.scalar(excluded) or 0)

    def _entitled_per_college(self, assembly_id: int) -> dict[str, int]:
        """The entitled associates per college, counted on the assembly row when the roll was
        drawn (``add_roll``)."""
        frozen = self.session.scalar(
            select(assemblies.c.roll_entitled).where(assemblies.c.id == assembly_id)
        )
        found: dict[str, int] = json.loads(frozen or "{}")
        return found

    def roll_keys(self, assembly_id: int) -> Sequence[tuple[str, str, bool]]:
        """What the verification file hashes of the roll, as plain rows (no mapped object per
        associate: 35 000 of them cost a tenth of a second each time)."""
        query = (
            select(_roll.member_code, _roll.college, _roll.entitled)
            .where(_roll.assembly_id == assembly_id)
            .order_by(_roll.member_code)
        )
        return [
            (code, college, bool(entitled))
            for code, college, entitled in self.session.execute(query)
        ]

    def sheet_lines(self, assembly_id: int, limit: int | None = None) -> Sequence[SheetLine]:
        """The associates on the attendance sheet and those who may not vote, with their roll
        line, as plain columns, by member code: what the minutes list, never the whole roll.
        ``limit``: the first ones of each list only (a page shows a few hundred)."""
        self._flush()
        columns = (
            _roll.member_code,
            _roll.name,
            _roll.category,
            _roll.college,
            _roll.entitled,
            _roll.reason,
            _attendance.mode,
            _attendance.holder_code,
        )
        same = and_(
            _attendance.assembly_id == _roll.assembly_id,
            _attendance.member_code == _roll.member_code,
        )
        attending = (
            select(*columns)
            .select_from(assembly_attendance.join(assembly_roll, same))
            .where(_attendance.assembly_id == assembly_id)
            .order_by(_attendance.member_code)
            .limit(limit)
        )
        excluded = (
            select(*columns)
            .select_from(assembly_roll.outerjoin(assembly_attendance, same))
            .where(_roll.assembly_id == assembly_id, _NOT_ENTITLED)
            .order_by(_roll.member_code)
            .limit(limit)
        )
        found: dict[str, SheetLine] = {}
        connection = self.session.connection()  # plain rows: no ORM step for hundreds of lines
        for statement in (attending, excluded):
            for row in connection.execute(statement).all():
                code, name, category, college, entitled, reason, mode, holder = row
                found[code] = SheetLine(
                    code, name, category, college, bool(entitled), reason,
                    Attendance(mode) if mode is not None else None, holder,
                )  # fmt: skip
        return [found[code] for code in sorted(found)]

    def proxies(self, assembly_id: int) -> Sequence[tuple[str, str]]:
        """(represented associate, holder) of every proxy on the sheet, by member code; a blank
        proxy has no holder and is not one of them."""
        self._flush()
        query = (
            select(_attendance.member_code, _attendance.holder_code)
            .where(
                _attendance.assembly_id == assembly_id,
                _attendance.holder_code.is_not(None),
                _attendance.mode == Attendance.REPRESENTED,
            )
            .order_by(_attendance.member_code)
        )
        return [(code, holder) for code, holder in self.session.execute(query)]

    def add_attendance(self, record: AttendanceRecord) -> None:
        self.session.add(record)
        self._flush()

    def attendance(self, assembly_id: int) -> Sequence[AttendanceRecord]:
        query = select(AttendanceRecord).where(_attendance.assembly_id == assembly_id)
        return self.session.scalars(query.order_by(_attendance.member_code)).all()

    def attendance_of(self, assembly_id: int, member_code: str) -> AttendanceRecord | None:
        query = select(AttendanceRecord).where(
            _attendance.assembly_id == assembly_id, _attendance.member_code == member_code
        )
        return self.session.scalars(query).one_or_none()

    def remove_attendance(self, record: AttendanceRecord) -> None:
        self.session.delete(record)
        self._flush()

    def proxies_held(self, assembly_id: int, holder_code: str) -> Sequence[str]:
        """The associates represented by ``holder_code`` (blank proxies have no holder)."""
        self._flush()
        query = select(_attendance.member_code).where(
            _attendance.assembly_id == assembly_id,
            _attendance.holder_code == holder_code,
            _attendance.mode == Attendance.REPRESENTED,
        )
        # Sorted here: ordered by the database, SQLite walks the whole sheet in code order
        # rather than look the holder up in its index (a member's voting page, each time).
        return sorted(self.session.scalars(query))

    def proxy_counts(self, assembly_id: int, holder_codes: Sequence[str]) -> Mapping[str, int]:
        """How many proxies each of ``holder_codes`` holds, counted by the database for these
        holders only (a page of holders, not the thousand proxies of a large assembly)."""
        self._flush()
        query = select(_attendance.holder_code, func.count()).where(
            _attendance.assembly_id == assembly_id, _attendance.mode == Attendance.REPRESENTED
        )
        wanted = set(holder_codes)
        if len(wanted) <= _IN_LIST_MAX:  # else every holder, counted, then kept if wanted
            query = query.where(_attendance.holder_code.in_(sorted(wanted)))
        counted = self.session.execute(query.group_by(_attendance.holder_code))
        return {holder: int(count) for holder, count in counted if holder in wanted}

    def roll_page(
        self, assembly_id: int, query: RollQuery, offset: int, limit: int
    ) -> tuple[Sequence[RollEntry], int]:
        """One page of the roll, searched in SQL (35 000 associates are never all loaded): the
        name or code typed, case and common French accents ignored; signed or not."""
        self._flush()
        statement = select(RollEntry).where(_roll.assembly_id == assembly_id)
        signed = (
            select(_attendance.id)
            .where(
                _attendance.assembly_id == assembly_id,
                _attendance.member_code == _roll.member_code,
            )
            .exists()
        )
        if query.signed is True:
            statement = statement.where(signed)
        elif query.signed is False:
            statement = statement.where(~signed)
        if query.holders:
            holding = select(_attendance.id).where(
                _attendance.assembly_id == assembly_id,
                _attendance.member_code == _roll.member_code,
                _attendance.mode.in_([Attendance.PRESENT, Attendance.REMOTE]),
            )
            statement = statement.where(_roll.entitled.is_(True), holding.exists())
        ordered = statement.order_by(_roll.member_code).offset(offset).limit(limit)
        if query.search:
            # A search scans once: the page and, beside each row, how many match in all.
            statement = statement.where(self._matching(query.search))
            ordered = statement.order_by(_roll.member_code).offset(offset).limit(limit)
            rows = self.session.execute(ordered.add_columns(func.count().over())).all()
            if rows:
                return [row[0] for row in rows], int(rows[0][1])
        if query.signed is None and not query.holders and not query.search:
            total = self.roll_size(assembly_id)  # the whole roll: counted without walking it
        else:
            counted = select(func.count()).select_from(statement.subquery())
            total = int(self.session.scalar(counted) or 0)
        return self.session.scalars(ordered).all() if total else [], total

    def holders(self, assembly_id: int, limit: int) -> Sequence[tuple[str, str]]:
        """(code, name) of the first ``limit`` associates who may hold a proxy — entitled,
        attending in person or remotely — by member code, as plain columns (``roll_page``
        with ``RollQuery(holders=True)``, without a roll entry record per line)."""
        self._flush()
        # From the sheet, in its order, to the roll line of each: the sheet lists only those
        # who signed, the roll everyone (four lines walked in five otherwise, each with a
        # lookup of the sheet).
        same = and_(
            _roll.assembly_id == _attendance.assembly_id,
            _roll.member_code == _attendance.member_code,
        )
        query = (
            select(_roll.member_code, _roll.name)
            .select_from(assembly_attendance.join(assembly_roll, same))
            .where(
                _attendance.assembly_id == assembly_id,
                _attendance.mode.in_([Attendance.PRESENT, Attendance.REMOTE]),
                _roll.entitled.is_(True),
            )
            .order_by(_attendance.member_code)
            .limit(limit)
        )
        return [(code, name) for code, name in self.session.connection().execute(query).all()]

    def _matching(self, search: str) -> ColumnElement[bool]:
        """The name as typed, accents and case aside, or the code (upper case, as stored). A
        rough LIKE first, cheap on every row (each letter that may bear an accent, and any
        letter outside ASCII, becomes a one-character wildcard), then the exact fold on the rows
        it kept: a search among 35 000 names costs one plain scan, not 35 000 foldings."""
        sqlite = self.session.get_bind().dialect.name == "sqlite"
        folded = plain_text(search)
        escaped = like_escaped(folded)
        name: ColumnElement[bool] = _plain(_roll.name, sqlite).like(
            f"%{escaped}%", escape=LIKE_ESCAPE
        )
        if not any(pair in folded for pair in LIGATURE_LETTERS):  # « oe » may be one « œ »
            rough = "".join("_" if c in _ROUGH or not c.isascii() else c for c in escaped)
            # SQLite's LIKE ignores the case of ASCII letters by itself.
            plain = _roll.name if sqlite else func.lower(_roll.name)
            name = and_(plain.like(f"%{rough}%", escape=LIKE_ESCAPE), name)
        code = _roll.member_code.like(
            f"%{like_escaped(search.strip().upper())}%", escape=LIKE_ESCAPE
        )
        return or_(name, code)

    def attendance_around(
        self, assembly_id: int, member_codes: Sequence[str]
    ) -> Sequence[AttendanceRecord]:
        """The lines of these associates, and of those whose proxy they hold."""
        if not member_codes:
            return []
        self._flush()
        codes = list(member_codes)
        # Two lookups, each by its own index: SQLite serves « member IN … OR holder IN … » by
        # walking the whole sheet (3 000 lines: half a millisecond per member's page).
        found: dict[str, AttendanceRecord] = {}
        for column in (_attendance.member_code, _attendance.holder_code):
            query = select(AttendanceRecord).where(
                _attendance.assembly_id == assembly_id, column.in_(codes)
            )
            found.update((r.member_code, r) for r in self.session.scalars(query))
        return [found[code] for code in sorted(found)]

    def attendance_by_mode(self, assembly_id: int) -> Mapping[Attendance, int]:
        """How many associates signed the sheet in each mode (every mode, 0 included), from the
        sheet's running totals (migration 0013, kept by triggers): a few rows, not a GROUP BY
        over every line of the sheet."""
        self._flush()
        totals = assembly_attendance_totals.c
        query = (
            select(totals.mode, func.sum(totals.members))
            .where(totals.assembly_id == assembly_id)
            .group_by(totals.mode)
        )
        found = dict.fromkeys(Attendance, 0)
        for mode, count in self.session.execute(query):
            found[Attendance(mode)] = int(count or 0)
        return found

    # --- resolutions ---------------------------------------------------------------------

    def add_resolution(self, resolution: Resolution) -> None:
        self.session.add(resolution)
        self._flush()

    def resolutions(self, assembly_id: int) -> Sequence[Resolution]:
        query = select(Resolution).where(_resolutions.assembly_id == assembly_id)
        return self.session.scalars(query.order_by(_resolutions.number)).all()

    def resolution(self, assembly_id: int, number: int) -> Resolution | None:
        query = select(Resolution).where(
            _resolutions.assembly_id == assembly_id, _resolutions.number == number
        )
        return self.session.scalars(query).one_or_none()

    # --- ballots and counts --------------------------------------------------------------

    def add_vote(self, vote: Vote) -> None:
        """A plain INSERT (the row is never read back in the voter's transaction): a second
        ballot of the same voter raises Conflict (field voter) through the unit of work; its
        trigger raises the running total (migration 0013)."""
        row = {
            "assembly_id": vote.assembly_id, "resolution_id": vote.resolution_id,
            "voter_code": vote.voter_code, "cast_by": vote.cast_by, "college": vote.college,
            "choice": vote.choice, "recorded_at": vote.recorded_at,
            "recorded_by": vote.recorded_by,
        }  # fmt: skip
        with self._explained():
            self.session.connection().execute(_INSERT_VOTE, row)

    def add_votes(self, votes: Sequence[Vote]) -> None:
        """``add_vote`` for several rows in one statement (on PostgreSQL the trigger then
        raises the running totals once for them all)."""
        rows = [
            {"assembly_id": v.assembly_id, "resolution_id": v.resolution_id,
             "voter_code": v.voter_code, "cast_by": v.cast_by, "college": v.college,
             "choice": v.choice, "recorded_at": v.recorded_at, "recorded_by": v.recorded_by}
            for v in votes
        ]  # fmt: skip
        with self._explained():
            self.session.connection().execute(_INSERT_VOTE, rows)

    def voter_standing(
        self, assembly_id: int, resolution_id: int, voter_code: str
    ) -> VoterStanding | None:
        """One query by unique keys, whatever the size of the roll: the roll line, the
        attendance line, a ballot already cast on this resolution, its vote closed."""
        return self.voter_standings(assembly_id, resolution_id, [voter_code]).get(voter_code)

    def voter_standings(
        self, assembly_id: int, resolution_id: int, voter_codes: Sequence[str]
    ) -> dict[str, VoterStanding]:
        """``voter_standing`` of several voters, one query per ``_IN_LIST_MAX`` of them."""
        found: dict[str, VoterStanding] = {}
        codes = sorted(set(voter_codes))
        connection = self.session.connection()
        for start in range(0, len(codes), _IN_LIST_MAX):
            values = {
                "assembly": assembly_id, "resolution": resolution_id,
                "voters": codes[start : start + _IN_LIST_MAX],
            }  # fmt: skip
            for row in connection.execute(_STANDINGS, values):
                mode = None if row[4] is None else Attendance(row[4])
                found[row[0]] = VoterStanding(
                    row[1], bool(row[2]), row[3], mode, row[5], row[6], bool(row[7]), bool(row[8])
                )
        return found

    def has_voted(self, resolution_id: int, voter_code: str) -> bool:
        query = select(_votes.id).where(
            _votes.resolution_id == resolution_id, _votes.voter_code == voter_code
        )
        return self.session.scalar(query.limit(1)) is not None

    def voted(self, assembly_id: int, voter_code: str) -> bool:
        """Through the unique (resolution, voter) index, one probe per resolution."""
        resolution_ids = select(_resolutions.id).where(_resolutions.assembly_id == assembly_id)
        query = select(_votes.id).where(
            _votes.resolution_id.in_(resolution_ids), _votes.voter_code == voter_code
        )
        return self.session.scalar(query.limit(1)) is not None

    def votes_recorded(self, assembly_id: int) -> Mapping[int, int]:
        """Ballots recorded (open and secret) per resolution id, 0 for one without any: from
        the running totals (a few rows per resolution, migration 0013), not the ballots."""
        self._flush()
        recorded = dict.fromkeys(
            self.session.scalars(
                select(_resolutions.id).where(_resolutions.assembly_id == assembly_id)
            ),
            0,
        )
        query = (
            select(_totals.resolution_id, func.sum(_totals.ballots))
            .where(_totals.assembly_id == assembly_id)
            .group_by(_totals.resolution_id)
        )
        recorded.update({row[0]: int(row[1]) for row in self.session.execute(query)})
        return recorded

    def votes_of(self, assembly_id: int, voter_codes: Sequence[str]) -> Sequence[Vote]:
        """The vote rows of these associates at this assembly (receipts; a secret one has no
        choice), by voter then resolution id."""
        if not voter_codes:
            return []
        query = select(Vote).where(
            _votes.assembly_id == assembly_id, _votes.voter_code.in_(list(voter_codes))
        )
        return self.session.scalars(query.order_by(_votes.voter_code, _votes.resolution_id)).all()

    def receipt_stamps(self, assembly_id: int) -> Sequence[tuple[int, str, str, datetime]]:
        """What every ballot's receipt is computed from (resolution id, voter, cast by,
        recorded at), read as plain rows: the verification file lists them all."""
        query = select(
            _votes.resolution_id, _votes.voter_code, _votes.cast_by, _votes.recorded_at
        ).where(_votes.assembly_id == assembly_id)
        return [(row[0], row[1], row[2], row[3]) for row in self.session.execute(query)]

    def add_sealed_ballot(self, ballot: SealedBallot) -> None:
        """A plain INSERT: the ballot box row is never read back in the voter's transaction."""
        self.session.execute(
            insert(assembly_ballot_box).values(
                assembly_id=ballot.assembly_id, resolution_id=ballot.resolution_id,
                college=ballot.college, sealed=ballot.sealed,
            )
        )  # fmt: skip

    def sealed_ballots(self, resolution_id: int) -> Sequence[SealedBallot]:
        box = assembly_ballot_box.c
        rows = self.session.execute(
            select(box.assembly_id, box.resolution_id, box.college, box.sealed, box.id).where(
                box.resolution_id == resolution_id
            )
        )
        return [SealedBallot(*row) for row in rows]

    def add_vote_closing(self, closing: VoteClosing) -> None:
        """Flushed at once: closing the same vote twice raises Conflict."""
        self.session.add(closing)
        self._flush()

    def vote_closings(self, assembly_id: int) -> Mapping[int, VoteClosing]:
        """The closed votes of an assembly, by resolution id."""
        query = select(VoteClosing).where(assembly_vote_closings.c.assembly_id == assembly_id)
        return {c.resolution_id: c for c in self.session.scalars(query)}

    def create_counters(self, counters: Sequence[BallotCount]) -> None:
        if counters:
            self.session.execute(insert(assembly_counts), [_values(c) for c in counters])

    def raise_counter(self, resolution_id: int, college: str, choice: Choice) -> None:
        """One atomic UPDATE: concurrent secret ballots never lose a count."""
        statement = (
            update(assembly_counts)
            .where(
                _counts.resolution_id == resolution_id,
                _counts.college == college,
                _counts.choice == choice,
            )
            .values(count=_counts.count + 1)
        )
        result = cast(CursorResult[Any], self.session.execute(statement))
        if result.rowcount != 1:
            raise LookupError(
                f"aucun compteur pour la résolution {resolution_id}, collège « {college} », "
                f"choix {choice.label} : créez les compteurs avant les bulletins secrets"
            )

    def set_counts(
        self,
        assembly_id: int,
        resolution_id: int,
        college: str,
        counts: Mapping[Choice, int],
        source: CountSource,
    ) -> None:
        """The five cells of one college: those present are updated, the others inserted."""
        cell = (_counts.resolution_id == resolution_id, _counts.college == college)
        existing = {
            row[0]: row[1]
            for row in self.session.execute(select(_counts.choice, _counts.id).where(*cell))
        }
        missing = []
        for choice in Choice:
            count = counts.get(choice, 0)
            if choice in existing:
                statement = update(assembly_counts).where(_counts.id == existing[choice])
                self.session.execute(statement.values(count=count, source=source))
            else:
                missing.append(
                    BallotCount(assembly_id, resolution_id, college, choice, count, source)
                )
        self.create_counters(missing)

    def counted_colleges(self, assembly_id: int) -> Mapping[int, tuple[str, ...]]:
        """The colleges whose show-of-hands counts were entered, per resolution id (sorted)."""
        self._flush()
        query = (
            select(_counts.resolution_id, _counts.college)
            .where(_counts.assembly_id == assembly_id, _counts.source == CountSource.HANDS)
            .distinct()
            .order_by(_counts.resolution_id, _counts.college)
        )
        colleges: dict[int, list[str]] = defaultdict(list)
        for resolution_id, college in self.session.execute(query):
            colleges[resolution_id].append(college)
        return {resolution_id: tuple(codes) for resolution_id, codes in colleges.items()}

    # --- the tally's aggregates ----------------------------------------------------------

    def turnout(self, assembly_id: int) -> Mapping[str, CollegeTurnout]:
        """Every college on the roll or on the attendance sheet, counted per head."""
        self._flush()
        entitled = self._entitled_per_college(assembly_id)
        # The running totals of the sheet (migration 0013): a few rows, not every line.
        totals = assembly_attendance_totals.c
        present = select(totals.college, totals.mode, totals.members).where(
            totals.assembly_id == assembly_id, totals.members > 0
        )
        attending: dict[str, tuple[int, int]] = {}
        for college, mode, members in self.session.execute(present):
            signed, blank = attending.get(college, (0, 0))
            attending[college] = (
                signed + members,
                blank + (members if mode == Attendance.BLANK_PROXY.value else 0),
            )
        return {
            college: CollegeTurnout(
                college, entitled.get(college, 0), *attending.get(college, (0, 0))
            )
            for college in sorted(entitled.keys() | attending.keys())
        }

    def ballot_counts(self, assembly_id: int) -> Mapping[int, Mapping[str, Counts]]:
        """Open ballots from their running totals (migration 0013: the database counts them
        as they are cast, the tally reads a few rows, not 35 000 per resolution) plus the
        stored counts. Secret ballots' totals (choice ``''``) are participation only: skipped
        here, counted by their counters once the vote is closed."""
        self._flush()
        cells: dict[int, dict[str, dict[Choice, int]]] = defaultdict(
            lambda: defaultdict(lambda: dict.fromkeys(Choice, 0))
        )
        ballots = select(_totals.resolution_id, _totals.college, _totals.choice, _totals.ballots)
        counted = select(_counts.resolution_id, _counts.college, _counts.choice, _counts.count)
        for statement in (
            ballots.where(_totals.assembly_id == assembly_id),
            counted.where(_counts.assembly_id == assembly_id),
        ):
            for resolution_id, college, choice, count in self.session.execute(statement):
                if choice:  # '' or None: a secret ballot, counted by its counter
                    cells[resolution_id][college][Choice(choice)] += count
        return {
            resolution_id: {college: Counts.of(counts) for college, counts in colleges.items()}
            for resolution_id, colleges in cells.items()
        }

    # --- signatures ----------------------------------------------------------------------

    def add_signature(self, signatory: Signatory) -> None:
        self.session.add(signatory)
        self._flush()

    def signatures(self, assembly_id: int) -> Sequence[Signatory]:
        query = select(Signatory).where(assembly_signatures.c.assembly_id == assembly_id)
        return self.session.scalars(query.order_by(assembly_signatures.c.id)).all()


_ROUGH = frozenset("aeiouyc")  # letters that may bear an accent (and any non-ASCII letter)
LIGATURE_LETTERS = ("oe", "ae")


def _plain(column: ColumnElement[str], sqlite: bool) -> ColumnElement[str]:
    """The column as ``plain_text`` folds a search: accents and ligatures removed, casefolded
    (SQLite: the same Python function, registered as ``gv_plain``)."""
    if sqlite:
        return func.gv_plain(column)
    expression: ColumnElement[str] = func.translate(column, ACCENTED, UNACCENTED)
    for ligature, letters in LIGATURES.items():
        expression = func.replace(expression, ligature, letters)
    return func.lower(expression)


def _values(row: RollEntry | RollDraft | BallotCount) -> dict[str, Any]:
    """The columns of a dataclass row for a multi-row INSERT (the database numbers it)."""
    return {
        name: value
        for name, value in vars(row).items()
        if name != "id" and not name.startswith("_")
    }
