"""Trains NLU pipelines on the same split and measures them side by side.

For each dataset and pipeline it reports intent accuracy and macro-F1, entity F1
(exact span and type) where the data has entities, training time, model size
and in-process parse latency (p50/p95 over the test set), and writes a JSON
report and a confusion-matrix PNG per run plus a Markdown summary.

Run from the repository root with the Rasa environment (see README.md,
"Measuring the NLU pipeline"); `make eval-nlu` runs it on the shared fb-mtod data.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import pickle
import platform
import statistics
import subprocess
import tempfile
import time
import warnings
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Protocol

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

import matplotlib

matplotlib.use("Agg")  # no display on servers and in CI

import matplotlib.pyplot as plt  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.metrics import ConfusionMatrixDisplay, accuracy_score, f1_score  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.pipeline import Pipeline, make_pipeline  # noqa: E402
from scipy.stats import binomtest  # noqa: E402
from sklearn.svm import LinearSVC  # noqa: E402

from rasa.utils.log_utils import configure_structlog  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[1]
# Rasa's own default (rasa/nlu/classifiers/diet_classifier.py, EPOCHS: 300 in the
# class, 100 in the config `rasa init` writes); what a newcomer gets.
RASA_DEFAULT_DIET_EPOCHS = 100
FALLBACK_INTENT = "nlu_fallback"

# An entity is (start, end, type); exact match on all three counts as correct.
Entity = tuple[int, int, str]


@dataclass(frozen=True)
class Example:
    """One utterance with its intent and entity spans (character offsets)."""

    text: str
    intent: str
    entities: tuple[Entity, ...] = ()


@dataclass(frozen=True)
class Parse:
    """What a pipeline made of one utterance."""

    intent: str
    confidence: float | None
    # The intent the bot acts on: nlu_fallback when the FallbackClassifier fired.
    bot_intent: str
    entities: tuple[Entity, ...]


class Runner(Protocol):
    """A pipeline that can be trained and then parse one text at a time."""

    notes: str
    extracts_entities: bool

    def train(self, examples: list[Example], workdir: Path) -> None:
        """Trains on `examples`; may write files below `workdir`."""

    def parse(self, texts: list[str]) -> tuple[list[Parse], list[float]]:
        """Parses each text separately; returns the parses and seconds per text."""

    def model_bytes(self) -> int:
        """Size of the trained model as it would be shipped."""


def rasa_name(label: str) -> str:
    """Makes an fb-mtod label safe for Rasa, where '/' marks a retrieval intent."""
    return label.replace("/", ".")


def read_tsv(path: Path) -> list[Example]:
    """Reads the fb-mtod TSV format (see the nlu-bench README)."""
    examples = []
    for line in path.read_text(encoding="utf-8").splitlines():
        intent, slots, raw_text = line.split("\t")[:3]
        # Rasa strips the text it reads; strip here too so that every pipeline
        # sees the same utterances and the offsets still match.
        text = raw_text.strip()
        shift = len(raw_text) - len(raw_text.lstrip())
        entities = []
        for slot in filter(None, slots.split(",")):
            start, end, slot_type = slot.split(":", 2)
            entities.append((int(start) - shift, min(int(end) - shift, len(text)), rasa_name(slot_type)))
        examples.append(Example(text, rasa_name(intent), tuple(entities)))
    return examples


def read_rasa(path: Path) -> list[Example]:
    """Reads Rasa NLU training data (YAML file or folder) as Rasa does."""
    from rasa.shared.nlu.training_data.loading import load_data

    return [
        Example(
            message.get("text"),
            message.get("intent"),
            tuple((e["start"], e["end"], e["entity"]) for e in message.get("entities", [])),
        )
        for message in load_data(str(path)).intent_examples
    ]


def read_examples(path: Path) -> list[Example]:
    """Reads `path` in the TSV format if it ends in .tsv, else as Rasa data."""
    return read_tsv(path) if path.suffix == ".tsv" else read_rasa(path)


def write_rasa_yaml(examples: list[Example], path: Path) -> None:
    """Writes `examples` as Rasa YAML and checks that Rasa reads them back unchanged.

    Utterances can contain brackets that Rasa's entity markup would misread, so
    the round trip is checked rather than assumed.
    """
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    messages = [
        Message.build(
            text=example.text,
            intent=example.intent,
            entities=[
                {"start": s, "end": e, "entity": t, "value": example.text[s:e]}
                for s, e, t in example.entities
            ],
        )
        for example in examples
    ]
    RasaYAMLWriter().dump(path, TrainingData(training_examples=messages))
    # Rasa drops duplicate examples, so compare sets.
    if set(read_rasa(path)) != set(examples):
        raise ValueError(f"{path}: Rasa does not read back the examples it was given")


def diet_default_config(epochs: int) -> str:
    """Rasa's default pipeline as a newcomer writes it, with DIET's epochs bounded."""
    return f"""recipe: default.v1
language: en
pipeline:
  - name: WhitespaceTokenizer
  - name: CountVectorsFeaturizer
  - name: DIETClassifier
    epochs: {epochs}
"""


async def timed_parses(agent: Any, texts: list[str]) -> tuple[list[dict[str, Any]], list[float]]:
    """Each text through Agent.parse_message, the path the Rasa server takes, and its seconds."""
    results, seconds = [], []
    for text in texts:
        start = time.perf_counter()
        results.append(await agent.parse_message(text))
        seconds.append(time.perf_counter() - start)
    return results, seconds


class RasaRunner:
    """Trains a Rasa config with `rasa train nlu` and parses with a loaded Agent."""

    def __init__(self, config: str, notes: str = "") -> None:
        self.config = config
        self.notes = notes
        self.extracts_entities = True
        self._model: Path | None = None
        self._agent: Any = None

    def train(self, examples: list[Example], workdir: Path) -> None:
        """Trains from scratch: a fresh, empty Rasa cache makes the time honest."""
        from rasa.core.agent import Agent
        from rasa.model_training import train_nlu

        data = workdir / "nlu.yml"
        write_rasa_yaml(examples, data)
        config = workdir / "config.yml"
        config.write_text(self.config, encoding="utf-8")
        os.environ["RASA_CACHE_DIRECTORY"] = str(workdir / "cache")
        model = train_nlu(str(config), str(data), str(workdir / "models"), fixed_model_name="nlu")
        if model is None:
            raise RuntimeError("Rasa did not train a model")
        self._model = Path(model)
        self._agent = Agent.load(model)

    def parse(self, texts: list[str]) -> tuple[list[Parse], list[float]]:
        """Parses through Agent.parse_message, the path the Rasa server takes."""
        return asyncio.run(self._parse_all(texts))

    async def _parse_all(self, texts: list[str]) -> tuple[list[Parse], list[float]]:
        parses = []
        results, seconds = await timed_parses(self._agent, texts)
        for result in results:
            ranking = result.get("intent_ranking") or [result["intent"]]
            # The classifier's own choice is the first intent that is not the fallback.
            top = next((r for r in ranking if r["name"] != FALLBACK_INTENT), ranking[0])
            parses.append(
                Parse(
                    intent=top["name"],
                    confidence=top.get("confidence"),
                    bot_intent=result["intent"]["name"],
                    entities=tuple((e["start"], e["end"], e["entity"]) for e in result.get("entities", [])),
                )
            )
        return parses, seconds

    def model_bytes(self) -> int:
        """Size of the model archive Rasa wrote."""
        assert self._model is not None, "train first"
        return self._model.stat().st_size


def newmm_words(text: str) -> list[str]:
    """pythainlp's newmm words (it passes non-Thai words through whole)."""
    from pythainlp.tokenize import word_tokenize

    return word_tokenize(text, engine="newmm", keep_whitespace=False)


class LinearSVCRunner:
    """The scikit-learn baseline: LinearSVC on TF-IDF of newmm word uni/bi-grams."""

    notes = "TfidfVectorizer(newmm words, ngram_range=(1, 2)) + LinearSVC(C=1); no entities"
    extracts_entities = False

    def __init__(self) -> None:
        self._pipeline: Pipeline = make_pipeline(
            TfidfVectorizer(tokenizer=newmm_words, token_pattern=None, ngram_range=(1, 2)),
            LinearSVC(),
        )

    def train(self, examples: list[Example], workdir: Path) -> None:
        """Fits the pipeline; nothing is written."""
        self._pipeline.fit([e.text for e in examples], [e.intent for e in examples])

    def parse(self, texts: list[str]) -> tuple[list[Parse], list[float]]:
        """Predicts one text at a time, as a server would."""
        parses, seconds = [], []
        for text in texts:
            start = time.perf_counter()
            intent = self._pipeline.predict([text])[0]
            seconds.append(time.perf_counter() - start)
            parses.append(Parse(intent, None, intent, ()))
        return parses, seconds

    def model_bytes(self) -> int:
        """Size of the pickled pipeline."""
        return len(pickle.dumps(self._pipeline))


@dataclass
class RunReport:
    """The measurements of one pipeline on one dataset (written as JSON)."""

    dataset: str
    pipeline: str
    notes: str
    train_examples: int
    test_examples: int
    intent_accuracy: float
    intent_macro_f1: float
    # The share of test messages the FallbackClassifier answered with nlu_fallback,
    # and the accuracy when those count as wrong (what the bot does).
    fallback_rate: float
    bot_intent_accuracy: float
    entity_f1: float | None
    entity_f1_by_type: dict[str, float]
    train_seconds: float
    model_bytes: int
    parse_ms_p50: float
    parse_ms_p95: float
    environment: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Comparison:
    """The project's pipeline against another on the same test messages (paired).

    Only the messages exactly one of the two gets right tell them apart; the
    exact McNemar test asks how likely so lopsided a split is if both were
    equally good (two-sided binomial test on those messages).
    """

    dataset: str
    other: str
    project_only_right: int
    other_only_right: int
    p_value: float


def compare(dataset: str, other: str, gold: list[str], project: list[str], predicted: list[str]) -> Comparison:
    project_only = sum(g == p and g != o for g, p, o in zip(gold, project, predicted))
    other_only = sum(g == o and g != p for g, p, o in zip(gold, project, predicted))
    discordant = project_only + other_only
    p_value = binomtest(project_only, discordant, 0.5).pvalue if discordant else 1.0
    return Comparison(dataset, other, project_only, other_only, p_value)


def entity_f1(gold: Iterable[tuple[Entity, ...]], predicted: Iterable[tuple[Entity, ...]], entity_type: str | None = None) -> float:
    """Micro F1 of exact (start, end, type) matches, optionally of one type only."""
    true_positives = false_positives = false_negatives = 0
    for gold_entities, predicted_entities in zip(gold, predicted):
        gold_set = {e for e in gold_entities if entity_type in (None, e[2])}
        predicted_set = {e for e in predicted_entities if entity_type in (None, e[2])}
        true_positives += len(gold_set & predicted_set)
        false_positives += len(predicted_set - gold_set)
        false_negatives += len(gold_set - predicted_set)
    denominator = 2 * true_positives + false_positives + false_negatives
    return 2 * true_positives / denominator if denominator else 0.0


def percentile_ms(seconds: list[float], percent: int) -> float:
    """The `percent`th percentile of `seconds`, in milliseconds."""
    return statistics.quantiles(seconds, n=100, method="inclusive")[percent - 1] * 1000


def environment() -> dict[str, str]:
    """Where and when the numbers were measured."""
    commit = subprocess.run(
        ["git", "describe", "--always", "--dirty"], cwd=REPO_ROOT, capture_output=True, text=True
    ).stdout.strip()
    return {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "commit": commit or "unknown",
        "python": platform.python_version(),
        "cpus": str(os.cpu_count()),
        "machine": platform.machine(),
    }


def evaluate(
    dataset: str, pipeline: str, runner: Runner, train: list[Example], test: list[Example], out: Path
) -> tuple[RunReport, list[str]]:
    """Trains `runner`, parses the test set and writes the run's JSON and PNG;
    returns the report and the predicted intents (for paired comparisons)."""
    with tempfile.TemporaryDirectory(prefix="eval-nlu-") as workdir:
        start = time.perf_counter()
        runner.train(train, Path(workdir))
        train_seconds = time.perf_counter() - start
        size = runner.model_bytes()
        parses, seconds = runner.parse([e.text for e in test])

    gold_intents = [e.intent for e in test]
    predicted_intents = [p.intent for p in parses]
    gold_entities = [e.entities for e in test]
    predicted_entities = [p.entities for p in parses]
    entity_types = sorted({t for entities in gold_entities for _, _, t in entities}) if runner.extracts_entities else []
    report = RunReport(
        dataset=dataset,
        pipeline=pipeline,
        notes=runner.notes,
        train_examples=len(train),
        test_examples=len(test),
        intent_accuracy=accuracy_score(gold_intents, predicted_intents),
        intent_macro_f1=f1_score(gold_intents, predicted_intents, average="macro", zero_division=0),
        fallback_rate=sum(p.bot_intent == FALLBACK_INTENT for p in parses) / len(parses),
        bot_intent_accuracy=accuracy_score(gold_intents, [p.bot_intent for p in parses]),
        entity_f1=entity_f1(gold_entities, predicted_entities) if entity_types else None,
        entity_f1_by_type={t: entity_f1(gold_entities, predicted_entities, t) for t in entity_types},
        train_seconds=train_seconds,
        model_bytes=size,
        parse_ms_p50=percentile_ms(seconds, 50),
        parse_ms_p95=percentile_ms(seconds, 95),
        environment=environment(),
    )
    stem = out / f"{dataset}-{pipeline}"
    stem.with_suffix(".json").write_text(json.dumps(asdict(report), indent=2, ensure_ascii=False), encoding="utf-8")
    plot_confusion(gold_intents, predicted_intents, f"{dataset} / {pipeline}", stem.with_suffix(".png"))
    return report, predicted_intents


def plot_confusion(gold: list[str], predicted: list[str], title: str, path: Path) -> None:
    """Saves the intent confusion matrix as a PNG."""
    labels = sorted(set(gold) | set(predicted))
    size = 4 + 0.5 * len(labels)
    figure, axes = plt.subplots(figsize=(size, size))
    ConfusionMatrixDisplay.from_predictions(
        gold, predicted, labels=labels, ax=axes, xticks_rotation="vertical", colorbar=False
    )
    axes.set_title(title)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def summary_table(reports: list[RunReport]) -> str:
    """The runs as one Markdown table."""
    lines = [
        "| dataset | pipeline | intent acc | macro-F1 | entity F1 | datetime F1 | train s | model MB | parse p50 ms | parse p95 ms |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in reports:
        entity = "n/a" if r.entity_f1 is None else f"{r.entity_f1:.3f}"
        datetime_f1 = r.entity_f1_by_type.get("datetime")
        datetime_cell = "n/a" if datetime_f1 is None or r.entity_f1 is None else f"{datetime_f1:.3f}"
        lines.append(
            f"| {r.dataset} | {r.pipeline} | {r.intent_accuracy:.3f} | {r.intent_macro_f1:.3f} | {entity} | "
            f"{datetime_cell} | {r.train_seconds:.1f} | {r.model_bytes / 1e6:.2f} | "
            f"{r.parse_ms_p50:.2f} | {r.parse_ms_p95:.2f} |"
        )
    return "\n".join(lines)


def comparison_table(comparisons: list[Comparison]) -> str:
    """The paired comparisons as one Markdown table."""
    lines = [
        "| dataset | project vs | only project right | only other right | exact McNemar p |",
        "|---|---|---|---|---|",
    ]
    for c in comparisons:
        lines.append(
            f"| {c.dataset} | {c.other} | {c.project_only_right} | {c.other_only_right} | {c.p_value:.3g} |"
        )
    return "\n".join(lines)


def parse_dataset(spec: str, test_fraction: float, seed: int) -> tuple[str, list[Example], list[Example]]:
    """`NAME=TRAIN,TEST` reads both; `NAME=DATA` makes a stratified split of DATA."""
    name, _, paths = spec.partition("=")
    files = [Path(p) for p in paths.split(",")]
    if not name or not paths or len(files) > 2:
        raise argparse.ArgumentTypeError(f"--dataset {spec!r}: expected NAME=TRAIN[,TEST]")
    if len(files) == 2:
        return name, read_examples(files[0]), read_examples(files[1])
    examples = read_examples(files[0])
    train, test = train_test_split(
        examples, test_size=test_fraction, random_state=seed, stratify=[e.intent for e in examples]
    )
    return name, train, test


def main(argv: list[str] | None = None) -> list[RunReport]:
    """Runs every pipeline on every dataset; returns the reports."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--dataset", action="append", required=True, metavar="NAME=TRAIN[,TEST]",
        help="a .tsv (fb-mtod) or Rasa YAML file/folder; without TEST, a stratified split of TRAIN",
    )
    parser.add_argument("--config", default="config.yml", help="the project's Rasa config")
    parser.add_argument(
        "--pipelines", default="project,rasa-default,linearsvc",
        help="comma-separated subset of project, rasa-default, linearsvc",
    )
    parser.add_argument("--diet-epochs", type=int, default=RASA_DEFAULT_DIET_EPOCHS, help="epochs of the rasa-default DIET")
    parser.add_argument(
        "--diet-max-train", type=int, default=0,
        help="train rasa-default on a stratified sample of at most this many examples (0: all)",
    )
    parser.add_argument("--test-fraction", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "reports" / "nlu")
    args = parser.parse_args(argv)

    # Rasa repeats one warning per misaligned annotation (whitespace tokens of
    # Thai text); the entity F1 already counts those entities as missed.
    warnings.filterwarnings("ignore", message=".*Misaligned entity annotation.*")
    configure_structlog(logging.WARNING)  # Rasa logs every parse at debug level
    args.out.mkdir(parents=True, exist_ok=True)
    project_config = Path(args.config).read_text(encoding="utf-8")
    reports = []
    comparisons = []
    for spec in args.dataset:
        name, train, test = parse_dataset(spec, args.test_fraction, args.seed)
        predictions: dict[str, list[str]] = {}
        for pipeline in args.pipelines.split(","):
            pipeline_train = train
            if pipeline == "project":
                runner: Runner = RasaRunner(project_config, f"{args.config} as committed")
            elif pipeline == "rasa-default":
                notes = f"DIET epochs {args.diet_epochs} (Rasa's default config: {RASA_DEFAULT_DIET_EPOCHS})"
                if 0 < args.diet_max_train < len(train):
                    pipeline_train, _ = train_test_split(
                        train, train_size=args.diet_max_train, random_state=args.seed,
                        stratify=[e.intent for e in train],
                    )
                    notes += f"; trained on a stratified sample of {len(pipeline_train)} of {len(train)} examples (seed {args.seed})"
                runner = RasaRunner(diet_default_config(args.diet_epochs), notes)
            elif pipeline == "linearsvc":
                runner = LinearSVCRunner()
            else:
                parser.error(f"unknown pipeline {pipeline!r}")
            print(f"== {name} / {pipeline}: {len(pipeline_train)} train, {len(test)} test", flush=True)
            report, predictions[pipeline] = evaluate(name, pipeline, runner, pipeline_train, test, args.out)
            print(summary_table([report]).splitlines()[-1], flush=True)
            reports.append(report)
        gold = [e.intent for e in test]
        comparisons += [
            compare(name, other, gold, predictions["project"], predicted)
            for other, predicted in predictions.items()
            if "project" in predictions and other != "project"
        ]
    table = summary_table(reports)
    if comparisons:
        table += "\n\n" + comparison_table(comparisons)
    (args.out / "summary.md").write_text(table + "\n", encoding="utf-8")
    print(table)
    return reports


if __name__ == "__main__":
    main()
