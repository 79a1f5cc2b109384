"""Detection models by name: torchvision's Faster R-CNN (MobileNetV3-Large FPN, its 320-pixel
variant, and a MobileNetV2 FPN whose ImageNet backbone is available offline), RetinaNet
(ResNet-50 FPN), SSDlite (MobileNetV3-Large) and a tiny FCOS for tests.

Models are built as torchvision builds them, but the backbone's weights are passed in (see
weights.py) instead of fetched, so building never downloads. `pretrained_backbone` decides the
architecture (frozen batch norm, SSDlite's full tail, fewer trainable layers) whether or not the
weights are loaded: inference rebuilds a trained model with the same flag and loads its own file.
Every model has `num_classes` = object classes + 1 and uses label 0 for the background.
"""

from dataclasses import dataclass
from functools import partial
from typing import Any

import torch
from torch import nn

from mireru.ml.detect.weights import DetectorError

TINY = "tiny"
BACKBONE_ARCH: dict[str, str | None] = {
    TINY: None,
    "fasterrcnn_mobilenet_v3_large_fpn": "mobilenet_v3_large",
    "fasterrcnn_mobilenet_v3_large_320_fpn": "mobilenet_v3_large",
    "fasterrcnn_mobilenet_v2_fpn": "mobilenet_v2",
    "retinanet_resnet50_fpn": "resnet50",
    "ssdlite320_mobilenet_v3_large": "mobilenet_v3_large",
}
MODELS = tuple(BACKBONE_ARCH)
# The longer image side each model is built for, unless a size is given.
DEFAULT_SIZES = {
    TINY: 160,
    "fasterrcnn_mobilenet_v3_large_fpn": 640,
    "fasterrcnn_mobilenet_v2_fpn": 512,
    "fasterrcnn_mobilenet_v3_large_320_fpn": 320,
    "retinanet_resnet50_fpn": 640,
    "ssdlite320_mobilenet_v3_large": 320,
}


@dataclass(frozen=True)
class DetectorConfig:
    model: str
    num_classes: int  # object classes (the background is added)
    image_size: int  # the longer side of the images the model sees (SSDlite: a square)
    pretrained_backbone: bool = False
    trainable_backbone_layers: int | None = None


def _trainable(config: DetectorConfig, max_value: int, pretrained_default: int) -> int:
    if not config.pretrained_backbone:
        return max_value  # as torchvision: a random backbone trains everything
    value = config.trainable_backbone_layers
    value = pretrained_default if value is None else value
    if not 0 <= value <= max_value:
        raise DetectorError(f"{config.model}: trainable_backbone_layers must be within 0..{max_value}")
    return value


def _classifier(arch: str, state: dict[str, torch.Tensor] | None, **kwargs: Any) -> nn.Module:
    import torchvision

    model: nn.Module = torchvision.models.get_model(arch, weights=None, **kwargs)
    if state is not None:
        try:
            model.load_state_dict(state)
        except RuntimeError as exc:
            raise DetectorError(f"the backbone weights do not fit torchvision's {arch}: {exc}") from exc
    return model


def _frozen_or_batch_norm(config: DetectorConfig) -> type[nn.Module]:
    from torchvision.ops import FrozenBatchNorm2d

    return FrozenBatchNorm2d if config.pretrained_backbone else nn.BatchNorm2d


def _faster_rcnn_mobilenet(
    config: DetectorConfig, state: dict[str, torch.Tensor] | None, **kwargs: Any
) -> nn.Module:
    from torchvision.models.detection import FasterRCNN
    from torchvision.models.detection.anchor_utils import AnchorGenerator
    from torchvision.models.detection.backbone_utils import _mobilenet_extractor

    arch = BACKBONE_ARCH[config.model]
    assert arch is not None
    classifier = _classifier(arch, state, norm_layer=_frozen_or_batch_norm(config))
    backbone = _mobilenet_extractor(classifier, True, _trainable(config, 6, 3))
    sizes = ((32, 64, 128, 256, 512),) * 3
    anchors = AnchorGenerator(sizes, ((0.5, 1.0, 2.0),) * len(sizes))
    if config.model.endswith("_320_fpn"):
        kwargs = {"rpn_pre_nms_top_n_test": 150, "rpn_post_nms_top_n_test": 150, **kwargs}
    model: nn.Module = FasterRCNN(backbone, config.num_classes + 1, rpn_anchor_generator=anchors, **kwargs)
    return model


def _retinanet(config: DetectorConfig, state: dict[str, torch.Tensor] | None, **kwargs: Any) -> nn.Module:
    from torchvision.models.detection import RetinaNet
    from torchvision.models.detection.backbone_utils import _resnet_fpn_extractor
    from torchvision.ops.feature_pyramid_network import LastLevelP6P7

    classifier = _classifier("resnet50", state, norm_layer=_frozen_or_batch_norm(config))
    # Without P2, as torchvision does: it would add many anchors for little gain.
    backbone = _resnet_fpn_extractor(
        classifier,
        _trainable(config, 5, 3),
        returned_layers=[2, 3, 4],
        extra_blocks=LastLevelP6P7(256, 256),
    )
    model: nn.Module = RetinaNet(backbone, config.num_classes + 1, **kwargs)
    return model


def _ssdlite(config: DetectorConfig, state: dict[str, torch.Tensor] | None, **kwargs: Any) -> nn.Module:
    from torchvision.models.detection import _utils as det_utils
    from torchvision.models.detection.anchor_utils import DefaultBoxGenerator
    from torchvision.models.detection.ssd import SSD
    from torchvision.models.detection.ssdlite import SSDLiteHead, _mobilenet_extractor, _normal_init

    norm_layer = partial(nn.BatchNorm2d, eps=0.001, momentum=0.03)
    # A random backbone gets the MobileNetV3 paper's reduced tail and SSDlite's initialisation.
    classifier = _classifier(
        "mobilenet_v3_large", state, norm_layer=norm_layer, reduced_tail=not config.pretrained_backbone
    )
    if not config.pretrained_backbone:
        _normal_init(classifier)
    backbone = _mobilenet_extractor(classifier, _trainable(config, 6, 6), norm_layer)
    size = (config.image_size, config.image_size)
    anchors = DefaultBoxGenerator([[2, 3] for _ in range(6)], min_ratio=0.2, max_ratio=0.95)
    out_channels = det_utils.retrieve_out_channels(backbone, size)
    head = SSDLiteHead(out_channels, anchors.num_anchors_per_location(), config.num_classes + 1, norm_layer)
    defaults = {"image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5], "topk_candidates": 300}
    kwargs.pop("min_size", None)
    kwargs.pop("max_size", None)
    model: nn.Module = SSD(
        backbone, anchors, size, config.num_classes + 1, head=head, **{**defaults, **kwargs}
    )
    return model


def build_detector(
    config: DetectorConfig, backbone_state: dict[str, torch.Tensor] | None = None
) -> nn.Module:
    """A fresh detector on the CPU. `backbone_state` (ImageNet weights of the backbone's
    classification model) needs `config.pretrained_backbone`."""
    if config.model not in BACKBONE_ARCH:
        raise DetectorError(f"unknown detection model {config.model!r}; known: {', '.join(MODELS)}")
    if config.num_classes < 1:
        raise DetectorError("a detector needs at least one object class")
    if backbone_state is not None and not config.pretrained_backbone:
        raise DetectorError("backbone weights given for a model built without a pretrained backbone")
    size = {"min_size": config.image_size, "max_size": config.image_size}
    if config.model == TINY:
        from mireru.ml.detect.tiny import build_tiny

        return build_tiny(config.num_classes + 1, **size)
    if config.model.startswith("fasterrcnn_"):
        return _faster_rcnn_mobilenet(config, backbone_state, **size)
    if config.model.startswith("retinanet_"):
        return _retinanet(config, backbone_state, **size)
    return _ssdlite(config, backbone_state)


def configure_postprocess(model: nn.Module, score_thresh: float, nms_thresh: float, detections: int) -> None:
    """Set the score threshold, per-class NMS IoU and detections kept per image of any of the
    models above (Faster R-CNN keeps them in its RoI heads, the one-stage models on themselves)."""
    target: Any = getattr(model, "roi_heads", model)
    target.score_thresh = score_thresh
    target.nms_thresh = nms_thresh
    target.detections_per_img = detections
