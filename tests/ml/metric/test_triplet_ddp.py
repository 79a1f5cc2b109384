"""Search mining under 2-process CPU (Gloo) DDP: rank 0 mines, every rank trains on the very same
triplets (each on its own shard) and the ranks end with the same weights."""

import socket
from pathlib import Path

import torch

from mireru.ml.metric.triplet_task import MiningConfig, TripletTask
from mireru.ml.train.data import Record
from mireru.ml.train.loop import LoopConfig, fit
from tests.ml.metric.test_triplet_task import CONFIG, _records


def _rank(rank: int, port: int, folder: str) -> None:
    import os

    os.environ.update(
        RANK=str(rank), WORLD_SIZE="2", LOCAL_RANK=str(rank), MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port)
    )
    records = [Record(str(Path(folder) / f"{i}.png"), i % 3) for i in range(24)]
    task = TripletTask(CONFIG, MiningConfig(), records[:18], records[18:])
    seen: list[torch.Tensor] = []
    original = task.prepare_epoch

    def spy(model, ctx):  # type: ignore[no-untyped-def]
        metrics = original(model, ctx)
        assert task._data is not None
        seen.append(task._data.triplets.clone())
        return metrics

    task.prepare_epoch = spy  # type: ignore[method-assign]
    # The last epoch's weights on both ranks (only rank 0 validates, so only it could pick a best one).
    config = LoopConfig(epochs=2, batch_size=4, lr=0.01, device="cpu", restore_best=False)
    result = fit(task, config)
    weights = {name: p.detach().clone() for name, p in result.model.named_parameters()}
    torch.save({"triplets": seen, "weights": weights}, Path(folder) / f"rank{rank}.pt")
    torch.distributed.barrier()
    torch.distributed.destroy_process_group()


def test_rank_zero_mines_and_every_rank_trains_on_its_triplets(tmp_path: Path) -> None:
    _records(tmp_path, 24)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    torch.multiprocessing.spawn(_rank, args=(port, str(tmp_path)), nprocs=2, join=True)
    rank0, rank1 = (torch.load(tmp_path / f"rank{r}.pt", weights_only=True) for r in (0, 1))
    assert len(rank0["triplets"]) == len(rank1["triplets"]) == 2  # mined before each epoch
    for mine0, mine1 in zip(rank0["triplets"], rank1["triplets"], strict=True):
        assert len(mine0) > 0
        assert torch.equal(mine0, mine1)
    for name, tensor in rank0["weights"].items():
        assert torch.equal(tensor, rank1["weights"][name]), name  # gradients were all-reduced
