"""Upload validation by content, with real and broken files made here."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from inspector.errors import ApiError
from inspector.photos.validate import decode_limit, inspect_image
from tests import photo_samples as samples

CHINA = ZoneInfo("Asia/Shanghai")
MB = 1024 * 1024


def _inspect(data: bytes, max_bytes: int = 20 * MB, max_pixels: int = 80_000_000):
    return inspect_image(data, max_bytes, max_pixels, CHINA)


@pytest.mark.parametrize(
    ("data", "fmt", "mime"),
    [
        (samples.jpeg(), "JPEG", "image/jpeg"),
        (samples.plain("PNG"), "PNG", "image/png"),
        (samples.plain("WEBP"), "WEBP", "image/webp"),
        (samples.heic(), "HEIF", "image/heic"),
    ],
    ids=["jpeg", "png", "webp", "heic"],
)
def test_accepted_types(data: bytes, fmt: str, mime: str) -> None:
    info = _inspect(data)
    assert (info.format, info.mime, info.width, info.height) == (fmt, mime, 400, 300)


def test_multi_picture_jpeg_is_a_jpeg() -> None:
    info = _inspect(samples.mpo(6))
    assert (info.format, info.mime, info.width, info.height) == ("JPEG", "image/jpeg", 300, 400)
    assert info.meta.gps_lat is not None


def test_sizes_are_as_stored_before_orientation() -> None:
    for make in (samples.jpeg, samples.heic):
        info = _inspect(make(6))
        assert (info.width, info.height, info.meta.orientation) == (300, 400, 6)


def test_jpeg_with_trailing_video_is_complete() -> None:
    """Motion photos append an MP4 after the JPEG's end marker."""
    data = samples.jpeg() + b"\x00\x00\x00\x18ftypmp42" + b"\x11" * 500
    assert _inspect(data).format == "JPEG"


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        (b"", 422, "invalid_image"),
        (b"this is a text file renamed to photo.jpg\n" * 20, 422, "invalid_image"),
        (samples.jpeg()[:-400], 422, "invalid_image"),
        (samples.jpeg()[:200], 422, "invalid_image"),
        (samples.plain("PNG")[:-20], 422, "invalid_image"),
        (samples.plain("WEBP")[:-20], 422, "invalid_image"),
        (samples.heic()[:-40], 422, "invalid_image"),
        (samples.bomb_png(), 413, "image_too_large"),
        (samples.bomb_jpeg(), 413, "image_too_large"),
        (samples.plain("GIF"), 415, "unsupported_image_type"),
        (samples.plain("BMP"), 415, "unsupported_image_type"),
        (samples.plain("TIFF"), 415, "unsupported_image_type"),
    ],
    ids=[
        "zero-bytes",
        "text-as-jpg",
        "truncated-jpeg",
        "jpeg-header-only",
        "truncated-png",
        "truncated-webp",
        "truncated-heic",
        "bomb-png-30000",
        "bomb-jpeg-30000",
        "gif",
        "bmp",
        "tiff",
    ],
)
def test_rejected(data: bytes, status: int, code: str) -> None:
    with pytest.raises(ApiError) as caught:
        _inspect(data)
    assert (caught.value.status, caught.value.code) == (status, code)
    assert " / " in caught.value.message  # 中文 / English


def test_limits_are_the_configured_ones() -> None:
    data = samples.jpeg(size=(1000, 800))
    with pytest.raises(ApiError) as caught:
        _inspect(data, max_bytes=len(data) - 1)
    assert caught.value.code == "image_too_large"
    with pytest.raises(ApiError) as caught:
        _inspect(data, max_pixels=799_999)
    assert caught.value.code == "image_too_large"
    assert _inspect(data, max_bytes=len(data), max_pixels=800_000).width == 1000


def test_corrupt_exif_loses_metadata_not_the_photo() -> None:
    data = bytearray(samples.jpeg())
    at = data.find(b"Exif\x00\x00")
    data[at + 6 : at + 14] = b"XX\x00\x2a\xff\xff\xff\xff"  # broken TIFF header
    info = _inspect(bytes(data))
    assert info.format == "JPEG"
    assert info.meta.gps_lat is None


def test_formats_decoded_whole_have_lower_pixel_caps() -> None:
    """PNG, WebP, HEIC and progressive JPEG cannot be decoded at a reduced scale: a small file
    declaring a huge canvas is refused from its header (413), long before any decoding."""
    # 8,900 x 8,900 = 79,210,000 pixels: under the 80 MP cap, over PNG's 24,000,000.
    with pytest.raises(ApiError) as caught:
        _inspect(samples.bomb_png(8_900, 8_900))
    assert (caught.value.status, caught.value.code) == (413, "image_too_large")
    assert "PNG 8900×8900 > 24000000" in caught.value.message
    # 9,000 x 6,000 = 54 MP: fine as a baseline JPEG (drafted), too many for a progressive one.
    assert _inspect(samples.bomb_jpeg(9_000, 6_000)).width == 9_000
    with pytest.raises(ApiError) as caught:
        _inspect(samples.progressive_bomb_jpeg(9_000, 6_000))
    assert "progressive JPEG 9000×6000 > 50000000" in caught.value.message
    # The caps still take phone photos: 24 MP HEIC of an iPhone 15 (5712 x 4284 = 24,470,208),
    # a 4000 x 3000 WebP (12,000,000 exactly) and a 5,000 x 4,800 screenshot-like PNG.
    assert decode_limit("HEIF", 80_000_000) >= 5_712 * 4_284
    assert decode_limit("WEBP", 80_000_000) >= 4_000 * 3_000
    assert _inspect(samples.bomb_png(5_000, 4_800)).width == 5_000
    # A stricter configured cap still wins.
    assert decode_limit("PNG", 1_000_000) == 1_000_000


def test_the_probes_png_is_refused() -> None:
    data = samples.big_flat_png()
    assert len(data) < 2 * MB  # a small file...
    with pytest.raises(ApiError) as caught:
        _inspect(data)  # ...that would have cost ~300 MB decoded
    assert caught.value.code == "image_too_large" and "PNG 8900×8900" in caught.value.message


def test_jpeg_end_marker_is_found_from_either_end() -> None:
    """The end-of-image marker is looked for from the end of the file (a plain photo ends with
    it): trailing bytes after it (a motion photo's video) still pass, while a file cut anywhere
    in its scan data, which has no FF D9 after the scan header, is refused."""
    whole = samples.jpeg(size=(800, 600))
    assert whole.endswith(b"\xff\xd9")
    assert _inspect(whole + b"\x00\x00\x00\x18ftypmp42" + bytes(500)).width == 800
    for cut in (len(whole) - 2, len(whole) // 2, len(whole) - 1):
        with pytest.raises(ApiError) as caught:
            _inspect(whole[:cut])
        assert caught.value.code == "invalid_image", cut
