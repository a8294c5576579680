BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Support/Common.ps1')
    $script:NoFixture = -not (Test-PcscFixtureRequired)
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/Common.ps1')
    . (Join-Path $PSScriptRoot '../Support/TableText.ps1')
    $script:Pcsc = Start-TestPcsc
    . (Join-Path $PSScriptRoot '../Support/VirtualIsoCard.ps1')
    $script:Id = 'SmartCardPS.Commands.SendSmartCardApduCommand'
}

AfterAll {
    if ($script:Pcsc) { $script:Pcsc.Dispose() }
}

Describe 'Connect-SmartCard and Disconnect-SmartCard' -Skip:$NoFixture {
    BeforeAll { $script:Reader = Use-TestCard $T1Atr }

    It 'connects, sends in one transaction and disconnects' {
        $c = Connect-SmartCard $Reader
        $c | Should -BeOfType ([SmartCardPS.Pcsc.SmartCardConnection])
        $c.Reader, $c.Protocol, $c.ShareMode, $c.Atr, $c.IsConnected | Should -Be $Reader, 'T1', 'Shared', $T1Atr, $true
        $r = @('00 A4 08 0C 02 01 02', '00 B0 00 00 00 02 58' | Send-SmartCardApdu -Connection $c)
        $r[1].GetData() | Should -Be $LargeFile
        Disconnect-SmartCard $c
        $c.IsConnected | Should -BeFalse
        { Send-SmartCardApdu $SelectApp -Connection $c } | Should -Throw -ErrorId "SendSmartCardApduNotConnected,$Id"
    }

    It 'connects by wildcard to the one reader it matches, and reports a missing card' {
        $pattern = [WildcardPattern]::Escape($Reader.Substring(0, $Reader.Length - 1)) + '[0]'
        (Connect-SmartCard $pattern | Disconnect-SmartCard -PassThru).Reader | Should -Be $Reader
        Connect-SmartCard $Pcsc.ReaderNames[1] -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'ConnectSmartCardNoSmartCard,SmartCardPS.Commands.ConnectSmartCardCommand'
        Connect-SmartCard 'SCM*' -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'ConnectSmartCardAmbiguousReader,SmartCardPS.Commands.ConnectSmartCardCommand'
    }

    It 'connects directly to a reader without a card' {
        $c = Connect-SmartCard $Pcsc.ReaderNames[1] -ShareMode Direct
        try { $c.Protocol, $c.Atr | Should -Be 'None', $null }
        finally { $c | Disconnect-SmartCard }
    }

    It 'an exclusive connection blocks a second one until it closes' {
        $c = Connect-SmartCard $Reader -ShareMode Exclusive
        try {
            (Get-SmartCardReader $Reader).Exclusive | Should -BeTrue
            Connect-SmartCard $Reader -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -Be 'ConnectSmartCardSharingViolation,SmartCardPS.Commands.ConnectSmartCardCommand'
            $err[0].CategoryInfo.Category | Should -Be 'ResourceBusy'
        }
        finally { Disconnect-SmartCard $c }
        Connect-SmartCard $Reader -ShareMode Exclusive | Disconnect-SmartCard
    }

    It 'reports a card removed between connect and transmit' {
        $c = Connect-SmartCard $Reader
        try {
            $Pcsc.Remove(0)
            Wait-TestReader $Reader $false | Out-Null
            Send-SmartCardApdu $SelectApp -Connection $c -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -Be "SendSmartCardApduRemovedCard,$Id"
            $err[0].Exception.Message | Should -Match 'removed'
        }
        finally { Disconnect-SmartCard $c; $script:Reader = Use-TestCard $T1Atr }
    }

    It 'reports a reset by another connection, and retries once with -RetryOnReset' {
        $c = Connect-SmartCard $Reader
        $other = Connect-SmartCard $Reader
        try {
            Disconnect-SmartCard $other -Disposition Reset
            Send-SmartCardApdu $SelectApp -Connection $c -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -Be "SendSmartCardApduResetCard,$Id"
            Connect-SmartCard $Reader | Disconnect-SmartCard -Disposition Reset
            (Send-SmartCardApdu $SelectApp -Connection $c -RetryOnReset).Data | Should -Be $AppFci
        }
        finally { Disconnect-SmartCard $c }
    }

    It 'sends the APDUs of one pipeline in one transaction: another connection waits for its end' {
        $first = Connect-SmartCard $Reader
        $start = $Pcsc.InstructionsOf(0).Count
        # Five 100 ms commands (the card's proprietary 80 5A) piped through one call in another runspace, with pauses
        # between them in which another connection would get its turn if the transaction did not span the pipeline.
        $ps = [powershell]::Create()
        $null = $ps.AddScript("param(`$c) Import-Module '$ModuleDir'; 1..5 | ForEach-Object { if (`$_ -gt 1) { Start-Sleep -Milliseconds 300 }; '80 5A 0A 00' } | Send-SmartCardApdu -Connection `$c").AddArgument($first)
        $output = [System.Management.Automation.PSDataCollection[psobject]]::new()
        $noInput = [System.Management.Automation.PSDataCollection[psobject]]::new(); $noInput.Complete()
        $handle = $ps.BeginInvoke($noInput, $output)
        try {
            $sw = [Diagnostics.Stopwatch]::StartNew()
            while ($output.Count -lt 1 -and $sw.Elapsed.TotalSeconds -lt 20) { Start-Sleep -Milliseconds 5 }
            # The pipeline is under way: a SELECT from a second connection must come after all five.
            (Send-SmartCardApdu '00 A4 00 0C 02 3F 00' -Reader $Reader).StatusWord | Should -Be '90 00'
            $null = $ps.EndInvoke($handle)
            $ps.Streams.Error | Should -BeNullOrEmpty
            $seen = @($Pcsc.InstructionsOf(0) | Select-Object -Skip $start | ForEach-Object { $_.ToString('X2') })
            $seen | Should -Be @('5A', '5A', '5A', '5A', '5A', 'A4')
        }
        finally { $ps.Dispose(); Disconnect-SmartCard $first }
    }

    It 'disconnects the connections of a runspace when it closes' {
        $rs = [runspacefactory]::CreateRunspace()
        $rs.Open()
        $ps = [powershell]::Create($rs)
        $null = $ps.AddScript("Import-Module '$ModuleDir'; `$null = Connect-SmartCard '$Reader' -ShareMode Exclusive").Invoke()
        $ps.Streams.Error | Should -BeNullOrEmpty
        (Get-SmartCardReader $Reader).Exclusive | Should -BeTrue
        $ps.Dispose(); $rs.Dispose()
        (Get-SmartCardReader $Reader).Exclusive | Should -BeFalse
        Connect-SmartCard $Reader -ShareMode Exclusive | Disconnect-SmartCard
    }

    It 'serves 8 runspaces, each with its own shared connection to the same card' {
        $pool = [runspacefactory]::CreateRunspacePool(8, 8)
        $pool.Open()
        try {
            $runs = foreach ($i in 1..8) {
                $ps = [powershell]::Create()
                $ps.RunspacePool = $pool
                $null = $ps.AddScript({
                        param($ModuleDir, $Reader)
                        Import-Module $ModuleDir
                        $c = Connect-SmartCard $Reader
                        try {
                            foreach ($n in 1..5) {
                                $r = '00 A4 08 0C 02 01 01', '00 B0 00 00 20' | Send-SmartCardApdu -Connection $c
                                if (($r | Select-Object -Last 1).Data -ne '00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F 10 11 12 13 14 15 16 17 18 19 1A 1B 1C 1D 1E 1F') { throw "run $n read $($r.Data)" }
                            }
                            $c.ShareMode
                        }
                        finally { Disconnect-SmartCard $c }
                    }).AddArgument($ModuleDir).AddArgument($Reader)
                [pscustomobject]@{ PowerShell = $ps; Handle = $ps.BeginInvoke() }
            }
            foreach ($run in $runs) {
                $run.PowerShell.EndInvoke($run.Handle) | Should -Be 'Shared'
                $run.PowerShell.Streams.Error | Should -BeNullOrEmpty
                $run.PowerShell.Dispose()
            }
        }
        finally { $pool.Dispose() }
    }

    It 'stops a long script on Ctrl+C and leaves the card free' {
        $script = Join-Path $TestDrive 'long.script'
        # 80 5A: the test card's proprietary delay, 100 ms each, 20 s in all.
        @('80 5A 0A 00') * 200 | Set-Content $script
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module '$ModuleDir'; Send-SmartCardApdu -Reader '$Reader' -ScriptPath '$script'")
        $output = [System.Management.Automation.PSDataCollection[psobject]]::new()
        $noInput = [System.Management.Automation.PSDataCollection[psobject]]::new(); $noInput.Complete()
        $handle = $ps.BeginInvoke($noInput, $output)
        $sw = [Diagnostics.Stopwatch]::StartNew()
        while ($output.Count -lt 3 -and $sw.Elapsed.TotalSeconds -lt 20) { Start-Sleep -Milliseconds 10 }
        $ps.Stop()
        $ps.InvocationStateInfo.State | Should -Be 'Stopped'
        $output.Count | Should -BeLessThan 200
        $ps.Dispose()
        # The transaction ended and the connection closed: an exclusive connection is possible at once.
        Connect-SmartCard $Reader -ShareMode Exclusive | Disconnect-SmartCard
    }
}
