"""The only picture of an exposed case the public gets: faces and number plates found by OpenCV's
detectors and the areas a supervisor marked are blurred beyond recognition, the rest of the
picture only lightly, and the result is a fresh JPEG that carries nothing but pixels (no EXIF).
Pure: bytes and marks in, bytes out.

Detectors (OpenCV's Haar cascades, shipped in `cv2.data.haarcascades`): frontal faces, profile
faces looking either way (the picture is also searched mirrored), and plates with the cascade
trained on Russian plates, which finds the same white/black rectangular shape of many countries.
Chinese plates (blue with white characters, or yellow) are also searched by colour: a solid,
saturated blue or yellow rectangle about 3.1:1 wide; green new-energy plates (a pale gradient)
are not covered yet. Limits, said plainly: Haar cascades miss faces turned more than ~45° away, covered or smaller than
MIN_FACE_SHARE of the shorter side, and plates seen at a steep angle, dirty or very small; the
colour search also blurs some blue or yellow signs (harmless on a public page). That is why a
light blur covers the whole picture too and why a supervisor can mark what the detectors missed.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFilter

# Bumped when the detection or blurring changes: cached derivatives are made again.
VERSION = "2"
# Whole-picture blur as a share of the longer side (1280 px: about 3 px): shapes, colours and the
# problem stay readable; fine print and faces too small to be detected lose their detail.
LIGHT_RADIUS_SHARE = 1 / 400
MIN_FACE_SHARE = 1 / 40  # faces smaller than this share of the shorter side are not searched
DETECT_SIDE = 800  # detectors run on a copy at most this long (a 1280 px picture: 2.5x faster)
PAD = 0.2  # each detected box grows by this share of its size on every side
SAMPLES = 6  # a blurred area keeps at most this many samples across: nothing to recognise


@dataclass(frozen=True)
class Box:
    """A rectangle in pixels: left, top, width, height."""

    x: int
    y: int
    w: int
    h: int
    kind: str  # face | profile | plate | mark


def _cascade(name: str):  # noqa: ANN202 - cv2.CascadeClassifier
    import cv2

    cascade = cv2.CascadeClassifier(cv2.data.haarcascades + name)
    if cascade.empty():  # a broken OpenCV install must not publish unblurred faces
        raise RuntimeError(f"OpenCV cascade {name} did not load")
    return cascade


_CASCADES: dict[str, object] = {}


def _loaded(name: str):  # noqa: ANN202 - cv2.CascadeClassifier, loaded once per process
    if name not in _CASCADES:
        _CASCADES[name] = _cascade(name)
    return _CASCADES[name]


def _run(name: str, gray: np.ndarray, min_side: int, neighbours: int) -> list[tuple]:
    found = _loaded(name).detectMultiScale(
        gray, scaleFactor=1.15, minNeighbors=neighbours, minSize=(min_side, min_side)
    )
    return [tuple(int(v) for v in r) for r in found] if len(found) else []


def _colour_plates(rgb: np.ndarray) -> list[Box]:
    """Blue and yellow plate-shaped rectangles (Chinese plates: 440 x 140 mm)."""
    import cv2

    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    height, width = rgb.shape[:2]
    area = height * width
    boxes = []
    # OpenCV hue is 0-179: yellow ~15-35, blue ~100-125.
    for low, high in (((100, 120, 70), (125, 255, 255)), ((15, 120, 100), (35, 255, 255))):
        mask = cv2.inRange(hsv, np.array(low), np.array(high))
        mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((3, 9), np.uint8))
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        for contour in contours:
            x, y, w, h = cv2.boundingRect(contour)
            if h == 0 or not 2.2 <= w / h <= 5.0:
                continue
            if not area * 0.0003 <= w * h <= area * 0.08:  # from far away to a close-up
                continue
            if cv2.contourArea(contour) < 0.6 * w * h:  # a filled rectangle, not a stripe
                continue
            boxes.append(Box(x, y, w, h, "plate"))
    return boxes


def detect(rgb: np.ndarray) -> list[Box]:
    """Faces (frontal, profile both ways) and number plates in an RGB array, in its pixels."""
    import cv2

    height, width = rgb.shape[:2]
    scale = min(1.0, DETECT_SIDE / max(height, width))
    if scale < 1:
        small = cv2.resize(rgb, (round(width * scale), round(height * scale)), cv2.INTER_AREA)
        return [
            Box(
                int(b.x / scale),
                int(b.y / scale),
                int(b.w / scale) + 1,
                int(b.h / scale) + 1,
                b.kind,
            )
            for b in _detect(small)
        ]
    return _detect(rgb)


def _detect(rgb: np.ndarray) -> list[Box]:
    import cv2

    gray = cv2.equalizeHist(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY))
    height, width = gray.shape
    face_min = max(20, int(min(height, width) * MIN_FACE_SHARE))
    boxes = [
        Box(*r, "face")
        for r in _run("haarcascade_frontalface_default.xml", gray, face_min, neighbours=5)
    ]
    boxes += [Box(*r, "profile") for r in _run("haarcascade_profileface.xml", gray, face_min, 5)]
    mirrored = cv2.flip(gray, 1)
    boxes += [
        Box(width - x - w, y, w, h, "profile")
        for x, y, w, h in _run("haarcascade_profileface.xml", mirrored, face_min, 5)
    ]
    boxes += [
        Box(*r, "plate")
        for r in _run("haarcascade_russian_plate_number.xml", gray, 16, neighbours=4)
    ]
    return boxes + _colour_plates(rgb)


def _padded(box: Box, width: int, height: int, pad: float) -> tuple[int, int, int, int]:
    dx, dy = int(box.w * pad), int(box.h * pad)
    x0, y0 = max(0, box.x - dx), max(0, box.y - dy)
    x1, y1 = min(width, box.x + box.w + dx), min(height, box.y + box.h + dy)
    return x0, y0, x1, y1


def _obliterate(rgb: np.ndarray, x0: int, y0: int, x1: int, y1: int) -> None:
    """Keep a few samples across the area, spread them back smoothly, then blur: no detail left
    to recover (a plain Gaussian blur of a face can be partly undone; this cannot)."""
    import cv2

    w, h = x1 - x0, y1 - y0
    if w < 2 or h < 2:
        return
    area = rgb[y0:y1, x0:x1]
    scale = SAMPLES / max(w, h)
    small = cv2.resize(
        area, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA
    )
    smooth = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
    k = max(3, (max(w, h) // 4) | 1)
    rgb[y0:y1, x0:x1] = cv2.GaussianBlur(smooth, (k, k), 0)


def marks_to_boxes(marks: Sequence[Sequence[float]], width: int, height: int) -> list[Box]:
    """[x, y, width, height] in fractions (0..1) of the picture to pixel boxes."""
    boxes = []
    for x, y, w, h in marks:
        x0, y0 = int(x * width), int(y * height)
        boxes.append(Box(x0, y0, max(1, round(w * width)), max(1, round(h * height)), "mark"))
    return boxes


def blurred_jpeg(display_jpeg: bytes, marks: Sequence[Sequence[float]] = ()) -> bytes:
    """Detected faces and plates and the marked areas obliterated, the rest lightly blurred."""
    with Image.open(io.BytesIO(display_jpeg)) as image:
        rgb = np.array(image.convert("RGB"))
    height, width = rgb.shape[:2]
    for box in detect(rgb):
        _obliterate(rgb, *_padded(box, width, height, PAD))
    for box in marks_to_boxes(marks, width, height):
        _obliterate(rgb, *_padded(box, width, height, 0))
    picture = Image.fromarray(rgb)
    radius = max(1.5, max(width, height) * LIGHT_RADIUS_SHARE)
    soft = picture.filter(ImageFilter.GaussianBlur(radius))
    out = io.BytesIO()
    soft.save(out, "JPEG", quality=80)  # a new image: no EXIF, no ICC, no comments
    return out.getvalue()
