"""Static sentence embeddings for the offline grader.

The model is a model2vec distillation of sentence-transformers/all-MiniLM-L6-v2
(Apache-2.0; see ``data/embeddings/NOTICE.md``), built by
``tools/build_embeddings.py``: one 256-dimensional float16 vector per WordPiece
token, averaged and L2-normalised at run time (Tulkens and van Dongen,
"Model2Vec", 2024). Loading needs numpy, tokenizers and safetensors only, takes
well under 0.3 s, and happens the first time an answer is graded, never at
import or for ``--help``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt
from safetensors.numpy import load_file
from tokenizers import Tokenizer

from mockint.errors import MockintError
from mockint.resources import data_directory

Vector = npt.NDArray[np.float32]

MODEL_DIR = "embeddings"
# Most whitespace-separated chunks (token ids) and words (vectors) kept per process.
CACHE_SIZE = 200_000


class EmbeddingModelError(MockintError):
    """The packaged embedding model is missing or damaged."""


class EmbeddingModel:
    """Token-table sentence embeddings: text in, unit vectors (float32, 256 dims) out."""

    def __init__(self, tokenizer: Tokenizer, table: npt.NDArray[np.floating]) -> None:
        self._tokenizer = tokenizer
        self._table = np.asarray(table, dtype=np.float32)
        self.dimensions = int(self._table.shape[1])
        self._words: dict[str, Vector] = {}
        self._chunks: dict[str, list[int]] = {}
        self._zero = np.zeros(self.dimensions, dtype=np.float32)

    @classmethod
    def load(cls, folder: Path) -> EmbeddingModel:
        """Load ``tokenizer.json`` and ``model.safetensors`` from ``folder``.

        Raises EmbeddingModelError when a file is missing or unreadable.
        """
        try:
            tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
            table = load_file(str(folder / "model.safetensors"))["embeddings"]
        except Exception as exc:  # any unreadable file means a broken install
            raise EmbeddingModelError(
                f"The grader's embedding model in {folder} cannot be read ({type(exc).__name__}). "
                "Reinstall mockint."
            ) from None
        return cls(tokenizer, table)

    def _ids(self, text: str) -> list[int]:
        """WordPiece ids of ``text``, tokenised one whitespace-separated chunk at a time
        (cached): BERT's pre-tokeniser never joins across whitespace, so this equals
        tokenising the whole text, without the tokenizer's per-call overhead."""
        ids: list[int] = []
        for chunk in text.split():
            found = self._chunks.get(chunk)
            if found is None:
                found = list(self._tokenizer.encode(chunk, add_special_tokens=False).ids)
                if len(self._chunks) < CACHE_SIZE:
                    self._chunks[chunk] = found
            ids.extend(found)
        return ids

    def embed(self, text: str) -> Vector:
        """Unit-length mean of the token vectors of ``text`` (zeros for no tokens)."""
        ids = self._ids(text)
        if not ids:
            return self._zero
        return _unit(self._table[ids].mean(axis=0))

    def embed_many(self, texts: list[str]) -> npt.NDArray[np.float32]:
        """One unit vector per text, as rows of a (len(texts), dimensions) array."""
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for i, text in enumerate(texts):
            ids = self._ids(text)
            if ids:
                out[i] = self._table[ids].sum(axis=0)  # a sum has the mean's direction
        return unit_rows(out)

    def knows(self, word: str) -> bool:
        """Whether ``word`` (lower case) is one token of the vocabulary."""
        return self._tokenizer.token_to_id(word) is not None

    def word(self, word: str) -> Vector:
        """Unit vector of one word (cached): the mean of its WordPiece vectors."""
        vector = self._words.get(word)
        if vector is None:
            vector = self.embed(word)
            if len(self._words) < CACHE_SIZE:
                self._words[word] = vector
        return vector

    def words(self, words: list[str]) -> npt.NDArray[np.float32]:
        """Unit vectors of ``words`` as rows of a (len(words), dimensions) array."""
        if not words:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        return np.stack([self.word(w) for w in words])


def unit_rows(matrix: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """``matrix`` with each row scaled to unit length (zero rows stay zero)."""
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    out: npt.NDArray[np.float32] = np.divide(
        matrix, norms, out=np.zeros_like(matrix), where=norms > 0
    )
    return out


def _unit(vector: npt.NDArray[np.floating]) -> Vector:
    norm = float(np.linalg.norm(vector))
    return (vector / norm if norm else vector).astype(np.float32)


@cache
def default_model() -> EmbeddingModel:
    """The packaged model, loaded once per process."""
    with data_directory(MODEL_DIR) as path:
        return EmbeddingModel.load(path)
