"""Derivatives are upright, small, JPEG and carry no EXIF/GPS/XMP, for every orientation."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from inspector.photos.derive import DISPLAY_MAX, THUMB_MAX, make_derivatives
from tests import photo_samples as samples


def _assert_upright(data: bytes, size: tuple[int, int]) -> None:
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        assert image.size == size
        w, h = image.size
        red = image.getpixel((w // 8, h // 8))  # top-left quadrant is red
        white = image.getpixel((w * 7 // 8, h // 8))  # top-right is white
        blue = image.getpixel((w // 2, h * 15 // 16))  # bottom band is blue
        assert red[0] > 180 and red[2] < 90, red
        assert min(white) > 200, white
        assert blue[2] > 180 and blue[0] < 90, blue
        assert len(image.getexif()) == 0
        assert "exif" not in image.info and "xmp" not in image.info
    assert b"Exif\x00\x00" not in data
    assert b"http://ns.adobe.com/xap" not in data


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_orientation_comes_out_upright_without_exif(orientation: int) -> None:
    made = make_derivatives(samples.jpeg(orientation, size=(2000, 1500)))
    _assert_upright(made.display, (DISPLAY_MAX, 960))
    _assert_upright(made.thumb, (THUMB_MAX, 240))


@pytest.mark.parametrize("orientation", [1, 3, 6, 8])
def test_heic_upright_without_exif(orientation: int) -> None:
    made = make_derivatives(samples.heic(orientation))
    _assert_upright(made.display, (400, 300))  # never enlarged
    _assert_upright(made.thumb, (320, 240))


def test_multi_picture_jpeg_upright() -> None:
    made = make_derivatives(samples.mpo(6))
    _assert_upright(made.display, (400, 300))


def test_png_with_alpha_and_webp() -> None:
    for data in (samples.plain("PNG"), samples.plain("WEBP", quality=90)):
        made = make_derivatives(data)
        _assert_upright(made.display, (400, 300))


def test_same_picture_same_perceptual_hash_whatever_the_orientation_tag() -> None:
    hashes = {make_derivatives(samples.jpeg(o, size=(1600, 1200))).phash for o in (1, 6, 3)}
    assert len(hashes) == 1
    other = make_derivatives(samples.jpeg(1, size=(1600, 1200), lat=1.0)).phash
    assert other in hashes  # EXIF differs, pixels do not


def test_xmp_gps_in_the_original_is_not_copied() -> None:
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="30,38.4N"/></x:xmpmeta>'
    out = io.BytesIO()
    samples.upright_scene().save(out, "JPEG", xmp=xmp, exif=samples.exif_bytes())
    assert b"GPSLatitude" in out.getvalue()
    made = make_derivatives(out.getvalue())
    assert b"GPSLatitude" not in made.display and b"GPSLatitude" not in made.thumb


def test_large_images_are_reduced_in_bands_with_alpha_on_white() -> None:
    """Wider than 3 x 1280: box-reduced in bands of rows before LANCZOS; the result is the same
    picture: opaque red left half, transparent right half (shown on white), green bottom rows."""
    image = Image.new("RGBA", (8_000, 1_200), (0, 0, 0, 0))
    image.paste((255, 0, 0, 255), (0, 0, 4_000, 1_200))
    image.paste((0, 255, 0, 255), (0, 1_100, 8_000, 1_200))
    out = io.BytesIO()
    image.save(out, "PNG")
    made = make_derivatives(out.getvalue())
    display = Image.open(io.BytesIO(made.display))
    assert display.size == (1280, 192)  # 8000 x 1200 scaled by 1280/8000
    red, white, green = (
        display.getpixel((320, 80)),
        display.getpixel((960, 80)),
        display.getpixel((960, 188)),
    )
    assert red[0] > 230 and red[1] < 30 and red[2] < 30
    assert min(white) > 240
    assert green[1] > 230 and green[0] < 30
