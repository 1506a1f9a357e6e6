"""Real databases for tests: SQLite files and PostgreSQL databases cloned from migrated templates.

Each test gets its own database copied from a template (an empty migrated schema, or one with the
demo city loaded), so tests never see each other's rows and the demo loads once per run.

Why the copies are cheap to make and to throw away:
- PostgreSQL's DROP DATABASE waits for a full checkpoint (every dirty buffer of every database on
  the shared server, then ~300 fsyncs): 1-4 s on a busy host, and it used to run after each test.
  Drops now go to a background thread that drops whatever has piled up at once, on parallel
  connections, so one checkpoint serves many databases and no test waits for it.
- Test databases commit without waiting for their WAL flush (synchronous_commit off, set on each
  copy only): a crash of the test server may lose the last commits of a database that is thrown
  away anyway. Nothing else changes: same server, same SQL, same isolation.
- SQLite copies live on a RAM disk (/dev/shm) when there is one, so their commits' fsyncs are free.
"""

from __future__ import annotations

import os
import queue
import shutil
import tempfile
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/postgres"
RAM_DISK = Path("/dev/shm")
RAM_DISK_MIN_FREE = 512 * 1024 * 1024
DROP_CONNECTIONS = 4  # parallel drops: their checkpoint requests coalesce into one or two


def pg_admin_url() -> str:
    return os.environ.get("INSPECTOR_TEST_POSTGRES_URL", DEFAULT_PG)


def _with_db(url: str, name: str) -> str:
    base = url.rsplit("/", 1)[0]
    return f"{base}/{name}"


class PgFactory:
    """Creates databases on the test server through a maintenance connection; drops them later."""

    def __init__(self) -> None:
        self.admin = pg_admin_url()
        self.prefix = f"insp_t{uuid.uuid4().hex[:8]}"
        self.count = 0
        try:
            self.conn = psycopg.connect(self.admin, autocommit=True, connect_timeout=5)
        except psycopg.OperationalError as exc:  # fail, never skip: CI must test PostgreSQL
            raise RuntimeError(
                f"PostgreSQL unreachable at {self.admin}; set INSPECTOR_TEST_POSTGRES_URL"
            ) from exc
        self._doomed: queue.Queue[str | None] = queue.Queue()
        self._errors: list[BaseException] = []
        self._dropper = threading.Thread(target=self._drop_loop, name="pg-dropper", daemon=True)
        self._dropper.start()

    def create(self, template: str | None = None, name: str | None = None) -> tuple[str, str]:
        self.count += 1
        name = name or f"{self.prefix}_{self.count}"
        tpl = f" TEMPLATE {template}" if template else ""
        self.conn.execute(f'CREATE DATABASE "{name}"{tpl}')
        self.conn.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
        return name, _with_db(self.admin, name)

    def drop(self, name: str) -> None:
        """Queue the database for dropping; its connections must be closed (or are forced)."""
        self._doomed.put(name)

    def _drop_loop(self) -> None:
        with ThreadPoolExecutor(DROP_CONNECTIONS) as pool:
            local = threading.local()

            def drop_one(name: str) -> None:
                if getattr(local, "conn", None) is None:
                    local.conn = psycopg.connect(self.admin, autocommit=True, connect_timeout=5)
                local.conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

            while True:
                batch = [self._doomed.get()]
                while True:
                    try:
                        batch.append(self._doomed.get_nowait())
                    except queue.Empty:
                        break
                names = [n for n in batch if n is not None]
                for future in [pool.submit(drop_one, n) for n in names]:
                    try:
                        future.result()
                    except Exception as exc:  # noqa: BLE001 - reported by close()
                        self._errors.append(exc)
                if None in batch:
                    return

    def close(self) -> None:
        self._doomed.put(None)
        self._dropper.join()
        rows = self.conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", (self.prefix + "%",)
        ).fetchall()
        for (name,) in rows:
            self.conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.conn.close()
        if self._errors:
            raise RuntimeError(f"dropping test databases failed: {self._errors[:3]}")


class SqliteFactory:
    def __init__(self, root: Path) -> None:
        # A RAM disk when there is one with room (commits fsync for nothing there; a container's
        # default 64 MB /dev/shm is too small to count on), else the test's tmp.
        roomy = RAM_DISK.is_dir() and shutil.disk_usage(RAM_DISK).free >= RAM_DISK_MIN_FREE
        self._ram = tempfile.mkdtemp(prefix="inspector-t", dir=RAM_DISK) if roomy else None
        self.root = Path(self._ram) if self._ram else root
        self.count = 0

    def create(self, template: str | None = None, name: str | None = None) -> tuple[str, str]:
        self.count += 1
        name = name or f"t{self.count}"
        path = self.root / f"{name}.sqlite3"
        if template:
            shutil.copyfile(template, path)
        return str(path), f"sqlite:///{path}"

    def drop(self, name: str) -> None:
        Path(name).unlink(missing_ok=True)

    def close(self) -> None:
        if self._ram:
            shutil.rmtree(self._ram, ignore_errors=True)
