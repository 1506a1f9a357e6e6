"""EXIF parsing (pure) and against the EXIF Pillow writes into real JPEG and HEIC files."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from PIL import Image, TiffImagePlugin

from inspector.photos.exif import (
    EXIF_IFD,
    GPS_IFD,
    PhotoMeta,
    parse_exif,
    parse_offset,
    upright_size,
)
from tests import photo_samples as samples

CHINA = ZoneInfo("Asia/Shanghai")


def _meta_of(data: bytes) -> PhotoMeta:
    with Image.open(io.BytesIO(data)) as image:
        exif = image.getexif()
        return parse_exif(exif, exif.get_ifd(EXIF_IFD), exif.get_ifd(GPS_IFD), CHINA)


def test_jpeg_exif_gives_time_gps_camera_orientation() -> None:
    meta = _meta_of(samples.jpeg(6, lat=30.64, lon=113.13, altitude=35.5, direction=271.25))
    assert meta.taken_at == datetime(2026, 11, 27, 1, 30, tzinfo=UTC)
    assert meta.taken_at_offset == "+08:00"
    assert meta.gps_lat == pytest.approx(30.64, abs=1e-6)
    assert meta.gps_lon == pytest.approx(113.13, abs=1e-6)
    assert meta.gps_alt == pytest.approx(35.5)
    assert meta.gps_direction == pytest.approx(271.25)
    assert (meta.camera_make, meta.camera_model) == ("Xiaomi", "Redmi Note 13")
    assert meta.orientation == 6


def test_heic_exif_is_read() -> None:
    data = samples.heic(lat=-33.8688, lon=-151.2093, offset="-05:00")
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "HEIF"
    meta = _meta_of(data)
    assert meta.gps_lat == pytest.approx(-33.8688, abs=1e-6)
    assert meta.gps_lon == pytest.approx(-151.2093, abs=1e-6)
    assert meta.taken_at == datetime(2026, 11, 27, 14, 30, tzinfo=UTC)
    assert meta.camera_make == "Apple"


def test_time_without_offset_is_read_in_the_city_zone() -> None:
    meta = _meta_of(samples.jpeg(offset=None))
    assert meta.taken_at_offset is None
    assert meta.taken_at == datetime(2026, 11, 27, 1, 30, tzinfo=UTC)


def test_below_sea_level_and_southern_western() -> None:
    meta = _meta_of(samples.jpeg(lat=-12.5, lon=-77.25, altitude=-8.0))
    assert (meta.gps_lat, meta.gps_lon) == (pytest.approx(-12.5), pytest.approx(-77.25))
    assert meta.gps_alt == pytest.approx(-8.0)


def test_no_exif_at_all() -> None:
    assert _meta_of(samples.plain("PNG")) == PhotoMeta()


@pytest.mark.parametrize(
    "gps",
    [
        {1: "N", 2: (0.0, 0.0, 0.0), 3: "E", 4: (0.0, 0.0, 0.0)},  # "no fix"
        {1: "N", 2: (95.0, 0.0, 0.0), 3: "E", 4: (113.0, 0.0, 0.0)},  # out of range
        {1: "N", 2: (30.0, 0.0), 3: "E", 4: (113.0, 0.0, 0.0)},  # wrong shape
        {1: "N", 2: (TiffImagePlugin.IFDRational(1, 0), 0, 0), 3: "E", 4: (113, 0, 0)},
        {2: "thirty", 4: "east"},
    ],
)
def test_malformed_gps_is_ignored_not_trusted(gps: dict) -> None:
    meta = parse_exif({}, {}, gps, CHINA)
    assert (meta.gps_lat, meta.gps_lon, meta.gps_alt) == (None, None, None)


def test_rationals_as_cameras_write_them() -> None:
    gps = {
        1: "N",
        2: (Fraction(30), Fraction(38), Fraction(2400, 100)),
        3: "E",
        4: (Fraction(113), Fraction(7), Fraction(48)),
    }
    meta = parse_exif({0x0112: 9, 0x010F: b"HUAWEI\x00"}, {}, gps, CHINA)
    assert meta.gps_lat == pytest.approx(30 + 38 / 60 + 24 / 3600)
    assert meta.orientation == 1  # 9 is not an orientation
    assert meta.camera_make == "HUAWEI"


def test_bad_dates_are_dropped() -> None:
    assert parse_exif({}, {0x9003: "0000:00:00 00:00:00"}, {}, CHINA).taken_at is None
    assert parse_exif({0x0132: "2026:11:27 08:00:00"}, {}, {}, CHINA).taken_at == datetime(
        2026, 11, 27, 0, 0, tzinfo=UTC
    )


def test_offsets() -> None:
    assert parse_offset("+08:00").utcoffset(None).total_seconds() == 8 * 3600
    assert parse_offset("-03:30").utcoffset(None).total_seconds() == -3.5 * 3600
    assert parse_offset("+25:00") is None
    assert parse_offset("08:00") is None


@pytest.mark.parametrize("orientation", range(1, 9))
def test_upright_size(orientation: int) -> None:
    expected = (300, 400) if orientation >= 5 else (400, 300)
    assert upright_size(400, 300, orientation) == expected
