# Issue 11, "Feedback on long work": -Verbose says what the PKCS#11 listings do, and a listing that takes more than
# about a second shows progress (module and slot, n of m) while a quick one shows none.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Common.ps1')
    $script:NoFixture = -not (Test-SoftHsmFixtureRequired)
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Common.ps1')
    $script:Hsm = Start-TestSoftHsm -Label 'Feedback token'
    $script:Manifest = Join-Path $ModuleDir 'SmartCardPS.psd1'
    $script:Library = [SmartCardPS.TestFixture.SoftHsmFixture]::LibraryPath

    function Get-VerboseText([scriptblock] $Command) {
        @(& $Command 4>&1 | Where-Object { $_ -is [Management.Automation.VerboseRecord] } | ForEach-Object Message)
    }

    # Runs a command in a hosted runspace and returns the PowerShell instance, whose Streams.Progress holds what it wrote.
    function Invoke-Hosted([string] $Command, [scriptblock] $While = {}) {
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module '$Manifest'; $Command")
        $run = $ps.BeginInvoke()
        & $While
        # A hang guard, not a timing.
        $run.AsyncWaitHandle.WaitOne([timespan]::FromSeconds(120)) | Should -BeTrue
        # What the command emitted, so a test can tell a quiet success from a failure that also shows nothing.
        $ps | Add-Member -NotePropertyName Output -NotePropertyValue @($ps.EndInvoke($run)) -PassThru
    }
}

AfterAll {
    if ($script:Hsm) { $script:Hsm.Dispose() }
    Clear-TestRegistry
}

Describe 'PKCS#11 listings tell what they do' -Skip:$NoFixture {
    BeforeAll {
        $script:Shim = New-TestPkcs11Shim -Target $Library
        Clear-TestRegistry
        $script:Config = $Hsm.Register('softhsm2')
        if ($Shim) { $script:ShimConfig = $Hsm.Register('shim', $PackageModuleDir, "module: $($Shim.LibraryPath)`n") }
        $script:Token = Get-Pkcs11Token -Module softhsm2 -Label 'Feedback token'
    }

    AfterAll {
        if ($Shim) { $Shim.Dispose() }
    }

    It 'Get-Pkcs11Token -Verbose names the config file, the library it loads and each slot it probes, with times' {
        $text = Get-VerboseText { Get-Pkcs11Token -Module softhsm2 -Verbose }
        $text | Should -Not -BeNullOrEmpty
        ($text | Where-Object { $_.Contains($Config) }) | Should -Not -BeNullOrEmpty -Because 'it reads that config file'
        ($text | Where-Object { $_ -like "Loaded*$Library*ms*" }) | Should -Not -BeNullOrEmpty
        ($text | Where-Object { $_ -like "Probing slot $($Token.SlotId) (* of *)*softhsm2*" }) | Should -Not -BeNullOrEmpty
        ($text | Where-Object { $_ -like "Read slot $($Token.SlotId) *ms*" }) | Should -Not -BeNullOrEmpty
    }

    It 'Get-Pkcs11Module -Verbose names the config file and the library' {
        $text = Get-VerboseText { Get-Pkcs11Module -Name softhsm2 -Verbose }
        ($text | Where-Object { $_.Contains($Config) }) | Should -Not -BeNullOrEmpty
        ($text | Where-Object { $_ -like "Load*$Library*" }) | Should -Not -BeNullOrEmpty
    }

    It 'Get-Pkcs11Mechanism -Verbose names the library and the slot' {
        $text = Get-VerboseText { Get-Pkcs11Mechanism -Uri $Token.Uri -Verbose }
        ($text | Where-Object { $_ -like "Load*$Library*" }) | Should -Not -BeNullOrEmpty
        ($text | Where-Object { $_ -like "*mechanisms of slot $($Token.SlotId)*" }) | Should -Not -BeNullOrEmpty
    }

    It 'shows no progress for a quick listing' {
        $ps = Invoke-Hosted 'Get-Pkcs11Token -Module softhsm2'
        try {
            $ps.Streams.Error.Count | Should -Be 0
            $ps.Output.Label | Should -Contain 'Feedback token'
            $ps.Streams.Progress.Count | Should -Be 0
        }
        finally { $ps.Dispose() }
    }

    It 'shows progress naming module and slot, n of m, when a module is slow, and completes it' {
        if (-not $Shim) { Set-ItResult -Skipped -Because ([SmartCardPS.TestFixture.Pkcs11Shim]::Unavailable()); return }
        $Shim.Block()
        try {
            $ps = Invoke-Hosted "Get-Pkcs11Token -Module shim, softhsm2" -While {
                $Shim.WaitEntered([timespan]::FromSeconds(60)) | Should -BeTrue -Because 'the listing must reach C_GetSlotList'
                # Hold the module past the one second after which progress shows.
                Start-Sleep -Milliseconds 1500
                $Shim.Unblock()
            }
            $records = @($ps.Streams.Progress)
            $records.Count | Should -BeGreaterThan 0
            $records.Activity | Sort-Object -Unique | Should -Be 'Get-Pkcs11Token'
            ($records | Where-Object StatusDescription -Like "*'shim' (1 of 2)*probing slot * (1 of *)") | Should -Not -BeNullOrEmpty
            ($records | Where-Object StatusDescription -Like "*'softhsm2' (2 of 2)*") | Should -Not -BeNullOrEmpty
            $records[-1].RecordType | Should -Be 'Completed'
        }
        finally {
            $Shim.Unblock()
            if ($ps) { $ps.Dispose() }
        }
    }
}
