"""accept_uploads and friends inside an app context, on SQLite and PostgreSQL, real files."""

from __future__ import annotations

import hashlib
import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from inspector.errors import ApiError
from inspector.extensions import db
from inspector.photos.models import Photo
from inspector.photos.service import (
    accept_uploads,
    photo_json,
    photo_warnings,
    position_from_photos,
)
from tests import photo_samples as samples

from .photos_fixtures import account_id, upload


def _media_files(app) -> list[Path]:
    root = Path(app.config["MEDIA_DIR"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_accept_stores_originals_and_rows(demo_app) -> None:
    jpeg = samples.jpeg(6)
    heic = samples.heic(lat=30.65, lon=113.14)
    with demo_app.app_context():
        uploader = account_id("gridworker")
        photos = accept_uploads(
            [upload(jpeg), upload(heic, "IMG_0002.HEIC", "image/heic")], uploader
        )
        db.session.commit()
        ids = [p.id for p in photos]
    with demo_app.app_context():
        first, second = (db.session.get(Photo, i) for i in ids)
        assert first.sha256 == hashlib.sha256(jpeg).hexdigest()
        assert (first.mime, first.size_bytes, first.width, first.height) == (
            "image/jpeg",
            len(jpeg),
            300,
            400,
        )
        assert first.orientation == 6
        assert first.taken_at == datetime(2026, 11, 27, 1, 30, tzinfo=UTC)
        assert first.taken_at_offset == "+08:00"
        assert first.gps_lat == pytest.approx(30.64) and first.gps_lon == pytest.approx(113.13)
        assert first.gps_alt == pytest.approx(35.5) and first.gps_direction == pytest.approx(271.25)
        assert (first.camera_make, first.camera_model) == ("Xiaomi", "Redmi Note 13")
        assert first.uploaded_by_id == uploader and first.report_id is None
        assert (second.mime, second.camera_make, second.position) == ("image/heic", "Apple", 1)
        root = Path(demo_app.config["MEDIA_DIR"])
        assert (root / first.storage_key).read_bytes() == jpeg  # kept byte for byte
        assert (root / second.storage_key).read_bytes() == heic


def test_one_bad_file_stores_nothing(demo_app) -> None:
    with demo_app.app_context():
        with pytest.raises(ApiError) as caught:
            accept_uploads([upload(samples.jpeg()), upload(samples.jpeg()[:-300])], None)
        assert (caught.value.status, caught.value.code) == (422, "invalid_image")
        assert caught.value.details["photo_index"] == 1
        db.session.rollback()
        assert db.session.scalar(select(func.count(Photo.id))) == 0
    assert _media_files(demo_app) == []


@pytest.mark.parametrize("count", [0, 10])
def test_photo_count(demo_app, count: int) -> None:
    with demo_app.app_context(), pytest.raises(ApiError) as caught:
        accept_uploads([upload(samples.jpeg(size=(40, 30))) for _ in range(count)], None)
    assert caught.value.status == 422


def test_empty_unnamed_part_is_no_photo_but_a_named_empty_file_is_broken(demo_app) -> None:
    with demo_app.app_context():
        with pytest.raises(ApiError) as caught:
            accept_uploads([upload(b"", "", "application/octet-stream")], None)
        assert caught.value.code == "invalid_input"
        with pytest.raises(ApiError) as caught:
            accept_uploads([upload(b"", "IMG_0003.jpg")], None)
        assert caught.value.code == "invalid_image"
        (photo,) = accept_uploads([upload(b"", ""), upload(samples.jpeg())], None)
        assert photo.position == 0


def test_size_limit_is_configurable(app_factory) -> None:
    app = app_factory(MAX_UPLOAD_MB=1)
    big = samples.plain("PNG", (1200, 900), compress_level=0)
    assert len(big) > 1024 * 1024
    with app.app_context(), pytest.raises(ApiError) as caught:
        accept_uploads([upload(big, "x.png")], None)
    assert (caught.value.status, caught.value.code) == (413, "image_too_large")


def test_same_picture_twice_two_rows_one_file(demo_app) -> None:
    data = samples.jpeg()
    with demo_app.app_context():
        photos = accept_uploads([upload(data), upload(data)], None)
        assert photos[0].storage_key == photos[1].storage_key
        db.session.commit()
    assert len(_media_files(demo_app)) == 1


def test_warnings_and_position_use_the_config(app_factory) -> None:
    app = app_factory(GPS_MISMATCH_M=50, PHOTO_MAX_AGE_H=2)
    with app.app_context():
        photos = accept_uploads(
            [upload(samples.jpeg(lat=None, lon=None)), upload(samples.jpeg(lat=30.6405))], None
        )
        assert position_from_photos(photos) == (pytest.approx(30.6405), pytest.approx(113.13))
        reported = datetime(2026, 11, 27, 4, 0, tzinfo=UTC)  # 2.5 h after 09:30 +08:00
        found = photo_warnings(photos, 30.64, 113.13, reported)
        codes = sorted((w["code"], w["photo_index"]) for w in found)
        assert codes == [("gps_mismatch", 1), ("photo_too_old", 0), ("photo_too_old", 1)]
        assert photo_warnings(photos, 30.64, 113.13, reported - timedelta(hours=1)) == [
            w for w in found if w["code"] == "gps_mismatch"
        ]


def test_photo_json_shape(demo_app) -> None:
    with demo_app.test_request_context():  # URLs are built by url_for, as in a request
        (photo,) = accept_uploads([upload(samples.jpeg())], None)
        body = photo_json(photo, original_allowed=False, public=False)
        assert set(body) == {"id", "url", "thumb_url", "taken_at", "exif_gps"}
        assert body["url"].startswith(f"/api/v1/photos/{photo.id}/display.jpg?sig=")
        assert body["thumb_url"].startswith(f"/api/v1/photos/{photo.id}/thumb.jpg?sig=")
        assert body["taken_at"] == "2026-11-27T09:30:00+08:00"
        assert body["exif_gps"] == {"lat": pytest.approx(30.64), "lon": pytest.approx(113.13)}
        staff = photo_json(photo, original_allowed=True, public=False)
        assert staff["original_url"].startswith(f"/api/v1/photos/{photo.id}/original?sig=")


def test_sweep_removes_only_old_files_without_rows(demo_app) -> None:
    with demo_app.app_context():
        (kept,) = accept_uploads([upload(samples.jpeg())], None)
        db.session.commit()
        kept_key = kept.storage_key
        (lost,) = accept_uploads([upload(samples.plain("PNG"), "s.png")], None)
        lost_key = lost.storage_key
        db.session.rollback()  # the request failed after the file was written
        (young,) = accept_uploads([upload(samples.plain("WEBP"), "w.webp")], None)
        young_key = young.storage_key
        db.session.rollback()
    root = Path(demo_app.config["MEDIA_DIR"])
    old = time.time() - 3 * 3600
    for key in (kept_key, lost_key):
        os.utime(root / key, (old, old))
    crashed = (root / kept_key).with_name(".tmp-crashed")
    crashed.write_bytes(b"partial")
    os.utime(crashed, (old, old))
    result = demo_app.test_cli_runner().invoke(
        args=["photos", "sweep", "--older-than-minutes", "60"]
    )
    assert result.exit_code == 0, result.output
    assert "removed 2" in result.output
    assert (root / kept_key).exists()
    assert not (root / lost_key).exists()
    assert (root / young_key).exists()  # may still belong to a request in flight
    assert not crashed.exists()


def test_derive_command_fills_perceptual_hashes(demo_app) -> None:
    with demo_app.app_context():
        photos = accept_uploads([upload(samples.jpeg()), upload(samples.heic(), "a.heic")], None)
        db.session.commit()
        ids = [p.id for p in photos]
    result = demo_app.test_cli_runner().invoke(args=["photos", "derive"])
    assert result.exit_code == 0, result.output
    with demo_app.app_context():
        hashes = [db.session.get(Photo, i).phash for i in ids]
        assert all(h and len(h) == 16 for h in hashes)


def test_same_picture_by_bytes_then_by_perceptual_hash(demo_app) -> None:
    from inspector.photos.service import ensure_derivatives, same_picture

    scene = samples.textured_scene()
    original = samples.encode(scene, "JPEG", quality=90)
    smaller_png = samples.encode(scene.resize((640, 480)), "PNG")
    rotated = samples.encode(scene.rotate(180), "JPEG", quality=90)
    with demo_app.app_context():
        first, resent, other, unlike = accept_uploads(
            [upload(original), upload(original), upload(smaller_png), upload(rotated)], None
        )
        assert [p.id for p in same_picture(first)] == [resent.id]
        for photo in (first, resent, other, unlike):
            ensure_derivatives(photo)
        assert [p.id for p in same_picture(first)] == [other.id, resent.id]
        assert [p.id for p in same_picture(unlike)] == []
        assert [p.id for p in same_picture(first, max_distance=0)] == [resent.id]


def test_same_picture_among_many_copies_reads_the_newest_within_the_window(demo_app) -> None:
    """A picture sent 1,200 times (more than one batch of candidates): the newest 20 within
    6 bits and inside the window, worked out from the rows as written; chance candidates
    (one pigeonhole run equal, 64 bits apart otherwise) and copies from before the window
    are not among them."""
    from inspector.photos.service import same_picture

    now = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)
    same, one_bit_off, far = "0f0f0f0f0f0f0f0f", "0f0f0f0f0f0f0f0e", "0ff0f0f0f0f0f0f0"

    def row(n: int, phash: str, created: datetime) -> Photo:
        sha = hashlib.sha256(str(n).encode()).hexdigest()
        return Photo(sha256=sha, storage_key=f"originals/{sha[:2]}/{sha[2:4]}/{sha}",
                     mime="image/jpeg", size_bytes=1, width=1, height=1, phash=phash,
                     created_at=created)  # fmt: skip

    with demo_app.app_context():
        old = row(0, same, now - timedelta(days=91))
        db.session.add(old)
        copies = [row(n, same if n % 2 else one_bit_off, now) for n in range(1, 1201)]
        chance = [row(n, far, now) for n in range(1201, 1801)]  # newest 600: a batch and more
        db.session.add_all([*copies, *chance])
        target = row(9999, same, now)
        db.session.add(target)
        db.session.flush()
        window = (now - timedelta(days=90), now + timedelta(days=90))
        found = [p.id for p in same_picture(target, window=window)]
        assert found == sorted((p.id for p in copies), reverse=True)[:20]
        assert old.id not in [p.id for p in same_picture(target, limit=2000, window=window)]
        assert old.id in [p.id for p in same_picture(target, limit=2000)]  # no window: kept
        db.session.rollback()
