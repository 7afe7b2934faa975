"""Intents from the sentence embedding plus the pattern features: Rasa's
SklearnIntentClassifier (a linear SVM, C chosen by cross-validation), seeded, over more than
the dense sentence vector.

- **Seeded.** Rasa builds `SVC(probability=True)` without a random state, so its Platt-scaled
  confidences, and with them what the FallbackClassifier lets through, change from one
  training to the next. With the seed, the same config, domain and data give the same model,
  as DIET's `random_seed` does.
- **Pattern features.** The sentence embedding alone reads "link 198418" as well as it reads
  any six digits, i.e. not reliably. The sentence-level features of the RegexFeaturizer (one
  per regex or lookup table: an order number, a link code, a known SKU is present) are added
  to the vector, so such messages are classified by what the patterns saw.

    - name: nlu_components.intent_classifier.SeededSklearnIntentClassifier
      random_seed: 2026
      sparse_features_of: ["RegexFeaturizer"]   # featurizer names (or aliases) to add
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.sklearn_intent_classifier import SklearnIntentClassifier
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu_components import implementation


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class SeededSklearnIntentClassifier(SklearnIntentClassifier):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            **SklearnIntentClassifier.get_default_config(),
            "random_seed": 2026,
            "sparse_features_of": ["RegexFeaturizer"],
            "implementation": implementation(),
        }

    def _create_classifier(self, num_threads: int, y: np.ndarray) -> Any:
        search = super()._create_classifier(num_threads, y)
        search.estimator.set_params(random_state=self.component_config["random_seed"])
        search.verbose = 0
        return search

    def _get_sentence_features(self, message: Message) -> np.ndarray:
        """The dense sentence vector, then the chosen featurizers' sparse sentence features
        (in the order the message carries them, which is the pipeline's order)."""
        parts = [SklearnIntentClassifier._get_sentence_features(message)]
        wanted = self.component_config["sparse_features_of"]
        for features in message.features:
            origins = [features.origin] if isinstance(features.origin, str) else features.origin
            if (
                features.attribute == TEXT
                and features.type == FEATURE_TYPE_SENTENCE
                and features.is_sparse()
                and any(name in origin for name in wanted for origin in origins)
            ):
                parts.append(np.asarray(features.features.todense()).ravel())
        return np.concatenate(parts)
