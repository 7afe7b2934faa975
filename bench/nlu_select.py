"""Choose the NLU pipeline and FallbackClassifier threshold on a validation split of data/nlu.

Run in the Rasa environment, one candidate config after another (each is one NLU training
per split):

    .venv-rasa/bin/python bench/nlu_select.py bench/nlu_candidates/*.yml \
        [--holdout 0.2] [--seeds 2026 ...] [--without data/nlu/extra.yml]
        [--train-only data/nlu/extra.yml] [--validate-on held_out.yml ...] [--show-errors]
        [--json results.json]

Every example of data/nlu (all files, CLINC-derived ones and our own, out_of_scope included)
is split per file and intent with a fixed seed: `--holdout` of them (at least one when an
intent has two or more) are validation, the rest plus all regexes, lookup tables and synonyms
are training. A group's split depends only on seed, file and intent, so adding a data file
leaves the other files' validation examples unchanged (`--without` drops a file,
`--train-only` trains on all of it and holds none out, so data variants can be compared on
the same validation examples). With several `--seeds` (repeated hold-out), every candidate is
trained on each split and the figures are pooled over all of them, so a choice rests on a few
hundred validation sentences per split times the number of splits. Both parts are written to
a temporary directory; each candidate is trained with `rasa train nlu` on the train part (domain/ as
domain) and parses the validation sentences.

Candidates should carry a FallbackClassifier with a low threshold: the fallback is applied
here, after the fact, from the top intent's confidence (ignoring nlu_fallback in the ranking),
for each threshold of `--thresholds` and each ambiguity threshold of `--ambiguity`. Printed per
candidate and threshold: in-scope accuracy (predicted intent equals the labelled one) and
out-of-scope recall (predicted out_of_scope or nlu_fallback), on all validation examples and
on the ones held out of clinc150.yml (the closest to the CLINC150 test set); plus training
time; with `--validate-on` (repeatable), also on each data file kept outside --data
(sentences written by someone other than the training data's author: never trained on; only
their confusion counts are printed, not their sentences). Entities are scored per type (exact
type and span). ../shared/eval/clinc150/test.jsonl is never read here
(bench/nlu_eval.py measures it).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the pipeline's own components (nlu_components/)
DATA = ROOT / "data" / "nlu"
DOMAIN = ROOT / "domain"
CLINC_FILE = "clinc150.yml"
HELD_OUT = "held out: "  # the source of a --validate-on example is this + its file's name
OUT_OF_SCOPE = {"out_of_scope", "nlu_fallback"}
FALLBACK = "nlu_fallback"
DEFAULT_THRESHOLDS = (0.3, 0.4, 0.5, 0.55, 0.6, 0.7, 0.8)


def held_out(source: str) -> bool:
    """Whether an example comes from a --validate-on file (never trained on)."""
    return source.startswith(HELD_OUT)


@dataclass(frozen=True)
class Example:
    source: str  # file name under data/nlu
    intent: str
    text: str
    message: Any  # rasa.shared.nlu.training_data.message.Message


# an entity as (type, start, end): right only when type and both boundaries match
Span = tuple[str, int, int]


def spans(entities: list[dict[str, Any]]) -> frozenset[Span]:
    return frozenset(
        (entity["entity"], int(entity["start"]), int(entity["end"])) for entity in entities
    )


@dataclass(frozen=True)
class Prediction:
    source: str
    intent: str
    ranking: tuple[tuple[str, float], ...]  # best first, nlu_fallback left out
    expected_entities: frozenset[Span] = frozenset()
    entities: frozenset[Span] = frozenset()
    text: str = ""


@dataclass
class Scores:
    in_scope: int = 0
    correct: int = 0
    out_of_scope: int = 0
    caught: int = 0

    @property
    def accuracy(self) -> float:
        return self.correct / self.in_scope if self.in_scope else float("nan")

    @property
    def recall(self) -> float:
        return self.caught / self.out_of_scope if self.out_of_scope else float("nan")


@dataclass
class Result:
    config: str
    train_seconds: float
    by_threshold: dict[float, dict[str, Scores]] = field(default_factory=dict)


def load_examples(data: Path, without: set[Path]) -> tuple[list[Example], Any]:
    """Every intent example of the YAML files under `data` (or of the file `data`), and all of
    them merged."""
    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.shared.nlu.training_data.training_data import TrainingData

    examples: list[Example] = []
    parts = []
    for path in [data] if data.is_file() else sorted(data.rglob("*.yml")):
        if path.resolve() in without:
            continue
        part = load_data(str(path))
        parts.append(part)
        source = path.name if path == data else str(path.relative_to(data))
        for message in part.intent_examples:
            examples.append(Example(source, message.get("intent"), message.get("text"), message))
    return examples, TrainingData().merge(*parts)


def split(
    examples: list[Example], holdout: float, seed: int, train_only: set[str]
) -> tuple[list[Example], list[Example]]:
    """Stratified by (file, intent); each group shuffled with its own fixed seed.

    Files of `train_only` go to training whole, so that runs with and without them are
    scored on the same validation examples.
    """
    groups: dict[tuple[str, str], list[Example]] = {}
    for example in examples:
        groups.setdefault((example.source, example.intent), []).append(example)
    train: list[Example] = []
    validation: list[Example] = []
    for (source, intent), group in sorted(groups.items()):
        group = sorted(group, key=lambda example: example.text)
        random.Random(f"{seed}:{source}:{intent}").shuffle(group)
        held = min(len(group) - 1, max(1, round(len(group) * holdout))) if len(group) > 1 else 0
        if source in train_only:
            held = 0
        validation += group[:held]
        train += group[held:]
    return train, validation


def write_split(train: list[Example], validation: list[Example], merged: Any, target: Path) -> Path:
    """train/nlu.yml (with regexes, lookups, synonyms) and validation.yml; returns train/."""
    from rasa.shared.nlu.training_data.training_data import TrainingData

    train_dir = target / "train"
    train_dir.mkdir(parents=True)
    train_data = TrainingData(
        training_examples=[example.message for example in train],
        entity_synonyms=merged.entity_synonyms,
        regex_features=merged.regex_features,
        lookup_tables=merged.lookup_tables,
    )
    (train_dir / "nlu.yml").write_text(train_data.nlu_as_yaml())
    validation_data = TrainingData(training_examples=[example.message for example in validation])
    (target / "validation.yml").write_text(validation_data.nlu_as_yaml())
    return train_dir


def train(config: Path, train_dir: Path, models: Path) -> tuple[Path, float]:
    """One `rasa train nlu` in its own process; returns the model and the wall time."""
    name = config.stem
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "rasa",
            "train",
            "nlu",
            "--quiet",
            "--config",
            str(config),
            "--nlu",
            str(train_dir),
            "--domain",
            str(DOMAIN),
            "--out",
            str(models),
            "--fixed-model-name",
            name,
        ],
        check=True,
        cwd=ROOT,
    )
    return models / f"{name}.tar.gz", time.perf_counter() - started


async def predict(model: Path, validation: list[Example]) -> list[Prediction]:
    import logging

    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    logging.disable(logging.INFO)  # one debug line per parsed message otherwise
    configure_structlog(logging.WARNING)

    agent = Agent.load(str(model))
    predictions = []
    for example in validation:
        parsed = await agent.parse_message(example.text)
        ranking = tuple(
            (entry["name"], float(entry["confidence"]))
            for entry in parsed.get("intent_ranking", [])
            if entry["name"] != FALLBACK
        )
        predictions.append(
            Prediction(
                example.source,
                example.intent,
                ranking,
                spans(example.message.get("entities") or []),
                spans(parsed.get("entities", [])),
                example.text,
            )
        )
    return predictions


def print_entities(predictions: list[Prediction]) -> None:
    """Precision, recall and F1 per entity type over the validation examples (exact spans)."""
    counts: dict[str, Counter[str]] = {}
    for prediction in predictions:
        if held_out(prediction.source):  # its sentences carry no entity annotations
            continue
        for span in prediction.expected_entities | prediction.entities:
            kind = counts.setdefault(span[0], Counter())
            found, expected = span in prediction.entities, span in prediction.expected_entities
            kind["tp" if found and expected else "fp" if found else "fn"] += 1
    total: Counter[str] = Counter()
    print("  entities (exact spans): type  expected  precision  recall  F1")
    for name, kind in [*sorted(counts.items()), ("all", total)]:
        if name != "all":
            total.update(kind)
        tp, fp, fn = kind["tp"], kind["fp"], kind["fn"]
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        print(f"    {name:>14} {tp + fn:5d}   {precision:6.1%}  {recall:6.1%}  {f1:6.1%}")


def decide(prediction: Prediction, threshold: float, ambiguity: float) -> str:
    """The FallbackClassifier's rule: low top confidence or too close a second -> fallback."""
    if not prediction.ranking:
        return FALLBACK
    name, confidence = prediction.ranking[0]
    if confidence < threshold:
        return FALLBACK
    if len(prediction.ranking) > 1 and confidence - prediction.ranking[1][1] < ambiguity:
        return FALLBACK
    return name


def score(predictions: list[Prediction], threshold: float, ambiguity: float) -> dict[str, Scores]:
    """On our split's validation examples ("all"), those of clinc150.yml ("clinc"), and each
    held-out file of --validate-on ("held out: name"), which is never part of "all"."""
    scores = {"all": Scores(), "clinc": Scores()}
    for prediction in predictions:
        predicted = decide(prediction, threshold, ambiguity)
        if held_out(prediction.source):
            subsets = [scores.setdefault(prediction.source, Scores())]
        else:
            subsets = [scores["all"]]
            if prediction.source == CLINC_FILE:
                subsets.append(scores["clinc"])
        for subset in subsets:
            if prediction.intent == "out_of_scope":
                subset.out_of_scope += 1
                subset.caught += predicted in OUT_OF_SCOPE
            else:
                subset.in_scope += 1
                subset.correct += predicted == prediction.intent
    return scores


def print_errors(
    predictions: list[Prediction], threshold: float, ambiguity: float, show: bool = False
) -> None:
    """The validation examples a candidate gets wrong at `threshold`, by confusion: on all of
    the split's, on the ones held out of clinc150.yml (with `show`, each of those sentences:
    training data, so fair to read), and on each --validate-on file."""
    files = sorted({p.source for p in predictions if held_out(p.source)})
    for title, source in (
        ("", None),
        (" of clinc150.yml", CLINC_FILE),
        *((f" of {name.removeprefix(HELD_OUT)}", name) for name in files),
    ):
        confusions: Counter[tuple[str, str]] = Counter()
        wrong: set[str] = set()
        for prediction in predictions:
            in_group = prediction.source == source if source else not held_out(prediction.source)
            if not in_group:
                continue
            predicted = decide(prediction, threshold, ambiguity)
            expected = prediction.intent
            if expected == "out_of_scope" and predicted in OUT_OF_SCOPE:
                continue
            if predicted != expected:
                confusions[(expected, predicted)] += 1
                wrong.add(f"{expected} -> {predicted}: {prediction.text}")
        if source and held_out(source) and not confusions:
            continue
        print(f"  validation confusions{title} at {threshold:.2f} (expected -> predicted):")
        for (expected, predicted), count in confusions.most_common(10):
            print(f"    {expected:>20} -> {predicted:<20} {count}")
        if source == CLINC_FILE and show:
            for text in sorted(wrong):
                print(f"      {text}")


def print_result(result: Result) -> None:
    print(f"\n{result.config}  (training {result.train_seconds:.0f} s)")
    first = next(iter(result.by_threshold.values()))
    subsets = [("all", "all"), ("clinc", "clinc150.yml")]
    subsets += [(key, key) for key in first if held_out(key)]
    print(
        "  threshold | "
        + " | ".join(
            f"{title}: in-scope ({first[key].in_scope}) / oos recall ({first[key].out_of_scope})"
            for key, title in subsets
        )
    )
    for threshold, scores in result.by_threshold.items():
        print(
            f"  {threshold:9.2f} | "
            + " | ".join(
                f"{scores[key].accuracy:6.1%} / {scores[key].recall:6.1%}" for key, _ in subsets
            )
        )


def as_json(result: Result) -> dict[str, Any]:
    return {
        "config": result.config,
        "train_seconds": round(result.train_seconds, 1),
        "thresholds": {
            str(threshold): {
                subset: {
                    "in_scope_accuracy": s.accuracy,
                    "out_of_scope_recall": s.recall,
                    "in_scope": s.in_scope,
                    "out_of_scope": s.out_of_scope,
                }
                for subset, s in scores.items()
            }
            for threshold, scores in result.by_threshold.items()
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("configs", type=Path, nargs="+", help="candidate config files")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument(
        "--without", type=Path, action="append", default=[], help="a data file to skip"
    )
    parser.add_argument(
        "--train-only",
        type=Path,
        action="append",
        default=[],
        help="a data file used for training only (none of it held out)",
    )
    parser.add_argument("--holdout", type=float, default=0.2)
    parser.add_argument(
        "--seeds",
        type=int,
        nargs="+",
        default=[2026],
        help="one split per seed; each candidate is trained on each and scored on all of them",
    )
    parser.add_argument("--thresholds", type=float, nargs="+", default=list(DEFAULT_THRESHOLDS))
    parser.add_argument(
        "--ambiguity",
        type=float,
        nargs="+",
        default=[0.1],
        help="FallbackClassifier ambiguity thresholds to score (one table each)",
    )
    parser.add_argument("--errors-at", type=float, default=0.55, help="threshold for confusions")
    parser.add_argument(
        "--show-errors", action="store_true", help="print the misread clinc150.yml sentences"
    )
    parser.add_argument(
        "--validate-on",
        type=Path,
        action="append",
        default=[],
        help="a data file outside --data, scored with every split and never trained on "
        "(repeatable: each file is scored on its own)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    examples, merged = load_examples(args.data, {path.resolve() for path in args.without})
    train_only = {str(path.resolve().relative_to(args.data.resolve())) for path in args.train_only}
    held_out_examples = []
    for path in args.validate_on:
        loaded, _ = load_examples(path, set())
        held_out_examples += [replace(example, source=HELD_OUT + path.name) for example in loaded]
        print(f"{len(loaded)} examples of {path}, scored and never trained on")
    predictions: dict[Path, list[Prediction]] = {config: [] for config in args.configs}
    seconds: dict[Path, float] = dict.fromkeys(args.configs, 0.0)
    for seed in args.seeds:
        train_part, validation = split(examples, args.holdout, seed, train_only)
        print(f"seed {seed}: {len(train_part)} training and {len(validation)} validation examples")
        with tempfile.TemporaryDirectory(prefix="nlu-select-") as tmp:
            train_dir = write_split(train_part, validation, merged, Path(tmp))
            for config in args.configs:
                model, took = train(config, train_dir, Path(tmp) / "models")
                seconds[config] += took / len(args.seeds)
                predictions[config] += asyncio.run(predict(model, validation + held_out_examples))
                model.unlink()
    if len(args.seeds) > 1:
        print(f"\nfigures pooled over the {len(args.seeds)} splits (seeds {args.seeds})")
    results = []
    for config in args.configs:
        for ambiguity in args.ambiguity:
            result = Result(f"{config} (ambiguity {ambiguity:g})", seconds[config])
            for threshold in args.thresholds:
                result.by_threshold[threshold] = score(predictions[config], threshold, ambiguity)
            print_result(result)
            print_errors(predictions[config], args.errors_at, ambiguity, args.show_errors)
            results.append(result)
        print_entities(predictions[config])
    if args.json:
        args.json.write_text(json.dumps([as_json(result) for result in results], indent=2) + "\n")


if __name__ == "__main__":
    main()
