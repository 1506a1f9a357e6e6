"""Every test that touches the database runs twice: on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from inspector import create_app
from inspector.extensions import db

from .dbs import PgFactory, SqliteFactory

BACKENDS = [b for b in os.environ.get("INSPECTOR_TEST_DBS", "sqlite,postgresql").split(",") if b]


@dataclass
class Backend:
    name: str
    factory: SqliteFactory | PgFactory
    empty: str  # template names (file path for SQLite, database name for PostgreSQL)
    demo: str


def make_app(url: str, tmp: Path, **overrides) -> Flask:
    config = {
        "DATABASE_URL": url,
        "MEDIA_DIR": str(tmp / "media"),
        "SECRET_KEY": "test-secret",
        "AUDIT_KEY": "test-audit-key",
        "RATE_LIMITS": "off",
        "PASSWORD_PROFILE": "cheapest",  # logins in tests need not cost 50 ms of argon2 each
        "TESTING": True,
    }
    config.update(overrides)
    return create_app(config)


def _build_template(factory, tmp: Path, with_demo: bool, template: str | None = None) -> str:
    from flask_migrate import upgrade

    name, url = factory.create(
        template=template,
        name=f"{getattr(factory, 'prefix', 'tpl')}_{'demo' if with_demo else 'empty'}",
    )
    app = make_app(url, tmp)
    with app.app_context():
        if template is None:
            upgrade()
        if with_demo:
            from inspector.setup.demo import load_demo

            load_demo()
            db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return name


class _Backends:
    """Each database's templates, built the first time a test of this worker needs them and kept
    to the end of the session. (The `backend` fixture below is torn down whenever two consecutive
    tests want different databases; were the templates its own, they would be rebuilt each time,
    pinning the order to all-SQLite-then-all-PostgreSQL: the longest tests could not go first.)"""

    def __init__(self, tmp_path_factory) -> None:  # noqa: ANN001
        self._tmp = tmp_path_factory
        self._built: dict[str, Backend] = {}

    def get(self, name: str) -> Backend:
        if name not in self._built:
            tmp = self._tmp.mktemp(name)
            factory = SqliteFactory(tmp) if name == "sqlite" else PgFactory()
            empty = _build_template(factory, tmp, with_demo=False)
            demo = _build_template(factory, tmp, with_demo=True, template=empty)
            self._built[name] = Backend(name, factory, empty, demo)
        return self._built[name]

    def close(self) -> None:
        for built in self._built.values():
            built.factory.close()


@pytest.fixture(scope="session")
def _backends(tmp_path_factory) -> Iterator[_Backends]:
    backends = _Backends(tmp_path_factory)
    yield backends
    backends.close()


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request, _backends: _Backends) -> Backend:
    return _backends.get(request.param)


# The longest tests (a minute or more each on a loaded 2-core host, several processes of their
# own for some) start first, in this order: xdist hands the head of the list out round-robin, so
# both workers are busy with them early instead of one worker finishing alone with one of them.
EARLY = (
    "tests/integration/test_fault_run.py::",
    "tests/integration/test_openapi_live.py::",
    "tests/integration/test_input_fuzz.py::test_hostile_input_never_answers_5xx[sqlite-POST /api/v1/cases/<int:case_id>/<string:action>]",
    "tests/integration/test_input_fuzz.py::test_hostile_input_never_answers_5xx[postgresql-POST /api/v1/cases/<int:case_id>/<string:action>]",
    "tests/integration/test_openapi_answers.py::",
    "tests/integration/test_access_phones.py::",
    "tests/integration/test_workflow_matrix.py::",
    "tests/browser/test_console_stats.py::test_bulletins_publish_download_and_ledger",
    "tests/browser/test_accessibility.py::",
    "tests/integration/test_served_limits.py::",
    "tests/browser/test_closed_loop.py::",
)  # fmt: skip


def _rank(item: pytest.Item) -> int:
    return next((i for i, head in enumerate(EARLY) if item.nodeid.startswith(head)), len(EARLY))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=_rank)  # stable: every other test keeps its collected order


def _app_from(backend: Backend, template: str, tmp_path: Path, **overrides) -> Iterator[Flask]:
    name, url = backend.factory.create(template=template)
    app = make_app(url, tmp_path, **overrides)
    app.config["TEST_BACKEND"] = backend.name
    # No app context stays pushed: each request gets its own session, as on a real server.
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    backend.factory.drop(name)


@pytest.fixture
def app(backend: Backend, tmp_path: Path) -> Iterator[Flask]:
    """An app on a freshly migrated, empty database."""
    yield from _app_from(backend, backend.empty, tmp_path)


@pytest.fixture
def demo_app(backend: Backend, tmp_path: Path) -> Iterator[Flask]:
    """An app on a database holding the demo county."""
    yield from _app_from(backend, backend.demo, tmp_path)


@pytest.fixture
def app_factory(backend: Backend, tmp_path: Path):
    """Build an app with extra settings (rate limits on, other distances...) on the demo city."""
    made = []

    def build(**overrides) -> Flask:
        gen = _app_from(backend, backend.demo, tmp_path, **overrides)
        made.append(gen)
        return next(gen)

    yield build
    for gen in made:
        for _ in gen:
            pass


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def demo_client(demo_app: Flask) -> FlaskClient:
    return demo_app.test_client()


@pytest.fixture(scope="session")
def s3_server():
    """moto's standalone S3 server in a child process, one per test worker (tests/s3server.py)."""
    from .s3server import running_s3_server

    with running_s3_server() as server:
        yield server
