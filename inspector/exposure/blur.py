"""The only picture of an exposed case the public gets: the display derivative (upright, no
EXIF), blurred as a whole with Pillow's GaussianBlur so faces and number plates cannot be read,
saved as a fresh JPEG that carries nothing but pixels. Pure: bytes in, bytes out."""

from __future__ import annotations

import io

from PIL import Image, ImageFilter

# Radius as a share of the longer side: at 1280 px, 16 px, which leaves shapes and colours
# (what the problem looks like) and removes faces, plates and writing.
RADIUS_SHARE = 1 / 80


def blurred_jpeg(display_jpeg: bytes) -> bytes:
    with Image.open(io.BytesIO(display_jpeg)) as image:
        rgb = image.convert("RGB")
    radius = max(4.0, max(rgb.size) * RADIUS_SHARE)
    soft = rgb.filter(ImageFilter.GaussianBlur(radius))
    clean = Image.new("RGB", soft.size)
    clean.paste(soft)
    out = io.BytesIO()
    clean.save(out, "JPEG", quality=75)
    return out.getvalue()
