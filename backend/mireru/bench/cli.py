"""The `mireru bench ...` commands, mounted on the main CLI as `mireru bench`. Heavy modules are
imported inside each command so that `mireru` starts fast."""

import logging
from pathlib import Path
from typing import Annotated

import typer

from mireru.cli_options import DataDir, ints, settings_for, setup_logging

bench_app = typer.Typer(help="Benchmarks: a table for people, --json for machines.", no_args_is_help=True)


@bench_app.command("search")
def bench_search(
    n: Annotated[int, typer.Option(help="Vectors to index")] = 100_000,
    dim: Annotated[int, typer.Option(help="Dimension of the synthetic vectors")] = 512,
    queries: Annotated[int, typer.Option(help="Queries per measurement")] = 200,
    k: Annotated[int, typer.Option(help="Neighbours per query")] = 10,
    clusters: Annotated[int, typer.Option(help="Clusters of the synthetic data")] = 100,
    project: Annotated[int | None, typer.Option(help="Use real vectors: this project's active space")] = None,
    space: Annotated[int | None, typer.Option(help="Use real vectors: this space")] = None,
    ef_search: Annotated[str, typer.Option(help="HNSW ef_search values to sweep")] = "20,40,80,160",
    probes: Annotated[str, typer.Option(help="IVFFlat probes values to sweep")] = "1,4,10,20",
    m: Annotated[int, typer.Option(help="HNSW m")] = 16,
    ef_construction: Annotated[int, typer.Option(help="HNSW ef_construction")] = 128,
    lists: Annotated[int | None, typer.Option(help="IVFFlat lists (default rows/1000)")] = None,
    clients: Annotated[str, typer.Option(help="Concurrent clients to measure")] = "1,8",
    index: Annotated[str, typer.Option(help="Indexes to build: hnsw,ivfflat")] = "hnsw,ivfflat",
    api: Annotated[
        bool, typer.Option("--api/--no-api", help="Also time the HTTP route (uvicorn subprocess)")
    ] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Rows as JSON on stdout (table on stderr)")] = False,
    data_dir: DataDir = None,
) -> None:
    """HNSW and IVFFlat in PostgreSQL against exact search and in-memory brute force: build time,
    recall@k, p50/p99 latency and QPS for 1 and 8 clients, filtered queries (10%, 1%) included."""
    from sqlalchemy import select

    from mireru.bench.search import SearchBench, run
    from mireru.bench.seed import bench_database, read_vectors
    from mireru.db import engine_for
    from mireru.migrate import upgrade
    from mireru.models import EmbeddingSpace
    from mireru.services.stack import ServiceStack

    setup_logging()
    settings = settings_for(data_dir)
    with ServiceStack.start(settings) as stack:
        real = None
        if project is not None or space is not None:
            engine = engine_for(stack.database_url)
            upgrade(engine)
            if space is None:
                with engine.connect() as conn:
                    space = conn.scalar(
                        select(EmbeddingSpace.id).where(
                            EmbeddingSpace.project_id == project, EmbeddingSpace.is_active
                        )
                    )
                if space is None:
                    raise typer.BadParameter(f"project {project} has no active embedding space")
            real = read_vectors(engine, space, n + queries)
        cfg = SearchBench(
            n=n,
            dim=dim,
            queries=queries,
            k=k,
            clusters=clusters,
            source_space=space,
            vectors=real,
            m=m,
            ef_construction=ef_construction,
            lists=lists,
            api=api,
            ef_search=ints(ef_search),
            probes=ints(probes),
            clients=ints(clients),
            kinds=[v.strip() for v in index.split(",") if v.strip()],
        )
        with bench_database(stack.database_url) as engine:
            run(settings, engine, cfg).emit(as_json)


@bench_app.command("load")
def bench_load(
    items: Annotated[int, typer.Option(help="Items (with vectors) in the project under load")] = 100_000,
    dim: Annotated[int, typer.Option(help="Vector dimension")] = 512,
    clients: Annotated[int, typer.Option(help="Concurrent clients")] = 16,
    seconds: Annotated[float, typer.Option(help="How long the load runs")] = 30.0,
    training: Annotated[
        bool, typer.Option("--training/--no-training", help="Keep a training run active")
    ] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Rows as JSON on stdout (table on stderr)")] = False,
    data_dir: DataDir = None,
) -> None:
    """Concurrent searches, uploads, annotation writes and listings against `mireru serve` on a
    large synthetic project while a training run is active: per-route throughput, p50/p99 and
    errors. Runs in a scratch database that is dropped afterwards."""
    import tempfile

    from mireru.bench.load import LoadBench, run
    from mireru.bench.seed import bench_database
    from mireru.services.stack import ServiceStack

    setup_logging()
    settings = settings_for(data_dir)
    cfg = LoadBench(items=items, dim=dim, clients=clients, seconds=seconds, training=training)
    with (
        ServiceStack.start(settings) as stack,
        bench_database(stack.database_url) as engine,
        tempfile.TemporaryDirectory() as scratch,
    ):
        scratch_settings = settings.model_copy(update={"data_dir": Path(scratch), "admin_token": None})
        report = run(scratch_settings, engine, stack.redis_url, cfg, lambda m: typer.echo(m, err=True))
        report.emit(as_json)


@bench_app.command("embed")
def bench_embed(
    model: Annotated[
        str, typer.Option(help="open_clip name or torchvision:<name>")
    ] = "torchvision:mobilenet_v2",
    pretrained: Annotated[
        str | None, typer.Option(help="Weights tag or file ('none': random init)")
    ] = "IMAGENET1K_V1",
    images: Annotated[int, typer.Option(help="Images to embed end to end")] = 256,
    unique_images: Annotated[int, typer.Option(help="Distinct JPEGs to generate (cycled)")] = 2048,
    width: Annotated[int, typer.Option(help="Width of the generated JPEGs")] = 640,
    height: Annotated[int, typer.Option(help="Height of the generated JPEGs")] = 480,
    image_dir: Annotated[Path | None, typer.Option(help="Use these JPEGs instead of generated ones")] = None,
    image_size: Annotated[int | None, typer.Option(help="Model input size (default: the model's)")] = None,
    batch_size: Annotated[int, typer.Option(help="Images per forward")] = 32,
    workers: Annotated[
        int | None, typer.Option(help="Decode workers (default: 1 on CPU, CPUs-2 on CUDA)")
    ] = None,
    device: Annotated[str, typer.Option(help="auto, cpu, cuda, cuda:N")] = "auto",
    precision: Annotated[str, typer.Option(help="auto, fp32, bf16, fp16, amp (autocast)")] = "auto",
    gpu_decode: Annotated[bool, typer.Option(help="Decode JPEGs on the GPU (nvjpeg)")] = False,
    draft: Annotated[bool, typer.Option("--draft/--no-draft", help="Reduced-size JPEG decoding")] = True,
    db: Annotated[
        bool, typer.Option("--db/--no-db", help="Store rows in PostgreSQL (the job's sink)")
    ] = True,
    bare_seconds: Annotated[float, typer.Option(help="How long to time the bare forward")] = 5.0,
    rounds: Annotated[int, typer.Option(help="Rounds of (bare, end to end); the best of each counts")] = 2,
    as_json: Annotated[bool, typer.Option("--json", help="Rows as JSON on stdout (table on stderr)")] = False,
    data_dir: DataDir = None,
) -> None:
    """End-to-end embedding throughput (JPEG files -> decode -> model -> stored rows) as a ratio of
    the bare model forward on the same images, in one run. --no-db needs no PostgreSQL."""
    from mireru.bench.embed import EmbedBench, run

    setup_logging()
    cfg = EmbedBench(
        model=model,
        pretrained=None if pretrained in (None, "none", "") else pretrained,
        image_size=image_size,
        images=images,
        unique_images=unique_images,
        width=width,
        height=height,
        batch_size=batch_size,
        workers=workers,
        device=device,
        precision=precision,
        gpu_decode=gpu_decode,
        draft=draft,
        db=db,
        image_dir=image_dir,
        bare_seconds=bare_seconds,
        rounds=rounds,
    )
    if not db:
        run(cfg).emit(as_json)
        return
    from mireru.bench.seed import bench_database
    from mireru.services.stack import ServiceStack

    settings = settings_for(data_dir)
    with ServiceStack.start(settings) as stack, bench_database(stack.database_url) as engine:
        run(cfg, settings, engine).emit(as_json)


@bench_app.command("triplet")
def bench_triplet(
    dataset: Annotated[str, typer.Option(help="digits, skimage or project:<id>")] = "digits",
    epochs: Annotated[int, typer.Option(help="Epochs per method")] = 8,
    base_model: Annotated[str, typer.Option(help="tiny-cnn or <family>:<name>[@<weights>]")] = "tiny-cnn",
    image_size: Annotated[int, typer.Option(help="Input size in pixels")] = 32,
    batch_size: Annotated[int, typer.Option(help="Examples (triplets, pairs, images) per step")] = 64,
    lr: Annotated[float, typer.Option(help="Learning rate")] = 3e-3,
    backbone_lr_scale: Annotated[
        float, typer.Option(help="Backbone learning rate = lr * this, for every method")
    ] = 1.0,
    classification_warmup_epochs: Annotated[
        int, typer.Option(help="search_mined: classification-loss epochs before mining (<= epochs - 1)")
    ] = 0,
    embedding_dim: Annotated[int, typer.Option(help="Embedding length")] = 64,
    methods: Annotated[
        str, typer.Option(help="Methods to train")
    ] = "search_mined,classification,random,batch_hard",
    engine: Annotated[str, typer.Option(help="Mining search: exact or ivf")] = "exact",
    margin: Annotated[float, typer.Option(help="Triplet margin (cosine distance)")] = 0.2,
    max_per_query: Annotated[int, typer.Option(help="Mined triplets per query and epoch")] = 5,
    semi_hard_share: Annotated[float, typer.Option(help="Share of semi-hard mined triplets")] = 0.0,
    positive: Annotated[str, typer.Option(help="Mined triplets' positive: random or hardest")] = "random",
    mining_scale: Annotated[int, typer.Option(help="Also time mining vs training at this many images")] = 0,
    search_scale: Annotated[int, typer.Option(help="Also time the miner alone on this many vectors")] = 0,
    pgvector_scale: Annotated[
        int, typer.Option(help="Also time one mining round through pgvector at this many vectors")
    ] = 0,
    device: Annotated[str, typer.Option(help="auto, cpu, cuda, cuda:N")] = "auto",
    workers: Annotated[int, typer.Option(help="Image-decoding processes")] = 0,
    limit: Annotated[int, typer.Option(help="At most this many images per split (0: all)")] = 0,
    seed: Annotated[int, typer.Option(help="Seed of the data split, sampling and initialisation")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Rows as JSON on stdout (table on stderr)")] = False,
    data_dir: DataDir = None,
) -> None:
    """Search-mined triplets against classification, random triplets and online batch-hard mining
    with the same backbone, epochs and images: test Recall@1, mAP@R, training time, mining share."""
    from mireru.bench.triplet import TripletBench, run

    try:
        cfg = TripletBench(
            dataset=dataset,
            epochs=epochs,
            base_model=base_model,
            image_size=image_size,
            batch_size=batch_size,
            lr=lr,
            backbone_lr_scale=backbone_lr_scale,
            classification_warmup_epochs=classification_warmup_epochs,
            embedding_dim=embedding_dim,
            engine=engine,
            margin=margin,
            max_per_query=max_per_query,
            semi_hard_share=semi_hard_share,
            positive=positive,
            mining_scale=mining_scale,
            search_scale=search_scale,
            device=device,
            num_workers=workers,
            limit=limit,
            seed=seed,
            methods=tuple(m.strip() for m in methods.split(",") if m.strip()),
        )
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    if not dataset.startswith("project:") and pgvector_scale <= 0:
        run(cfg).emit_rows(as_json)
        return
    from mireru.bench.project_dataset import project_dataset
    from mireru.bench.seed import bench_database
    from mireru.bench.triplet_pgvector import pgvector_mining_notes
    from mireru.db import engine_for, session_factory, unit_of_work
    from mireru.services.stack import ServiceStack
    from mireru.storage import BlobStore

    settings = settings_for(data_dir)
    data = None
    with ServiceStack.start(settings) as stack:
        if dataset.startswith("project:"):
            with unit_of_work(session_factory(engine_for(stack.database_url))) as s:
                pid = int(dataset.removeprefix("project:"))
                data = project_dataset(s, BlobStore(settings.blob_dir), pid, seed)
        if pgvector_scale > 0:
            with bench_database(stack.database_url) as scratch:
                cfg.notes.extend(pgvector_mining_notes(scratch, pgvector_scale, embedding_dim))
    run(cfg, data).emit_rows(as_json)


@bench_app.command("classify")
def bench_classify(
    dataset: Annotated[
        str, typer.Option(help="digits-limits (label from digit and temperature together) or digits")
    ] = "digits-limits",
    base_model: Annotated[
        str, typer.Option(help="tiny-cnn or <torchvision|open_clip>:<name>[@weights]")
    ] = "tiny-cnn",
    image_size: Annotated[int, typer.Option(help="Input size in pixels (the 8x8 digits are upscaled)")] = 32,
    epochs: Annotated[int, typer.Option(help="Training epochs for each method")] = 20,
    batch_size: Annotated[int, typer.Option(help="Images per step")] = 32,
    lr: Annotated[float, typer.Option(help="Learning rate (AdamW, cosine schedule)")] = 3e-3,
    augmentation: Annotated[str, typer.Option(help="inspection, natural, light or none")] = "light",
    device: Annotated[str, typer.Option(help="cpu, cuda, cuda:N or auto")] = "cpu",
    seed: Annotated[int, typer.Option(help="Seeds the readings, the split and training")] = 0,
    limit: Annotated[int | None, typer.Option(help="Use only the first N digits (quick runs)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Rows as JSON on stdout (table on stderr)")] = False,
) -> None:
    """Image-only against image + measurements classifiers on the same split of real images
    (scikit-learn's digits with sensor readings): accuracy, macro-F1, train and inference images/s."""
    from typing import cast

    from mireru.bench.classify import ClassifyBench, run
    from mireru.bench.digits import DATASETS
    from mireru.ml.classify.augment import PRESETS, Preset

    setup_logging()
    if dataset not in DATASETS:
        raise typer.BadParameter(f"use one of {', '.join(DATASETS)}", param_hint="--dataset")
    if augmentation not in PRESETS:
        raise typer.BadParameter(f"use one of {', '.join(PRESETS)}", param_hint="--augmentation")
    cfg = ClassifyBench(
        dataset=dataset,
        base_model=base_model,
        image_size=image_size,
        epochs=epochs,
        batch_size=batch_size,
        lr=lr,
        augmentation=cast("Preset", augmentation),
        device=device,
        seed=seed,
        limit=limit,
    )
    run(cfg).emit(as_json)


@bench_app.command("detect")
def bench_detect(
    models: Annotated[
        str, typer.Option(help="Comma-separated: tiny, ssdlite320_mobilenet_v3_large, fasterrcnn_...")
    ] = "tiny,ssdlite320_mobilenet_v3_large",
    train_images: Annotated[int, typer.Option(help="Generated training scenes")] = 200,
    val_images: Annotated[int, typer.Option(help="Generated validation scenes")] = 60,
    scene_size: Annotated[int, typer.Option(help="Typical longer side of the scenes in pixels")] = 160,
    image_size: Annotated[int | None, typer.Option(help="Model input side (default: scene size)")] = None,
    epochs: Annotated[int, typer.Option(help="Training epochs for each model")] = 12,
    batch_size: Annotated[int, typer.Option(help="Images per step")] = 8,
    lr: Annotated[
        float, typer.Option(help="Learning rate (AdamW, warm-up, cosine); x0.1 with a pretrained backbone")
    ] = 2e-3,
    pretrained_backbone: Annotated[
        str, typer.Option(help="auto (ImageNet weights found on this machine), none, a tag or a file")
    ] = "auto",
    device: Annotated[str, typer.Option(help="cpu, cuda, cuda:N or auto")] = "cpu",
    amp: Annotated[str, typer.Option(help="Mixed precision: auto (bf16/fp16 on CUDA), on, off")] = "auto",
    workers: Annotated[int, typer.Option(help="Image-decoding processes while training")] = 0,
    seed: Annotated[int, typer.Option(help="Seeds the scenes and training")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Rows as JSON on stdout (table on stderr)")] = False,
) -> None:
    """Detection models trained and evaluated on the same generated scenes with exact boxes
    (real photos as backgrounds, digits as objects): mAP@0.5, mAP@[.5:.95], train and inference
    images/s."""
    from mireru.bench.detect import DetectBench, run
    from mireru.ml.detect.models import MODELS

    setup_logging()
    chosen = [m.strip() for m in models.split(",") if m.strip()]
    unknown = [m for m in chosen if m not in MODELS]
    if unknown or not chosen:
        raise typer.BadParameter(f"unknown {unknown}; use some of {', '.join(MODELS)}", param_hint="--models")
    if amp not in ("auto", "on", "off"):
        raise typer.BadParameter("use auto, on or off", param_hint="--amp")
    cfg = DetectBench(
        models=chosen,
        train_images=train_images,
        val_images=val_images,
        scene_size=scene_size,
        image_size=image_size,
        epochs=epochs,
        batch_size=batch_size,
        lr=lr,
        pretrained_backbone=pretrained_backbone,
        device=device,
        amp=amp,  # type: ignore[arg-type]
        num_workers=workers,
        seed=seed,
    )
    run(cfg).emit(as_json)


@bench_app.command("keywords")
def bench_keywords(
    epochs: Annotated[int, typer.Option(help="Training epochs for each model")] = 20,
    k: Annotated[int, typer.Option(help="k of precision/recall/F1@k (top k of the ranked words)")] = 3,
    zero_shot_k: Annotated[
        int, typer.Option(help="Nearest words per kept output searched for held-out words")
    ] = 3,
    num_outputs: Annotated[int, typer.Option(help="Output vectors of the keyword network")] = 8,
    base_model: Annotated[str, typer.Option(help="tiny-cnn or <torchvision|open_clip>:<name>")] = "tiny-cnn",
    device: Annotated[str, typer.Option(help="cpu, cuda, cuda:N or auto")] = "cpu",
    seed: Annotated[int, typer.Option(help="Seeds the split, the word vectors and training")] = 0,
    limit: Annotated[int | None, typer.Option(help="Use only this many of the 1,797 images")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Rows as JSON on stdout (table on stderr)")] = False,
) -> None:
    """Keyword suggestion on real digit scans tagged with 4-6 keywords: the word-vector network
    with greedy and with Hungarian pairing against a binary cross-entropy classifier, trained on the
    same data: precision/recall/F1@k, count error and zero-shot hits on held-out words."""
    from mireru.bench.keywords import KeywordBench, run

    setup_logging()
    logging.getLogger("gensim").setLevel(logging.WARNING)  # a line per word2vec epoch otherwise
    cfg = KeywordBench(
        epochs=epochs,
        k=k,
        zero_shot_k=zero_shot_k,
        num_outputs=num_outputs,
        base_model=base_model,
        device=device,
        seed=seed,
        limit=limit,
    )
    run(cfg, lambda m: typer.echo(m, err=True)).emit_rows(as_json)
