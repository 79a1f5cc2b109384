"""The embedder: load once, predict normalised vectors from images, bytes and text."""

import numpy as np
import pytest
import torch

from mireru.ml.backbones import BackboneSpec
from mireru.ml.data import ImageBatch, decode_image
from mireru.ml.embedder import Embedder, resolve_precision
from tests.ml.models import near_copy, photo_bytes


@pytest.fixture(scope="module")
def mobilenet() -> Embedder:
    return Embedder(BackboneSpec("torchvision", "mobilenet_v2", "IMAGENET1K_V1", image_size=96)).load()


def test_vectors_are_normalised_float32(mobilenet: Embedder) -> None:
    images = torch.stack([decode_image(photo_bytes(i), mobilenet.preprocess) for i in range(3)])
    vectors = mobilenet.predict(images)
    assert vectors.shape == (3, 1280)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    assert mobilenet.predict(images[:0]).shape == (0, 1280)


def test_pretrained_features_find_near_duplicates(mobilenet: Embedder) -> None:
    """Real ImageNet features: a rescaled, re-encoded copy is nearer than any other picture."""
    originals = np.stack([mobilenet.predict_bytes(photo_bytes(seed)) for seed in range(8)])
    for seed in range(8):
        copy = mobilenet.predict_bytes(near_copy(seed))
        assert int(np.argmax(originals @ copy)) == seed


def test_device_jpeg_decoding_matches_worker_decoding(mobilenet: Embedder) -> None:
    data = photo_bytes(11, 200, 150)
    on_cpu = mobilenet.predict_bytes(data)
    batch = ImageBatch(
        keys=[],
        images=torch.empty(0, 3, 0, 0, dtype=torch.uint8),
        encoded_keys=[7],
        encoded_bytes=torch.frombuffer(bytearray(data), dtype=torch.uint8),
        encoded_sizes=[len(data)],
    )
    keys, vectors = mobilenet.predict_batch(batch)
    assert keys == [7]
    assert float(vectors[0] @ on_cpu) > 0.98


def test_text_tower(tiny_clip: str) -> None:
    embedder = Embedder(BackboneSpec("open_clip", tiny_clip)).load()
    assert embedder.has_text
    texts = embedder.predict_text(["a cat", "a bridge"])
    assert texts.shape == (2, embedder.dimension)
    np.testing.assert_allclose(np.linalg.norm(texts, axis=1), 1.0, rtol=1e-5)
    with pytest.raises(ValueError, match="no text tower"):
        Embedder(BackboneSpec("torchvision", "mobilenet_v2", image_size=32)).load().predict_text(["x"])


def test_precision_choice() -> None:
    assert resolve_precision("auto", torch.device("cpu")) == "fp32"
    assert resolve_precision("auto", torch.device("cuda")) == "bf16"
    with pytest.raises(ValueError, match="precision"):
        resolve_precision("int3", torch.device("cpu"))


def test_bf16_on_cpu_stays_close_to_fp32(tiny_clip: str) -> None:
    images = torch.randint(0, 256, (2, 3, 32, 32), dtype=torch.uint8)
    full = Embedder(BackboneSpec("open_clip", tiny_clip)).load().predict(images)
    half = Embedder(BackboneSpec("open_clip", tiny_clip), precision="bf16").load().predict(images)
    amp = Embedder(BackboneSpec("open_clip", tiny_clip), precision="amp").load().predict(images)
    assert (full * half).sum(axis=1).min() > 0.97
    assert (full * amp).sum(axis=1).min() > 0.97
