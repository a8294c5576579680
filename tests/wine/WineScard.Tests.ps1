# tests/wine/winscard.sh puts its winscard.dll into Wine's own directories for one run and must always put Wine's
# files back (issue 21): after the command, after TERM or Ctrl+C, and after a SIGKILL, at the next run or restore.
# It runs here on a copy of Wine's tree (SMARTCARDPS_WINE_LIB), with real dpkg diversions, because the Wine tests
# beside it hold Wine's own directory for their whole run; the suite's machine check covers the real files.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../pester/Support/Common.ps1')
    . (Join-Path $PSScriptRoot 'WineCommon.ps1')
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../pester/Support/Common.ps1')
    . (Join-Path $PSScriptRoot 'WineCommon.ps1')
    $script:Script = Join-Path $PSScriptRoot 'winscard.sh'
    $script:Missing = & $Script unavailable
    $script:WineLib = Join-Path $TestDrive 'wine'
    $script:Dll = Join-Path $WineLib 'x86_64-windows/winscard.dll'
    $script:So = Join-Path $WineLib 'x86_64-unix/winscard.so'
    # Wine's own file: set aside under this name while the Wine tests beside run with the test DLL in its place.
    $script:Original = '/usr/lib/x86_64-linux-gnu/wine/x86_64-windows/winscard.dll'
    if (Test-Path "$Original.smartcardps-distrib") { $script:Original = "$Original.smartcardps-distrib" }

    function Reset-TestTree {
        if (Test-Path $WineLib) { & $Script restore; Remove-Item -LiteralPath $WineLib -Recurse -Force }
        $null = New-Item -ItemType Directory (Split-Path $Dll), (Split-Path $So)
        Copy-Item -LiteralPath $Original -Destination $Dll
    }

    function Get-TestDiversion { @(& dpkg-divert --list | Where-Object { $_.Contains($WineLib) }) }

    function Assert-Restored {
        (Get-FileHash -LiteralPath $Dll).Hash | Should -Be (Get-FileHash -LiteralPath $Original).Hash
        Test-Path -LiteralPath $So | Should -BeFalse
        @(Get-ChildItem -LiteralPath (Split-Path $Dll), (Split-Path $So) -Name) | Should -Be @('winscard.dll')
        Get-TestDiversion | Should -BeNullOrEmpty
    }

    # Starts `winscard.sh run sleep` and waits until the test DLL is in place.
    function Start-TestRun {
        $info = [Diagnostics.ProcessStartInfo]::new('/usr/bin/setsid', [string[]]@($Script, 'run', 'sleep', '600'))
        $info.Environment['SMARTCARDPS_WINE_LIB'] = $WineLib
        $run = [Diagnostics.Process]::Start($info)
        $sw = [Diagnostics.Stopwatch]::StartNew()
        while (-not (Test-Path -LiteralPath $So)) {
            if ($run.HasExited) { throw "winscard.sh run exited with $($run.ExitCode) before installing" }
            if ($sw.Elapsed.TotalSeconds -gt 60) { throw 'winscard.sh run did not install within 60 s' }
            Start-Sleep -Milliseconds 20
        }
        $run
    }
}

AfterAll {
    if ($WineLib -and (Test-Path $WineLib)) {
        $env:SMARTCARDPS_WINE_LIB = $WineLib
        try { & $Script restore } finally { Remove-Item Env:SMARTCARDPS_WINE_LIB }
    }
}

Describe 'tests/wine/winscard.sh installs the test winscard.dll and puts Wine''s back' -Tag Wine {
    BeforeEach {
        Assert-TestDependency (-not $Missing -and (& id -u) -eq '0') "what winscard.sh needs ($Missing; root)"
        $env:SMARTCARDPS_WINE_LIB = $WineLib
        Reset-TestTree
    }
    AfterEach { Remove-Item Env:SMARTCARDPS_WINE_LIB -ErrorAction SilentlyContinue }

    It 'installs a Wine builtin and its Unix half for the command, and restores both after it' {
        $during = & $Script run /bin/sh -c "sha256sum '$Dll'; test -f '$So' && echo so-present; echo `$SMARTCARDPS_WINSCARD; /usr/lib/wine/winedump '$Dll' | grep -c 'Wine builtin DLL'"
        $LASTEXITCODE | Should -Be 0
        $during[0] | Should -Not -Match (Get-FileHash -LiteralPath $Original).Hash.ToLower()
        $during[1..3] | Should -Be 'so-present', '1', '1'
        Assert-Restored
    }

    It 'passes the command''s exit code through and restores after a failure' {
        & $Script run /bin/sh -c 'exit 7'
        $LASTEXITCODE | Should -Be 7
        Assert-Restored
    }

    It 'restores when the run is stopped with TERM' {
        $run = Start-TestRun
        Get-TestDiversion | Should -HaveCount 2
        & kill -TERM $run.Id
        $run.WaitForExit()
        Assert-Restored
    }

    It 'restores what a SIGKILLed run left, with restore and at the next run' {
        $run = Start-TestRun
        # The run's whole process group (setsid made it): the script and its sleep.
        & kill -KILL -- "-$($run.Id)"
        $run.WaitForExit()
        Get-TestDiversion | Should -HaveCount 2
        & $Script restore
        Assert-Restored

        $run = Start-TestRun
        # The run's whole process group (setsid made it): the script and its sleep.
        & kill -KILL -- "-$($run.Id)"
        $run.WaitForExit()
        & $Script run /bin/true
        $LASTEXITCODE | Should -Be 0
        Assert-Restored
    }
}
