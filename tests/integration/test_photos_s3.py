"""INSPECTOR_STORAGE=s3 end to end against a real S3-speaking server (moto_server, a child
process): intake stores originals as objects (none on local disk), identical bytes are one
object, derivatives redirect to presigned URLs a plain HTTP client fetches, originals stream,
the sweep removes orphan objects only, and /readyz names the store when it is unreachable."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import requests
from PIL import Image

from inspector.extensions import db
from inspector.photos.cli import sweep
from inspector.photos.models import Photo
from inspector.photos.service import photo_json
from inspector.setup.demo import grid_center
from tests import photo_samples as samples

from .photos_fixtures import COMMUNITY

GRID = COMMUNITY + "007"


def _post(client, files: list[bytes]):
    lat, lon = grid_center(GRID)
    data = {"lat": str(lat), "lon": str(lon), "category_code": "0101"}
    data["photo"] = [(io.BytesIO(content), f"IMG_{i}.jpg") for i, content in enumerate(files)]
    return client.post("/api/v1/reports", data=data, content_type="multipart/form-data")


def _local_files(app) -> list[Path]:
    root = Path(app.config["MEDIA_DIR"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _original(sha: str) -> str:
    return f"originals/{sha[:2]}/{sha[2:4]}/{sha}"


def test_intake_dedup_derivatives_and_originals_on_s3(app_factory, s3_server) -> None:
    bucket = s3_server.new_bucket()
    app = app_factory(**s3_server.settings(bucket))
    client = app.test_client()
    first, second = samples.jpeg(6, size=(1600, 1200)), samples.jpeg(1, size=(800, 600))
    sha1, sha2 = hashlib.sha256(first).hexdigest(), hashlib.sha256(second).hexdigest()

    posted = _post(client, [first, second])
    assert posted.status_code == 201, posted.get_json()
    assert s3_server.keys(bucket) == {_original(sha1), _original(sha2)}
    assert _local_files(app) == []  # nothing on the local disk

    again = _post(client, [first])  # the same photo in another report: a row, not an object
    assert again.status_code == 201, again.get_json()
    assert s3_server.keys(bucket) == {_original(sha1), _original(sha2)}
    with app.app_context():
        rows = db.session.query(Photo).filter(Photo.sha256 == sha1).count()
    assert rows == 2

    # Display: 302 to a presigned URL of the derived object; the bytes come from the store.
    photo = posted.get_json()["photos"][0]
    shown = client.get(photo["url"])
    assert shown.status_code == 302
    location = shown.headers["Location"]
    assert location.startswith(f"{s3_server.endpoint}/{bucket}/derived/{sha1[:2]}/{sha1[2:4]}/")
    assert "X-Amz-Signature=" in location and "X-Amz-Expires=300" in location
    assert shown.headers["Cache-Control"] == "private, max-age=150"
    fetched = requests.get(location, timeout=10)
    assert fetched.status_code == 200
    image = Image.open(io.BytesIO(fetched.content))
    # Orientation 6 of a 1600x1200 scene is stored 1200x1600 rotated; upright it is 1280x960.
    assert image.size == (1280, 960) and len(image.getexif()) == 0
    thumb = client.get(photo["thumb_url"])
    assert thumb.status_code == 302
    thumb_image = Image.open(
        io.BytesIO(requests.get(thumb.headers["Location"], timeout=10).content)
    )
    assert max(thumb_image.size) == 320
    assert s3_server.keys(bucket) >= {
        f"derived/{sha1[:2]}/{sha1[2:4]}/{sha1}-display.jpg",
        f"derived/{sha1[:2]}/{sha1[2:4]}/{sha1}-thumb.jpg",
    }
    with app.app_context():
        assert db.session.get(Photo, photo["id"]).phash is not None  # made on first view

    # The original is streamed through the app (staff only), byte for byte.
    with app.test_request_context():
        signed = photo_json(db.session.get(Photo, photo["id"]), original_allowed=True, public=False)
    original = client.get(signed["original_url"])
    assert original.status_code == 200 and original.data == first
    assert original.mimetype == "image/jpeg"


def test_sweep_removes_orphan_objects_only(app_factory, s3_server) -> None:
    bucket = s3_server.new_bucket()
    app = app_factory(**s3_server.settings(bucket))
    kept = samples.jpeg(3)
    assert _post(app.test_client(), [kept]).status_code == 201
    orphan = b"bytes whose row never committed"
    orphan_sha = hashlib.sha256(orphan).hexdigest()
    client = s3_server.client()
    client.put_object(Bucket=bucket, Key=_original(orphan_sha), Body=orphan)
    crashed = f"originals/{orphan_sha[:2]}/{orphan_sha[2:4]}/.tmp-crashed"
    client.put_object(Bucket=bucket, Key=crashed, Body=b"half")
    kept_key = _original(hashlib.sha256(kept).hexdigest())
    with app.app_context():
        assert sweep(older_than_minutes=60) == 0  # everything is younger than the grace
        assert s3_server.keys(bucket) == {kept_key, _original(orphan_sha), crashed}
        assert sweep(older_than_minutes=-1) == 2  # cutoff in the future: all are "old"
    assert s3_server.keys(bucket) == {kept_key}


def test_readyz_with_s3(app_factory, s3_server) -> None:
    app = app_factory(**s3_server.settings(s3_server.new_bucket()))
    ready = app.test_client().get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json() == {"status": "ok", "checks": {"database": "ok", "storage": "ok"}}
    broken = app_factory(**s3_server.settings("bucket-that-was-never-made"))
    answer = broken.test_client().get("/readyz")
    assert answer.status_code == 503
    error = answer.get_json()["error"]
    assert error["code"] == "not_ready" and error["failed"] == ["storage"]
    assert error["message"] == "照片存储不可用 / not ready: storage"
    assert error["checks"] == {"database": "ok", "storage": "failed"}
