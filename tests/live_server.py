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
    command = [*(erp_command or [sys.executable, "-m", "erp_backend"]), "serve"]
    with process_serving(
        "ERP", [*command, "--port", str(port)], env, f"http://127.0.0.1:{port}", "/api/v1/health"
    ) as base:
        yield base


@contextmanager
def process_serving(
    what: str,
    command: list[str],
    env: dict[str, str],
    base: str,
    health_path: str,
    *,
    timeout: float = 30,
    cwd: str | None = None,
) -> Iterator[str]:
    """Run a server process until the block ends, once `base + health_path` answers 200."""
    with server_process(what, command, env, base, health_path, timeout=timeout, cwd=cwd):
        yield base


@contextmanager
def server_process(
    what: str,
    command: list[str],
    env: dict[str, str],
    base: str,
    health_path: str,
    *,
    timeout: float = 30,
    cwd: str | None = None,
    log_path: str | None = None,
) -> Iterator[subprocess.Popen[bytes]]:
    """`process_serving`, yielding the process itself (for tests that kill it or read its
    log); the output goes to `log_path` (appended) or a new temporary file."""
    # The server's output goes to a file: a pipe nobody reads would block it once full.
    log = (
        open(log_path, "ab")  # noqa: SIM115
        if log_path
        else tempfile.NamedTemporaryFile(prefix=f"{what.lower()}-", suffix=".log", delete=False)  # noqa: SIM115
    )
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=cwd)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{what} did not start; see {log.name}")
            try:
                if httpx.get(base + health_path, timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{what} did not answer {health_path} within {timeout:.0f} s")
            time.sleep(0.2)
        yield process
    finally:
        print(f"{what} log: {log.name}")
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()
