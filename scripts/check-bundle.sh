#!/usr/bin/env bash
# Checks what scripts/build-bundle.sh built, as a user's machine would run it: no virtualenv, no
# source tree, a clean environment and a fresh home folder.
#   1. the bundle dist/zhenggai/: --version, the command line (demo, stats, export, report,
#      verify-report, import, verify), the window rendered offscreen and under a real X server,
#      Chinese text drawn with a CJK font (not empty boxes), Qt's Chinese translations loaded;
#   2. portable use from the archive (it holds a file named `portable`): every file the program
#      writes stays in `data` beside it;
#   3. the .deb: installed with apt-get, the installed program started, removed again, the user's
#      ledger still there.
# Needs root or sudo for step 3 (apt-get). Exit status 0 only if every check passed.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
started=$(date +%s)
BUNDLE="$ROOT/dist/zhenggai"
VERSION=$(sed -n 's/^VERSION = "\(.*\)"/\1/p' tracker/version.py)
DEB=$(ls "$ROOT"/dist/zhenggai_"$VERSION"_*.deb 2>/dev/null | head -1 || true)
TARBALL=$(ls "$ROOT"/dist/zhenggai-"$VERSION"-linux-*-portable.tar.gz 2>/dev/null | head -1 || true)
[ -x "$BUNDLE/zhenggai" ] && [ -n "$DEB" ] && [ -n "$TARBALL" ] || {
  echo "没有找到构建结果，请先运行 ./scripts/build-bundle.sh" >&2
  exit 2
}
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
need=()
command -v strace >/dev/null || need+=(strace)
command -v xvfb-run >/dev/null || need+=(xvfb xauth)
if [ ${#need[@]} -gt 0 ]; then
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

WORK=$(mktemp -d /tmp/zhenggai-check.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
failures=0
ok() { echo "  通过：$*"; }
fail() {
  echo "  失败：$*" >&2
  failures=$((failures + 1))
}
# A user's session: the system's PATH only (no .venv, no PYTHONPATH), a home folder of its own.
as_user() {
  local home="$1"
  shift
  env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME="$home" \
    LANG=C.UTF-8 QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}" ${EXTRA_ENV:-} "$@"
}
expect() { # expect "what" command…: the command must succeed; its output is kept in $WORK/out
  local what="$1"
  shift
  if "$@" >"$WORK/out" 2>"$WORK/err"; then ok "$what"; else
    fail "$what（退出码 $?）"
    sed 's/^/      /' "$WORK/err" | tail -5 >&2
  fi
}

echo "== 1. 程序文件夹 dist/zhenggai（不用虚拟环境）"
U="$WORK/home"
mkdir -p "$U" "$WORK/files"
cd "$WORK/files"
cli() { as_user "$U" "$BUNDLE/zhenggai-cli" "$@"; }
gui() { as_user "$U" "$BUNDLE/zhenggai" "$@"; }
expect "zhenggai --version" gui --version
grep -qx "整改台账 $VERSION" "$WORK/out" || fail "zhenggai --version 输出：$(cat "$WORK/out")"
expect "zhenggai-cli --version" cli --version
grep -qx "整改台账（命令行）$VERSION" "$WORK/out" || fail "zhenggai-cli --version 输出：$(cat "$WORK/out")"
expect "demo：示例台账" cli --db demo.db demo --problems 300
expect "stats" cli --db demo.db stats --json
grep -q '"problems": [1-9]' "$WORK/out" || fail "stats 没有报出问题数：$(cat "$WORK/out")"
expect "export：导出台账" cli --db demo.db export 台账.xlsx
expect "report：月报" cli --db demo.db report --month "$(date +%Y-%m)" 月报.xlsx
expect "verify-report：核对月报" cli --db demo.db verify-report 月报.xlsx
expect "init：新台账" cli --db 导入.db init --unit 第二党支部
expect "import：导入导出的台账" cli --db 导入.db import 台账.xlsx
expect "import：导入手工台账（.xls）" cli --db 导入.db import "$ROOT/tests/data/official_2003.xls" --year 2026
expect "stats：导入后" cli --db 导入.db stats --json
grep -q '"problems": 0,' "$WORK/out" && fail "导入后台账中没有问题"
expect "verify：示例台账" cli --db demo.db verify
expect "verify：导入的台账" cli --db 导入.db verify

# The window: rendered twice (the same picture: the render is deterministic), then once with
# fontconfig seeing no CJK font. Chinese text renders only if the normal picture differs from the
# one with empty boxes; and Qt must read its Chinese translations from inside the bundle.
expect "zhenggai --screenshot 主窗口" as_user "$U" strace -f -qq -e trace=openat -o "$WORK/trace" \
  "$BUNDLE/zhenggai" --db demo.db --screenshot "$WORK/shot.png"
expect "zhenggai --screenshot 再次" gui --db demo.db --screenshot "$WORK/again.png"
expect "zhenggai --screenshot 统计分析（QtCharts）" gui --db demo.db --screenshot "$WORK/dash.png" --view dashboard
mkdir -p "$WORK/nocjk"
{
  echo '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
  [ -d /usr/share/fonts/truetype/dejavu ] && echo '<dir>/usr/share/fonts/truetype/dejavu</dir>'
  echo "<cachedir>$WORK/nocjk/cache</cachedir></fontconfig>"
} >"$WORK/nocjk/fonts.conf"
EXTRA_ENV="FONTCONFIG_FILE=$WORK/nocjk/fonts.conf" expect "zhenggai --screenshot 无中文字体对照" \
  gui --db demo.db --screenshot "$WORK/boxes.png"
if [ -s "$WORK/shot.png" ] && cmp -s "$WORK/shot.png" "$WORK/again.png"; then
  if cmp -s "$WORK/shot.png" "$WORK/boxes.png"; then
    fail "中文显示：截图与没有中文字体时相同（汉字显示成方框）"
  else ok "中文显示：汉字用中文字体绘制（与没有中文字体时的截图不同）"; fi
else
  fail "同一台账两次截图不同，无法据此判断中文显示"
fi
if grep -q "$BUNDLE/_internal/PySide6/Qt/translations/qtbase_zh_CN.qm\", O_RDONLY|O_CLOEXEC) = [0-9]" "$WORK/trace"; then
  ok "Qt 中文翻译：从程序文件夹读入 qtbase_zh_CN.qm"
else fail "Qt 中文翻译 qtbase_zh_CN.qm 没有被读入"; fi
if grep -q "$ROOT/\(\.venv\|tracker\|ui\)/" "$WORK/trace"; then
  fail "程序读了源代码或虚拟环境中的文件：$(grep -m1 "$ROOT/\(\.venv\|tracker\|ui\)/" "$WORK/trace")"
else ok "程序不读源代码和虚拟环境"; fi
QT_QPA_PLATFORM=xcb expect "真实窗口（Xvfb，xcb）" as_user "$U" xvfb-run -a -s "-screen 0 1366x768x24" \
  "$BUNDLE/zhenggai" --db demo.db --screenshot "$WORK/xcb.png" --size 1366x768
cp "$WORK/shot.png" "$ROOT/dist/check-screenshot.png" # for a person to look at

echo "== 2. 便携使用（解压 ${TARBALL#"$ROOT"/}：程序旁边有一个名为 portable 的文件）"
STICK="$WORK/U盘"
mkdir -p "$STICK"
tar -C "$STICK" -xzf "$TARBALL"
[ -f "$STICK/zhenggai/portable" ] && ok "便携：压缩包中有 portable 文件" || fail "便携：压缩包中没有 portable 文件"
P="$WORK/home-portable"
mkdir -p "$P"
expect "便携：zhenggai-cli demo（不指定台账）" as_user "$P" "$STICK/zhenggai/zhenggai-cli" demo --problems 20
expect "便携：zhenggai 打开默认台账" as_user "$P" "$STICK/zhenggai/zhenggai" --screenshot "$WORK/portable.png"
for item in ledger.db ledger.evidence settings.ini logs/zhenggai.log; do
  [ -e "$STICK/zhenggai/data/$item" ] && ok "便携：data/$item 在程序旁边" || fail "便携：data/$item 不在程序旁边"
done
left=$(cd "$P" && find . -path '*zhenggai*' | head -3)
[ -z "$left" ] && ok "便携：用户目录中没有本程序的文件" || fail "便携：用户目录中有本程序的文件：$left"

echo "== 3. 安装包 ${DEB#"$ROOT"/}（apt-get 安装、启动、卸载）"
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$DEB" >/dev/null 2>"$WORK/err" &&
  ok "apt-get install" || {
  fail "apt-get install"
  cat "$WORK/err" >&2
}
[ "$(readlink -f "$(command -v zhenggai)")" = /opt/zhenggai/zhenggai ] && ok "zhenggai 在 PATH 中" || fail "zhenggai 不在 PATH 中"
[ -f /usr/share/applications/zhenggai.desktop ] && grep -q '^Name=整改台账' /usr/share/applications/zhenggai.desktop &&
  [ -f /usr/share/icons/hicolor/256x256/apps/zhenggai.png ] && ok "开始菜单项（中文）和图标" || fail "开始菜单项或图标"
if command -v desktop-file-validate >/dev/null; then
  expect "desktop-file-validate" desktop-file-validate /usr/share/applications/zhenggai.desktop
fi
I="$WORK/home-installed"
mkdir -p "$I"
expect "已安装：zhenggai-cli --version" as_user "$I" zhenggai-cli --version
expect "已安装：zhenggai-cli demo（默认台账）" as_user "$I" zhenggai-cli demo --problems 20
# Start the installed program as from the menu (no --screenshot) and wait for its window to
# become usable (the start-up probe), then close it.
as_user "$I" ZHENGGAI_STARTUP_PROBE="$WORK/probe" zhenggai >"$WORK/gui.log" 2>&1 &
pid=$!
for _ in $(seq 1 60); do
  [ -s "$WORK/probe" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.5
done
if [ -s "$WORK/probe" ]; then ok "已安装：zhenggai 启动，窗口可用"; else
  fail "已安装：zhenggai 没有在 30 秒内显示台账"
  tail -5 "$WORK/gui.log" >&2
fi
kill "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
LEDGER="$I/.local/share/zhenggai/ledger.db"
$sudo env DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq zhenggai >/dev/null 2>"$WORK/err" &&
  ok "apt-get purge" || fail "apt-get purge：$(cat "$WORK/err")"
[ ! -e /opt/zhenggai ] && [ ! -e /usr/bin/zhenggai ] && [ ! -e /usr/share/applications/zhenggai.desktop ] &&
  ok "卸载后程序文件已删除" || fail "卸载后还有程序文件"
[ -f "$LEDGER" ] && [ -d "${LEDGER%.db}.evidence" ] && ok "卸载后用户的台账还在" || fail "卸载后用户的台账不见了"
expect "卸载后台账仍可校验" as_user "$I" "$BUNDLE/zhenggai-cli" --db "$LEDGER" verify --quick

echo "程序文件夹 $(du -sh "$BUNDLE" | cut -f1)（解压后），安装包 $(du -h "$DEB" | cut -f1)；检查用时 $(($(date +%s) - started)) 秒"
if [ "$failures" -gt 0 ]; then
  echo "$failures 项检查未通过" >&2
  exit 1
fi
echo "全部检查通过"
