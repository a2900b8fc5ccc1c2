"""scripts/setup.sh waits while another program holds apt's lock, saying so, instead of failing."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(
    sys.platform == "win32" or shutil.which("bash") is None, reason="a bash script"
)

FAKE_APT = """#!/usr/bin/env bash
# Fails like apt-get while another apt holds the lock, LOCKED times, then succeeds.
n=$(cat "$0.count" 2>/dev/null || echo 0); echo $((n + 1)) > "$0.count"
if [ "$n" -lt "$LOCKED" ]; then
  echo "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 4242 (unattended-upgr)" >&2
  exit 100
fi
[ "$FAIL_OTHERWISE" = 1 ] && { echo "E: Unable to locate package fonts-wqy-microhei" >&2; exit 100; }
echo installed
"""


def apt_wait(tmp_path, locked: int, wait: int = 30, fail_otherwise: bool = False):
    fake = tmp_path / "apt-get"
    fake.write_text(FAKE_APT, encoding="utf-8")
    fake.chmod(0o755)
    script = f'source "{ROOT / "scripts" / "setup.sh"}"; apt_wait "{fake}" install x'
    env = {
        "PATH": "/usr/bin:/bin",
        "LOCKED": str(locked),
        "FAIL_OTHERWISE": "1" if fail_otherwise else "0",
        "APT_LOCK_WAIT": str(wait),
        "APT_LOCK_STEP": "0",
    }
    result = subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True)
    calls = int((tmp_path / "apt-get.count").read_text())
    return result, calls


def test_a_held_lock_is_waited_for_with_a_message(tmp_path):
    result, calls = apt_wait(tmp_path, locked=3)
    assert result.returncode == 0 and calls == 4
    assert (
        result.stdout.count("另一个程序正在使用 apt 安装或更新软件（进程 4242，unattended-upgr）")
        == 1
    )
    assert "等它结束后继续" in result.stdout


def test_after_the_limit_it_gives_up_in_words(tmp_path):
    result, _ = apt_wait(tmp_path, locked=1000, wait=0)
    assert result.returncode == 1
    assert "apt 仍被其他程序占用" in result.stderr


def test_other_apt_errors_are_not_waited_for(tmp_path):
    result, calls = apt_wait(tmp_path, locked=0, fail_otherwise=True)
    assert result.returncode == 1 and calls == 1
    assert "Unable to locate package" in result.stderr
