# The worker image (docker-compose.yml service "worker"). The same image runs the CLI:
#   docker compose run --rm worker python -m starter --help
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DATA_DIR=/data

WORKDIR /app
COPY . .
# constraints.txt: the same versions as make and CI install.
# Bytecode is compiled here, as root: the app user cannot write /app, and without it the
# workflow sandbox would compile the workflow modules again for every workflow it starts.
RUN pip install -c constraints.txt . \
    && python -m compileall -q /app \
    && useradd --system --home-dir /app app \
    && mkdir -p /data \
    && chown app /data

USER app
CMD ["python", "-m", "worker"]
