# The harness itself: build.ps1's verdict must fail on every way a run can lie (a crashed host, tests that never
# ran, skips under CI, a changed machine). Fed crafted .trx files, console logs and Pester results.
BeforeAll {
    . (Join-Path $PSScriptRoot '../../../build/BuildHelpers.ps1')
    $script:Scratch = Join-Path ([IO.Path]::GetTempPath()) "smartcardps-harness-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    New-Item -ItemType Directory $Scratch | Out-Null

    # A .trx as vstest writes it: one UnitTestResult per result, a skip reason in ErrorInfo/Message.
    function New-TestTrx([hashtable[]] $Result) {
        $rows = foreach ($r in $Result) {
            $message = if ($r.Message) { "<Output><ErrorInfo><Message>$([Security.SecurityElement]::Escape($r.Message))</Message></ErrorInfo></Output>" }
            $duration = if ($r.Duration) { " duration=`"$($r.Duration)`"" }
            "<UnitTestResult testName=`"$([Security.SecurityElement]::Escape($r.Name))`" outcome=`"$($r.Outcome)`"$duration>$message</UnitTestResult>"
        }
        $path = Join-Path $Scratch "$([guid]::NewGuid().ToString('N')).trx"
        Set-Content $path "<?xml version=`"1.0`" encoding=`"utf-8`"?><TestRun xmlns=`"http://microsoft.com/schemas/VisualStudio/TeamTest/2010`"><Results>$($rows -join '')</Results></TestRun>"
        $path
    }

    function New-TestPesterJson([hashtable] $Counts) {
        $path = Join-Path $Scratch "$([guid]::NewGuid().ToString('N')).json"
        $all = @{ Passed = 2; Failed = 0; Skipped = 0; Total = 2; NotRun = 0; NotRunNames = @(); FailedContainers = 0; FailedContainerNames = @(); SkippedTests = @() }
        foreach ($k in $Counts.Keys) { $all[$k] = $Counts[$k] }
        [pscustomobject]$all | ConvertTo-Json -Depth 4 | Set-Content $path
        $path
    }

    # The summary's exit code and its last line, as build.ps1 prints them.
    function Invoke-TestSummary([object[]] $Runs, [string[]] $MachineChanges = @(), [bool] $Ci = $false) {
        $lines = @(Write-SuiteSummary -Runs $Runs -MachineChanges $MachineChanges -Ci $Ci 6>&1 | ForEach-Object { "$_" })
        [pscustomobject]@{ ExitCode = [int]$lines[-1]; Last = $lines[-2]; Text = $lines -join "`n" }
    }

    $script:Names = 'T.A', 'T.B(x: 1)', 'T.B(x: 2)'
    $script:CleanLog = 'Test Run Successful.', 'Total tests: 3', '     Passed: 3'
    $script:GoodTrx = New-TestTrx @(foreach ($n in $Names) { @{ Name = $n; Outcome = 'Passed' } })
    $script:GoodPester = Get-PesterRun -JsonPath (New-TestPesterJson @{}) -ExitCode 0
}

AfterAll {
    Remove-Item $Scratch -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'The test harness' {
    It 'passes a clean run and counts xunit and Pester together' {
        $xunit = Get-XunitRun -TrxPath $GoodTrx -ConsoleLog $CleanLog -ExitCode 0 -Discovered $Names
        $xunit.Problems | Should -BeNullOrEmpty
        $s = Invoke-TestSummary $xunit, $GoodPester
        $s.Last | Should -Be '5 passed, 0 failed, 0 skipped'
        $s.ExitCode | Should -Be 0
        $s.Text | Should -Match 'Skipped tests \(0\): none'
    }

    It 'lists the slowest xunit tests and Pester files above the counts line' {
        $trx = New-TestTrx @{ Name = 'T.A'; Outcome = 'Passed'; Duration = '00:00:21.1400000' }, @{ Name = 'T.B(x: 1)'; Outcome = 'Passed'; Duration = '00:00:00.0100000' },
            @{ Name = 'T.B(x: 2)'; Outcome = 'Passed'; Duration = '00:00:02.5000000' }
        $xunit = Get-XunitRun -TrxPath $trx -ConsoleLog $CleanLog -ExitCode 0 -Discovered $Names
        $pester = Get-PesterRun -JsonPath (New-TestPesterJson @{ Files = @(@{ Name = 'Fast.Tests.ps1'; Seconds = 0.4 }, @{ Name = 'Slow.Tests.ps1'; Seconds = 12.5 }) }) -ExitCode 0
        $s = Invoke-TestSummary $xunit, $pester
        $s.Text | Should -Match 'Slowest in xunit: T\.A 21\.1 s, T\.B\(x: 2\) 2\.5 s, T\.B\(x: 1\) 0 s'
        $s.Text | Should -Match 'Slowest in Pester: Slow\.Tests\.ps1 12\.5 s, Fast\.Tests\.ps1 0\.4 s'
        $s.Last | Should -Be '5 passed, 0 failed, 0 skipped'
        $s.ExitCode | Should -Be 0
    }

    It 'names each failed test with the first line of its message just above the counts line' {
        $trx = New-TestTrx @{ Name = 'T.A'; Outcome = 'Passed' }, @{ Name = 'T.B(x: 1)'; Outcome = 'Failed'; Message = "Assert.Equal() Failure`nExpected: 1" },
            @{ Name = 'T.B(x: 2)'; Outcome = 'Passed' }
        $xunit = Get-XunitRun -TrxPath $trx -ConsoleLog $CleanLog -ExitCode 1 -Discovered $Names
        $pester = Get-PesterRun -JsonPath (New-TestPesterJson @{ Passed = 1; Failed = 1; FailedTests = @(@{ Name = 'D.leaks nothing'; Message = ('Expected 0, but got 2.' + 'x' * 400) }) }) -ExitCode 1
        $s = Invoke-TestSummary $xunit, $pester
        $s.Text | Should -Match "Failed tests \(2\):\n  xunit: T\.B\(x: 1\) \(Assert\.Equal\(\) Failure\)\n  Pester: D\.leaks nothing \(Expected 0, but got 2\.x{200,300}…\)\n(.*\n)*xunit: 2 passed, 1 failed"
        $s.Last | Should -Be '3 passed, 2 failed, 0 skipped'
        (Invoke-TestSummary $xunit, $GoodPester -Ci $true).Text | Should -Match 'Failed tests \(1\):'
        (Invoke-TestSummary $GoodPester).Text | Should -Not -Match 'Failed tests'
    }

    It 'fails when dotnet test exits non-zero, even if every result in the .trx passed' {
        $xunit = Get-XunitRun -TrxPath $GoodTrx -ConsoleLog $CleanLog -ExitCode 1 -Discovered $Names
        ($xunit.Problems -join "`n") | Should -Match 'exited with code 1'
        $s = Invoke-TestSummary $xunit, $GoodPester
        $s.ExitCode | Should -Be 1
        $s.Last | Should -Be '5 passed, 1 failed, 0 skipped'
    }

    It 'fails an aborted run whose host crashed' {
        $log = 'The active test run was aborted. Reason: Test host process crashed : Process terminated. planted', 'Test Run Aborted.'
        $xunit = Get-XunitRun -TrxPath $GoodTrx -ConsoleLog $log -ExitCode 0 -Discovered $Names
        ($xunit.Problems -join "`n") | Should -Match 'aborted'
        (Invoke-TestSummary $xunit, $GoodPester).ExitCode | Should -Be 1
    }

    It 'fails when fewer tests ran than were discovered, naming them' {
        $trx = New-TestTrx @{ Name = 'T.A'; Outcome = 'Passed' }
        $xunit = Get-XunitRun -TrxPath $trx -ConsoleLog $CleanLog -ExitCode 0 -Discovered $Names
        ($xunit.Problems -join "`n") | Should -Match '2 of 3 discovered xunit tests did not run: T\.B\(x: 1\), T\.B\(x: 2\)'
        (Invoke-TestSummary $xunit, $GoodPester).Last | Should -Be '3 passed, 2 failed, 0 skipped'
    }

    It 'counts a theory listed once but run per data row as run' {
        $trx = New-TestTrx @{ Name = 'T.C(x: [1])'; Outcome = 'Passed' }, @{ Name = 'T.C(x: [2])'; Outcome = 'Passed' }
        (Get-XunitRun -TrxPath $trx -ConsoleLog $CleanLog -ExitCode 0 -Discovered 'T.C').Problems | Should -BeNullOrEmpty
    }

    It 'fails when xunit wrote no results or discovered nothing' {
        (Get-XunitRun -TrxPath (Join-Path $Scratch 'none.trx') -ConsoleLog @() -ExitCode 0 -Discovered $Names).Problems -join "`n" | Should -Match 'no results'
        (Get-XunitRun -TrxPath $GoodTrx -ConsoleLog $CleanLog -ExitCode 0 -Discovered @()).Problems -join "`n" | Should -Match 'discovered no tests'
    }

    It 'fails a Pester host that crashed or did not run every discovered test' {
        $crashed = Get-PesterRun -JsonPath (Join-Path $Scratch 'none.json') -ExitCode 134
        ($crashed.Problems -join "`n") | Should -Match 'exited with code 134'
        (Invoke-TestSummary $crashed).ExitCode | Should -Be 1
        $notRun = Get-PesterRun -JsonPath (New-TestPesterJson @{ Total = 4; NotRun = 2; NotRunNames = 'D.x', 'D.y' }) -ExitCode 0
        ($notRun.Problems -join "`n") | Should -Match '2 of 4 discovered Pester tests did not run: D\.x, D\.y'
        (Invoke-TestSummary $notRun).Last | Should -Be '2 passed, 2 failed, 0 skipped'
        $broken = Get-PesterRun -JsonPath (New-TestPesterJson @{ FailedContainers = 1; FailedContainerNames = 'X.Tests.ps1' }) -ExitCode 0
        (Invoke-TestSummary $broken).ExitCode | Should -Be 1
    }

    It 'lists every skip with its reason, and under CI fails them' {
        $trx = New-TestTrx @{ Name = 'T.A'; Outcome = 'Passed' }, @{ Name = 'T.B'; Outcome = 'NotExecuted'; Message = "pcsc-tools' smartcard_list.txt is missing" }
        $xunit = Get-XunitRun -TrxPath $trx -ConsoleLog $CleanLog -ExitCode 0 -Discovered 'T.A', 'T.B'
        $pester = Get-PesterRun -JsonPath (New-TestPesterJson @{ Skipped = 1; SkippedTests = @(@{ Name = 'D.skipped one'; Reason = 'why' }) }) -ExitCode 0
        $local = Invoke-TestSummary $xunit, $pester
        $local.Text | Should -Match "Skipped tests \(2\):\n  xunit: T\.B \(pcsc-tools' smartcard_list\.txt is missing\)\n  Pester: D\.skipped one \(why\)"
        $local.Last | Should -Be '3 passed, 0 failed, 2 skipped'
        $local.ExitCode | Should -Be 0
        $ci = Invoke-TestSummary $xunit, $pester -Ci $true
        $ci.Last | Should -Be '3 passed, 2 failed, 0 skipped'
        $ci.ExitCode | Should -Be 1
        $ci.Text | Should -Match 'under CI no test may skip'
    }

    It 'counts an inconclusive Pester test as a skip with its reason, so it never passes unseen' {
        $file = Join-Path $Scratch 'Inconclusive.Tests.ps1'
        Set-Content $file @"
Describe 'D' {
    It 'passes' { 1 | Should -Be 1 }
    It 'could not tell' { Set-ItResult -Inconclusive -Because 'the machine was too slow'; 1 | Should -Be 2 }
}
"@
        $json = Join-Path $Scratch 'inconclusive.json'
        & ([Environment]::ProcessPath) (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -File (Join-Path $PSScriptRoot '../../Invoke-PesterSuite.ps1') -ModuleDir $Scratch -ResultPath $json -Path $file | Out-Null
        $run = Get-PesterRun -JsonPath $json -ExitCode $LASTEXITCODE
        $run.Passed | Should -Be 1
        @($run.Skipped).Count | Should -Be 1
        $run.Skipped[0].Name | Should -Be 'D.could not tell'
        $run.Skipped[0].Reason | Should -Match 'inconclusive.*the machine was too slow'
        (Invoke-TestSummary $run -Ci $true).Last | Should -Be '1 passed, 1 failed, 0 skipped'
    }

    It 'takes any truthy CI value as CI' {
        foreach ($v in 'true', 'True', 'TRUE', '1', 'yes', 'Yes', 'on') { Test-CiRun $v | Should -BeTrue -Because "CI=$v" }
        foreach ($v in '', 'false', '0', 'no') { Test-CiRun $v | Should -BeFalse -Because "CI=$v" }
    }

    It 'fails on any change to the machine' {
        $s = Invoke-TestSummary $GoodPester -MachineChanges 'now: /etc/pkcs11 d 755 0:0'
        $s.ExitCode | Should -Be 1
        $s.Text | Should -Match 'the suite changed the machine: now: /etc/pkcs11'
    }

    It 'reads the test list dotnet test --list-tests prints' {
        $listing = 'Test run for x.dll (.NETCoreApp,Version=v10.0)', 'The following Tests are available:', '    T.A', '    T.B(x: 1, y: "a b")'
        Read-XunitTestList $listing | Should -Be 'T.A', 'T.B(x: 1, y: "a b")'
    }
}

Describe 'The machine-state snapshot' {
    It 'sees a directory appear or go, a file change, a mode change and a new file' {
        $dir = Join-Path $Scratch 'state'
        $before = @(Get-MachineState $dir)
        $before | Should -Be "$dir absent"
        New-Item -ItemType Directory $dir | Out-Null
        Set-Content (Join-Path $dir 'a.module') 'module: a.so'
        $made = @(Get-MachineState $dir)
        Compare-MachineState $before $made | Should -Not -BeNullOrEmpty
        Compare-MachineState $made @(Get-MachineState $dir) | Should -BeNullOrEmpty
        Set-Content (Join-Path $dir 'a.module') 'module: b.so'
        (Compare-MachineState $made @(Get-MachineState $dir)) -join "`n" | Should -Match 'a\.module'
        $edited = @(Get-MachineState $dir)
        & chmod 600 (Join-Path $dir 'a.module')
        (Compare-MachineState $edited @(Get-MachineState $dir)) -join "`n" | Should -Match '(?m)^now: .*a\.module f 600 '
        $chmodded = @(Get-MachineState $dir)
        Set-Content (Join-Path $dir 'b.module') ''
        (Compare-MachineState $chmodded @(Get-MachineState $dir)) -join "`n" | Should -Match '(?m)^now: .*b\.module'
    }

    It 'covers the p11-kit registries, pcscd''s run directory and the user''s config and ATR list' {
        $paths = Get-MachineStatePath
        foreach ($p in '/etc/pkcs11', '/run/pcscd', '/usr/share/pcsc', (Join-Path $HOME '.config/pkcs11'), (Join-Path $HOME '.smartcard_list.txt')) {
            $paths | Should -Contain $p
        }
        $paths | Should -Contain ((& pkg-config --variable=p11_module_configs p11-kit-1) | Select-Object -First 1)
    }

    It 'covers Wine''s winscard files, which the Wine tests replace for their run' {
        $paths = Get-MachineStatePath
        $paths | Should -Contain '/usr/lib/x86_64-linux-gnu/wine/x86_64-windows/winscard.dll'
        $paths | Should -Contain '/usr/lib/x86_64-linux-gnu/wine/x86_64-unix/winscard.so.smartcardps-distrib'
    }
}

Describe 'The module''s one format file' {
    BeforeAll {
        $script:Sources = Join-Path $Scratch 'formats'
        New-Item -ItemType Directory $Sources | Out-Null
        Set-Content (Join-Path $Sources 'A.Format.ps1xml') @'
<?xml version="1.0" encoding="utf-8"?>
<!-- why the A views look as they do -->
<Configuration>
  <SelectionSets><SelectionSet><Name>Both</Name><Types><TypeName>Test.A</TypeName><TypeName>Test.B</TypeName></Types></SelectionSet></SelectionSets>
  <ViewDefinitions>
    <View><Name>Test.A</Name><ViewSelectedBy><TypeName>Test.A</TypeName></ViewSelectedBy>
      <TableControl><TableHeaders><TableColumnHeader><Label>Shown</Label></TableColumnHeader></TableHeaders>
        <TableRowEntries><TableRowEntry><TableColumnItems><TableColumnItem><ScriptBlock>"a&lt;$($_.Value)&gt;"</ScriptBlock></TableColumnItem></TableColumnItems></TableRowEntry></TableRowEntries></TableControl></View>
  </ViewDefinitions>
</Configuration>
'@
        Set-Content (Join-Path $Sources 'B.Format.ps1xml') @'
<?xml version="1.0" encoding="utf-8"?>
<Configuration>
  <ViewDefinitions>
    <View><Name>Test.B</Name><ViewSelectedBy><TypeName>Test.B</TypeName></ViewSelectedBy>
      <ListControl><ListEntries><ListEntry><ListItems><ListItem><Label>Seen</Label><PropertyName>Value</PropertyName></ListItem></ListItems></ListEntry></ListEntries></ListControl></View>
    <View><Name>Test.B.Table</Name><ViewSelectedBy><SelectionSetName>Both</SelectionSetName></ViewSelectedBy>
      <TableControl><TableHeaders><TableColumnHeader /></TableHeaders><TableRowEntries><TableRowEntry><TableColumnItems><TableColumnItem><PropertyName>Value</PropertyName></TableColumnItem></TableColumnItems></TableRowEntry></TableRowEntries></TableControl></View>
  </ViewDefinitions>
</Configuration>
'@
        $script:Joined = Join-Path $Scratch 'Joined.Format.ps1xml'
        Join-FormatFile -Path (Get-ChildItem $Sources -Filter '*.Format.ps1xml').FullName -Destination $Joined
    }

    It 'holds every view and selection set of the sources, script blocks unchanged' {
        $xml = [xml](Get-Content $Joined -Raw)
        @($xml.Configuration.ViewDefinitions.View.Name) | Should -Be 'Test.A', 'Test.B', 'Test.B.Table'
        $xml.Configuration.SelectionSets.SelectionSet.Name | Should -Be 'Both'
        $xml.Configuration.ViewDefinitions.View[0].TableControl.TableRowEntries.TableRowEntry.TableColumnItems.TableColumnItem.ScriptBlock | Should -Be '"a<$($_.Value)>"'
    }

    It 'is a format file PowerShell loads and formats with' {
        $out = & ([Environment]::ProcessPath) @(if ([IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' }) -NoProfile -NonInteractive -Command @"
Update-FormatData -AppendPath '$Joined'
([pscustomobject]@{ PSTypeName = 'Test.A'; Value = 1 } | Out-String).Trim()
([pscustomobject]@{ PSTypeName = 'Test.B'; Value = 2 } | Format-List | Out-String).Trim()
"@
        $LASTEXITCODE | Should -Be 0
        ($out -join "`n") | Should -Match 'Shown\s+-+\s+a<1>'
        ($out -join "`n") | Should -Match 'Seen : 2'
    }

    It 'refuses a section it cannot merge rather than dropping it' {
        $odd = Join-Path $Scratch 'odd'
        New-Item -ItemType Directory $odd | Out-Null
        Set-Content (Join-Path $odd 'C.Format.ps1xml') '<Configuration><DefaultSettings><ShowError /></DefaultSettings></Configuration>'
        { Join-FormatFile -Path (Join-Path $odd 'C.Format.ps1xml') -Destination (Join-Path $odd 'out.ps1xml') } | Should -Throw '*DefaultSettings*'
    }
}

Describe 'The mutant list' {
    It 'reads as build.ps1 -Task Mutants reads it: seven fields, an existing file, a search text found once, a test' {
        # Read-MutantList throws on the first bad line, so a list the Mutants task would refuse fails here, in every run.
        $Root = (Resolve-Path (Join-Path $PSScriptRoot '../../..')).Path
        . (Join-Path $Root 'build/Mutants.ps1')
        $mutants = @(Read-MutantList (Join-Path $Root 'tests/mutants/mutants.tsv'))
        # Issue 20's five survivors stay on the list whatever else is added.
        foreach ($name in 'pin-retried', 'get-response-keeps-command-class', 'opensc-key-at-shallower-depth', 'low-and-reversed-quotes-not-doubled', 'directory-not-fsynced') {
            $mutants.Name | Should -Contain $name
        }
    }
}
