# Coprod: one image for the web process (`coprod serve --http`, the default) and the worker
# (`coprod worker`). Small (python slim, the venv only), and it runs as a user of its own.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
RUN python -m venv /opt/coprod && /opt/coprod/bin/pip install --quiet .

FROM python:3.11-slim
ENV PATH=/opt/coprod/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
RUN useradd --system --uid 10001 --home-dir /var/lib/coprod --create-home coprod
COPY --from=build /opt/coprod /opt/coprod
USER coprod
WORKDIR /var/lib/coprod
EXPOSE 3000
# /healthz says whether the database answers (and, from a worker, whether it schedules).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('COPROD_HEALTH_PORT', '3000') + '/healthz', timeout=4)"]
CMD ["coprod", "serve", "--http", "--port", "3000"]
