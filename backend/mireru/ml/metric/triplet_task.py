"""TripletTask: train an EmbeddingNet on triplets with a triplet margin loss, the triplets chosen
afresh at the start of every epoch, either

- "search" (the `triplet` kind): embed every training image with the network as it is now, search
  the training set with every image as the query, and keep the negatives that rank above a
  positive (`SearchTripletMiner`), or
- "random" (a baseline): uniformly drawn (anchor, positive, negative) triplets.

An epoch is as many triplets as there are training images. When mining finds more, a random
subset is used; when it finds fewer, they are repeated; when it finds none (every query ranks its
positives first, with the margin), random triplets stand in. Mining runs on rank 0 and its triplets
are broadcast, so every rank trains on the same list (each on its own shard of it).

The vectors mined from are those of the validation pass that just ended (the same images, eval
transform and weights, as no step was taken since), so a mining round usually costs one search;
without validation items, or after a resume, they are extracted afresh (`mining/extract_s`), from
pixels cached in memory once decoded (`mining/cached_pixels`, `mining/decoded_images`).

`classification_warmup_epochs` (search strategy): the first epochs train the classification baseline's loss
(softmax cross-entropy through a linear head on the embedding layer) on the images of random
triplets, and mining starts after them. Mining from an untrained network finds mostly noise: its
violations are everywhere, so the early epochs spend their steps on arbitrary triplets; a short
classification warm-up gives the search a space where the violations it finds are the informative
ones. The head is used only in those epochs and is not exported.
"""

import time
from dataclasses import dataclass
from typing import Any, Literal

import torch
import torch.nn.functional as F  # noqa: N812
from torch import nn
from torch.utils.data import Dataset

from mireru.ml.metric.exact_search import ExactSearch
from mireru.ml.metric.ivf_search import IVFSearch
from mireru.ml.metric.metric_task import MetricConfig, MetricTask, sync
from mireru.ml.metric.random_triplets import random_triplets
from mireru.ml.metric.triplet_data import TripletImages
from mireru.ml.metric.triplet_loss import TripletMarginLoss
from mireru.ml.metric.triplet_miner import SearchTripletMiner
from mireru.ml.metric.vector_search import VectorSearch
from mireru.ml.metric.warmup_classifier import WarmupClassifier
from mireru.ml.train.data import Record, train_transform
from mireru.ml.train.task import EpochContext

Triplets = tuple[torch.Tensor, torch.Tensor, torch.Tensor]
PGVECTOR_NOTE = (
    "mining searches in memory rather than through pgvector: one exact matrix multiply over all "
    "training vectors answers every query at once, where the database would run one index scan per "
    "image (and approximately)"
)


@dataclass(frozen=True)
class MiningConfig:
    strategy: Literal["search", "random"] = "search"
    engine: Literal["exact", "ivf"] = "exact"
    k: int = 50  # search results looked at per query
    max_per_query: int = 5
    semi_hard_share: float = 0.0
    margin: float = 0.2
    ivf_lists: int | None = None
    ivf_probes: int | None = None
    max_positives: int = 64
    positive: Literal["hardest", "random"] = "random"
    classification_warmup_epochs: int = 0  # epochs of classification loss before search mining starts


class TripletTask(MetricTask):
    def __init__(
        self,
        config: MetricConfig,
        mining: MiningConfig,
        train: list[Record],
        val: list[Record],
        seed: int = 0,
    ) -> None:
        super().__init__(config, train, val)
        self.mining = mining
        self.seed = seed
        self.method = "search_mined" if mining.strategy == "search" else "random"
        self.loss = TripletMarginLoss(mining.margin)
        self._data: TripletImages | None = None
        self._warming = False  # this epoch trains the classification loss (warm-up)

    def classification_warmup_epochs(self) -> int:
        return self.mining.classification_warmup_epochs if self.mining.strategy == "search" else 0

    def build_model(self) -> nn.Module:
        """With warm-up epochs, the net inside a classifier (whose head only those epochs use)."""
        if self.classification_warmup_epochs() <= 0:
            return self.build_net()
        num_classes = max(len(self.config.classes), max(r.target for r in self.train_records) + 1)
        return WarmupClassifier(self.build_net(), num_classes)

    def engine(self) -> VectorSearch:
        m = self.mining
        if m.engine == "ivf":
            return IVFSearch(m.ivf_lists, m.ivf_probes, seed=self.seed)
        return ExactSearch()

    def train_dataset(self) -> Dataset[Any]:
        transform = train_transform(self.config.image_size, self.mean, self.std)
        self._data = TripletImages(self.train_records, transform, length=len(self.train_records))
        return self._data

    def _random(self, count: int, epoch: int) -> Triplets:
        generator = torch.Generator().manual_seed(self.seed * 1_000_003 + epoch)
        return random_triplets(self.targets(self.train_records), count, generator)

    def _mine(self, model: nn.Module, ctx: EpochContext) -> tuple[Triplets, dict[str, float]]:
        n = len(self.train_records)
        started = time.perf_counter()
        got = self.train_vectors(self.net_of(model), ctx)
        vectors = got.vectors
        sync(ctx.device)
        extract_s = time.perf_counter() - started
        m = self.mining
        miner = SearchTripletMiner(
            self.engine,
            k=m.k,
            max_per_query=m.max_per_query,
            semi_hard_share=m.semi_hard_share,
            margin=m.margin,
            max_positives=m.max_positives,
            positive=m.positive,
            seed=self.seed * 1_000_003 + ctx.epoch,
        )
        mined = miner.mine(vectors, self.targets(self.train_records).to(ctx.device))
        metrics = {
            "mining/triplets": float(len(mined)),
            "mining/violation_share": mined.violation_share,
            "mining/violations": float(mined.violations),
            "mining/extract_s": extract_s,
            "mining/reused_vectors": float(got.reused),
            "mining/cached_pixels": float(got.cached_pixels),
            "mining/decoded_images": float(got.decoded),
            "mining/search_s": mined.search_s,
        }
        ctx.log(
            f"epoch {ctx.epoch} mining: {len(mined)} triplets ({mined.semi_hard} semi-hard) from "
            f"{mined.violating_queries} of {mined.queries} queries with a violation; features "
            f"{extract_s:.2f}s ({got.reused} of {n} reused from the last validation pass, "
            f"{got.cached_pixels} embedded from cached pixels, {got.decoded} decoded), search "
            f"{mined.search_s:.2f}s with {mined.engine}"
        )
        if len(mined) == 0:
            ctx.log(f"epoch {ctx.epoch}: no violations left, training on random triplets")
            return self._random(n, ctx.epoch), metrics
        triplets: Triplets = (mined.anchors, mined.positives, mined.negatives)
        if len(mined) > n:
            generator = torch.Generator().manual_seed(self.seed * 1_000_003 + ctx.epoch)
            chosen = torch.randperm(len(mined), generator=generator)[:n]
            triplets = (mined.anchors[chosen], mined.positives[chosen], mined.negatives[chosen])
        else:
            # Shuffled, so the repeats of a short list are spread over the epoch.
            generator = torch.Generator().manual_seed(self.seed * 1_000_003 + ctx.epoch)
            order = torch.randperm(len(mined), generator=generator)
            triplets = (mined.anchors[order], mined.positives[order], mined.negatives[order])
        return triplets, metrics

    def prepare_epoch(self, model: nn.Module, ctx: EpochContext) -> dict[str, float]:
        if self._data is None:
            raise RuntimeError("train_dataset() first")
        metrics: dict[str, float] = {}
        triplets: Triplets | None = None
        self._warming = ctx.epoch <= self.classification_warmup_epochs()
        self._data.with_targets = self._warming
        if ctx.is_main:
            if self.mining.strategy == "search" and not self._warming:
                triplets, metrics = self._mine(model, ctx)
            else:
                triplets = self._random(len(self.train_records), ctx.epoch)
        triplets = ctx.share(triplets)
        if triplets is None or triplets[0].numel() == 0:
            raise ValueError("no triplet can be formed: every target needs two images and another target")
        self._data.set_triplets(*triplets)
        return metrics

    def step(self, model: nn.Module, batch: Any, device: torch.device) -> tuple[torch.Tensor, int]:
        if self._warming:
            anchor, positive, negative, targets = (t.to(device, non_blocking=True) for t in batch)
            _, logits = model(torch.cat([anchor, positive, negative]))
            return F.cross_entropy(logits.float(), targets.t().reshape(-1)), int(anchor.shape[0])
        anchor, positive, negative = (t.to(device, non_blocking=True) for t in batch)
        b = anchor.shape[0]
        out = model(torch.cat([anchor, positive, negative]))
        if isinstance(out, tuple):  # a WarmupClassifier after its warm-up: the head idles at 0
            out, logits = out
            return self.loss(out[:b], out[b : 2 * b], out[2 * b :]) + 0.0 * logits.sum(), b
        return self.loss(out[:b], out[b : 2 * b], out[2 * b :]), b

    def notes(self) -> list[str]:
        m = self.mining
        lines = [f"{self.method} triplets: {self.describe_model()}, triplet margin loss (margin {m.margin})"]
        if m.strategy == "search":
            engine = "exact (matrix multiply)" if m.engine == "exact" else "IVF (k-means lists)"
            lines.append(
                f"mining every epoch: {engine} in-memory search of all {len(self.train_records)} training "
                f"images, top {m.k} per query, at most {m.max_per_query} triplets per query, semi-hard "
                f"share {m.semi_hard_share}, {m.positive} positives; {PGVECTOR_NOTE}"
            )
            if m.classification_warmup_epochs > 0:
                lines.append(
                    f"first {m.classification_warmup_epochs} epochs: classification loss warm-up, then mining"
                )
        return lines
