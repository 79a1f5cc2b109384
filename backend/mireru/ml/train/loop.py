"""`fit()`: the training loop every model kind shares.

Epochs of shuffled batches, AdamW or SGD with a warm-up and a cosine/step/constant learning-rate
schedule, mixed precision on GPUs, gradient clipping, validation after each epoch, best-epoch
selection and early stopping on the task's monitored metric, checkpoints after each epoch (and
every N steps if asked), resume from a checkpoint (mid-epoch too), a stop request checked after
every step, and DistributedDataParallel when started by torchrun (see distributed.py).
"""

import math
import time
from dataclasses import dataclass, field
from typing import Any, Literal

import torch
from torch import nn
from torch.optim import SGD, AdamW, Optimizer
from torch.optim.lr_scheduler import LambdaLR
from torch.utils.data import DataLoader

from mireru.ml.eval.baseline import BASELINE, VAL, as_baseline, below_baseline, collapse_warning
from mireru.ml.train.callbacks import Callback, CheckpointInfo, Progress, StartInfo
from mireru.ml.train.checkpoint import CheckpointStore, State, cpu_copy
from mireru.ml.train.device import AmpMode, DevicePlan, plan_device
from mireru.ml.train.distributed import DistContext, ShardedSampler
from mireru.ml.train.task import EpochContext, EvalContext, TrainTask


@dataclass(frozen=True)
class LoopConfig:
    epochs: int = 10
    batch_size: int = 32
    lr: float = 1e-3
    weight_decay: float = 1e-4
    optimizer: Literal["adamw", "sgd"] = "adamw"
    lr_schedule: Literal["cosine", "step", "constant"] = "cosine"
    warmup_epochs: int = 0
    early_stopping_patience: int = 0  # epochs without improvement of the monitor; 0 = off
    restore_best: bool = True  # keep the best epoch's weights (when the task has a monitor)
    checkpoint_every_steps: int = 0  # 0: at the end of each epoch only
    grad_clip_norm: float | None = None
    device: str = "auto"
    amp: AmpMode = "auto"
    seed: int = 0
    num_workers: int = 0
    log_every_steps: int = 1
    measure_baseline: bool = True  # validate the untrained network before the first step


@dataclass
class FitResult:
    status: Literal["completed", "stopped"]
    reason: str | None
    epochs_completed: int
    global_step: int
    metrics: dict[str, float]
    best_epoch: int | None
    model: nn.Module
    device: str
    amp: str
    history: list[dict[str, float]] = field(default_factory=list)
    baseline: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def _schedule(config: LoopConfig, steps_per_epoch: int, total_steps: int) -> Any:
    warmup = config.warmup_epochs * steps_per_epoch

    def factor(step: int) -> float:
        if warmup and step < warmup:
            return (step + 1) / warmup
        if config.lr_schedule == "constant":
            return 1.0
        progress = min(1.0, (step - warmup) / max(1, total_steps - warmup))
        if config.lr_schedule == "step":
            return float(0.1 ** math.floor(progress * 3 - 1e-9)) if progress > 0 else 1.0
        return 0.01 + 0.99 * 0.5 * (1.0 + math.cos(math.pi * progress))

    return factor


def _optimizer(groups: list[dict[str, Any]], config: LoopConfig) -> Optimizer:
    for group in groups:
        group["lr"] = config.lr * float(group.pop("lr_scale", 1.0))
    if config.optimizer == "sgd":
        return SGD(groups, lr=config.lr, momentum=0.9, weight_decay=config.weight_decay, nesterov=True)
    return AdamW(groups, lr=config.lr, weight_decay=config.weight_decay)


def _improved(value: float, best: float | None, mode: str, strict: bool = True) -> bool:
    if best is None:
        return True
    if not strict and value == best:
        return True
    return value > best if mode == "max" else value < best


class _Loop:
    """The state of one `fit()` call; split into methods so each phase reads on its own."""

    def __init__(
        self,
        task: TrainTask,
        config: LoopConfig,
        callbacks: Callback,
        store: CheckpointStore | None,
        dist_ctx: DistContext,
        plan: DevicePlan,
    ) -> None:
        self.task = task
        self.config = config
        self.dist = dist_ctx
        self.cb = callbacks if dist_ctx.is_main else Callback()
        self.store = store if dist_ctx.is_main else None
        self.plan = plan
        self.device = plan.device

        self.model = task.build_model().to(self.device)
        self.train_ds = task.train_dataset()
        n = len(self.train_ds)  # type: ignore[arg-type]
        self.sampler = ShardedSampler(
            n,
            dist_ctx.rank,
            dist_ctx.world_size,
            shuffle=True,
            seed=config.seed,
            weights=task.sample_weights(),
        )
        per_rank, bs = self.sampler.per_rank, config.batch_size
        # A last batch of one example breaks batch norm in train mode: drop it rather than crash.
        self.drop_last = per_rank > bs and per_rank % bs == 1
        self.steps_per_epoch = per_rank // bs if self.drop_last else math.ceil(per_rank / bs)
        self.total_steps = self.steps_per_epoch * config.epochs
        self.loader: DataLoader[Any] = DataLoader(
            self.train_ds,
            batch_size=bs,
            sampler=self.sampler,
            num_workers=config.num_workers,
            drop_last=self.drop_last,
            pin_memory=self.device.type == "cuda",
            collate_fn=task.collate_fn(),
        )
        self.net: nn.Module = self.model
        if dist_ctx.enabled:
            from torch.nn.parallel import DistributedDataParallel

            ids = [self.device.index] if self.device.type == "cuda" else None
            self.net = DistributedDataParallel(self.model, device_ids=ids)
        self.optimizer = _optimizer(task.parameter_groups(self.model), config)
        self.scheduler = LambdaLR(self.optimizer, _schedule(config, self.steps_per_epoch, self.total_steps))
        self.scaler = torch.amp.GradScaler(self.device.type, enabled=plan.needs_grad_scaler)

        self.epoch = 1
        self.skip_steps = 0
        self.global_step = 0
        self.best: float | None = None
        self.best_epoch: int | None = None
        self.best_state: dict[str, torch.Tensor] | None = None
        self.bad_epochs = 0
        self.metrics: dict[str, float] = {}
        self.history: list[dict[str, float]] = []
        self.baseline: dict[str, float] = {}
        self.warnings: list[str] = []
        self.resumed_from: CheckpointInfo | None = None
        self.last_lr = config.lr

    # --- checkpoints -----------------------------------------------------------------------------

    def state(self, epoch: int, step: int) -> State:
        rng: dict[str, Any] = {"torch": torch.get_rng_state()}
        if self.device.type == "cuda":
            rng["cuda"] = torch.cuda.get_rng_state(self.device)
        return {
            "model": self.model.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "scheduler": self.scheduler.state_dict(),
            "scaler": self.scaler.state_dict(),
            "epoch": epoch,
            "step": step,
            "steps_per_epoch": self.steps_per_epoch,
            "global_step": self.global_step,
            "best": self.best,
            "best_epoch": self.best_epoch,
            "best_state": self.best_state,
            "bad_epochs": self.bad_epochs,
            "metrics": dict(self.metrics),
            "history": list(self.history),
            "baseline": dict(self.baseline),
            "rng": rng,
        }

    def save(self, epoch: int, step: int, reason: str) -> None:
        if self.store is not None:
            info = CheckpointInfo(epoch, step, self.steps_per_epoch, self.global_step, reason)
            if self.store.save(self.state(epoch, step), info):
                self.cb.on_checkpoint(info)
        self.dist.barrier()

    def resume(self, state: State) -> None:
        if int(state["steps_per_epoch"]) != self.steps_per_epoch:
            raise ValueError(
                f"the checkpoint has {state['steps_per_epoch']} steps per epoch but this run has "
                f"{self.steps_per_epoch}: the dataset or batch size changed, so it cannot resume"
            )
        self.model.load_state_dict(state["model"])
        self.optimizer.load_state_dict(state["optimizer"])
        self.scheduler.load_state_dict(state["scheduler"])
        self.scaler.load_state_dict(state["scaler"])
        self.global_step = int(state["global_step"])
        self.best = state.get("best")
        self.best_epoch = state.get("best_epoch")
        self.best_state = state.get("best_state")
        self.bad_epochs = int(state.get("bad_epochs", 0))
        self.metrics = dict(state.get("metrics", {}))
        self.history = list(state.get("history", []))
        self.baseline = dict(state.get("baseline", {}))
        rng = state.get("rng", {})
        if "torch" in rng:
            torch.set_rng_state(rng["torch"].cpu())
        if "cuda" in rng and self.device.type == "cuda":
            torch.cuda.set_rng_state(rng["cuda"].cpu(), self.device)
        epoch, step = int(state["epoch"]), int(state["step"])
        self.resumed_from = CheckpointInfo(epoch, step, self.steps_per_epoch, self.global_step, "resume")
        self.epoch, self.skip_steps = (epoch + 1, 0) if step >= self.steps_per_epoch else (epoch, step)

    # --- the loop --------------------------------------------------------------------------------

    def progress(self, epoch: int, step: int, started: float, steps_done: int, items: int) -> Progress:
        elapsed = time.monotonic() - started
        left = self.total_steps - self.global_step
        eta = elapsed / steps_done * left if steps_done else None
        return Progress(
            epoch=epoch,
            epochs=self.config.epochs,
            step=step,
            steps_per_epoch=self.steps_per_epoch,
            global_step=self.global_step,
            total_steps=self.total_steps,
            items_per_s=items / elapsed if elapsed > 0 else 0.0,
            eta_s=eta,
            elapsed_s=elapsed,
        )

    def stop_requested(self) -> str | None:
        reason = self.cb.stop_reason() if self.dist.is_main else None
        if not self.dist.enabled:
            return reason
        import torch.distributed as dist

        box: list[str | None] = [reason]
        dist.broadcast_object_list(box, src=0)
        return box[0]

    def start_epoch(self, epoch: int) -> None:
        """The task's per-epoch hook, on every rank, with the unwrapped model."""
        ctx = EpochContext(
            self.device,
            self.config.batch_size,
            self.config.num_workers,
            self.plan.amp_dtype,
            epoch=epoch,
            is_main=self.dist.is_main,
            log=lambda message: self.cb.on_log("info", message),
            share=self.dist.share,
        )
        self.task.on_epoch_start(self.model, ctx)

    def train_step(self, batch: Any) -> tuple[float, int]:
        with torch.autocast(
            self.device.type, dtype=self.plan.amp_dtype, enabled=self.plan.amp_dtype is not None
        ):
            loss, count = self.task.training_step(self.net, batch, self.device)
        self.optimizer.zero_grad(set_to_none=True)
        self.scaler.scale(loss).backward()  # type: ignore[no-untyped-call]
        if self.config.grad_clip_norm:
            self.scaler.unscale_(self.optimizer)
            nn.utils.clip_grad_norm_(self.model.parameters(), self.config.grad_clip_norm)
        self.scaler.step(self.optimizer)
        self.scaler.update()
        self.last_lr = float(self.optimizer.param_groups[-1]["lr"])  # the rate this step used
        self.scheduler.step()
        value = float(loss.detach().float().item())
        if not math.isfinite(value):
            raise FloatingPointError(
                f"the training loss is {value} at step {self.global_step + 1}; "
                "lower the learning rate or turn mixed precision off"
            )
        return value, count

    def eval_context(self) -> EvalContext:
        return EvalContext(self.device, self.config.batch_size, self.config.num_workers, self.plan.amp_dtype)

    def measure_baseline(self) -> None:
        """The untrained network's validation (rank 0), so the run shows what training gained;
        a resumed run keeps the one its first attempt measured."""
        if not (self.config.measure_baseline and self.dist.is_main and self.resumed_from is None):
            return
        self.model.eval()
        with torch.no_grad():
            self.baseline = as_baseline(self.task.evaluate_baseline(self.model, self.eval_context()))
        if self.baseline:
            self.cb.on_baseline(dict(self.baseline))
            self.warn(collapse_warning(self.task_metrics(self.baseline)), "before training: ")

    @staticmethod
    def task_metrics(baseline: dict[str, float]) -> dict[str, float]:
        return {VAL + k.removeprefix(BASELINE): v for k, v in baseline.items()}

    def warn(self, message: str | None, prefix: str = "") -> None:
        if message is not None:
            self.warnings.append(prefix + message)
            self.cb.on_log("warning", prefix + message)

    def end_of_epoch(self, epoch: int, loss_sum: float, loss_n: int) -> bool:
        """Evaluate, track the best epoch, checkpoint; returns True to stop early."""
        metrics: dict[str, float] = {
            "train/epoch_loss": self.dist.mean(loss_sum / max(1, loss_n), self.device)
        }
        if self.dist.is_main:
            self.model.eval()
            with torch.no_grad():
                metrics.update(self.task.evaluate(self.model, self.eval_context()))
            self.warn(collapse_warning(metrics), f"epoch {epoch}: ")
        self.metrics = metrics
        self.history.append({"epoch": float(epoch), **metrics})
        stop_early = False
        monitor = self.task.monitor
        if monitor is not None and monitor in metrics:
            value, mode = metrics[monitor], self.task.monitor_mode
            # A tie keeps the later (longer-trained) weights but does not reset the patience.
            self.bad_epochs = 0 if _improved(value, self.best, mode) else self.bad_epochs + 1
            if _improved(value, self.best, mode, strict=False):
                self.best, self.best_epoch = value, epoch
                if self.config.restore_best:
                    self.best_state = cpu_copy(self.model.state_dict())
            patience = self.config.early_stopping_patience
            stop_early = patience > 0 and self.bad_epochs >= patience
        return stop_early

    def run(self) -> FitResult:
        cb, config = self.cb, self.config
        cb.on_start(
            StartInfo(
                device=str(self.device),
                amp=self.plan.amp_name,
                world_size=self.dist.world_size,
                train_items=len(self.train_ds),  # type: ignore[arg-type]
                val_items=self.task.val_size(),
                steps_per_epoch=self.steps_per_epoch,
                total_steps=self.total_steps,
                resumed_from=self.resumed_from,
                notes=self.task.notes(),
            )
        )
        self.measure_baseline()
        started, steps_done, items = time.monotonic(), 0, 0
        epochs_completed = self.epoch - 1
        for epoch in range(self.epoch, config.epochs + 1):
            skip = self.skip_steps if epoch == self.epoch else 0
            self.start_epoch(epoch)
            self.sampler.set_epoch(epoch, skip * config.batch_size)
            self.net.train()
            loss_sum, loss_n, step = 0.0, 0, skip
            for batch in self.loader:
                value, count = self.train_step(batch)
                step += 1
                self.global_step += 1
                steps_done += 1
                items += count * self.dist.world_size
                loss_sum, loss_n = loss_sum + value * count, loss_n + count
                if self.dist.is_main and (
                    self.global_step % config.log_every_steps == 0 or step == self.steps_per_epoch
                ):
                    prog = self.progress(epoch, step, started, steps_done, items)
                    cb.on_step(prog, {"train/loss": value, "lr": self.last_lr})
                reason = self.stop_requested()
                if reason is not None:
                    cb.on_log("info", f"stopping at epoch {epoch} step {step}: {reason}")
                    self.save(epoch, step, "stop")
                    return self.result("stopped", reason, epochs_completed)
                every = config.checkpoint_every_steps
                if every and self.global_step % every == 0 and step < self.steps_per_epoch:
                    self.save(epoch, step, "interval")
            stop_early = self.end_of_epoch(epoch, loss_sum, loss_n)
            epochs_completed = epoch
            cb.on_epoch(self.progress(epoch, step, started, steps_done, items), dict(self.metrics))
            self.save(epoch, self.steps_per_epoch, "epoch")
            if stop_early:
                best = f"best {self.best} at epoch {self.best_epoch}"
                cb.on_log(
                    "info",
                    f"early stopping after epoch {epoch}: {self.task.monitor} has not "
                    f"improved for {self.bad_epochs} epochs ({best})",
                )
                return self.result("completed", "early stopping", epochs_completed)
        return self.result("completed", None, epochs_completed)

    def result(self, status: Literal["completed", "stopped"], reason: str | None, epochs: int) -> FitResult:
        metrics = dict(self.metrics)
        if status == "completed" and self.best_state is not None and self.best_epoch is not None:
            self.model.load_state_dict(self.best_state)
            best = next((h for h in self.history if int(h["epoch"]) == self.best_epoch), None)
            if best is not None:
                metrics = {k: v for k, v in best.items() if k != "epoch"}
            if self.best_epoch != epochs:
                self.cb.on_log(
                    "info", f"keeping the weights of epoch {self.best_epoch}, the best by {self.task.monitor}"
                )
        if status == "completed" and self.task.monitor is not None:
            self.warn(below_baseline(metrics, self.baseline, self.task.monitor, self.task.monitor_mode))
        return FitResult(
            status=status,
            reason=reason,
            epochs_completed=epochs,
            global_step=self.global_step,
            metrics=metrics,
            best_epoch=self.best_epoch,
            model=self.model,
            device=str(self.device),
            amp=self.plan.amp_name,
            history=list(self.history),
            baseline=dict(self.baseline),
            warnings=list(self.warnings),
        )


def fit(
    task: TrainTask,
    config: LoopConfig,
    callbacks: Callback | None = None,
    store: CheckpointStore | None = None,
    resume: State | None = None,
    dist_ctx: DistContext | None = None,
) -> FitResult:
    """Train `task` as `config` says. With `resume` (a state a `CheckpointStore` was given), it
    continues from that point: finished epochs and steps are not done again."""
    dist_ctx = dist_ctx or DistContext.from_env()
    plan = plan_device(config.device, config.amp, dist_ctx.local_rank)
    dist_ctx.init(plan.device)
    torch.manual_seed(config.seed + dist_ctx.rank)
    loop = _Loop(task, config, callbacks or Callback(), store, dist_ctx, plan)
    if resume is not None:
        loop.resume(resume)
    return loop.run()
