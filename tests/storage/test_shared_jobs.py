"""Background jobs kept in the database: what several server processes serving one PostgreSQL
database need (``web/jobs.py``, ``SharedJobs``). Two applications opened on the same database
stand for two processes; the tests run on SQLite and PostgreSQL alike."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from gouvernance.bootstrap import Application, bootstrap
from gouvernance.domain.audit import ChainHead
from gouvernance.domain.errors import NotFound
from gouvernance.domain.mail import MailKind
from gouvernance.server import create_server
from gouvernance.services.ledger.ledger_views import Document
from gouvernance.services.mail.outbox import MailReport, PaperLetter
from gouvernance.services.progress import Progress
from web.jobs import INTERRUPTED, JOBS, JobState, Outcome, SharedJobs, jobs_for

PDF = b"%PDF-1.7\n\x00\xff\xfe binary \x80 bytes"


@pytest.fixture
def other(database_url: str) -> Iterator[Application]:
    """A second process on the same database."""
    opened = bootstrap(database_url, migrate=False)
    yield opened
    opened.close()


def _until_finished(jobs: SharedJobs, job_id: str) -> None:
    assert jobs.wait(job_id, timeout=30)


def test_a_job_started_by_one_process_is_followed_and_collected_from_another(
    app: Application, other: Application
) -> None:
    first, second = SharedJobs(app.uows, every=0), SharedJobs(other.uows)
    halfway, release = threading.Event(), threading.Event()
    report = MailReport(
        MailKind.CALLS, "LOT-2027-01", "appels du lot LOT-2027-01", "tresorerie@example.org",
        "127.0.0.1:2525", (), (), (), (),
        (PaperLetter("SAL01", "Salomé", "pas d'adresse électronique", "AC-1", "AC-1.pdf"),),
    )  # fmt: skip

    def work(progress: Progress) -> Outcome:
        progress(1, 4)
        halfway.set()
        release.wait(30)
        document = Document("lettres.pdf", "application/pdf", PDF, ChainHead(12, "ab" * 32))
        return Outcome(document=document, lines=("Prêt.",), links=(("Revenir", "/"),),
                       report=report)  # fmt: skip

    job = first.start("tresorier", "Lettres du lot", work, back="/tresorerie", key="k1")
    assert halfway.wait(30)
    seen = second.get(job.id, "tresorier")
    assert (seen.state, seen.done, seen.total, seen.percent) == (JobState.RUNNING, 1, 4, 25)
    release.set()
    _until_finished(first, job.id)
    done = second.get(job.id, "tresorier")
    assert done.state is JobState.DONE and done.percent == 100
    assert done.outcome is not None and done.outcome.document is not None
    assert done.outcome.document.content == PDF
    assert done.outcome.document.journal == ChainHead(12, "ab" * 32)
    assert done.outcome.lines == ("Prêt.",) and done.outcome.links == (("Revenir", "/"),)
    assert done.outcome.report == report


def test_the_same_request_sent_to_two_processes_is_one_job(
    app: Application, other: Application
) -> None:
    first, second = SharedJobs(app.uows), SharedJobs(other.uows)
    release = threading.Event()
    job = first.start("tresorier", "Émission", lambda _: _wait(release), back="/", key="k2")
    again = second.start("tresorier", "Émission", lambda _: _wait(release), back="/", key="k2")
    assert again.id == job.id
    release.set()
    _until_finished(first, job.id)


def test_a_job_is_shown_to_the_account_that_started_it_only(
    app: Application, other: Application
) -> None:
    first, second = SharedJobs(app.uows), SharedJobs(other.uows)
    job = first.start("tresorier", "Émission", lambda _: Outcome(redirect="/"), back="/")
    _until_finished(first, job.id)
    with pytest.raises(NotFound):
        second.get(job.id, "admin")
    with pytest.raises(NotFound):
        second.get("inconnu", "tresorier")


def test_a_job_whose_process_stopped_says_it_was_interrupted(
    app: Application, other: Application
) -> None:
    first = SharedJobs(app.uows, beat=3600)
    release = threading.Event()
    job = first.start("tresorier", "Envoi", lambda _: _wait(release), back="/tresorerie")
    later = SharedJobs(other.uows, wall=lambda: time.time() + 121)
    seen = later.get(job.id, "tresorier")
    assert seen.state is JobState.FAILED and seen.error == INTERRUPTED
    assert first.get(job.id, "tresorier").state is JobState.RUNNING  # its own process knows
    release.set()
    _until_finished(first, job.id)


def test_a_failed_job_keeps_its_reason_and_problems_for_the_other_process(
    app: Application, other: Application
) -> None:
    from gouvernance.domain.errors import InvalidInput

    def refused(_: Progress) -> Outcome:
        raise InvalidInput("le barème « x » n'existe pas", field="schedule")

    first, second = SharedJobs(app.uows), SharedJobs(other.uows)
    job = first.start("tresorier", "Émission", refused, back="/tresorerie/lots")
    _until_finished(first, job.id)
    seen = second.get(job.id, "tresorier")
    assert seen.state is JobState.FAILED
    assert seen.error == "le barème « x » n'existe pas" and seen.back == "/tresorerie/lots"


def test_the_last_progress_is_written_with_the_result_whatever_the_pace_of_writes(
    app: Application, other: Application
) -> None:
    first = SharedJobs(app.uows, every=3600)  # after the first, no progress write on its own

    def counted(progress: Progress) -> Outcome:
        for done in range(1, 43):
            progress(done, 42)
        return Outcome(redirect="/tresorerie/lots")

    job = first.start("tresorier", "Émission", counted, back="/")
    _until_finished(first, job.id)
    seen = SharedJobs(other.uows).get(job.id, "tresorier")
    assert (seen.state, seen.done, seen.total) == (JobState.DONE, 42, 42)


def test_finished_jobs_are_forgotten_after_their_lifetime(
    app: Application, other: Application
) -> None:
    first = SharedJobs(app.uows)
    job = first.start("tresorier", "Émission", lambda _: Outcome(redirect="/"), back="/")
    _until_finished(first, job.id)
    later = SharedJobs(other.uows, wall=lambda: time.time() + 3601)
    later.start("tresorier", "Suivant", lambda _: Outcome(redirect="/"), back="/")
    with pytest.raises(NotFound):
        SharedJobs(other.uows).get(job.id, "tresorier")


def test_sqlite_keeps_its_jobs_in_the_process_and_postgresql_in_the_database(
    app: Application,
) -> None:
    registry = jobs_for(app)
    if app.embedded:
        assert registry is JOBS
    else:
        assert isinstance(registry, SharedJobs) and jobs_for(app) is registry
    assert datetime.now(UTC)  # the wall clock the shared rows are dated with


def test_the_progress_page_served_by_another_process_follows_the_job_to_its_file(
    app: Application,
    other: Application,
    demo_loader: Callable[[str], None],
    database_url: str,
) -> None:
    demo_loader(database_url)
    release = threading.Event()

    def letters(progress: Progress) -> Outcome:
        progress(3, 4)
        release.wait(30)
        return Outcome(document=Document("lettres.pdf", "application/pdf", PDF),
                       lines=("Les lettres sont prêtes.",))  # fmt: skip

    job = jobs_for(app).start("tresorier", "Lettres du lot", letters, back="/tresorerie")
    with TestClient(create_server(other), base_url="https://testserver") as client:
        client.headers["Accept"] = "text/html"
        page = client.get("/connexion")
        signed = client.post(
            "/connexion",
            data={"csrf": _csrf(page.text), "username": "tresorier",
                  "password": "demo-tresorier"},
            follow_redirects=False,
        )  # fmt: skip
        assert signed.status_code == 303
        _until(lambda: client.get(f"/tresorerie/travaux/{job.id}/etat").json()["done"] == 3)
        running = client.get(f"/tresorerie/travaux/{job.id}")
        assert "Lettres du lot" in running.text and 'value="75"' in running.text
        release.set()
        _until(lambda: client.get(f"/tresorerie/travaux/{job.id}/etat").json()["state"] == "done")
        finished = client.get(f"/tresorerie/travaux/{job.id}")
        assert "Les lettres sont prêtes." in finished.text and "lettres.pdf" in finished.text
        download = client.get(f"/tresorerie/travaux/{job.id}/fichier")
        assert download.status_code == 200 and download.content == PDF


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, "la page de connexion n'a pas de formulaire protégé"
    return found.group(1)


def _until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, "le travail n'avance pas"
        time.sleep(0.02)


def _wait(release: threading.Event) -> Outcome:
    release.wait(30)
    return Outcome(redirect="/")
