# The main environment (pyproject.toml + uv.lock): the ERP (`erp-backend`) and the chat
# gateway (`python -m bot`) run from this one image with different commands.
# Build context: the repository root (docker-compose.yml sets it).

# The base image is a build argument (deploy/check.sh --local-bases builds a stand-in where no
# registry is reachable). No `# syntax=` line: BuildKit would fetch its frontend from Docker Hub.
ARG PYTHON_IMAGE=python:3.11.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
# The uv of scripts/setup.sh, from the package index.
RUN pip install --no-cache-dir "uv==0.13.9"
ENV UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3.11 \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy
WORKDIR /src
# Dependencies first, exactly as locked (no dev tools): this layer is rebuilt only when the
# lock changes, not on every code change.
COPY pyproject.toml uv.lock README.md ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-install-project
# Then the project itself, installed as a wheel (not editable), so the runtime image needs
# no source tree: migrations and the web chat's static files are package data.
COPY erp_backend ./erp_backend
COPY bot ./bot
COPY telemetry ./telemetry
# the gateway signs its turns to Rasa with rasa_gateway.signing
COPY rasa_gateway ./rasa_gateway
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-editable

FROM ${PYTHON_IMAGE} AS runtime
RUN groupadd --gid 10001 app \
    && useradd --uid 10001 --gid 10001 --create-home --shell /usr/sbin/nologin app
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    MPLCONFIGDIR=/tmp/matplotlib
WORKDIR /home/app
USER 10001:10001
EXPOSE 8000 8080
CMD ["erp-backend", "serve"]
