# Test-SmartCardSetup -ReportPath (issue 24, section 4): the JUnit XML report, read back by a real consumer of such
# reports (Debian's python3-junitparser, as CI tools read them).

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Pkcs11Common.ps1')
    $script:NoFixture = -not ((Test-PcscFixtureRequired) -and (Test-SoftHsmFixtureRequired))
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Pkcs11Common.ps1')
    . (Join-Path $PSScriptRoot 'SetupCommon.ps1')
    $script:Pcsc = Start-TestPcsc
    $script:Hsm = Start-TestSoftHsm -Label 'Report test'
    $script:OpenScConf = Join-Path $TestDrive 'opensc.conf'
    $env:OPENSC_CONF = $OpenScConf
    $script:Reader = Join-Path $PSScriptRoot 'data/read-junit.py'
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

AfterAll {
    Remove-Item Env:OPENSC_CONF -ErrorAction SilentlyContinue
    if ($script:Hsm) { $script:Hsm.Dispose() }
    if ($script:Pcsc) { $script:Pcsc.Dispose() }
    Clear-TestRegistry
}

Describe 'Test-SmartCardSetup -ReportPath' -Skip:$NoFixture {
    BeforeEach {
        Set-Content $OpenScConf "app default {`n`treader_driver pcsc {`n`t`tenable_pinpad = false;`n`t}`n}`n" -NoNewline
        if (-not $Pcsc.DaemonRunning) { $Pcsc.StartDaemon() }
        $Pcsc.SetReaderCount(2)
        Clear-TestRegistry
        $Hsm.Register('softhsm2') | Out-Null
        $script:Report = Join-Path $TestDrive "report-$([guid]::NewGuid().ToString('N')).xml"
    }

    It 'writes one testcase per result that junitparser counts and reads back as written: Fail as failure, Skip as skipped, Warn and Pass as passed with a note' {
        Assert-TestDependency $HasJUnitParser 'python3-junitparser'
        # OpenSC unregistered is a Fail, no card a Warn; the rest pass or skip.
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
        Register-OpenScModule | Out-Null
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
