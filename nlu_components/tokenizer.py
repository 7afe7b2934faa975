"""A Rasa tokenizer for English and Chinese in one model: whitespace for Latin, jieba for Han.

In config.yml as the pipeline's tokenizer:

    - name: nlu_components.tokenizer.MixedScriptTokenizer

English is cut exactly as Rasa's `WhitespaceTokenizer` cuts it (its rules for punctuation,
e-mail addresses, numbers and emoji are kept: the English model sees the same tokens as
before). A word that holds Han characters is then cut further, because Chinese has no spaces
("我的订单SO-2026-00042到哪了" is one "word"):

- at every change between Han and other characters: codes, numbers and Latin names typed
  inside Chinese stay whole tokens ("订单", "SO-2026-00042", "到", ...), so the regexes and the
  entity tagger see them as they would in English;
- each run of Han characters by jieba's segmenter (its dictionary; characters it does not
  know stay single), punctuation dropped;
- a Chinese numeral glued to a measure word is two tokens ("两托" → "两", "托"; "千个" → "千",
  "个"), because the number alone is the quantity the order needs.

Traditional characters are turned into Simplified before this (nlu_components/simplified.py).
"""

from __future__ import annotations

import logging
import re
from functools import cache
from typing import Any

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

from nlu_components import implementation

# CJK Unified Ideographs with extension A and the compatibility block
HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN_OR_NOT = re.compile(rf"[{HAN}]+|[^{HAN}]+")
HAS_HAN = re.compile(rf"[{HAN}]")
NUMERAL = "零〇一二两三四五六七八九十百千万几半"
# the measure words an order is counted in (boxes, pallets, pieces, bags, ...)
MEASURES = "箱托个盒包袋件支卷瓶罐套副双对米条根只打桶把块片张台捆板份颗粒天日号周年"
NUMERAL_AND_MEASURE = re.compile(rf"([{NUMERAL}]+)([{MEASURES}].*)")
PUNCTUATION = re.compile(r"[\W_]+")
# the pieces of a non-Han run inside Chinese: what lies between punctuation ("NUT-M10×200，
# WASHER-10×200", "code：861045", "#145"); hyphens and dots stay (codes, sizes)
WIDE_PUNCTUATION = re.compile(r"[，。、；：？！（）【】《》「」『』×～]")
LATIN_PIECE = re.compile(r"[^\s，。、；：？！,;:?!()（）【】《》「」『』×#\"'“”‘’~～/]+")


@cache
def segmenter() -> Any:
    """jieba's segmenter, its dictionary loaded once per process (about a second)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def han_words(run: str) -> list[tuple[str, int]]:
    """The words of a run of Han characters with their offsets in it."""
    words: list[tuple[str, int]] = []
    # without the HMM: a run jieba's dictionary does not know is left in single characters
    # instead of being glued to its neighbours ("订拉铆钉" → "订", "拉", "铆", "钉", not "订拉")
    for word, start, _ in segmenter().tokenize(run, HMM=False):
        if PUNCTUATION.fullmatch(word):
            continue
        split = NUMERAL_AND_MEASURE.fullmatch(word)
        if split:
            words.append((split.group(1), start))
            words.append((split.group(2), start + len(split.group(1))))
        else:
            words.append((word, start))
    return words


def cut(token: Token) -> list[Token]:
    """One whitespace token cut at script changes and, inside Han runs, into words."""
    if not HAS_HAN.search(token.text):
        if not WIDE_PUNCTUATION.search(token.text):
            return [token]  # English as Rasa's WhitespaceTokenizer cuts it
        return [
            Token(piece.group().rstrip(".-"), token.start + piece.start())
            for piece in LATIN_PIECE.finditer(token.text)
            if piece.group().rstrip(".-") and not PUNCTUATION.fullmatch(piece.group())
        ]
    pieces: list[Token] = []
    for run in HAN_OR_NOT.finditer(token.text):
        offset = token.start + run.start()
        if HAS_HAN.match(run.group()):
            pieces.extend(Token(word, offset + at) for word, at in han_words(run.group()))
        else:
            for piece in LATIN_PIECE.finditer(run.group()):
                text = piece.group().rstrip(".-")
                if text and not PUNCTUATION.fullmatch(text):
                    pieces.append(Token(text, offset + piece.start()))
    return pieces


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class MixedScriptTokenizer(WhitespaceTokenizer):
    @staticmethod
    def not_supported_languages() -> list[str] | None:
        return None

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**WhitespaceTokenizer.get_default_config(), "implementation": implementation()}

    @staticmethod
    def required_packages() -> list[str]:
        return ["jieba"]

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MixedScriptTokenizer:
        segmenter()  # the dictionary is loaded with the model, not on the first Chinese message
        return cls(config)

    def remove_emoji(self, text: str) -> str:
        # Rasa's emoji pattern takes whole runs of Han characters for emoji (its ranges
        # include U+24C2-U+1F251): a Chinese word is kept
        return text if HAS_HAN.search(text) else super().remove_emoji(text)

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        tokens = super().tokenize(message, attribute)
        cut_tokens = [piece for token in tokens for piece in cut(token)]
        return cut_tokens or tokens
