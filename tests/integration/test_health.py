"""/healthz answers while the process lives; /readyz names the part that cannot be used."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import make_app


def test_healthz_and_readyz_on_local_storage(client) -> None:
    assert client.get("/healthz").get_json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json()["checks"] == {"database": "ok", "storage": "ok"}
    assert set(client.get("/api/v1/").get_json()["operations"]) == {"/healthz", "/readyz"}


def test_readyz_names_an_unusable_media_dir(app_factory, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the media directory (a mount) should be")
    app = app_factory(MEDIA_DIR=str(blocker))
    answer = app.test_client().get("/readyz")
    assert answer.status_code == 503
    error = answer.get_json()["error"]
    assert error["failed"] == ["storage"] and error["message"].startswith("照片存储不可用")


def test_readyz_names_an_unreachable_database(tmp_path: Path) -> None:
    app = make_app("postgresql://postgres@127.0.0.1:1/none", tmp_path)  # nothing listens there
    client = app.test_client()
    assert client.get("/healthz").status_code == 200  # alive, just not ready
    answer = client.get("/readyz")
    assert answer.status_code == 503
    error = answer.get_json()["error"]
    assert error == {
        "code": "not_ready",
        "message": "数据库不可用 / not ready: database",
        "failed": ["database"],
        "checks": {"database": "failed", "storage": "ok"},
    }
