"""The numpy MiniLM encoder: safetensors reader, erf, and the real bundled model against the
similarities sentence-transformers publishes for all-MiniLM-L6-v2."""

from __future__ import annotations

import json
import math
import struct

import numpy as np
import pytest

from closer.rubric.semantic import encoder as embed


def _write_safetensors(path, tensors: dict[str, np.ndarray]) -> None:
    header, blobs, offset = {}, [], 0
    for name, arr in tensors.items():
        raw = arr.astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(arr.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    head = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(head)) + head + b"".join(blobs))


def test_safetensors_reader_chunks_into_float16(tmp_path, monkeypatch):
    monkeypatch.setattr(embed, "_CHUNK_BYTES", 12)  # chunks cut through rows
    a = np.arange(35, dtype=np.float32).reshape(5, 7) / 4
    b = np.array([1.5, -2.25, 3.0], dtype=np.float32)
    path = tmp_path / "t.safetensors"
    _write_safetensors(path, {"a": a, "b": b})
    got = embed.read_safetensors(path)
    assert got["a"].dtype == np.float16 and got["a"].shape == (5, 7)
    np.testing.assert_array_equal(got["a"].astype(np.float32), a)
    np.testing.assert_array_equal(got["b"].astype(np.float32), b)
    assert "b" not in embed.read_safetensors(path, skip=frozenset({"b"}))
    mapped = embed.map_tensor(path, "a")
    np.testing.assert_array_equal(np.asarray(mapped), a)


def test_erf_matches_math():
    x = np.linspace(-5, 5, 1001)
    want = np.array([math.erf(v) for v in x])
    assert np.abs(embed._erf(x) - want).max() < 2e-7


@pytest.fixture(scope="module")
def encoder():
    return embed.load_encoder()  # installed by scripts/setup.sh: a missing package fails here


def test_matches_published_similarities(encoder):
    # the similarity matrix sentence-transformers' README prints for all-MiniLM-L6-v2
    v = encoder.encode(["The weather is lovely today.", "It's so sunny outside!",
                        "He drove to the stadium."])
    assert v.shape == (3, 384) and v.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    sims = v @ v.T
    assert sims[0, 1] == pytest.approx(0.6660, abs=2e-3)
    assert sims[0, 2] == pytest.approx(0.1046, abs=2e-3)
    assert sims[1, 2] == pytest.approx(0.1411, abs=2e-3)


def test_paraphrases_close_unrelated_far(encoder):
    v = encoder.encode(["What are the next steps in the process?",
                        "What is the next step in the process?",
                        "The weather is nice."])
    assert v[0] @ v[1] > 0.7
    assert v[0] @ v[2] < 0.3


def test_padding_and_batch_order_do_not_change_vectors(encoder):
    texts = ["where do we take it from here", "ok",
             "is there anything that would keep you from recommending me for the next round"]
    together = encoder.encode(texts)
    alone = np.stack([encoder.encode([t])[0] for t in texts])
    np.testing.assert_allclose(together, alone, atol=1e-5)
    assert encoder.encode([]).shape == (0, 384)


def test_mapped_and_float16_embeddings_agree(encoder):
    full = embed.load_encoder(embed.EncoderSettings(mmap_embeddings=False))
    text = ["have I made the case that I should lead the depot"]
    np.testing.assert_allclose(full.encode(text), encoder.encode(text), atol=1e-3)


def test_missing_model_is_a_model_error(tmp_path):
    with pytest.raises(embed.ModelError):
        embed.load_encoder(path=tmp_path)
