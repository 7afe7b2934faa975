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
from dataclasses import dataclass
from pathlib import Path

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
    with spawned(what, command, env, cwd=cwd, log_path=log_path) as server:
        server.wait_until_serving(base + health_path, timeout)
        yield server.process


@dataclass
class Spawned:
    what: str
    process: subprocess.Popen[bytes]
    log: Path  # its output (stdout and stderr)

    def wait_until_serving(self, url: str, timeout: float) -> None:
        """Return once `url` answers 200; raise if the process ends or `timeout` passes."""
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.what} did not start; see {self.log}")
            try:
                if httpx.get(url, timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.what} did not answer {url} within {timeout:.0f} s")
            time.sleep(0.2)


@contextmanager
def spawned(
    what: str,
    command: list[str],
    env: dict[str, str],
    *,
    cwd: str | None = None,
    log_path: str | None = None,
) -> Iterator[Spawned]:
    """Run a process until the block ends (SIGTERM, then SIGKILL after 10 s); several can be
    started before waiting for any (slow starters such as Rasa start side by side). Its output
    goes to `log_path` (appended) or a new temporary file."""
    # The server's output goes to a file: a pipe nobody reads would block it once full.
    log = (
        open(log_path, "ab")  # noqa: SIM115
        if log_path
        else tempfile.NamedTemporaryFile(prefix=f"{what.lower()}-", suffix=".log", delete=False)  # noqa: SIM115
    )
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=cwd)
    try:
        yield Spawned(what, process, Path(log.name))
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
