"""Run `erp-backend serve` as a real process for tests that need real concurrency."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serving(
    database_url: str,
    *,
    workers_env: dict[str, str] | None = None,
    erp_command: list[str] | None = None,
) -> Iterator[str]:
    """Serve the ERP on a free port until the block ends. `erp_command` is how to run the
    `erp-backend` CLI (default: this interpreter; the Rasa environment passes .venv's)."""
    port = free_port()
    env = {**os.environ, "ERP_DATABASE_URL": database_url, **(workers_env or {})}
    # The server's output goes to a file: a pipe nobody reads would block it once full.
    log = tempfile.NamedTemporaryFile(prefix="erp-server-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen(
        [*(erp_command or [sys.executable, "-m", "erp_backend"]), "serve", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"ERP did not start; see {log.name}")
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("ERP did not answer /health within 30 s")
            time.sleep(0.1)
        yield base
    finally:
        print(f"ERP server log: {log.name}")
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
