"""Long work in the background of the web process, and how far it got, for a page to show.

Issuing a batch for a large registry or laying out its letters takes seconds: the page that asks
for it starts a *job* here and answers at once with the job's progress page, which asks for the
job's state until it is done, then goes to the result. A job runs in a thread of this process,
calls a service with its ``progress`` callback (``gouvernance.services.progress``) and keeps
what it produced: an address to go to, or a file to download, or the French reason it failed.

Jobs are a way to wait, not a record (the services write their own records and audit
entries). A job belongs to the account that started it; its identifier is random; finished jobs
are forgotten after an hour. The same request sent twice (same key, same account) is the same
job: a double click starts one. Where they are kept depends on who serves the pages
(``jobs_for``):

- SQLite, one server process: in memory (``JobRegistry``, ``JOBS``), the oldest finished
  forgotten sooner when many pile up. A job's progress is the thread's own counter: on SQLite a
  write from beside the job would wait for the job's own transaction.
- PostgreSQL, served by several processes: in the database too (``SharedJobs``, migration
  0017), so that the progress page finds the job whichever process answers it. The running
  process writes the progress (twice a second at most) and touches its jobs every few seconds;
  a job nobody touched for two minutes belonged to a process that stopped, and says so.
"""

from __future__ import annotations

import functools
import json
import logging
import secrets
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from pydantic import TypeAdapter

from gouvernance.bootstrap import Application
from gouvernance.domain.errors import Conflict, GouvernanceError, NotFound
from gouvernance.services.ledger.ledger_views import Document
from gouvernance.services.mail.outbox import MailReport
from gouvernance.services.ports import JobRow, UnitOfWork, UnitOfWorkFactory
from gouvernance.services.progress import Progress

log = logging.getLogger("gouvernance.web.jobs")

UNEXPECTED = (
    "Une erreur inattendue a interrompu ce travail : rien n'a été enregistré. "
    "Recommencez ; si l'erreur revient, signalez-la à l'administrateur."
)
INTERRUPTED = (
    "le serveur qui faisait ce travail s'est arrêté avant la fin. Ce qui était fini est "
    "enregistré, le reste non : recommencez depuis la page de départ (rien ne sera fait deux "
    "fois)."
)


@dataclass(frozen=True)
class Outcome:
    """What a job produced: where to go next, or a file to hand over, what to say, links to
    the next step (label, address), and a report a page of its own knows how to show."""

    redirect: str | None = None
    document: Document | None = None
    lines: tuple[str, ...] = ()
    links: tuple[tuple[str, str], ...] = ()
    report: MailReport | None = None


Work = Callable[[Progress], Outcome]


class JobState(StrEnum):
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@dataclass
class Job:
    id: str
    owner: str
    title: str
    back: str  # the page the person came from: where a failed job sends them back
    started_at: float
    done: int = 0
    total: int = 0
    state: JobState = JobState.RUNNING
    outcome: Outcome | None = None
    error: str | None = None
    problems: tuple[str, ...] = ()
    finished_at: float | None = None
    _finished: threading.Event = field(default_factory=threading.Event, repr=False)

    def progress(self, done: int, total: int) -> None:
        """The services' callback: called from the job's thread, read by the pages."""
        self.done, self.total = max(done, 0), max(total, 0)

    @property
    def percent(self) -> int | None:
        """How far the job got, when the service said so; ``None`` while it has not."""
        if self.state is not JobState.RUNNING:
            return 100
        if self.total <= 0:
            return None
        return min(100, self.done * 100 // self.total)


class JobRegistry:
    """The jobs of this process. ``clock`` is injectable: the tests never wait for real."""

    def __init__(
        self,
        *,
        keep: int = 40,
        lifetime: float = 3600.0,
        parallel: int = 2,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.keep = keep
        self.lifetime = lifetime
        self.clock = clock
        self._jobs: dict[str, Job] = {}
        self._by_key: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(parallel)  # the machine's cores, not more

    def start(
        self, owner: str, title: str, work: Work, *, back: str, key: str | None = None
    ) -> Job:
        """Run ``work`` in the background for ``owner``; the same ``key`` again (from the same
        account) returns the job already started instead of starting another."""
        with self._lock:
            self._forget_old()
            if key is not None and (known := self._by_key.get((owner, key))) in self._jobs:
                return self._jobs[known]
            job = Job(secrets.token_urlsafe(16), owner, title, back, self.clock())
            self._jobs[job.id] = job
            if key is not None:
                self._by_key[(owner, key)] = job.id
        self._launch(job, work)
        return job

    def get(self, job_id: str, owner: str) -> Job:
        """The job, to the account that started it only: anyone else is told it does not
        exist (as an expired one is)."""
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None or job.owner != owner:
            raise NotFound(
                "ce travail n'existe pas ou n'est plus suivi (un travail terminé est oublié "
                "au bout d'une heure) : recommencez depuis la page de départ",
                field="job",
            )
        return job

    def wait(self, job_id: str, timeout: float = 30.0) -> bool:
        """Block until the job is finished (tests, and nothing else); False on timeout."""
        with self._lock:
            job = self._jobs.get(job_id)
        return job is not None and job._finished.wait(timeout)

    def _launch(self, job: Job, work: Work) -> None:
        threading.Thread(
            target=self._run, args=(job, work), name=f"travail-{job.id[:6]}", daemon=True
        ).start()

    def _run(self, job: Job, work: Work) -> None:
        try:
            with self._slots:
                outcome = work(self._progress_of(job))
            job.outcome = outcome
            job.state = JobState.DONE
        except GouvernanceError as error:
            job.error = error.message
            job.problems = tuple(problem.message for problem in error.problems or ())
            job.state = JobState.FAILED
        except Exception:
            log.exception("travail « %s » interrompu", job.title)
            job.error = UNEXPECTED
            job.state = JobState.FAILED
        finally:
            job.finished_at = self.clock()
            self._finished(job)
            job._finished.set()

    def _progress_of(self, job: Job) -> Progress:
        return job.progress

    def _finished(self, job: Job) -> None:
        """Called once the job's outcome is known, before anyone waiting is told."""

    def _forget_old(self) -> None:
        """Finished jobs older than ``lifetime``, then the oldest finished beyond ``keep``."""
        now = self.clock()
        finished = sorted(
            (j for j in self._jobs.values() if j.finished_at is not None),
            key=lambda j: j.finished_at or 0.0,
        )
        expired = [j for j in finished if now - (j.finished_at or now) > self.lifetime]
        surplus = max(len(self._jobs) - len(expired) - self.keep + 1, 0)
        kept_finished = [j for j in finished if j not in expired]
        for job in [*expired, *kept_finished[:surplus]]:
            del self._jobs[job.id]
        known = set(self._jobs)
        self._by_key = {k: v for k, v in self._by_key.items() if v in known}


class SharedJobs(JobRegistry):
    """The jobs in the database, for the processes serving one PostgreSQL database. This
    process runs the jobs it started (``_jobs``); any process reads any job's row."""

    def __init__(
        self,
        uows: UnitOfWorkFactory,
        *,
        lifetime: float = 3600.0,
        parallel: int = 2,
        stale: float = 120.0,
        beat: float = 20.0,
        every: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(lifetime=lifetime, parallel=parallel, clock=clock)
        self.uows = uows
        self.stale, self.beat, self.every, self.wall = stale, beat, every, wall
        self._written: dict[str, float] = {}  # when each job's progress was last written
        self._beating = False

    def start(
        self, owner: str, title: str, work: Work, *, back: str, key: str | None = None
    ) -> Job:
        now = self._now()
        row = JobRow(
            secrets.token_urlsafe(16), owner, key, title, back, JobState.RUNNING.value, 0, 0,
            started_at=now, seen_at=now,
        )  # fmt: skip
        try:
            with self.uows() as uow:
                uow.jobs.forget_finished_before(now - timedelta(seconds=self.lifetime))
                known = uow.jobs.by_request(owner, key) if key is not None else None
                if known is not None:
                    return self._job(known)
                uow.jobs.add(row)
                uow.commit()
        except Conflict:  # the same request, at the same moment, through another process
            with self.uows() as uow:
                if key is None or (known := uow.jobs.by_request(owner, key)) is None:
                    raise
            return self._job(known)
        job = Job(row.id, owner, title, back, self.clock())
        with self._lock:
            self._forget_old()
            self._jobs[job.id] = job
            beating, self._beating = self._beating, True
        if not beating:
            threading.Thread(target=self._keep_alive, name="travaux-vivants", daemon=True).start()
        self._launch(job, work)
        return job

    def get(self, job_id: str, owner: str) -> Job:
        """A job this process runs is read from memory (its progress is the latest); any
        other from its row."""
        with self._lock:
            ours = job_id in self._jobs
        if ours:
            return super().get(job_id, owner)
        with self.uows() as uow:
            row = uow.jobs.get(job_id)
        if row is None or row.owner != owner:
            return super().get("", owner)  # the same « n'existe pas »
        job = self._job(row)
        if job.state is JobState.RUNNING and self._now() - row.seen_at > timedelta(
            seconds=self.stale
        ):
            job.state, job.error = JobState.FAILED, INTERRUPTED
        return job

    def _progress_of(self, job: Job) -> Progress:
        def progress(done: int, total: int) -> None:
            job.progress(done, total)
            moment = self.clock()
            if moment - self._written.get(job.id, -self.every) < self.every:
                return
            self._written[job.id] = moment
            self._quietly(lambda uow: uow.jobs.progress(job.id, job.done, job.total, self._now()))

        return progress

    def _finished(self, job: Job) -> None:
        self._written.pop(job.id, None)
        outcome, document = _stored(job.outcome)
        row = JobRow(
            job.id, job.owner, None, job.title, job.back, job.state.value, job.done, job.total,
            started_at=self._now(), seen_at=self._now(), outcome=outcome, document=document,
            error=job.error, problems=json.dumps(job.problems, ensure_ascii=False),
            finished_at=self._now(),
        )  # fmt: skip
        self._quietly(lambda uow: uow.jobs.finish(row))

    def _keep_alive(self) -> None:
        """Touch the running jobs of this process every ``beat`` seconds, while there are."""
        while True:
            time.sleep(self.beat)
            with self._lock:
                running = [job.id for job in self._jobs.values() if job.finished_at is None]
                if not running:
                    self._beating = False
                    return
            self._quietly(functools.partial(_touch, running, self._now()))

    def _quietly(self, write: Callable[[UnitOfWork], None]) -> None:
        """A write of the job's state: a failure is logged, never the job's own failure."""
        try:
            with self.uows() as uow:
                write(uow)
                uow.commit()
        except Exception:
            log.exception("état d'un travail non enregistré")

    def _job(self, row: JobRow) -> Job:
        job = Job(row.id, row.owner, row.title, row.back, row.started_at.timestamp())
        job.done, job.total, job.state = row.done, row.total, JobState(row.state)
        job.outcome = _outcome(row.outcome, row.document)
        job.error, job.problems = row.error, tuple(json.loads(row.problems))
        job.finished_at = row.finished_at.timestamp() if row.finished_at else None
        return job

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self.wall(), UTC)


def _touch(job_ids: list[str], moment: datetime, uow: UnitOfWork) -> None:
    uow.jobs.touch(job_ids, moment)


_OUTCOME = TypeAdapter(Outcome)


def _stored(outcome: Outcome | None) -> tuple[str | None, bytes | None]:
    """The outcome as JSON, and apart the bytes of its file (not JSON: a PDF)."""
    if outcome is None:
        return None, None
    document = outcome.document
    bare = replace(outcome, document=replace(document, content=b"")) if document else outcome
    return _OUTCOME.dump_json(bare).decode(), document.content if document else None


def _outcome(stored: str | None, content: bytes | None) -> Outcome | None:
    if stored is None:
        return None
    outcome = _OUTCOME.validate_json(stored)
    if outcome.document is not None and content is not None:
        outcome = replace(outcome, document=replace(outcome.document, content=content))
    return outcome


JOBS = JobRegistry()
_SHARED: weakref.WeakKeyDictionary[object, SharedJobs] = weakref.WeakKeyDictionary()
_SHARED_LOCK = threading.Lock()


def jobs_for(application: Application) -> JobRegistry:
    """Where the jobs of the pages this application serves are kept: in this process for
    SQLite, in the database for PostgreSQL (one ``SharedJobs`` per database opened)."""
    if application.embedded:
        return JOBS
    with _SHARED_LOCK:
        shared = _SHARED.get(application.uows)
        if shared is None:
            shared = _SHARED[application.uows] = SharedJobs(application.uows)
        return shared
