"""The numpy all-MiniLM-L6-v2 gives sentence-transformers' vectors, and Rasa gets them.

Runs in the Rasa environment (scripts/test.sh). `minilm_reference.json` holds vectors computed
once with sentence-transformers and torch (its "about" says which versions); neither is
installed here, which is the point of nlu_components/sentence_encoder.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu_components.featurizer import SentenceEncoderFeaturizer
from nlu_components.sentence_encoder import MAX_WORD_PIECES, SentenceEncoder

REFERENCE = json.loads((Path(__file__).parent / "minilm_reference.json").read_text())


@pytest.fixture(scope="module")
def encoder() -> SentenceEncoder:
    return SentenceEncoder.shared()


def test_vectors_are_sentence_transformers_vectors(encoder: SentenceEncoder) -> None:
    items = REFERENCE["items"]
    encoded = encoder.encode([item["text"] for item in items])
    for item, text in zip(items, encoded, strict=True):
        expected = np.array(item["embedding"], dtype=np.float32)
        assert np.abs(text.sentence - expected).max() < 1e-5, item["text"][:40]
        assert abs(float(np.linalg.norm(text.sentence)) - 1.0) < 1e-5


def test_a_long_text_is_cut_where_sentence_transformers_cuts_it(encoder: SentenceEncoder) -> None:
    long_text = REFERENCE["items"][-1]["text"]
    assert REFERENCE["max_seq_length"] == MAX_WORD_PIECES
    (encoded,) = encoder.encode([long_text])
    assert len(encoded.offsets) == MAX_WORD_PIECES - 2  # [CLS] and [SEP] are not pieces
    assert encoded.offsets[-1][1] < len(long_text)


def test_a_text_gets_the_same_vector_alone_or_beside_a_longer_one(
    encoder: SentenceEncoder,
) -> None:
    short = "where is my order"
    longer = "I'd like 40 BOLT-M8 and 10 boxes of earplugs delivered to the Leeds depot by Friday"
    (alone,) = encoder.encode([short])
    padded, _ = encoder.encode([short, longer])
    assert np.abs(alone.sentence - padded.sentence).max() < 1e-5
    assert np.abs(alone.pieces - padded.pieces).max() < 1e-4


def featurize(texts: list[str], tmp_path: Path) -> tuple[list[Message], SentenceEncoderFeaturizer]:
    context = ExecutionContext(graph_schema=None, node_name="encoder")
    storage = LocalModelStorage(tmp_path)
    tokenizer = WhitespaceTokenizer.create(
        WhitespaceTokenizer.get_default_config(), storage, Resource("tokenizer"), context
    )
    featurizer = SentenceEncoderFeaturizer.create(
        SentenceEncoderFeaturizer.get_default_config(), storage, Resource("encoder"), context
    )
    messages = [Message(data={TEXT: text}) for text in texts]
    tokenizer.process(messages)
    featurizer.process(messages)
    return messages, featurizer


def features(message: Message) -> tuple[Any, Any]:
    sequence, sentence = message.get_dense_features(TEXT)
    assert sequence is not None
    assert sentence is not None
    return sequence.features, sentence.features


def test_rasa_gets_one_row_per_token_and_the_sentence_vector(
    encoder: SentenceEncoder, tmp_path: Path
) -> None:
    text = "where is SO-2026-00042? it's late"
    (message,), _ = featurize([text], tmp_path)
    sequence, sentence = features(message)
    tokens = message.get("text_tokens")
    assert [token.text for token in tokens] == ["where", "is", "SO-2026-00042", "it", "s", "late"]
    assert sequence.shape == (len(tokens), 384)
    assert sentence.shape == (1, 384)
    (encoded,) = encoder.encode([text])
    np.testing.assert_allclose(sentence[0], encoded.sentence, atol=1e-6)
    # "SO-2026-00042" is several word pieces: its row is their mean, not any one of them
    order = tokens[2]
    inside = [
        row
        for row, (start, end) in enumerate(encoded.offsets)
        if start >= order.start and end <= order.end
    ]
    assert len(inside) > 3
    np.testing.assert_allclose(sequence[2], encoded.pieces[inside].mean(axis=0), atol=1e-6)
    assert all(np.abs(sequence[row]).sum() > 0 for row in range(len(tokens)))


def test_training_data_is_featurized_in_batches_like_single_messages(tmp_path: Path) -> None:
    texts = ["hi", "cancel SO-2026-00042 please", "who is more than 60 days overdue?"]
    single, featurizer = featurize(texts, tmp_path)
    batch = [Message(data={TEXT: text, "intent": "any"}) for text in texts]
    data = TrainingData(batch)
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    tokenizer.process_training_data(data)
    featurizer.process_training_data(data)
    for one, trained in zip(single, batch, strict=True):
        np.testing.assert_allclose(features(one)[1], features(trained)[1], atol=1e-5)
        np.testing.assert_allclose(features(one)[0], features(trained)[0], atol=1e-4)
