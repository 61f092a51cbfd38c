# Saphan Rasa image: used by two services in docker-compose.yml,
#   rasa    -> the Rasa Open Source 3.6.21 server (default CMD below)
#   actions -> the rasa-sdk action server (`rasa run actions --port 5055 --actions actions`)
# Build context: the repository root.
#   docker build -f docker/rasa.Dockerfile -t saphan/rasa:local .
# The model is trained here, at build time, into /app/models/saphan.tar.gz.
FROM python:3.10-slim-bookworm

# RASA_TELEMETRY_ENABLED=false applies to `rasa train` below and to every
# container started from this image. PYTHONPATH=/app makes bot/ (custom NLU
# components) and actions/ importable.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    RASA_TELEMETRY_ENABLED=false \
    PYTHONPATH=/app

WORKDIR /app

RUN groupadd --system --gid 10001 saphan \
    && useradd --system --uid 10001 --gid saphan --create-home --home-dir /home/saphan saphan

# The lock first, so the (large) dependency layer is reused until the lock changes.
# rasa.lock is fully resolved for Python 3.10; Rasa's own metadata is not
# consulted (--no-deps), exactly as for the local .venv-rasa.
COPY requirements/rasa.lock requirements/rasa.lock
RUN pip install --no-cache-dir --no-deps --ignore-requires-python -r requirements/rasa.lock

COPY config.yml domain.yml endpoints.yml credentials.yml ./
COPY data/ data/
COPY bot/ bot/
COPY actions/ actions/
# The action server shares the hub's plain-Python rules (phone numbers, references, categories).
COPY hub/__init__.py hub/__init__.py
COPY hub/domain/ hub/domain/
COPY hub/content/ hub/content/

# Project files stay root-owned; the runtime user may only write models/.
RUN mkdir -p models && chown saphan:saphan models

USER saphan

# Train as the runtime user. The training cache goes to /tmp and is removed in
# the same layer so it does not bloat the image.
RUN RASA_CACHE_DIRECTORY=/tmp/rasa-cache rasa train --fixed-model-name saphan --out models \
    && test -f models/saphan.tar.gz \
    && rm -rf /tmp/rasa-cache

EXPOSE 5005 5055

CMD ["rasa", "run", "--enable-api", "--interface", "0.0.0.0", "--port", "5005", \
     "--model", "models", "--endpoints", "endpoints.yml", "--credentials", "credentials.yml"]
