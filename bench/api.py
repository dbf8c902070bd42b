"""Lectures de l'API sous charge : 20 clients simultanés, un registre de 10 000 membres.

L'application est servie comme en production : ``gouvernance serve`` (uvicorn, ses réglages
par défaut pour la base, dont le nombre de processus) dans un processus à part, sur 127.0.0.1,
sur une base préparée d'avance (``bench/dataset.py`` : la démonstration, 10 000 membres
synthétiques, le lot d'appels 2027 émis). Vingt clients (un seul processus, ``asyncio``, une
connexion HTTP/1.1 persistante chacun, sans bibliothèque : ``bench/http_load.py``, partagé avec
``bench/web_pages.py`` ; le générateur de charge ne doit pas prendre au serveur le processeur
qu'il mesure) demandent tour à tour, pendant ``--duree`` secondes (10 par défaut) :

- la liste des membres (``/members?limit=50``) ;
- une recherche par nom (``/members?search=…``, sans accents ni majuscules : « societe ») ;
- une fiche (``/members/{code}``) ;
- le solde d'un membre et ses appels (``/members/{code}/balance``) ;
- l'explication de sa cotisation (``/fees/explanations/{code}``, barèmes adoptés) ;
- le compte connecté (``/me``, la plus simple des lectures authentifiées).

**Référence**, dans la même exécution et mesurée de la même façon : une application FastAPI
minimale servie par uvicorn avec les mêmes réglages (même nombre de processus), sur la même base,
qui répond aux mêmes chemins par **une** requête SQL écrite à la main chacun, sans
authentification ni contrôle. Cible : 95ᵉ centile ≤ 50 ms et ≤ 2 × la référence, sur SQLite et
sur PostgreSQL (``GOUVERNANCE_BENCH_DATABASE_URL``, voir ``bench/shared.py``).

``--pages`` mesure aussi les pages web de ``bench/web_pages.py`` (session par cookie), servies
par le même serveur. ``--membres N`` change la taille du registre, ``--sqlite`` ne mesure que
SQLite, ``--postgresql`` que PostgreSQL ; ``--processus N`` sert PostgreSQL par N processus
(SQLite : toujours un).

Lancer : ``.venv/bin/python bench/api.py``. Dernière ligne : un objet JSON (``seconds`` : le
95ᵉ centile des lectures de l'API, toutes routes mêlées, sur la base au plus mauvais rapport ;
``reference_seconds`` : celui de la référence).
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dataset
import http_load
from api_reference import ACCOUNT, CLIENTS
from http_load import Load, load
from shared import EVENT_LOOP, count, empty_postgres, postgres_url, summary_line

DEFAULT_SECONDS = 10.0
TARGET_P95 = 0.050
TARGET_RATIO = 2.0
EXPLAINED = "MISTRAL"
SEARCHES = ("societe", "structure%2012", "nom77", "prenom4", "mistral", "ressource")

# (label, path of the application, path of the reference)
Request = tuple[str, str, str]


def plan(members_count: int) -> list[Request]:
    """Rounds of the six reads, on a fixed sample of members."""
    rng = random.Random(dataset.SEED)
    synthetic = [f"M{n:06d}" for n in range(1, members_count + 1)]
    codes = [EXPLAINED, *rng.sample(synthetic, 9)]
    requests: list[Request] = []
    for turn, code in enumerate(codes):
        term = SEARCHES[turn % len(SEARCHES)]
        requests += [
            ("liste (50)", "/members?limit=50", "/members?limit=50"),
            ("recherche", f"/members?search={term}&limit=50", f"/members?search={term}"),
            ("fiche", f"/members/{code}", f"/members/{code}"),
            ("solde", f"/members/{code}/balance", f"/members/{code}/balance"),
            ("explication", f"/fees/explanations/{code}", f"/explanations/{code}"),
            ("/me", "/me", "/me"),
        ]
    return requests


ROUTES = ("liste (50)", "recherche", "fiche", "solde", "explication", "/me")


# --- the reference (child process) ------------------------------------------------------------


def serve_reference(port: int, workers: int) -> None:
    import uvicorn

    # As gouvernance/cli/setup.py ``_serve`` does: same workers, same log (access log included).
    # ``app_dir``: this folder, where the reference lives (``bench/api_reference.py``); each
    # worker process imports it by that name.
    uvicorn.run(
        "api_reference:reference_app", factory=True, host="127.0.0.1", port=port, workers=workers,
        log_level="info", app_dir=str(Path(__file__).resolve().parent), loop=EVENT_LOOP,
    )  # fmt: skip


# --- the servers -------------------------------------------------------------------------------


@dataclass
class Server:
    child: subprocess.Popen[bytes]
    port: int
    log: Path

    def stop(self) -> None:
        self.child.terminate()
        try:
            self.child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.child.kill()


def start(command: list[str], url: str, port: int, log: Path, workers: int) -> Server:
    environment = {**os.environ, "GOUVERNANCE_TODAY": dataset.TODAY}
    environment["GOUVERNANCE_DATABASE_URL"] = url
    environment["GOUVERNANCE_WORKERS"] = str(workers)
    with log.open("wb") as output:
        child = subprocess.Popen(command, env=environment, stdout=output, stderr=output)
    if http_load.serving(child, port):
        return Server(child, port, log)
    sys.exit(f"le serveur ne répond pas sur le port {port} :\n{log.read_text()[-2000:]}")


def start_application(url: str, folder: Path, workers: int) -> Server:
    """``gouvernance serve``, as an administrator would start it."""
    port = http_load.free_port()
    program = str(Path(sys.executable).with_name("gouvernance"))
    command = [program, "serve", "--host", "127.0.0.1", "--port", str(port), "--database", url]
    return start(command, url, port, folder / "application.log", workers)


def start_reference(url: str, folder: Path, workers: int) -> Server:
    port = http_load.free_port()
    command = [sys.executable, __file__, "--reference", str(port), str(workers)]
    return start(command, url, port, folder / "reference.log", workers)


def workers_for(chosen: int | None, url: str) -> int:
    """``--processus N``, else what ``gouvernance serve`` starts by default on that database
    (SQLite: one; PostgreSQL: one per core, at most three)."""
    from gouvernance.cli.setup import default_workers

    return chosen or default_workers(url)


# --- the load: bench/http_load.py (one process, asyncio, raw HTTP/1.1) -----------------------


# --- figures -------------------------------------------------------------------------------------


def _p(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}".replace(".", ",") + " ms"


def _figures(values: Sequence[float], seconds: float) -> dict[str, Any]:
    return {
        "requests": len(values),
        "per_second": round(len(values) / seconds, 1),
        "p50": round(_p(values, 0.5), 4),
        "p95": round(_p(values, 0.95), 4),
        "p99": round(_p(values, 0.99), 4),
    }


def _row(label: str, values: Sequence[float], seconds: float) -> str:
    return (
        f"  {label:<40} {count(len(values)):>8} {len(values) / seconds:>8.0f}/s "
        f"{_ms(_p(values, 0.5)):>10} {_ms(_p(values, 0.95)):>10} {_ms(_p(values, 0.99)):>10}"
    )


@dataclass
class Measure:
    name: str
    workers: int
    app: Load
    reference: Load
    members: int
    pages: Load | None = None
    seconds: float = field(init=False)  # 95th percentile of every read of the application
    reference_seconds: float = field(init=False)

    def __post_init__(self) -> None:
        self.seconds = _p([t for ts in self.app.times.values() for t in ts], 0.95)
        self.reference_seconds = _p([t for ts in self.reference.times.values() for t in ts], 0.95)

    @property
    def ratio(self) -> float:
        return self.seconds / self.reference_seconds

    def details(self) -> dict[str, Any]:
        every = [t for ts in self.app.times.values() for t in ts]
        reference = [t for ts in self.reference.times.values() for t in ts]
        found: dict[str, Any] = {
            "workers": self.workers,
            "within_target": self.seconds <= TARGET_P95 and self.ratio <= TARGET_RATIO,
            "all": _figures(every, self.app.seconds),
            "reference_all": _figures(reference, self.reference.seconds),
            "routes": {
                label: {
                    **_figures(self.app.times[label], self.app.seconds),
                    "reference": _figures(self.reference.times[label], self.reference.seconds),
                }
                for label in ROUTES
            },
            "errors": dict(self.app.errors + self.reference.errors),
        }
        if self.pages is not None:
            found["pages"] = {
                label: _figures(times, self.pages.seconds)
                for label, times in self.pages.times.items()
            }
        return found


def report(measure: Measure) -> None:
    print(
        f"{measure.name} ({measure.workers} processus) : {CLIENTS} clients, "
        f"{measure.app.seconds:.0f} s par mesure ; temps vus par le client"
    )
    print(f"  {'lecture':<40} {'requêtes':>8} {'débit':>10} {'p50':>10} {'p95':>10} {'p99':>10}")
    for label in ROUTES:
        print(_row(label, measure.app.times[label], measure.app.seconds))
        print(_row("  référence", measure.reference.times[label], measure.reference.seconds))
    every = [t for ts in measure.app.times.values() for t in ts]
    reference = [t for ts in measure.reference.times.values() for t in ts]
    print(_row("toutes les lectures", every, measure.app.seconds))
    print(_row("  référence", reference, measure.reference.seconds))
    if measure.pages is not None:
        print("  pages web (bench/web_pages.py) :")
        for label, times in measure.pages.times.items():
            print(_row(f"  {label}", times, measure.pages.seconds))
    for kind, errors in (measure.app.errors + measure.reference.errors).items():
        messages = {**measure.app.messages, **measure.reference.messages}
        print(f"  réponses en erreur : {kind} × {errors} — « {messages.get(kind, '')[:300]} »")
    if measure.pages is not None:
        for kind, errors in measure.pages.errors.items():
            print(f"  pages en erreur : {kind} × {errors}")
    within = measure.seconds <= TARGET_P95 and measure.ratio <= TARGET_RATIO
    print(
        f"  95ᵉ centile : {_ms(measure.seconds)} contre {_ms(measure.reference_seconds)} pour la "
        f"référence, rapport {measure.ratio:.2f} ; cible ≤ {_ms(TARGET_P95)} et ≤ "
        f"{TARGET_RATIO:.0f} × : {'tenue' if within else 'NON TENUE'}"
    )


def measure(
    name: str, url: str, members_count: int, seconds: float, pages: bool, workers: int
) -> Measure:
    started = time.perf_counter()
    total = dataset.prepare(url, members_count)
    print(
        f"{name} : démonstration + {count(members_count)} membres synthétiques = {count(total)} "
        f"membres, appels 2027 émis ({time.perf_counter() - started:.1f} s)"
    )
    requests = plan(members_count)
    with tempfile.TemporaryDirectory() as logs:
        folder = Path(logs)
        reference = start_reference(url, folder, workers)
        try:
            plain = [b""] * CLIENTS
            measured_reference = load(
                reference.port, [(label, ref) for label, _, ref in requests], plain, seconds
            )
        finally:
            reference.stop()
        server = start_application(url, folder, workers)
        try:
            base = f"http://127.0.0.1:{server.port}"
            tokens = [http_load.sign_in(base, ACCOUNT) for _ in range(CLIENTS)]
            bearer = [f"Authorization: Bearer {t}\r\n".encode() for t in tokens]
            measured = load(
                server.port, [(label, path) for label, path, _ in requests], bearer, seconds
            )
            web = measure_pages(server.port, seconds) if pages else None
        finally:
            server.stop()
            if server.child.returncode not in (0, -15, None):
                print(server.log.read_text()[-2000:])
    return Measure(name, workers, measured, measured_reference, total, web)


def measure_pages(port: int, seconds: float) -> Load:
    """The pages of bench/web_pages.py, each by its account's session cookie."""
    import web_pages

    accounts = sorted({account for _, account in web_pages.PAGES if account})
    base = f"http://127.0.0.1:{port}"
    cookies: list[dict[str, str]] = [
        {account: http_load.sign_in(base, account) for account in accounts} for _ in range(CLIENTS)
    ]
    # One cookie header per client holds one session: pages are grouped by account.
    results = Load()
    for account in accounts:
        paths = [(p, p) for p, a in web_pages.PAGES if a == account]
        headers = [
            f"Cookie: gouvernance_session={c[account]}\r\nAccept: text/html\r\n".encode()
            for c in cookies
        ]
        found = load(port, paths, headers, seconds / len(accounts))
        for label, times in found.times.items():
            results.times[label] += times
        results.errors += found.errors
    results.seconds = seconds / len(accounts)
    return results


def main(argv: Sequence[str]) -> None:
    if argv[:1] == ["--reference"]:
        serve_reference(int(argv[1]), int(argv[2]))
        return
    seconds = float(argv[argv.index("--duree") + 1]) if "--duree" in argv else DEFAULT_SECONDS
    members_count = (
        int(argv[argv.index("--membres") + 1]) if "--membres" in argv else dataset.MEMBERS
    )
    pages = "--pages" in argv
    chosen = int(argv[argv.index("--processus") + 1]) if "--processus" in argv else None
    os.environ["GOUVERNANCE_TODAY"] = dataset.TODAY
    # The keys of the demo's secret ballots: in a folder of the run's, for the preparation and
    # the servers alike, never under the current directory's data/.
    keys = tempfile.TemporaryDirectory(prefix="bench-api-cles-")
    os.environ["GOUVERNANCE_BALLOT_KEYS_DIR"] = keys.name
    results: dict[str, Measure] = {}
    if "--postgresql" not in argv:
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{Path(folder) / 'api.sqlite3'}"
            results["sqlite"] = measure("SQLite", url, members_count, seconds, pages, 1)
            report(results["sqlite"])
    postgres = None if "--sqlite" in argv else postgres_url()
    if postgres is not None:
        url = empty_postgres(postgres)
        results["postgresql"] = measure(
            "PostgreSQL", url, members_count, seconds, pages, workers_for(chosen, url)
        )
        report(results["postgresql"])
    print(
        summary_line(
            results,
            {"clients": CLIENTS, "members": max(m.members for m in results.values())},
            lambda m: m.details(),  # type: ignore[attr-defined]
        )
    )
    keys.cleanup()


if __name__ == "__main__":
    main(sys.argv[1:])
