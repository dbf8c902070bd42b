"""Connexions simultanées : 40 connexions ratées en même temps contre un serveur réel.

Un serveur uvicorn (un processus, 127.0.0.1, base SQLite temporaire, argon2 aux paramètres
**réels** — 64 Mio et 3 passes par vérification —, pas ceux, au rabais, des tests) reçoit
40 connexions ratées lancées ensemble, chacune depuis sa propre adresse (``X-Forwarded-For``,
que uvicorn accepte d'un mandataire local) et sous son propre identifiant : aucune limite
d'échecs ne se déclenche, les 40 vérifications argon2 sont réellement demandées.

Mesure, dans la même exécution :

- **mémoire** : le pic de mémoire résidente du serveur pendant la rafale (``VmHWM`` de
  ``/proc/<pid>/status``, remis à zéro juste avant par ``/proc/<pid>/clear_refs``), moins sa
  mémoire au repos juste avant. Borne annoncée : ``emplacements × memory_cost + 32 Mio`` (les
  requêtes en attente, les fils d'exécution). Sans borne, 40 vérifications à la fois
  demanderaient 40 × 64 Mio = 2,5 Gio ;
- **lecture pendant la rafale** : un compte connecté lit ``GET /me`` en boucle pendant la
  rafale ; on compare la médiane et le 95ᵉ centile à la même lecture sans rafale (référence).

Lancer : ``.venv/bin/python bench/signin.py`` ; ``--comparer`` lance en plus un serveur sans
borne effective (``GOUVERNANCE_ARGON2_SLOTS=40``) pour montrer ce que la borne évite (il faut
alors ~2,6 Gio de mémoire libre). Dernière ligne : un objet JSON (``seconds`` : 95ᵉ centile de
``GET /me`` pendant la rafale ; ``reference_seconds`` : le même sans rafale).
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
from argon2 import PasswordHasher
from shared import french

STORM = 40
READER = "lecteur"
READER_PASSWORD = "lecteur-mot-de-passe"
MARGIN_MIB = 32
MIB = 1024 * 1024


# --- the server (a child process) --------------------------------------------------------------


def serve(port: int, database: str) -> None:
    """The child: a fresh database with one reader account, then uvicorn."""
    import uvicorn

    from api.app import create_app
    from gouvernance.bootstrap import bootstrap
    from gouvernance.domain.users import SYSTEM, Role
    from gouvernance.services.access import accounts

    application = bootstrap(f"sqlite:///{database}")
    accounts.add_user(application.uows, SYSTEM, READER, READER_PASSWORD, Role.BOARD)
    uvicorn.run(
        create_app(application),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
    )


# --- the driver ------------------------------------------------------------------------------


@dataclass
class Result:
    slots: int
    rest_mib: float
    peak_growth_mib: float
    limit_mib: float
    quiet: list[float]
    stormy: list[float]
    storm_seconds: float
    statuses: Counter[int]

    @property
    def seconds(self) -> float:
        return _p95(self.stormy)

    @property
    def reference_seconds(self) -> float:
        return _p95(self.quiet)

    @property
    def ratio(self) -> float:
        return self.seconds / self.reference_seconds


def _p95(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _status(pid: int, field: str) -> float:
    """A ``/proc/<pid>/status`` figure (kB), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"{field} absent de /proc/{pid}/status")


def _reset_peak(pid: int) -> None:
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def _read_me(client: httpx.Client, headers: dict[str, str]) -> float:
    started = time.perf_counter()
    response = client.get("/me", headers=headers)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.text
    return elapsed


def run(slots: int) -> Result:
    port = _free_port()
    environment = {**os.environ, "GOUVERNANCE_ARGON2_SLOTS": str(slots)}
    with tempfile.TemporaryDirectory() as folder:
        server = subprocess.Popen(
            [sys.executable, __file__, "--serveur", str(port), str(Path(folder) / "b.sqlite3")],
            env=environment,
        )
        try:
            return _measure(server.pid, port, slots)
        finally:
            server.terminate()
            server.wait(timeout=30)


def _measure(pid: int, port: int, slots: int) -> Result:
    base = f"http://127.0.0.1:{port}"
    with httpx.Client(base_url=base, timeout=120) as client:
        for _ in range(300):
            try:
                client.get("/me")  # 401 without a token: the server answers
                break
            except httpx.TransportError:
                time.sleep(0.1)
        token = client.post(
            "/auth/token", data={"username": READER, "password": READER_PASSWORD}
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        for _ in range(20):  # warm-up: first requests, and the dummy hash of unknown accounts
            _read_me(client, headers)
        client.post("/auth/token", data={"username": "inconnu", "password": "x"})
        quiet = [_read_me(client, headers) for _ in range(100)]

        time.sleep(0.5)  # let the freed argon2 memory go back to the system
        rest = _status(pid, "VmRSS")
        _reset_peak(pid)
        done = threading.Event()

        def fail(i: int) -> int:
            address = f"198.51.100.{i + 1}"
            with httpx.Client(base_url=base, timeout=120) as own:
                response = own.post(
                    "/auth/token",
                    data={"username": f"intrus-{i}", "password": f"devine-{i}"},
                    headers={"X-Forwarded-For": address},
                )
            return response.status_code

        started = time.perf_counter()
        with ThreadPoolExecutor(STORM) as pool:
            futures = [pool.submit(fail, i) for i in range(STORM)]
            threading.Thread(
                target=lambda: ([f.result() for f in futures], done.set()), daemon=True
            ).start()
            stormy = []
            while not done.is_set():
                stormy.append(_read_me(client, headers))
            statuses = Counter(f.result() for f in futures)
        storm_seconds = time.perf_counter() - started
        peak = _status(pid, "VmHWM")
    memory_cost_mib = PasswordHasher().memory_cost / 1024
    return Result(
        slots=slots,
        rest_mib=rest,
        peak_growth_mib=peak - rest,
        limit_mib=slots * memory_cost_mib + MARGIN_MIB,
        quiet=quiet,
        stormy=stormy,
        storm_seconds=storm_seconds,
        statuses=statuses,
    )


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}".replace(".", ",") + " ms"


def _mib(value: float) -> str:
    return f"{value:.0f} Mio"


def report(result: Result) -> None:
    print(f"— {result.slots} emplacement(s) argon2")
    print(
        f"  rafale de {STORM} connexions ratées : {french(result.storm_seconds)}, réponses "
        + ", ".join(f"{n} × {code}" for code, n in sorted(result.statuses.items()))
    )
    print(
        f"  mémoire : {_mib(result.rest_mib)} au repos, pic +{_mib(result.peak_growth_mib)} "
        f"(borne annoncée {_mib(result.limit_mib)})"
    )
    print(
        f"  GET /me sans rafale : médiane {_ms(statistics.median(result.quiet))}, "
        f"95ᵉ centile {_ms(result.reference_seconds)} ({len(result.quiet)} lectures)"
    )
    print(
        f"  GET /me pendant    : médiane {_ms(statistics.median(result.stormy))}, "
        f"95ᵉ centile {_ms(result.seconds)}, pire {_ms(max(result.stormy))} "
        f"({len(result.stormy)} lectures)"
    )


def main(argv: Sequence[str]) -> None:
    if argv[:1] == ["--serveur"]:
        serve(int(argv[1]), argv[2])
        return
    from gouvernance.services.access import accounts

    bounded = run(accounts.argon2_slots())
    report(bounded)
    summary: dict[str, object] = {
        "seconds": round(bounded.seconds, 4),
        "reference_seconds": round(bounded.reference_seconds, 4),
        "ratio": round(bounded.ratio, 3),
        "slots": bounded.slots,
        "storm": STORM,
        "peak_rss_growth_mib": round(bounded.peak_growth_mib, 1),
        "rss_limit_mib": round(bounded.limit_mib, 1),
        "within_limit": bounded.peak_growth_mib <= bounded.limit_mib,
        "storm_seconds": round(bounded.storm_seconds, 2),
        "statuses": {str(k): v for k, v in sorted(bounded.statuses.items())},
    }
    if "--comparer" in argv:
        unbounded = run(STORM)
        report(unbounded)
        summary["unbounded_peak_rss_growth_mib"] = round(unbounded.peak_growth_mib, 1)
        summary["unbounded_me_p95_seconds"] = round(unbounded.seconds, 4)
    if bounded.peak_growth_mib > bounded.limit_mib:
        print("borne de mémoire DÉPASSÉE", file=sys.stderr)
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
