"""Photos through the real intake endpoint (POST /reports): broken files are a clear 4xx and
leave nothing behind; a good upload's URLs serve upright, EXIF-free images; the whole body
limit answers 413 in our envelope."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from inspector.setup.demo import grid_center
from tests import photo_samples as samples

from .photos_fixtures import COMMUNITY

GRID = COMMUNITY + "007"


def _post(client, files: list[tuple[bytes, str]], **fields):
    lat, lon = grid_center(GRID)
    data = {"lat": str(lat), "lon": str(lon), "category_code": "0101", **fields}
    data["photo"] = [(io.BytesIO(content), name) for content, name in files]
    return client.post("/api/v1/reports", data=data, content_type="multipart/form-data")


def _stored(app) -> list[Path]:
    root = Path(app.config["MEDIA_DIR"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize(
    ("content", "name", "status", "code"),
    [
        (b"", "empty.jpg", 422, "invalid_image"),
        (b"just some text, not a photo\n" * 40, "note.jpg", 422, "invalid_image"),
        (samples.jpeg()[:-300], "cut.jpg", 422, "invalid_image"),
        (samples.bomb_png(), "bomb.png", 413, "image_too_large"),
        (samples.plain("GIF"), "anim.gif", 415, "unsupported_image_type"),
    ],
    ids=["zero-bytes", "text-as-jpg", "truncated", "bomb", "gif"],
)
def test_broken_files_are_a_clear_4xx_and_store_nothing(
    demo_app, demo_client, content: bytes, name: str, status: int, code: str
) -> None:
    response = _post(demo_client, [(samples.jpeg(), "ok.jpg"), (content, name)])
    assert response.status_code == status
    error = response.get_json()["error"]
    assert error["code"] == code and " / " in error["message"]
    assert error.get("photo_index") == 1
    assert _stored(demo_app) == []


def test_good_upload_serves_clean_derivatives(demo_client) -> None:
    posted = _post(
        demo_client, [(samples.jpeg(6, size=(1600, 1200)), "a.jpg"), (samples.heic(8), "b.HEIC")]
    )
    assert posted.status_code == 201, posted.get_json()
    photos = posted.get_json()["photos"]
    assert len(photos) == 2 and "original_url" not in photos[0]  # anonymous: no original
    for photo, size in zip(photos, [(1280, 960), (400, 300)], strict=True):
        shown = demo_client.get(photo["url"])
        assert shown.status_code == 200
        image = Image.open(io.BytesIO(shown.data))
        assert image.size == size and len(image.getexif()) == 0
        assert image.getpixel((5, 5))[0] > 180  # red corner top-left: upright


def test_size_limits_over_http(app_factory) -> None:
    app = app_factory(MAX_UPLOAD_MB=1)
    client = app.test_client()
    big = samples.plain("PNG", (1200, 900), compress_level=0)
    assert 1024 * 1024 < len(big) < app.config["MAX_CONTENT_LENGTH"]
    response = _post(client, [(big, "big.png")])
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "image_too_large"
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024  # the whole request body: werkzeug's limit
    response = _post(client, [(big, "big.png")])
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"


def test_small_file_huge_png_is_refused_at_upload(demo_app, demo_client) -> None:
    """Issue 9: a ~330 KB 8,900 x 8,900 RGBA PNG cost 3 s and +600 MB on first view."""
    response = _post(demo_client, [(samples.big_flat_png(), "screen.png")])
    assert response.status_code == 413
    error = response.get_json()["error"]
    assert error["code"] == "image_too_large" and "PNG 8900×8900 > 24000000" in error["message"]
    assert _stored(demo_app) == []


def test_phone_photos_still_pass(demo_client) -> None:
    """A 12 MP phone JPEG and a screenshot-sized RGBA PNG are accepted and derived."""
    screenshot = Image.new("RGBA", (1290, 2796), (0, 0, 0, 0))  # iPhone 15 Pro Max screen
    screenshot.paste((20, 120, 220, 255), (0, 0, 1290, 1398))  # top half blue, bottom clear
    png = io.BytesIO()
    screenshot.save(png, "PNG")
    posted = _post(
        demo_client,
        [(samples.jpeg(1, size=(4032, 3024)), "IMG_0001.jpg"), (png.getvalue(), "shot.png")],
    )
    assert posted.status_code == 201, posted.get_json()
    photos = posted.get_json()["photos"]
    shown = [Image.open(io.BytesIO(demo_client.get(p["url"]).data)) for p in photos]
    # 4032 x 3024 fits 1280 wide: 1280 x 960; 1290 x 2796 fits 1280 high: 591 x 1280.
    assert [im.size for im in shown] == [(1280, 960), (591, 1280)]
    top, bottom = shown[1].getpixel((295, 100)), shown[1].getpixel((295, 1200))
    assert top[2] > 180 and top[0] < 60  # blue kept
    assert min(bottom) > 240  # transparency shown on white


def _raw_body(boundary: str, photo: bytes, extra_parts: int = 0) -> bytes:
    lat, lon = grid_center(GRID)
    fields = {"lat": str(lat), "lon": str(lon), "category_code": "0101"}
    fields.update({f"x{i}": "1" for i in range(extra_parts)})
    out = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    )
    out += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="photo"; filename="a.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n"
    ).encode()
    return out + photo + f"\r\n--{boundary}--\r\n".encode()


def test_broken_multipart_bodies_are_a_clear_4xx_and_store_nothing(demo_app, demo_client):
    """The in-memory form parser (inspector/formdata.py): a body cut off in the middle of the
    photo (a dropped phone connection) is an empty form, so the request names what is missing;
    more parts than MAX_FORM_PARTS is 413; a whole body still lands."""
    boundary = "----phoneBoundary42"
    whole = _raw_body(boundary, samples.jpeg())
    content_type = f"multipart/form-data; boundary={boundary}"
    cut = demo_client.post("/api/v1/reports", data=whole[: len(whole) // 2],
                           content_type=content_type)  # fmt: skip
    assert cut.status_code == 422
    assert cut.get_json()["error"]["code"] in ("invalid_input", "position_required")
    demo_app.config["MAX_FORM_PARTS"] = 10
    many = demo_client.post("/api/v1/reports", data=_raw_body(boundary, samples.jpeg(), 10),
                            content_type=content_type)  # fmt: skip
    assert many.status_code == 413
    assert many.get_json()["error"]["code"] == "payload_too_large"
    assert _stored(demo_app) == []
    landed = demo_client.post("/api/v1/reports", data=whole, content_type=content_type)
    assert landed.status_code == 201, landed.get_json()
    assert len(landed.get_json()["photos"]) == 1
