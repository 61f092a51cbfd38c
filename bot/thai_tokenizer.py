"""Thai/English tokenizer for Saphan's Rasa pipeline (pythainlp newmm + domain words)."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any, Dict, FrozenSet, Iterator, List, Optional, Text, Tuple

import regex
from pythainlp.corpus import thai_words
from pythainlp.tokenize import word_tokenize
from pythainlp.util import Trie, dict_trie

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.training_data.message import Message

logger = logging.getLogger(__name__)

DEFAULT_DOMAIN_WORDS_FILE = "bot/domain_words.txt"

# Thai letters, vowels, tone marks, ฯ and ๆ. Left out on purpose: ฿ (a symbol),
# ๏ ๚ ๛ (punctuation) and the Thai digits ๐-๙, which join numbers and codes
# the way ASCII digits do.
THAI_LETTERS = "\u0e01-\u0e3a\u0e40-\u0e4e"
_THAI_WORD = regex.compile(f"[{THAI_LETTERS}]+")

# Letters, digits and combining marks of every script except Thai letters (regex V1
# set difference), so "café", "COVID" and "๑๒๓" are words but Thai text is not.
_WORD_CHAR = rf"[[\p{{L}}\p{{N}}\p{{M}}]--[{THAI_LETTERS}]]"

# One alternative per kind of run; the kinds start with disjoint characters, so
# a Thai/non-Thai boundary always ends a run.
_RUN_PATTERN = regex.compile(
    rf"(?P<thai>[{THAI_LETTERS}]+)"
    # Codes, phone numbers, decimals and contractions stay whole: 2026-K7MX-3QH9,
    # 081-234-5678, 3.5, don't (’ too: phone keyboards type it for ').
    rf"|(?P<word>{_WORD_CHAR}+(?:[-./'’]{_WORD_CHAR}+)*)"
    # Whitespace and the invisible separators Thai text copied from the web is
    # full of (zero-width space/joiners, word joiner, BOM) only separate tokens.
    r"|(?P<space>[\s\u200b-\u200d\u2060\ufeff]+)"
    # Anything else is one token per grapheme cluster, so an emoji with a skin
    # tone or a ZWJ sequence is a single token rather than its code points.
    r"|(?P<other>\X)",
    regex.V1,
)


def read_domain_words(path: Path) -> Tuple[FrozenSet[Text], FrozenSet[Text]]:
    """Reads a domain word file: `word` adds a word, `-word` removes a default one.

    Returns the words to add and the words to remove. Raises
    `InvalidConfigException` for an entry that is not a single Thai word: only
    Thai runs reach the dictionary, so any other entry could never match.
    """
    additions: set[Text] = set()
    removals: set[Text] = set()
    for line_number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        entry = line.strip()
        if not entry or entry.startswith("#"):
            continue
        target = removals if entry.startswith("-") else additions
        word = entry.removeprefix("-")
        if not _THAI_WORD.fullmatch(word):
            raise InvalidConfigException(
                f"{path}:{line_number}: '{entry}' is not a Thai word. Entries must "
                f"be Thai letters only (no spaces, digits or dots)."
            )
        target.add(word)
    conflicting = additions & removals
    if conflicting:
        raise InvalidConfigException(
            f"{path}: words both added and removed: {', '.join(sorted(conflicting))}"
        )
    return frozenset(additions), frozenset(removals)


def build_dictionary(additions: FrozenSet[Text], removals: FrozenSet[Text]) -> Trie:
    """Returns pythainlp's default word list plus `additions` minus `removals`."""
    return dict_trie((thai_words() | additions) - removals)


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False
)
class ThaiTokenizer(Tokenizer):
    """Segments Thai with pythainlp's newmm and keeps non-Thai words, codes and numbers whole."""

    @staticmethod
    def supported_languages() -> Optional[List[Text]]:
        """The bot's model serves Thai and English messages alike."""
        return ["th", "en"]

    @staticmethod
    def required_packages() -> List[Text]:
        """Listed so that the pythainlp version is part of Rasa's cache fingerprint."""
        return ["pythainlp"]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Returns the component's default config."""
        return {
            # Flag to check whether to split intents
            "intent_tokenization_flag": False,
            # Symbol on which intent should be split
            "intent_split_symbol": "_",
            # Regular expression to detect tokens
            "token_pattern": None,
            # Symbol on which prefix should be split
            "prefix_separator_symbol": None,
            # Domain word list, relative to the working directory (the repository root)
            "domain_words_file": DEFAULT_DOMAIN_WORDS_FILE,
        }

    def __init__(self, config: Dict[Text, Any]) -> None:
        """Builds the dictionary trie once; newmm only reads it afterwards."""
        super().__init__(config)
        path = Path(config["domain_words_file"])
        if not path.is_file():
            raise InvalidConfigException(
                f"ThaiTokenizer: domain word file '{path}' not found (working "
                f"directory '{Path.cwd()}'). Run Rasa from the repository root or "
                f"set 'domain_words_file'."
            )
        self._dictionary = build_dictionary(*read_domain_words(path))

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ThaiTokenizer:
        """Creates a new component (see parent class for full docstring)."""
        return cls(config)

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        """Hashes the word file so that editing it invalidates Rasa's training cache."""
        path = Path(config["domain_words_file"])
        if not path.is_file():
            return None
        return hashlib.sha256(path.read_bytes()).hexdigest()

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        """Tokenizes the text of the provided attribute of the incoming message."""
        text = message.get(attribute)
        # Slicing the original text guarantees token.text == text[start:end].
        tokens = [Token(text[start:end], start, end) for start, end in self._spans(text)]
        return self._apply_token_pattern(tokens)

    def _spans(self, text: Text) -> Iterator[Tuple[int, int]]:
        """Yields (start, end) of every token of `text`, in order."""
        for run in _RUN_PATTERN.finditer(text):
            if run.lastgroup == "space":
                continue
            if run.lastgroup != "thai":
                yield run.span()
                continue
            # newmm returns consecutive slices of a run without whitespace, so
            # summing their lengths gives exact offsets.
            start = run.start()
            for word in word_tokenize(
                run.group(), custom_dict=self._dictionary, engine="newmm"
            ):
                yield start, start + len(word)
                start += len(word)
