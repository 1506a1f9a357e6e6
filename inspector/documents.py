"""Printable documents: the one HTML -> PDF renderer (WeasyPrint) that bulletins and findings
and campaign reports share, and the CJK font stack their pages ask for.

The fonts come from the host (Debian `fonts-noto-cjk`, installed by scripts/ensure-fonts): a
page that names them gets real Chinese glyphs in its PDF, not boxes.
"""

from __future__ import annotations

import base64

FONT_FAMILY = (
    '"Noto Sans CJK SC", "Noto Serif CJK SC", "WenQuanYi Zen Hei", "Microsoft YaHei", sans-serif'
)
PDF_MIME = "application/pdf"


def render_pdf(html: str) -> bytes:
    """The PDF of a self-contained page (images inlined as data: URIs; nothing is fetched)."""
    from weasyprint import HTML  # imported late: pango loads only when a PDF is asked for

    return HTML(string=html).write_pdf()


def data_uri(data: bytes, mime: str = "image/jpeg") -> str:
    """An image inlined in a page (what WeasyPrint embeds without a request)."""
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
