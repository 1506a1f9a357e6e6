"""Is this upload a photo we keep? Decided by content (Pillow's detected format), never by the
file name or the declared type, and without decoding the pixels: a 12-megapixel decode costs
more than everything else in the accept path together, so the cheap structural checks here
(size, header, pixel count, complete container) run at upload and pixels are decoded later,
when derivatives are made."""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass
from datetime import tzinfo

from PIL import Image, UnidentifiedImageError

from ..errors import ApiError
from .exif import EXIF_IFD, GPS_IFD, PhotoMeta, parse_exif, upright_size
from .heif import register as register_heif

register_heif()

MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "HEIF": "image/heic", "WEBP": "image/webp"}
ALLOWED_FORMATS = tuple(MIME)
# Derivatives are made on first view, in a web worker. A baseline JPEG is decoded DCT-scaled
# (1/8 of the pixels at most), so its cost stays small up to MAX_IMAGE_PIXELS. PNG, WebP and
# HEIC must be decoded whole, and a progressive JPEG keeps every DCT coefficient in memory; a
# tiny file can declare a huge canvas (a 326 KB 8,900 x 8,900 PNG cost 3 s and +600 MB). These
# caps keep any accepted photo within ~1 s of CPU and ~300 MB (bench/decode.py, README); they
# still admit phone photos (12 and 24 MP HEIC, 4000 x 3000 WebP) and screenshots.
FULL_DECODE_PIXELS = {
    "PNG": 24_000_000,
    "WEBP": 12_000_000,
    "HEIF": 25_000_000,
    "JPEG_PROGRESSIVE": 50_000_000,
}
# Recognised but refused: an image, just not one we accept (415, not "broken").
_OTHER_IMAGES = (b"GIF87a", b"GIF89a", b"BM", b"II*\x00", b"MM\x00*", b"%PDF", b"\x00\x00\x01\x00")


@dataclass(frozen=True)
class Inspected:
    format: str
    mime: str
    width: int  # as stored, before orientation
    height: int
    meta: PhotoMeta


def invalid_image(reason: str) -> ApiError:
    return ApiError(
        422, "invalid_image", f"图片文件无效或已损坏({reason}) / Invalid image: {reason}"
    )


def too_large(reason: str) -> ApiError:
    return ApiError(413, "image_too_large", f"图片过大({reason}) / Image too large: {reason}")


def unsupported() -> ApiError:
    return ApiError(
        415,
        "unsupported_image_type",
        "仅支持 JPEG、PNG、HEIC、WebP 图片 / Only JPEG, PNG, HEIC and WebP images are accepted",
    )


def inspect_image(data: bytes, max_bytes: int, max_pixels: int, default_tz: tzinfo) -> Inspected:
    """Raise ApiError (4xx) for anything we do not keep; otherwise what the header tells."""
    if not data:
        raise invalid_image("空文件 empty file")
    if len(data) > max_bytes:
        raise too_large(f"{len(data)} > {max_bytes} bytes")
    try:
        # Pillow itself refuses far-over-limit headers (DecompressionBombError); ours is below.
        image = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
    except Image.DecompressionBombError as exc:
        raise too_large("像素过多 too many pixels") from exc
    except UnidentifiedImageError as exc:
        if data.startswith(_OTHER_IMAGES) or data[4:12] in (b"ftypavif", b"ftypavis"):
            raise unsupported() from exc
        raise invalid_image("无法识别 not an image") from exc
    except (OSError, SyntaxError, ValueError, struct.error, EOFError) as exc:
        raise invalid_image("文件头损坏 corrupt header") from exc
    with image:
        width, height = image.size
        if width < 1 or height < 1:
            raise invalid_image("尺寸为零 zero size")
        if width * height > max_pixels:
            raise too_large(f"{width}×{height} > {max_pixels} pixels")
        # Phones with depth/portrait modes write MPO: a JPEG with more images appended.
        fmt = "JPEG" if image.format == "MPO" else (image.format or "")
        if fmt not in MIME:
            raise unsupported()
        progressive = bool(image.info.get("progressive") or image.info.get("progression"))
        limit = decode_limit(fmt, max_pixels, progressive)
        if width * height > limit:
            kind = "progressive JPEG" if progressive and fmt == "JPEG" else fmt
            raise too_large(f"{kind} {width}×{height} > {limit} 像素 pixels")
        if not _complete(fmt, data):
            raise invalid_image("文件不完整 truncated")
        meta = _meta(image, default_tz)
    if fmt == "HEIF":
        # libheif hands out pixels already turned upright; report the stored geometry.
        width, height = upright_size(width, height, meta.orientation)
    return Inspected(fmt, MIME[fmt], width, height, meta)


def _meta(image: Image.Image, default_tz: tzinfo) -> PhotoMeta:
    try:
        exif = image.getexif()
        meta = parse_exif(exif, exif.get_ifd(EXIF_IFD), exif.get_ifd(GPS_IFD), default_tz)
    except Exception:  # noqa: BLE001 - a broken EXIF block loses the metadata, not the photo
        meta = PhotoMeta()
    if image.format == "HEIF":
        # pillow-heif resets the tag to 1 after applying it and keeps the original here.
        original = image.info.get("original_orientation")
        meta = PhotoMeta(**{**meta.__dict__, "orientation": int(original or 1)})
    return meta


def _complete(fmt: str, data: bytes) -> bool:
    """A cut-off upload (the usual corruption on a phone network) lacks its end marker."""
    if fmt == "JPEG":
        return _jpeg_complete(data)
    if fmt == "PNG":
        return data[-12:] == b"\x00\x00\x00\x00IEND\xaeB`\x82"
    if fmt == "WEBP":
        return len(data) >= 12 and struct.unpack("<I", data[4:8])[0] + 8 <= len(data)
    if fmt == "HEIF":
        return _boxes_fill(data)
    return False


def _boxes_fill(data: bytes) -> bool:
    """ISO-BMFF: the top-level boxes must cover the file exactly."""
    pos = 0
    while pos < len(data):
        if pos + 8 > len(data):
            return False
        size = struct.unpack(">I", data[pos : pos + 4])[0]
        if size == 1:
            if pos + 16 > len(data):
                return False
            size = struct.unpack(">Q", data[pos + 8 : pos + 16])[0]
        elif size == 0:
            return True  # last box runs to the end of the file
        if size < 8:
            return False
        pos += size
    return pos == len(data)


def _jpeg_complete(data: bytes) -> bool:
    """Walk the segments to the first scan, then look for the end-of-image marker after it.

    Entropy-coded data never holds FF D9 (0xFF is stuffed as FF 00), so the first FF D9 after
    the scan header is the real end. Bytes after it are allowed: motion photos append a video.
    Searched from the end (`rfind`): there is an FF D9 after the scan header exactly when there
    is a first one, and in a plain photo it is the last two bytes, so the 3 MB of scan data are
    not read (a forward search cost ~2 ms per 12 MP photo).
    """
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return False
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        length = struct.unpack(">H", data[pos + 2 : pos + 4])[0]
        if length < 2:
            return False
        if marker == 0xDA:
            return data.rfind(b"\xff\xd9", pos + 2 + length) != -1
        pos += 2 + length
    return False


def decode_limit(fmt: str, max_pixels: int, progressive: bool = False) -> int:
    """The most pixels we accept in this format: what its derivatives may cost is bounded."""
    key = "JPEG_PROGRESSIVE" if fmt == "JPEG" and progressive else fmt
    return min(max_pixels, FULL_DECODE_PIXELS.get(key, max_pixels))
