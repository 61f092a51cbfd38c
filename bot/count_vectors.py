"""Word count features that keep the tokenizer's Thai words whole."""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from sklearn.feature_extraction.text import CountVectorizer


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class TokenCountVectorsFeaturizer(CountVectorsFeaturizer):
    """Rasa's CountVectorsFeaturizer, counting the tokens the tokenizer made.

    Rasa joins the tokens with spaces and lets scikit-learn split them again with
    ``\\b\\w+\\b``; Thai vowel and tone marks are not ``\\w``, so ``ที่`` became
    ``ท``. Splitting on the spaces Rasa put in gives back exactly our tokens.
    """

    @classmethod
    def _create_shared_vocab_vectorizers(
        cls, parameters: dict[str, Any], vocabulary: Any | None = None
    ) -> dict[str, CountVectorizer]:
        return cls._split_on_spaces(super()._create_shared_vocab_vectorizers(parameters, vocabulary), parameters)

    @classmethod
    def _create_independent_vocab_vectorizers(
        cls, parameters: dict[str, Any], vocabulary: Any | None = None
    ) -> dict[str, CountVectorizer]:
        return cls._split_on_spaces(super()._create_independent_vocab_vectorizers(parameters, vocabulary), parameters)

    @staticmethod
    def _split_on_spaces(
        vectorizers: dict[str, CountVectorizer], parameters: dict[str, Any]
    ) -> dict[str, CountVectorizer]:
        if parameters["analyzer"] == "word":
            for vectorizer in vectorizers.values():
                vectorizer.set_params(token_pattern=r"(?u)[^ ]+")
        return vectorizers
