"""Tests of bot.thai_tokenizer.ThaiTokenizer and bot/domain_words.txt.

Run in .venv-rasa from the repository root:
`.venv-rasa/bin/python -m pytest tests/bot`.
"""

import asyncio
import os
import warnings
from pathlib import Path
from typing import Dict, List, Text, Tuple

import pytest

# The hub's environment (.venv) collects tests/ too but has neither package.
pytest.importorskip("rasa")
pytest.importorskip("pythainlp")

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

import regex  # noqa: E402
from pythainlp.corpus import thai_words  # noqa: E402
from pythainlp.tokenize import word_tokenize  # noqa: E402
from rasa.core.agent import Agent  # noqa: E402
from rasa.core.channels.channel import UserMessage  # noqa: E402
from rasa.model_training import train_nlu  # noqa: E402
from rasa.nlu.constants import TOKENS_NAMES  # noqa: E402
from rasa.nlu.extractors.extractor import EntityExtractorMixin  # noqa: E402
from rasa.nlu.tokenizers.tokenizer import Token  # noqa: E402
from rasa.shared.exceptions import InvalidConfigException  # noqa: E402
from rasa.shared.nlu.constants import INTENT, TEXT  # noqa: E402
from rasa.shared.nlu.training_data.formats.rasa_yaml import (  # noqa: E402
    RasaYAMLReader,
)
from rasa.shared.nlu.training_data.message import Message  # noqa: E402
from rasa.shared.nlu.training_data.training_data import TrainingData  # noqa: E402

from bot.thai_tokenizer import (  # noqa: E402
    DEFAULT_DOMAIN_WORDS_FILE,
    THAI_LETTERS,
    DomainWords,
    ThaiTokenizer,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
DOMAIN_WORDS_PATH = REPO_ROOT / DEFAULT_DOMAIN_WORDS_FILE
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"


def is_separator(text: Text) -> bool:
    """Whether `text` is only whitespace and invisible separators."""
    return all(c.isspace() or c in ZERO_WIDTH for c in text)


def make_tokenizer(**config: object) -> ThaiTokenizer:
    """Returns a tokenizer with the project's word list, overridden by `config`."""
    return ThaiTokenizer(
        {
            **ThaiTokenizer.get_default_config(),
            "domain_words_file": str(DOMAIN_WORDS_PATH),
            **config,
        }
    )


@pytest.fixture(scope="module")
def tokenizer() -> ThaiTokenizer:
    """One tokenizer for the module: building the dictionary trie takes ~1 s."""
    return make_tokenizer()


def tokenize(tokenizer: ThaiTokenizer, text: Text) -> List[Token]:
    """Tokenizes `text` as Rasa does for a message's text."""
    return tokenizer.tokenize(Message(data={TEXT: text}), TEXT)


def words(tokenizer: ThaiTokenizer, text: Text) -> List[Text]:
    """Returns the token texts of `text`."""
    return [token.text for token in tokenize(tokenizer, text)]


# --- exact token lists ------------------------------------------------------

EXPECTED_TOKENS = [
    ("ขอติดตามเรื่องที่แจ้งไว้", ["ขอ", "ติดตาม", "เรื่อง", "ที่", "แจ้ง", "ไว้"]),
    (
        "ถนนหน้าบ้านเป็นหลุมใหญ่ครับ อยากแจ้งเรื่อง",
        ["ถนน", "หน้าบ้าน", "เป็น", "หลุม", "ใหญ่", "ครับ", "อยาก", "แจ้ง", "เรื่อง"],
    ),
    (
        "I want to report a broken streetlight",
        ["I", "want", "to", "report", "a", "broken", "streetlight"],
    ),
    ("ติดตามเรื่อง 2026-K7MX-3QH9", ["ติดตาม", "เรื่อง", "2026-K7MX-3QH9"]),
    ("ติดตามเรื่อง2026-K7MX-3QH9", ["ติดตาม", "เรื่อง", "2026-K7MX-3QH9"]),
    ("เบอร์ 081-234-5678 ครับ", ["เบอร์", "081-234-5678", "ครับ"]),
    ("ขยะไม่เก็บ๓วันแล้ว", ["ขยะ", "ไม่", "เก็บ", "๓", "วัน", "แล้ว"]),
    ("เลข ๑๒๓/๔ ครับ", ["เลข", "๑๒๓/๔", "ครับ"]),
    ("ฉีด COVID-19 ที่ไหน", ["ฉีด", "COVID-19", "ที่ไหน"]),
    ("ราคา 3.5 บาท", ["ราคา", "3.5", "บาท"]),
    # Case is kept: the featurizers lowercase. ’ is what phone keyboards type.
    ("I don't KNOW, I don’t", ["I", "don't", "KNOW", ",", "I", "don’t"]),
    # Dots are never part of a Thai token, so abbreviations lose theirs.
    ("อบต.ไม่รับเรื่อง", ["อบต", ".", "ไม่", "รับ", "เรื่อง"]),
    ("แจ้งเรื่องไปแล้วนะคะ!!", ["แจ้ง", "เรื่อง", "ไป", "แล้ว", "นะคะ", "!", "!"]),
    ("(ด่วน) ไฟดับ", ["(", "ด่วน", ")", "ไฟ", "ดับ"]),
    # One token per emoji, skin tone and ZWJ sequences included.
    ("ไฟถนนดับ👍🏽👨‍👩‍👧", ["ไฟถนน", "ดับ", "👍🏽", "👨‍👩‍👧"]),
    ("ไฟถนน  ดับ\n\nซอย\t5 ", ["ไฟถนน", "ดับ", "ซอย", "5"]),
    # A zero-width space separates like a space and is never a token.
    ("ติดตาม\u200bเรื่อง", ["ติดตาม", "เรื่อง"]),
    ("", []),
    (" \n\t ", []),
]


@pytest.mark.parametrize("text, expected", EXPECTED_TOKENS)
def test_expected_tokens(
    tokenizer: ThaiTokenizer, text: Text, expected: List[Text]
) -> None:
    assert words(tokenizer, text) == expected


# --- offsets ----------------------------------------------------------------

OFFSET_TEXTS = [
    "ขอติดตามเรื่องที่แจ้งไว้ค่ะ",
    "The streetlight on Soi 5 has been out since 3 Jan.",
    "ไฟถนนหน้าซอย 5 ดับครับ ref 2026-K7MX-3QH9, โทร 081-234-5678 (ด่วน!)",
    "ขยะไม่เก็บ๓วันแล้ว บ้านเลขที่ ๙๙/๑๒",
    "  ถนน\tพัง \n\n หลุม  ใหญ่\r\n",
    "น้ำท่วม😭😭 ช่วยด้วย!!! 👍🏽 ❤️ 👨‍👩‍👧 …",
    "ติดตาม\u200bเรื่อง\ufeffที่แจ้ง\u2060ไว้",
    "กรุงเทพฯ ช้าๆ ราคา ฿500",
    "café COVID-19 don’t",
]


@pytest.mark.parametrize("text", OFFSET_TEXTS)
def test_offsets_slice_the_original_text(
    tokenizer: ThaiTokenizer, text: Text
) -> None:
    tokens = tokenize(tokenizer, text)
    assert tokens
    previous_end = 0
    for token in tokens:
        assert token.text == text[token.start : token.end]
        # A ZWJ may join an emoji sequence, but no token is whitespace or invisible.
        assert token.text.strip(ZERO_WIDTH) and not any(c.isspace() for c in token.text)
        assert token.start >= previous_end, "tokens overlap or are out of order"
        # Only whitespace is dropped between tokens.
        assert is_separator(text[previous_end : token.start])
        previous_end = token.end
    assert is_separator(text[previous_end:])


def test_thai_and_non_thai_never_share_a_token(tokenizer: ThaiTokenizer) -> None:
    text = "ติดตามเรื่อง2026-K7MX-3QH9ค่ะ ซอย5 ๓วัน ถ.สุขุมวิท"
    for token in tokenize(tokenizer, text):
        all_thai = regex.fullmatch(f"[{THAI_LETTERS}]+", token.text)
        assert all_thai or not regex.search(f"[{THAI_LETTERS}]", token.text), token.text


# --- domain words -----------------------------------------------------------

# (text, tokens with the domain words). Each case documents an entry of
# bot/domain_words.txt: pythainlp's default dictionary splits it differently.
DOMAIN_CASES = [
    ("ขอติดตามเรื่องที่แจ้งไว้", ["ขอ", "ติดตาม", "เรื่อง", "ที่", "แจ้ง", "ไว้"]),
    ("ขอติดตามที่แจ้งไว้", ["ขอ", "ติดตาม", "ที่", "แจ้ง", "ไว้"]),
    ("ติดตามมาหลายรอบแล้ว", ["ติดตาม", "มา", "หลาย", "รอบ", "แล้ว"]),
    ("ผมจะแจ้งเรื่องถนนพัง", ["ผม", "จะ", "แจ้ง", "เรื่อง", "ถนน", "พัง"]),
    ("ต้องการร้องเรียนเจ้าหน้าที่", ["ต้องการ", "ร้องเรียน", "เจ้าหน้าที่"]),
    (
        "เจ้าหน้าที่มาเก็บขยะไม่ตรงเวลา",
        ["เจ้าหน้าที่", "มา", "เก็บ", "ขยะ", "ไม่", "ตรงเวลา"],
    ),
    (
        "เคยแจ้งแล้วแต่ยังไม่ได้รับการแก้ไข",
        ["เคย", "แจ้ง", "แล้ว", "แต่", "ยัง", "ไม่", "ได้รับ", "การ", "แก้ไข"],
    ),
    ("รถตกหลุมกลางถนน", ["รถ", "ตก", "หลุม", "กลาง", "ถนน"]),
    ("ริมถนนมีขยะเต็มไปหมด", ["ริม", "ถนน", "มี", "ขยะ", "เต็มไปหมด"]),
    ("ทางเท้าหน้าโรงเรียนพัง", ["ทางเท้า", "หน้า", "โรงเรียน", "พัง"]),
    ("ฟุตบาทหน้าบ้านแตกเป็นหลุม", ["ฟุตบาท", "หน้าบ้าน", "แตก", "เป็น", "หลุม"]),
    ("ฟุตปาทพัง", ["ฟุตปาท", "พัง"]),
    ("โคมไฟถนนหัก", ["โคม", "ไฟถนน", "หัก"]),
    ("ไฟถนนเสียหลายดวง", ["ไฟถนน", "เสีย", "หลาย", "ดวง"]),
    ("ไฟส่องสว่างในซอยดับ", ["ไฟส่องสว่าง", "ใน", "ซอย", "ดับ"]),
    ("ไฟทางดับ", ["ไฟทาง", "ดับ"]),
    ("เสาไฟล้ม", ["เสาไฟ", "ล้ม"]),
    ("รางระบายน้ำมีขยะอุดตัน", ["รางระบายน้ำ", "มี", "ขยะ", "อุดตัน"]),
    ("ฝาท่อแตก", ["ฝาท่อ", "แตก"]),
    ("น้ำขังไม่ระบาย", ["น้ำขัง", "ไม่", "ระบาย"]),
    ("น้ำไม่ไหลมาสามวันแล้ว", ["น้ำไม่ไหล", "มา", "สาม", "วัน", "แล้ว"]),
    ("ท่อประปาแตกน้ำรั่ว", ["ท่อประปา", "แตก", "น้ำ", "รั่ว"]),
    (
        "ข้างบ้านเปิดเพลงเสียงดังทั้งคืน",
        ["ข้างบ้าน", "เปิด", "เพลง", "เสียงดัง", "ทั้งคืน"],
    ),
    (
        "ร้องเรียนเสียงดังจากร้านคาราโอเกะ",
        ["ร้องเรียน", "เสียงดัง", "จาก", "ร้าน", "คาราโอเกะ"],
    ),
    ("หมาจรจัดกัดคน", ["หมาจรจัด", "กัด", "คน"]),
    ("แมวจรจัดเต็มซอย", ["แมวจรจัด", "เต็ม", "ซอย"]),
    ("ขอพ่นหมอกควัน", ["ขอ", "พ่น", "หมอกควัน"]),
    ("สายสื่อสารระโยงระยาง", ["สายสื่อสาร", "ระโยงระยาง"]),
    ("ขอรถดูดส้วม", ["ขอ", "รถ", "ดูดส้วม"]),
    ("อบตไม่มาซ่อม", ["อบต", "ไม่", "มา", "ซ่อม"]),
    ("ติดต่ออบจ", ["ติดต่อ", "อบจ"]),
    ("จนทไม่มาตามนัด", ["จนท", "ไม่", "มา", "ตาม", "นัด"]),
    (
        "สอบถามเรื่องเบี้ยยังชีพผู้สูงอายุ",
        ["สอบถาม", "เรื่อง", "เบี้ยยังชีพ", "ผู้สูงอายุ"],
    ),
    ("เบี้ยผู้พิการ", ["เบี้ย", "ผู้พิการ"]),
    ("ภาษีป้ายจ่ายที่ไหน", ["ภาษีป้าย", "จ่าย", "ที่ไหน"]),
    ("เป็นบอทหรือเปล่า", ["เป็น", "บอท", "หรือเปล่า"]),
    ("ขอบคุณครัช", ["ขอบคุณ", "ครัช"]),
]


@pytest.mark.parametrize("text, expected", DOMAIN_CASES)
def test_domain_words_fix_default_newmm(
    tokenizer: ThaiTokenizer, text: Text, expected: List[Text]
) -> None:
    default = word_tokenize(text, engine="newmm", keep_whitespace=False)
    assert default != expected, "pythainlp's default dictionary gets this right"
    assert words(tokenizer, text) == expected


# Words that are already in pythainlp's dictionary and default splits that are
# fine today; listed here so that a pythainlp upgrade cannot break them unnoticed.
STABLE_CASES = [
    ("ไฟถนนดับ", ["ไฟถนน", "ดับ"]),
    ("น้ำท่วมซอย", ["น้ำท่วม", "ซอย"]),
    ("ท่อระบายน้ำอุดตัน", ["ท่อระบายน้ำ", "อุดตัน"]),
    ("ถังขยะเต็มแล้ว", ["ถังขยะ", "เต็ม", "แล้ว"]),
    ("ฟุตบาธแตก", ["ฟุตบาธ", "แตก"]),
    ("น้ำประปาไม่ไหล", ["น้ำประปา", "ไม่", "ไหล"]),
    ("น้ำท่วมขังหน้าบ้าน", ["น้ำท่วม", "ขัง", "หน้าบ้าน"]),
    ("แจ้งเรื่องไฟถนนดับ", ["แจ้ง", "เรื่อง", "ไฟถนน", "ดับ"]),
    ("ย้ายทะเบียนบ้าน", ["ย้าย", "ทะเบียนบ้าน"]),
    ("บัตรประชาชนหาย", ["บัตรประชาชน", "หาย"]),
    ("ขอคุยกับเจ้าหน้าที่", ["ขอ", "คุย", "กับ", "เจ้าหน้าที่"]),
    ("เทศบาลไม่มาเก็บขยะ", ["เทศบาล", "ไม่", "มา", "เก็บ", "ขยะ"]),
]


@pytest.mark.parametrize("text, expected", STABLE_CASES)
def test_stable_segmentations(
    tokenizer: ThaiTokenizer, text: Text, expected: List[Text]
) -> None:
    assert words(tokenizer, text) == expected


# Common neighbours of category words in complaints ("" = none).
BEFORE = [""] + (
    "ที่ มี เป็น บน ริม ข้าง หน้า ตก ซ่อม แจ้ง เรื่อง ร้องเรียน ไม่ ค่ะ ครับ ตาม จาก"
).split()
AFTER = [""] + (
    "หน้าบ้าน หน้า หลัง ที่ มา ไม่ ยัง เสีย พัง แตก ดับ ตัน เต็ม เยอะ มาก ใหญ่ ใน บน"
    " ทั้ง แล้ว ค่ะ ครับ นะ หลาย เลย ไป อยู่ จาก ของ ว่า ซอย บ้าน"
).split()
KEPT_WHOLE = sorted(DomainWords.read(DOMAIN_WORDS_PATH).kept_whole)


@pytest.mark.parametrize("word", KEPT_WHOLE)
def test_kept_whole_words_are_tokens_in_any_context(
    tokenizer: ThaiTokenizer, word: Text
) -> None:
    segmentations = [
        words(tokenizer, before + word + after) for before in BEFORE for after in AFTER
    ]
    broken = ["|".join(tokens) for tokens in segmentations if word not in tokens]
    assert broken == []


# --- domain word file -------------------------------------------------------


def test_domain_word_file_is_clean() -> None:
    lines = DOMAIN_WORDS_PATH.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("#"), "the file starts with its header comment"
    entries = [line for line in lines if line.strip() and not line.startswith("#")]
    assert entries
    assert all(entry == entry.strip() for entry in entries), "stray whitespace"
    bare = [entry.lstrip("+-") for entry in entries]
    duplicates = sorted({word for word in bare if bare.count(word) > 1})
    assert not duplicates
    # Raises for anything that is not Thai letters only.
    domain_words = DomainWords.read(DOMAIN_WORDS_PATH)
    assert len(domain_words.added) + len(domain_words.removed) == len(entries)


def test_every_entry_has_a_case() -> None:
    domain_words = DomainWords.read(DOMAIN_WORDS_PATH)
    cases = DOMAIN_CASES + STABLE_CASES
    untested = [
        word
        for word in domain_words.added
        if not any(word in expected for _, expected in cases)
    ] + [
        word
        for word in domain_words.removed
        if not any(word in text for text, _ in cases)
    ]
    assert sorted(untested) == []


def test_every_removed_word_is_a_default_word() -> None:
    removed = DomainWords.read(DOMAIN_WORDS_PATH).removed
    assert removed
    assert not removed - thai_words(), "removing a word pythainlp lacks does nothing"


def test_no_plain_entry_contains_a_kept_whole_word() -> None:
    # The kept-whole word is cut out first, so such an entry could never match.
    domain_words = DomainWords.read(DOMAIN_WORDS_PATH)
    plain = domain_words.added - domain_words.kept_whole
    dead = [(p, k) for p in plain for k in domain_words.kept_whole if k in p]
    assert not dead


@pytest.mark.parametrize(
    "content, message",
    [
        ("อบต.\n", "not a Thai word"),
        ("ถนน หน้าบ้าน\n", "not a Thai word"),
        ("road\n", "not a Thai word"),
        ("+\n", "not a Thai word"),
        ("ถนน\n-ถนน\n", "both added and removed"),
    ],
)
def test_domain_word_file_errors(tmp_path: Path, content: Text, message: Text) -> None:
    path = tmp_path / "words.txt"
    path.write_text(f"# header\n{content}", encoding="utf-8")
    with pytest.raises(InvalidConfigException, match=message):
        DomainWords.read(path)


# --- config options ---------------------------------------------------------


def test_default_word_file_is_relative_to_the_working_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(REPO_ROOT)
    tokenizer = ThaiTokenizer(ThaiTokenizer.get_default_config())
    assert words(tokenizer, "ไฟส่องสว่างดับ") == ["ไฟส่องสว่าง", "ดับ"]

    monkeypatch.chdir(tmp_path)
    with pytest.raises(InvalidConfigException, match="domain word file"):
        ThaiTokenizer(ThaiTokenizer.get_default_config())


def test_custom_word_file(tmp_path: Path) -> None:
    path = tmp_path / "words.txt"
    path.write_text("# test words\nส่องสว่าง\n+ไฟ\n-ไฟถนน\n", encoding="utf-8")
    tokenizer = make_tokenizer(domain_words_file=str(path))
    assert words(tokenizer, "ไฟส่องสว่างดับ") == ["ไฟ", "ส่องสว่าง", "ดับ"]
    assert words(tokenizer, "ไฟถนนดับ") == ["ไฟ", "ถนน", "ดับ"]


def test_fingerprint_follows_the_word_file(tmp_path: Path) -> None:
    path = tmp_path / "words.txt"
    config = {**ThaiTokenizer.get_default_config(), "domain_words_file": str(path)}
    path.write_text("ถนน\n", encoding="utf-8")
    first = ThaiTokenizer.fingerprint_addon(config)
    path.write_text("ถนน\nหลุม\n", encoding="utf-8")
    assert first is not None
    assert ThaiTokenizer.fingerprint_addon(config) not in (None, first)


def test_token_pattern_splits_tokens_further() -> None:
    tokenizer = make_tokenizer(token_pattern=r"[0-9A-Z]+")
    tokens = tokenize(tokenizer, "ติดตามเรื่อง 2026-K7MX-3QH9")
    assert [(t.text, t.start, t.end) for t in tokens] == [
        ("ติดตาม", 0, 6),
        ("เรื่อง", 6, 12),
        ("2026", 13, 17),
        ("K7MX", 18, 22),
        ("3QH9", 23, 27),
    ]


@pytest.mark.parametrize(
    "flag, expected", [(False, ["report_problem"]), (True, ["report", "problem"])]
)
def test_intent_tokenization_flag(flag: bool, expected: List[Text]) -> None:
    tokenizer = make_tokenizer(intent_tokenization_flag=flag, intent_split_symbol="_")
    message = Message(data={TEXT: "ไฟถนนดับ", INTENT: "report_problem"})
    tokenizer.process_training_data(TrainingData([message]))
    assert [t.text for t in message.get(TOKENS_NAMES[INTENT])] == expected
    assert [t.text for t in message.get(TOKENS_NAMES[TEXT])] == ["ไฟถนน", "ดับ"]


def test_languages() -> None:
    assert ThaiTokenizer.supported_languages() == ["th", "en"]
    assert ThaiTokenizer.not_supported_languages() is None


# --- inside Rasa ------------------------------------------------------------

ANNOTATED_NLU = """
version: "3.1"
nlu:
- intent: report_problem
  examples: |
    - [ถนน]{"entity": "category", "value": "road"}หน้าบ้านเป็น[หลุม]{"entity": "category", "value": "road"}ใหญ่ครับ
    - [ไฟถนน]{"entity": "category", "value": "streetlight"}ดับ
    - [น้ำท่วม]{"entity": "category", "value": "flooding"}ซอย5
    - [ขยะ]{"entity": "category", "value": "garbage"}ไม่เก็บ๓วันแล้ว
    - รถตก[หลุม]{"entity": "category", "value": "road"}กลาง[ถนน]{"entity": "category", "value": "road"}
    - [ทางเท้า]{"entity": "category", "value": "road"}หน้าโรงเรียนพัง
    - [น้ำไม่ไหล]{"entity": "category", "value": "water_supply"}มาสามวันแล้ว
    - ข้างบ้านเปิดเพลง[เสียงดัง]{"entity": "category", "value": "noise"}ทั้งคืน
    - [ท่อระบายน้ำ]{"entity": "category", "value": "flooding"}ตัน [น้ำขัง]{"entity": "category", "value": "flooding"}ไม่ลง
    - ฝนตกนิดเดียว[น้ำท่วมขัง]{"entity": "category", "value": "flooding"}แล้วค่ะ
    - I want to report a broken [streetlight]{"entity": "category", "value": "streetlight"}
- intent: follow_up
  examples: |
    - ขอติดตามเรื่องที่แจ้งไว้
    - ติดตามเรื่อง [2026-K7MX-3QH9]{"entity": "reference"}
    - ติดตามเรื่อง[2026-K7MX-3QH9]{"entity": "reference"}ค่ะ
"""


def misaligned_warnings(training_data: TrainingData) -> List[Text]:
    """Runs Rasa's own entity alignment check and returns its warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        EntityExtractorMixin.check_correct_entity_annotations(training_data)
    return [str(w.message) for w in caught if "Misaligned entity" in str(w.message)]


def test_annotated_entities_align_with_tokens(tokenizer: ThaiTokenizer) -> None:
    training_data = RasaYAMLReader().reads(ANNOTATED_NLU)
    tokenizer.process_training_data(training_data)
    assert len(training_data.entity_examples) == 13
    assert misaligned_warnings(training_data) == []


def test_entity_inside_a_token_is_misaligned(tokenizer: ThaiTokenizer) -> None:
    # ไฟถนน is one token, so its ถนน cannot be annotated on its own.
    training_data = RasaYAMLReader().reads(
        'version: "3.1"\nnlu:\n- intent: report_problem\n  examples: |\n'
        "    - ไฟ[ถนน](category)ดับ\n"
    )
    tokenizer.process_training_data(training_data)
    assert len(misaligned_warnings(training_data)) == 1


def test_project_training_data_aligns(tokenizer: ThaiTokenizer) -> None:
    files = sorted((REPO_ROOT / "data" / "nlu").glob("*.yml"))
    if not files:
        pytest.skip("no data/nlu/*.yml yet")
    training_data = TrainingData().merge(*(RasaYAMLReader().read(f) for f in files))
    tokenizer.process_training_data(training_data)
    assert misaligned_warnings(training_data) == []


TRAIN_CONFIG = """
recipe: default.v1
assistant_id: thai_tokenizer_test
language: th
pipeline:
  - name: bot.thai_tokenizer.ThaiTokenizer
  - name: CountVectorsFeaturizer
    analyzer: char_wb
    min_ngram: 1
    max_ngram: 3
  - name: LogisticRegressionClassifier
  - name: RegexEntityExtractor
    use_lookup_tables: true
    use_word_boundaries: false
"""

TRAIN_LOOKUP = """
- lookup: category
  examples: |
    - ถนน
    - หลุม
"""


def test_trained_model_uses_the_tokenizer(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Rasa resolves the default word file and its training cache from the cwd.
    monkeypatch.chdir(REPO_ROOT)
    monkeypatch.setenv("RASA_CACHE_DIRECTORY", str(tmp_path / "cache"))
    (tmp_path / "config.yml").write_text(TRAIN_CONFIG, encoding="utf-8")
    (tmp_path / "nlu.yml").write_text(ANNOTATED_NLU + TRAIN_LOOKUP, encoding="utf-8")

    model = train_nlu(
        str(tmp_path / "config.yml"),
        str(tmp_path / "nlu.yml"),
        str(tmp_path / "models"),
    )
    assert model is not None
    agent = Agent.load(model)

    async def parse(text: Text) -> Dict:
        return await agent.processor.parse_message(
            UserMessage(text), only_output_properties=False
        )

    parsed = asyncio.run(parse("ถนนหน้าบ้านเป็นหลุมใหญ่ครับ"))
    assert parsed["intent"]["name"] == "report_problem"
    spans: List[Tuple[Text, int, int]] = [
        (t.text, t.start, t.end) for t in parsed[TOKENS_NAMES[TEXT]]
    ]
    assert spans == [
        ("ถนน", 0, 3),
        ("หน้าบ้าน", 3, 11),
        ("เป็น", 11, 15),
        ("หลุม", 15, 19),
        ("ใหญ่", 19, 23),
        ("ครับ", 23, 27),
    ]
    assert [(e["value"], e["start"], e["end"]) for e in parsed["entities"]] == [
        ("ถนน", 0, 3),
        ("หลุม", 15, 19),
    ]

    parsed = asyncio.run(parse("ติดตามเรื่อง2026-K7MX-3QH9"))
    assert parsed["intent"]["name"] == "follow_up"
    assert [t.text for t in parsed[TOKENS_NAMES[TEXT]]] == [
        "ติดตาม",
        "เรื่อง",
        "2026-K7MX-3QH9",
    ]
