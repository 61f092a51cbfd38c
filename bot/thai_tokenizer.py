"""Thai/English tokenizer for Saphan's Rasa pipeline: pythainlp newmm + domain words."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, FrozenSet, Iterator, List, Optional, Set, Text, Tuple

import regex
from pythainlp.corpus import thai_words
from pythainlp.tokenize import word_tokenize
from pythainlp.util import dict_trie

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.training_data.message import Message

DEFAULT_DOMAIN_WORDS_FILE = "bot/domain_words.txt"

# Thai letters, vowels, tone marks, ฯ and ๆ. Left out on purpose: ฿ (a symbol),
# ๏ ๚ ๛ (punctuation) and the Thai digits ๐-๙, which join numbers and codes
# the way ASCII digits do.
THAI_LETTERS = "\u0e01-\u0e3a\u0e40-\u0e4e"
_THAI_WORD = regex.compile(f"[{THAI_LETTERS}]+")

# Letters, digits and combining marks of any script except Thai letters (regex V1
# set difference), so "café", "COVID" and "๑๒๓" are words but Thai text is not.
_WORD_CHAR = rf"[[\p{{L}}\p{{N}}\p{{M}}]--[{THAI_LETTERS}]]"

# One alternative per kind of run. The kinds start with disjoint characters, so
# a boundary between Thai and anything else always ends a run.
_RUN_PATTERN = regex.compile(
    rf"(?P<thai>[{THAI_LETTERS}]+)"
    # Codes, phone numbers, decimals and contractions stay whole: 2026-K7MX-3QH9,
    # 081-234-5678, 3.5, don't (and don’t, which phone keyboards type).
    rf"|(?P<word>{_WORD_CHAR}+(?:[-./'’]{_WORD_CHAR}+)*)"
    # Whitespace and the invisible separators that Thai text copied from the web
    # is full of (zero-width space and joiners, word joiner, BOM) only separate.
    r"|(?P<space>[\s\u200b-\u200d\u2060\ufeff]+)"
    # Anything else is one token per grapheme cluster, so an emoji with a skin
    # tone or a ZWJ sequence is one token rather than a few code points.
    r"|(?P<other>\X)",
    regex.V1,
)


@dataclass(frozen=True)
class DomainWords:
    """The entries of a domain word file (format: see bot/domain_words.txt)."""

    added: FrozenSet[Text]
    kept_whole: FrozenSet[Text]
    removed: FrozenSet[Text]

    @classmethod
    def read(cls, path: Path) -> DomainWords:
        """Parses `path`; raises `InvalidConfigException` for unusable entries.

        Only Thai runs reach the dictionary, so an entry that is not Thai letters
        only could never match and is an error rather than a silent no-op.
        """
        added: Set[Text] = set()
        kept_whole: Set[Text] = set()
        removed: Set[Text] = set()
        lines = path.read_text(encoding="utf-8").splitlines()
        for line_number, line in enumerate(lines, 1):
            entry = line.strip()
            if not entry or entry.startswith("#"):
                continue
            word = entry[1:] if entry[0] in "+-" else entry
            if not _THAI_WORD.fullmatch(word):
                raise InvalidConfigException(
                    f"{path}:{line_number}: '{entry}' is not a Thai word. Entries "
                    f"are Thai letters only (no spaces, digits or dots)."
                )
            if entry.startswith("-"):
                removed.add(word)
            else:
                added.add(word)
                if entry.startswith("+"):
                    kept_whole.add(word)
        if added & removed:
            raise InvalidConfigException(
                f"{path}: words both added and removed: "
                f"{', '.join(sorted(added & removed))}"
            )
        return cls(frozenset(added), frozenset(kept_whole), frozenset(removed))

    def dictionary(self) -> FrozenSet[Text]:
        """Returns pythainlp's default word list with the added and removed words."""
        return (thai_words() | self.added) - self.removed

    def kept_whole_pattern(self) -> regex.Pattern:
        """Returns a pattern matching the kept-whole words, longest first."""
        words = sorted(self.kept_whole, key=len, reverse=True)
        # "(?!)" never matches: an empty alternation would match everywhere.
        return regex.compile("|".join(map(regex.escape, words)) or "(?!)")


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False
)
class ThaiTokenizer(Tokenizer):
    """Segments Thai with pythainlp's newmm; keeps other words, codes, numbers whole."""

    @staticmethod
    def supported_languages() -> Optional[List[Text]]:
        """One model serves Thai and English messages."""
        return ["th", "en"]

    @staticmethod
    def required_packages() -> List[Text]:
        """Listed so that the pythainlp version (its dictionary) is in the cache key."""
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
            # Domain word file, relative to the working directory (the repository root)
            "domain_words_file": DEFAULT_DOMAIN_WORDS_FILE,
        }

    def __init__(self, config: Dict[Text, Any]) -> None:
        """Reads the domain words and builds the dictionary trie once."""
        super().__init__(config)
        path = Path(config["domain_words_file"])
        if not path.is_file():
            raise InvalidConfigException(
                f"ThaiTokenizer: domain word file '{path}' not found in working "
                f"directory '{Path.cwd()}'. Run Rasa from the repository root or "
                f"set 'domain_words_file'."
            )
        domain_words = DomainWords.read(path)
        # newmm only reads the trie, so one instance is safe to share across threads.
        self._dictionary = dict_trie(domain_words.dictionary())
        self._kept_whole = domain_words.kept_whole_pattern()

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
        """Hashes the word file: editing it must invalidate Rasa's training cache."""
        path = Path(config["domain_words_file"])
        if not path.is_file():
            return None
        return hashlib.sha256(path.read_bytes()).hexdigest()

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        """Tokenizes the text of the provided attribute of the incoming message."""
        text = message.get(attribute)
        # Slicing the original text guarantees token.text == text[start:end].
        spans = self._spans(text)
        tokens = [Token(text[start:end], start, end) for start, end in spans]
        return self._apply_token_pattern(tokens)

    def _spans(self, text: Text) -> Iterator[Tuple[int, int]]:
        """Yields the (start, end) of every token of `text`, in order."""
        for run in _RUN_PATTERN.finditer(text):
            if run.lastgroup == "thai":
                yield from self._thai_spans(run.group(), run.start())
            elif run.lastgroup != "space":
                yield run.span()

    def _thai_spans(self, run: Text, offset: int) -> Iterator[Tuple[int, int]]:
        """Cuts the kept-whole words out of a Thai run and segments the rest with newmm.

        newmm prefers the fewest words and breaks ties towards a shorter first
        word, so a dictionary alone cannot stop it from gluing a keyword to its
        neighbour (เจ้าหน้า|ที่มา, ทาง|เท้าหน้า); cutting the words out first can.
        """
        position = 0
        for kept in self._kept_whole.finditer(run):
            before = run[position : kept.start()]
            yield from self._newmm_spans(before, offset + position)
            yield offset + kept.start(), offset + kept.end()
            position = kept.end()
        yield from self._newmm_spans(run[position:], offset + position)

    def _newmm_spans(self, thai: Text, offset: int) -> Iterator[Tuple[int, int]]:
        """Yields newmm's words of `thai` as spans starting at `offset`."""
        # newmm returns consecutive slices of text without whitespace, so adding
        # up their lengths gives exact offsets.
        for word in word_tokenize(thai, custom_dict=self._dictionary, engine="newmm"):
            yield offset, offset + len(word)
            offset += len(word)
