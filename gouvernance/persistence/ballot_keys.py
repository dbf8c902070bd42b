"""The private keys of secret resolutions, kept in files outside the database.

Why files: whoever holds a copy of the database (a backup, a replica, the SQLite ``-wal``,
a role allowed to SELECT) must not be able to open a sealed ballot. The key of a resolution is
written here when it is put on the agenda, read once when its vote is closed, then deleted: from
then on no copy of the database, old or new, can link a voter to a choice
(docs/assemblees.md, « Le secret du vote »).

One file per key, named after the public key's hash (so two databases never mix their keys),
written atomically with owner-only permissions.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import os
import tempfile
from pathlib import Path

from nacl.public import PrivateKey
from sqlalchemy.engine import URL

from gouvernance.domain.errors import ServiceUnavailable

KEYS_VARIABLE = "GOUVERNANCE_BALLOT_KEYS_DIR"


class FileBallotKeys:
    """``create`` a key pair and keep the private half; ``private`` reads it; ``destroy``
    deletes it for good."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def create(self) -> str:
        """A new key pair: the private key is on disk (fsynced) before the public one, which
        the caller stores in the database, is returned."""
        key = PrivateKey.generate()
        public = base64.b64encode(bytes(key.public_key)).decode("ascii")
        try:
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            _write_atomically(self._path(public), base64.b64encode(bytes(key)))
        except OSError as error:
            raise ServiceUnavailable(
                f"la clé du scrutin secret ne peut être écrite dans {self.directory} "
                f"({error.strerror or error}) : vérifiez le dossier {KEYS_VARIABLE}",
                field=KEYS_VARIABLE,
            ) from None
        return public

    def private(self, public: str) -> bytes | None:
        """The private key of ``public``, None when it is not (or no longer) here."""
        try:
            return base64.b64decode(self._path(public).read_bytes())
        except FileNotFoundError:
            return None

    def destroy(self, public: str) -> None:
        """Delete the key file (no error when it is already gone)."""
        path = self._path(public)
        try:
            path.unlink()
        except FileNotFoundError:
            return
        _sync_directory(path.parent)

    def holds(self, public: str) -> bool:
        return self._path(public).exists()

    def _path(self, public: str) -> Path:
        name = hashlib.sha256(public.encode("ascii")).hexdigest()[:32]
        return self.directory / f"{name}.cle"


def _write_atomically(path: Path, content: bytes) -> None:
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".cle-")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _sync_directory(path.parent)


def _sync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def directory_for(url: URL) -> Path:
    """Where the keys of the database at ``url`` live: ``GOUVERNANCE_BALLOT_KEYS_DIR`` when
    set (production: a directory that is not backed up with the database); beside a SQLite
    file otherwise (``gouvernance.sqlite3-cles-de-scrutin/``); under ``data/cles-de-scrutin/``
    for a server database; a temporary directory for a database in memory."""
    configured = os.environ.get(KEYS_VARIABLE, "").strip()
    if configured:
        return Path(configured).expanduser()
    database = url.database or ""
    if url.get_backend_name() == "sqlite":
        if database.startswith("file:"):
            database = database.removeprefix("file:").split("?", 1)[0]
        if database and database != ":memory:" and "mode=memory" not in str(url):
            path = Path(database)
            return path.with_name(f"{path.name}-cles-de-scrutin")
        return _memory_directory()
    place = f"{url.get_backend_name()}-{url.host or 'local'}-{url.port or ''}-{database}"
    return Path("data") / "cles-de-scrutin" / place


@functools.cache
def _memory_directory() -> Path:
    return Path(tempfile.mkdtemp(prefix="gouvernance-cles-"))
