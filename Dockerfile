# syntax=docker/dockerfile:1
# rDrive backend: `reflex run --env prod --backend-only` (HTTP API + Reflex events/WebSocket on
# :8000). The static site is exported separately (`make export`) and served by CloudFront.
# Built for linux/arm64 by `make deploy`; runs as an unprivileged user; no secrets inside:
# RDRIVE_JWT_SECRET and RDRIVE_SITE_URL arrive as environment variables at `docker run`.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
COPY requirements.txt /tmp/requirements.txt
RUN /opt/venv/bin/pip install -r /tmp/requirements.txt

FROM ${PYTHON_IMAGE} AS runtime
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin rdrive \
 && mkdir -p /app && chown rdrive:rdrive /app
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY --chown=rdrive:rdrive rxconfig.py pyproject.toml requirements.txt ./
COPY --chown=rdrive:rdrive assets ./assets
COPY --chown=rdrive:rdrive rdrive_app ./rdrive_app

# Media is processed by the Lambda (S3 -> SQS -> Lambda), not in this process.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    REFLEX_TELEMETRY_ENABLED=false \
    REFLEX_CHECK_LATEST_VERSION=false \
    RDRIVE_BACKEND=aws \
    RDRIVE_PROCESSING=events \
    RDRIVE_DATA_DIR=/tmp/rdrive

USER rdrive
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/ping', timeout=4)"]
CMD ["reflex", "run", "--env", "prod", "--backend-only", "--backend-host", "0.0.0.0", "--backend-port", "8000"]
