"""What the server processes share through the database: background jobs, failed sign-ins.

Working state (migration 0017), kept in tables so that several processes serving one PostgreSQL
database see the same: a job started by one is followed from another, a failed sign-in counts
against one budget. Plain statements on plain tables; the rows are deleted once stale.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import fields
from datetime import datetime

from sqlalchemy import ColumnElement, Table, and_, delete, func, or_, select, update
from sqlalchemy.orm import Session

from gouvernance.persistence.orm import background_jobs, sign_in_failures, sign_in_locks
from gouvernance.persistence.repositories import _lock
from gouvernance.services.ports import JobRow

_SIGN_IN_LOCK = 7_203_004  # an advisory-lock key, as ``repositories.py``'s
_JOB_COLUMNS = [background_jobs.c[field.name] for field in fields(JobRow)]
_FINISHED = (
    "state",
    "done",
    "total",
    "outcome",
    "document",
    "error",
    "problems",
    "finished_at",
    "seen_at",
)


class SqlJobBoard:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: JobRow) -> None:
        values = {field.name: getattr(row, field.name) for field in fields(JobRow)}
        self.session.execute(background_jobs.insert().values(**values))

    def get(self, job_id: str) -> JobRow | None:
        return self._one(background_jobs.c.id == job_id)

    def by_request(self, owner: str, request_key: str) -> JobRow | None:
        return self._one(
            and_(background_jobs.c.owner == owner, background_jobs.c.request_key == request_key)
        )

    def progress(self, job_id: str, done: int, total: int, seen_at: datetime) -> None:
        self.session.execute(
            update(background_jobs)
            .where(background_jobs.c.id == job_id, background_jobs.c.finished_at.is_(None))
            .values(done=done, total=total, seen_at=seen_at)
        )

    def touch(self, job_ids: Collection[str], seen_at: datetime) -> None:
        if job_ids:
            self.session.execute(
                update(background_jobs)
                .where(background_jobs.c.id.in_(list(job_ids)))
                .values(seen_at=seen_at)
            )

    def finish(self, row: JobRow) -> None:
        self.session.execute(
            update(background_jobs)
            .where(background_jobs.c.id == row.id)
            .values({name: getattr(row, name) for name in _FINISHED})
        )

    def forget_finished_before(self, moment: datetime) -> None:
        self.session.execute(delete(background_jobs).where(background_jobs.c.finished_at < moment))

    def _one(self, condition: ColumnElement[bool]) -> JobRow | None:
        found = self.session.execute(select(*_JOB_COLUMNS).where(condition)).one_or_none()
        return None if found is None else JobRow(*found)


class SqlFailedSignIns:
    def __init__(self, session: Session) -> None:
        self.session = session

    def lock(self) -> None:
        """Serialise the counting: two failures at once must not both count below budget."""
        _lock(self.session, _SIGN_IN_LOCK)

    def lock_end(self, subjects: Collection[tuple[str, str]], now: datetime) -> datetime | None:
        if not subjects:
            return None
        end: datetime | None = self.session.execute(
            select(func.max(sign_in_locks.c.until)).where(
                sign_in_locks.c.until > now,
                or_(*(_is(sign_in_locks, scope, subject) for scope, subject in subjects)),
            )
        ).scalar_one()
        return end

    def add_failure(self, scope: str, subject: str, at: datetime) -> None:
        self.session.execute(sign_in_failures.insert().values(scope=scope, subject=subject, at=at))

    def failures_since(self, scope: str, subject: str, since: datetime) -> int:
        return int(
            self.session.execute(
                select(func.count())
                .select_from(sign_in_failures)
                .where(_is(sign_in_failures, scope, subject), sign_in_failures.c.at > since)
            ).scalar_one()
        )

    def clear(self, scope: str, subject: str) -> None:
        self.session.execute(delete(sign_in_failures).where(_is(sign_in_failures, scope, subject)))

    def add_lock(self, scope: str, subject: str, until: datetime) -> None:
        self.session.execute(
            sign_in_locks.insert().values(scope=scope, subject=subject, until=until)
        )

    def forget_before(self, failures: datetime, locks: datetime) -> None:
        self.session.execute(delete(sign_in_failures).where(sign_in_failures.c.at < failures))
        self.session.execute(delete(sign_in_locks).where(sign_in_locks.c.until < locks))


def _is(table: Table, scope: str, subject: str) -> ColumnElement[bool]:
    return and_(table.c.scope == scope, table.c.subject == subject)
