"""Serving over HTTP: signed URLs without login, bearer access by policy, headers, no leaks."""

from __future__ import annotations

import io
import time

import pytest
from PIL import Image

from inspector.extensions import db
from inspector.photos import urls
from inspector.photos.models import Photo
from inspector.photos.service import accept_uploads, photo_json
from tests import photo_samples as samples
from tests.helpers import auth

from .photos_fixtures import make_case, upload

ORIGINAL = samples.jpeg(6, size=(2000, 1500))
HEIC = samples.heic(8)


@pytest.fixture
def case_photos(demo_app):
    """Two photos on a case of unit zfj in the demo grid worker's community; their JSON."""
    with demo_app.test_request_context():  # URLs are built by url_for, as in a request
        photos = accept_uploads([upload(ORIGINAL), upload(HEIC, "b.heic", "image/heic")], None)
        make_case(photos, unit_code="zfj")
        bodies = [photo_json(p, original_allowed=True, public=False) for p in photos]
        db.session.commit()
    return bodies


def _image(response) -> Image.Image:
    return Image.open(io.BytesIO(response.data))


def test_signed_derivatives_need_no_login(demo_client, case_photos) -> None:
    for body, size in zip(case_photos, [(1280, 960), (400, 300)], strict=True):
        display = demo_client.get(body["url"])
        assert display.status_code == 200
        assert display.mimetype == "image/jpeg"
        assert _image(display).size == size  # upright: landscape scene
        assert b"Exif" not in display.data
        assert "immutable" in display.headers["Cache-Control"]
        assert display.headers["X-Content-Type-Options"] == "nosniff"
        assert int(display.headers["Content-Length"]) == len(display.data)
        thumb = demo_client.get(body["thumb_url"])
        assert thumb.status_code == 200 and max(_image(thumb).size) == 320
        again = demo_client.get(body["url"], headers={"If-None-Match": display.headers["ETag"]})
        assert again.status_code == 304


def test_first_view_fills_the_perceptual_hash(demo_app, demo_client, case_photos) -> None:
    with demo_app.app_context():
        assert db.session.get(Photo, case_photos[0]["id"]).phash is None
    assert demo_client.get(case_photos[0]["thumb_url"]).status_code == 200
    with demo_app.app_context():
        assert len(db.session.get(Photo, case_photos[0]["id"]).phash) == 16


def test_signed_original_is_the_exact_bytes(demo_client, case_photos) -> None:
    response = demo_client.get(case_photos[0]["original_url"])
    assert response.status_code == 200
    assert response.data == ORIGINAL
    assert response.mimetype == "image/jpeg"
    assert "immutable" not in response.headers["Cache-Control"]
    heic = demo_client.get(case_photos[1]["original_url"])
    assert heic.data == HEIC and heic.mimetype == "image/heic"


def test_bad_signatures(demo_app, demo_client, case_photos) -> None:
    first, second = case_photos
    photo_id = first["id"]
    sig = first["url"].split("sig=")[1]
    cases = [
        (f"/api/v1/photos/{photo_id}/display.jpg?sig={sig}x", 403, "invalid_signature"),
        (f"/api/v1/photos/{second['id']}/display.jpg?sig={sig}", 403, "invalid_signature"),
        (f"/api/v1/photos/{photo_id}/original?sig={sig}", 403, "invalid_signature"),
        (f"/api/v1/photos/{photo_id}/display.jpg", 401, "unauthorized"),
        (f"/api/v1/photos/{photo_id}/original", 401, "unauthorized"),
    ]
    for url, status, code in cases:
        response = demo_client.get(url)
        assert response.status_code == status, url
        assert response.get_json()["error"]["code"] == code
    # the thumb URL does not open the original: originals are staff-only
    thumb_sig = first["thumb_url"].split("sig=")[1]
    assert demo_client.get(f"/api/v1/photos/{photo_id}/original?sig={thumb_sig}").status_code == 403
    expired = urls.sign("test-secret", photo_id, "display", -7200, now=time.time())
    response = demo_client.get(f"/api/v1/photos/{photo_id}/display.jpg?sig={expired}")
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "signature_expired"
    missing = urls.sign("test-secret", 987654, "display", 3600)
    assert demo_client.get(f"/api/v1/photos/987654/display.jpg?sig={missing}").status_code == 404


@pytest.mark.parametrize(
    ("username", "original", "display"),
    [
        ("dispatcher", 200, 200),
        ("gridworker", 200, 200),  # his community
        ("unitstaff", 200, 200),  # his unit's case
        ("resident", 404, 200),  # the reporter: derivatives yes, original never
        ("volunteer", 404, 404),
    ],
)
def test_bearer_access_follows_the_policy(
    demo_client, case_photos, username: str, original: int, display: int
) -> None:
    photo_id = case_photos[0]["id"]
    headers = auth(demo_client, username)
    response = demo_client.get(f"/api/v1/photos/{photo_id}/original", headers=headers)
    assert response.status_code == original
    if original == 200:
        assert response.data == ORIGINAL
    else:
        assert response.get_json()["error"]["code"] == "not_found"
    shown = demo_client.get(f"/api/v1/photos/{photo_id}/display.jpg", headers=headers)
    assert shown.status_code == display


def test_unit_staff_of_another_unit_cannot_fetch_the_original(demo_app, demo_client) -> None:
    with demo_app.app_context():
        (photo,) = accept_uploads([upload(ORIGINAL)], None)
        make_case([photo], unit_code="jjdd")
        photo_id = photo.id
        db.session.commit()
    headers = auth(demo_client, "unitstaff")
    for variant in ("original", "display.jpg"):
        response = demo_client.get(f"/api/v1/photos/{photo_id}/{variant}", headers=headers)
        assert response.status_code == 404
    assert demo_client.get(f"/api/v1/photos/{photo_id}/original").status_code == 401


def test_unattached_photo_original_is_hidden_even_from_staff(demo_app, demo_client) -> None:
    with demo_app.app_context():
        (photo,) = accept_uploads([upload(ORIGINAL)], None)
        photo_id = photo.id
        db.session.commit()
    headers = auth(demo_client, "dispatcher")
    assert (
        demo_client.get(f"/api/v1/photos/{photo_id}/original", headers=headers).status_code == 404
    )


def test_path_traversal_is_not_routed(demo_client, case_photos) -> None:
    for url in (
        "/api/v1/photos/..%2F..%2Fsecret_key/original",
        "/api/v1/photos/1/../../secret_key",
        "/api/v1/photos/-1/display.jpg",
    ):
        response = demo_client.get(url)
        assert response.status_code == 404
        assert response.is_json


def test_a_lost_file_is_a_clear_404_not_a_500(demo_app, demo_client, case_photos) -> None:
    from pathlib import Path

    with demo_app.app_context():
        key = db.session.get(Photo, case_photos[1]["id"]).storage_key
    (Path(demo_app.config["MEDIA_DIR"]) / key).unlink()
    for url in (case_photos[1]["original_url"], case_photos[1]["thumb_url"]):
        response = demo_client.get(url)
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "photo_file_missing"
