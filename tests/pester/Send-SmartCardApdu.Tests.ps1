BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:NoFixture = -not (Test-PcscFixtureRequired)
    $script:Cards = @(
        @{ Kind = 'T=0'; Atr = '3B 02 14 50' }
        @{ Kind = 'T=1'; Atr = '3B DF 18 00 81 31 FE 7D 00 6B 02 0C 01 82 01 11 01 43 4E 53 10 31 80 FC' }
    )
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'CardPeers.ps1')
    . (Join-Path $PSScriptRoot 'TableText.ps1')
    $script:Pcsc = Start-TestPcsc
    $script:T0Atr = '3B 02 14 50'
    $script:T1Atr = '3B DF 18 00 81 31 FE 7D 00 6B 02 0C 01 82 01 11 01 43 4E 53 10 31 80 FC'
    $script:SelectApp = '00 A4 04 00 09 F0 53 43 50 53 54 45 53 54 00'
    $script:AppFci = '6F 0E 84 09 F0 53 43 50 53 54 45 53 54 82 01 38'
    # SELECT by AID, SELECT MF and an EF, 600 bytes through GET RESPONSE, a 6C XX retry, and three errors.
    $script:Session = @(
        $SelectApp
        '00 A4 00 0C 02 3F 00'
        '00A4000C020102'
        '00 B1 00 00 03 54 01 00 00'
        '00 B0 02 50 10'
        '00 FF 00 00'
        '00 A4 00 0C 02 12 34'
        'F0 B0 00 00 01'
    )
    $script:LargeFile = [SmartCardPS.TestFixture.IsoCard]::LargeFileContent
    $script:Id = 'SmartCardPS.Commands.SendSmartCardApduCommand'

    function Use-TestCard([string] $Atr) {
        foreach ($i in 0, 1) { $Pcsc.Remove($i) }
        foreach ($name in $Pcsc.ReaderNames) { Wait-TestReader $name $false | Out-Null }
        $null = $Pcsc.Insert(0, $Atr)
        Wait-TestReader $Pcsc.ReaderNames[0] $true | Out-Null
        $Pcsc.ReaderNames[0]
    }

    function Format-Answer($Response) { (@($Response.Data, $Response.StatusWord) | Where-Object { $_ }) -join ' ' }
}

AfterAll {
    if ($script:Pcsc) { $script:Pcsc.Dispose() }
}

Describe 'Send-SmartCardApdu against the virtual <Kind> card, APDU for APDU with the peer tools' -Skip:$NoFixture -ForEach $Cards {
    BeforeAll { $script:Reader = Use-TestCard $Atr }

    It 'answers as opensc-tool -s does (GET RESPONSE and Le retry followed)' {
        $ours = @(Send-SmartCardApdu $Session -Reader $Reader | ForEach-Object { Format-Answer $_ })
        $ours.Count | Should -Be $Session.Count
        $ours | Should -Be @(Invoke-OpenScApdu 0 $Session)
        $ours[0] | Should -Be "$AppFci 90 00"
        # T=0: 600 bytes joined from 61 00, 61 00, 61 58; T=1: the 256 bytes a short Le of 00 asks for.
        $expected = if ($Kind -eq 'T=0') { $LargeFile } else { $LargeFile[0..255] }
        $ours[3] | Should -Be ((($expected | ForEach-Object { $_.ToString('X2') }) -join ' ') + ' 90 00')
    }

    It 'answers as scriptor and pyscard do with -NoGetResponse' {
        $script = Join-Path $TestDrive 'session.script'
        "# the session, as a scriptor script`n" + ($Session -join "`n") + "`n" | Set-Content $script
        $ours = @(Send-SmartCardApdu -Reader $Reader -ScriptPath $script -NoGetResponse | ForEach-Object { Format-Answer $_ })
        $ours | Should -Be @(Invoke-ScriptorApdu $Reader $script)
        $ours | Should -Be @(Invoke-PyscardApdu $Reader $Session)
        if ($Kind -eq 'T=0') { $ours[0] | Should -Be '61 10' } else { $ours[0] | Should -Be "$AppFci 90 00" }
    }
}

Describe 'Send-SmartCardApdu' -Skip:$NoFixture {
    BeforeAll { $script:Reader = Use-TestCard $T0Atr }

    It 'follows 61 XX after class <Cla> with the GET RESPONSE class ISO 7816-4 gives (channel kept, secure messaging cleared, 00 after proprietary)' -ForEach @(
        @{ Cla = '01' }, @{ Cla = '02' }, @{ Cla = '03' }, @{ Cla = '0C' }, @{ Cla = '0B' }, @{ Cla = '45' }, @{ Cla = '6A' }, @{ Cla = '80' }
    ) {
        # The virtual card refuses a GET RESPONSE of any other class, so only the right one brings the FCI.
        $select = $Cla + $SelectApp.Substring(2)
        Format-Answer (Send-SmartCardApdu $select -Reader $Reader) | Should -Be "$AppFci 90 00"
        Format-Answer (Send-SmartCardApdu $select -Reader $Reader -NoGetResponse) | Should -Be '61 10'
    }

    It 'takes readers from Get-SmartCardReader and gives the response fields' {
        $r = Get-SmartCardReader -Name $Reader | Send-SmartCardApdu $SelectApp
        $r | Should -BeOfType ([SmartCardPS.Iso7816.ApduResponse])
        $r.Reader | Should -Be $Reader
        $r.Command | Should -Be $SelectApp
        $r.Data | Should -Be $AppFci
        $r.SW1, $r.SW2 | Should -Be 0x90, 0x00
        $r.StatusWord | Should -Be '90 00'
        $r.Meaning | Should -Be 'Normal processing: no further qualification'
        $r.Success | Should -BeTrue
        $r.Elapsed | Should -BeOfType ([timespan])
        ($r | ConvertTo-Json | ConvertFrom-Json).StatusWord | Should -Be '90 00'
    }

    # Issue 23, item 6: the reader named, nothing cut, the data's text as opensc-tool prints it, SW1 and SW2 in hex.
    It 'shows the reader above, the command, the data with its text as opensc-tool prints it and the meaning whole at <_> columns' -ForEach 80, 120 {
        $width = $_
        $responses = @(Send-SmartCardApdu $SelectApp, '00 A4 00 0C 02 12 34' -Reader $Reader)
        # opensc-tool -s prints each line of up to 16 bytes followed by its text: printable ASCII, '.' for the rest.
        $received = @(opensc-tool -r 0 -s $SelectApp 2>&1) -match '^[0-9A-F]{2} '
        $count = $AppFci.Split(' ').Count
        $openscText = -join @($received | ForEach-Object { $_.Substring(3 * [Math]::Min(16, $count)); $count -= 16 })
        $openscText | Should -BeExactly 'o....SCPSTEST..8'
        $responses[0].Text | Should -BeExactly $openscText

        $lines = ($responses | Out-String -Width $width) -split "`r?`n"
        foreach ($line in $lines) { $line.TrimEnd().Length | Should -BeLessOrEqual $width }
        ($lines -join "`n") | Should -Not -Match '…'
        # The reader heads its responses, whole, wrapped at spaces under its label.
        $head = [array]::FindIndex($lines, [Predicate[string]] { $args[0] -match '^\s+Reader: ' })
        $head | Should -BeGreaterOrEqual 0
        $readerLines = @($lines[$head]) + @($lines[($head + 1)..($lines.Count - 1)] | ForEach-Object -Begin { $more = $true } -Process { if (-not $_.Trim()) { $more = $false }; if ($more) { $_ } })
        (($readerLines | ForEach-Object Trim) -join ' ') | Should -BeExactly "Reader: $Reader"
        $columns = Get-TableColumnText $lines
        $columns.Command | Should -BeExactly "$SelectApp 00 A4 00 0C 02 12 34"
        $columns.SW | Should -BeExactly '90 00 6A 82'
        $columns.Data | Should -BeExactly "$AppFci $openscText"
        $columns.Meaning | Should -BeExactly 'Normal processing: no further qualification Wrong parameters: file or application not found'

        $list = $responses[1] | Format-List | Out-String -Width $width
        ($list -replace '\s+', ' ') | Should -Match "Reader : $([regex]::Escape($Reader)) Command"
        $list | Should -Match 'SW1\s+: 6A\s'
        $list | Should -Match 'SW2\s+: 82\s'
    }

    It 'takes APDUs as byte arrays and as arrays of numbers' {
        $c = Connect-SmartCard $Reader
        try {
            (, [byte[]](0, 0xA4, 8, 0x0C, 2, 1, 1) | Send-SmartCardApdu -Connection $c).StatusWord | Should -Be '90 00'
            $r = Send-SmartCardApdu -Apdu 0, 0xB0, 0, 0, 0x20 -Connection $c
            $r.GetData() | Should -Be (0..31)
        }
        finally { Disconnect-SmartCard $c }
    }

    It 'reports the card status word as data, not as an error, with its ISO 7816-4 meaning' {
        $r = Send-SmartCardApdu '00 A4 00 0C 02 12 34' -Reader $Reader -ErrorVariable err
        $err | Should -BeNullOrEmpty
        $r.Success | Should -BeFalse
        $r.Meaning | Should -Be 'Wrong parameters: file or application not found'
    }

    It 'writes <Reason> for <Apdu> and sends the other APDUs' -ForEach @(
        @{ Apdu = '00 A4 0G 00'; Reason = 'InvalidHex' }
        @{ Apdu = '00 A4 0'; Reason = 'OddDigitCount' }
        @{ Apdu = '00 A4'; Reason = 'TooShort' }
        @{ Apdu = ' '; Reason = 'Empty' }
        @{ Apdu = '00 B0 00 00 00 02 58'; Reason = 'ExtendedOverT0' }
    ) {
        $out = @($Apdu, $SelectApp | Send-SmartCardApdu -Reader $Reader -ErrorVariable err -ErrorAction SilentlyContinue)
        $out.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Be "SendSmartCardApdu$Reason,$Id"
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'stops with ScriptNotFound and InvalidScript before sending anything' {
        { Send-SmartCardApdu -Reader $Reader -ScriptPath (Join-Path $TestDrive 'none.script') } | Should -Throw -ErrorId "SendSmartCardApduScriptNotFound,$Id"
        $bad = Join-Path $TestDrive 'bad.script'
        "$SelectApp`n# comment`n00 A4 XY" | Set-Content $bad
        $sent = $Pcsc.InstructionsOf(0).Count
        $e = { Send-SmartCardApdu -Reader $Reader -ScriptPath $bad } | Should -Throw -ErrorId "SendSmartCardApduInvalidScript,$Id" -PassThru
        $e.Exception.Message | Should -Match 'line 3'
        $Pcsc.InstructionsOf(0).Count | Should -Be $sent -Because 'the SELECT on line 1 must not be sent'
    }

    It 'runs scriptor scripts with comments, continuation lines, reset and exit' {
        $script = Join-Path $TestDrive 'reset.script'
        @(
            '# select the file, reset (which deselects it), read: no current EF'
            '00 A4 08 0C \'
            '   02 01 01'
            'reset'
            '00 B0 00 00 20'
            'exit'
            '00 FF 00 00'
        ) | Set-Content $script
        $r = @(Send-SmartCardApdu -Reader $Reader -ScriptPath $script)
        $r.StatusWord | Should -Be '90 00', '69 86'
        $r[0].Command | Should -Be '00 A4 08 0C 02 01 01'
    }

    It 'writes UnknownReader for a reader name that is not a valid wildcard (a lone bracket)' {
        Send-SmartCardApdu $SelectApp -Reader 'SCM Microsystems [CCID' -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be "SendSmartCardApduUnknownReader,$Id"
        $err = $null
        Connect-SmartCard 'SCM*[CCID' -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ConnectSmartCardUnknownReader,*'
    }

    It 'writes UnknownReader and NoSmartCard per reader' {
        Send-SmartCardApdu $SelectApp -Reader 'No such reader' -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be "SendSmartCardApduUnknownReader,$Id"
        $err = $null
        $out = @(Get-SmartCardReader | Send-SmartCardApdu $SelectApp -ErrorVariable err -ErrorAction SilentlyContinue)
        $out.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Be "SendSmartCardApduNoSmartCard,$Id"
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'escapes control and bidi characters of a reader name in its messages' {
        # ESC 7 (save the cursor) and BEL: an ESC [ sequence would make the name an invalid wildcard pattern.
        Send-SmartCardApdu $SelectApp -Reader "No such`e7`a`u{202E}reader" -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be "SendSmartCardApduUnknownReader,$Id"
        Assert-EscapedText $err[0].Exception.Message "'No such\x1B7\x07\u202Ereader'"
        Connect-SmartCard "No*`e7`a`u{202E}" -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'ConnectSmartCardUnknownReader,SmartCardPS.Commands.ConnectSmartCardCommand'
        Assert-EscapedText $err[0].Exception.Message "'No*\x1B7\x07\u202E'"
        $err = $null
        Connect-SmartCard "SCM*`u{200B}*" -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err | Should -Not -BeNullOrEmpty
        Assert-EscapedText $err[0].Exception.Message "'SCM*\u200B*'"
    }

    It 'does nothing with -WhatIf, not even connect' {
        $before = $Pcsc.ApduCountOf(0)
        Send-SmartCardApdu $SelectApp -Reader $Reader -WhatIf | Should -BeNullOrEmpty
        $Pcsc.ApduCountOf(0) | Should -Be $before
        # A card held exclusively elsewhere would make a connection attempt fail: -WhatIf must not make one.
        $held = Connect-SmartCard $Reader -ShareMode Exclusive
        try {
            Send-SmartCardApdu $SelectApp -Reader $Reader -WhatIf -ErrorVariable err | Should -BeNullOrEmpty
            $err | Should -BeNullOrEmpty
            Send-SmartCardApdu $SelectApp -Connection $held -WhatIf -ErrorVariable err | Should -BeNullOrEmpty
            $err | Should -BeNullOrEmpty
        }
        finally { Disconnect-SmartCard $held }
    }
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

Describe 'The card cmdlets help examples' -Skip:$NoFixture {
    BeforeAll { $script:Reader = Use-TestCard $T1Atr }

    It 'runs the examples of <Name> without errors, and leaves no card held' -ForEach @(
        @{ Name = 'Connect-SmartCard' }, @{ Name = 'Disconnect-SmartCard' }, @{ Name = 'Send-SmartCardApdu' }
    ) {
        Push-Location $TestDrive
        try {
            foreach ($example in (Get-Help $Name).Examples.Example) {
                $out = . ([scriptblock]::Create($example.Code)) 2>&1
                @($out | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] }) | Should -BeNullOrEmpty -Because $example.Code
                Get-SmartCardReader | Where-Object Exclusive | Should -BeNullOrEmpty -Because "the example leaves no exclusive connection: $($example.Code)"
                Get-Variable card, reader -Scope 0 -ErrorAction SilentlyContinue | ForEach-Object { if ($_.Value -is [SmartCardPS.Pcsc.SmartCardConnection]) { $_.Value.Dispose() } }
            }
        }
        finally { Pop-Location }
    }
}
