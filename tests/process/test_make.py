"""The README's two commands: `make run` installs only what the bot needs at run time,
`make test` the dev tools too; both create the virtual environment first."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.process


def planned(target: str, venv: Path) -> str:
    """What `make TARGET` would run on a machine without the virtual environment (make -n)."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    result = subprocess.run(["make", "-n", "--no-print-directory", "-C", str(ROOT), target, f"VENV={venv}"], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_make_run_installs_the_runtime_only(tmp_path: Path) -> None:
    commands = planned("run", tmp_path / "venv")
    assert f"-m venv {tmp_path / 'venv'}" in commands
    assert "-r requirements.txt" in commands and "requirements-dev.txt" not in commands
    assert commands.strip().endswith("app.py")


def test_make_test_installs_the_dev_tools_too(tmp_path: Path) -> None:
    commands = planned("test", tmp_path / "venv")
    assert f"-m venv {tmp_path / 'venv'}" in commands
    assert commands.index("-r requirements.txt") < commands.index("-r requirements-dev.txt")
    assert "-m pytest" in commands
