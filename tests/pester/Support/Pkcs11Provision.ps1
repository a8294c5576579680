# Dot-sourced by the Pester files of the provisioning cmdlets (Initialize-Pkcs11Token, Set-/Reset-Pkcs11Pin,
# Import-/Set-/Remove-Pkcs11Object): a private SoftHSM registered as softhsm2, PINs as SecureStrings, and a snapshot of
# SoftHSM's token directory to prove that -WhatIf changed nothing, byte for byte.

. (Join-Path $PSScriptRoot 'Pkcs11Objects.ps1')

$script:SoftHsmLibrary = [SmartCardPS.TestFixture.SoftHsmFixture]::LibraryPath

function ConvertTo-TestPin([string] $Pin) { ConvertTo-SecureString $Pin -AsPlainText -Force }

# For BeforeAll: a private SoftHSM with the tokens $Label (user PIN 1234, SO PIN 5678) and its free slot, registered
# as softhsm2, and a scratch folder; $null where the fixture cannot run. Stop-TestObjectToken ends it.
function Start-TestProvisioning([string[]] $Label) {
    $hsm = Start-TestSoftHsm -Label $Label
    if (-not $hsm) { return $null }
    Clear-TestRegistry
    $hsm.Register('softhsm2') | Out-Null
    $scratch = Join-Path ([IO.Path]::GetTempPath()) "smartcardps-prov-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    New-Item -ItemType Directory $scratch | Out-Null
    [pscustomobject]@{ Hsm = $hsm; Scratch = $scratch }
}

# Every file of SoftHSM's token directory with its SHA-256, one line each, in name order.
function Get-TokenDirectorySnapshot($Hsm) {
    Get-ChildItem $Hsm.TokenDirectory -Recurse -File | Sort-Object FullName |
        ForEach-Object { "$($_.FullName.Substring($Hsm.TokenDirectory.Length)) $((Get-FileHash $_.FullName -Algorithm SHA256).Hash)" }
}

# The token's object files as Get-TokenDirectorySnapshot lists them, without token.object (SoftHSM rewrites it on each
# C_Login) and generation (its counter of changes to the objects, which a create and a destroy advance): what must be
# byte for byte as before when a write leaves nothing behind.
function Get-TokenObjectFileSnapshot($Hsm) {
    Get-TokenDirectorySnapshot $Hsm | Where-Object { $_ -notmatch '/(token\.object|generation) ' }
}

# Runs $Import (given a URI of token $TokenLabel through a new logging shim, the PIN in it) while the shim fails
# C_GetAttributeValue, which for an import with nothing to pair is the read-back of the new object; asserts the one
# WriteFailed error of $Command, one C_CreateObject and one C_DestroyObject, the object files as before and no object
# labelled 'unread' listed by p11tool after a login: a failed import leaves nothing behind.
function Assert-UnreadImportRolledBack([string] $Command, [string] $TokenLabel, [scriptblock] $Import) {
    $shim = New-TestPkcs11Shim
    if (-not $shim) { Set-ItResult -Skipped -Because 'gcc is missing'; return }
    try {
        $uri = "pkcs11:token=${TokenLabel}?module-path=$($shim.LibraryPath)&pin-value=1234"
        $before = Get-TokenObjectFileSnapshot $Hsm
        $shim.ResetLog()
        $shim.Fail('GetAttributeValue', 0x30)
        # Its errors are the output looked at: not stopping at the first (Pester runs tests with Stop).
        $failures = @(& {
                $ErrorActionPreference = 'Continue'
                & $Import $uri 2>&1 | Where-Object { $_ -is [Management.Automation.ErrorRecord] }
            })
        $shim.Fail('GetAttributeValue', $null)
        $failures.Count | Should -Be 1
        $name = $Command -replace '-'
        $failures[0].FullyQualifiedErrorId | Should -Be "${name}WriteFailed,SmartCardPS.Commands.${name}Command"
        $failures[0].Exception.Message | Should -Match 'reading it back failed \(C_GetAttributeValue returned CKR_DEVICE_ERROR\), so it was destroyed again: nothing was written'
        $shim.Returns('CreateObject') | Should -Be @(0)
        $shim.Returns('DestroyObject') | Should -Be @(0)
        Get-TokenObjectFileSnapshot $Hsm | Should -Be $before
        $token = Get-Pkcs11Token -Label $TokenLabel
        @(Get-P11toolObject --login --list-all $token.Uri | Where-Object Label -eq 'unread').Count | Should -Be 0
    }
    finally { if ($shim) { $shim.Dispose() } }
}

# The first uninitialised token (SoftHSM's free slot), as Get-Pkcs11Token -IncludeEmptySlots lists it.
function Get-TestFreeToken { Get-Pkcs11Token -IncludeEmptySlots | Where-Object { $_.TokenPresent -and -not $_.TokenInitialized } | Select-Object -First 1 }

# Runs a tool and returns its exit code with its output, for the tests that expect a tool to fail.
function Invoke-TestToolStatus {
    $file, $arguments = $args[0], @($args | Select-Object -Skip 1)
    $output = & $file @arguments 2>&1
    [pscustomobject]@{ Exit = $LASTEXITCODE; Output = ($output -join "`n") }
}

# Runs $Command in a new -NonInteractive pwsh with the module imported, where a prompt would be an error; returns its
# output, then "errors: N" and each error's FullyQualifiedErrorId.
function Invoke-TestNonInteractive([string] $Command) {
    $script = "Import-Module '$(Join-Path $ModuleDir 'SmartCardPS.psd1')'; $Command -ErrorVariable e -ErrorAction SilentlyContinue; " +
        "'errors: ' + `$e.Count; `$e | ForEach-Object FullyQualifiedErrorId"
    & (Get-Command dotnet).Source (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command $script 2>&1
}
