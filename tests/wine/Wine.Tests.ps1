# Issue 21: the Windows code path (WinSCardApi, the Windows paths and messages) runs in every test run, in PowerShell
# on Windows under Wine, against the same private pcscd and virtual cards as the Linux run, and must answer as Linux
# does, field by field. build.ps1 -Task Test runs this folder beside xunit and Pester, inside tests/tools/ns-run.sh
# (the private pcscd) and tests/wine/winscard.sh run (the test winscard.dll, which forwards to pcsc-lite).

BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../pester/Support/Common.ps1')
    . (Join-Path $PSScriptRoot 'WineCommon.ps1')
    $script:NoFixture = -not (Test-PcscFixtureRequired)
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../pester/Support/Common.ps1')
    . (Join-Path $PSScriptRoot 'WineCommon.ps1')
    $script:WineMissing = Get-WineUnavailable
    if ($WineMissing -and [SmartCardPS.TestFixture.PcscFixture]::IsCi) { throw "Missing under CI (where nothing may be skipped): $WineMissing." }
    $script:Pcsc = Start-TestPcsc
    $script:T0Atr = '3B 02 14 50'
    $script:T1Atr = '3B DF 18 00 81 31 FE 7D 00 6B 02 0C 01 82 01 11 01 43 4E 53 10 31 80 FC'
    # SELECT by AID, SELECT MF, 600 bytes through GET RESPONSE (T=0: 61 XX), a 6C XX retry, and two errors.
    $script:Session = @(
        '00 A4 04 00 09 F0 53 43 50 53 54 45 53 54 00'
        '00 A4 00 0C 02 3F 00'
        '00A4000C020102'
        '00 B1 00 00 03 54 01 00 00'
        '00 B0 02 50 10'
        '00 FF 00 00'
        'F0 B0 00 00 01'
    )

    # Runs tests/wine/Get-PlatformAnswers.ps1 here and in PowerShell on Windows, and returns both answers.
    function Get-BothAnswers {
        $linuxParameters = Join-Path $TestDrive 'parameters.json'
        $linuxOut = Join-Path $TestDrive 'linux.json'
        @{ ModuleDir = $ModuleDir; OutPath = $linuxOut; Reader = $Pcsc.ReaderNames; Apdu = $Session } | ConvertTo-Json | Set-Content $linuxParameters
        & (Join-Path $PSScriptRoot 'Get-PlatformAnswers.ps1') -ParameterPath $linuxParameters

        $windowsModule = Copy-WineModule $ModuleDir
        $pkcs11Export = Build-WinePkcs11Export
        $windowsOut = Get-WineSharePath 'windows.json'
        Remove-Item -LiteralPath $windowsOut -ErrorAction SilentlyContinue
        @{ ModuleDir = $windowsModule; OutPath = 'C:\smartcardps\windows.json'; Reader = $Pcsc.ReaderNames; Apdu = $Session; Pkcs11Library = $pkcs11Export } |
            ConvertTo-Json | Set-Content (Get-WineSharePath 'parameters.json')
        $console = Invoke-WineScript 'Get-PlatformAnswers.ps1' 'C:\smartcardps\parameters.json'
        @{
            Linux   = Get-Content $linuxOut -Raw | ConvertFrom-Json
            Windows = Get-Content $windowsOut -Raw | ConvertFrom-Json
            Console = @($console)
        }
    }

    if ($Pcsc -and -not $WineMissing) {
        Initialize-WinePrefix
        Publish-WineHost
        $null = $Pcsc.Insert(0, $T0Atr)
        $null = $Pcsc.Insert(1, $T1Atr)
        foreach ($name in $Pcsc.ReaderNames) { Wait-TestReader $name $true | Out-Null }
        $script:Answers = Get-BothAnswers
    }

    # -Ignore blanks, in each row of both answers, what is rightly different on each platform.
    function Assert-SameAnswer([string] $Section, [scriptblock] $Ignore = {}) {
        Assert-TestDependency (-not $WineMissing) "PowerShell under Wine ($WineMissing)"
        if (-not $WineMissing) {
            foreach ($row in @($Answers.Windows.$Section) + @($Answers.Linux.$Section)) { if ($row) { & $Ignore $row } }
            $windows = $Answers.Windows.$Section | ConvertTo-Json -Depth 6
            $linux = $Answers.Linux.$Section | ConvertTo-Json -Depth 6
            $windows | Should -Be $linux
            $linux | Should -Not -BeNullOrEmpty
        }
    }
}

AfterAll {
    if (-not $WineMissing) { Stop-WineServer }
    if ($script:Pcsc) { $script:Pcsc.Dispose() }
}

Describe 'PowerShell on Windows (WinSCard, under Wine) answers as on Linux' -Tag Wine -Skip:$NoFixture {
    It 'Get-SmartCardReader: names, states, ATRs, card names' { Assert-SameAnswer Readers }
    It 'ConvertFrom-Atr of each card, every field' { Assert-SameAnswer Atr }
    It 'Connect-, Send- (61 XX and 6C XX followed, -NoGetResponse, a scriptor script) and Disconnect-SmartCard' { Assert-SameAnswer Apdu }
    It 'Watch-SmartCard -IncludeCurrentState' { Assert-SameAnswer Watch }
    It 'Test-SmartCardSetup, the PC/SC checks (the library check names the platform''s library)' {
        Assert-TestDependency (-not $WineMissing) "PowerShell under Wine ($WineMissing)"
        ($Answers.Windows.Setup | Where-Object Name -EQ 'PC/SC library').Detail | Should -Be 'winscard.dll loads'
        # Linux also says how pcscd was built (pcscd --version), which has no Windows counterpart.
        Assert-SameAnswer Setup -Ignore {
            param($check)
            if ($check.Name -eq 'PC/SC library') { $check.Detail = $null }
            $check.Detail = $check.Detail -replace ' \(pcscd [^)]*\)$'
        }
    }
    It 'the error contracts (ids and categories)' { Assert-SameAnswer Errors }
}

Describe 'PowerShell on Windows: what only Windows answers' -Tag Wine -Skip:$NoFixture {
    BeforeEach { Assert-TestDependency (-not $WineMissing) "PowerShell under Wine ($WineMissing)" }

    It 'names winscard.dll''s Win32 codes: ERROR_INVALID_HANDLE for a foreign handle, a lost service' {
        if ($WineMissing) { return }
        $handle = $Answers.Windows.Windows.ForeignHandle
        $handle.Code | Should -Be 6
        $handle.Name | Should -Be 'ERROR_INVALID_HANDLE'
        $handle.Message | Should -Not -Match 'undocumented'
        $handle.IsServiceUnavailable | Should -BeTrue
        $names = @($Answers.Windows.Windows.Win32 | ForEach-Object { "$($_.Code) $($_.Name) $($_.IsServiceUnavailable)" })
        $names | Should -Be '1 ERROR_INVALID_FUNCTION False', '50 ERROR_NOT_SUPPORTED False', '109 ERROR_BROKEN_PIPE True', '122 ERROR_INSUFFICIENT_BUFFER False'
        $Answers.Windows.Windows.Win32.Message | Should -Not -Match 'undocumented'
    }

    It 'writes the host''s output as UTF-8, so messages beyond ASCII (a shortened path''s ellipsis) arrive whole' {
        if ($WineMissing) { return }
        $Answers.Console | Should -Contain "cut$([char]0x2026) caf$([char]0xE9) $([char]0x201C)quoted$([char]0x201D)"
    }

    It 'waits inside SCardGetStatusChange while nothing happens: the watch does not spin' {
        if ($WineMissing) { return }
        $calls = Join-Path ([IO.Path]::GetTempPath()) "smartcardps-winscard-calls-$([guid]::NewGuid().ToString('N').Substring(0, 8)).txt"
        $env:SMARTCARDPS_WINSCARD_CALLS = $calls
        try {
            Invoke-WineScript 'Watch-Idle.ps1' (Copy-WineModule $ModuleDir) | Should -Be 'done'
        }
        finally { Remove-Item Env:SMARTCARDPS_WINSCARD_CALLS }
        $count = @(Get-Content -LiteralPath $calls).Count
        Remove-Item -LiteralPath $calls
        # A watch handing pcsc-lite a state it already left (upstream Wine's map_states_inW) returns at once and spins:
        # thousands of calls in three seconds. Waiting, it makes a handful, however loaded the machine is.
        $count | Should -BeGreaterThan 0 -Because 'the watch asks winscard.dll for changes'
        $count | Should -BeLessThan 50 -Because 'an idle watch waits inside the call'
    }

    It 'gives Windows remedies (the Smart Card service SCardSvr), never pcscd or systemctl' {
        if ($WineMissing) { return }
        foreach ($answer in $Answers.Windows.Windows.Remedies) {
            $answer.Message | Should -Match 'SCardSvr' -Because $answer.Name
            $answer.Message | Should -Not -Match 'pcscd|systemctl' -Because $answer.Name
        }
    }

    It 'reads no p11-kit registry on Windows (Linux paths there are folders any user can make) and says so' {
        if ($WineMissing) { return }
        $answer = @($Answers.Windows.Windows.Pkcs11Modules)
        $answer | Should -Not -Match 'planted'
        $answer | Should -HaveCount 1
        $answer[0] | Should -Match '^WarningRecord: .*p11-kit.*Windows.*-Module'
        $checks = $Answers.Windows.Windows.SetupAll | Where-Object Name -In 'OpenSC registered with p11-kit', 'PKCS#11 modules'
        $checks.Status | Should -Be 'Skip', 'Skip'
        $checks.Detail | Should -Match 'Windows'
        $Answers.Windows.Windows.Pkcs11Register | Should -Be 'RegisterPkcs11ModuleNotSupported,SmartCardPS.Commands.RegisterPkcs11ModuleCommand NotImplemented'
    }

    It 'finds the Firefox profile in %APPDATA%, running while parent.lock is held open' {
        if ($WineMissing) { return }
        $firefox = $Answers.Windows.Windows.Firefox
        $firefox.Profiles | Should -Be 'default-release True C:\users\root\AppData\Roaming\Mozilla\Firefox'
        $firefox.RunningWhileLocked | Should -BeTrue
        $firefox.RunningAfter | Should -BeFalse
    }

    It 'registers a PKCS#11 DLL with NSS, read from its PE file, and refuses a DLL that is not one' {
        if ($WineMissing) { return }
        $firefox = $Answers.Windows.Windows.Firefox
        $firefox.NotPkcs11 | Should -Be 'RegisterNssModuleNotPkcs11,SmartCardPS.Commands.RegisterNssModuleCommand InvalidData'
        $firefox.Registered | Should -Be 'Test C:\smartcardps\pkcs11-export.dll'
        $firefox.Modules | Should -Be 'NSS Internal PKCS #11 Module', 'Test C:\smartcardps\pkcs11-export.dll'
    }

    It 'skips the Linux-only setup checks, saying why' {
        if ($WineMissing) { return }
        $checks = $Answers.Windows.Windows.SetupAll | Where-Object Name -In 'pcscd systemd units', 'USB readers', 'Reader driver'
        $checks | Should -HaveCount 3
        $checks.Status | Should -Be 'Skip', 'Skip', 'Skip'
        foreach ($check in $checks) { $check.Detail | Should -Not -BeNullOrEmpty }
    }
}

Describe 'Who holds the card on Windows (under Wine): Get-SmartCardClient and the sharing violation' -Tag Wine -Skip:$NoFixture {
    BeforeAll {
        # One Windows PowerShell holds the card in reader 0 exclusively; a second one is refused and asks who holds it.
        function Get-HolderAnswer {
            $module = Copy-WineModule $ModuleDir
            $holding, $release, $out = 'holding.txt', 'release.txt', 'holder-answers.json' | ForEach-Object { Get-WineSharePath $_ }
            Remove-Item -LiteralPath $holding, $release, $out -ErrorAction SilentlyContinue
            @{ ModuleDir = $module; Reader = $Pcsc.ReaderNames[0]; HoldingPath = 'C:\smartcardps\holding.txt'; ReleasePath = 'C:\smartcardps\release.txt' } |
                ConvertTo-Json | Set-Content (Get-WineSharePath 'hold-parameters.json')
            $holder = Start-WineScript 'Hold-Card.ps1' 'C:\smartcardps\hold-parameters.json'
            try {
                $sw = [Diagnostics.Stopwatch]::StartNew()
                while (-not (Test-Path -LiteralPath $holding)) {
                    if ($holder.HasExited) { throw "The holder ended (exit code $($holder.ExitCode)) before holding the card:`n$($holder.ErrorText.Result)" }
                    # A hang guard, not a timing: a holder that never connects ends here.
                    if ($sw.Elapsed.TotalSeconds -gt 90) { throw 'The holder did not hold the card within 90 s.' }
                    Start-Sleep -Milliseconds 20
                }
                @{ ModuleDir = $module; Reader = $Pcsc.ReaderNames[0]; OutPath = 'C:\smartcardps\holder-answers.json' } |
                    ConvertTo-Json | Set-Content (Get-WineSharePath 'holder-parameters.json')
                $null = Invoke-WineScript 'Get-HolderAnswers.ps1' 'C:\smartcardps\holder-parameters.json'
                Set-Content -LiteralPath $release -Value 'done'
                $holder.WaitForExit()
                if ($holder.ExitCode) { throw "The holder failed (exit code $($holder.ExitCode)):`n$($holder.ErrorText.Result)" }
                $answer = Get-Content -LiteralPath $out -Raw | ConvertFrom-Json
                $answer | Add-Member -NotePropertyName HolderId -NotePropertyValue ([int]"$(Get-Content -LiteralPath $holding -Raw)".Trim())
                $answer
            }
            finally { if (-not $holder.HasExited) { $holder.Kill($true); $holder.WaitForExit() } }
        }
        if ($Pcsc -and -not $WineMissing) { $script:Held = Get-HolderAnswer }
    }

    BeforeEach { Assert-TestDependency (-not $WineMissing) "PowerShell under Wine ($WineMissing)" }

    It 'lists the processes with winscard.dll loaded: the holder, and this process marked as itself' {
        if ($WineMissing) { return }
        $holder = @($Held.Clients | Where-Object ProcessId -EQ $Held.HolderId)
        $holder | Should -HaveCount 1
        $holder[0].ProcessName | Should -Be 'SmartCardPS.WineHost'
        $holder[0].IsCurrentProcess | Should -BeFalse
        $self = @($Held.Clients | Where-Object IsCurrentProcess)
        $self.ProcessId | Should -Be $Held.ProcessId
        # Wine's own Windows processes (services, winedevice, explorer, rpcss) load no winscard.dll.
        $Held.Clients | Should -HaveCount 2
        # Whole at 80 columns, as on Linux: Windows names are longer than the 15 characters Linux keeps.
        $Held.Table | Should -Match "(?m)^\s*$($Held.HolderId) SmartCardPS\.WineHost\s+1\s*$"
        ($Held.Table -split "`r?`n" | Measure-Object Length -Maximum).Maximum | Should -BeLessOrEqual 80
    }

    It 'names the holder in the sharing violation, without the Linux-only fields it cannot know' {
        if ($WineMissing) { return }
        $Held.Refused | Should -HaveCount 1
        $Held.Refused[0].Id | Should -Be 'ConnectSmartCardSharingViolation,SmartCardPS.Commands.ConnectSmartCardCommand'
        $Held.Refused[0].Category | Should -Be 'ResourceBusy'
        $Held.Refused[0].Message | Should -Match "'SmartCardPS\.WineHost' \(pid $($Held.HolderId)\)"
        $Held.Refused[0].Message | Should -Not -Match "user :|: ''|pcscd|systemctl"
    }
}

Describe 'Watch-SmartCard on Windows (under Wine) while cards move and pcscd stops and starts, as on Linux' -Tag Wine -Skip:$NoFixture {
    BeforeAll {
        # Moves a card, then stops and starts pcscd, each step once the watch has seen the events of the last one.
        function Invoke-WatchStep([string] $ProgressPath, [scriptblock] $Running) {
            function Wait-Progress([int] $Count) {
                $sw = [Diagnostics.Stopwatch]::StartNew()
                while ($true) {
                    $seen = 0
                    if (Test-Path $ProgressPath) { $null = [int]::TryParse("$(Get-Content -LiteralPath $ProgressPath -Raw)".Trim(), [ref]$seen) }
                    if ($seen -ge $Count) { return }
                    if (-not (& $Running)) { throw "The watch ended after $seen of $Count events." }
                    # A hang guard, not a timing: only a watch that never reports ends here.
                    if ($sw.Elapsed.TotalSeconds -gt 90) { throw "The watch reported $seen of $Count events within 90 s." }
                    Start-Sleep -Milliseconds 20
                }
            }
            Wait-Progress 4   # the two readers and their cards, already there
            $Pcsc.Remove(0)
            Wait-Progress 5
            $null = $Pcsc.Insert(0, $T0Atr)
            Wait-Progress 6
            $Pcsc.StopDaemon()
            Wait-Progress 10
            $Pcsc.StartDaemon()
            Wait-Progress 14
        }

        # Both cards taken out (and seen gone) and put in again, so each run starts from cards pcscd has just powered.
        function Reset-TestCards {
            if (-not $Pcsc.DaemonRunning) { $Pcsc.StartDaemon() }
            foreach ($i in 0, 1) { $Pcsc.Remove($i) }
            foreach ($name in $Pcsc.ReaderNames) { Wait-TestReader $name $false | Out-Null }
            $null = $Pcsc.Insert(0, $T0Atr)
            $null = $Pcsc.Insert(1, $T1Atr)
            foreach ($name in $Pcsc.ReaderNames) { Wait-TestReader $name $true | Out-Null }
        }

        function Get-LinuxWatch {
            Reset-TestCards
            $parameters = Join-Path $TestDrive 'watch-parameters.json'
            $out = Join-Path $TestDrive 'watch-linux.json'
            $progress = Join-Path $TestDrive 'watch-linux-progress.txt'
            @{ ModuleDir = $ModuleDir; OutPath = $out; ProgressPath = $progress; Count = 14 } | ConvertTo-Json | Set-Content $parameters
            $ps = [powershell]::Create()
            try {
                $null = $ps.AddCommand((Join-Path $PSScriptRoot 'Get-WatchAnswers.ps1')).AddParameter('ParameterPath', $parameters)
                $handle = $ps.BeginInvoke()
                Invoke-WatchStep $progress { -not $handle.IsCompleted }
                $null = $ps.EndInvoke($handle)
            }
            finally { $ps.Dispose() }
            Get-Content $out -Raw | ConvertFrom-Json
        }

        function Get-WindowsWatch {
            Reset-TestCards
            $out = Get-WineSharePath 'watch-windows.json'
            $progress = Get-WineSharePath 'watch-progress.txt'
            Remove-Item -LiteralPath $out, $progress -ErrorAction SilentlyContinue
            @{ ModuleDir = (Copy-WineModule $ModuleDir); OutPath = 'C:\smartcardps\watch-windows.json'; ProgressPath = 'C:\smartcardps\watch-progress.txt'; Count = 14 } |
                ConvertTo-Json | Set-Content (Get-WineSharePath 'watch-parameters.json')
            $process = Start-WineScript 'Get-WatchAnswers.ps1' 'C:\smartcardps\watch-parameters.json'
            try {
                Invoke-WatchStep $progress { -not $process.HasExited }
                $process.WaitForExit()
                if ($process.ExitCode) { throw "PowerShell under Wine failed (exit code $($process.ExitCode)) watching:`n$($process.ErrorText.Result)" }
            }
            finally { if (-not $process.HasExited) { $process.Kill($true); $process.WaitForExit() } }
            Get-Content $out -Raw | ConvertFrom-Json
        }

        if ($Pcsc -and -not $WineMissing) {
            $script:LinuxWatch = Get-LinuxWatch
            $script:WindowsWatch = Get-WindowsWatch
        }
    }

    BeforeEach { Assert-TestDependency (-not $WineMissing) "PowerShell under Wine ($WineMissing)" }

    It 'reports the readers and cards there, a card removed and inserted, in the same order' {
        if ($WineMissing) { return }
        $WindowsWatch.Events[0..5] | Should -Be $LinuxWatch.Events[0..5]
        $LinuxWatch.Events[4] | Should -Be "CardRemoved $($Pcsc.ReaderNames[0]) $T0Atr"
    }

    It 'reports the readers gone when pcscd stops and back when it starts, with one warning naming the Windows service' {
        if ($WineMissing) { return }
        $WindowsWatch.Events[6..13] | Sort-Object | Should -Be ($LinuxWatch.Events[6..13] | Sort-Object)
        @($WindowsWatch.Warnings).Count | Should -Be @($LinuxWatch.Warnings).Count
        @($WindowsWatch.Warnings).Count | Should -Be 1
        $WindowsWatch.Warnings[0] | Should -Match 'Lost the PC/SC service'
        $WindowsWatch.Warnings[0] | Should -Not -Match 'systemctl|pcscd'
    }
}
