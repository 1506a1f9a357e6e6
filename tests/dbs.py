"""Real databases for tests: SQLite files and PostgreSQL databases cloned from migrated templates.

Each test gets its own database copied from a template (an empty migrated schema, or one with the
demo city loaded), so tests never see each other's rows and the demo loads once per run.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import psycopg

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/postgres"


def pg_admin_url() -> str:
    return os.environ.get("INSPECTOR_TEST_POSTGRES_URL", DEFAULT_PG)


def _with_db(url: str, name: str) -> str:
    base = url.rsplit("/", 1)[0]
    return f"{base}/{name}"


class PgFactory:
    """Creates and drops databases on the test server through a maintenance connection."""

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

    def create(self, template: str | None = None, name: str | None = None) -> tuple[str, str]:
        self.count += 1
        name = name or f"{self.prefix}_{self.count}"
        tpl = f" TEMPLATE {template}" if template else ""
        self.conn.execute(f'CREATE DATABASE "{name}"{tpl}')
        return name, _with_db(self.admin, name)

    def drop(self, name: str) -> None:
        self.conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        rows = self.conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", (self.prefix + "%",)
        ).fetchall()
        for (name,) in rows:
            self.drop(name)
        self.conn.close()


class SqliteFactory:
    def __init__(self, root: Path) -> None:
        self.root = root
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
        pass
