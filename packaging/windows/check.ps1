# Checks what build.ps1 built, as on a user's PC: no virtualenv, a fresh data folder. The same
# checks as scripts/check-bundle.sh on Linux, with the installer in place of the .deb:
#   1. dist\zhenggai\: the version in both executables, the command line (demo, stats, export,
#      report, verify-report, import, verify), the window rendered offscreen (main view and the
#      dashboard with QtCharts), a Chinese font present for it, Qt's Chinese translations bundled;
#   2. the portable archive: every file the program writes stays in data\ beside it;
#   3. the installer: a silent per-user install (no administrator), shortcuts, no .xlsx taken
#      over, the installed program started and its window usable, uninstalled, the ledger kept.
# NOT RUN on the project's own machines (they cannot run Windows); the GitHub Actions workflow
# .github/workflows/windows.yml runs it on a hosted Windows runner.
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$Root = Resolve-Path (Join-Path $PSScriptRoot '..\..')
Set-Location $Root
$started = Get-Date
$version = (Select-String -Path 'tracker\version.py' -Pattern '^VERSION = "(.*)"').Matches[0].Groups[1].Value
$bundle = Join-Path $Root 'dist\zhenggai'
$setup = Join-Path $Root "dist\zhenggai-$version-windows-x64-setup.exe"
$zip = Join-Path $Root "dist\zhenggai-$version-windows-x64-portable.zip"
foreach ($path in "$bundle\zhenggai.exe", $setup, $zip) {
    if (-not (Test-Path $path)) { throw "没有找到 $path，请先运行 packaging\windows\build.ps1" }
}
$work = Join-Path ([IO.Path]::GetTempPath()) ("zhenggai-check-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
New-Item -ItemType Directory -Force "$work\files" | Out-Null
$script:failures = 0
function Pass([string]$what) { Write-Host "  通过：$what" }
function Fail([string]$what) { Write-Host "  失败：$what"; $script:failures++ }
function Check([string]$what, [bool]$ok) { if ($ok) { Pass $what } else { Fail $what } }

# No virtualenv and no source tree on the way: the program finds nothing but what it carries.
foreach ($name in 'VIRTUAL_ENV', 'PYTHONPATH', 'PYTHONHOME') { Remove-Item "Env:$name" -ErrorAction SilentlyContinue }
$env:QT_QPA_PLATFORM = 'offscreen'
$env:ZHENGGAI_DATA_DIR = "$work\data"

# The bundle prints UTF-8 (Python's UTF-8 mode, packaging/zhenggai.spec): read it as such.
[Console]::OutputEncoding = [Text.Encoding]::UTF8
$OutputEncoding = [Text.Encoding]::UTF8

function Cli([string]$exe, [string[]]$arguments, [string]$what) {
    $ErrorActionPreference = 'Continue'  # progress on stderr is not a failure; the exit code says
    $out = & $exe @arguments 2>&1 | Out-String
    if ($LASTEXITCODE -eq 0) { Pass $what } else { Fail "$what（退出码 $LASTEXITCODE）：$out" }
    return $out
}
# zhenggai.exe is a window program: PowerShell does not wait for it, and it has no console.
function Gui([string]$exe, [string[]]$arguments, [string]$what, [int]$seconds = 120) {
    $p = Start-Process -FilePath $exe -ArgumentList $arguments -PassThru -WorkingDirectory "$work\files"
    if (-not $p.WaitForExit($seconds * 1000)) {
        $p.Kill(); Fail "$what（$seconds 秒内没有结束）"; return
    }
    Check $what ($p.ExitCode -eq 0)
}

Write-Host '== 1. 程序文件夹 dist\zhenggai（不用虚拟环境）'
Set-Location "$work\files"
$cli = "$bundle\zhenggai-cli.exe"
$gui = "$bundle\zhenggai.exe"
$out = Cli $cli @('--version') 'zhenggai-cli --version'
Check "zhenggai-cli --version 为 $version" ($out.Trim() -eq "整改台账（命令行）$version")
Check 'zhenggai.exe 文件属性中的版本' ((Get-Item $gui).VersionInfo.ProductVersion -eq $version)
Cli $cli @('--db', 'demo.db', 'demo', '--problems', '300') 'demo：示例台账' | Out-Null
$out = Cli $cli @('--db', 'demo.db', 'stats', '--json') 'stats'
Check 'stats 报出问题数' ($out -match '"problems": [1-9]')
Cli $cli @('--db', 'demo.db', 'export', '台账.xlsx') 'export：导出台账' | Out-Null
Cli $cli @('--db', 'demo.db', 'report', '--month', (Get-Date -Format 'yyyy-MM'), '月报.xlsx') 'report：月报' | Out-Null
Cli $cli @('--db', 'demo.db', 'verify-report', '月报.xlsx') 'verify-report：核对月报' | Out-Null
Cli $cli @('--db', '导入.db', 'init', '--unit', '第二党支部') 'init：新台账' | Out-Null
Cli $cli @('--db', '导入.db', 'import', '台账.xlsx') 'import：导入导出的台账' | Out-Null
Cli $cli @('--db', '导入.db', 'import', "$Root\tests\data\official_2003.xls", '--year', '2026') 'import：导入手工台账（.xls）' | Out-Null
Cli $cli @('--db', 'demo.db', 'verify') 'verify：示例台账' | Out-Null
Cli $cli @('--db', '导入.db', 'verify') 'verify：导入的台账' | Out-Null
Gui $gui @('--db', "$work\files\demo.db", '--screenshot', "$work\shot.png") 'zhenggai --screenshot 主窗口'
Gui $gui @('--db', "$work\files\demo.db", '--screenshot', "$work\dash.png", '--view', 'dashboard') 'zhenggai --screenshot 统计分析（QtCharts）'
Check '截图已保存' ((Test-Path "$work\shot.png") -and (Get-Item "$work\shot.png").Length -gt 20000)
# Windows 10/11 ship Microsoft YaHei; the program picks it first (ui/app.py FONT_FAMILIES).
$fonts = "$env:WINDIR\Fonts"
Check '系统有中文字体（微软雅黑或宋体）' ((Test-Path "$fonts\msyh.ttc") -or (Test-Path "$fonts\simsun.ttc"))
Check 'Qt 中文翻译在程序文件夹中' (@(Get-ChildItem -Recurse "$bundle\_internal" -Filter 'qtbase_zh_CN.qm').Count -gt 0)
New-Item -ItemType Directory -Force "$Root\dist" | Out-Null
Copy-Item "$work\shot.png" "$Root\dist\check-screenshot-windows.png" -ErrorAction SilentlyContinue

Write-Host '== 2. 便携使用（解压 zip：程序旁边有一个名为 portable 的文件）'
Remove-Item Env:ZHENGGAI_DATA_DIR
Expand-Archive -Path $zip -DestinationPath "$work\U盘"
$stick = "$work\U盘\zhenggai"
Check '便携：压缩包中有 portable 文件' (Test-Path "$stick\portable")
Cli "$stick\zhenggai-cli.exe" @('demo', '--problems', '20') '便携：zhenggai-cli demo（不指定台账）' | Out-Null
Gui "$stick\zhenggai.exe" @('--screenshot', "$work\portable.png") '便携：zhenggai 打开默认台账'
foreach ($item in 'ledger.db', 'ledger.evidence', 'settings.ini', 'logs\zhenggai.log') {
    Check "便携：data\$item 在程序旁边" (Test-Path "$stick\data\$item")
}
Check '便携：用户数据目录中没有留下文件' (-not (Test-Path "$env:LOCALAPPDATA\zhenggai"))

Write-Host '== 3. 安装程序（按用户安装，无需管理员）'
$xlsxBefore = (Get-ItemProperty 'Registry::HKEY_CLASSES_ROOT\.xlsx' -ErrorAction SilentlyContinue).'(default)'
$p = Start-Process -FilePath $setup -ArgumentList '/VERYSILENT', '/SUPPRESSMSGBOXES', '/NORESTART', "/LOG=$work\setup.log" -PassThru -Wait
Check '安装（静默，按用户）' ($p.ExitCode -eq 0)
$app = "$env:LOCALAPPDATA\Programs\zhenggai"
Check "安装在 $app" (Test-Path "$app\zhenggai.exe")
$programs = [Environment]::GetFolderPath('Programs')
$desktop = [Environment]::GetFolderPath('Desktop')
Check '开始菜单快捷方式“整改台账”' (Test-Path "$programs\整改台账.lnk")
Check '桌面快捷方式“整改台账”' (Test-Path "$desktop\整改台账.lnk")
$xlsxAfter = (Get-ItemProperty 'Registry::HKEY_CLASSES_ROOT\.xlsx' -ErrorAction SilentlyContinue).'(default)'
Check '.xlsx 文件的打开方式没有改变' ($xlsxBefore -eq $xlsxAfter)
Cli "$app\zhenggai-cli.exe" @('demo', '--problems', '20') '已安装：zhenggai-cli demo（默认台账）' | Out-Null
# Start it as from the Start menu (no --screenshot) and wait for its window to become usable.
$env:ZHENGGAI_STARTUP_PROBE = "$work\probe"
$p = Start-Process -FilePath "$app\zhenggai.exe" -PassThru
$deadline = (Get-Date).AddSeconds(60)
while (-not (Test-Path "$work\probe") -and -not $p.HasExited -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 500 }
Check '已安装：zhenggai 启动，窗口可用' (Test-Path "$work\probe")
if (-not $p.HasExited) { $p.Kill() }
Remove-Item Env:ZHENGGAI_STARTUP_PROBE
$ledger = "$env:LOCALAPPDATA\zhenggai\ledger.db"
$p = Start-Process -FilePath "$app\unins000.exe" -ArgumentList '/VERYSILENT', '/SUPPRESSMSGBOXES', '/NORESTART' -PassThru -Wait
Start-Sleep -Seconds 3  # the uninstaller finishes from a copy of itself
Check '卸载' ($p.ExitCode -eq 0)
Check '卸载后程序文件已删除' (-not (Test-Path "$app\zhenggai.exe"))
Check '卸载后快捷方式已删除' (-not (Test-Path "$programs\整改台账.lnk"))
Check '卸载后用户的台账还在' ((Test-Path $ledger) -and (Test-Path "$env:LOCALAPPDATA\zhenggai\ledger.evidence"))
Cli $cli @('--db', $ledger, 'verify', '--quick') '卸载后台账仍可校验' | Out-Null

Set-Location $Root
Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
Write-Host ("检查用时 {0:N0} 秒" -f ((Get-Date) - $started).TotalSeconds)
if ($script:failures -gt 0) { Write-Host "$($script:failures) 项检查未通过"; exit 1 }
Write-Host '全部检查通过'
