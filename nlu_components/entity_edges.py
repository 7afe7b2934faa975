"""Entities never run across a Chinese sentence mark: the last component of the entity steps.

    - name: nlu_components.entity_edges.CutAtSentenceMarks

The entity tagger labels tokens, and a chain of tokens may run on past a full-width comma
("我要订40个BOLT-M8，周五前送到" tagged `sku` "BOLT-M8，周五前"); no product, code, quantity,
date or customer has "，", "。", "；", "！", "？" or "、" inside it. An entity that holds one is
cut there, keeping the part where it starts (an entity left empty is dropped). Addresses
keep theirs: "利兹市，Canal路4号" is one address. English text has none of these marks.
"""

from __future__ import annotations

import re
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu_components import implementation

MARK = re.compile(r"[，。；！？、]")
KEEP_MARKS = frozenset({"address"})


def cut(entity: dict[str, Any], text: str) -> dict[str, Any] | None:
    """`entity` ending before its first sentence mark; None when nothing is left."""
    if entity.get("entity") in KEEP_MARKS:
        return entity
    start, end = int(entity["start"]), int(entity["end"])
    mark = MARK.search(text, start, end)
    if mark is None:
        return entity
    words = text[start : mark.start()].rstrip()
    if not words:
        return None
    return {**entity, "end": start + len(words), "value": words}


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class CutAtSentenceMarks(GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"implementation": implementation()}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> CutAtSentenceMarks:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            entities = message.get(ENTITIES) or []
            if not entities or not MARK.search(text):
                continue
            kept = [found for entity in entities if (found := cut(entity, text)) is not None]
            message.set(ENTITIES, kept, add_to_output=True)
        return messages
