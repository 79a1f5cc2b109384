"""Beyond one GPU: the loop is ready for DistributedDataParallel under torchrun.

One GPU is what an RQ worker drives. A model too slow for one GPU trains with several processes,
one per GPU, started by `torchrun` (on one machine: `torchrun --nproc-per-node 8 ...`; on several,
add `--nnodes N --rdzv-backend c10d --rdzv-endpoint host:port`). torchrun sets RANK, WORLD_SIZE
and LOCAL_RANK; `DistContext.from_env()` reads them and `fit()` then

- joins the process group (NCCL on GPUs, Gloo on CPUs) and puts each rank on cuda:LOCAL_RANK,
- wraps the model in DistributedDataParallel (gradients all-reduced each step),
- gives each rank its own shard of every epoch's shuffled order (`ShardedSampler`, the same
  contract as torch's DistributedSampler, plus skipping already-done steps when resuming),
- averages the train loss across ranks, and evaluates, reports and checkpoints on rank 0 only
  (the other ranks wait at a barrier), so a `CheckpointStore` and the callbacks see one writer.

Learning rate and batch size are per process: the effective batch is batch_size x world size.
A checkpoint written by a DDP run holds the unwrapped model's weights, so it resumes on any number
of GPUs, or on one.
"""

import math
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import torch
import torch.distributed as dist
from torch.utils.data import Sampler

T = TypeVar("T")


@dataclass(frozen=True)
class DistContext:
    rank: int = 0
    world_size: int = 1
    local_rank: int = 0

    @classmethod
    def from_env(cls) -> "DistContext":
        """The process's place in a torchrun job (a single process when not under torchrun)."""
        return cls(
            rank=int(os.environ.get("RANK", "0")),
            world_size=int(os.environ.get("WORLD_SIZE", "1")),
            local_rank=int(os.environ.get("LOCAL_RANK", "0")),
        )

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    @property
    def enabled(self) -> bool:
        return self.world_size > 1

    def init(self, device: torch.device) -> None:
        """Join the process group once (torchrun provides MASTER_ADDR/PORT)."""
        if self.enabled and not dist.is_initialized():
            dist.init_process_group("nccl" if device.type == "cuda" else "gloo")

    def barrier(self) -> None:
        if self.enabled and dist.is_initialized():
            dist.barrier()

    def mean(self, value: float, device: torch.device) -> float:
        """The mean of a float across ranks."""
        if not (self.enabled and dist.is_initialized()):
            return value
        t = torch.tensor([value], dtype=torch.float64, device=device)
        dist.all_reduce(t, op=dist.ReduceOp.SUM)
        return float(t.item()) / self.world_size

    def share(self, value: T) -> T:
        """Rank 0's `value` on every rank (pickled through the process group); as is without DDP."""
        if not (self.enabled and dist.is_initialized()):
            return value
        box: list[Any] = [value if self.is_main else None]
        dist.broadcast_object_list(box, src=0)
        shared: T = box[0]
        return shared


class ShardedSampler(Sampler[int]):
    """Every epoch, a permutation seeded by (seed, epoch), padded to a multiple of the world size
    and dealt round-robin to the ranks. `set_epoch(epoch, skip=k)` drops this rank's first k
    samples, so a run resumed in the middle of an epoch sees exactly the samples it had left.

    With `weights` (one per example), each epoch instead draws `size` examples with replacement in
    proportion to them (balanced sampling for skewed classes), seeded the same way, so resuming
    mid-epoch still replays the same draw."""

    def __init__(
        self,
        size: int,
        rank: int = 0,
        world_size: int = 1,
        shuffle: bool = True,
        seed: int = 0,
        weights: Sequence[float] | None = None,
    ) -> None:
        if size <= 0:
            raise ValueError("cannot sample from an empty dataset")
        if weights is not None and (len(weights) != size or not sum(weights) > 0 or min(weights) < 0):
            raise ValueError(f"sampling weights: need {size} non-negative weights with a positive sum")
        self.weights = None if weights is None else torch.as_tensor(list(weights), dtype=torch.float64)
        self.size = size
        self.rank = rank
        self.world_size = world_size
        self.shuffle = shuffle
        self.seed = seed
        self.epoch = 0
        self.skip = 0

    @property
    def per_rank(self) -> int:
        return math.ceil(self.size / self.world_size)

    def set_epoch(self, epoch: int, skip: int = 0) -> None:
        self.epoch = epoch
        self.skip = max(0, skip)

    def _indices(self) -> list[int]:
        if self.weights is not None:
            g = torch.Generator()
            g.manual_seed(self.seed * 1_000_003 + self.epoch)
            order = torch.multinomial(self.weights, self.size, replacement=True, generator=g).tolist()
        elif self.shuffle:
            g = torch.Generator()
            g.manual_seed(self.seed * 1_000_003 + self.epoch)
            order = torch.randperm(self.size, generator=g).tolist()
        else:
            order = list(range(self.size))
        padded = order + order[: self.per_rank * self.world_size - self.size]
        return padded[self.rank :: self.world_size]

    def __iter__(self) -> Iterator[int]:
        return iter(self._indices()[self.skip :])

    def __len__(self) -> int:
        return max(0, self.per_rank - self.skip)
