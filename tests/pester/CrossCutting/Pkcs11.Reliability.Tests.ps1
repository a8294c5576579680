# Issue 8's PKCS#11 defects, each against real modules: SoftHSM, and a shim module (a real library built with gcc
# that forwards to SoftHSM) that fails one token or gets stuck in a call.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Common.ps1')
    $script:NoFixture = -not (Test-SoftHsmFixtureRequired)
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Common.ps1')
    $script:Hsm = Start-TestSoftHsm -Label 'Alpha', 'Broken token', 'NoMech token'
    $script:Pwsh = Join-Path $PSHOME 'pwsh'
    $script:Manifest = Join-Path $ModuleDir 'SmartCardPS.psd1'

    # Runs a script in a new pwsh (a crash there must not take the test run with it); its output and exit code.
    function Invoke-ChildPwsh([string] $Script, [int] $TimeoutSeconds = 120) {
        $file = Join-Path ([IO.Path]::GetTempPath()) "smartcardps-child-$([guid]::NewGuid().ToString('N')).ps1"
        Set-Content $file ("`$ErrorActionPreference = 'Stop'`n" + $Script)
        try {
            $psi = [Diagnostics.ProcessStartInfo]::new($Pwsh)
            foreach ($a in '-NoProfile', '-NonInteractive', '-File', $file) { $psi.ArgumentList.Add($a) }
            $psi.RedirectStandardOutput = $true
            $psi.RedirectStandardError = $true
            $p = [Diagnostics.Process]::Start($psi)
            $out = $p.StandardOutput.ReadToEndAsync()
            $err = $p.StandardError.ReadToEndAsync()
            if (-not $p.WaitForExit($TimeoutSeconds * 1000)) { $p.Kill($true); throw "The child pwsh hung for $TimeoutSeconds s." }
            $p.WaitForExit()
            [pscustomobject]@{ ExitCode = $p.ExitCode; Output = $out.Result; Error = $err.Result }
        }
        finally { Remove-Item $file -ErrorAction SilentlyContinue }
    }
}

AfterAll {
    if ($script:Hsm) { $script:Hsm.Dispose() }
    Clear-TestRegistry
}

Describe 'PKCS#11 modules shared by runspaces and threads' -Skip:$NoFixture {
    BeforeAll {
        Clear-TestRegistry
        $Hsm.Register('softhsm2') | Out-Null
    }

    It 'lists SoftHSM from 3 parallel runspaces and a thread job beside the main runspace, without crashing' {
        $result = Invoke-ChildPwsh @"
`$counts = 1..3 | ForEach-Object -Parallel { Import-Module '$Manifest'; 1..10 | ForEach-Object { @(Get-Pkcs11Token -Module softhsm2).Count } } -ThrottleLimit 3
Import-Module '$Manifest'
`$job = Start-ThreadJob { Import-Module '$Manifest'; 1..20 | ForEach-Object { @(Get-Pkcs11Token -Module softhsm2).Count } }
`$mine = 1..20 | ForEach-Object { @(Get-Pkcs11Token -Module softhsm2).Count }
`$theirs = Receive-Job `$job -Wait
Remove-Job `$job -Force
"counts=`$((@(`$counts) + @(`$mine) + @(`$theirs) | Sort-Object -Unique) -join ',') n=`$(@(`$counts).Count + @(`$mine).Count + @(`$theirs).Count)"
"@
        $result.ExitCode | Should -Be 0 -Because $result.Error
        # Three initialised tokens; SoftHSM's spare uninitialised one is not listed by default (p11tool's set).
        $result.Output.Trim() | Should -Be 'counts=3 n=70'
        $result.Error | Should -BeNullOrEmpty
    }
}

Describe 'A module that fails one token, or is stuck in a call' -Skip:$NoFixture {
    BeforeAll {
        $script:Shim = New-TestPkcs11Shim
        Clear-TestRegistry
        $Hsm.Register('softhsm2') | Out-Null
        if ($Shim) { $Hsm.Register('shim', $PackageModuleDir, "module: $($Shim.LibraryPath)`n") | Out-Null }
    }

    AfterAll {
        if ($Shim) { $Shim.Dispose() }
    }

    It 'reports the failing token as one non-terminating error naming module, slot and CKR_ code; the rest still lists' {
        $tokens = @(Get-Pkcs11Token -ErrorVariable failures -ErrorAction SilentlyContinue)
        @($tokens | Where-Object Module -EQ 'softhsm2').Label | Should -Contain 'Broken token'
        @($tokens | Where-Object Module -EQ 'shim' | Where-Object Label).Label | Sort-Object | Should -Be 'Alpha', 'NoMech token'
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'GetPkcs11TokenSlotFailed,SmartCardPS.Commands.GetPkcs11TokenCommand'
        $failures[0].CategoryInfo.Category | Should -Be 'DeviceError'
        $slot = $failures[0].Exception.SlotId
        $slot | Should -Not -BeNullOrEmpty
        $failures[0].Exception.Message | Should -BeLike "Slot $slot of the PKCS#11 module 'shim' (*)*: C_GetTokenInfo returned CKR_DEVICE_ERROR"
        $failures[0].Exception.ReturnValueName | Should -Be 'CKR_DEVICE_ERROR'
        # -ErrorAction Stop still stops at it: the error is an ordinary non-terminating one.
        { Get-Pkcs11Token -Module shim -ErrorAction Stop } | Should -Throw -ErrorId 'GetPkcs11TokenSlotFailed,SmartCardPS.Commands.GetPkcs11TokenCommand'
    }

    It 'reports a token whose mechanism list fails and still lists the other tokens'' mechanisms' {
        $mechanisms = @(Get-Pkcs11Token -Module shim -ErrorAction SilentlyContinue | Where-Object Label | Get-Pkcs11Mechanism -ErrorVariable failures -ErrorAction SilentlyContinue)
        ($mechanisms.Token | Sort-Object -Unique) | Should -Be 'Alpha'
        $mechanisms.Name | Should -Contain 'CKM_SHA256'
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'GetPkcs11MechanismSlotFailed,SmartCardPS.Commands.GetPkcs11MechanismCommand'
        $failures[0].Exception.Message | Should -BeLike "Slot * of the PKCS#11 module 'shim' (*)*: C_GetMechanismList returned CKR_FUNCTION_FAILED"
    }

    It 'completes -Label from the last listing while a module is stuck, and refreshes in the background' {
        try { Get-Pkcs11Token -ErrorAction SilentlyContinue | Out-Null } catch { Write-Warning "Listing failed: $_" }
        $Shim.ResetLog()
        $Shim.Block()
        try {
            $ps = [powershell]::Create()
            $null = $ps.AddScript("Import-Module '$Manifest'; (TabExpansion2 -inputScript `$args[0] -cursorColumn `$args[0].Length).CompletionMatches.ListItemText").AddArgument('Get-Pkcs11Token -Label No')
            $run = $ps.BeginInvoke()
            # A hang guard, not a timing: loading the stuck module on the completion thread would never return.
            $run.AsyncWaitHandle.WaitOne([timespan]::FromSeconds(30)) | Should -BeTrue -Because 'completion must not wait for a module'
            $ps.EndInvoke($run) | Should -Be 'NoMech token'
            $Shim.WaitEntered([timespan]::FromSeconds(30)) | Should -BeTrue -Because 'the refresh runs in the background'
        }
        finally {
            $Shim.Unblock()
            if ($ps) { $ps.Dispose() }
        }
        # The refresh lets go of the module once its call returns. Waiting for that here also keeps its C_Finalize
        # out of the next test's log, where it once landed after ResetLog and read as a finalization mid-call.
        $wait = [Diagnostics.Stopwatch]::StartNew()
        while ($Shim.Finalizations -eq 0 -and $wait.Elapsed.TotalSeconds -lt 30) { Start-Sleep -Milliseconds 20 }
        $Shim.Finalizations | Should -Be 1 -Because 'the background refresh releases the module when its call returns'
    }

    It 'answers the first Tab on -Token in a process while a module is stuck, and the listing then answers a later Tab' {
        # A new process: its token listing is empty, so the first Tab is the one that used to load every module itself.
        $Shim.ResetLog()
        $Shim.Block()
        $first = Join-Path $TestDrive 'first-tab.txt'
        $later = Join-Path $TestDrive 'later-tab.txt'
        $block = Join-Path $Shim.ControlDirectory 'block'
        $script = @"
Import-Module '$Manifest'
function Complete([string] `$line) { @((TabExpansion2 -inputScript `$line -cursorColumn `$line.Length).CompletionMatches.ListItemText) -join ',' }
Set-Content '$first' "first:`$(Complete 'Get-Pkcs11Mechanism -Token ')"
while (Test-Path '$block') { Start-Sleep -Milliseconds 20 }
`$clock = [Diagnostics.Stopwatch]::StartNew()
do { `$offered = Complete 'Get-Pkcs11Mechanism -Token No' } until (`$offered -or `$clock.Elapsed.TotalSeconds -gt 60)
Set-Content '$later' "later:`$offered"
"@
        $child = $null
        try {
            $psi = [Diagnostics.ProcessStartInfo]::new($Pwsh)
            foreach ($a in '-NoProfile', '-NonInteractive', '-Command', $script) { $psi.ArgumentList.Add($a) }
            $child = [Diagnostics.Process]::Start($psi)
            # A hang guard, not a timing: a first Tab that loads the stuck module itself never answers.
            $clock = [Diagnostics.Stopwatch]::StartNew()
            while (-not (Test-Path $first) -and -not $child.HasExited -and $clock.Elapsed.TotalSeconds -lt 60) { Start-Sleep -Milliseconds 20 }
            Test-Path $first | Should -BeTrue -Because 'the first Tab must answer while the module is still stuck'
            # Still stuck: only this test releases it, below, after the answer came.
            Test-Path $block | Should -BeTrue
            (Get-Content $first -Raw).Trim() | Should -Be 'first:' -Because 'nothing is listed yet'
            $Shim.WaitEntered([timespan]::FromSeconds(60)) | Should -BeTrue -Because 'the listing goes on in the background'
        }
        finally {
            $Shim.Unblock()
        }
        if ($child -and -not $child.WaitForExit(120000)) { $child.Kill($true); throw 'The child pwsh hung for 120 s after the module was released.' }
        (Get-Content $later -Raw).Trim() | Should -Be 'later:NoMech token'
    }

    It 'stops within a second while the module is stuck in a call, and finalizes the module once the call returns' {
        $Shim.ResetLog()
        $Shim.Block()
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$Manifest'; Get-Pkcs11Token -Module '$($Shim.LibraryPath)'")
            $run = $ps.BeginInvoke()
            $Shim.WaitEntered([timespan]::FromSeconds(60)) | Should -BeTrue -Because 'the listing must reach C_GetSlotList'
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $stop = $ps.BeginStop($null, $null)
            $stopped = $stop.AsyncWaitHandle.WaitOne([timespan]::FromSeconds(30))
            $clock.Stop()
            $stopped | Should -BeTrue -Because 'Stop must return while the module is still stuck'
            # The bound of the issue is 1 s; a loaded 2-core machine gets some slack, still far below the 23 s of old.
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 3
            $Shim.Finalizations | Should -Be 0 -Because 'the call is still inside the module'
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
        }
        finally {
            $Shim.Unblock()
        }
        $wait = [Diagnostics.Stopwatch]::StartNew()
        while ($Shim.Finalizations -eq 0 -and $wait.Elapsed.TotalSeconds -lt 30) { Start-Sleep -Milliseconds 20 }
        $Shim.Finalizations | Should -Be 1
        $ps.Dispose()
    }
}
