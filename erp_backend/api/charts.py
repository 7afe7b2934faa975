"""Reports drawn as PNG images, for the chat (a Telegram photo, an image in the web chat).

matplotlib is imported on first use: the ERP does not pay its import time at start, and its
object API (a `Figure` per call, no pyplot state) is safe in the server's worker threads.

A chart is drawn in English or Simplified Chinese (`language`, docs/chinese.md). Chinese
text needs a CJK font and none is assumed on the machine: the project installs Noto Sans SC
from the package index (`pylopdf-fonts-zh-cn`, SIL Open Font License) and registers that file
with matplotlib's font manager when matplotlib is first imported here (`_cjk_family`). Only
a Chinese chart's texts name it, as the fallback after the default family: Latin letters and
digits stay in matplotlib's default face and only the Han characters come from Noto Sans SC,
and an English chart names no other font than before, so it is drawn exactly as it was.
"""

from __future__ import annotations

import calendar
import io
import threading
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Literal

from erp_backend.domain.money import currency_symbol, format_money
from erp_backend.services.reports import MonthlySales

if TYPE_CHECKING:
    from matplotlib.figure import Figure

Language = Literal["en", "zh"]
LANGUAGES: tuple[Language, ...] = ("en", "zh")
NAVY, GREY, AMBER = "#1f4e79", "#b8c4d0", "#c77700"
# Babel's locale for a chart's Chinese words, numbers and dates
ZH_LOCALE = "zh_CN"
_registering = threading.Lock()


def cjk_font_path() -> str:
    """The CJK font file the project installs (Noto Sans SC, Simplified Chinese glyphs)."""
    import pylopdf_fonts_zh_cn

    return str(pylopdf_fonts_zh_cn.sans_path())


@cache
def _cjk_family() -> str:
    """The family name of the CJK font, registered with matplotlib's font manager once per
    process (from the installed package's file, never a font of the system's)."""
    from matplotlib import font_manager

    path = cjk_font_path()
    with _registering:
        if not any(entry.fname == path for entry in font_manager.fontManager.ttflist):
            font_manager.fontManager.addfont(path)
    return str(font_manager.FontProperties(fname=path).get_name())


def text_family(language: Language) -> list[str] | None:
    """The font families a chart's texts are set in: None (matplotlib's default, as before)
    in English; in Chinese the default family first, the CJK font for what it lacks."""
    if language == "en":
        return None
    return ["sans-serif", _cjk_family()]


def monthly_sales_png(report: MonthlySales, language: Language = "en") -> bytes:
    """Revenue per month as bars against last year's months as a line; the month in
    progress hatched, so nobody reads a half month as a slump."""
    figure = monthly_sales_figure(report, language)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def monthly_sales_figure(report: MonthlySales, language: Language = "en") -> Figure:
    """The chart of `monthly_sales_png`, with its words in `language`."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    family = text_family(language)
    figure = Figure(figsize=(8, 4.2), dpi=110)
    axes = figure.subplots()
    labels = _month_labels(language)
    months = {m.month: m for m in report.months}
    this_year = [float(months[m].revenue) if m in months else 0.0 for m in range(1, 13)]
    last_year = [_value(months[m].last_year_revenue) if m in months else None for m in range(1, 13)]
    bars = axes.bar(labels, this_year, color=NAVY, label=_year(report.year, language), zorder=2)
    for month, bar in zip(range(1, 13), bars, strict=True):
        if month in months and not months[month].complete:
            bar.set_facecolor("white")
            bar.set_edgecolor(NAVY)
            bar.set_hatch("///")
    # last year's line only where the data reaches back (the ERP starts mid-year for some)
    shown = [
        (label, value) for label, value in zip(labels, last_year, strict=True) if value is not None
    ]
    if shown:
        axes.plot(
            [label for label, _ in shown],
            [value for _, value in shown],
            color=AMBER,
            marker="o",
            linewidth=2,
            label=_year(report.year - 1, language),
            zorder=3,
        )
    short = _short_amount if language == "en" else _short_amount_zh
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: short(value)))
    axes.grid(axis="y", color=GREY, linewidth=0.6, zorder=0)
    axes.spines[["top", "right"]].set_visible(False)
    if family is None:
        axes.set_title(_title(report), loc="left", fontsize=11)
        axes.legend(frameon=False, loc="upper left")
    else:
        axes.set_title(_title_zh(report), loc="left", fontsize=11, fontfamily=family)
        axes.legend(frameon=False, loc="upper left", prop={"family": family})
        for label in axes.get_xticklabels() + axes.get_yticklabels():
            label.set_fontfamily(family)
    figure.tight_layout()
    return figure


def _month_labels(language: Language) -> list[str]:
    if language == "en":
        return [calendar.month_abbr[m] for m in range(1, 13)]
    from babel.dates import get_month_names

    names = get_month_names("abbreviated", locale=ZH_LOCALE)  # "1月" … "12月"
    return [str(names[m]) for m in range(1, 13)]


def _year(year: int, language: Language) -> str:
    return str(year) if language == "en" else f"{year}年"


def _title(report: MonthlySales) -> str:
    growth = report.growth_vs_last_year_pct
    subtitle = f"{_amount(report.revenue)} to {report.through:%d %b}" + (
        f", {growth:+}% on last year" if growth is not None else ""
    )
    return f"Sales {report.year}: {subtitle}"


def _title_zh(report: MonthlySales) -> str:
    """ "2026年月度销售额：截至11月20日累计£234,567.80，同比+17.3%"."""
    from babel.dates import format_date

    growth = report.growth_vs_last_year_pct
    through = format_date(report.through, "M月d日", locale=ZH_LOCALE)
    amount = format_money(report.revenue, locale=ZH_LOCALE)
    return f"{report.year}年月度销售额：截至{through}累计{amount}" + (
        f"，同比{growth:+}%" if growth is not None else ""
    )


def _value(amount: Decimal | None) -> float | None:
    return None if amount is None else float(amount)


def _short_amount(value: float) -> str:
    symbol = currency_symbol()
    if abs(value) >= 1_000_000:
        return f"{symbol}{value / 1_000_000:.1f}M"
    if abs(value) >= 1_000:
        return f"{symbol}{value / 1_000:.0f}k"
    return f"{symbol}{value:.0f}"


def _short_amount_zh(value: float) -> str:
    """An axis amount the Chinese way, in 万 (ten thousand) and 亿 (a hundred million)."""
    symbol = currency_symbol(locale=ZH_LOCALE)
    if abs(value) >= 100_000_000:
        return f"{symbol}{value / 100_000_000:.1f}亿"
    if abs(value) >= 10_000:
        return f"{symbol}{value / 10_000:g}万"
    return f"{symbol}{value:,.0f}"


def _amount(value: Decimal) -> str:
    return format_money(value)
