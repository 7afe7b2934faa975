"""Intents from the sentence embedding plus the pattern features and the bags of words:
Rasa's SklearnIntentClassifier (a linear SVM, or a logistic regression, C chosen by
cross-validation), seeded, over more than the dense sentence vector.

- **Seeded.** Rasa builds `SVC(probability=True)` without a random state, so its Platt-scaled
  confidences, and with them what the FallbackClassifier lets through, change from one
  training to the next. With the seed, the same config, domain and data give the same model,
  as a seeded learner should.
- **Pattern features.** The sentence embedding alone reads "link 198418" as well as it reads
  any six digits, i.e. not reliably. The sentence-level features of the RegexFeaturizer (one
  per regex or lookup table: an order number, a link code, a known SKU is present) are added
  to the vector, so such messages are classified by what the patterns saw.
- **Bags of words and letters.** The embedding places short greetings, farewells and thanks
  close together ("aloha", "peace", "merci beaucoup"); the CountVectorsFeaturizers' bags,
  each scaled to unit length so neither outweighs the embedding, tell them apart by their
  words and letters (docs/nlu-selection.md, fourth round).

    - name: nlu_components.intent_classifier.SeededSklearnIntentClassifier
      random_seed: 2026
      sparse_features_of: ["RegexFeaturizer"]   # featurizer names (or aliases) to add
      normalized_features_of: []                # ... and those to add at unit length
      classifier: svm                           # or logistic (C from logistic_C by CV)
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import scipy.sparse.linalg  # noqa: F401 - sparse.linalg.norm
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.sklearn_intent_classifier import SklearnIntentClassifier
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.utils.tensorflow.constants import FEATURIZERS
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV

from nlu_components import implementation


class FittedOnce:
    """The one estimator, fitted once, shaped like a finished search (`best_estimator_`),
    which is what SklearnIntentClassifier keeps and persists."""

    def __init__(self, estimator: LogisticRegression) -> None:
        self.best_estimator_ = estimator

    def fit(self, x: Any, y: np.ndarray) -> FittedOnce:
        self.best_estimator_.fit(x, y)
        return self

    def predict_proba(self, x: Any) -> np.ndarray:
        return self.best_estimator_.predict_proba(x)  # type: ignore[no-any-return]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class SeededSklearnIntentClassifier(SklearnIntentClassifier):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            **SklearnIntentClassifier.get_default_config(),
            "random_seed": 2026,
            # "svm" (Rasa's grid-searched SVC) or "logistic" (multinomial logistic regression)
            "classifier": "svm",
            "logistic_C": [3.0, 10.0, 30.0],
            # logistic only: None, or "balanced" (each intent weighs the same whatever its
            # number of examples; not shipped: docs/nlu-selection.md, seventh round)
            "class_weight": None,
            "sparse_features_of": ["RegexFeaturizer"],
            # sparse sentence features added scaled to unit length, each featurizer's block
            # on its own (bags of words and character n-grams beside the embedding)
            "normalized_features_of": [],
            "implementation": implementation(),
        }

    def _create_classifier(self, num_threads: int, y: np.ndarray) -> Any:
        seed = self.component_config["random_seed"]
        if self.component_config["classifier"] == "logistic":
            model = LogisticRegression(
                max_iter=5000,
                random_state=seed,
                class_weight=self.component_config["class_weight"],
            )
            if len(self.component_config["logistic_C"]) == 1:
                # one C given: fit it once (a search over one value would still fit it once
                # per fold, which with 34 intents took minutes)
                return FittedOnce(model.set_params(C=self.component_config["logistic_C"][0]))
            # C by cross-validation, as for the SVM (and Rasa persists the search's winner)
            return GridSearchCV(
                model,
                param_grid={"C": self.component_config["logistic_C"]},
                n_jobs=num_threads,
                cv=self._num_cv_splits(y),
                scoring=self.component_config["scoring_function"],
            )
        search = super()._create_classifier(num_threads, y)
        search.estimator.set_params(random_state=seed)
        search.verbose = 0
        return search

    def train(self, training_data: TrainingData) -> Resource:
        """Rasa's training, on a sparse matrix: the bags of words and letters are tens of
        thousands of mostly-zero columns, which as a dense matrix made the logistic
        regression's fit slow and its memory large (same features, same model)."""
        labels = [e.get("intent") for e in training_data.intent_examples]
        if len(set(labels)) < 2:
            return super().train(training_data)  # Rasa warns and skips
        y = self.transform_labels_str2num(labels)
        examples = [
            message
            for message in training_data.intent_examples
            if message.features_present(
                attribute=TEXT, featurizers=self.component_config.get(FEATURIZERS)
            )
        ]
        x = sparse.vstack([self._get_sentence_features(example) for example in examples])
        self.clf = self._create_classifier(self.component_config["num_threads"], y)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # sklearn's ill-defined F-score warnings
            self.clf.fit(x.tocsr(), y)
        self.persist()
        return self._resource

    def _get_sentence_features(self, message: Message) -> sparse.csr_matrix:
        """One row: the dense sentence vector, then the chosen featurizers' sparse sentence
        features (in the order the message carries them, which is the pipeline's order)."""
        dense = SklearnIntentClassifier._get_sentence_features(message)
        parts = [sparse.csr_matrix(np.asarray(dense, dtype=np.float64).reshape(1, -1))]
        raw = self.component_config["sparse_features_of"]
        normalized = self.component_config["normalized_features_of"]
        for features in message.features:
            if (
                features.attribute != TEXT
                or features.type != FEATURE_TYPE_SENTENCE
                or not features.is_sparse()
            ):
                continue
            origins = [features.origin] if isinstance(features.origin, str) else features.origin
            block = sparse.csr_matrix(features.features, dtype=np.float64).reshape(1, -1)
            if any(name in origin for name in raw for origin in origins):
                parts.append(block)
            elif any(name in origin for name in normalized for origin in origins):
                length = sparse.linalg.norm(block)
                parts.append(block / length if length else block)
        return sparse.hstack(parts, format="csr")
