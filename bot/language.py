"""Which language a chat is answered in: English or Simplified Chinese, chosen per message.

The script decides most messages: Han characters are Chinese (Traditional included), Latin
words are English. What is left is decided the way a person at the desk would:

- **Neutral** messages carry no words of either language (an order number, "40 BOLT-M8", a
  6-digit code, "ok", an emoji, a button press): the chat keeps its language (None here).
- **Mixed** messages ("check一下我的order", "I want 40个 BOLT-M8") are in the language that
  carries the grammar: the one with more function words (pronouns, particles, auxiliaries,
  question words). English nouns and names inside Chinese ("baker and sons欠多少") carry no
  grammar, and an English speaker rarely types Han characters, so a tie goes to Chinese.
- **Asking** for a language ("说中文", "English please", "請用英文") switches to it, whatever
  language the request itself is in; the chat keeps it for messages without words, and a
  message in the other language is answered in that language, as any message is.

Why not a general detector (lingua, fastText): with two languages in different scripts the
script is decisive, and what a detector cannot say is the part that matters here, "neutral:
keep the chat's language" and "the grammar is Chinese although half the letters are Latin".
Measured on a blind set (bench/language_choice.py, tests/language/).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

Language = Literal["en", "zh"]
LANGUAGES: tuple[Language, ...] = ("en", "zh")

# CJK Unified Ideographs and their extensions, compatibility ideographs: Simplified and
# Traditional alike (Japanese kana and Korean hangul are neither language here).
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
# Links, e-mail addresses and slash commands carry no language.
# Links, addresses, commands and "link 482913" (the linking command, which the Chinese replies
# also tell people to send as it is): no vote.
_NEUTRAL_SPANS = re.compile(
    r"https?://\S+|www\.\S+|\S+@\S+\.\w+|(?<!\w)/\w+(?:@\w+)?|(?i:\blink)\s*\d{6}\b"
)
_TOKEN = re.compile(r"[A-Za-z0-9]+(?:['-][A-Za-z0-9]+)*")
# Typed by everyone whatever their language: no vote.
_NEUTRAL = "ok okay okk okey k kk x haha hahaha hehe lol hmm hm mm emm ah oh wow"
NEUTRAL_WORDS = frozenset(_NEUTRAL.split())
# English words that carry grammar (not "and"/"of", which sit inside company names).
_ENGLISH = """i i'm im i'd i'll ive you your you're we our us me my mine he she it its it's they
    them their this that these those the a an is are was were be been am do does did don't
    dont doesn't didn't can can't cant could would will won't should shall may might must
    have has had hasn't haven't havent not no yes yeah yep nope please pls plz thanks thank
    thx ty cheers hi hello hey bye what what's whats where where's wheres when why how who
    which whose to for from with at on in into about by if but so or any some there here
    want need get got give send tell show let just still yet already also too"""
ENGLISH_FUNCTION = frozenset(_ENGLISH.split())
# Chinese characters that carry grammar: pronouns, particles, aspect and question words,
# measure words, negation and the commonest verbs of a request.
CHINESE_FUNCTION = frozenset(
    "我你您他她它们們的了吗嗎呢吧啊呀嘛么麼哪吗嗎什啥谁誰这這那个個些是在有没沒不别別要想"
    "能会會可把被给給让讓和跟还還就都也再请請帮幫下到过過着著得"
)

# Asking for a language: a request to speak, reply or switch in it, not a sentence that names
# it ("the manual in Chinese", "我们用英文发票" ask for nothing).
_CHINESE_NAMES = r"(中文|汉语|漢語|普通话|普通話|国语|國語|华语|華語)"
_ENGLISH_NAMES = r"(英文|英语|英語)"
_ASKING_VERBS = r"(说|說|讲|講|讲|请用|請用|换成|換成|改用|切换到|切換到|转成|轉成)"
_REPLYING = r"(回答|回复|回覆|答|说|說|讲|講|聊|沟通|溝通|交流)"


def _asking_in(names: str, english: str) -> re.Pattern[str]:
    return re.compile(
        rf"{_ASKING_VERBS}\s*{names}"  # 说中文, 请用英文, 换成中文
        rf"|用\s*{names}\s*{_REPLYING}"  # 用中文回答
        rf"|^\s*(能|可以|可不可以|麻烦|麻煩)?\s*用\s*{names}\s*(吗|嗎|吧|好吗|好嗎)?\s*\??\s*$"
        rf"|^\s*{names}\s*[!.。]?\s*(please|pls|谢谢|謝謝)?\s*[!.。]?\s*$"  # 中文! / 英文谢谢
        rf"|\b(speak|write|reply|answer|respond|talk|chat)\s+(to me\s+)?(in\s+)?{english}\b"
        rf"|\b(switch|change)\s+(back\s+)?(to|into)\s+{english}\b"
        rf"|\b(in\s+)?{english}\s+(please|pls)\b"
        rf"|^\s*{english}\s*[!.?]?\s*$",
        re.IGNORECASE,
    )


_ASK_CHINESE = _asking_in(_CHINESE_NAMES, "(chinese|mandarin)")
_ASK_CHINESE_ALSO = re.compile(r"看不懂英文|不懂英文|不会英文|不會英文|看不懂英語|不懂英語")
_ASK_ENGLISH = _asking_in(_ENGLISH_NAMES, "english")
_ASK_ENGLISH_ALSO = re.compile(
    r"\bno\s+chinese\b|\bdon'?t\s+(read|speak|understand)\s+chinese\b", re.IGNORECASE
)


@dataclass(frozen=True)
class Choice:
    """What a message says about the language: the language it is in (None: neutral), and
    whether it asks for that language explicitly (then the chat keeps it)."""

    language: Language | None
    asked: bool = False


def choose(text: str) -> Choice:
    """The language `text` is written in, or asks for."""
    normal = unicodedata.normalize("NFKC", text)
    if _ASK_ENGLISH.search(normal) or _ASK_ENGLISH_ALSO.search(normal):
        return Choice("en", asked=True)
    if _ASK_CHINESE.search(normal) or _ASK_CHINESE_ALSO.search(normal):
        return Choice("zh", asked=True)
    han = _HAN.findall(normal)
    rest = _NEUTRAL_SPANS.sub(" ", _HAN.sub(" ", normal))
    words = [token.lower() for token in _TOKEN.findall(rest) if is_word(token)]
    if not han:
        return Choice("en" if words else None)
    if not words:
        return Choice("zh")
    english = sum(word in ENGLISH_FUNCTION for word in words)
    chinese = sum(char in CHINESE_FUNCTION for char in han)
    # Chinese words are one to two characters: two Han characters weigh as one English word
    if english > chinese and len(words) > len(han) / 2:
        return Choice("en")
    return Choice("zh")


def is_word(token: str) -> bool:
    """An English word, not a code (SO-2026-00042, BOLT-M8, so-2026-42, M8, Q3, 10mm, CUST-0004,
    SCREW-WOOD), an acronym (KPI, SKU) or a word everyone types (ok, haha)."""
    lower = token.lower()
    if any(char.isdigit() for char in token) or lower in NEUTRAL_WORDS:
        return False
    if token.isupper() and ("-" in token or len(token) <= 4):
        return lower in ENGLISH_FUNCTION  # "IS", "MY" are words; "KPI", "BOLT-NUT" are not
    return True


def from_locale(code: str | None) -> Language | None:
    """A first guess from a client's locale: Telegram's `language_code` ("zh-hans", "en"), or
    the first of a browser's Accept-Language ("zh-CN,zh;q=0.9,en;q=0.8")."""
    if not code:
        return None
    first = code.split(",", 1)[0].split(";", 1)[0].strip().lower()
    if first.startswith("zh"):
        return "zh"
    if first.startswith("en"):
        return "en"
    return None


def next_language(current: str | None, text: str) -> str:
    """The language to answer `text` in, in a chat answered in `current` so far (None: a new
    chat with no guess, answered in English until it says otherwise)."""
    chosen = choose(text).language
    return chosen or (current if current in LANGUAGES else None) or "en"
