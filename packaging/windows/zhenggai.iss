; Inno Setup script: a per-user installer for Windows 10 (1809 or newer) and Windows 11.
;   ISCC /DAppVersion=0.2.0 /DLanguageFile=PATH\ChineseSimplified.isl packaging\windows\zhenggai.iss
; packaging\windows\build.ps1 runs it after PyInstaller has built dist\zhenggai\ from the same
; spec as on Linux (packaging\zhenggai.spec), and fetches ChineseSimplified.isl (Inno Setup ships
; it among its unofficial translations, not in its installer).
;
; - PrivilegesRequired=lowest: installs into the user's own %LOCALAPPDATA%\Programs\zhenggai with
;   no administrator rights and no UAC prompt (office PCs where users are not administrators).
; - Start-menu and desktop shortcuts named 整改台账.
; - No [Registry] section: .xlsx (and every other file type) stays with Excel or WPS.
; - Uninstalling removes only what was installed. The ledgers live in %LOCALAPPDATA%\zhenggai (or
;   wherever the user saved them, or in data\ beside the program in portable use) and are kept.

#ifndef AppVersion
  #error Pass the version: ISCC /DAppVersion=X.Y.Z
#endif
#ifndef LanguageFile
  #define LanguageFile "compiler:Languages\ChineseSimplified.isl"
#endif
#define Root "..\.."

[Setup]
AppId={{6F1D2A43-7C8B-4E55-9A0E-2B1C7D5E8F30}
AppName=整改台账
AppVersion={#AppVersion}
AppVerName=整改台账 {#AppVersion}
AppPublisher=整改台账
VersionInfoVersion={#AppVersion}
VersionInfoProductName=整改台账
DefaultDirName={autopf}\zhenggai
DefaultGroupName=整改台账
DisableProgramGroupPage=yes
DisableDirPage=auto
PrivilegesRequired=lowest
; Qt 6 needs Windows 10 1809 (build 17763) or newer; Setup says so on older systems.
MinVersion=10.0.17763
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#Root}\dist
OutputBaseFilename=zhenggai-{#AppVersion}-windows-x64-setup
SetupIconFile={#Root}\resources\icon.ico
UninstallDisplayIcon={app}\zhenggai.exe
UninstallDisplayName=整改台账
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ShowLanguageDialog=no
; A running 整改台账 holds its files open: Setup offers to close it.
CloseApplications=yes
RestartApplications=no

[Languages]
Name: "chinesesimplified"; MessagesFile: "{#LanguageFile}"

[Tasks]
Name: "desktopicon"; Description: "在桌面上创建快捷方式"; GroupDescription: "快捷方式："

[Files]
Source: "{#Root}\dist\zhenggai\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\整改台账"; Filename: "{app}\zhenggai.exe"; Comment: "党支部问题整改台账"
Name: "{autodesktop}\整改台账"; Filename: "{app}\zhenggai.exe"; Comment: "党支部问题整改台账"; Tasks: desktopicon

[Run]
Filename: "{app}\zhenggai.exe"; Description: "立即打开整改台账"; Flags: nowait postinstall skipifsilent
