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


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request, tmp_path_factory) -> Iterator[Backend]:
    tmp = tmp_path_factory.mktemp(request.param)
    factory = SqliteFactory(tmp) if request.param == "sqlite" else PgFactory()
    empty = _build_template(factory, tmp, with_demo=False)
    demo = _build_template(factory, tmp, with_demo=True, template=empty)
    yield Backend(request.param, factory, empty, demo)
    factory.close()


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
