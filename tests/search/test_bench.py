"""The benches run end to end on tiny inputs (their real figures come from `mireru bench ...`)."""

from pathlib import Path

from sqlalchemy import Engine

from mireru.bench.embed import EmbedBench
from mireru.bench.embed import run as run_embed
from mireru.bench.search import SearchBench
from mireru.bench.search import run as run_search
from mireru.config import Settings
from tests.ml.models import save_tiny_clip


def test_search_bench_reports_every_method(settings: Settings, engine: Engine) -> None:
    cfg = SearchBench(
        n=600, dim=16, queries=12, clusters=4, ef_search=(10, 40), probes=(1, 2), clients=(1, 2), api=False
    )
    report = run_search(settings, engine, cfg)
    methods = {row["method"] for row in report.rows}
    assert methods == {
        "in-memory torch",
        "postgres exact",
        "hnsw build",
        "hnsw (SQL)",
        "ivfflat build",
        "ivfflat (SQL)",
    }
    for row in report.rows:
        if row["method"] in ("postgres exact", "in-memory torch"):
            assert row["recall@k"] == 1.0, row
            assert row["rows/k"] == 1.0, row
        if "p50_ms" in row:
            assert row["qps"] > 0
    assert {row["filter"] for row in report.rows} >= {"none", "10%", "1%"}
    assert '"rows"' in _json(report)


def test_embed_bench_compares_end_to_end_with_the_bare_model(
    settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    model = save_tiny_clip(tmp_path / "clip")
    cfg = EmbedBench(
        model=model,
        pretrained=None,
        images=24,
        unique_images=8,
        width=80,
        height=60,
        batch_size=8,
        workers=0,
        device="cpu",
        precision="fp32",
        bare_seconds=0.2,
        rounds=1,
    )
    for db in (False, True):
        cfg.db = db
        report = run_embed(cfg, settings, engine) if db else run_embed(cfg)
        bare, _decode, e2e = report.rows
        assert bare["ratio_to_bare"] == 1.0
        assert e2e["images"] == 24
        assert e2e["img_per_s"] > 0


def _json(report: object) -> str:
    import io

    out, log = io.StringIO(), io.StringIO()
    report.emit(True, out=out, log=log)  # type: ignore[attr-defined]
    return out.getvalue()
