"""Choosing the device and mixed precision for a run, inside the process that trains (never in
a worker's parent process, which must not initialise CUDA before it forks)."""

from dataclasses import dataclass
from typing import Literal

import torch

AmpMode = Literal["auto", "on", "off"]


@dataclass(frozen=True)
class DevicePlan:
    device: torch.device
    amp_dtype: torch.dtype | None  # None: full fp32

    @property
    def amp_name(self) -> str:
        return {torch.bfloat16: "bf16", torch.float16: "fp16"}.get(self.amp_dtype, "off")  # type: ignore[arg-type]

    @property
    def needs_grad_scaler(self) -> bool:
        return self.amp_dtype == torch.float16


def resolve_device(name: str, local_rank: int = 0) -> torch.device:
    """'auto': a CUDA GPU when the process sees one (cuda:LOCAL_RANK under torchrun), else Apple's
    MPS, else the CPU. An explicit 'cuda' on a machine without one is an error, not a fallback."""
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda", local_rank % max(1, torch.cuda.device_count()))
        if torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    device = torch.device(name)
    if device.type == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(f"device {name!r} was asked for, but this worker has no CUDA GPU")
        if device.index is not None and device.index >= torch.cuda.device_count():
            raise ValueError(f"device {name!r}: this worker has {torch.cuda.device_count()} GPU(s)")
        if device.index is None:
            device = torch.device("cuda", local_rank % torch.cuda.device_count())
    if device.type == "mps" and not torch.backends.mps.is_available():
        raise ValueError("device 'mps' was asked for, but this worker has no MPS device")
    return device


def plan_device(name: str, amp: AmpMode = "auto", local_rank: int = 0) -> DevicePlan:
    """Mixed precision: 'auto' turns it on for CUDA (bf16 where the GPU supports it, else fp16
    with a gradient scaler) and off elsewhere; 'on' also uses bf16 autocast on the CPU."""
    device = resolve_device(name, local_rank)
    if amp == "off" or (amp == "auto" and device.type != "cuda"):
        return DevicePlan(device, None)
    if device.type == "cuda":
        dtype = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
        return DevicePlan(device, dtype)
    return DevicePlan(device, torch.bfloat16)
