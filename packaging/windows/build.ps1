# Builds the Windows program: the one-folder bundle dist\zhenggai\ (zhenggai.exe, zhenggai-cli.exe)
# from the same PyInstaller spec as on Linux, the per-user installer
# dist\zhenggai-VERSION-windows-x64-setup.exe (Inno Setup 6), and the portable archive
# dist\zhenggai-VERSION-windows-x64-portable.zip (holds a file named `portable`: the data stay in
# data\ beside the program). packaging\windows\check.ps1 checks all of it.
#
#   powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1
#
# Needs Python 3.11 (64-bit) as `python` (or $env:PYTHON) and Inno Setup 6 (installed with
# Chocolatey when missing). NOT RUN on the project's own machines, which cannot run Windows:
# the GitHub Actions workflow .github/workflows/windows.yml runs it on a hosted Windows runner.
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$Root = Resolve-Path (Join-Path $PSScriptRoot '..\..')
Set-Location $Root
$started = Get-Date

function Invoke-Checked([string]$what, [scriptblock]$block) {
    & $block
    if ($LASTEXITCODE -ne 0) { throw "$what 失败（退出码 $LASTEXITCODE）" }
}

# -- the build environment: pinned, and nothing of the test tools --------------------------------
$python = if ($env:PYTHON) { $env:PYTHON } else { 'python' }
$venv = Join-Path $Root 'build\bundle-venv'
if (-not (Test-Path "$venv\Scripts\python.exe")) {
    Invoke-Checked '创建构建环境' { & $python -m venv $venv }
}
$vpy = "$venv\Scripts\python.exe"
$constraints = 'packaging\constraints.txt'
if (Test-Path 'requirements\lock.txt') {
    # The lock's versions, without hashes (pip accepts none in a constraints file).
    $lines = Get-Content 'requirements\lock.txt' | ForEach-Object {
        ($_ -replace '\s*--hash=\S+', '' -replace '\\\s*$', '')
    } | Where-Object { $_.Trim() -ne '' }
    if (-not ($lines | Where-Object { $_ -match '^pyinstaller==' })) {
        $lines += (Get-Content $constraints | Where-Object { $_ -match '^pyinstaller' })
    }
    New-Item -ItemType Directory -Force build | Out-Null
    $lines | Set-Content -Encoding utf8 'build\bundle-constraints.txt'
    $constraints = 'build\bundle-constraints.txt'
}
Invoke-Checked 'pip' { & $vpy -m pip install -q --upgrade pip }
Invoke-Checked '安装依赖' { & $vpy -m pip install -q -c $constraints -e '.[postgres]' pyinstaller }
$version = (& $vpy -c 'from tracker.version import VERSION; print(VERSION)').Trim()

# -- the bundle -----------------------------------------------------------------------------------
if (Test-Path 'dist\zhenggai') { Remove-Item -Recurse -Force 'dist\zhenggai' }
Invoke-Checked 'PyInstaller' {
    & "$venv\Scripts\pyinstaller.exe" --noconfirm --clean --log-level WARN `
        --distpath dist --workpath build\pyinstaller packaging\zhenggai.spec
}
foreach ($exe in 'zhenggai.exe', 'zhenggai-cli.exe') {
    if (-not (Test-Path "dist\zhenggai\$exe")) { throw "构建失败：dist\zhenggai 中没有 $exe" }
}

# -- the installer --------------------------------------------------------------------------------
$iscc = Join-Path ${env:ProgramFiles(x86)} 'Inno Setup 6\ISCC.exe'
if (-not (Test-Path $iscc)) {
    Invoke-Checked '安装 Inno Setup' { choco install innosetup --no-progress -y }
}
$language = Join-Path (Split-Path $iscc) 'Languages\ChineseSimplified.isl'
if (-not (Test-Path $language)) {
    # Inno Setup's own unofficial Simplified Chinese translation, from its source repository.
    $language = Join-Path $Root 'build\ChineseSimplified.isl'
    if (-not (Test-Path $language)) {
        $url = 'https://raw.githubusercontent.com/jrsoftware/issrc/main/Files/Languages/Unofficial/ChineseSimplified.isl'
        Invoke-WebRequest -UseBasicParsing -Uri $url -OutFile $language
    }
}
Get-ChildItem 'dist\zhenggai-*-windows-x64-*' -ErrorAction SilentlyContinue | Remove-Item -Force
Invoke-Checked 'Inno Setup' {
    & $iscc /Q "/DAppVersion=$version" "/DLanguageFile=$language" 'packaging\windows\zhenggai.iss'
}

# -- the portable archive -------------------------------------------------------------------------
$stage = Join-Path $Root 'build\portable'
if (Test-Path $stage) { Remove-Item -Recurse -Force $stage }
New-Item -ItemType Directory -Force $stage | Out-Null
Copy-Item -Recurse 'dist\zhenggai' "$stage\zhenggai"
Set-Content -Encoding ascii "$stage\zhenggai\portable" ''
Compress-Archive -Path "$stage\zhenggai" -DestinationPath "dist\zhenggai-$version-windows-x64-portable.zip" -Force

$size = (Get-ChildItem -Recurse -File 'dist\zhenggai' | Measure-Object Length -Sum).Sum / 1MB
Write-Host ("已生成：dist\zhenggai\（{0:N0} MB，解压后大小）、dist\zhenggai-$version-windows-x64-setup.exe、dist\zhenggai-$version-windows-x64-portable.zip；用时 {1:N0} 秒" -f $size, ((Get-Date) - $started).TotalSeconds)
