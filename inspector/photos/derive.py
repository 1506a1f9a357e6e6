"""Display size and thumbnail: upright, JPEG, with no EXIF/GPS/XMP. The only images anyone but
staff can fetch. Fast because JPEGs are decoded DCT-scaled (`draft`): libjpeg skips most of
the inverse DCT and hands out a 1/2, 1/4 or 1/8 image, never smaller than we need."""

from __future__ import annotations

import io
from dataclasses import dataclass

import imagehash
from PIL import Image

from .exif import UPRIGHT_OPS, orientation_of, upright_size
from .heif import register as register_heif

register_heif()

DISPLAY_MAX = 1280
THUMB_MAX = 320
VARIANTS = {"display": DISPLAY_MAX, "thumb": THUMB_MAX}
JPEG_QUALITY = {"display": 82, "thumb": 75}


@dataclass(frozen=True)
class Derived:
    display: bytes
    thumb: bytes
    phash: str


def make_derivatives(original: bytes) -> Derived:
    """Both sizes from one decode; the thumbnail is made from the display image (cheap), and
    the perceptual hash from the upright display image (so a re-sent picture matches however
    its EXIF orientation was written)."""
    with Image.open(io.BytesIO(original)) as image:
        orientation = orientation_of(image.getexif().get(0x0112))
        if image.format in ("JPEG", "MPO"):
            target_w, target_h = _fit(*upright_size(*image.size, orientation), DISPLAY_MAX)
            stored_w, stored_h = upright_size(target_w, target_h, orientation)
            image.draft("RGB", (stored_w, stored_h))  # largest DCT scale still >= target
        icc = image.info.get("icc_profile")
        display = _upright(_rgb(image), orientation)
    display = _shrink(display, DISPLAY_MAX)
    thumb = _shrink(display, THUMB_MAX)
    return Derived(
        display=_jpeg(display, JPEG_QUALITY["display"], icc),
        thumb=_jpeg(thumb, JPEG_QUALITY["thumb"], icc),
        phash=str(imagehash.phash(thumb)),
    )


def _fit(width: int, height: int, limit: int) -> tuple[int, int]:
    scale = min(1.0, limit / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _rgb(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))  # screenshots: white behind alpha
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")  # also loads the pixels (DCT-scaled when drafted)


def _upright(image: Image.Image, orientation: int) -> Image.Image:
    for op in UPRIGHT_OPS.get(orientation, ()):
        image = image.transpose(Image.Transpose(op))
    return image


def _shrink(image: Image.Image, limit: int) -> Image.Image:
    width, height = _fit(*image.size, limit)
    if (width, height) == image.size:
        return image
    return image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)


def _jpeg(image: Image.Image, quality: int, icc: bytes | None) -> bytes:
    """A fresh image (no info carried over), saved with nothing but pixels and colour profile."""
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    out = io.BytesIO()
    options = {"icc_profile": icc} if icc else {}
    clean.save(out, "JPEG", quality=quality, optimize=False, progressive=False, **options)
    return out.getvalue()
