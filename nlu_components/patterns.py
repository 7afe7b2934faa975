"""Rasa's regex components with word boundaries that hold inside Chinese.

    - name: nlu_components.patterns.HanAwareRegexFeaturizer
    - name: nlu_components.patterns.HanAwareRegexEntityExtractor

The regexes (data/nlu/regexes.yml) and the lookup tables (data/nlu/lookups/) are written with
`\\b`, and Rasa puts `\\b` around every lookup entry. In Python a Han character is a word
character, so "订单SO-2026-00042到哪了" has no boundary before "SO" or after "42", and a code or
product name typed inside Chinese was never found. These components are Rasa's own with one
change made once, when they are trained: each `\\b` becomes a boundary between a Latin letter,
digit or underscore and anything else (Han characters count as "anything else"), which in
English text is exactly `\\b`.
"""

from __future__ import annotations

import re
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.extractors import regex_entity_extractor
from rasa.nlu.featurizers.sparse_featurizer import regex_featurizer
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu_components import implementation

# a word character that is not a Han character
_WORD = r"[^\W\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
BOUNDARY = rf"(?:(?<={_WORD})(?!{_WORD})|(?<!{_WORD})(?={_WORD}))"
_ESCAPED_B = re.compile(r"(?<!\\)\\b")


def han_aware(pattern: str) -> str:
    """`pattern` with each `\\b` replaced by a boundary that Han characters do not hide."""
    return _ESCAPED_B.sub(lambda _: BOUNDARY, pattern)


def _rewritten(patterns: list[dict[str, str]]) -> list[dict[str, str]]:
    return [{**pattern, "pattern": han_aware(pattern["pattern"])} for pattern in patterns]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class HanAwareRegexEntityExtractor(regex_entity_extractor.RegexEntityExtractor):
    patterns: list[dict[str, str]]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            **regex_entity_extractor.RegexEntityExtractor.get_default_config(),
            "implementation": implementation(),
        }

    def train(self, training_data: TrainingData) -> Resource:
        super().train(training_data)
        self.patterns = _rewritten(self.patterns)
        self.persist()
        return self._resource


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class HanAwareRegexFeaturizer(regex_featurizer.RegexFeaturizer):
    known_patterns: list[dict[str, str]]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            **regex_featurizer.RegexFeaturizer.get_default_config(),
            "implementation": implementation(),
        }

    def train(self, training_data: TrainingData) -> Resource:
        super().train(training_data)
        self.known_patterns = _rewritten(self.known_patterns)
        self._persist()
        return self._resource
