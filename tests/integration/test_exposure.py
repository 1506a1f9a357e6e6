"""曝光台: a supervisor exposes a case; the public sees it rounded, blurred, without reporter."""

from __future__ import annotations

import io
import json

from PIL import Image, ImageStat

from inspector.timeutil import CHINA, utcnow

from .. import photo_samples
from ..helpers import auth
from .flows import GRID, act, act_on_site, new_client_id, spot


def _checkerboard_jpeg(lat: float, lon: float) -> bytes:
    """8 px black and white squares: sharp edges everywhere, pixel standard deviation ~127."""
    image = Image.new("L", (320, 240), 0)
    for y in range(0, 240, 8):
        for x in range(0, 320, 8):
            if (x // 8 + y // 8) % 2:
                image.paste(255, (x, y, x + 8, y + 8))
    out = io.BytesIO()
    taken = utcnow().astimezone(CHINA).strftime("%Y:%m:%d %H:%M:%S")
    exif = photo_samples.exif_bytes(lat=lat, lon=lon, taken=taken)
    image.convert("RGB").save(out, "JPEG", quality=95, exif=exif)
    return out.getvalue()


def test_exposed_case_is_public_rounded_blurred_and_without_reporter(demo_client):
    c = demo_client
    lat, lon = spot(GRID)
    posted = c.post(
        "/api/v1/reports",
        data={
            "lat": str(lat),
            "lon": str(lon),
            "category_code": "0101",
            "description": "我是张三,电话13912345678,楼下又在占道",
            "phone": "13912345678",
            "client_id": new_client_id(),
            "photo": (io.BytesIO(_checkerboard_jpeg(lat, lon)), "p.jpg"),
        },
        headers=auth(c, "resident"),
        content_type="multipart/form-data",
    )
    assert posted.status_code == 201, posted.get_json()
    case_id = posted.get_json()["case"]["id"]

    # Not confirmed yet (waiting for the grid worker's on-site check): not exposable.
    early = c.post(
        f"/api/v1/cases/{case_id}/expose", json={"note": "x"}, headers=auth(c, "supervisor")
    )
    assert early.status_code == 409

    assert act_on_site(c, "gridworker", case_id, "verify").status_code == 200
    assert act(c, "dispatcher", case_id, "file").status_code == 200
    assert act(c, "dispatcher", case_id, "dispatch").get_json()["unit_code"] == "zfj"
    # Before exposure, the blurred URL of its photo answers 404 like any unknown photo.
    photo_id = posted.get_json()["photos"][0]["id"]
    assert c.get(f"/api/v1/public/exposure/photos/{photo_id}.jpg").status_code == 404

    note = "鼓楼社区解放路占道经营,屡教不改"
    exposed = c.post(
        f"/api/v1/cases/{case_id}/expose", json={"note": note}, headers=auth(c, "supervisor")
    )
    assert exposed.status_code == 200, exposed.get_json()
    assert (
        c.post(
            f"/api/v1/cases/{case_id}/expose", json={"note": note}, headers=auth(c, "dispatcher")
        ).status_code
        == 403
    )

    board = c.get("/api/v1/public/exposure")
    assert board.status_code == 200
    items = board.get_json()["items"]
    assert len(items) == 1
    item = items[0]
    assert item["text"] == note and item["unit_name"] == "综合执法局" and item["fixed"] is False
    assert item["category_name"] == "占道经营" and item["status_name"] == "已派遣,责任单位处置中"
    # Rounded to a ~50 m cell: moved, but by no more than half the cell's diagonal (~36 m).
    dlat_m, dlon_m = (item["lat"] - lat) * 111_320, (item["lon"] - lon) * 111_320 * 0.86
    assert (item["lat"], item["lon"]) != (lat, lon) and (dlat_m**2 + dlon_m**2) ** 0.5 < 36
    text = json.dumps(board.get_json(), ensure_ascii=False)
    for secret in ("张三", "13912345678", "resident", "reporter", "phone", "original", "sig="):
        assert secret not in text, secret

    blurred = c.get(item["photos"][0])
    assert blurred.status_code == 200 and blurred.mimetype == "image/jpeg"
    with Image.open(io.BytesIO(blurred.data)) as image:
        assert len(image.getexif()) == 0 and "exif" not in image.info
        # No face or plate here: only the light whole-picture blur (1.5 px at 320 px wide).
        # The 8 px squares (spread 127.5 before) stay visible but their edges are softened:
        # the last pixel of the first black square (x = 7), next to a white one, turns grey.
        grey = image.convert("L")
        assert 40 < ImageStat.Stat(grey).stddev[0] < 110
        assert 40 < grey.getpixel((7, 3)) < 215

    # Fixed: the board says so, with the blurred after-photo.
    assert act_on_site(c, "unitstaff", case_id, "rectify", note="已清理").status_code == 200
    assert (
        act_on_site(c, "gridworker", case_id, "check", passed=True).get_json()["status"] == "closed"
    )
    item = c.get("/api/v1/public/exposure").get_json()["items"][0]
    assert item["fixed"] is True and len(item["after_photos"]) == 1
    assert c.get(item["after_photos"][0]).status_code == 200
