"""How long the README's first command (`make run`) takes to a working product (figures only).

Clones this repository's HEAD into a temporary folder and runs `make run` there twice, each
time until it prints the web chat address (all four processes answer), then stops it as
Ctrl-C would and checks it stopped:

- cold: a fresh clone, nothing installed or trained in it (the package cache of this machine
  is warm; a machine that downloads every package takes longer);
- warm: the same clone again: environments, database and model in place.

Prints both, what the cold run spent where (from its own progress lines), and the ratio.

    .venv/bin/python bench/first_command.py
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
READY = "Web chat"
LIMIT_SECONDS = 3600


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def first_command(clone: Path) -> tuple[float, list[tuple[float, str]]]:
    """Run `make run` in `clone` until ready; seconds taken and the timed progress lines."""
    ports = {name: str(free_port()) for name in ("ERP", "ACTIONS", "RASA", "GATEWAY")}
    env = {**os.environ, **{f"{name}_PORT": port for name, port in ports.items()}}
    started = time.monotonic()
    process = subprocess.Popen(
        ["make", "run"],
        cwd=clone,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group: stopped as a terminal's Ctrl-C would
    )
    assert process.stdout is not None
    progress: list[tuple[float, str]] = []
    try:
        for line in process.stdout:
            elapsed = time.monotonic() - started
            if line.startswith("==>"):
                progress.append((elapsed, line.strip()))
            if READY in line:
                break
            if elapsed > LIMIT_SECONDS:
                raise SystemExit(f"not ready within {LIMIT_SECONDS} s")
        else:
            raise SystemExit(f"make run ended without starting (exit {process.wait()})")
        ready = time.monotonic() - started
        health = httpx.get(f"http://127.0.0.1:{ports['GATEWAY']}/health", timeout=10)
        if health.status_code != 200:
            raise SystemExit(f"the gateway is not healthy: {health.status_code}")
        return ready, progress
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            raise SystemExit("make run did not stop within 60 s of SIGTERM") from None


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="first-command-") as folder:
        clone = Path(folder) / "clone"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        cold, steps = first_command(clone)
        warm, _ = first_command(clone)
    print(f"cold (fresh clone): {cold:7.1f} s")
    for (at, step), (until, _) in zip(steps, [*steps[1:], (cold, "")], strict=True):
        print(f"    {until - at:7.1f} s  {step.removeprefix('==> ')}")
    print(f"warm (same clone):  {warm:7.1f} s")
    print(f"ratio cold / warm:  {cold / warm:7.1f}")


if __name__ == "__main__":
    main()
