"""The "tiny" detector: torchvision's FCOS (anchor-free, one stage) over a five-layer CNN with
one stride-8 feature map, so tests and CPU demos train in seconds. One stage matters on CPUs:
a two-stage head's RoIAlign backward dominates a small model's step time there."""

from torch import nn
from torchvision.models.detection import FCOS
from torchvision.models.detection.anchor_utils import AnchorGenerator

STRIDE = 8


class TinyBackbone(nn.Sequential):
    """Conv blocks with GroupNorm (batches of any size train the same): three stride-2 layers,
    then a plain and a dilated one to widen the receptive field without shrinking the map."""

    def __init__(self, width: int = 32) -> None:
        specs = [
            (3, width, 2, 1),
            (width, width, 2, 1),
            (width, 2 * width, 2, 1),
            (2 * width, 2 * width, 1, 1),
            (2 * width, 2 * width, 1, 2),
        ]
        layers: list[nn.Module] = []
        for cin, cout, stride, dilation in specs:
            layers += [
                nn.Conv2d(cin, cout, 3, stride=stride, padding=dilation, dilation=dilation),
                nn.GroupNorm(8, cout),
                nn.ReLU(),
            ]
        super().__init__(*layers)
        self.out_channels = 2 * width


def build_tiny(num_classes: int, **kwargs: object) -> nn.Module:
    """`num_classes` counts the background label 0 (never predicted, as for the other models).
    With one feature map every object size is assigned to it; the anchor size only scales the
    centre-sampling radius and the box-regression targets."""
    anchors = AnchorGenerator(sizes=((2 * STRIDE,),), aspect_ratios=((1.0,),))
    model: nn.Module = FCOS(TinyBackbone(), num_classes, anchor_generator=anchors, **kwargs)
    return model
