# Test-SmartCardSetup's speed work (issue 24, section 5): -Check subsets and their completion, Elapsed, each PKCS#11
# module loaded once per run, and modules probed at the same time. No timings are asserted; bench/ measures them.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Common.ps1')
    $script:NoFixture = -not (Test-SoftHsmFixtureRequired)
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Common.ps1')
    $script:Hsm = Start-TestSoftHsm -Label 'Check test'
    # Over two different modules: two shims over one SoftHSM would share its one initialisation in this process.
    $script:Shims = @(New-TestPkcs11Shim; if (Test-Path $OpenScLibrary) { New-TestPkcs11Shim -Target $OpenScLibrary }) | Where-Object { $_ }
    $script:Manifest = Join-Path $ModuleDir 'SmartCardPS.psd1'
}

AfterAll {
    foreach ($shim in $script:Shims) { $shim.Unblock(); $shim.Dispose() }
    if ($script:Hsm) { $script:Hsm.Dispose() }
    Clear-TestRegistry
}

Describe 'Test-SmartCardSetup -Check and Elapsed' -Skip:$NoFixture {
    BeforeEach {
        Clear-TestRegistry
        $Hsm.Register('softhsm2') | Out-Null
    }

    It 'runs only the checks named, with wildcards, in their order' {
        $checks = @(Test-SmartCardSetup -Check 'PKCS#11 modules', 'PC/SC*')
        $checks.Name | Should -Be @('PC/SC library', 'PC/SC service', 'PKCS#11 modules')
    }

    It 'writes ObjectNotFound naming the checks for a name that is no check, and runs the others' {
        $checks = @(Test-SmartCardSetup -Check 'PKCS#11 tokens', 'No such check' -ErrorVariable err -ErrorAction SilentlyContinue)
        $checks.Name | Should -Be @('PKCS#11 tokens')
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Be 'TestSmartCardSetupNotFound,SmartCardPS.Commands.TestSmartCardSetupCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].Exception.Message | Should -BeLike "There is no setup check named 'No such check'; the checks are: PC/SC library, *PKCS#11 PINs*"
        { Test-SmartCardSetup -Check 'No such check' -ErrorAction Stop } | Should -Throw -ErrorId 'TestSmartCardSetupNotFound,SmartCardPS.Commands.TestSmartCardSetupCommand'
    }

    It 'answers -Quiet for the checks named only' {
        Test-SmartCardSetup -Check 'PKCS#11 tokens', 'PKCS#11 PINs' -Quiet | Should -BeExactly $true
        Test-SmartCardSetup -Check 'OpenSC registered with p11-kit' -Quiet | Should -BeExactly $false -Because 'only SoftHSM is registered'
    }

    It 'tab-completes the check names, quoted where they hold spaces or #' {
        $line = 'Test-SmartCardSetup -Check PKCS'
        $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches
        $completions.CompletionText | Should -Be @("'PKCS#11 modules'", "'PKCS#11 PINs'", "'PKCS#11 tokens'")
        $line = 'Test-SmartCardSetup -Check '
        $all = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.ListItemText
        $all | Should -Contain 'PC/SC service'
        $all.Count | Should -Be (Test-SmartCardSetup).Name.Count -Because 'every check completes, and every check gives one result here'
    }

    It 'gives each result the time its check ran' {
        $checks = @(Test-SmartCardSetup)
        foreach ($c in $checks) {
            $c.Elapsed | Should -BeOfType ([timespan])
            $c.Elapsed | Should -BeGreaterThan ([timespan]::Zero) -Because $c.Name
        }
        ($checks | ConvertTo-Json | ConvertFrom-Json)[0].Elapsed.Ticks | Should -Be $checks[0].Elapsed.Ticks
        ($checks[0] | Format-List | Out-String) | Should -Match 'Elapsed\s*:\s*[\d,]+ ms'
    }

    It 'loads each PKCS#11 module once for all the checks that read its tokens' {
        Assert-TestDependency ($Shims.Count -ge 1) 'gcc (for the PKCS#11 shim)'
        Clear-TestRegistry
        $Hsm.Register('shim', $PackageModuleDir, "module: $($Shims[0].LibraryPath)`n") | Out-Null
        $Shims[0].ResetLog()
        $checks = @(Test-SmartCardSetup -Check 'PKCS#11 tokens', 'PKCS#11 PINs', 'PKCS#11 modules')
        $checks.Status | Should -Be @('Pass', 'Pass', 'Pass')
        $Shims[0].Initializations | Should -Be 1 -Because "three checks read the module's tokens: $($Shims[0].Log -join ', ')"
        $Shims[0].Finalizations | Should -Be 1
    }

    It 'probes the PKCS#11 modules at the same time: two modules stuck in C_GetSlotList are both inside it at once' {
        Assert-TestDependency ($Shims.Count -eq 2) 'gcc (for the PKCS#11 shim) and OpenSC'
        Clear-TestRegistry
        $Hsm.Register('shim-a', $PackageModuleDir, "module: $($Shims[0].LibraryPath)`n") | Out-Null
        $Hsm.Register('shim-b', $PackageModuleDir, "module: $($Shims[1].LibraryPath)`n") | Out-Null
        foreach ($shim in $Shims) { $shim.ResetLog(); $shim.Block() }
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$Manifest'; Test-SmartCardSetup -Check 'PKCS#11 modules'")
            $run = $ps.BeginInvoke()
            # One after the other, the second would not be entered before the first is let go.
            foreach ($shim in $Shims) { $shim.WaitEntered([timespan]::FromSeconds(60)) | Should -BeTrue -Because 'both modules are probed at once' }
            foreach ($shim in $Shims) { $shim.Unblock() }
            $result = $ps.EndInvoke($run)
            $result.Status | Should -Be 'Pass' -Because "$($result.Detail) $($ps.Streams.Error)"
            $result.Detail | Should -BeLike "all 2 module(s) load: shim-a, shim-b"
        }
        finally {
            foreach ($shim in $Shims) { $shim.Unblock() }
            $ps.Dispose()
        }
    }
}
