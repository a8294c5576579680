# Dot-sourced by the PKCS#11 Pester files: the shared Common.ps1, the SoftHSM fixture, the peer tools'
# output as objects (p11-kit list-modules, p11tool, pkcs11-tool), and running pwsh as an unprivileged user.

. (Join-Path $PSScriptRoot 'Common.ps1')

$script:PackageModuleDir = '/usr/share/p11-kit/modules'
$script:SystemModuleDir = '/etc/pkcs11/modules'
$script:P11ModuleDir = (& pkg-config --variable=p11_module_path p11-kit-1 2>$null)
if (-not $script:P11ModuleDir) { $script:P11ModuleDir = '/usr/lib/x86_64-linux-gnu/pkcs11' }
$script:OpenScLibrary = Join-Path $script:P11ModuleDir 'opensc-pkcs11.so'

function Test-SoftHsmFixtureRequired {
    if (-not ('SmartCardPS.TestFixture.SoftHsmFixture' -as [type])) { return $true }
    [SmartCardPS.TestFixture.PcscFixture]::IsCi -or -not [SmartCardPS.TestFixture.SoftHsmFixture]::Unavailable()
}

# A private SoftHSM with these tokens; $null where it cannot run (a failure under CI=true).
function Start-TestSoftHsm([string[]] $Label) {
    if (-not ('SmartCardPS.TestFixture.SoftHsmFixture' -as [type])) { throw 'The test fixture is not built: run build.ps1 -Task Test.' }
    $why = [SmartCardPS.TestFixture.SoftHsmFixture]::Unavailable()
    if ($why) {
        if ([SmartCardPS.TestFixture.PcscFixture]::IsCi) { throw "The SoftHSM fixture cannot start under CI: $why" }
        return $null
    }
    [SmartCardPS.TestFixture.SoftHsmFixture]::Start([string[]]$Label)
}

# The PKCS#11 shim (a module forwarding to SoftHSM, or to -Target) built with gcc; $null where gcc is missing (a failure
# under CI=true). -NoLocking builds one that refuses CKF_OS_LOCKING_OK and records calls made at the same time.
function New-TestPkcs11Shim([string] $Target = [SmartCardPS.TestFixture.SoftHsmFixture]::LibraryPath, [switch] $NoLocking) {
    $why = [SmartCardPS.TestFixture.Pkcs11Shim]::Unavailable()
    if ($why -and [SmartCardPS.TestFixture.PcscFixture]::IsCi) { throw $why }
    if (-not $why) { [SmartCardPS.TestFixture.Pkcs11Shim]::Build($Target, $NoLocking.IsPresent) }
}

# Removes every module config from the private registry, so each test starts from a known state.
# Both live on the private mounts ns-run.sh makes, so this never touches the machine's registry.
function Clear-TestRegistry {
    Get-ChildItem $script:PackageModuleDir -Force | Remove-Item -Recurse -Force
    Get-ChildItem /etc/pkcs11 -Force | Remove-Item -Recurse -Force
}

function Set-TestModuleConfig([string] $Directory, [string] $Name, [string] $Content) {
    New-Item -ItemType Directory -Force $Directory | Out-Null
    $path = Join-Path $Directory "$Name.module"
    Set-Content -Path $path -Value $Content -NoNewline
    $path
}

# A real shared library that is not a PKCS#11 module (no C_GetFunctionList).
function Get-TestLibz {
    $libz = '/usr/lib/x86_64-linux-gnu/libz.so.1', '/lib/x86_64-linux-gnu/libz.so.1', '/usr/lib/aarch64-linux-gnu/libz.so.1', '/usr/lib64/libz.so.1' |
        Where-Object { Test-Path $_ } | Select-Object -First 1
    if (-not $libz) { throw 'libz is not installed (apt-get install zlib1g).' }
    $libz
}

# Registers three modules that cannot be used (a text file, libz, a missing path) in $Directory;
# returns their config files by module name.
function Set-TestBrokenModules([string] $Directory, [string] $Scratch) {
    $text = Join-Path $Scratch 'text-module.so'
    Set-Content $text 'this is text, not a shared library'
    [ordered]@{
        'broken-text'    = Set-TestModuleConfig $Directory 'broken-text' "module: $text`n"
        'broken-libz'    = Set-TestModuleConfig $Directory 'broken-libz' "module: $(Get-TestLibz)`n"
        'broken-missing' = Set-TestModuleConfig $Directory 'broken-missing' "module: /nonexistent/lib/missing-pkcs11.so`n"
    }
}

# p11-kit list-modules as one text, to compare before and after.
function Get-P11KitListing { (& p11-kit list-modules 2>$null) -join "`n" }

# p11-kit list-modules as objects: Name, Module (as configured), and the library's fields.
function Get-P11KitModule {
    $modules = @()
    $current = $null
    foreach ($line in (& p11-kit list-modules 2>$null)) {
        if ($line -match '^(\S[^:]*): (.*)$') {
            $current = [ordered]@{ Name = $Matches[1]; Module = $Matches[2] }
            $modules += $current
        }
        elseif ($current -and $line -match '^    (library-[a-z]+): (.*)$') { $current[$Matches[1]] = $Matches[2] }
    }
    $modules | ForEach-Object { [pscustomobject]$_ }
}

# p11tool finds a module through p11-kit when p11-kit's debug log shows it loading that library.
function Test-P11toolLoads([string] $Name, [string] $Path, [string] $HomeDir) {
    $log = if ($HomeDir) { Invoke-NativeAsTestUser $HomeDir env P11_KIT_DEBUG=lib p11tool --list-tokens }
    else { $env:P11_KIT_DEBUG = 'lib'; try { & p11tool --list-tokens 2>&1 } finally { Remove-Item Env:P11_KIT_DEBUG } }
    ($log -join "`n") -match [regex]::Escape("loading module $Name from path: $Path")
}

# p11tool --list-tokens as objects, one per "Token N:" block.
function Get-P11toolToken {
    $tokens = @()
    $current = $null
    foreach ($line in (& p11tool --list-tokens 2>$null)) {
        if ($line -match '^Token \d+:') { $current = [ordered]@{}; $tokens += $current }
        elseif ($current -and $line -match '^\t([A-Za-z]+): ?(.*)$') { $current[$Matches[1]] = $Matches[2] }
    }
    $tokens | ForEach-Object { [pscustomobject]$_ }
}

# What p11tool prints as "Flags:" for these token flags (gnutls's print_type, including its quirks:
# a final-try PIN is also reported as locked).
function ConvertTo-P11toolFlag([SmartCardPS.Pkcs11.Pkcs11TokenFlags] $Flags) {
    $f = [SmartCardPS.Pkcs11.Pkcs11TokenFlags]
    $words = @()
    if ($Flags.HasFlag($f::RNG)) { $words += 'RNG' }
    if ($Flags.HasFlag($f::LoginRequired)) { $words += 'Requires login' }
    if ($Flags.HasFlag($f::ProtectedAuthenticationPath)) { $words += 'External PIN' }
    if (-not $Flags.HasFlag($f::TokenInitialized)) { $words += 'Uninitialized' }
    if ($Flags.HasFlag($f::UserPinCountLow)) { $words += 'uPIN low count' }
    if ($Flags.HasFlag($f::UserPinFinalTry)) { $words += 'Final uPIN attempt', 'uPIN locked' }
    if ($Flags.HasFlag($f::SoPinCountLow)) { $words += 'SO-PIN low count' }
    if ($Flags.HasFlag($f::SoPinFinalTry)) { $words += 'Final SO-PIN attempt', 'SO-PIN locked' }
    if (-not $Flags.HasFlag($f::UserPinInitialized)) { $words += 'uPIN uninitialized' }
    if ($Flags.HasFlag($f::ErrorState)) { $words += 'Error state' }
    if (-not $words) { return 'Generic token' }
    $words -join ', '
}

# Runs a script in pwsh as an unprivileged user (uid and gid $TestUid; no account is needed) with its own HOME, the way a
# normal user would run the module. PowerShell's own folder is bind-mounted somewhere that user can read, and the
# module is copied there.
$script:TestUid = 64123

function Invoke-AsTestUser([string] $Script, [string] $HomeDir) {
    if (-not $script:UserPwshDir) {
        $script:UserPwshDir = Join-Path ([IO.Path]::GetTempPath()) "smartcardps-pwsh-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
        New-Item -ItemType Directory $script:UserPwshDir | Out-Null
        & chmod 0755 $script:UserPwshDir
        & mount --bind $PSHOME $script:UserPwshDir
        if ($LASTEXITCODE) { throw "Could not bind-mount $PSHOME for the test user." }
    }
    if (-not $script:UserModuleDir) {
        # The checkout may live where that user cannot read (a mode-0700 home or mktemp -d): it gets its own copy.
        $script:UserModuleDir = Join-Path ([IO.Path]::GetTempPath()) "smartcardps-module-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
        Copy-Item $script:ModuleDir $script:UserModuleDir -Recurse
        & chmod -R a+rX $script:UserModuleDir
    }
    $moduleManifest = Join-Path $script:UserModuleDir 'SmartCardPS.psd1'
    $prelude = "`$ErrorActionPreference = 'Continue'; Import-Module '$moduleManifest'; "
    $environment = @("HOME=$HomeDir", 'PATH=/usr/sbin:/usr/bin:/sbin:/bin', 'DOTNET_CLI_TELEMETRY_OPTOUT=1', 'DOTNET_NOLOGO=1',
        "SOFTHSM2_CONF=$env:SOFTHSM2_CONF", "$([SmartCardPS.TestFixture.PcscFixture]::NamespaceVariable)=1")
    $dotnet = (Get-Command dotnet).Source
    & setpriv "--reuid=$script:TestUid" "--regid=$script:TestUid" --clear-groups env -i @environment $dotnet (Join-Path $script:UserPwshDir 'pwsh.dll') `
        -NoProfile -NonInteractive -OutputFormat Text -Command ($prelude + $Script) 2>&1
}

# Runs a native command as the test user, with its HOME (p11-kit reads that user's ~/.config/pkcs11).
# Plain $args after the home, so the command's own flags never bind to PowerShell parameters.
function Invoke-NativeAsTestUser {
    $HomeDir, $file = $args[0], $args[1]
    $arguments = @($args | Select-Object -Skip 2)
    & setpriv "--reuid=$script:TestUid" "--regid=$script:TestUid" --clear-groups env -i "HOME=$HomeDir" 'PATH=/usr/sbin:/usr/bin:/sbin:/bin' "SOFTHSM2_CONF=$env:SOFTHSM2_CONF" $file @arguments 2>&1
}

function New-TestUserHome {
    $homeDir = Join-Path ([IO.Path]::GetTempPath()) "smartcardps-home-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    New-Item -ItemType Directory $homeDir | Out-Null
    & chown "$($script:TestUid):$($script:TestUid)" $homeDir
    $homeDir
}

function Remove-TestUserPwsh {
    if ($script:UserModuleDir) {
        Remove-Item $script:UserModuleDir -Recurse -Force
        $script:UserModuleDir = $null
    }
    if ($script:UserPwshDir) {
        & umount $script:UserPwshDir
        Remove-Item $script:UserPwshDir -Force
        $script:UserPwshDir = $null
    }
}

# Writes a fresh self-signed certificate to a fixture token, as pkcs11-tool --write-object does.
function Add-TestCertificate($Hsm, [string] $TokenLabel, [string] $Label) {
    $scratch = Join-Path ([IO.Path]::GetTempPath()) "smartcardps-cert-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    New-Item -ItemType Directory $scratch | Out-Null
    try {
        $der = Join-Path $scratch 'cert.der'
        $out = & openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout (Join-Path $scratch 'key.pem') -outform der -out $der -subj "/CN=$Label" -days 30 2>&1
        if ($LASTEXITCODE) { throw "openssl failed: $out" }
        $out = & pkcs11-tool --module ([SmartCardPS.TestFixture.SoftHsmFixture]::LibraryPath) --token-label $TokenLabel --login --pin ([SmartCardPS.TestFixture.SoftHsmFixture]::UserPin) --write-object $der --type cert --label $Label --id 01 2>&1
        if ($LASTEXITCODE) { throw "pkcs11-tool --write-object failed: $out" }
    }
    finally { Remove-Item $scratch -Recurse -Force }
}

# Waits until the token-label completer's background refresh (started by every completion once a listing is cached)
# has finished, so the modules it loads cannot show up in the next test's PKCS#11 shim log.
function Wait-TokenLabelRefresh([int] $TimeoutSeconds = 60) { Wait-CompletionRefresh 'TokenLabelCompleter' 'Tokens' $TimeoutSeconds }

# Waits until the background listing $Field of completer $Completer (a CachedListing) has finished.
function Wait-CompletionRefresh([string] $Completer, [string] $Field, [int] $TimeoutSeconds = 60) {
    $assembly = (Get-Command Get-Pkcs11Token).ImplementingType.Assembly
    $flags = [Reflection.BindingFlags]'NonPublic, Static'
    $listing = $assembly.GetType("SmartCardPS.Completion.$Completer").GetField($Field, $flags).GetValue($null)
    $refreshing = $listing.GetType().GetField('refreshing', [Reflection.BindingFlags]'NonPublic, Instance')
    $clock = [Diagnostics.Stopwatch]::StartNew()
    while ($null -ne $refreshing.GetValue($listing)) {
        if ($clock.Elapsed.TotalSeconds -gt $TimeoutSeconds) { throw "The $Completer listing did not finish within $TimeoutSeconds s." }
        Start-Sleep -Milliseconds 20
    }
}
