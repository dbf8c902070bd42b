"""Long work in the background of the web process, and how far it got, for a page to show.

Issuing a batch for a large registry or laying out its letters takes seconds: the page that asks
for it starts a *job* here and answers at once with the job's progress page, which asks for the
job's state until it is done, then goes to the result. A job runs in a thread of this process,
calls a service with its ``progress`` callback (``gouvernance.services.progress``) and keeps
what it produced: an address to go to, or a file to download, or the French reason it failed.

Jobs live in memory only: they are a way to wait, not a record (the services write their own
records and audit entries). A job belongs to the account that started it; its identifier is
random; finished jobs are forgotten after an hour, or sooner when many pile up. The same
request sent twice (same key, same account) is the same job: a double click starts one.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from gouvernance.domain.errors import GouvernanceError, NotFound
from gouvernance.services.ledger.ledger_views import Document
from gouvernance.services.progress import Progress

log = logging.getLogger("gouvernance.web.jobs")

UNEXPECTED = (
    "Une erreur inattendue a interrompu ce travail : rien n'a été enregistré. "
    "Recommencez ; si l'erreur revient, signalez-la à l'administrateur."
)


@dataclass(frozen=True)
class Outcome:
    """What a job produced: where to go next, or a file to hand over, what to say, links to
    the next step (label, address), and a report a page of its own knows how to show."""

    redirect: str | None = None
    document: Document | None = None
    lines: tuple[str, ...] = ()
    links: tuple[tuple[str, str], ...] = ()
    report: object | None = None


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
        thread = threading.Thread(
            target=self._run, args=(job, work), name=f"travail-{job.id[:6]}", daemon=True
        )
        thread.start()
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

    def _run(self, job: Job, work: Work) -> None:
        try:
            with self._slots:
                outcome = work(job.progress)
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
            job._finished.set()

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


JOBS = JobRegistry()
