"""The pipeline's components for Chinese, one by one, without a trained model: Traditional
read as Simplified with positions kept, the tokenizer (English as Rasa cut it, Chinese into
words, codes whole, numbers apart from measure words), word boundaries that hold inside
Chinese, and entities cut at a Chinese sentence mark."""

from __future__ import annotations

import re

import pytest
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

from nlu_components.entity_edges import cut
from nlu_components.patterns import han_aware
from nlu_components.simplified import TraditionalToSimplified, simplified
from nlu_components.tokenizer import MixedScriptTokenizer


def tokens(text: str) -> list[str]:
    tokenizer = MixedScriptTokenizer(MixedScriptTokenizer.get_default_config())
    return [token.text for token in tokenizer.tokenize(Message(data={"text": text}), "text")]


def test_traditional_becomes_simplified_character_for_character() -> None:
    assert simplified("我的訂單還沒到，發票呢？") == "我的订单还没到，发票呢？"
    assert simplified("where is SO-2026-00042") == "where is SO-2026-00042"
    for text in ("請用英文", "下週五前送到", "對賬單"):
        assert len(simplified(text)) == len(text)


def test_traditional_training_examples_teach_simplified_values() -> None:
    """The synonym mapper learns from the examples after this component: a value left in
    Traditional would map the Simplified word the user types onto the Traditional one."""
    from rasa.shared.nlu.training_data.training_data import TrainingData

    text = "要二十盒螺絲"
    example = Message(
        data={
            "text": text,
            "intent": "place_order",
            "entities": [{"entity": "product", "start": 4, "end": 6, "value": "螺絲"}],
        }
    )
    data = TrainingData([example])
    component = TraditionalToSimplified.create({}, None, None, None)
    component.process_training_data(data)
    assert example.get("text") == "要二十盒螺丝"
    assert example.get("entities")[0]["value"] == "螺丝"
    # what EntitySynonymMapper compares: the span's text is the value, so no synonym is made
    assert example.get("text")[4:6] == example.get("entities")[0]["value"]


@pytest.mark.parametrize(
    "text",
    ["I want 25 boxes of m8 bolts by friday, ok?", "where's SO-2026-00042??", "thx :) bye"],
)
def test_english_is_cut_as_rasas_whitespace_tokenizer_cuts_it(text: str) -> None:
    rasa = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    expected = [t.text for t in rasa.tokenize(Message(data={"text": text}), "text")]
    assert tokens(text) == expected


def test_chinese_is_cut_into_words_with_codes_and_numbers_whole() -> None:
    assert tokens("我的订单SO-2026-00042到哪了？") == [
        "我",
        "的",
        "订单",
        "SO-2026-00042",
        "到",
        "哪",
        "了",
    ]
    assert tokens("两托缠绕膜两周内送到")[:2] == ["两", "托"]  # the number apart from its measure
    assert tokens("M8螺栓二十箱") == ["M8", "螺栓", "二十", "箱"]
    assert tokens("下单 NUT-M10×200，WASHER-10×200") == [
        "下单", "NUT-M10", "200", "WASHER-10", "200",
    ]  # fmt: skip
    assert tokens("baker and sons欠多少") == ["baker", "and", "sons", "欠", "多少"]
    # corner brackets are punctuation, not part of the number after them
    assert tokens("「订单」42号到哪了")[:3] == ["订单", "42", "号"]


def test_word_boundaries_hold_inside_chinese() -> None:
    order = re.compile(han_aware(r"\bSO[- ]?\d{4}[- ]\d{1,5}\b"), re.I)
    assert order.search("我的订单SO-2026-00042到哪了").group() == "SO-2026-00042"  # type: ignore[union-attr]
    assert order.search("xSO-2026-00042") is None  # a Latin letter still is a word character
    code = re.compile(han_aware(r"\b\d{6}\b"))
    assert code.search("我的绑定码是482913") is not None
    assert code.search("1234567") is None


def test_an_entity_stops_at_a_chinese_sentence_mark() -> None:
    text = "我要订40个BOLT-M8，周五前送到"
    start = text.index("BOLT-M8")
    tagged = {"entity": "sku", "start": start, "end": start + 11, "value": "BOLT-M8，周五前"}
    assert cut(tagged, text) == {**tagged, "end": start + 7, "value": "BOLT-M8"}
    address = {"entity": "address", "start": 0, "end": 8, "value": "利兹市，Canal路"}
    assert cut(address, "利兹市，Canal路4号") == address
    assert cut({"entity": "date", "start": 3, "end": 6, "value": "，周五"}, "要40，周五") is None
