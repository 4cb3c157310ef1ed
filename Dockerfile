FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DATA_DIR=/data API_HOST=0.0.0.0
WORKDIR /app
# gcc and libc headers only to compile the scorer (setup.py); removed after the install.
RUN apt-get update && apt-get install -y --no-install-recommends curl gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /app tge && mkdir -p /data && chown tge /data
COPY pyproject.toml README.md setup.py ./
COPY core ./core
COPY bot ./bot
COPY web ./web
COPY tge_monitor ./tge_monitor
COPY migrations ./migrations
# [encoder]: the text-model second stage, on by default (SCORING_ENCODER=auto; README)
RUN pip install --no-cache-dir -e '.[encoder]' \
    && python -c "from core.scoring import _native; print(_native.status)" \
    && apt-get purge -y gcc libc6-dev && apt-get autoremove -y
USER tge
EXPOSE 8000
# the process answers for itself (heartbeat + its own /health); compose overrides the part
HEALTHCHECK --interval=30s --timeout=5s --retries=3 CMD tge-monitor health run || exit 1
CMD ["tge-monitor", "run"]
