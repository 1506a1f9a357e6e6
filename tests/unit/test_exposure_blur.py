"""The 曝光台 detectors and marks, pure: arrays in, boxes out."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw
from skimage import data

from inspector.exposure.blur import detect, marks_to_boxes


def _inside(box, x: int, y: int) -> bool:  # noqa: ANN001
    return box.x <= x < box.x + box.w and box.y <= y < box.y + box.h


def test_the_astronauts_face_is_found_and_nothing_else():
    """NASA's portrait (public domain): one face, around the nose at (225, 115) by eye."""
    boxes = detect(data.astronaut())
    faces = [b for b in boxes if b.kind in ("face", "profile")]
    assert len(faces) >= 1 and all(_inside(f, 225, 115) for f in faces)
    # The face is 60 to 140 px wide (the head is about 100 px across in a 512 px picture).
    assert all(60 <= f.w <= 140 for f in faces)
    assert [b for b in boxes if b.kind == "plate"] == []


def test_a_blue_chinese_plate_is_found_by_its_colour():
    """A 440 x 140 mm plate at 1 px per 2 mm: 220 x 70 px, blue (GB 20 71 A0), white text."""
    picture = Image.new("RGB", (800, 600), (128, 128, 128))
    draw = ImageDraw.Draw(picture)
    draw.rectangle((300, 400, 519, 469), fill=(0x14, 0x47, 0xA0))
    draw.rectangle((320, 415, 500, 455), outline=(255, 255, 255), width=4)  # the characters
    plates = [b for b in detect(np.asarray(picture)) if b.kind == "plate"]
    assert len(plates) == 1
    plate = plates[0]
    # Its box covers the plate: left 300, top 400, 220 x 70 (within a few pixels).
    assert abs(plate.x - 300) <= 3 and abs(plate.y - 400) <= 3
    assert abs(plate.w - 220) <= 6 and abs(plate.h - 70) <= 6


def test_a_grey_scene_has_nothing_to_hide():
    assert detect(np.full((300, 400, 3), 128, np.uint8)) == []


def test_marks_are_fractions_of_the_picture():
    # 0.25 of 800 = 200, 0.5 of 600 = 300, 0.1 of 800 = 80, 0.2 of 600 = 120.
    (box,) = marks_to_boxes([[0.25, 0.5, 0.1, 0.2]], 800, 600)
    assert (box.x, box.y, box.w, box.h, box.kind) == (200, 300, 80, 120, "mark")
