# Saphan hub: the Sanic app (hub/) and the channel adapters (channels/).
# Build context: the repository root (see docker-compose.yml and .dockerignore).
#   docker build -f docker/hub.Dockerfile -t saphan/hub:local .
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HUB_HOST=0.0.0.0 \
    HUB_PORT=8000

WORKDIR /app

# Unprivileged runtime user; the code below stays root-owned (read-only for it).
RUN groupadd --system --gid 10001 saphan \
    && useradd --system --uid 10001 --gid saphan --create-home --home-dir /home/saphan saphan

# The lock first, so the dependency layer is reused until the lock changes.
COPY requirements/hub.lock requirements/hub.lock
RUN pip install --no-cache-dir -r requirements/hub.lock

COPY hub/ hub/
COPY channels/ channels/

USER saphan

EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4)"]

# Migrate the database, then replace the shell with the hub (signals go to Python).
CMD ["sh", "-c", "python -m alembic -c hub/alembic.ini upgrade head && exec python -m hub"]
