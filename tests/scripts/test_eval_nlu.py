"""Test of scripts/eval_nlu.py on a tiny dataset it writes (Rasa environment).

Run in .venv-rasa from the repository root: `.venv-rasa/bin/python -m pytest tests/scripts`.
"""

import json
import os
from pathlib import Path

import pytest
import yaml

pytest.importorskip("rasa")

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

from scripts import eval_nlu  # noqa: E402

# intent, slots, utterance (the TSV's last two columns are not read).
ROWS = [
    ("alarm/set_alarm", "{}:{}:datetime", "ตั้งนาฬิกาปลุก", "พรุ่งนี้เช้า"),
    ("alarm/set_alarm", "{}:{}:datetime", "set an alarm for ", "tomorrow morning"),
    ("alarm/set_alarm", "{}:{}:datetime", "ตั้งปลุกตอน", "หกโมง"),
    ("alarm/set_alarm", "{}:{}:datetime", "wake me up at ", "six"),
    ("weather/find", "", "วันนี้ฝนจะตกไหม", ""),
    ("weather/find", "", "will it rain today", ""),
    ("weather/find", "", "อากาศร้อนไหม", ""),
    ("weather/find", "", "is it hot outside", ""),
]


def write_tsv(path: Path, rows: list[tuple[str, str, str, str]]) -> None:
    """Writes rows as fb-mtod TSV; the slot spans the second part of the utterance."""
    lines = []
    for intent, slot, before, inside in rows:
        slots = slot.format(len(before), len(before) + len(inside)) if slot else ""
        lines.append(f"{intent}\t{slots}\t{before}{inside}\tth_TH\t{{}}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_read_tsv_strips_text_and_keeps_offsets(tmp_path: Path) -> None:
    path = tmp_path / "x.tsv"
    path.write_text("alarm/set_alarm\t16:24:datetime\t ตั้งนาฬิกาปลุก พรุ่งนี้ \tth_TH\t{}\n", encoding="utf-8")
    [example] = eval_nlu.read_tsv(path)
    assert example == eval_nlu.Example("ตั้งนาฬิกาปลุก พรุ่งนี้", "alarm.set_alarm", ((15, 23, "datetime"),))
    assert example.text[15:23] == "พรุ่งนี้"


def test_entity_f1_counts_exact_spans() -> None:
    gold = [((0, 4, "datetime"), (5, 9, "location")), ()]
    predicted = [((0, 4, "datetime"), (5, 8, "location")), ((1, 2, "datetime"),)]
    # datetime: 1 right, 1 spurious; location: 1 missed, 1 spurious.
    assert eval_nlu.entity_f1(gold, predicted, "datetime") == pytest.approx(2 / 3)
    assert eval_nlu.entity_f1(gold, predicted) == pytest.approx(2 * 1 / (2 * 1 + 2 + 1))


def test_paired_comparison_counts_the_messages_only_one_gets_right() -> None:
    gold = ["a"] * 12 + ["b"] * 4
    project = ["a"] * 12 + ["b"] * 4  # all right
    other = ["b"] * 10 + ["a"] * 2 + ["b"] * 3 + ["a"]  # 10 + 1 wrong
    comparison = eval_nlu.compare("d", "other", gold, project, other)
    assert (comparison.project_only_right, comparison.other_only_right) == (11, 0)
    assert comparison.p_value == pytest.approx(2 * 0.5**11)
    even = eval_nlu.compare("d", "other", ["a", "b"], ["a", "a"], ["b", "b"])
    assert (even.project_only_right, even.other_only_right, even.p_value) == (1, 1, 1.0)


def test_rasa_default_config_bounds_diet_epochs() -> None:
    config = yaml.safe_load(eval_nlu.diet_default_config(7))
    assert config["language"] == "en"
    assert config["pipeline"] == [
        {"name": "WhitespaceTokenizer"},
        {"name": "CountVectorsFeaturizer"},
        {"name": "DIETClassifier", "epochs": 7},
    ]


def test_pipelines_on_a_tiny_split(tmp_path: Path) -> None:
    """The project's pipeline and the baseline (DIET's graph alone takes over a minute to build)."""
    write_tsv(tmp_path / "train.tsv", ROWS * 2)
    write_tsv(tmp_path / "test.tsv", ROWS)
    out = tmp_path / "reports"

    reports = eval_nlu.main(
        [
            "--dataset", f"tiny={tmp_path / 'train.tsv'},{tmp_path / 'test.tsv'}",
            "--config", str(eval_nlu.REPO_ROOT / "config.yml"),
            "--pipelines", "project,linearsvc",
            "--out", str(out),
        ]
    )

    assert [r.pipeline for r in reports] == ["project", "linearsvc"]
    for report in reports:
        saved = json.loads((out / f"tiny-{report.pipeline}.json").read_text(encoding="utf-8"))
        assert saved["test_examples"] == len(ROWS) and saved["train_examples"] == 2 * len(ROWS)
        assert 0.0 <= saved["intent_accuracy"] <= 1.0 and 0.0 <= saved["intent_macro_f1"] <= 1.0
        assert saved["train_seconds"] > 0 and saved["model_bytes"] > 0
        assert 0 < saved["parse_ms_p50"] <= saved["parse_ms_p95"]
        assert (out / f"tiny-{report.pipeline}.png").read_bytes()[:4] == b"\x89PNG"
    project, svc = reports
    # The test set is the training set: the project's pipeline must know it.
    assert project.intent_accuracy == 1.0
    assert project.entity_f1 is not None and set(project.entity_f1_by_type) == {"datetime"}
    assert svc.intent_accuracy == 1.0 and svc.entity_f1 is None
    runs, comparisons = (out / "summary.md").read_text(encoding="utf-8").split("\n\n")
    assert runs.count("| tiny | project |") == 1 and runs.count("| tiny | linearsvc |") == 1
    # Both get every message right: nothing tells them apart.
    assert comparisons.splitlines()[2:] == ["| tiny | linearsvc | 0 | 0 | 1 |"]


def test_rasa_yaml_without_test_file_is_split(tmp_path: Path) -> None:
    nlu = tmp_path / "nlu.yml"
    nlu.write_text(
        'version: "3.1"\nnlu:\n'
        + "".join(
            f"- intent: {intent}\n  examples: |\n" + "".join(f"    - {intent} {i}\n" for i in range(10))
            for intent in ("a", "b")
        ),
        encoding="utf-8",
    )
    name, train, test = eval_nlu.parse_dataset(f"bot={nlu}", test_fraction=0.2, seed=0)
    assert name == "bot" and len(train) == 16 and len(test) == 4
    assert sorted(e.intent for e in test) == ["a", "a", "b", "b"]
