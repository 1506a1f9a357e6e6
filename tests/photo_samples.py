"""Real image files made in the test: JPEG with EXIF/GPS, every orientation, HEIC, PNG, WebP,
and broken ones. The pixel pattern is asymmetric so that a wrong rotation is visible."""

from __future__ import annotations

import functools
import io
import struct

from PIL import Image, ImageDraw

from inspector.photos.heif import register

register()

# Upright scene: red top-left quadrant, blue bottom band; 4:3 landscape.
RED, BLUE, WHITE = (220, 30, 30), (30, 30, 220), (245, 245, 245)


def upright_scene(width: int = 400, height: int = 300) -> Image.Image:
    image = Image.new("RGB", (width, height), WHITE)
    image.paste(RED, (0, 0, width // 2, height // 2))
    image.paste(BLUE, (0, height * 3 // 4, width, height))
    return image


def textured_scene(width: int = 800, height: int = 600) -> Image.Image:
    """Gradients and shapes: enough structure for a stable perceptual hash (flat areas are not)."""
    red = Image.linear_gradient("L")
    image = Image.merge("RGB", (red, Image.radial_gradient("L"), red.rotate(90))).resize(
        (width, height)
    )
    draw = ImageDraw.Draw(image)
    draw.ellipse((width * 0.1, height * 0.2, width * 0.4, height * 0.7), fill=(20, 160, 40))
    draw.rectangle((width * 0.6, height * 0.1, width * 0.9, height * 0.5), fill=(240, 220, 30))
    return image


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


# Inverse of the upright transform: what a camera stores for each EXIF orientation.
_STORE_OPS = {
    1: [],
    2: [Image.Transpose.FLIP_LEFT_RIGHT],
    3: [Image.Transpose.ROTATE_180],
    4: [Image.Transpose.FLIP_TOP_BOTTOM],
    5: [Image.Transpose.TRANSPOSE],
    6: [Image.Transpose.ROTATE_90],
    7: [Image.Transpose.TRANSVERSE],
    8: [Image.Transpose.ROTATE_270],
}


def stored_for(orientation: int, scene: Image.Image | None = None) -> Image.Image:
    image = scene or upright_scene()
    for op in _STORE_OPS[orientation]:
        image = image.transpose(op)
    return image


def exif_bytes(
    orientation: int = 1,
    lat: float | None = 30.64,
    lon: float | None = 113.13,
    taken: str | None = "2026:11:27 09:30:00",
    offset: str | None = "+08:00",
    altitude: float | None = 35.5,
    direction: float | None = 271.25,
    make: str = "Xiaomi",
    model: str = "Redmi Note 13",
) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = make
    exif[0x0110] = model
    if taken:
        sub = exif.get_ifd(0x8769)
        sub[0x9003] = taken
        if offset:
            sub[0x9011] = offset
    if lat is not None and lon is not None:
        gps = exif.get_ifd(0x8825)
        gps[1] = "N" if lat >= 0 else "S"
        gps[2] = _dms(abs(lat))
        gps[3] = "E" if lon >= 0 else "W"
        gps[4] = _dms(abs(lon))
        if altitude is not None:
            gps[5] = b"\x00" if altitude >= 0 else b"\x01"
            gps[6] = abs(altitude)
        if direction is not None:
            gps[16] = "T"
            gps[17] = direction
    return exif.tobytes()


def _dms(value: float) -> tuple[float, float, float]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round((value - degrees - minutes / 60) * 3600, 4)
    return (float(degrees), float(minutes), seconds)


def jpeg(orientation: int = 1, size: tuple[int, int] = (400, 300), **exif) -> bytes:
    out = io.BytesIO()
    stored_for(orientation, upright_scene(*size)).save(
        out, "JPEG", quality=90, exif=exif_bytes(orientation, **exif)
    )
    return out.getvalue()


def mpo(orientation: int = 6) -> bytes:
    """Multi-picture JPEG (portrait/depth modes): the first image is the photo."""
    out = io.BytesIO()
    first = stored_for(orientation)
    first.save(
        out, "MPO", save_all=True, append_images=[first.rotate(90)], exif=exif_bytes(orientation)
    )
    return out.getvalue()


def plain(fmt: str, size: tuple[int, int] = (400, 300), **options) -> bytes:
    out = io.BytesIO()
    image = upright_scene(*size)
    if fmt == "PNG":
        image = image.convert("RGBA")
    image.save(out, fmt, **options)
    return out.getvalue()


def heic(orientation: int = 1, **exif) -> bytes:
    """HEIC with EXIF; pillow-heif stores the orientation as a container transform."""
    out = io.BytesIO()
    stored_for(orientation).save(
        out,
        "HEIF",
        quality=80,
        exif=exif_bytes(orientation, make="Apple", model="iPhone 15", **exif),
    )
    return out.getvalue()


def bomb_png(width: int = 30_000, height: int = 30_000) -> bytes:
    """A tiny PNG whose header claims width x height pixels (the decompression-bomb shape)."""
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def bomb_jpeg(width: int = 30_000, height: int = 30_000) -> bytes:
    """A real small JPEG whose frame header is rewritten to claim width x height."""
    data = bytearray(plain("JPEG", (16, 16)))
    sof = data.find(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, height, width)
    return bytes(data)


def progressive_bomb_jpeg(width: int, height: int) -> bytes:
    """A real small progressive JPEG (SOF2) whose frame header claims width x height."""
    data = bytearray(plain("JPEG", (16, 16), progressive=True))
    sof = data.find(b"\xff\xc2")
    struct.pack_into(">HH", data, sof + 5, height, width)
    return bytes(data)


@functools.cache
def big_flat_png(width: int = 8_900, height: int = 8_900) -> bytes:
    """The probe's attachment: an 8,900 x 8,900 RGBA PNG of one colour, about 330 KB
    (79.2 MP, under the 80 MP cap; ~300 MB once decoded). Made once per test process."""
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (200, 30, 30, 255)).save(out, "PNG", compress_level=1)
    return out.getvalue()
