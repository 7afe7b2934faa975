"""Traditional Chinese read as Simplified: the first component of the NLU pipeline.

    - name: nlu_components.simplified.TraditionalToSimplified

People in Taiwan and Hong Kong type Traditional characters ("我的訂單到哪了", "發票"); the
model learns Simplified. OpenCC's `t2s` conversion (phrases as well as characters) turns the
message's text into Simplified before anything else reads it, so the tokenizer, the regexes,
the lookup tables and the entity tagger all see one script and the entities' values reach the
actions in Simplified. Positions stay valid: the text is replaced only when the conversion
keeps its length (character for character, which `t2s` almost always does); otherwise each
character is converted on its own. Text without Han characters is not touched.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, ENTITY_ATTRIBUTE_VALUE, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu_components import implementation

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@cache
def converter() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    """`text` in Simplified characters, as long as `text` (character positions unchanged)."""
    if not HAN.search(text):
        return text
    converted: str = converter().convert(text)
    if len(converted) == len(text):
        return converted
    singles = [converter().convert(character) for character in text]
    return "".join(
        single if len(single) == 1 else original
        for single, original in zip(singles, text, strict=True)
    )


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class TraditionalToSimplified(GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"implementation": implementation()}

    @staticmethod
    def required_packages() -> list[str]:
        return ["opencc"]

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> TraditionalToSimplified:
        converter()
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """The examples' texts and their entities' values: a value left in Traditional would
        teach the synonym mapper to turn the Simplified word into the Traditional one ("螺丝"
        → "螺絲") and hand the actions a word the catalogue does not hold."""
        self.process(training_data.training_examples)
        for example in training_data.training_examples:
            for entity in example.get(ENTITIES) or []:
                if isinstance(entity.get(ENTITY_ATTRIBUTE_VALUE), str):
                    entity[ENTITY_ATTRIBUTE_VALUE] = simplified(entity[ENTITY_ATTRIBUTE_VALUE])
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if isinstance(text, str) and text:
                message.set(TEXT, simplified(text), add_to_output=True)
        return messages
