"""The classification network: an image backbone (see mireru.ml.embedding_net.network for the base
model names) and a head over the classes, optionally fused with numeric measurements.

Measurements enter as one value per chosen key, NaN where an item lacks the reading. They are
standardised with the training set's mean and standard deviation, kept as buffers so they travel
in the state dict and inference applies exactly the training statistics. A missing value becomes
the mean (0 after standardising) plus a missing-indicator input, so the network can tell "average"
from "unknown". A small MLP encodes them and its output is concatenated with the image features.

With measurements the head has a hidden layer: a linear layer over [image, measurements] can only
add up their evidence, while a class defined jointly by both (a reading that is fine for one part
and a fault for another) needs the interaction.
"""

from collections.abc import Sequence

import torch
from torch import nn

# Standardised readings beyond this many standard deviations are clipped: one broken sensor value
# must not dominate the features.
Z_CLIP = 10.0


class MeasurementEncoder(nn.Module):
    """(N, K) raw readings with NaN for missing -> (N, hidden) features."""

    mean: torch.Tensor
    std: torch.Tensor

    def __init__(self, num_keys: int, hidden: int) -> None:
        super().__init__()
        self.register_buffer("mean", torch.zeros(num_keys))
        self.register_buffer("std", torch.ones(num_keys))
        self.mlp = nn.Sequential(
            nn.Linear(2 * num_keys, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU()
        )

    def set_statistics(self, mean: Sequence[float], std: Sequence[float]) -> None:
        self.mean.copy_(torch.as_tensor(list(mean), dtype=torch.float32))
        self.std.copy_(torch.as_tensor(list(std), dtype=torch.float32))

    def normalise(self, values: torch.Tensor) -> torch.Tensor:
        """Standardised readings (missing -> 0, the mean) followed by the missing indicators."""
        values = values.float()
        missing = torch.isnan(values)
        z = ((values - self.mean) / self.std).clamp(-Z_CLIP, Z_CLIP)
        z = torch.where(missing, torch.zeros_like(z), z)
        return torch.cat([z, missing.float()], dim=1)

    def forward(self, values: torch.Tensor) -> torch.Tensor:
        out: torch.Tensor = self.mlp(self.normalise(values))
        return out


class ClassifierNet(nn.Module):
    """backbone -> features [+ encoded measurements] -> class logits."""

    def __init__(
        self,
        backbone: nn.Module,
        feature_dim: int,
        num_classes: int,
        num_measurements: int = 0,
        measurement_hidden: int = 64,
        fusion_hidden: int = 128,
        dropout: float = 0.2,
    ) -> None:
        super().__init__()
        self.backbone = backbone
        self.measurements = (
            MeasurementEncoder(num_measurements, measurement_hidden) if num_measurements else None
        )
        head: list[nn.Module] = [nn.Dropout(dropout)]
        if self.measurements is not None:
            head += [
                nn.Linear(feature_dim + measurement_hidden, fusion_hidden),
                nn.ReLU(),
                nn.Dropout(dropout),
            ]
            head.append(nn.Linear(fusion_hidden, num_classes))
        else:
            head.append(nn.Linear(feature_dim, num_classes))
        self.head = nn.Sequential(*head)

    @property
    def num_measurements(self) -> int:
        return 0 if self.measurements is None else int(self.measurements.mean.numel())

    def forward(self, images: torch.Tensor, measurements: torch.Tensor | None = None) -> torch.Tensor:
        features = self.backbone(images).flatten(1).float()
        if self.measurements is not None:
            if measurements is None:
                # No readings at all: every value missing, the encoder imputes them.
                measurements = torch.full(
                    (features.shape[0], self.num_measurements), float("nan"), device=features.device
                )
            elif measurements.shape != (features.shape[0], self.num_measurements):
                raise ValueError(
                    f"measurements of shape {tuple(measurements.shape)}; expected "
                    f"({features.shape[0]}, {self.num_measurements})"
                )
            features = torch.cat([features, self.measurements(measurements)], dim=1)
        logits: torch.Tensor = self.head(features)
        return logits
