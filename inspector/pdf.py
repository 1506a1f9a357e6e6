"""HTML pages to PDF (WeasyPrint): the one renderer of bulletins and evidence sheets.

Pages carry everything they show (charts and photos as data: URIs), so rendering fetches nothing
over the network and a signed link's expiry never blanks a printed sheet. The CJK font comes from
the host (Debian fonts-noto-cjk, `scripts/ensure-fonts`); pages name it in their CSS.
"""

from __future__ import annotations

import base64


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported late: pango loads only when a PDF is asked for

    return HTML(string=html).write_pdf()


def data_uri(data: bytes, mime: str = "image/jpeg") -> str:
    """An image inlined in a page (what WeasyPrint embeds without a request)."""
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
