BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Support/Common.ps1')
    $script:NoFixture = -not (Test-PcscFixtureRequired)
    $script:Cards = @(
        @{ Kind = 'T=0'; Atr = '3B 02 14 50' }
        @{ Kind = 'T=1'; Atr = '3B DF 18 00 81 31 FE 7D 00 6B 02 0C 01 82 01 11 01 43 4E 53 10 31 80 FC' }
    )
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/Common.ps1')
    . (Join-Path $PSScriptRoot '../Support/CardPeers.ps1')
    . (Join-Path $PSScriptRoot '../Support/TableText.ps1')
    $script:Pcsc = Start-TestPcsc
    . (Join-Path $PSScriptRoot '../Support/VirtualIsoCard.ps1')
    $script:Id = 'SmartCardPS.Commands.SendSmartCardApduCommand'
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
        # Issue 23, item 15: scriptor answers a reset line with 'OK: <ATR>'; so does the cmdlet, between the responses.
        $r.Count | Should -Be 3
        $r[1] | Should -BeOfType ([SmartCardPS.Pcsc.CardReset])
        $r[1].Reader | Should -Be $Reader
        # (scriptor itself reads no indented continuation line: it gets the plain script.)
        $plain = Join-Path $TestDrive 'plain-reset.script'
        "00 A4 08 0C 02 01 01`nreset`n00 B0 00 00 20" | Set-Content $plain
        $scriptorOk = @(scriptor -r $Reader $plain 2>$null) -match '^< OK: '
        $scriptorOk | Should -HaveCount 1
        $ours = @(Send-SmartCardApdu -Reader $Reader -ScriptPath $plain)
        $ours[1].Atr | Should -BeExactly $scriptorOk[0].Substring(6).Trim()
        $r[1].Atr | Should -BeExactly $T0Atr
        ($r[1] | ConvertTo-Json | ConvertFrom-Json).Atr | Should -BeExactly $T0Atr
        # One table, the reset a row of it: the responses' columns, not a second table or a list.
        $lines = ($r | Out-String -Width 80) -split "`r?`n"
        $lines -match '^Command\s+SW\s+Data\s+Meaning$' | Should -HaveCount 1
        $lines -match "^reset\s+$([regex]::Escape($T0Atr))\s+OK: the card was reset" | Should -HaveCount 1
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
