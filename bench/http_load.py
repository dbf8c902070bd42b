"""The load of the benches that ask a server over HTTP (``bench/api.py``, ``bench/web_pages.py``).

One process, ``asyncio``, one raw HTTP/1.1 keep-alive connection per client, no library: the
load generator must not take from the server the processor it measures (20 threads each with
an ``httpx.Client`` cost more processor and GIL than the pages they ask for)."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

# (label, path) or (label, path, headers): the headers (b"Name: value\r\n" lines) are added to
# the client's own for that request (a session cookie, say)
Request = tuple[str, str] | tuple[str, str, bytes]


@dataclass
class Load:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    # seconds spent in the server, per label, when it sends ``Server-Timing: app;dur=<ms>``
    server: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter[str] = field(default_factory=Counter)
    messages: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    server: float | None  # seconds, from ``Server-Timing``


async def get(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str, headers: bytes
) -> Reply:
    writer.write(b"GET " + path.encode() + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + b"\r\n")
    return await read_reply(reader)


async def post(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str, body: bytes,
    headers: bytes,
) -> Reply:  # fmt: skip
    """A JSON body POSTed (a ballot, in ``bench/vote.py``)."""
    writer.write(
        b"POST " + path.encode() + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nContent-Length: " + str(len(body)).encode()
        + b"\r\n" + headers + b"\r\n" + body
    )  # fmt: skip
    return await read_reply(reader)


async def read_reply(reader: asyncio.StreamReader) -> Reply:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    length, chunked, server = 0, False, None
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
        elif name == b"server-timing" and b"dur=" in value:
            server = float(value.rsplit(b"dur=", 1)[1].split(b";")[0].split(b",")[0]) / 1000
    if not chunked:
        return Reply(status, await reader.readexactly(length), server)
    body = b""
    while True:
        size = int((await reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
        chunk = await reader.readexactly(size + 2)
        if size == 0:
            return Reply(status, body, server)
        body += chunk[:-2]


async def run(
    port: int, requests: Sequence[Request], headers: Sequence[bytes], seconds: float | None,
    rounds: int | None = None,
) -> Load:  # fmt: skip
    """Each client (one per item of ``headers``: its own headers) asks ``requests`` in turn from
    its own place, for ``seconds`` or ``rounds`` times the list; one warm-up round each, not
    counted. An error's first 2 000 bytes are kept, by ``"<label> <path> : <status>"``."""
    result = Load()
    stop = [0.0]
    ready = asyncio.Event()
    waiting = [len(headers)]
    total = None if rounds is None else rounds * len(requests)

    async def client(number: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        own = headers[number]
        for _label, path, *extra in requests:
            await get(reader, writer, path, own + b"".join(extra))
        waiting[0] -= 1
        if waiting[0] == 0:
            stop[0] = time.monotonic() + (seconds or 0.0)
            ready.set()
        await ready.wait()
        done = 0
        while done < total if total is not None else time.monotonic() < stop[0]:
            label, path, *extra = requests[(number + done) % len(requests)]
            done += 1
            mine = own + b"".join(extra)
            started = time.perf_counter()
            try:
                reply = await get(reader, writer, path, mine)
            except (asyncio.IncompleteReadError, ConnectionError):
                # The server closed an idle connection (keep-alive timeout): once more, anew.
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                started = time.perf_counter()
                reply = await get(reader, writer, path, mine)
            elapsed = time.perf_counter() - started
            if reply.status != 200:
                key = f"{path if label == path else f'{label} {path}'} : {reply.status}"
                result.errors[key] += 1
                result.messages.setdefault(key, reply.body[:2000].decode(errors="replace"))
                continue
            result.times[label].append(elapsed)
            if reply.server is not None:
                result.server[label].append(reply.server)
        writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client(n) for n in range(len(headers))))
    result.seconds = seconds if seconds is not None else time.perf_counter() - started
    return result


def load(
    port: int, requests: Sequence[Request], headers: Sequence[bytes], seconds: float | None,
    rounds: int | None = None,
) -> Load:  # fmt: skip
    """``run`` in its own event loop."""
    return asyncio.run(run(port, requests, headers, seconds, rounds))


# --- the server under test ---------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def serving(child: subprocess.Popen[bytes], port: int, seconds: float = 90) -> bool:
    """Wait until ``port`` accepts connections (True), or ``child`` has died or ``seconds``
    have passed (False, the child killed)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            if child.poll() is not None:
                break
            time.sleep(0.1)
    child.kill()
    return False


def sign_in(base: str, username: str) -> str:
    """A bearer token (also the web session) for a demo account (password ``demo-<name>``)."""
    import httpx

    response = httpx.post(
        f"{base}/auth/token",
        data={"username": username, "password": f"demo-{username}"},
        timeout=120,
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token
