<#
.SYNOPSIS
    What the PC/SC, ATR and setup cmdlets answer on this platform, as one JSON file: run by tests/wine/Wine.Tests.ps1
    once on Linux and once in PowerShell on Windows (under Wine), against the same virtual readers, and compared field
    by field. Only the fields both platforms must agree on are kept (no Elapsed, no times).
#>
param(
    # A JSON file: ModuleDir, OutPath, Reader (reader 0 holds the T=0 card, reader 1 the T=1 card) and Apdu (sent to
    # each card: SELECT, a 600-byte READ BINARY through 61 XX, a 6C XX retry, errors). One file, as the Windows host
    # passes arguments as single strings.
    [Parameter(Mandatory)][string] $ParameterPath
)
$ErrorActionPreference = 'Stop'
$parameters = Get-Content -LiteralPath $ParameterPath -Raw | ConvertFrom-Json
$Reader = [string[]]$parameters.Reader
$Apdu = [string[]]$parameters.Apdu
Import-Module (Join-Path $parameters.ModuleDir 'SmartCardPS.psd1')

function Select-Field($InputObject, [string[]] $Property) {
    foreach ($o in @($InputObject)) {
        $row = [ordered]@{}
        foreach ($p in $Property) { $row[$p] = if ($null -eq $o.$p) { $null } else { "$($o.$p)" } }
        [pscustomobject]$row
    }
}

function Get-ErrorAnswer([scriptblock] $Command) {
    try { & $Command | Out-Null; 'no error' }
    catch { "$($_.FullyQualifiedErrorId) $($_.CategoryInfo.Category)" }
}

$answers = [ordered]@{}
$answers.Readers = @(Select-Field (Get-SmartCardReader) Name, State, CardPresent, Atr, CardName, InUse, Exclusive)
$answers.Atr = @(Get-SmartCardReader | Where-Object CardPresent | ConvertFrom-Atr |
        ForEach-Object { $_ | ConvertTo-Json -Depth 4 -Compress -EnumsAsStrings })
$answers.Apdu = @(foreach ($name in $Reader) {
        $card = Connect-SmartCard -Reader $name -ShareMode Shared
        Select-Field $card Reader, Protocol, ShareMode, Atr, IsConnected
        Select-Field (Send-SmartCardApdu $Apdu -Connection $card) Reader, Command, Data, SW1, SW2, StatusWord, Meaning, Success
        Select-Field (Send-SmartCardApdu $Apdu -Connection $card -NoGetResponse) Command, Data, StatusWord
        # A scriptor script, written where the answers go: comments, a continued line, reset and exit.
        $script = Join-Path (Split-Path $parameters.OutPath) 'card.script'
        [IO.File]::WriteAllText($script, "# the test application`n$($Apdu[0])`n00 B0 02 50 \`n 10`nreset`n00 A4 00 0C 02 3F 00`nexit`n00 FF 00 00`n")
        Select-Field (Send-SmartCardApdu -Connection $card -ScriptPath $script) Command, Data, StatusWord
        Select-Field (Disconnect-SmartCard $card -Disposition Reset -PassThru) Reader, IsConnected
        Select-Field (Send-SmartCardApdu $Apdu[0] -Reader $name) Reader, Data, StatusWord
    })
# The readers and cards already there; a short timeout ends the watch (nothing changes meanwhile).
$answers.Watch = @(Select-Field (Watch-SmartCard -IncludeCurrentState -Timeout 1) EventType, Reader, Atr, CardName, State)
$answers.Setup = @(Select-Field (Test-SmartCardSetup -Check 'PC/SC*', 'Readers', 'Card') Name, Status, Detail)
$answers.Errors = [ordered]@{
    ReaderNotFound = Get-ErrorAnswer { Get-SmartCardReader -Name 'No such reader' }
    ConnectUnknown = Get-ErrorAnswer { Connect-SmartCard -Reader 'No such reader' }
    BadApdu        = Get-ErrorAnswer { Send-SmartCardApdu 'zz' -Reader $Reader[0] }
    BadAtr         = Get-ErrorAnswer { ConvertFrom-Atr '3B 8F' }
}

# What only Windows answers (issue 21's defects): winscard.dll's Win32 codes, and the remedies each message names.
if ($IsWindows) {
    function Get-CodeAnswer([uint32] $Code) {
        $e = [SmartCardPS.Pcsc.PcscException]::new([Enum]::ToObject([SmartCardPS.Interop.ScardError], $Code), 'SCardTest')
        [ordered]@{ Code = $Code; Name = $e.ErrorName; Message = $e.Message; IsServiceUnavailable = $e.IsServiceUnavailable }
    }
    # p11-kit's Linux paths resolve on Windows against the current drive (C:\etc\pkcs11, C:\usr\share\p11-kit), where
    # any user may create folders: configs planted there must never be read, nor their libraries loaded.
    function Get-Pkcs11Answer {
        $planted = 'C:\etc\pkcs11\modules', 'C:\usr\share\p11-kit\modules', 'C:\usr\lib\x86_64-linux-gnu\pkcs11'
        try {
            foreach ($dir in $planted) {
                $null = New-Item -ItemType Directory -Force $dir
                Set-Content (Join-Path $dir 'planted.module') 'module: C:\planted\planted.dll'
            }
            @(Get-Pkcs11Module -IncludeBroken 3>&1 2>&1 | ForEach-Object { "$($_.GetType().Name): $(if ($_.Name) { $_.Name } else { $_ })" })
        }
        finally { Remove-Item 'C:\etc', 'C:\usr' -Recurse -Force -ErrorAction SilentlyContinue }
    }
    # A Firefox profile where Windows keeps it, with NSS's database as Firefox writes it (CRLF), and parent.lock, which a
    # running Firefox holds open.
    function Get-FirefoxAnswer {
        $root = Join-Path $env:APPDATA 'Mozilla\Firefox'
        $profileDir = Join-Path $root 'Profiles\abc.default-release'
        try {
            $null = New-Item -ItemType Directory -Force $profileDir
            [IO.File]::WriteAllText((Join-Path $root 'profiles.ini'), "[Profile0]`r`nName=default-release`r`nIsRelative=1`r`nPath=Profiles/abc.default-release`r`nDefault=1`r`n`r`n[General]`r`nStartWithLastProfile=1`r`nVersion=2`r`n")
            [IO.File]::WriteAllText((Join-Path $profileDir 'pkcs11.txt'), "library=`r`nname=NSS Internal PKCS #11 Module`r`nparameters=configdir='sql:$profileDir' certPrefix='' keyPrefix='' secmod='secmod.db' flags= updatedir='' updateCertPrefix='' updateKeyPrefix='' updateid='' updateTokenDescription=''`r`nNSS=Flags=internal,critical trustOrder=75 cipherOrder=100 slotParams=(1={slotFlags=[ECC,RSA,DSA,DH,RC2,RC4,DES,RANDOM,SHA1,MD5,MD2,SSL,TLS,AES,Camellia,SEED,SHA256,SHA512] askpw=any timeout=30})`r`n`r`n")
            $answer = [ordered]@{ Profiles = @(Get-FirefoxProfile | ForEach-Object { "$($_.Name) $($_.IsDefault) $($_.Root)" }) }
            $lock = [IO.File]::Open((Join-Path $profileDir 'parent.lock'), 'OpenOrCreate', 'ReadWrite', 'None')
            try { $answer.RunningWhileLocked = (Get-FirefoxProfile).IsRunning } finally { $lock.Dispose() }
            $answer.RunningAfter = (Get-FirefoxProfile).IsRunning
            $answer.NotPkcs11 = Get-ErrorAnswer { Register-NssModule -Name Kernel -ModulePath 'C:\windows\system32\kernel32.dll' }
            $answer.Registered = @(Register-NssModule -Name Test -ModulePath $parameters.Pkcs11Library | ForEach-Object { "$($_.Name) $($_.Library)" })
            $answer.Modules = @(Get-NssModule | ForEach-Object { "$($_.Name) $($_.Library)".TrimEnd() })
            $answer
        }
        finally { Remove-Item (Join-Path $env:APPDATA 'Mozilla') -Recurse -Force -ErrorAction SilentlyContinue }
    }
    # A handle winscard.dll never gave out: Windows (and Wine) answer ERROR_INVALID_HANDLE, a Win32 code, not an SCARD_ one.
    $api = [SmartCardPS.Pcsc.PcscContext].Assembly.GetType('SmartCardPS.Pcsc.PcscPlatform').GetProperty('Api', [Reflection.BindingFlags]'Static, Public, NonPublic').GetValue($null)
    $answers.Windows = [ordered]@{
        ForeignHandle = Get-CodeAnswer ([uint32]$api.IsValidContext([IntPtr]0x5C5C0000))
        Win32         = @(1, 50, 109, 122 | ForEach-Object { Get-CodeAnswer $_ })
        SetupAll      = @(Select-Field (Test-SmartCardSetup) Name, Status, Detail)
        Pkcs11Modules = Get-Pkcs11Answer
        Firefox       = Get-FirefoxAnswer
        Pkcs11Register = Get-ErrorAnswer { Register-Pkcs11Module -Name planted -ModulePath 'C:\windows\system32\kernel32.dll' }
        Remedies      = @(0x80100001u, 0x80100013u, 0x8010001Du, 0x8010001Eu | ForEach-Object { Get-CodeAnswer $_ })
    }
}
[IO.File]::WriteAllText($parameters.OutPath, ($answers | ConvertTo-Json -Depth 6))
# Text beyond ASCII on the console (an ellipsis, as shortened messages end; accented letters, as reader and token names
# have), built from code points so that neither this file's encoding nor Wine's argument conversion plays a part:
# Wine.Tests.ps1 reads it back whole only when the Windows host writes UTF-8.
if ($IsWindows) { "cut$([char]0x2026) caf$([char]0xE9) $([char]0x201C)quoted$([char]0x201D)" }
