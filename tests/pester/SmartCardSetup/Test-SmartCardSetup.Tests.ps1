BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Common.ps1')
    $script:NoFixture = -not ((Test-PcscFixtureRequired) -and (Test-SoftHsmFixtureRequired))
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Common.ps1')
    . (Join-Path $PSScriptRoot '../Support/SetupCommon.ps1')
    . (Join-Path $PSScriptRoot '../Support/TableText.ps1')
    $script:Pcsc = Start-TestPcsc
    $script:Hsm = Start-TestSoftHsm -Label 'Setup test'
    # A private opensc.conf, so the machine's own file never decides a result.
    $script:OpenScConf = Join-Path $TestDrive 'opensc.conf'
    $env:OPENSC_CONF = $OpenScConf
    $script:Atr = '3B 02 14 50'

    function Get-Check([string] $Name, [hashtable] $Parameters = @{}) {
        $all = Test-SmartCardSetup @Parameters
        $all | Where-Object Name -EQ $Name
    }

    # The fixture's good state: pcscd with two empty readers, SoftHSM's token, OpenSC registered, and opensc.conf set up
    # as the ArchWiki says for readers without a PIN pad (vpcd's have none). Only the tests that need a card insert
    # one: OpenSC spends seconds probing the virtual card with every card driver.
    function Reset-GoodSetup {
        Set-Content $OpenScConf "app default {`n`t# debug = 3;`n`treader_driver pcsc {`n`t`tenable_pinpad = false;`n`t}`n}`n" -NoNewline
        if (-not $Pcsc.DaemonRunning) { $Pcsc.StartDaemon() }
        $Pcsc.SetReaderCount(2)
        $Pcsc.Remove(0)
        Wait-TestReader $Pcsc.ReaderNames[0] $false | Out-Null
        Clear-TestRegistry
        $Hsm.Register('softhsm2') | Out-Null
        Register-OpenScModule | Out-Null
    }

    function Add-TestCard {
        $Pcsc.Insert(0, $Atr) | Out-Null
        Wait-TestReader $Pcsc.ReaderNames[0] $true | Out-Null
    }
}

AfterAll {
    Remove-Item Env:OPENSC_CONF -ErrorAction SilentlyContinue
    if ($script:Hsm) { $script:Hsm.Dispose() }
    if ($script:Pcsc) { $script:Pcsc.Dispose() }
    Clear-TestRegistry
}

Describe 'Test-SmartCardSetup' -Skip:$NoFixture {
    BeforeEach { Reset-GoodSetup }

    It 'passes every check that applies with the virtual reader, card, SoftHSM token and a registered OpenSC' {
        Add-TestCard
        $checks = Test-SmartCardSetup -RequireReader -RequireCard -RequireToken
        $checks | ForEach-Object { $_ | Should -BeOfType ([SmartCardPS.Setup.SetupCheck]) }
        $bad = $checks | Where-Object Status -In 'Fail', 'Warn'
        $bad | Should -BeNullOrEmpty -Because ($bad | Format-List | Out-String)
        $pass = ($checks | Where-Object Status -EQ 'Pass').Name
        foreach ($name in 'PC/SC library', 'PC/SC service', 'Reader driver', 'Readers', 'Card', 'OpenSC library', 'OpenSC registered with p11-kit', 'PKCS#11 tokens', 'PKCS#11 modules', 'OpenSC PIN pad setting') {
            $pass | Should -Contain $name
        }
        ($checks | Where-Object Name -EQ 'Card').Detail | Should -BeLike "*'$([WildcardPattern]::Escape($Pcsc.ReaderNames[0]))': $Atr*"
        ($checks | Where-Object Name -EQ 'PKCS#11 tokens').Detail | Should -BeLike "*'Setup test' (softhsm2)*"
        Test-SmartCardSetup -Quiet -RequireReader -RequireCard -RequireToken | Should -BeExactly $true
    }

    It 'skips the systemd check with the reason on a machine without systemd' -Skip:(Test-Path /run/systemd/system) {
        $c = Get-Check 'pcscd systemd units'
        $c.Status | Should -Be 'Skip'
        $c.Detail | Should -BeLike '*systemd is not the init system*'
    }

    It 'fails the service check when pcscd is stopped, says how to start it, and skips what needs it' {
        $Pcsc.StopDaemon()
        $checks = Test-SmartCardSetup
        $service = $checks | Where-Object Name -EQ 'PC/SC service'
        $service.Status | Should -Be 'Fail'
        $service.Detail | Should -BeLike '*SCARD_E_NO_SERVICE*'
        $service.Remedy | Should -Match 'pcscd'
        ($checks | Where-Object Name -EQ 'Readers').Status | Should -Be 'Skip'
        Test-SmartCardSetup -Quiet | Should -BeExactly $false
    }

    It 'warns without a reader, and fails with -RequireReader' {
        $Pcsc.SetReaderCount(0)
        $c = Get-Check 'Readers'
        $c.Status | Should -Be 'Warn'
        $c.Remedy | Should -BeLike '*Get-SmartCardUsbDevice*'
        (Get-Check 'Readers' @{ RequireReader = $true }).Status | Should -Be 'Fail'
        Test-SmartCardSetup -Quiet | Should -BeExactly $true
        Test-SmartCardSetup -Quiet -RequireReader | Should -BeExactly $false
    }

    It 'warns without a card, and fails with -RequireCard' {
        $c = Get-Check 'Card'
        $c.Status | Should -Be 'Warn'
        $c.Remedy | Should -BeLike 'insert a card*'
        (Get-Check 'Card' @{ RequireCard = $true }).Status | Should -Be 'Fail'
        Test-SmartCardSetup -Quiet -RequireCard | Should -BeExactly $false
    }

    It 'fails when OpenSC is not registered, with Register-OpenScModule as the remedy, and the remedy works' {
        Unregister-OpenScModule
        $c = Get-Check 'OpenSC registered with p11-kit'
        $c.Status | Should -Be 'Fail'
        $c.Remedy | Should -Be 'Register-OpenScModule'
        Invoke-Expression $c.Remedy | Out-Null
        (Get-Check 'OpenSC registered with p11-kit').Status | Should -Be 'Pass'
    }

    It 'warns without tokens, and fails with -RequireToken' {
        Clear-TestRegistry
        $c = Get-Check 'PKCS#11 tokens'
        $c.Status | Should -Be 'Warn'
        (Get-Check 'PKCS#11 tokens' @{ RequireToken = $true }).Status | Should -Be 'Fail'
    }

    It 'fails for a broken critical module and warns for a broken ordinary one' {
        Set-TestModuleConfig $SystemModuleDir 'broken' "module: /nonexistent/lib/missing-pkcs11.so`n" | Out-Null
        $c = Get-Check 'PKCS#11 modules'
        $c.Status | Should -Be 'Warn'
        $c.Detail | Should -BeLike "*'broken'*"
        Set-TestModuleConfig $SystemModuleDir 'broken' "module: /nonexistent/lib/missing-pkcs11.so`ncritical: yes`n" | Out-Null
        $c = Get-Check 'PKCS#11 modules'
        $c.Status | Should -Be 'Fail'
        $c.Remedy | Should -BeLike '*/etc/pkcs11/modules/broken.module*'
        # The remedy is a command, and run as written it fixes what the check found (issue 23, item 3).
        Invoke-Expression $c.Remedy | Out-Null
        Test-Path /etc/pkcs11/modules/broken.module | Should -BeFalse
        (Get-Check 'PKCS#11 modules').Status | Should -Be 'Pass'
    }

    It 'blames a module failing C_Initialize on its own configuration, not on its right module: line (issue 23, item 3)' {
        # SoftHSM with SOFTHSM2_CONF naming no file: the library loads, its C_Initialize fails.
        $saved = $env:SOFTHSM2_CONF
        $env:SOFTHSM2_CONF = Join-Path $TestDrive 'no-such-softhsm2.conf'
        try {
            $json = & (Get-Command dotnet).Source (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command "Import-Module '$ModuleDir/SmartCardPS.psd1'; Test-SmartCardSetup -Check 'PKCS#11 modules' | ConvertTo-Json -EnumsAsStrings"
        }
        finally { $env:SOFTHSM2_CONF = $saved }
        $c = ($json -join "`n") | ConvertFrom-Json
        $c.Status | Should -Be 'Warn'
        $c.Detail | Should -BeLike "*'softhsm2'*C_Initialize returned CKR_*the module's own configuration is at fault, not its module: line*"
        $c.Remedy | Should -Not -BeLike '*module: line*'
        $c.Remedy | Should -Not -BeLike '*Unregister*'
        $c.Remedy | Should -BeLike '*SOFTHSM2_CONF*'
    }

    It 'escapes token labels, module names and paths in its details and remedies' {
        $label = "Evil`u{202E}lebal`u{200B}"
        $Hsm.AddToken($label)
        try {
            Set-TestModuleConfig $SystemModuleDir 'broken' "module: /nonexistent/lib`e[2J`u{202E}.so`ncritical: yes`n" | Out-Null
            $checks = @(Test-SmartCardSetup)
            foreach ($c in $checks) { Assert-EscapedText "$($c.Detail) $($c.Remedy)" }
            ($checks | Where-Object Name -EQ 'PKCS#11 tokens').Detail | Should -BeLike "*'Evil\u202Elebal\u200B'*"
            ($checks | Where-Object Name -EQ 'PKCS#11 modules').Detail | Should -BeLike "*'broken'*"
        }
        finally { $Hsm.RemoveToken($label) }
    }

    It 'fails for a malformed opensc.conf, naming the line' {
        Set-Content $OpenScConf "app default {`n  reader_driver pcsc {`n    enable_pinpad = false`n  }`n}`n" -NoNewline
        try {
            $c = Get-Check 'OpenSC PIN pad setting'
            $c.Status | Should -Be 'Fail'
            $c.Detail | Should -BeLike '*line 3*'
            $c.Remedy | Should -BeLike "fix line 3 of $OpenScConf*"
        }
        finally { Set-Content $OpenScConf "app default {`n}`n" -NoNewline }
    }

    It 'passes when enable_pinpad = false and no reader has a PIN pad' {
        $c = Get-Check 'OpenSC PIN pad setting'
        $c.Status | Should -Be 'Pass'
        $c.Detail | Should -BeLike "enable_pinpad = false in $OpenScConf; no reader has a PIN pad*"
        $c.Remedy | Should -BeNullOrEmpty
    }

    It 'warns when OpenSC would use a PIN pad the vpcd readers do not have, and its remedy makes it pass' {
        Set-Content $OpenScConf "app default {`n`treader_driver pcsc {`n`t`tenable_pinpad = true;`n`t}`n}`n" -NoNewline
        (Get-SmartCardReader -IncludeFeatures).HasPinPad | Should -Not -Contain $true
        $c = Get-Check 'OpenSC PIN pad setting'
        $c.Status | Should -Be 'Warn'
        $c.Detail | Should -BeLike "enable_pinpad = true in $OpenScConf, but no reader has a PIN pad*"
        $c.Remedy | Should -BeExactly 'Set-OpenScConfiguration -EnablePinPad $false'
        Invoke-Expression $c.Remedy
        (Get-OpenScConfiguration).EnablePinPad | Should -BeExactly $false
        (Get-Check 'OpenSC PIN pad setting').Status | Should -Be 'Pass'
    }

    It "warns the same when opensc.conf leaves enable_pinpad at OpenSC's default" {
        Set-Content $OpenScConf "app default {`n}`n" -NoNewline
        $c = Get-Check 'OpenSC PIN pad setting'
        $c.Status | Should -Be 'Warn'
        $c.Detail | Should -BeLike "enable_pinpad = true (OpenSC's default) in $OpenScConf*"
        $c.Remedy | Should -BeExactly 'Set-OpenScConfiguration -EnablePinPad $false'
    }

    It 'skips the PIN pad comparison when there is no reader' {
        $Pcsc.SetReaderCount(0)
        $c = Get-Check 'OpenSC PIN pad setting'
        $c.Status | Should -Be 'Skip'
        $c.Detail | Should -BeLike '*there is no reader to compare it with*'
    }

    It 'warns about a USB reader ccid does not support and fails for a supported one pcscd does not list (umockdev)' {
        $devices = Join-Path $TestDrive 'usb.umockdev'
        # A supported ACS reader that pcscd does not list, and an unknown CCID reader 1234:5678.
        (Get-Content (Join-Path $PSScriptRoot '../Support/data/usb-readers.umockdev') -Raw) + @'

P: /devices/pci0000:00/0000:00:14.0/usb1/1-4
N: bus/usb/001/007
E: SUBSYSTEM=usb
E: DEVTYPE=usb_device
A: idVendor=1234
A: idProduct=5678
A: product=Unknown Reader

P: /devices/pci0000:00/0000:00:14.0/usb1/1-4/1-4:1.0
E: SUBSYSTEM=usb
E: DEVTYPE=usb_interface
A: bInterfaceClass=0b
'@ | Set-Content $devices -NoNewline
        $json = Invoke-ChildPwsh "`$env:OPENSC_CONF = '$OpenScConf'; Test-SmartCardSetup | Where-Object Name -EQ 'USB readers' | ConvertTo-Json -Compress" -Wrapper @('umockdev-run', '--device', $devices, '--')
        $c = ($json | Select-Object -Last 1) | ConvertFrom-Json
        $c.Status | Should -Be 'Fail'
        $c.Detail | Should -BeLike '*072f:90cc*supported by ccid, but pcscd does not list it*'
        $c.Detail | Should -BeLike "*1234:5678*not in ccid's supported list*vendor's driver*"
        $c.Detail | Should -BeLike '*0403:6001*serial reader at /dev/ttyUSB0*'
        $c.Remedy | Should -BeLike '*pcscd restart*'
    }

    It 'shows Status, Name and Detail in its table and the Remedy in its list view' {
        $table = Test-SmartCardSetup | Format-Table | Out-String -Width 80
        ($table -split "`n" | Where-Object { $_.Trim() } | Select-Object -First 1) | Should -Match '^Status\s+Name\s+Detail\s*$'
        $list = Test-SmartCardSetup | Where-Object Name -EQ 'Card' | Format-List | Out-String
        $list | Should -Match 'Remedy\s*:\s*insert a card'
    }

    # Issue 23, item 7: most Detail cells ended in '…' at 80 columns, and the slow checks ran without a word.
    It 'keeps every Name and Detail whole in its table at <_> columns' -ForEach 80, 120 {
        $width = $_
        $checks = @(Test-SmartCardSetup)
        $lines = ($checks | Out-String -Width $width) -split "`r?`n"
        foreach ($line in $lines) { $line.TrimEnd().Length | Should -BeLessOrEqual $width }
        ($lines -join "`n") | Should -Not -Match '…'
        $columns = Get-TableColumnText $lines
        # Every character in order: a Detail broken inside a long path gains a space, nothing else.
        ($columns.Detail -replace '\s') | Should -BeExactly (($checks.Detail -join '') -replace '\s')
        ($columns.Name -replace '\s') | Should -BeExactly (($checks.Name -join '') -replace '\s')
    }

    It 'shows progress naming each check while it waits for it, and completes it' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddCommand('Import-Module').AddArgument((Join-Path $ModuleDir 'SmartCardPS.psd1')).AddStatement()
            $null = $ps.AddCommand('Test-SmartCardSetup')
            $checks = @($ps.Invoke())
            $ps.Streams.Error | Should -BeNullOrEmpty
            $progress = @($ps.Streams.Progress)
            $progress | Should -Not -BeNullOrEmpty
            $progress | ForEach-Object { $_.Activity | Should -Be 'Test-SmartCardSetup' }
            foreach ($name in $checks.Name | Select-Object -Unique) {
                @($progress | Where-Object StatusDescription -Like "*$name*") | Should -Not -BeNullOrEmpty -Because "the wait for '$name' is shown"
            }
            $progress[-1].RecordType | Should -Be 'Completed'
            ($progress | Where-Object RecordType -EQ 'Processing').PercentComplete | Should -Be (($progress | Where-Object RecordType -EQ 'Processing').PercentComplete | Sort-Object)
        }
        finally { $ps.Dispose() }
    }

    It 'survives ConvertTo-Json and remoting serialization with readable values and its view' {
        $check = Get-Check 'Readers'
        $json = $check | ConvertTo-Json | ConvertFrom-Json
        $json.Status | Should -Be 'Pass'
        $json.Name | Should -Be 'Readers'
        $clone = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($check))
        $clone.PSObject.TypeNames | Should -Contain 'Deserialized.SmartCardPS.Setup.SetupCheck'
        $clone.Status | Should -Be 'Pass'
        ($clone | Format-Table | Out-String -Width 80) | Should -Match 'Status\s+Name\s+Detail'
    }
}

# -ReportPath (issue 24, section 4): the JUnit XML report, read back by a real consumer of such reports (Debian's
# python3-junitparser, as CI tools read them).
Describe 'Test-SmartCardSetup -ReportPath' -Skip:$NoFixture {
    BeforeAll {
        $script:Reader = Join-Path $PSScriptRoot '../Support/data/read-junit.py'
        $script:HasJUnitParser = (Test-Path /usr/bin/python3) -and $(& /usr/bin/python3 -c 'import junitparser' 2>$null; $LASTEXITCODE -eq 0)

        # What junitparser makes of the report: counts and each testcase.
        function Read-JUnit([string] $Path) {
            $json = & /usr/bin/python3 $Reader $Path
            if ($LASTEXITCODE) { throw "junitparser could not read ${Path}: $json" }
            $json | ConvertFrom-Json
        }

        # The message each result must come back with.
        function Get-Message($Check) { if ($null -eq $Check.Remedy) { "$($Check.Detail)" } else { "$($Check.Detail)`nRemedy: $($Check.Remedy)" } }
    }

    BeforeEach {
        Reset-GoodSetup
        $script:Report = Join-Path $TestDrive "report-$([guid]::NewGuid().ToString('N')).xml"
    }

    It 'writes one testcase per result that junitparser counts and reads back as written: Fail as failure, Skip as skipped, Warn and Pass as passed with a note' {
        Assert-TestDependency $HasJUnitParser 'python3-junitparser'
        # OpenSC unregistered is a Fail, no card a Warn; the rest pass or skip.
        Unregister-OpenScModule
        $checks = @(Test-SmartCardSetup -ReportPath $Report)
        $checks.Status | Should -Contain 'Fail'
        $checks.Status | Should -Contain 'Warn'
        $checks.Status | Should -Contain 'Pass'
        $read = Read-JUnit $Report
        $read.tests | Should -Be $checks.Count
        $read.failures | Should -Be @($checks | Where-Object Status -EQ 'Fail').Count
        $read.skipped | Should -Be @($checks | Where-Object Status -EQ 'Skip').Count
        $read.errors | Should -Be 0
        $read.suites.Count | Should -Be 1
        $cases = $read.suites[0].cases
        $cases.name | Should -Be $checks.Name
        for ($i = 0; $i -lt $checks.Count; $i++) {
            $check, $case = $checks[$i], $cases[$i]
            $because = "$($check.Status) $($check.Name)"
            $case.classname | Should -Be 'Test-SmartCardSetup'
            $case.time | Should -Be ([math]::Round($check.Elapsed.TotalSeconds, 3)) -Because $because
            switch ($check.Status) {
                'Fail' { $case.outcome | Should -Be 'failure' -Because $because; $case.message | Should -BeExactly (Get-Message $check); $case.text | Should -BeExactly (Get-Message $check) }
                'Skip' { $case.outcome | Should -Be 'skipped' -Because $because; $case.message | Should -BeExactly (Get-Message $check) }
                default { $case.outcome | Should -Be 'passed' -Because $because; $case.systemOut | Should -BeExactly "$($check.Status): $(Get-Message $check)" }
            }
        }
        ($cases | Where-Object name -EQ 'OpenSC registered with p11-kit').message | Should -BeLike "no p11-kit module config names *`nRemedy: *Register-OpenScModule*"
        ($cases | Where-Object name -EQ 'Card').systemOut | Should -BeLike "Warn: no reader holds a card`nRemedy: insert a card*"
    }

    It 'keeps markup and hidden characters of token labels and module paths as the checks escaped them, in a report junitparser reads' {
        Assert-TestDependency $HasJUnitParser 'python3-junitparser'
        $label = "<b>&`"x`"</b>`u{202E}"
        $Hsm.AddToken($label)
        try {
            Set-TestModuleConfig $SystemModuleDir 'broken' "module: /nonexistent/lib`e]0;<pwned>&.so`ncritical: yes`n" | Out-Null
            $checks = @(Test-SmartCardSetup -ReportPath $Report)
            $cases = (Read-JUnit $Report).suites[0].cases
            $tokens = $checks | Where-Object Name -EQ 'PKCS#11 tokens'
            $tokens.Detail | Should -BeLike "*'<b>&`"x`"</b>\u202E'*"
            ($cases | Where-Object name -EQ 'PKCS#11 tokens').systemOut | Should -BeExactly "$($tokens.Status): $(Get-Message $tokens)"
            $modules = $checks | Where-Object Name -EQ 'PKCS#11 modules'
            $modules.Status | Should -Be 'Fail'
            ($cases | Where-Object name -EQ 'PKCS#11 modules').message | Should -BeExactly (Get-Message $modules)
            $xml = Get-Content $Report -Raw
            $xml | Should -Not -Match '[\p{Cc}-[\t\n\r]]'
            $xml | Should -Not -Match '<b>'
        }
        finally { $Hsm.RemoveToken($label) }
    }

    It 'still answers -Quiet with one Boolean, writes the report beside it, and keeps the exit-code idiom' {
        Test-SmartCardSetup -Quiet -ReportPath $Report | Should -BeExactly $true
        Test-Path $Report | Should -BeTrue
        ([xml](Get-Content $Report -Raw)).testsuites.failures | Should -Be '0'
        $out = Invoke-ChildPwsh "`$env:OPENSC_CONF = '$OpenScConf'; if (-not (Test-SmartCardSetup -Quiet -RequireCard -ReportPath '$Report')) { exit 3 }; exit 0"
        $LASTEXITCODE | Should -Be 3 -Because "no card is in, so -RequireCard fails: $out"
        ([xml](Get-Content $Report -Raw)).testsuites.failures | Should -Be '1'
    }

    It 'replaces the report of the previous run whole' {
        Set-Content $Report 'an old report, longer than nothing'
        Test-SmartCardSetup -ReportPath $Report | Out-Null
        ([xml](Get-Content $Report -Raw)).testsuites.name | Should -Be 'Test-SmartCardSetup'
    }

    It 'writes an error naming the path when the report cannot be written, and still emits the checks' {
        $missing = Join-Path $TestDrive 'no-such-dir/report.xml'
        $checks = @(Test-SmartCardSetup -ReportPath $missing -ErrorVariable err -ErrorAction SilentlyContinue)
        $checks.Count | Should -BeGreaterThan 0
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Be 'TestSmartCardSetupReportWriteFailed,SmartCardPS.Commands.TestSmartCardSetupCommand'
        $err[0].TargetObject | Should -Be $missing
    }
}
