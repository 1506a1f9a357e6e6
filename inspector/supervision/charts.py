"""Bulletin charts drawn on the server (matplotlib, no display) with a CJK font the host has.

The Debian package fonts-noto-cjk (or fonts-wqy-zenhei) provides the font; `scripts/ensure-fonts`
installs it for the tests. PNG data URIs go straight into the HTML page and the PDF.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from ..documents import data_uri  # noqa: E402

CJK_FONTS = ("Noto Sans CJK SC", "Noto Serif CJK SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei")


def cjk_font() -> str | None:
    """The first CJK family matplotlib can find, or None (the charts would show boxes)."""
    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in names), None)


def _png(fig: Figure) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=120, bbox_inches="tight")
    return data_uri(buffer.getvalue(), "image/png")


def _figure(width: float = 7.0, height: float = 2.8) -> Figure:
    font = cjk_font()
    fig = Figure(figsize=(width, height))
    if font:
        for key in ("font.family",):
            matplotlib.rcParams[key] = [font, "DejaVu Sans"]
    matplotlib.rcParams["axes.unicode_minus"] = False
    return fig


def new_vs_closed(days: list[dict]) -> str:
    """Bars per day: new cases (受理) and closed cases (结案)."""
    fig = _figure()
    ax = fig.add_subplot()
    labels = [d["date"][5:] for d in days]
    x = range(len(days))
    ax.bar([i - 0.2 for i in x], [d["new"] for d in days], width=0.4, label="新增")
    ax.bar([i + 0.2 for i in x], [d["closed"] for d in days], width=0.4, label="结案")
    ax.set_xticks(list(x), labels, rotation=45 if len(days) > 10 else 0, fontsize=7)
    ax.set_title("每日新增与结案")
    ax.legend(fontsize=8)
    return _png(fig)


def on_time_by_unit(units: list[dict]) -> str:
    """Horizontal bars: 按期结案率 of each unit with due cases."""
    shown = [u for u in units if u["on_time_rate"] is not None][:20]
    fig = _figure(7.0, max(1.6, 0.3 * len(shown) + 0.8))
    ax = fig.add_subplot()
    ax.barh([u["unit_name"] for u in shown][::-1], [100 * u["on_time_rate"] for u in shown][::-1])
    ax.set_xlim(0, 100)
    ax.set_xlabel("按期结案率 %")
    ax.set_title("各单位按期结案率")
    return _png(fig)


def cases_by_district(districts: list[dict]) -> str:
    fig = _figure(7.0, 2.4)
    ax = fig.add_subplot()
    ax.bar([d["district_name"] for d in districts], [d["received"] for d in districts])
    ax.set_title("各区受理案件数")
    return _png(fig)
