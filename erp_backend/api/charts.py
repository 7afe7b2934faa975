"""Reports drawn as PNG images, for the chat (a Telegram photo, an image in the web chat).

matplotlib is imported on first use: the ERP does not pay its import time at start, and its
object API (a `Figure` per call, no pyplot state) is safe in the server's worker threads.
"""

from __future__ import annotations

import calendar
import io
from decimal import Decimal

from erp_backend.domain.money import currency_symbol, format_money
from erp_backend.services.reports import MonthlySales

NAVY, GREY, AMBER = "#1f4e79", "#b8c4d0", "#c77700"


def monthly_sales_png(report: MonthlySales) -> bytes:
    """Revenue per month as bars against last year's months as a line; the month in
    progress hatched, so nobody reads a half month as a slump."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    figure = Figure(figsize=(8, 4.2), dpi=110)
    axes = figure.subplots()
    labels = [calendar.month_abbr[m] for m in range(1, 13)]
    months = {m.month: m for m in report.months}
    this_year = [float(months[m].revenue) if m in months else 0.0 for m in range(1, 13)]
    last_year = [_value(months[m].last_year_revenue) if m in months else None for m in range(1, 13)]
    bars = axes.bar(labels, this_year, color=NAVY, label=str(report.year), zorder=2)
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
            label=str(report.year - 1),
            zorder=3,
        )
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: _short_amount(value)))
    axes.grid(axis="y", color=GREY, linewidth=0.6, zorder=0)
    axes.spines[["top", "right"]].set_visible(False)
    growth = report.growth_vs_last_year_pct
    subtitle = f"{_amount(report.revenue)} to {report.through:%d %b}" + (
        f", {growth:+}% on last year" if growth is not None else ""
    )
    axes.set_title(f"Sales {report.year}: {subtitle}", loc="left", fontsize=11)
    axes.legend(frameon=False, loc="upper left")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def _value(amount: Decimal | None) -> float | None:
    return None if amount is None else float(amount)


def _short_amount(value: float) -> str:
    symbol = currency_symbol()
    if abs(value) >= 1_000_000:
        return f"{symbol}{value / 1_000_000:.1f}M"
    if abs(value) >= 1_000:
        return f"{symbol}{value / 1_000:.0f}k"
    return f"{symbol}{value:.0f}"


def _amount(value: Decimal) -> str:
    return format_money(value)
