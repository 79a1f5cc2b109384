"""Backbone factories: open_clip (local checkpoint), torchvision (offline weights), head removal."""

from pathlib import Path

import pytest
import torch

from mireru.ml.backbones import (
    BackboneError,
    BackboneSpec,
    build_backbone,
    check_open_clip,
    check_torchvision,
    feature_dimension,
    offline_weight_file,
)


def test_mobilenet_v2_imagenet_weights_load_offline() -> None:
    assert offline_weight_file("mobilenet_v2-b0353104.pth") is not None
    backbone = build_backbone(BackboneSpec("torchvision", "mobilenet_v2", "IMAGENET1K_V1"))
    assert feature_dimension(backbone) == 1280
    # torchvision's own preprocessing for these weights: resize 256, crop 224, ImageNet statistics.
    assert backbone.preprocess.size == 224
    assert backbone.preprocess.resize_to == 256
    assert backbone.preprocess.mean == pytest.approx((0.485, 0.456, 0.406))
    assert not backbone.has_text
    assert not any(p.requires_grad for p in backbone.image_tower.parameters())


def test_torchvision_state_dict_file_and_image_size(tmp_path: Path) -> None:
    import torchvision

    torch.manual_seed(3)
    reference = torchvision.models.resnet18()
    path = tmp_path / "resnet18.pth"
    torch.save(reference.state_dict(), path)
    backbone = build_backbone(BackboneSpec("torchvision", "resnet18", str(path), image_size=64))
    assert feature_dimension(backbone) == 512
    assert backbone.preprocess.size == 64
    # The loaded weights are the saved ones (the head is gone, the body is the same).
    loaded = dict(backbone.image_tower.named_parameters())
    assert torch.equal(loaded["body.conv1.weight"], reference.conv1.weight)


def test_open_clip_local_dir_checkpoint(tiny_clip: str) -> None:
    backbone = build_backbone(BackboneSpec("open_clip", tiny_clip))
    assert feature_dimension(backbone) == 32
    assert backbone.has_text
    assert backbone.preprocess.size == 32
    assert backbone.preprocess.interpolation == "bilinear"


def test_open_clip_checkpoint_file_as_pretrained(tiny_clip: str, tmp_path: Path) -> None:
    """A registered config name with `pretrained` = a local checkpoint file: open_clip's strict
    load runs (the same path as a downloaded tag, minus the download)."""
    import json

    import open_clip

    from tests.ml.models import TINY_CLIP_CFG

    config = tmp_path / "mireru-test-tiny.json"
    config.write_text(json.dumps(TINY_CLIP_CFG))
    open_clip.add_model_config(config)
    checkpoint = tiny_clip.removeprefix("local-dir:") + "/open_clip_pytorch_model.bin"
    check_open_clip("mireru-test-tiny", checkpoint)
    backbone = build_backbone(BackboneSpec("open_clip", "mireru-test-tiny", checkpoint))
    reference = build_backbone(BackboneSpec("open_clip", tiny_clip))
    x = torch.rand(2, 3, 32, 32)
    with torch.inference_mode():
        assert torch.allclose(backbone.image_tower(x), reference.image_tower(x))


def test_names_and_tags_are_checked_without_downloading() -> None:
    check_open_clip("ViT-B-32", "openai")
    with pytest.raises(BackboneError, match="no model named"):
        check_open_clip("ViT-Nope", None)
    with pytest.raises(BackboneError, match="tags: "):
        check_open_clip("ViT-B-32", "not-a-tag")
    check_torchvision("mobilenet_v2", "IMAGENET1K_V1")
    with pytest.raises(BackboneError, match="no classification model"):
        check_torchvision("mobilenet_v9", None)
    with pytest.raises(BackboneError, match="weights tag"):
        check_torchvision("mobilenet_v2", "NOT_A_TAG")
