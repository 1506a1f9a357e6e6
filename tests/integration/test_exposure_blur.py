"""曝光台 photos: a real face (NASA's public-domain astronaut portrait, shipped with scikit-image)
is found by OpenCV and blurred beyond recognition, the rest of the picture only lightly; a
supervisor's marked rectangle is blurred too; the pictures are made once and remade only when
the marks change.

How "altered" is measured: the band-pass detail of a region (difference of Gaussian blurs with
sigma 2 and 6 px: the scale of eyes, mouth and letters) before and after. Where detail survives,
the two correlate (close to 1) and keep most of their energy; where it is destroyed, neither.
"""

from __future__ import annotations

import io

import cv2
import numpy as np
from PIL import Image
from skimage import data

from inspector.photos.service import storage
from inspector.timeutil import CHINA, utcnow

from .. import photo_samples
from ..helpers import auth
from .flows import GRID, act, act_on_site, new_client_id, spot

# Regions of the 512 x 512 portrait (x0, y0, x1, y1), read off the picture by eye:
FACE = (190, 80, 260, 150)  # eyes, nose and mouth of Eileen Collins
FLAG = (0, 250, 60, 450)  # the flag's stripes, far left: far from the face
HELMET = (300, 360, 500, 500)  # the helmet, bottom right
ROCKET = (380, 20, 450, 220)  # the model shuttle, top right: the supervisor marks it
ROCKET_MARK = {"x": 0.72, "y": 0.0, "width": 0.2, "height": 0.45}  # 368..471 x 0..230 px


def _astronaut_jpeg(lat: float, lon: float) -> bytes:
    out = io.BytesIO()
    taken = utcnow().astimezone(CHINA).strftime("%Y:%m:%d %H:%M:%S")
    exif = photo_samples.exif_bytes(lat=lat, lon=lon, taken=taken)
    Image.fromarray(data.astronaut()).save(out, "JPEG", quality=95, exif=exif)
    return out.getvalue()


def _grey(jpeg: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(jpeg)) as image:
        return np.asarray(image.convert("L"), dtype=float)


def _detail(grey: np.ndarray) -> np.ndarray:
    return cv2.GaussianBlur(grey, (0, 0), 2) - cv2.GaussianBlur(grey, (0, 0), 6)


def _kept(original: np.ndarray, public: np.ndarray, box: tuple) -> tuple[float, float]:
    """(correlation of the detail, share of its energy kept) inside the box."""
    x0, y0, x1, y1 = box
    a, b = _detail(original)[y0:y1, x0:x1], _detail(public)[y0:y1, x0:x1]
    return float(np.corrcoef(a.ravel(), b.ravel())[0, 1]), float(b.std() / a.std())


def _blurred_keys(sha256: str) -> set[str]:
    prefix = f"derived/{sha256[:2]}/{sha256[2:4]}/{sha256}-blurred"
    return {o.key for o in storage().list(f"derived/{sha256[:2]}/") if o.key.startswith(prefix)}


def test_faces_and_marked_areas_are_blurred_and_cached(demo_app, demo_client):
    c = demo_client
    lat, lon = spot(GRID)
    sent = _astronaut_jpeg(lat, lon)
    posted = c.post(
        "/api/v1/reports",
        data={
            "lat": str(lat),
            "lon": str(lon),
            "category_code": "0101",
            "client_id": new_client_id(),
            "photo": (io.BytesIO(sent), "astronaut.jpg"),
        },
        headers=auth(c, "resident"),
        content_type="multipart/form-data",
    )
    assert posted.status_code == 201, posted.get_json()
    case_id = posted.get_json()["case"]["id"]
    photo_id = posted.get_json()["photos"][0]["id"]
    assert act_on_site(c, "gridworker", case_id, "verify").status_code == 200
    assert act(c, "dispatcher", case_id, "file").status_code == 200
    assert act(c, "dispatcher", case_id, "dispatch").status_code == 200
    supervisor = auth(c, "supervisor")
    exposed = c.post(f"/api/v1/cases/{case_id}/expose", json={"note": "占道"}, headers=supervisor)
    assert exposed.status_code == 200 and exposed.get_json()["blur_areas"] == []

    original = _grey(sent)
    url = c.get("/api/v1/public/exposure").get_json()["items"][0]["photos"][0]
    first = c.get(url)
    assert first.status_code == 200 and first.mimetype == "image/jpeg"
    with Image.open(io.BytesIO(first.data)) as image:
        assert image.size == (512, 512) and len(image.getexif()) == 0 and "exif" not in image.info
    public = _grey(first.data)

    # The face: its detail is gone (uncorrelated, under a fifth of its energy left).
    corr, energy = _kept(original, public, FACE)
    assert corr < 0.5 and energy < 0.2, (corr, energy)
    # Far from the face only the light blur: the detail is still there, nearly unchanged.
    for box in (FLAG, HELMET, ROCKET):
        corr, energy = _kept(original, public, box)
        assert corr > 0.9 and energy > 0.6, (box, corr, energy)

    # Made once: the same picture from storage on the next request, one stored variant.
    with demo_app.app_context():
        sha = _sha_of(demo_app, photo_id)
        keys = _blurred_keys(sha)
    assert len(keys) == 1
    again = c.get(url)
    assert again.data == first.data
    assert again.headers["ETag"] == first.headers["ETag"]

    # The supervisor marks the shuttle model: it is blurred too, and the URL changes with it.
    marked = c.post(
        f"/api/v1/cases/{case_id}/expose",
        json={"note": "占道", "blur_areas": [{"photo_id": photo_id, **ROCKET_MARK}]},
        headers=supervisor,
    )
    assert marked.status_code == 200, marked.get_json()
    assert marked.get_json()["blur_areas"] == [{"photo_id": photo_id, **ROCKET_MARK}]
    new_url = c.get("/api/v1/public/exposure").get_json()["items"][0]["photos"][0]
    assert new_url != url
    with demo_app.app_context():
        assert _blurred_keys(sha) == set()  # the outdated picture is dropped
    remade = _grey(c.get(new_url).data)
    corr, energy = _kept(original, remade, ROCKET)
    assert corr < 0.5 and energy < 0.2, (corr, energy)
    corr, energy = _kept(original, remade, FACE)
    assert corr < 0.5 and energy < 0.2, (corr, energy)
    corr, energy = _kept(original, remade, FLAG)
    assert corr > 0.9 and energy > 0.6, (corr, energy)
    with demo_app.app_context():
        assert len(_blurred_keys(sha)) == 1

    # Marks name photos of this case only, inside the picture; only supervisors set them.
    for bad in (
        {"photo_id": photo_id + 1000, **ROCKET_MARK},
        {"photo_id": photo_id, "x": 0.9, "y": 0.0, "width": 0.2, "height": 0.1},
    ):
        answer = c.post(
            f"/api/v1/cases/{case_id}/expose",
            json={"note": "占道", "blur_areas": [bad]},
            headers=supervisor,
        )
        assert answer.status_code == 422, bad
        assert answer.get_json()["error"]["code"] == "invalid_input"
    answer = c.post(
        f"/api/v1/cases/{case_id}/expose",
        json={"note": "占道", "blur_areas": [{"photo_id": photo_id, **ROCKET_MARK}]},
        headers=auth(c, "dispatcher"),
    )
    assert answer.status_code == 403


def _sha_of(app, photo_id: int) -> str:  # noqa: ANN001
    from inspector.extensions import db
    from inspector.photos.models import Photo

    return db.session.get(Photo, photo_id).sha256
