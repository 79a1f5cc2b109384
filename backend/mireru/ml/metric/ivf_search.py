"""IVFSearch: an inverted-file index in memory, the same idea as pgvector's IVFFlat. Vectors are
clustered by spherical k-means into `lists`; a query is compared only with the vectors of its
`probes` nearest lists. Each list is scored against all the queries that probe it in one matrix
multiply, so the work is a few hundred GEMMs, not one per query."""

import math

import torch

from mireru.ml.metric.kmeans import assign, spherical_kmeans
from mireru.ml.metric.vector_search import SearchHits, VectorSearch, pad_hits


class IVFSearch(VectorSearch):
    name = "ivf"

    def __init__(
        self,
        lists: int | None = None,
        probes: int | None = None,
        iterations: int = 10,
        seed: int = 0,
        chunk: int = 65_536,
    ) -> None:
        self.lists = lists
        self.chunk = chunk
        self.probes = probes
        self.iterations = iterations
        self.seed = seed
        self._gallery: torch.Tensor | None = None
        self._centroids: torch.Tensor | None = None
        self._members: list[torch.Tensor] = []

    def build(self, gallery: torch.Tensor) -> None:
        n = gallery.shape[0]
        lists = self.lists or max(1, round(math.sqrt(n)))  # the usual sqrt(n) coarse lists
        lists = min(lists, n)
        self._gallery = gallery.float()
        self._centroids = spherical_kmeans(
            self._gallery, lists, self.iterations, self.seed, sample=max(256 * lists, 10_000)
        )
        labels = assign(self._gallery, self._centroids)
        order = torch.argsort(labels, stable=True)
        counts = torch.bincount(labels, minlength=self._centroids.shape[0]).tolist()
        self._members = [m.to(gallery.device) for m in torch.split(order, counts)]

    @property
    def n_lists(self) -> int:
        return 0 if self._centroids is None else int(self._centroids.shape[0])

    @property
    def n_probes(self) -> int:
        return min(self.n_lists, self.probes or max(1, round(math.sqrt(self.n_lists))))

    def search(self, queries: torch.Tensor, k: int) -> SearchHits:
        if self._gallery is None or self._centroids is None:
            raise RuntimeError("build() first")
        q = queries.to(device=self._gallery.device, dtype=torch.float32)
        # Query chunks bound the candidate buffers (queries x probes x k) at any data size.
        g, centroids = self._gallery, self._centroids
        parts = [
            self._chunk(q[s : s + self.chunk], k, g, centroids) for s in range(0, q.shape[0], self.chunk)
        ]
        if not parts:
            empty = torch.empty((0, k), device=q.device)
            return SearchHits(empty, empty.long())
        return SearchHits(torch.cat([h.scores for h in parts]), torch.cat([h.ids for h in parts]))

    def _chunk(self, q: torch.Tensor, k: int, g: torch.Tensor, centroids: torch.Tensor) -> SearchHits:
        device = g.device
        nq, probes = q.shape[0], self.n_probes
        probe_ids = torch.topk(q @ centroids.T, probes, dim=1).indices  # (nq, probes)
        # Candidate slots: probe p of query i fills columns [p*k, (p+1)*k).
        cand_s = torch.full((nq, probes * k), float("-inf"), device=device)
        cand_i = torch.full((nq, probes * k), -1, dtype=torch.long, device=device)
        flat = probe_ids.reshape(-1)
        order = torch.argsort(flat, stable=True)
        lists_sorted = flat[order]
        bounds = torch.searchsorted(lists_sorted, torch.arange(self.n_lists + 1, device=device)).tolist()
        cols = torch.arange(k, device=device)
        for lst, members in enumerate(self._members):
            lo, hi = bounds[lst], bounds[lst + 1]
            if lo == hi or members.numel() == 0:
                continue
            pairs = order[lo:hi]
            qi, slot = pairs // probes, pairs % probes
            kk = min(k, members.numel())
            top = torch.topk(q[qi] @ g[members].T, kk, dim=1)
            dest = slot[:, None] * k + cols[None, :kk]
            cand_s[qi[:, None], dest] = top.values
            cand_i[qi[:, None], dest] = members[top.indices]
        best = torch.topk(cand_s, min(k, probes * k), dim=1)
        return pad_hits(best.values, torch.gather(cand_i, 1, best.indices), k)

    def describe(self) -> str:
        if self._gallery is None:
            return "IVF in-memory search (not built)"
        g = self._gallery
        return (
            f"IVF in-memory search (spherical k-means, {self.n_lists} lists, {self.n_probes} probed per "
            f"query, on {g.device}) over {g.shape[0]} vectors of {g.shape[1]} dimensions"
        )
