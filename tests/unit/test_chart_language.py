"""The sales chart in Chinese: its words, and the font its Han characters are drawn in (Noto
Sans SC from the package the project installs, registered from that file); in English the
chart is the one it always was."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font
from matplotlib.text import Text

from erp_backend.api import charts
from erp_backend.services.reports import MonthlySales, MonthOfSales

ROOT = Path(__file__).resolve().parents[2]
# A year of sales to 20 November, last year's months from March on (as the demo's data starts)
SALES = MonthlySales(
    2026,
    [
        MonthOfSales(
            m,
            10 * m,
            Decimal(10_000 + 1_500 * m),
            Decimal(9_000 + 1_200 * m) if m > 2 else None,
            None,
            None,
            m < 11,
        )
        for m in range(1, 12)
    ],
    500,
    Decimal("234567.80"),
    date(2026, 11, 20),
    date(2024, 12, 30),
    Decimal("200000.00"),
    Decimal("17.3"),
)


def words(figure: Figure) -> list[Text]:
    """The texts of the chart a reader reads: title, months, amounts, legend."""
    (axes,) = figure.axes
    legend = axes.get_legend()
    assert legend is not None
    title = axes.get_title(loc="left")
    (title_text,) = [
        t for t in axes.get_children() if isinstance(t, Text) and t.get_text() == title
    ]
    return [
        title_text,
        *axes.get_xticklabels(),
        *axes.get_yticklabels(),
        *legend.get_texts(),
    ]


def fonts_of(text: Text) -> list[str]:
    """The font files matplotlib draws `text` with, in fallback order."""
    return [
        str(path)
        for path in font_manager.fontManager._find_fonts_by_props(text.get_fontproperties())
    ]


def han(text: str) -> list[str]:
    return [c for c in text if "\u3400" <= c <= "\u9fff"]


def test_the_chinese_chart_speaks_chinese() -> None:
    texts = [t.get_text() for t in words(charts.monthly_sales_figure(SALES, "zh"))]
    title, months, legend = texts[0], texts[1:13], texts[-2:]
    assert title == "2026年月度销售额：截至11月20日累计£234,567.80，同比+17.3%"
    assert months == [f"{m}月" for m in range(1, 13)]
    assert legend == ["2025年", "2026年"]
    assert "£2.5万" in texts  # axis amounts in 万


def test_han_characters_are_drawn_with_the_installed_cjk_font() -> None:
    """Every Han character of the Chinese chart falls to Noto Sans SC (the package's file, not
    a system font): the default face has no glyph for it, the CJK font has."""
    cjk = charts.cjk_font_path()
    assert Path(cjk).is_file()
    assert "site-packages" in cjk or "dist-packages" in cjk  # installed from the index
    family = charts.text_family("zh")
    assert family is not None
    assert font_manager.findfont(family[-1], fallback_to_default=False) == cjk
    cjk_glyphs = FT2Font(cjk).get_charmap()
    seen = 0
    for text in words(charts.monthly_sales_figure(SALES, "zh")):
        fonts = fonts_of(text)
        assert fonts[-1] == cjk, text.get_text()
        default = FT2Font(fonts[0]).get_charmap()
        for character in han(text.get_text()):
            assert ord(character) not in default
            assert ord(character) in cjk_glyphs, character
            seen += 1
    assert seen > 20


def test_the_english_chart_uses_the_default_font_only() -> None:
    figure = charts.monthly_sales_figure(SALES, "en")
    texts = words(figure)
    assert texts[0].get_text() == "Sales 2026: £234,567.80 to 20 Nov, +17.3% on last year"
    assert [t.get_text() for t in texts[1:13]][:3] == ["Jan", "Feb", "Mar"]
    for text in texts:
        assert text.get_fontfamily() == ["sans-serif"]
        assert charts.cjk_font_path() not in fonts_of(text)
        assert not han(text.get_text())


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_chart_is_the_same_image_each_time(language: charts.Language) -> None:
    first = charts.monthly_sales_png(SALES, language)
    assert first.startswith(b"\x89PNG\r\n\x1a\n")
    assert charts.monthly_sales_png(SALES, language) == first


def test_the_english_chart_is_the_image_of_a_process_that_never_saw_the_cjk_font() -> None:
    """Registering the CJK font (here, by drawing a Chinese chart first) changes nothing in an
    English chart: byte for byte the one a process draws without it."""
    charts.monthly_sales_png(SALES, "zh")
    here = charts.monthly_sales_png(SALES, "en")
    program = textwrap.dedent(
        """
        import sys
        from matplotlib import font_manager
        from erp_backend.api import charts
        from tests.unit.test_chart_language import SALES
        png = charts.monthly_sales_png(SALES)
        assert not any("NotoSans" in f.fname for f in font_manager.fontManager.ttflist)
        sys.stdout.buffer.write(png)
        """
    )
    fresh = subprocess.run(
        [sys.executable, "-c", program], cwd=ROOT, capture_output=True, check=True, timeout=120
    ).stdout
    assert fresh == here
