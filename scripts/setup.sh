#!/usr/bin/env bash
# Prepare a fresh Debian/Ubuntu machine: the system libraries Qt needs, a CJK font, a virtualenv
# in .venv with the program installed at the versions in requirements/lock.txt. `--test` also
# installs the test tools (same file). While another program holds apt's lock (an automatic
# update, Software Center), the script waits with a message instead of failing.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_LOCK_WAIT="${APT_LOCK_WAIT:-1800}" # seconds to wait for another apt/dpkg to finish
APT_LOCK_STEP="${APT_LOCK_STEP:-5}"

# Run an apt-get command; while another apt or dpkg holds the lock, wait and try again.
apt_wait() {
  local waited=0 told="" out holder
  while true; do
    if out=$("$@" 2>&1); then
      return 0
    fi
    if ! grep -qiE "could not get lock|unable to acquire|unable to lock|无法获得锁|无法锁定" <<<"$out"; then
      printf '%s\n' "$out" >&2
      return 1
    fi
    if [ "$waited" -ge "$APT_LOCK_WAIT" ]; then
      printf '%s\n' "$out" >&2
      echo "等了 $((APT_LOCK_WAIT / 60)) 分钟，apt 仍被其他程序占用。请等它结束（或重启电脑）后再运行本脚本。" >&2
      return 1
    fi
    if [ -z "$told" ]; then
      holder=$(sed -nE 's/.*held by process ([0-9]+) \(([^)]*)\).*/（进程 \1，\2）/p' <<<"$out" | head -1)
      echo "另一个程序正在使用 apt 安装或更新软件${holder}，等它结束后继续（最多等 $((APT_LOCK_WAIT / 60)) 分钟）……"
      told=1
    fi
    sleep "$APT_LOCK_STEP"
    waited=$((waited + APT_LOCK_STEP))
  done
}

# Sourced (by the tests), only the functions above are wanted.
[[ "${BASH_SOURCE[0]}" == "$0" ]] || return 0

PACKAGES=(
  python3-venv
  # Qt (offscreen and on a desktop)
  libegl1 libgl1 libx11-6 libdbus-1-3 libfontconfig1 libfreetype6 libglib2.0-0 libxkbcommon0
  libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
  libxcb-render-util0 libxcb-shape0 libxcb-xkb1
  # Chinese text renders as empty boxes without a CJK font
  fonts-wqy-microhei
)

# The tests also run the ledger on a throwaway PostgreSQL server.
if [ "${1:-}" = "--test" ]; then
  PACKAGES+=(postgresql)
fi

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for pkg in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
fi
if [ ${#missing[@]} -gt 0 ]; then
  sudo=()
  [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  echo "安装系统依赖：${missing[*]}"
  apt_wait "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  apt_wait "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

PY="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
# The exact versions the tests passed with (see README, 开发): an upgrade is a change to that file.
if [ "${1:-}" = "--test" ]; then
  .venv/bin/python -m pip install -q -c requirements/lock.txt -e '.[test]'
else
  .venv/bin/python -m pip install -q -c requirements/lock.txt -e .
fi
echo "安装完成：.venv"
