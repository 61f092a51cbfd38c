"""Intent classifier: a linear SVM over the featurizers' TF-IDF-weighted counts."""

from __future__ import annotations

import logging
from typing import Any

import joblib
import numpy as np
from scipy.sparse import csr_matrix, hstack, vstack
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.svm import LinearSVC

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers import LABEL_RANKING_LENGTH
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.featurizers.featurizer import Featurizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.utils.tensorflow.constants import RANKING_LENGTH

logger = logging.getLogger(__name__)

MODEL_FILE = "linear_svc.joblib"


def _sentence_features(message: Message) -> list[Any]:
    """The sparse sentence-level features of the message's text, of every featurizer."""
    return [
        f for f in message.features if f.attribute == TEXT and f.type == FEATURE_TYPE_SENTENCE and f.is_sparse()
    ]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearSVCIntentClassifier(GraphComponent, IntentClassifier):
    """LinearSVC on the sparse sentence features, one TF-IDF block per featurizer.

    Raw counts let long messages and the many character n-grams drown the word
    features; weighting and L2-normalising each featurizer's block separately
    keeps words and characters on an equal footing. The SVM's margins are not
    probabilities, so confidences come from sigmoid calibration on
    cross-validated margins: they lie in [0, 1] and sum to 1, which is what
    FallbackClassifier's threshold assumes.
    """

    @classmethod
    def required_components(cls) -> list[type]:
        """Needs featurizers before it."""
        return [Featurizer]

    @staticmethod
    def required_packages() -> list[str]:
        """scikit-learn does the work."""
        return ["sklearn"]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The component's default config."""
        return {
            # LinearSVC's regularisation; larger fits the training data more closely.
            "C": 1.0,
            # Folds of the calibration's cross-validation (fewer if an intent has
            # fewer examples).
            "calibration_folds": 5,
            "random_state": 42,
            RANKING_LENGTH: LABEL_RANKING_LENGTH,
        }

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        # The featurizers (feature origins) and their feature counts; one
        # TfidfTransformer per featurizer, in the same order.
        self._origins: list[str] = []
        self._widths: list[int] = []
        self._weights: list[TfidfTransformer] = []
        self._classifier: CalibratedClassifierCV | None = None

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LinearSVCIntentClassifier:
        """Creates an untrained component."""
        return cls(config, model_storage, resource)

    def _blocks(self, messages: list[Message]) -> list[csr_matrix]:
        """The sentence features of `messages`, one matrix per featurizer."""
        blocks = []
        for origin, width in zip(self._origins, self._widths):
            rows = []
            for message in messages:
                found = [f.features for f in _sentence_features(message) if f.origin == origin]
                # A message without text (e.g. a story's action) gets zeros.
                rows.append(csr_matrix(found[0]) if found else csr_matrix((1, width)))
            blocks.append(vstack(rows).tocsr())
        return blocks

    def _features(self, messages: list[Message]) -> csr_matrix:
        """TF-IDF-weighted, per-featurizer L2-normalised features of `messages`."""
        return hstack(
            [weights.transform(block) for weights, block in zip(self._weights, self._blocks(messages))]
        ).tocsr()

    def train(self, training_data: TrainingData) -> Resource:
        """Fits the TF-IDF weights, the SVM and its calibration."""
        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        intents = np.array([e.get(INTENT) for e in examples])
        labels, counts = np.unique(intents, return_counts=True)
        if len(labels) < 2:
            logger.debug(f"{self.__class__.__name__}: fewer than two intents, nothing to train.")
            return self._resource
        if counts.min() < 2:
            raise InvalidConfigException(
                f"{self.__class__.__name__} needs at least 2 examples of every intent to "
                f"calibrate its confidences; '{labels[counts.argmin()]}' has 1."
            )
        widths = {f.origin: f.features.shape[1] for e in examples for f in _sentence_features(e)}
        self._origins = sorted(widths)
        self._widths = [widths[origin] for origin in self._origins]
        blocks = self._blocks(examples)
        self._weights = [TfidfTransformer(sublinear_tf=True).fit(block) for block in blocks]
        self._classifier = CalibratedClassifierCV(
            LinearSVC(C=self.config["C"], random_state=self.config["random_state"]),
            method="sigmoid",
            cv=min(self.config["calibration_folds"], int(counts.min())),
            # One SVM trained on all examples predicts; the folds only calibrate.
            ensemble=False,
        ).fit(self._features(examples), intents)
        self.persist()
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        """Sets the intent and the ranking with calibrated confidences."""
        if self._classifier is None or not messages:
            return messages
        probabilities = self._classifier.predict_proba(self._features(messages))
        for message, row in zip(messages, probabilities):
            order = np.argsort(-row)
            ranking = [
                {"name": str(self._classifier.classes_[i]), "confidence": float(row[i])} for i in order
            ]
            message.set(INTENT, ranking[0], add_to_output=True)
            if self.config[RANKING_LENGTH] > 0:
                ranking = ranking[: self.config[RANKING_LENGTH]]
            message.set("intent_ranking", ranking, add_to_output=True)
        return messages

    def persist(self) -> None:
        """Saves the weights and the classifier into the model storage."""
        with self._model_storage.write_to(self._resource) as model_dir:
            joblib.dump((self._origins, self._widths, self._weights, self._classifier), model_dir / MODEL_FILE)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LinearSVCIntentClassifier:
        """Loads the trained component; untrained if nothing was persisted."""
        component = cls(config, model_storage, resource)
        try:
            with model_storage.read_from(resource) as model_dir:
                (
                    component._origins,
                    component._widths,
                    component._weights,
                    component._classifier,
                ) = joblib.load(model_dir / MODEL_FILE)
        except ValueError:
            logger.debug(f"{cls.__name__}: no trained model in resource '{resource.name}'.")
        return component
