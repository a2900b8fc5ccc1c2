#!/usr/bin/env bash
# Prepare a fresh Debian/Ubuntu machine: the system libraries Qt needs, a CJK font, a virtualenv
# in .venv with the program installed. `--test` also installs the test tools.
set -euo pipefail
cd "$(dirname "$0")/.."

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
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "安装系统依赖：${missing[*]}"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PY="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
if [ "${1:-}" = "--test" ]; then
  .venv/bin/python -m pip install -q -e '.[test]'
else
  .venv/bin/python -m pip install -q -e .
fi
echo "安装完成：.venv"
