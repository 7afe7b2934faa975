"""Chinese words the actions read: Traditional characters and Chinese numerals.

The NLU pipeline turns Traditional characters into Simplified (nlu_components/simplified.py),
so entities arrive in Simplified; the message's own text, which some actions read as well,
does not. `plain` gives the actions the text they can read whatever the user typed:
Simplified characters (OpenCC) and Chinese numerals as digits ("二十箱" → "20箱",
"两千五" → "2500", "逾期六十天" → "逾期60天"), read by cn2an. English text is returned
unchanged, so nothing changes for English chats.

A numeral is converted only where it is a number: a run of two or more numeral characters
("二十", "一百零五"), a digit with a multiplier ("3千", "1万2"), or a single numeral followed
by a measure word, a unit of time or the end of the text ("两托", "三天", "五号"). "一下",
"一起", "统一" and "一些" keep their characters.
"""

from __future__ import annotations

import re
import warnings
from functools import cache
from typing import Any

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_DIGIT = "零〇一二两三四五六七八九"
_MULTIPLIER = "十百千万亿"
# measure words and units a number counts: boxes, pallets, pieces, ...; days, weeks, months
UNITS = "箱托个盒包袋件支卷瓶罐套副双对米条根只打桶把块片张台捆板份颗粒天日号周月年"
NUMERAL = re.compile(
    rf"\d+(?:\.\d+)?[{_MULTIPLIER}][\d{_DIGIT}{_MULTIPLIER}]*"  # 3千, 1万2, 2.5万
    rf"|[{_DIGIT}{_MULTIPLIER}]{{2,}}"  # 二十, 一百零五, 两千五
    # 两托, 三天; not a weekday ("周五", "星期三", "礼拜六")
    rf"|(?<![周期拜])[{_DIGIT}{_MULTIPLIER}](?=[{UNITS}]|个|季|星期|礼拜|[\s,.!?，。！？、])"
    rf"|^[{_DIGIT}{_MULTIPLIER}]$"
    rf"|(?<=第)[{_DIGIT}]"  # 第二季度
)


# two or more digit characters without 十/百/千/万: "七八", "两三", "一两" (about 7 or 8)
APPROXIMATE = re.compile(rf"[{_DIGIT}]{{2,}}")


def has_han(text: str) -> bool:
    return HAN.search(text) is not None


@cache
def _converter() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    """`text` in Simplified characters (unchanged when it has no Han character)."""
    return str(_converter().convert(text)) if has_han(text) else text


def number(written: str) -> int | None:
    """The value of a Chinese or mixed numeral ("二十", "两千五", "3千", "1万2"; "一打" and
    "两打" in dozens), else None."""
    import cn2an

    written = written.strip()
    if APPROXIMATE.fullmatch(written):
        return None  # "七八箱", "两三天": a guess at a number, asked again rather than misread
    if written.endswith("打") and len(written) > 1:  # a dozen
        dozens = number(written[:-1])
        return None if dozens is None else 12 * dozens

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # cn2an warns before it raises on what it cannot read
        try:
            value = cn2an.cn2an(written, "smart")
        except (ValueError, KeyError, IndexError):
            return None
    return int(value) if float(value).is_integer() else None


def digits(text: str) -> str:
    """`text` with its Chinese numerals written as digits."""

    def arabic(found: re.Match[str]) -> str:
        value = number(found.group())
        return found.group() if value is None else str(value)

    return NUMERAL.sub(arabic, text)


def plain(text: str) -> str:
    """What the actions read of a message: Simplified, numerals as digits (English as is)."""
    return digits(simplified(text)) if has_han(text) else text


def bigrams(text: str) -> set[str]:
    """The Han words of `text` as the ERP's search reads them (docs/search.md): each run of
    Han characters as its overlapping character pairs, a lone character as itself
    ("托盘要" → 托盘, 盘要). Traditional characters are read as Simplified."""
    found: set[str] = set()
    for run in re.findall(rf"{HAN.pattern}+", simplified(text)):
        found |= {run} if len(run) == 1 else {run[i : i + 2] for i in range(len(run) - 1)}
    return found


# What a line typed as a code or in English words is called in Chinese, for lines that have
# no Chinese name (a product we do not carry yet, "PALLET-EUR"): "托盘要20个" names it. The
# English word as actions/order_items.py folds it (singular, lower case).
NAMES_OF_KINDS = {
    "托盘": "pallet",
    "栈板": "pallet",
    "螺栓": "bolt",
    "螺母": "nut",
    "垫圈": "washer",
    "垫片": "washer",
    "螺丝": "screw",
    "螺钉": "screw",
    "扎带": "tie",
    "手套": "glove",
    "合页": "hinge",
    "铆钉": "rivet",
    "丝杆": "rod",
    "链条": "chain",
    "扳手": "spanner",
    "钻头": "bit",
    "网线": "cable",
    "电缆": "cable",
}
