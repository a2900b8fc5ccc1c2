#!/usr/bin/env bash
# Builds the program for people without Python (Linux): the one-folder bundle dist/zhenggai/
# (executables dist/zhenggai/zhenggai and dist/zhenggai/zhenggai-cli), the Debian package
# dist/zhenggai_VERSION_ARCH.deb (统信UOS, 麒麟, Debian, Ubuntu) and a portable archive
# dist/zhenggai-VERSION-linux-ARCH.tar.gz. scripts/check-bundle.sh checks all of it.
#
# Built in its own virtualenv (build/bundle-venv) from pinned versions: requirements/lock.txt when
# the project has one, packaging/constraints.txt until then. Same spec file as on Windows:
# packaging/zhenggai.spec.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
started=$(date +%s)

# The system libraries Qt needs are installed by setup.sh (PyInstaller's Qt hooks start Qt to ask
# where its files are); the builder needs objdump from binutils on top.
./scripts/setup.sh >/dev/null
if ! command -v objdump >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends binutils >/dev/null
fi

PY="${PYTHON:-python3}"
if [ "$("$PY" -c 'import sysconfig; print(sysconfig.get_config_var("Py_ENABLE_SHARED") or 0)')" != 1 ]; then
  # Debian's own python3 is linked statically; PyInstaller then needs the shared libpython.
  ver=$("$PY" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
  if ! ldconfig -p | grep -q "libpython$ver.so"; then
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "libpython$ver" >/dev/null
  fi
fi

# -- the build environment: pinned, and nothing of the test tools --------------------------------
VENV=build/bundle-venv
mkdir -p build dist
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
CONSTRAINTS=packaging/constraints.txt
if [ -f requirements/lock.txt ]; then
  # The lock's versions, without hashes (pip accepts none in a constraints file).
  sed -e 's/\\$//' -e '/^[[:space:]]*--hash/d' -e 's/[[:space:]]*--hash=[^[:space:]]*//g' \
    requirements/lock.txt >build/bundle-constraints.txt
  grep -qi '^pyinstaller==' build/bundle-constraints.txt ||
    grep -i '^pyinstaller' packaging/constraints.txt >>build/bundle-constraints.txt
  CONSTRAINTS=build/bundle-constraints.txt
fi
"$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null
# The program's own dependencies come from pyproject.toml (a new one is bundled without a change
# here); PostgreSQL's driver too, so the bundle opens a shared ledger.
"$VENV/bin/python" -m pip install -q -c "$CONSTRAINTS" -e '.[postgres]' pyinstaller || {
  echo "安装构建依赖失败：$CONSTRAINTS 中固定的版本是否符合 pyproject.toml 的版本范围？" >&2
  exit 2
}
"$VENV/bin/python" - "$CONSTRAINTS" <<'EOF'
import sys
from importlib.metadata import distributions

pins = {}
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.split("#")[0].strip()
    if "==" in line:
        name, version = line.split("==", 1)
        pins[name.strip().lower().replace("_", "-")] = version.split(";")[0].strip()
loose = sorted(
    f"{d.metadata['Name']} {d.version}"
    for d in distributions()
    if d.metadata["Name"].lower().replace("_", "-") not in pins.keys() | {"pip", "setuptools", "zhenggai"}
)
if loose:
    print("注意：以下依赖没有固定版本（请加入版本锁定文件）：" + "，".join(loose))
EOF

# -- the bundle -----------------------------------------------------------------------------------
VERSION=$("$VENV/bin/python" -c 'from tracker.version import VERSION; print(VERSION)')
rm -rf dist/zhenggai
"$VENV/bin/pyinstaller" --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/zhenggai.spec 2>&1 |
  grep -v -e 'Hidden import "\(mx\.DateTime\|lxml\.\)' -e 'required via ctypes not found' \
    -e 'Ignoring icon' -e "could not resolve 'lib\(gtk\|gdk\)-3" >&2 || true
[ -x dist/zhenggai/zhenggai ] && [ -x dist/zhenggai/zhenggai-cli ] || {
  echo "构建失败：dist/zhenggai 中没有生成可执行文件" >&2
  exit 2
}

# -- the Debian package ---------------------------------------------------------------------------
ARCH=$(dpkg --print-architecture)
PKG=build/deb/zhenggai
rm -rf build/deb
mkdir -p "$PKG/DEBIAN" "$PKG/opt" "$PKG/usr/bin" "$PKG/usr/share/applications" \
  "$PKG/usr/share/icons/hicolor/256x256/apps" "$PKG/usr/share/icons/hicolor/scalable/apps" \
  "$PKG/usr/share/doc/zhenggai"
cp -a dist/zhenggai "$PKG/opt/zhenggai"
ln -s /opt/zhenggai/zhenggai "$PKG/usr/bin/zhenggai"
ln -s /opt/zhenggai/zhenggai-cli "$PKG/usr/bin/zhenggai-cli"
cp packaging/linux/zhenggai.desktop "$PKG/usr/share/applications/zhenggai.desktop"
cp resources/icon.png "$PKG/usr/share/icons/hicolor/256x256/apps/zhenggai.png"
cp resources/icon.svg "$PKG/usr/share/icons/hicolor/scalable/apps/zhenggai.svg"
cp packaging/linux/copyright "$PKG/usr/share/doc/zhenggai/copyright"
# No maintainer scripts: dpkg's triggers refresh the menu and icon caches, and nothing may touch
# the users' ledgers, which live in their home folders (or where they chose), never in /opt.
SIZE_KB=$(du -sk --exclude=DEBIAN "$PKG" | cut -f1)
sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@SIZE_KB@/$SIZE_KB/" \
  packaging/linux/control.in >"$PKG/DEBIAN/control"
DEB="dist/zhenggai_${VERSION}_${ARCH}.deb"
rm -f dist/zhenggai_*.deb
# gzip: xz would save a quarter of the size but takes ten times as long on two cores.
dpkg-deb --root-owner-group -Zgzip --build "$PKG" "$DEB" >/dev/null

# -- the portable archive: unpacked anywhere (a USB stick), it keeps its data beside it ----------
TARBALL="dist/zhenggai-${VERSION}-linux-${ARCH}-portable.tar.gz"
rm -f dist/zhenggai-*-linux-*.tar.gz
: >build/portable
tar -czf "$TARBALL" -C dist zhenggai -C ../build portable --transform 's,^portable$,zhenggai/portable,'

echo "已生成：dist/zhenggai/（$(du -sh dist/zhenggai | cut -f1)，解压后大小），$DEB（$(du -h "$DEB" | cut -f1)），$TARBALL（$(du -h "$TARBALL" | cut -f1)）"
echo "用时 $(($(date +%s) - started)) 秒"
