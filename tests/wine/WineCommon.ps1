# Dot-sourced by tests/wine/*.Tests.ps1: PowerShell on Windows, run under Wine against the same private pcscd as the
# Linux tests (issue 21). The prefix and the published host are cached under out/wine between runs (wineboot takes
# ~40 s, a publish ~45 s; a cached run starts the host in ~10 s); the module is copied in fresh for every run.

$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$script:WineRoot = if ($env:SMARTCARDPS_WINE_DIR) { $env:SMARTCARDPS_WINE_DIR } else { Join-Path $RepoRoot 'out/wine' }
$script:WinePrefix = Join-Path $WineRoot 'prefix'
$script:WineHostDir = Join-Path $WineRoot 'host'
# What the Windows side sees as C:\smartcardps.
$script:WineShare = Join-Path $WinePrefix 'drive_c/smartcardps'
$script:Wine64 = '/usr/lib/wine/wine64'
$script:WineServer = '/usr/lib/wine/wineserver'

# Why PowerShell cannot run under Wine here, or $null: a missing package, or the test winscard.dll not installed
# (tests/wine/winscard.sh run installs it for the length of the run; build.ps1 -Task Test runs the Wine tests so).
function Get-WineUnavailable {
    $why = & (Join-Path $PSScriptRoot 'winscard.sh') unavailable
    if ($why) { return "$why" }
    if ($env:SMARTCARDPS_WINSCARD -ne '1') { return 'the test winscard.dll is not installed: run the Wine tests through tests/wine/winscard.sh run (build.ps1 -Task Test does)' }
    $null
}

# Wine's settings for every run: a private prefix, no debug output, no Gecko prompt; mscoree stays enabled (without it
# no .NET program loads System.Runtime), and W^X off, which .NET's JIT needs under Wine.
function Set-WineEnvironment {
    $env:WINEPREFIX = $WinePrefix
    $env:WINEARCH = 'win64'
    $env:WINEDEBUG = '-all'
    $env:WINEDLLOVERRIDES = 'mshtml='
    $env:DOTNET_EnableWriteXorExecute = '0'
}

# Creates the prefix once (wineboot), without the Z: drive that would show the Linux root, and so p11-kit's Linux
# configs and ELF libraries, to Windows programs. A prefix left half-made by an interrupted run is made again.
function Initialize-WinePrefix {
    Set-WineEnvironment
    $ready = Join-Path $WinePrefix '.smartcardps-ready'
    if (-not (Test-Path $ready)) {
        if (Test-Path $WinePrefix) { Remove-Item -LiteralPath $WinePrefix -Recurse -Force }
        $null = New-Item -ItemType Directory -Force $WineRoot
        & $Wine64 wineboot --init 2>&1 | Out-Null
        & $WineServer -w
        $drives = Join-Path $WinePrefix 'dosdevices'
        if (-not (Test-Path (Join-Path $drives 'c:'))) { throw "wineboot made no C: drive in $WinePrefix" }
        Remove-Item -LiteralPath (Join-Path $drives 'z:') -Force -ErrorAction SilentlyContinue
        Set-Content -LiteralPath $ready -Value 'made by tests/wine/WineCommon.ps1'
    }
    $null = New-Item -ItemType Directory -Force $WineShare
}

# Publishes the win-x64 host when its sources changed since the cached publish.
function Publish-WineHost {
    $project = Join-Path $RepoRoot 'tests/SmartCardPS.WineHost'
    $sources = Get-ChildItem $project -File | Where-Object Extension -In '.cs', '.csproj' | Sort-Object Name
    $hash = (($sources | ForEach-Object { (Get-FileHash -LiteralPath $_.FullName -Algorithm SHA256).Hash }) -join '')
    $stamp = Join-Path $WineRoot 'host.sha256'
    if (-not (Test-Path (Join-Path $WineHostDir 'SmartCardPS.WineHost.exe')) -or -not (Test-Path $stamp) -or (Get-Content $stamp) -ne $hash) {
        & dotnet publish $project -c Release -o $WineHostDir --nologo -v quiet | Out-Host
        if ($LASTEXITCODE) { throw "dotnet publish of the Windows host failed with exit code $LASTEXITCODE" }
        Set-Content -LiteralPath $stamp -Value $hash
    }
    # C:\smartcardps\host is the cached publish: Wine follows the link, the Windows side sees a folder.
    $link = Join-Path $WineShare 'host'
    if (-not (Test-Path $link)) { $null = New-Item -ItemType SymbolicLink -Path $link -Target $WineHostDir }
}

# The module and the ATR list as a Windows user has them: the module folder copied into C:\, pcsc-tools' list in
# %ProgramData%\pcsc (where SmartCardPS looks on Windows).
function Copy-WineModule([string] $ModuleDir) {
    $target = Join-Path $WineShare 'SmartCardPS'
    if (Test-Path $target) { Remove-Item -LiteralPath $target -Recurse -Force }
    Copy-Item -LiteralPath $ModuleDir -Destination $target -Recurse
    $list = '/usr/share/pcsc/smartcard_list.txt'
    if (Test-Path $list) {
        $pcsc = Join-Path $WinePrefix 'drive_c/ProgramData/pcsc'
        $null = New-Item -ItemType Directory -Force $pcsc
        Copy-Item -LiteralPath $list -Destination $pcsc -Force
    }
    'C:\smartcardps\SmartCardPS'
}

# C:\smartcardps\pkcs11-export.dll: a PE library exporting C_GetFunctionList (tests/wine/pkcs11-export.c).
function Build-WinePkcs11Export {
    & x86_64-w64-mingw32-gcc -shared -O1 -s -o (Join-Path $WineShare 'pkcs11-export.dll') (Join-Path $PSScriptRoot 'pkcs11-export.c')
    if ($LASTEXITCODE) { throw "mingw could not build pkcs11-export.dll (exit code $LASTEXITCODE)" }
    'C:\smartcardps\pkcs11-export.dll'
}

# Runs a script from tests/wine in PowerShell on Windows; returns its output lines, and throws with its error output
# when it fails.
function Invoke-WineScript([string] $Name, [string[]] $Arguments = @()) {
    Copy-Item -LiteralPath (Join-Path $PSScriptRoot $Name) -Destination $WineShare -Force
    $errorLog = Join-Path $WineShare 'stderr.txt'
    # Started from C:\smartcardps, as a Windows user starts a script from a folder on C: (from a Linux folder, the host's
    # current directory would be \\?\unix\..., which no Windows user has).
    Push-Location -LiteralPath $WineShare
    try {
        $output = & $Wine64 'C:\smartcardps\host\SmartCardPS.WineHost.exe' "C:\smartcardps\$Name" @Arguments 2>$errorLog
        $code = $LASTEXITCODE
    }
    finally { Pop-Location }
    if ($code) { throw "PowerShell under Wine failed (exit code $code) running ${Name}:`n$((Get-Content $errorLog -Raw) + ($output -join "`n"))" }
    $output
}

# Starts a script from tests/wine in PowerShell on Windows and returns its process at once (for a test that acts
# while the script runs); its error output goes to C:\smartcardps\<Name>.stderr.txt.
function Start-WineScript([string] $Name, [string[]] $Arguments = @()) {
    Copy-Item -LiteralPath (Join-Path $PSScriptRoot $Name) -Destination $WineShare -Force
    $info = [Diagnostics.ProcessStartInfo]::new($Wine64)
    foreach ($a in @('C:\smartcardps\host\SmartCardPS.WineHost.exe', "C:\smartcardps\$Name") + $Arguments) { $info.ArgumentList.Add($a) }
    $info.WorkingDirectory = $WineShare
    $info.RedirectStandardError = $true
    $info.RedirectStandardOutput = $true
    $process = [Diagnostics.Process]::Start($info)
    # Read both streams as they come, so a full pipe never blocks the script.
    $process | Add-Member -NotePropertyName ErrorText -NotePropertyValue $process.StandardError.ReadToEndAsync()
    $process | Add-Member -NotePropertyName OutputText -NotePropertyValue $process.StandardOutput.ReadToEndAsync()
    $process
}

# Linux path of a file the Windows side wrote as C:\smartcardps\NAME.
function Get-WineSharePath([string] $Name) { Join-Path $WineShare $Name }

function Stop-WineServer { if (Test-Path $WinePrefix) { & $WineServer -k 2>$null } }
