"""DDP readiness without several GPUs: the sharded sampler's contract, rank-0-only reporting and
checkpointing, device and mixed-precision choice."""

import socket
from pathlib import Path
from typing import Any

import pytest
import torch

from mireru.ml.train.callbacks import Recorder
from mireru.ml.train.checkpoint import MemoryCheckpointStore
from mireru.ml.train.device import plan_device, resolve_device
from mireru.ml.train.distributed import DistContext, ShardedSampler
from mireru.ml.train.loop import LoopConfig, fit
from tests.ml.train.test_loop import LinearTask


def test_ranks_get_disjoint_shards_that_cover_the_epoch() -> None:
    shards = []
    for rank in range(3):
        sampler = ShardedSampler(10, rank=rank, world_size=3, seed=5)
        sampler.set_epoch(2)
        shards.append(list(sampler))
    assert all(len(s) == 4 for s in shards)  # padded to 12, dealt round-robin
    assert set().union(*map(set, shards)) == set(range(10))


def test_each_epoch_has_its_own_order_and_resuming_skips_what_was_done() -> None:
    sampler = ShardedSampler(8, seed=1)
    sampler.set_epoch(1)
    first = list(sampler)
    sampler.set_epoch(2)
    second = list(sampler)
    assert sorted(first) == sorted(second) == list(range(8))
    assert first != second
    sampler.set_epoch(1, skip=3)
    assert list(sampler) == first[3:]
    assert len(sampler) == 5


def _ddp_rank(rank: int, world_size: int, port: int, out_dir: str) -> None:
    """One process of a 2-process CPU (Gloo) DDP run, as torchrun would start it."""
    import os

    os.environ.update(
        RANK=str(rank),
        WORLD_SIZE=str(world_size),
        LOCAL_RANK=str(rank),
        MASTER_ADDR="127.0.0.1",
        MASTER_PORT=str(port),
    )
    recorder, store = Recorder(), MemoryCheckpointStore()
    result = fit(LinearTask(), LoopConfig(epochs=2, batch_size=4, lr=0.1, device="cpu"), recorder, store)
    torch.save(
        {
            "steps": len(recorder.steps),
            "epochs": len(recorder.epochs),
            "checkpoints": len(store.saved),
            "global_step": result.global_step,
            "weights": result.model.state_dict(),
        },
        Path(out_dir) / f"rank{rank}.pt",
    )
    # Both ranks leave together: a rank tearing Gloo down while its peer still talks aborts it.
    torch.distributed.barrier()
    torch.distributed.destroy_process_group()


def test_two_process_ddp_run_reports_and_checkpoints_on_rank_zero_only(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    torch.multiprocessing.spawn(_ddp_rank, args=(2, port, str(tmp_path)), nprocs=2, join=True)
    rank0, rank1 = (torch.load(tmp_path / f"rank{r}.pt", weights_only=True) for r in (0, 1))
    # 20 examples over 2 ranks: 10 each, 3 steps of 4 (the last one 2) per epoch.
    assert rank0["global_step"] == rank1["global_step"] == 6
    assert (rank0["steps"], rank0["epochs"], rank0["checkpoints"]) == (6, 2, 2)
    assert (rank1["steps"], rank1["epochs"], rank1["checkpoints"]) == (0, 0, 0)
    for name, tensor in rank0["weights"].items():
        assert torch.equal(tensor, rank1["weights"][name]), name  # gradients were all-reduced


def test_device_and_mixed_precision_choice() -> None:
    assert resolve_device("cpu") == torch.device("cpu")
    cpu = plan_device("cpu", "auto")
    assert (cpu.amp_dtype, cpu.amp_name, cpu.needs_grad_scaler) == (None, "off", False)
    assert plan_device("cpu", "on").amp_name == "bf16"
    if torch.cuda.is_available():  # pragma: no cover - on GPU workers
        gpu = plan_device("auto")
        assert gpu.device.type == "cuda"
        assert gpu.amp_name in ("bf16", "fp16")
    else:
        assert plan_device("auto").device.type in ("cpu", "mps")
        with pytest.raises(ValueError, match="no CUDA GPU"):
            resolve_device("cuda")


def test_dist_context_reads_torchrun_variables(monkeypatch: Any) -> None:
    monkeypatch.setenv("RANK", "3")
    monkeypatch.setenv("WORLD_SIZE", "4")
    monkeypatch.setenv("LOCAL_RANK", "1")
    ctx = DistContext.from_env()
    assert (ctx.rank, ctx.world_size, ctx.local_rank, ctx.is_main, ctx.enabled) == (3, 4, 1, False, True)
