"""The secrets `make run` keeps in var/ (scripts/secrets.sh): only their owner may read them.

A key in var/ is a manager's rights, the gateway's secret forges session cookies: each file
is 0600 in a 0700 folder, and one found open to others is closed at start, with a warning."""

from __future__ import annotations

import stat
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(script: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", f"set -euo pipefail; source '{ROOT}/scripts/secrets.sh'; {script}"],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_secret_is_private_and_made_once(tmp_path: Path) -> None:
    run("private_folder state; secret_file state/service.key echo erp_first", tmp_path)
    key = tmp_path / "state" / "service.key"
    assert mode(tmp_path / "state") == 0o700
    assert mode(key) == 0o600
    run("secret_file state/service.key echo erp_second", tmp_path)
    assert key.read_text() == "erp_first\n"  # kept: the ERP holds its hash
    assert not (tmp_path / "state" / "service.key.new").exists()


def test_an_open_folder_and_secret_are_closed_with_a_warning(tmp_path: Path) -> None:
    folder = tmp_path / "var"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    key = folder / "demo-manager.key"
    key.write_text("erp_old\n")
    key.chmod(0o644)
    done = run("private_folder var; secret_file var/demo-manager.key echo erp_new", tmp_path)
    assert mode(folder) == 0o700
    assert mode(key) == 0o600
    assert key.read_text() == "erp_old\n"
    assert "was readable by other users (mode 644)" in done.stderr
    assert "revoke" in done.stderr


def test_a_failing_command_leaves_no_secret(tmp_path: Path) -> None:
    failed = subprocess.run(
        ["bash", "-c", f"source '{ROOT}/scripts/secrets.sh'; secret_file k.key false"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert failed.returncode != 0
    assert not (tmp_path / "k.key").exists()
    assert not (tmp_path / "k.key.new").exists()
