# The Rasa environment (requirements/rasa.lock): two targets from one file.
#   --target rasa     the Rasa server with the trained model inside the image
#   --target actions  the action server: rasa-sdk and the actions' own packages
#                     (requirements/actions.lock, the same versions as rasa.lock), no Rasa
# Build context: the repository root (docker-compose.yml sets it).
# The lock was resolved for Linux x86_64 (TensorFlow 2.12 wheels), so build for linux/amd64.

# The base image is a build argument: the official one by default, a locally built stand-in
# where no registry is reachable (deploy/check.sh --local-bases).
# No `# syntax=` line: it makes BuildKit fetch its frontend from Docker Hub; the built-in
# frontend handles `RUN --mount=type=cache`.
ARG PYTHON_IMAGE=python:3.11.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS tools
# multidict 5.2 (pinned through Rasa's aiohttp and rasa-sdk's sanic) has no wheel for Python
# 3.11: it compiles here. The compiler stays in the build stages; the runtime images get the
# built environments only.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/*
# The uv of scripts/setup.sh, from the package index.
RUN pip install --no-cache-dir "uv==0.13.9"
ENV UV_PYTHON_DOWNLOADS=never UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy

# The action server's environment: 89 MB where Rasa's is about 2.5 GB.
FROM tools AS actions-env
COPY requirements/actions.lock /tmp/actions.lock
RUN --mount=type=cache,target=/root/.cache/uv \
    uv venv --python /usr/local/bin/python3.11 /opt/actions \
    && uv pip sync --python /opt/actions/bin/python /tmp/actions.lock

FROM tools AS env
COPY requirements/rasa.lock /tmp/rasa.lock
# Exactly the lock (docs/rasa.md: `uv pip sync`, plain pip refuses rasa's <3.11 bound).
RUN --mount=type=cache,target=/root/.cache/uv \
    uv venv --python /usr/local/bin/python3.11 /opt/rasa \
    && uv pip sync --python /opt/rasa/bin/python /tmp/rasa.lock

# The model, trained in the build (5-9 minutes on 2 cores, measured) from config, domain,
# data and the pipeline's own components: the image carries what it serves, nothing mounted.
FROM env AS model
WORKDIR /build
COPY config.yml ./
COPY domain ./domain
COPY data ./data
COPY nlu_components ./nlu_components
COPY scripts/train.py ./scripts/train.py
RUN RASA_TELEMETRY_ENABLED=false SQLALCHEMY_SILENCE_UBER_WARNING=1 \
    /opt/rasa/bin/python scripts/train.py > /tmp/model-path \
    && mkdir /model && cp "$(cat /tmp/model-path)" /model/model.tar.gz

FROM ${PYTHON_IMAGE} AS base
RUN groupadd --gid 10001 app \
    && useradd --uid 10001 --gid 10001 --create-home --shell /usr/sbin/nologin app
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    MPLCONFIGDIR=/tmp/matplotlib
# The working directory is on the import path: nlu_components/ and actions/ load from it.
WORKDIR /app

FROM base AS actions
COPY --from=actions-env /opt/actions /opt/actions
ENV PATH=/opt/actions/bin:$PATH
COPY actions ./actions
# the JSON log lines and request ids the actions share with the ERP and the gateway
COPY telemetry ./telemetry
# the action server behind Rasa's token (ACTION_SERVER_TOKEN)
COPY rasa_gateway ./rasa_gateway
USER 10001:10001
EXPOSE 5055
ENV SANIC_HOST=0.0.0.0
CMD ["python", "-m", "rasa_gateway.action_server", "--port", "5055", "--actions", "actions"]

FROM base AS rasa
COPY --from=env /opt/rasa /opt/rasa
ENV PATH=/opt/rasa/bin:$PATH \
    RASA_TELEMETRY_ENABLED=false \
    SQLALCHEMY_SILENCE_UBER_WARNING=1 \
    TF_CPP_MIN_LOG_LEVEL=2
# The model names the pipeline's own components (nlu_components.*): they load at run time too.
COPY nlu_components ./nlu_components
# the gateway's signed channel (credentials.yml)
COPY rasa_gateway ./rasa_gateway
COPY credentials.yml ./credentials.yml
COPY deploy/endpoints.yml ./deploy/endpoints.yml
COPY --from=model /model/model.tar.gz ./models/model.tar.gz
USER 10001:10001
EXPOSE 5005
# No --enable-api: the gateway speaks only to the REST channel, and the HTTP API would let
# anything on the network read or rewrite any conversation or replace the model.
CMD ["rasa", "run", "--model", "models/model.tar.gz", "--endpoints", "deploy/endpoints.yml", \
     "--credentials", "credentials.yml", "--port", "5005"]
