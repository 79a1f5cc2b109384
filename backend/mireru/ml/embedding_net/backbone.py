"""A model version trained in Mireru as a frozen feature extractor, the `mireru` family of
BackboneSpec: built here rather than in mireru.ml.backbones, which the embedding network imports."""

from pathlib import Path

from mireru.ml.backbones import Backbone, BackboneSpec, Preprocess, build_backbone
from mireru.ml.embedding_net.inference import TrainedEmbedder


def trained_backbone(spec: BackboneSpec) -> Backbone:
    """An `embedding` model version; `spec.name` is the path of its file."""
    trained = TrainedEmbedder(Path(spec.name)).load()
    # Same input as training's eval transform: shorter side resized, centre crop, mean/std.
    pre = Preprocess(trained.image_size, mean=trained.mean, std=trained.std, interpolation="bilinear")
    backbone = Backbone("mireru", trained.net, pre)
    for module in backbone.modules():
        module.eval().requires_grad_(False)
    return backbone


def any_backbone(spec: BackboneSpec) -> Backbone:
    """Every family: open_clip and torchvision from mireru.ml.backbones, `mireru` from here."""
    return trained_backbone(spec) if spec.family == "mireru" else build_backbone(spec)
